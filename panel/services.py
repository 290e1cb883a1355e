"""Every write of the panel: its configuration, meetings, the agenda, attendance, conflicts, votes and decisions.

Each use case checks its permission first and runs in one transaction. A decision moves the case through the
workflow with `cases.services.case_transition(decided_by="panel")`, which meets the statutory deadline, tells the
family by their chosen channel and queues the decision letter once; the coordinator and the school are told here.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role, User
from cases import policy, workflow
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case
from core.errors import ServiceError, StaleVersion
from core.history import save_with_history as _save
from core.pdf import render_pdf
from core.queue import enqueue_on_commit
from core.redaction import REDACTED, redacted, scrub
from notifications import services as notifications
from panel import rules, selectors
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

__all__ = ["ServiceError", "StaleVersion", "VoteResult"]

DECISION_MAKER = "panel"
WEEKS_AHEAD = 6


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _require(user: User, action: str) -> None:
    if not policy.role_may(user, action):
        raise policy.NotAllowed(action)


def _require_council(user: User, panel: Panel, action: str) -> None:
    """Council staff act on their own council's panel only."""
    _require(user, action)
    council = policy.council_of(user)
    if council is None or council.pk != panel.council_id:
        raise policy.NotAllowed(action)


def _require_seat(user: User, panel: Panel, action: str, *, chair: bool = False) -> PanelMember:
    _require(user, action)
    seat = selectors.seat(user=user, panel_id=panel.pk)
    if seat is None or (chair and not seat.is_chair):
        raise policy.NotAllowed(action)
    return seat


def _lock_item(item: AgendaItem) -> AgendaItem:
    return (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "meeting__panel", "case")
        .get(pk=item.pk)
    )


# --- configuration ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelSettings:
    name: str
    questions: list[str]
    decides_for_council: bool
    mode: str
    quorum_members: int
    quorum_agencies: dict[str, int]
    papers_working_days: int
    first_meeting_on: date
    every_weeks: int = 1
    starts_at: time = time(10, 0)
    item_minutes: int = 15


def configure_panel(
    *, council: Organisation, values: PanelSettings, by: User, expected_version: int | None = None
) -> Panel:
    """Set the council's panel's terms of reference (created the first time); every change kept in history."""
    _require(by, "manage_panel")
    mine = policy.council_of(by)
    if mine is None or mine.pk != council.pk:
        raise policy.NotAllowed("manage_panel")
    questions = [q for q in values.questions if q in rules.Question.__members__.values()]
    if not questions:
        raise ServiceError("Choose at least one thing the panel decides", field="questions")
    if values.mode not in rules.Mode.__members__.values():
        raise ServiceError("Choose how the panel decides", field="mode")
    if values.quorum_members < 1:
        raise ServiceError("The quorum must be at least 1 member", field="quorum_members")
    if sum(values.quorum_agencies.values()) > values.quorum_members:
        raise ServiceError(
            "The agencies needed add up to more members than the quorum: raise the quorum or need fewer",
            field="quorum_agencies",
        )
    if not 0 <= values.papers_working_days <= 30:
        raise ServiceError(
            "Papers must close between 0 and 30 working days before", field="papers_working_days"
        )
    with transaction.atomic():
        panel = Panel.objects.select_for_update().filter(council=council, is_active=True).first()
        if panel is None:
            panel = Panel(council=council, first_meeting_on=values.first_meeting_on)
        elif expected_version is not None and panel.version != expected_version:
            raise StaleVersion(
                "Someone else changed the panel's settings while you were working on them. Check them and try again"
            )
        for name, value in values.__dict__.items():
            setattr(panel, name, value)
        panel.questions = questions
        panel.version = (panel.version or 0) + 1 if panel.pk else 1
        _save(panel, by=by, reason="Panel settings changed")
    return panel


def add_member(*, panel: Panel, user: User, agency: str, by: User, is_chair: bool = False) -> PanelMember:
    _require_council(by, panel, "manage_panel")
    if user.role != Role.PANEL_MEMBER or not user.is_active:
        raise ServiceError("Only an active panel member account can sit on the panel", field="user")
    if agency not in rules.Agency.__members__.values():
        raise ServiceError("Choose the member's agency", field="agency")
    with transaction.atomic():
        Panel.objects.select_for_update().get(pk=panel.pk)
        if panel.members.filter(user=user, left_on__isnull=True).exists():
            raise ServiceError(f"{user.full_name} already sits on the panel", field="user")
        if is_chair:
            _unseat_chair(panel=panel, by=by)
        member = PanelMember(panel=panel, user=user, agency=agency, is_chair=is_chair)
        _save(member, by=by, reason="Joined the panel")
    return member


def _unseat_chair(*, panel: Panel, by: User) -> None:
    for current in panel.members.filter(is_chair=True, left_on__isnull=True):
        current.is_chair = False
        _save(current, by=by, reason="No longer chair")


def make_chair(*, member: PanelMember, by: User) -> PanelMember:
    _require_council(by, member.panel, "manage_panel")
    with transaction.atomic():
        Panel.objects.select_for_update().get(pk=member.panel_id)
        _unseat_chair(panel=member.panel, by=by)
        member.is_chair = True
        _save(member, by=by, reason="Made chair")
    return member


def end_membership(*, member: PanelMember, by: User) -> PanelMember:
    _require_council(by, member.panel, "manage_panel")
    with transaction.atomic():
        member = PanelMember.objects.select_for_update().get(pk=member.pk)
        if member.left_on is None:
            member.left_on = case_selectors.today()
            member.is_chair = False
            _save(member, by=by, reason="Left the panel")
    return member


# --- meetings ---------------------------------------------------------------------------------------------------


def _new_meeting(*, panel: Panel, held_on: date, by: User | None) -> Meeting:
    meeting = Meeting(
        panel=panel,
        held_on=held_on,
        starts_at=panel.starts_at,
        papers_close_on=rules.papers_deadline(held_on, panel.papers_working_days),
        created_by=by,
    )
    _save(meeting, by=by)
    return meeting


def schedule_meetings(*, panel: Panel, by: User | None = None, on: date | None = None) -> list[Meeting]:
    """The recurring meetings for the weeks ahead; a day that had a meeting (even a cancelled one) is left alone."""
    on = on or case_selectors.today()
    days = rules.weekly_dates(
        panel.first_meeting_on,
        after=on,
        count=max(1, WEEKS_AHEAD // max(panel.every_weeks, 1)),
        every_weeks=panel.every_weeks,
    )
    made = []
    with transaction.atomic():
        Panel.objects.select_for_update().get(pk=panel.pk)
        taken = set(
            Meeting.objects.filter(panel=panel, kind=Meeting.Kind.MEETING, held_on__in=days).values_list(
                "held_on", flat=True
            )
        )
        for day in days:
            if day not in taken:
                made.append(_new_meeting(panel=panel, held_on=day, by=by))
    return made


def add_meeting(*, panel: Panel, held_on: date, by: User) -> Meeting:
    _require_council(by, panel, "manage_panel")
    if held_on < case_selectors.today():
        raise ServiceError("A meeting added now must be today or later", field="held_on")
    with transaction.atomic():
        Panel.objects.select_for_update().get(pk=panel.pk)
        if Meeting.objects.filter(
            panel=panel, kind=Meeting.Kind.MEETING, held_on=held_on, status=Meeting.Status.SCHEDULED
        ).exists():
            raise ServiceError(f"There is already a meeting on {held_on:%-d %B %Y}", field="held_on")
        return _new_meeting(panel=panel, held_on=held_on, by=by)


def cancel_meeting(*, meeting: Meeting, reason: str, by: User) -> Meeting:
    """Cancel a meeting: its cases go to the next meeting's agenda (kept in order of urgency there)."""
    _require_council(by, meeting.panel, "manage_panel")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why the meeting is cancelled", field="reason")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
        if meeting.status != Meeting.Status.SCHEDULED:
            raise ServiceError("Only a scheduled meeting can be cancelled")
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_reason = reason
        meeting.version += 1
        _save(meeting, by=by, reason=reason)
        following = (
            Meeting.objects.filter(
                panel=meeting.panel,
                kind=Meeting.Kind.MEETING,
                status=Meeting.Status.SCHEDULED,
                held_on__gt=meeting.held_on,
            )
            .order_by("held_on")
            .first()
        )
        for item in meeting.items.filter(status__in=[AgendaItem.Status.LISTED, AgendaItem.Status.HELD]):
            item.status = AgendaItem.Status.WITHDRAWN
            item.withdrawn_reason = f"Meeting cancelled: {reason}"
            _save(item, by=by, reason="Meeting cancelled")
            if following is not None:
                moved = AgendaItem(
                    meeting=following,
                    case=item.case,
                    question=item.question,
                    minutes=item.minutes,
                    due_on=item.due_on,
                    status=AgendaItem.Status.HELD if item.held_reason else AgendaItem.Status.LISTED,
                    held_reason=item.held_reason,
                    added_by=by,
                )
                _save(moved, by=by, reason="Moved from a cancelled meeting")
        if following is not None:
            _reorder(following)
    return meeting


# --- the agenda -------------------------------------------------------------------------------------------------


def _reorder(meeting: Meeting) -> None:
    items = list(meeting.items.exclude(status=AgendaItem.Status.WITHDRAWN).order_by("added_at", "id"))
    entries = [
        rules.AgendaEntry(key=i.pk, due_on=i.due_on, minutes=i.minutes, added_order=n)
        for n, i in enumerate(items)
    ]
    by_pk = {i.pk: i for i in items}
    for position, entry in enumerate(rules.agenda_order(entries, on=case_selectors.today()), start=1):
        item = by_pk[entry.key]
        if item.position != position:
            item.position = position
            # A sort key only: the item's history records what people did, not each reshuffle.
            item.save_without_historical_record(update_fields=["position"])


def _due_on(case: Case, question: str) -> date | None:
    deadline = selectors.deadline_for(case=case, question=question)
    return deadline.due_on if deadline else None


@dataclass(frozen=True)
class JoinResult:
    listed: list[AgendaItem]
    held: list[AgendaItem]


def join_cases_to_agenda(*, panel: Panel, on: date | None = None) -> JoinResult:
    """Put every case waiting for a decision this panel makes on the next meeting whose papers are still open:
    listed when its papers are complete, otherwise held back with the reason and its coordinator told.

    Run by beat each morning (and when a coordinator asks). Idempotent: a case already on an agenda for that
    question, or already decided, is left alone; a held case whose papers have now arrived is listed.
    """
    on = on or case_selectors.today()
    meeting = selectors.next_meeting(panel=panel, on=on)
    if meeting is None:
        return JoinResult([], [])
    listed, held = [], []
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        for case in selectors.cases_needing_decision(panel=panel):
            question = selectors.QUESTION_FOR_STAGE[case.stage]
            if Decision.objects.filter(case=case, question=question).exists():
                continue
            existing = (
                AgendaItem.objects.filter(case=case, question=question)
                .exclude(status=AgendaItem.Status.WITHDRAWN)
                .exclude(meeting__status=Meeting.Status.CANCELLED)
                .filter(meeting__held_on__gte=on)
                .order_by("meeting__held_on")
                .first()
            )
            # Withdrawn by a coordinator from this meeting: it comes back only when they add it.
            if (
                existing is None
                and AgendaItem.objects.filter(
                    case=case, question=question, meeting=meeting, status=AgendaItem.Status.WITHDRAWN
                ).exists()
            ):
                continue
            missing = selectors.missing_papers(case=case, question=question)
            if existing is not None:
                if (
                    existing.status == AgendaItem.Status.HELD
                    and not missing
                    and existing.meeting_id == meeting.pk
                ):
                    existing.status = AgendaItem.Status.LISTED
                    existing.held_reason = ""
                    _save(existing, by=None, reason="Papers complete")
                    listed.append(existing)
                continue
            item = AgendaItem(
                meeting=meeting,
                case=case,
                question=question,
                minutes=panel.item_minutes,
                due_on=_due_on(case, question),
                status=AgendaItem.Status.HELD if missing else AgendaItem.Status.LISTED,
                held_reason="; ".join(missing).capitalize(),
            )
            _save(item, by=None, reason="Joined the agenda by itself")
            if missing:
                held.append(item)
                _tell_coordinator_held(item=item)
            else:
                listed.append(item)
        _reorder(meeting)
    return JoinResult(listed, held)


def _tell_coordinator_held(*, item: AgendaItem) -> None:
    coordinator = item.case.coordinator
    if coordinator is None:
        return
    notifications.notify(
        recipient=coordinator,
        template="panel.held_back",
        data={
            "reference": item.case.reference,
            "meeting": f"{item.meeting.held_on:%-d %B %Y}",
            "papers_close": f"{item.meeting.papers_close_on:%-d %B %Y}",
            "reason": item.held_reason,
        },
        key=f"panel:item:{item.pk}:held:user:{coordinator.pk}",
        link=_url(reverse("panel:meeting", kwargs={"meeting_id": item.meeting_id})),
        subject_ref=f"case:{item.case_id}",
        organisation_id=item.case.council_id,
    )


def add_to_agenda(*, meeting: Meeting, case: Case, question: str, reason: str, by: User) -> AgendaItem:
    """A coordinator puts a case on a meeting's agenda, saying why (papers complete or not: the panel sees)."""
    _require_council(by, meeting.panel, "manage_agenda")
    if case.council_id != meeting.panel.council_id:
        raise policy.NotAllowed("manage_agenda")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why the case is going to the panel", field="reason")
    if question not in meeting.panel.questions:
        raise ServiceError("Choose a question this panel decides", field="question")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
        if meeting.status != Meeting.Status.SCHEDULED:
            raise ServiceError("This meeting is not taking cases: choose another")
        live = AgendaItem.objects.filter(meeting=meeting, case=case, question=question).exclude(
            status=AgendaItem.Status.WITHDRAWN
        )
        item = live.first()
        if item is not None and item.status != AgendaItem.Status.HELD:
            raise ServiceError("The case is already on this agenda for that question")
        if item is None:
            item = AgendaItem(
                meeting=meeting,
                case=case,
                question=question,
                minutes=meeting.panel.item_minutes,
                due_on=_due_on(case, question),
            )
        item.status = AgendaItem.Status.LISTED
        item.held_reason = ""
        item.added_by = by
        _save(item, by=by, reason=reason)
        case_services.add_case_note(
            case=case,
            summary=f"Added to the panel agenda for {meeting.held_on:%-d %B %Y}",
            detail=reason,
            by=by,
            family=False,
        )
        _reorder(meeting)
    return item


def withdraw_from_agenda(*, item: AgendaItem, reason: str, by: User) -> AgendaItem:
    _require_council(by, item.meeting.panel, "manage_agenda")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why the case is withdrawn from the agenda", field="reason")
    with transaction.atomic():
        item = _lock_item(item)
        if item.status not in (AgendaItem.Status.LISTED, AgendaItem.Status.HELD):
            raise ServiceError("The panel has already started on this case: it cannot be withdrawn now")
        item.status = AgendaItem.Status.WITHDRAWN
        item.withdrawn_reason = reason
        item.version += 1
        _save(item, by=by, reason=reason)
        case_services.add_case_note(
            case=item.case,
            summary=f"Withdrawn from the panel agenda for {item.meeting.held_on:%-d %B %Y}",
            detail=reason,
            by=by,
            family=False,
        )
        _reorder(item.meeting)
    return item


# --- members before the meeting ---------------------------------------------------------------------------------


def reply_attendance(*, meeting: Meeting, reply: str, by: User) -> Attendance:
    seat = _require_seat(by, meeting.panel, "take_part_in_panel")
    if reply not in Attendance.Reply.values:
        raise ServiceError("Choose whether you will attend", field="reply")
    with transaction.atomic():
        row, _ = Attendance.objects.select_for_update().get_or_create(meeting=meeting, member=seat)
        if row.reply != reply:
            row.reply = reply
            _save(row, by=by)
    return row


def record_presence(*, meeting: Meeting, present: list[int], by: User) -> list[Attendance]:
    """The chair records who is in the room: the quorum counts these."""
    _require_seat(by, meeting.panel, "chair_meeting", chair=True)
    members = selectors.members_of(panel=meeting.panel)
    wanted = {int(pk) for pk in present}
    rows = []
    with transaction.atomic():
        for member in members:
            row, _ = Attendance.objects.select_for_update().get_or_create(meeting=meeting, member=member)
            if row.present != (member.pk in wanted):
                row.present = member.pk in wanted
                _save(row, by=by, reason="Presence recorded by the chair")
            rows.append(row)
    return rows


def declare_conflict(*, item: AgendaItem, reason: str, by: User) -> ConflictOfInterest:
    """A member declares a conflict on the item's case: they get no bundle for it and cannot vote on it."""
    seat = _require_seat(by, item.meeting.panel, "take_part_in_panel")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter what the conflict is, for example 'my own school'", field="reason")
    with transaction.atomic():
        conflict, created = ConflictOfInterest.objects.get_or_create(
            case=item.case, member=seat, defaults={"reason": reason, "declared_by": by}
        )
        if created:
            # Written again through the history helper, so the declaration names who made it.
            _save(conflict, by=by, reason="Conflict declared")
    # A vote already sent on the case stays on record but no longer counts (selectors.live_tally).
    return conflict


def add_note(*, item: AgendaItem, text: str, is_question: bool, by: User) -> Note:
    _require_seat(by, item.meeting.panel, "take_part_in_panel")
    text = (text or "").strip()
    if not text:
        raise ServiceError("Enter your note or question", field="text")
    if len(text) > 2000:
        raise ServiceError("Your note must be 2,000 characters or fewer", field="text")
    with transaction.atomic():
        note = Note(item=item, author=by, text=text, is_question=is_question)
        _save(note, by=by)
    return note


def record_bundle_read(*, item: AgendaItem, by: User, path: str = "") -> None:
    """Every view of a bundle goes in the access log of the child's record, and the chair's read tracker."""
    case_services.log_access(user=by, case=item.case, action=f"panel_bundle:{item.pk}", path=path)
    now = timezone.now()
    updated = BundleRead.objects.filter(item=item, user=by).update(last_read_at=now, views=F("views") + 1)
    if not updated:
        try:
            with transaction.atomic():
                BundleRead.objects.create(item=item, user=by, first_read_at=now, last_read_at=now)
        except IntegrityError:
            pass


# --- voting -----------------------------------------------------------------------------------------------------


def open_vote(*, item: AgendaItem, by: User) -> AgendaItem:
    _require_seat(by, item.meeting.panel, "chair_meeting", chair=True)
    with transaction.atomic():
        item = _lock_item(item)
        if item.status == AgendaItem.Status.VOTING:
            return item
        if item.status != AgendaItem.Status.LISTED or item.meeting.status != Meeting.Status.SCHEDULED:
            raise ServiceError(
                "Voting can only be opened on a case on the agenda of a meeting still going on"
            )
        item.status = AgendaItem.Status.VOTING
        item.vote_opened_at = timezone.now()
        item.version += 1
        _save(item, by=by, reason="Voting opened")
    return item


@dataclass(frozen=True)
class VoteResult:
    vote: Vote
    # False when this send only confirmed or changed a vote already counted.
    new: bool


def _voting_closed(item: AgendaItem, *, now) -> bool:
    if item.status != AgendaItem.Status.VOTING:
        return True
    closes = item.meeting.closes_at
    return closes is not None and now >= closes


def cast_vote(*, item: AgendaItem, choice: str, by: User, band: str = "", comment: str = "") -> VoteResult:
    """Record this member's vote; sending it again changes or confirms it, never adds another."""
    if not policy.role_may(by, "vote"):
        raise policy.NotAllowed("vote")
    if choice not in rules.Choice.__members__.values():
        raise ServiceError("Choose yes, no or abstain", field="choice")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ServiceError("Your comment must be 2,000 characters or fewer", field="comment")
    now = timezone.now()
    with transaction.atomic():
        # Votes on one item queue behind each other here, so the count is exact whatever arrives at once.
        item = _lock_item(item)
        seat = selectors.seat(user=by, panel_id=item.meeting.panel_id)
        if seat is None or selectors.is_conflicted(member=seat, case_id=item.case_id):
            raise policy.NotAllowed("vote")
        if _voting_closed(item, now=now):
            raise ServiceError("Voting on this case has closed. Your vote was not counted.", field="choice")
        vote = Vote.objects.filter(item=item, member=seat).first()
        if vote is None:
            vote = Vote(item=item, member=seat, choice=choice, band=band[:20], comment=comment, cast_at=now)
            _save(vote, by=by)
            return VoteResult(vote=vote, new=True)
        vote.sends += 1
        if (vote.choice, vote.band, vote.comment) != (choice, band[:20], comment):
            vote.choice, vote.band, vote.comment, vote.changed_at = choice, band[:20], comment, now
            _save(vote, by=by, reason="Vote changed")
        else:
            vote.save_without_historical_record(update_fields=["sends"])
    return VoteResult(vote=vote, new=False)


def close_vote(*, item: AgendaItem, by: User | None) -> AgendaItem:
    """The chair closes the vote (a digital vote closes by itself at its time: `by` is None then)."""
    if by is not None:
        _require_seat(by, item.meeting.panel, "chair_meeting", chair=True)
    with transaction.atomic():
        item = _lock_item(item)
        if item.status != AgendaItem.Status.VOTING:
            return item
        item.status = AgendaItem.Status.VOTE_CLOSED
        item.vote_closed_at = timezone.now()
        item.version += 1
        _save(item, by=by, reason="Voting closed")
    return item


def close_due_digital_votes(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = AgendaItem.objects.filter(
        status=AgendaItem.Status.VOTING, meeting__kind=Meeting.Kind.DIGITAL, meeting__closes_at__lte=now
    )
    count = 0
    for item in due:
        close_vote(item=item, by=None)
        count += 1
    return count


def start_digital_vote(
    *, panel: Panel, case: Case, question: str, closes_at: datetime, by: User
) -> AgendaItem:
    """Put a borderline case to a yes/no vote of the panel between meetings, closing at a set time."""
    _require(by, "start_digital_vote")
    seat = selectors.seat(user=by, panel_id=panel.pk)
    council = policy.council_of(by)
    if not ((seat is not None and seat.is_chair) or (council is not None and council.pk == panel.council_id)):
        raise policy.NotAllowed("start_digital_vote")
    if case.council_id != panel.council_id:
        raise policy.NotAllowed("start_digital_vote")
    if question not in panel.questions:
        raise ServiceError("Choose a question this panel decides", field="question")
    if closes_at <= timezone.now():
        raise ServiceError("The vote must close in the future", field="closes_at")
    with transaction.atomic():
        today = case_selectors.today()
        meeting = Meeting(
            panel=panel,
            kind=Meeting.Kind.DIGITAL,
            held_on=today,
            starts_at=timezone.localtime().time().replace(second=0, microsecond=0),
            papers_close_on=today,
            closes_at=closes_at,
            created_by=by,
        )
        _save(meeting, by=by)
        item = AgendaItem(
            meeting=meeting,
            case=case,
            question=question,
            status=AgendaItem.Status.VOTING,
            vote_opened_at=timezone.now(),
            due_on=_due_on(case, question),
            added_by=by,
            position=1,
        )
        _save(item, by=by, reason="Digital vote opened")
        for member in selectors.members_of(panel=panel):
            notifications.notify(
                recipient=member.user,
                template="panel.digital_vote",
                data={
                    "reference": case.reference,
                    "closes": f"{timezone.localtime(closes_at):%-d %B %Y at %H:%M}",
                },
                key=f"panel:item:{item.pk}:digital:user:{member.user_id}",
                link=_url(reverse("panel:vote", kwargs={"item_id": item.pk})),
                organisation_id=panel.council_id,
                by=by,
            )
    return item


# --- the decision -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionInput:
    outcome: str
    reasons: str = ""
    conditions: str = ""
    band: str = ""
    amount: Decimal | None = None


def reasons_needed(*, item: AgendaItem, values: DecisionInput) -> bool:
    live = selectors.live_tally(item=item)
    suggested, _amount = selectors.suggested_band(case=item.case)
    return rules.reasons_required(
        outcome=values.outcome,
        majority_of_votes=live["majority"],
        decided_band=values.band,
        suggested_band=suggested,
    )


def record_decision(
    *,
    item: AgendaItem,
    values: DecisionInput,
    by: User,
    corrects: Decision | None = None,
    correction_reason: str = "",
) -> Decision:
    """The chair records the panel's decision on an item, per the panel's decision mode, with the quorum met.

    Final once recorded: a correction is a new decision naming the one it corrects, with the reason (it cannot
    turn a decision round, as the case has moved on and the family been told: that is a new item).
    """
    seat = _require_seat(by, item.meeting.panel, "record_panel_decision", chair=True)
    if values.outcome not in (rules.Choice.YES, rules.Choice.NO):
        raise ServiceError("Choose the decision", field="outcome")
    correction_reason = (correction_reason or "").strip()
    if corrects is not None and not correction_reason:
        raise ServiceError("Enter why the decision is being corrected", field="correction_reason")
    with transaction.atomic():
        item = _lock_item(item)
        panel = item.meeting.panel
        if selectors.is_conflicted(member=seat, case_id=item.case_id):
            raise ServiceError(
                "You declared a conflict on this case: another member must record the decision"
            )
        current = selectors.current_decision(item=item)
        if corrects is None and current is not None:
            raise ServiceError("The decision on this case is already recorded. Record a correction instead")
        if corrects is not None:
            if current is None or corrects.pk != current.pk:
                raise ServiceError("Only the latest decision on the case can be corrected")
            if values.outcome != corrects.outcome:
                raise ServiceError(
                    "A correction cannot turn the decision round: put the case to the panel again",
                    field="outcome",
                )
        elif item.status != AgendaItem.Status.VOTE_CLOSED:
            raise ServiceError("Close the vote before recording the decision")
        quorum = selectors.quorum_for(item=item)
        if not quorum.met and corrects is None:
            raise ServiceError(f"No decision without a quorum. {quorum.explanation}.")
        live = selectors.live_tally(item=item)
        if panel.mode == rules.Mode.MAJORITY and corrects is None:
            if live["majority"] is None:
                raise ServiceError(
                    "There is no majority of the votes cast, and no casting vote from the chair"
                )
            if values.outcome != live["majority"]:
                raise ServiceError(
                    "This panel decides by a majority of votes cast: the decision must be the majority's",
                    field="outcome",
                )
        suggested, _suggested_amount = selectors.suggested_band(case=item.case)
        band = (values.band or "").strip()
        amount = values.amount
        if band and amount is None:
            amount = next(
                (a for code, _l, a in selectors.band_choices(council_id=panel.council_id) if code == band),
                None,
            )
        reasons = (values.reasons or "").strip()
        if (
            rules.reasons_required(
                outcome=values.outcome,
                majority_of_votes=live["majority"],
                decided_band=band,
                suggested_band=suggested,
            )
            and not reasons
        ):
            raise ServiceError(
                "Enter the reasons: they are required when the decision is a refusal, differs from the members' "
                "majority or from the suggested band",
                field="reasons",
            )
        # Decided at the meeting: a chair recording it afterwards dates it the meeting day; a digital vote, today.
        today = case_selectors.today()
        meeting = item.meeting
        decided_on = meeting.held_on if not meeting.is_digital and meeting.held_on <= today else today
        decision = Decision(
            item=item,
            case=item.case,
            question=item.question,
            outcome=values.outcome,
            mode=panel.mode,
            reasons=reasons,
            conditions=(values.conditions or "").strip(),
            band=band,
            amount=amount,
            suggested_band=suggested,
            decided_on=decided_on,
            recorded_by=by,
            majority=live["majority"] or "",
            tally={"yes": live["tally"].yes, "no": live["tally"].no, "abstain": live["tally"].abstain},
            present=[
                {"name": m.user.full_name, "agency": m.get_agency_display(), "chair": m.is_chair}
                for m in (
                    selectors.present_agencies(meeting=item.meeting, case_id=item.case_id)
                    if not item.meeting.is_digital
                    else [r.member for r in live["rows"] if r.vote is not None]
                )
            ],
            votes=[
                {
                    "name": r.member.user.full_name,
                    "agency": r.member.get_agency_display(),
                    "choice": r.vote.choice,
                    "band": r.vote.band,
                    "comment": r.vote.comment,
                }
                for r in live["rows"]
                if r.vote is not None
            ],
            quorum=quorum.explanation,
            supersedes=corrects,
            correction_reason=correction_reason,
        )
        _save(decision, by=by, reason="Correction" if corrects else "Decision recorded")
        if corrects is None:
            item.status = AgendaItem.Status.DECIDED
            item.version += 1
            _save(item, by=by, reason="Decision recorded")
            _move_case(decision=decision, by=by)
        else:
            case_services.add_case_note(
                case=item.case,
                summary="The panel's decision was corrected",
                detail=correction_reason,
                by=by,
                family=False,
            )
        _tell_coordinator_and_school(decision=decision, by=by)
        if item.meeting.status == Meeting.Status.ENDED:
            enqueue_on_commit("panel.tasks.render_minutes", item.meeting_id)
    return decision


def _family_reasons(decision: Decision) -> str:
    parts = [decision.reasons or "The panel agreed with the advice it read."]
    if decision.conditions:
        parts.append(f"Conditions: {decision.conditions}")
    return "\n\n".join(parts)


def _move_case(*, decision: Decision, by: User) -> None:
    """The decision moves the case: through `case_transition`, which meets the deadline, tells the family by their
    chosen channel and queues the decision letter once (the refusal letter carries the appeal rights)."""
    steps = rules.TRANSITIONS.get(rules.Question(decision.question))
    case = decision.case
    if steps is None:
        case_services.add_case_note(
            case=case,
            summary=f"Panel decision: {decision.get_question_display()}: "
            + ("agreed" if decision.outcome == rules.Choice.YES else "not agreed"),
            detail=decision.reasons,
            by=by,
            family=False,
        )
        return
    name = steps[0] if decision.outcome == rules.Choice.YES else steps[1]
    case = Case.objects.get(pk=case.pk)
    if decision.question == rules.Question.ISSUE and case.stage == workflow.Stage.ASSESSING:
        case = case_services.case_transition(
            case=case, name="start_issue_decision", by=by, on=decision.decided_on, decided_by=DECISION_MAKER
        )
    case_services.case_transition(
        case=case,
        name=name,
        by=by,
        on=decision.decided_on,
        reason=_family_reasons(decision),
        decided_by=DECISION_MAKER,
    )


def _tell_coordinator_and_school(*, decision: Decision, by: User) -> None:
    case = decision.case
    data = {
        "reference": case.reference,
        "child_first_name": case.child.known_as,
        "question": decision.get_question_display(),
        "outcome": "Yes" if decision.outcome == rules.Choice.YES else "No",
        "reasons": decision.reasons,
        "band": decision.band,
    }
    link = _url(reverse("cases:detail", kwargs={"reference": case.reference}))
    common = {
        "template": "panel.decision_recorded",
        "data": data,
        "link": link,
        "subject_ref": f"case:{case.pk}",
        "organisation_id": case.council_id,
        "by": by,
    }
    if case.coordinator is not None:
        notifications.notify(
            recipient=case.coordinator,
            key=f"panel:decision:{decision.pk}:user:{case.coordinator_id}",
            **common,
        )
    school = case.child.current_setting
    if school is None:
        return
    sencos = User.objects.filter(organisation=school, role=Role.SENCO, is_active=True)
    for senco in sencos:
        notifications.notify(recipient=senco, key=f"panel:decision:{decision.pk}:user:{senco.pk}", **common)
    if not sencos and school.email:
        notifications.notify(
            to_address=school.email,
            to_name=school.name,
            channel="email",
            key=f"panel:decision:{decision.pk}:school:{school.pk}",
            **common,
        )


# --- the end of the meeting and the minutes ---------------------------------------------------------------------


def end_meeting(*, meeting: Meeting, by: User) -> Meeting:
    """The chair ends the meeting: bundles close, and the minutes are made from the recorded decisions."""
    _require_seat(by, meeting.panel, "chair_meeting", chair=True)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
        if meeting.status != Meeting.Status.SCHEDULED:
            raise ServiceError("This meeting has already ended or was cancelled")
        open_votes = meeting.items.filter(status=AgendaItem.Status.VOTING)
        for item in open_votes:
            item.status = AgendaItem.Status.VOTE_CLOSED
            item.vote_closed_at = timezone.now()
            _save(item, by=by, reason="Voting closed at the end of the meeting")
        meeting.status = Meeting.Status.ENDED
        meeting.ended_at = timezone.now()
        meeting.version += 1
        _save(meeting, by=by, reason="Meeting ended")
        enqueue_on_commit("panel.tasks.render_minutes", meeting.pk)
    return meeting


def render_minutes(*, meeting_id: int) -> Meeting | None:
    """Render the minutes PDF from the recorded decisions (a task). Approved minutes are never rendered again."""
    meeting = Meeting.objects.select_related("panel", "panel__council").filter(pk=meeting_id).first()
    if meeting is None or meeting.minutes_approved_at is not None:
        return meeting
    html = render_to_string("panel/pdf/minutes.html", selectors.minutes_context(meeting=meeting))
    pdf = render_pdf(html)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
        if meeting.minutes_approved_at is not None:
            return meeting
        meeting.minutes_pdf.save(
            f"minutes-{meeting.pk}-{meeting.held_on:%Y-%m-%d}.pdf", ContentFile(pdf), save=False
        )
        meeting.minutes_rendered_at = timezone.now()
        _save(meeting, by=None, reason="Minutes rendered")
    return meeting


def approve_minutes(*, meeting: Meeting, by: User) -> Meeting:
    _require_seat(by, meeting.panel, "chair_meeting", chair=True)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != Meeting.Status.ENDED:
            raise ServiceError("Minutes are approved after the meeting has ended")
        if not meeting.minutes_pdf:
            raise ServiceError("The minutes are still being prepared. Try again in a minute")
        if meeting.minutes_approved_at is None:
            meeting.minutes_approved_at = timezone.now()
            meeting.minutes_approved_by = by
            _save(meeting, by=by, reason="Minutes approved")
    return meeting


def morning_run(*, on: date | None = None) -> int:
    """Beat, each morning: meetings scheduled ahead, and the cases waiting for a decision joined to the agenda."""
    count = 0
    for panel in Panel.objects.filter(is_active=True):
        schedule_meetings(panel=panel, on=on)
        result = join_cases_to_agenda(panel=panel, on=on)
        count += len(result.listed) + len(result.held)
    return count


# --- disposal under the council's retention schedule (records app) ---------------------------------------------


def redact_for_disposal(*, child_id: int) -> list[str]:
    """Redact what the panel wrote about a child whose records a manager approved for disposal.

    Called by the records app inside its disposal transaction: the items, votes and decisions stay (what was
    decided, when, by how many), the words about the child go, in every history row too. Returns lines for the
    destruction record.
    """
    on_child = {"item__case__child_id": child_id}
    lines = []
    count = scrub(
        AgendaItem,
        AgendaItem.objects.filter(case__child_id=child_id),
        {"held_reason": redacted("held_reason"), "withdrawn_reason": redacted("withdrawn_reason")},
    )
    if count:
        lines.append(f"{count} panel agenda items: reasons redacted")
    count = scrub(Vote, Vote.objects.filter(**on_child), {"comment": redacted("comment")})
    if count:
        lines.append(f"{count} panel votes: comments redacted")
    decisions = Decision.objects.filter(case__child_id=child_id)
    count = scrub(
        Decision,
        decisions,
        {
            "reasons": redacted("reasons"),
            "conditions": redacted("conditions"),
            "correction_reason": redacted("correction_reason"),
        },
    )
    # The members' votes kept with each decision carry their comments too.
    for pk, votes in decisions.values_list("pk", "votes"):
        cleaned = [{**v, "comment": REDACTED if v.get("comment") else ""} for v in votes or []]
        Decision.objects.filter(pk=pk).update(votes=cleaned)
        Decision.history.filter(id=pk).update(votes=cleaned)
    if count:
        lines.append(f"{count} panel decisions: reasons and conditions redacted")
    count = scrub(Note, Note.objects.filter(**on_child), {"text": REDACTED})
    if count:
        lines.append(f"{count} panel members' notes redacted")
    count = scrub(
        ConflictOfInterest, ConflictOfInterest.objects.filter(case__child_id=child_id), {"reason": REDACTED}
    )
    if count:
        lines.append(f"{count} declared conflicts of interest: reasons redacted")
    return lines
