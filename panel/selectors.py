"""Every read of the panel a page or the API shows, scoped to what the acting user may see.

Council staff who manage agendas see their own council's panel. A panel member sees the meetings of the panel they
sit on; a case's bundle only from the day papers close until the meeting ends, and never for a case they declared a
conflict on; afterwards only the minutes. Anything else is a 404.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from advice import selectors as advice_selectors
from advice.models import AdviceRequest
from cases import panels as case_panels
from cases import policy
from cases import selectors as case_selectors
from cases.models import Case, Deadline
from panel import rules
from panel.models import (
    AgendaItem,
    Attendance,
    BundleRead,
    ConflictOfInterest,
    Decision,
    Meeting,
    Note,
    Panel,
    PanelMember,
    Vote,
)

LIVE_ITEM_STATUSES = (
    AgendaItem.Status.LISTED,
    AgendaItem.Status.VOTING,
    AgendaItem.Status.VOTE_CLOSED,
)


# --- panels and seats -------------------------------------------------------------------------------------------


def panel_of_council(*, council_id: int) -> Panel | None:
    return Panel.objects.filter(council_id=council_id, is_active=True).first()


def panels_for(*, user: User) -> QuerySet[Panel]:
    """The panels this person works with: their council's (staff), or the ones they sit on (members)."""
    if not policy.role_may(user, "view_panel"):
        return Panel.objects.none()
    council = policy.council_of(user)
    if council is not None:
        return Panel.objects.filter(council_id=council.pk, is_active=True)
    return Panel.objects.filter(is_active=True, members__user=user, members__left_on__isnull=True).distinct()


def seat(*, user: User, panel_id: int) -> PanelMember | None:
    """This person's current seat on the panel, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return (
        PanelMember.objects.filter(panel_id=panel_id, user=user, left_on__isnull=True)
        .select_related("user", "panel")
        .first()
    )


def members_of(*, panel: Panel) -> list[PanelMember]:
    return list(panel.members.filter(left_on__isnull=True).select_related("user").order_by("-is_chair", "id"))


def chair_of(*, panel: Panel) -> PanelMember | None:
    return panel.members.filter(left_on__isnull=True, is_chair=True).select_related("user").first()


# --- meetings ---------------------------------------------------------------------------------------------------


def meetings_for(*, user: User) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(panel__in=panels_for(user=user))
        .select_related("panel")
        .annotate(
            item_count=Count(
                "items", filter=~Q(items__status__in=[AgendaItem.Status.HELD, AgendaItem.Status.WITHDRAWN])
            )
        )
    )


def upcoming_and_recent(*, user: User, on: date | None = None) -> tuple[list[Meeting], list[Meeting]]:
    on = on or case_selectors.today()
    meetings = meetings_for(user=user)
    upcoming = list(
        meetings.filter(held_on__gte=on, status=Meeting.Status.SCHEDULED).order_by("held_on", "starts_at")[
            :12
        ]
    )
    past = list(meetings.filter(Q(held_on__lt=on) | Q(status=Meeting.Status.ENDED)).order_by("-held_on")[:12])
    past = [m for m in past if m not in upcoming]
    return upcoming, past


def meeting_for(*, user: User, meeting_id: int) -> Meeting:
    meeting = meetings_for(user=user).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No meeting found")
    return meeting


def next_meeting(*, panel: Panel, on: date, open_for_papers: bool = True) -> Meeting | None:
    """The next scheduled meeting whose papers have not yet closed (or simply the next, if not asked)."""
    meetings = Meeting.objects.filter(
        panel=panel, kind=Meeting.Kind.MEETING, status=Meeting.Status.SCHEDULED, held_on__gte=on
    )
    if open_for_papers:
        meetings = meetings.filter(papers_close_on__gte=on)
    return meetings.order_by("held_on").first()


def bundle_open(meeting: Meeting, *, now=None) -> bool:
    """Members read the bundles from the day papers close until the meeting ends (a digital vote: until it
    closes and is decided)."""
    if meeting.status != Meeting.Status.SCHEDULED:
        return False
    now = now or timezone.now()
    if meeting.is_digital:
        return True
    return timezone.localdate(now) >= meeting.papers_close_on


# --- the agenda -------------------------------------------------------------------------------------------------


@dataclass
class AgendaRow:
    item: AgendaItem
    starts: str
    ends: str
    days_left: int | None
    conflicted: bool
    read: bool
    votes_cast: int
    decision: Decision | None

    @property
    def overdue_by(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def agenda(*, meeting: Meeting, user: User, seat_row: PanelMember | None = None) -> dict:
    """The meeting's items in order with their time boxes, and the ones held back with why; fixed queries."""
    items = list(
        meeting.items.select_related("case", "case__child", "case__coordinator")
        .annotate(votes_cast=Count("votes", distinct=True))
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(superseded_by__isnull=True).order_by("-recorded_at"),
                to_attr="current_decisions",
            )
        )
        .order_by("position", "id")
    )
    conflicted: set[int] = set()
    read: set[int] = set()
    if seat_row is not None:
        case_ids = [i.case_id for i in items]
        conflicted = set(
            ConflictOfInterest.objects.filter(member=seat_row, case_id__in=case_ids).values_list(
                "case_id", flat=True
            )
        )
        read = set(
            BundleRead.objects.filter(user=user, item__meeting=meeting).values_list("item_id", flat=True)
        )
    on = case_selectors.today()
    listed = [i for i in items if i.is_on_agenda]
    start = meeting.starts_at.hour * 60 + meeting.starts_at.minute
    boxes = rules.time_boxes([i.minutes for i in listed], starts_at_minute=start)
    rows = [
        AgendaRow(
            item=item,
            starts=_hhmm(box[0]),
            ends=_hhmm(box[1]),
            days_left=(item.due_on - on).days if item.due_on else None,
            conflicted=item.case_id in conflicted,
            read=item.pk in read,
            votes_cast=item.votes_cast,
            decision=item.current_decisions[0] if item.current_decisions else None,
        )
        for item, box in zip(listed, boxes, strict=True)
    ]
    held = [i for i in items if i.status == AgendaItem.Status.HELD]
    withdrawn = [i for i in items if i.status == AgendaItem.Status.WITHDRAWN]
    return {"rows": rows, "held": held, "withdrawn": withdrawn}


def item_for(*, user: User, item_id: int) -> AgendaItem:
    """An item of a meeting this person may see (not its bundle: see `item_for_bundle`); 404 otherwise."""
    item = (
        AgendaItem.objects.filter(pk=item_id, meeting__panel__in=panels_for(user=user))
        .select_related(
            "meeting", "meeting__panel", "case", "case__child", "case__coordinator", "case__council"
        )
        .first()
    )
    if item is None:
        raise Http404("No agenda item found")
    return item


def is_conflicted(*, member: PanelMember, case_id: int) -> bool:
    return ConflictOfInterest.objects.filter(member=member, case_id=case_id).exists()


def item_for_member(*, user: User, item_id: int) -> tuple[AgendaItem, PanelMember]:
    """An item on a meeting of a panel this person sits on, and their seat; never for a conflicted member."""
    if not policy.role_may(user, "view_bundle"):
        raise Http404
    item = item_for(user=user, item_id=item_id)
    # The seat and whether it is conflicted on this case, in one query.
    seat_row = (
        PanelMember.objects.filter(panel_id=item.meeting.panel_id, user=user, left_on__isnull=True)
        .annotate(
            conflicted=Exists(ConflictOfInterest.objects.filter(member=OuterRef("pk"), case_id=item.case_id))
        )
        .first()
    )
    if seat_row is None or seat_row.conflicted:
        raise Http404("No agenda item found")
    return item, seat_row


def item_for_bundle(*, user: User, item_id: int) -> tuple[AgendaItem, PanelMember]:
    """The item whose bundle this member may read now: their panel, not conflicted, papers closed, meeting on."""
    item, seat_row = item_for_member(user=user, item_id=item_id)
    if not item.is_on_agenda or not bundle_open(item.meeting):
        raise Http404("No bundle to read")
    return item, seat_row


def neighbours(*, item: AgendaItem, member: PanelMember) -> tuple[int | None, int | None]:
    """The previous and next items this member may read, for moving through the bundles without losing place."""
    conflicted = ConflictOfInterest.objects.filter(member=member).values("case_id")
    ids = list(
        AgendaItem.objects.filter(meeting_id=item.meeting_id)
        .exclude(status__in=[AgendaItem.Status.HELD, AgendaItem.Status.WITHDRAWN])
        .exclude(case_id__in=conflicted)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    at = ids.index(item.pk) if item.pk in ids else -1
    previous = ids[at - 1] if at > 0 else None
    following = ids[at + 1] if 0 <= at < len(ids) - 1 else None
    return previous, following


# --- the bundle -------------------------------------------------------------------------------------------------

BUNDLE_SECTIONS = (
    ("question", "The question"),
    ("child", "The child"),
    ("request", "The request"),
    ("advice", "Advice"),
    ("ras", "RAS and band"),
    ("plan", "Draft plan"),
    ("history", "Earlier decisions"),
    ("notes", "Notes and questions"),
)


def deadline_for(*, case: Case, question: str) -> Deadline | None:
    code = rules.DEADLINE_FOR.get(rules.Question(question))
    if code is None:
        return None
    return case.deadlines.filter(code=code).first()


def bundle(*, item: AgendaItem, user: User, member: PanelMember, section: str = "question") -> dict:
    """What the member reads for one item: only the section on screen is read, each in a query or a few."""
    case = item.case
    context = {
        "item": item,
        "case": case,
        "question": rules.QUESTION_LABELS[rules.Question(item.question)],
        "sections": BUNDLE_SECTIONS,
        "section": section,
    }
    if section == "question":
        deadline = deadline_for(case=case, question=item.question)
        on = case_selectors.today()
        context.update(
            deadline=deadline,
            days_left=(deadline.due_on - on).days if deadline and deadline.met_on is None else None,
            vote=vote_of(item=item, member=member),
        )
    elif section in ("child", "request"):
        context.update(
            request=case_selectors.request_summary(case=case, user=user),
            age=case_selectors.year_group(case=case),
        )
    elif section == "advice":
        # The advice's own selector, with only the parts the bundle shows prefetched.
        context["submissions"] = list(
            advice_selectors.current_submissions(case=case)
            .prefetch_related(None)
            .prefetch_related("needs", "outcomes", "provision")
        )
    elif section == "ras":
        score = advice_selectors.current_score(case=case, user=user)
        context.update(
            score=score, disagreements=[a for a in (score.profile if score else []) if a.get("disagreement")]
        )
    elif section == "plan":
        context["extra_panels"] = case_panels.for_case(case=case, user=user, bundle=True)
    elif section == "history":
        context["earlier"] = list(
            Decision.objects.filter(case=case).exclude(item=item).order_by("-recorded_at")[:10]
        )
    elif section == "notes":
        notes = Note.objects.filter(item=item).select_related("author")
        if not member.is_chair:
            notes = notes.filter(author=user)
        context["notes"] = list(notes.order_by("created_at", "id"))
    return context


def advice_document(*, item: AgendaItem, document_id: int):
    """An advice PDF filed on the item's case (what the bundle links), or 404."""
    for submission in advice_selectors.current_submissions(case=item.case):
        for document in (submission.document, submission.reused_document):
            if document is not None and document.pk == document_id and document.withdrawn_at is None:
                return document
    raise Http404("No such document")


# --- votes ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteRow:
    member: PanelMember
    vote: Vote | None
    conflicted: bool


def live_tally(*, item: AgendaItem) -> dict:
    """The chair's view of an item's votes as they arrive: counts and who has voted (fixed queries)."""
    members = members_of(panel=item.meeting.panel)
    votes = {v.member_id: v for v in Vote.objects.filter(item=item)}
    conflicted = set(
        ConflictOfInterest.objects.filter(
            case_id=item.case_id, member__panel_id=item.meeting.panel_id
        ).values_list("member_id", flat=True)
    )
    rows = [VoteRow(member=m, vote=votes.get(m.pk), conflicted=m.pk in conflicted) for m in members]
    # A vote from a member who then declared a conflict stays on record but is not counted.
    result = rules.tally(v.choice for member_id, v in votes.items() if member_id not in conflicted)
    chair = next((m for m in members if m.is_chair), None)
    chair_vote = (
        votes[chair.pk].choice if chair and chair.pk in votes and chair.pk not in conflicted else None
    )
    return {
        "rows": rows,
        "tally": result,
        "majority": rules.majority(result, chair_vote=chair_vote),
        "eligible": len([r for r in rows if not r.conflicted]),
    }


def vote_of(*, item: AgendaItem, member: PanelMember) -> Vote | None:
    return Vote.objects.filter(item=item, member=member).first()


def present_agencies(*, meeting: Meeting, case_id: int) -> list[PanelMember]:
    """The members recorded present, less any conflicted on this case (they leave the room for it)."""
    conflicted = ConflictOfInterest.objects.filter(case_id=case_id).values("member_id")
    return list(
        PanelMember.objects.filter(attendance__meeting=meeting, attendance__present=True)
        .exclude(pk__in=conflicted)
        .select_related("user")
    )


def quorum_for(*, item: AgendaItem) -> rules.QuorumResult:
    panel = item.meeting.panel
    if item.meeting.is_digital:
        conflicted = ConflictOfInterest.objects.filter(case_id=item.case_id).values("member_id")
        voters = PanelMember.objects.filter(votes__item=item).exclude(pk__in=conflicted)
        return rules.check_quorum(panel.quorum(), [m.agency for m in voters])
    present = present_agencies(meeting=item.meeting, case_id=item.case_id)
    return rules.check_quorum(panel.quorum(), [m.agency for m in present])


def attendance_of(*, meeting: Meeting) -> list[tuple[PanelMember, Attendance | None]]:
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    return [(m, rows.get(m.pk)) for m in members_of(panel=meeting.panel)]


def read_tracker(*, meeting: Meeting) -> dict:
    """Who has opened which bundle, and the notes and questions left for the chair."""
    members = members_of(panel=meeting.panel)
    items = [
        r
        for r in meeting.items.select_related("case", "case__child").order_by("position", "id")
        if r.is_on_agenda
    ]
    reads = set(BundleRead.objects.filter(item__meeting=meeting).values_list("item_id", "user_id"))
    conflicts = set(
        ConflictOfInterest.objects.filter(
            member__panel=meeting.panel, case_id__in=[i.case_id for i in items]
        ).values_list("case_id", "member_id")
    )
    notes = list(
        Note.objects.filter(item__meeting=meeting).select_related("author", "item").order_by("created_at")
    )
    return {
        "members": members,
        "items": [
            {
                "item": i,
                "cells": [
                    "conflicted"
                    if (i.case_id, m.pk) in conflicts
                    else ("read" if (i.pk, m.user_id) in reads else "")
                    for m in members
                ],
            }
            for i in items
        ],
        "notes": notes,
    }


# --- decisions --------------------------------------------------------------------------------------------------


def current_decision(*, item: AgendaItem) -> Decision | None:
    return item.decisions.filter(superseded_by__isnull=True).order_by("-recorded_at", "-id").first()


def decisions_of(*, meeting: Meeting) -> list[Decision]:
    return list(
        Decision.objects.filter(item__meeting=meeting, superseded_by__isnull=True)
        .select_related("case", "case__child", "recorded_by", "item")
        .order_by("item__position", "item_id")
    )


def suggested_band(*, case: Case) -> tuple[str, Decimal | None]:
    """The RAS's suggested band and amount for the case (advice's stored current score), or ("", None)."""
    from advice.models import RasScore

    score = RasScore.objects.filter(case=case, is_current=True).only("band", "annual_amount").first()
    return (score.band, score.annual_amount) if score else ("", None)


def band_choices(*, council_id: int) -> list[tuple[str, str, Decimal]]:
    """The council's RAS bands (code, label, annual amount) in force today."""
    scheme = advice_selectors.scheme_for(council_id=council_id, on=case_selectors.today())
    if scheme is None:
        return []
    return [(b.code, b.label, b.annual_amount) for b in scheme.bands]


@dataclass(frozen=True)
class DecidedBand:
    band: str
    label: str
    amount: Decimal | None
    decided_on: date


def decided_band(case: Case) -> DecidedBand | None:
    """The band and amount the panel decided for a case (its latest decision naming one), or None: for the plan."""
    decision = (
        Decision.objects.filter(case=case, superseded_by__isnull=True)
        .exclude(band="")
        .order_by("-decided_on", "-recorded_at")
        .first()
    )
    if decision is None:
        return None
    labels = {code: label for code, label, _amount in band_choices(council_id=case.council_id)}
    return DecidedBand(
        band=decision.band,
        label=labels.get(decision.band, decision.band),
        amount=decision.amount,
        decided_on=decision.decided_on,
    )


# --- papers -----------------------------------------------------------------------------------------------------


def missing_papers(*, case: Case, question: str) -> list[str]:
    advice = AdviceRequest.objects.filter(case=case).values_list("kind", "status")
    return rules.missing_papers(question, list(advice))


def cases_needing_decision(*, panel: Panel) -> QuerySet[Case]:
    """Open cases of the panel's council waiting for a decision this panel makes."""
    stages = {
        rules.Question.ASSESS: "deciding_to_assess",
        rules.Question.ISSUE: "deciding_to_issue",
    }
    wanted = [stages[q] for q in map(rules.Question, panel.questions) if q in stages]
    return Case.objects.filter(
        council_id=panel.council_id, stage__in=wanted, closed_on__isnull=True
    ).select_related("child", "coordinator")


QUESTION_FOR_STAGE = {"deciding_to_assess": rules.Question.ASSESS, "deciding_to_issue": rules.Question.ISSUE}


# --- the case page ----------------------------------------------------------------------------------------------


def council_panel(case: Case) -> Panel | None:
    """The case's council's panel, with how many agenda items the case has had, read once per case instance: the
    case page asks twice (who decides, and the panel part), and a page fetches its case once."""
    if not hasattr(case, "_council_panel"):
        case._council_panel = (
            Panel.objects.filter(council_id=case.council_id, is_active=True)
            .annotate(items_for_case=Count("meetings__items", filter=Q(meetings__items__case_id=case.pk)))
            .first()
        )
    return case._council_panel


def case_page_part(case: Case, user: User) -> dict | None:
    """The panel's part of the case page: a place the page fills after it loads (htmx), so the case page itself
    reads nothing more for it."""
    if not policy.can(user, "view_panel_status", case, known_in_scope=True):
        return None
    return {"case": case}


def case_status(case: Case, user: User) -> dict | None:
    """The panel part of the case page: where the case is with the panel, and what the panel decided."""
    if not policy.can(user, "view_panel_status", case, known_in_scope=True):
        return None
    panel = council_panel(case)
    if panel is None:
        return None
    items = []
    if panel.items_for_case:
        current = Decision.objects.filter(item=OuterRef("pk"), superseded_by__isnull=True).order_by(
            "-recorded_at"
        )
        items = list(
            AgendaItem.objects.filter(case=case)
            .select_related("meeting")
            .annotate(
                decided=Subquery(current.values("outcome")[:1]),
                decided_band=Subquery(current.values("band")[:1]),
                decided_on=Subquery(current.values("decided_on")[:1]),
            )
            .order_by("-meeting__held_on", "-id")[:10]
        )
        # A meeting is linked only for someone who may open it: staff of the council, members of the panel.
        council = policy.council_of(user)
        may_open = policy.role_may(user, "view_panel") and (
            (council is not None and council.pk == panel.council_id)
            or seat(user=user, panel_id=panel.pk) is not None
        )
        for item in items:
            item.linkable = may_open and item.meeting.panel_id == panel.pk
    return {
        "case": case,
        "items": items,
        "may_manage": policy.role_may(user, "manage_agenda") and case.is_open,
    }


def decides(case: Case) -> frozenset[str]:
    """The workflow steps the council's panel decides (cases.decisions), while the council has chosen it."""
    panel = council_panel(case)
    if panel is None or not panel.decides_for_council:
        return frozenset()
    steps = set()
    for question in panel.questions:
        steps.update(rules.TRANSITIONS.get(rules.Question(question), ()))
    return frozenset(steps)


def minutes_context(*, meeting: Meeting) -> dict:
    """What the minutes say: who was there, each item and its decision with the votes as recorded."""
    items = list(
        meeting.items.select_related("case", "case__child")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(superseded_by__isnull=True).select_related("recorded_by"),
                to_attr="current_decisions",
            )
        )
        .order_by("position", "id")
    )
    return {
        "meeting": meeting,
        "panel": meeting.panel,
        "attendance": attendance_of(meeting=meeting),
        "items": [
            (i, i.current_decisions[0] if i.current_decisions else None) for i in items if i.is_on_agenda
        ],
        "not_heard": [i for i in items if not i.is_on_agenda],
        "conflicts": list(
            ConflictOfInterest.objects.filter(
                member__panel=meeting.panel, case_id__in=[i.case_id for i in items]
            ).select_related("member__user", "case")
        ),
    }
