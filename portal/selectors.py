"""Every read the portal shows, scoped to the person reading: their own cases only (another family's is a 404),
each page in a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.models import User
from advice import selectors as advice_selectors
from cases import policy, statutory, workflow
from cases import selectors as case_selectors
from cases.models import Case, CaseDocument, CaseTeamMember, TimelineEvent
from drafting import diffing
from drafting import selectors as drafting_selectors
from drafting.content import item_text
from forms_ersa.models import RequestDraft
from panel.models import AgendaItem, Meeting
from portal import tracker
from portal.models import AccessNeeds, CaseShare, Conversation, ConversationMessage

HOME_LIMIT = 50


def home_cases(*, user: User) -> list[Case]:
    """The cases this person follows in the portal, open ones first, with what the home cards show."""
    if not policy.role_may(user, "use_portal"):
        return []
    return list(
        case_selectors.cases_for(user=user)
        .select_related("child", "coordinator")
        .order_by("closed_on", "-received_on", "id")[:HOME_LIMIT]
    )


def case_for(*, user: User, reference: str) -> Case:
    """One case this person may follow in the portal; 404 for anyone else's (or for staff, who have the case page)."""
    case = case_selectors.get_case_for(user=user, reference=reference)
    if not policy.can(user, "follow_case", case, known_in_scope=True):
        raise Http404("No case found")
    return case


def facts_for(case: Case, *, young_person: bool = False) -> tracker.Facts:
    """The tracker's plain facts from the case row, its deadline rows, exceptions and advice clocks (3 queries)."""
    deadlines = tuple(
        tracker.DeadlineFact(
            code=row.code, due_on=row.due_on, status=row.status, met_on=row.met_on, ref=row.ref
        )
        for row in case.deadlines.all().order_by("due_on", "code", "ref")
    )
    exceptions = tuple(
        tracker.ExceptionFact(
            kind=row.kind,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            codes=frozenset(row.codes or ()),
            ref=row.ref,
        )
        for row in case.exceptions.filter(withdrawn_at__isnull=True).order_by("starts_on", "id")
    )
    advice = tuple(
        tracker.AdviceFact(
            ref=row.ref,
            who=row.label,
            asked_on=row.requested_on,
            replied_on=row.received_on,
            cancelled=row.cancelled,
        )
        for row in case.advice_clocks.all().order_by("requested_on", "id")
    )
    return tracker.Facts(
        stage=case.stage,
        received_on=case.received_on,
        today=case_selectors.today(),
        coordinator=case.coordinator.full_name if case.coordinator_id else "",
        deadlines=deadlines,
        exceptions=exceptions,
        advice=advice,
        assessment_decided_on=case.assessment_decided_on,
        assessment_agreed=case.assessment_agreed,
        issue_decided_on=case.issue_decided_on,
        plan_to_be_issued=case.plan_to_be_issued,
        panel_on=panel_meeting_on(case),
        draft_served_on=case.draft_served_on,
        family_responded_on=case.family_responded_on,
        final_issued_on=case.final_issued_on,
        last_review_meeting_on=case.last_review_meeting_on,
        next_review_meeting_on=case.next_review_meeting_on,
        review_decided_on=case.review_decided_on,
        closed_on=case.closed_on,
        young_person=young_person,
    )


def panel_meeting_on(case: Case):
    """The day the panel meets about the case next, or else the day it last met about it (one query)."""
    items = list(
        AgendaItem.objects.filter(case=case)
        .exclude(status__in=[AgendaItem.Status.HELD, AgendaItem.Status.WITHDRAWN])
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .values_list("meeting__held_on", flat=True)
        .order_by("-meeting__held_on")[:50]
    )
    if not items:
        return None
    today = case_selectors.today()
    upcoming = [d for d in items if d >= today]
    return min(upcoming) if upcoming else max(items)


def tracker_for(case: Case, *, young_person: bool = False) -> tracker.Tracker:
    return tracker.build(facts_for(case, young_person=young_person))


def exceptions_shown(facts: tracker.Facts) -> list[tuple[tracker.Line, object, object]]:
    """Each lawful exception recorded on the case, in plain words, with its dates (ends empty while it goes on)."""
    return [
        (tracker.Line(tracker.EXCEPTION_WORDS.get(exc.kind, "")), exc.starts_on, exc.ends_on)
        for exc in facts.exceptions
    ]


def contacts_of(*, case: Case) -> list:
    """Who the council has as the family's contacts: names and relationship only (never how to reach them)."""
    return list(case.child.contacts.filter(is_archived=False).order_by("id"))


def professionals_of(*, case: Case) -> list:
    """The professionals already involved, by name and service (their contact details are for staff)."""
    return case_selectors.professionals_of(case=case)


@dataclass(frozen=True)
class StepLink:
    text: str  # a message id, translated when shown
    url: str


READ_AND_COMMENT = gettext_noop("Read the draft plan and tell us what you think")
READ_ONLY = gettext_noop("Read the draft plan")


def _served_draft(case: Case):
    """The draft served on the family, read once per request however many parts of the page ask."""
    if case.draft_served_on is None:
        return None  # the case row says no draft was served: nothing to read
    if not hasattr(case, "_portal_served_draft"):
        case._portal_served_draft = drafting_selectors.served_draft(case=case)
    return case._portal_served_draft


def step_links(*, case: Case, user: User) -> dict[str, StepLink]:
    """Where a step of the tracker leads, by step key (`tracker.Key`): the draft plan to read and comment on
    (`draft`, `your_15_days`), for those the plan's policy lets read it, once a draft has been served."""
    if not policy.can(user, "view_draft_as_family", case, known_in_scope=True):
        return {}
    if _served_draft(case) is None:
        return {}
    url = reverse("portal:draft", args=[case.reference])
    text = READ_AND_COMMENT if policy.can(user, "comment_on_draft", case, known_in_scope=True) else READ_ONLY
    return {tracker.Key.DRAFT: StepLink(text, url), tracker.Key.YOUR_15_DAYS: StepLink(text, url)}


def open_draft_link(*, case: Case, user: User) -> StepLink | None:
    """The home card's way to the draft while the family's 15 days last; no query (the case row holds the day the
    draft was served)."""
    if case.draft_served_on is None or case.final_issued_on is not None or not case.is_open:
        return None
    if not policy.can(user, "view_draft_as_family", case, known_in_scope=True):
        return None
    if case_selectors.today() > statutory.draft_comments_close_on(case.draft_served_on):
        return None
    text = READ_AND_COMMENT if policy.can(user, "comment_on_draft", case, known_in_scope=True) else READ_ONLY
    return StepLink(text, reverse("portal:draft", args=[case.reference]))


def case_sections(*, case: Case, user: User) -> list[StepLink]:
    """Parts of the case that other features add to the portal's menu for this case: "Draft plan" once a draft
    has been served, for those who may read it."""
    if not policy.can(user, "view_draft_as_family", case, known_in_scope=True):
        return []
    if _served_draft(case) is None:
        return []
    return [StepLink(gettext_noop("Draft plan"), reverse("portal:draft", args=[case.reference]))]


def stage_label(case: Case) -> str:
    return workflow.STAGE_LABELS[workflow.Stage(case.stage)]


# --- who is involved -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdviceShown:
    kind: str
    who: str
    asked_on: object
    due_on: object
    replied: bool
    submission_id: int | None  # set once the council has shared the advice with the family


def advice_for(*, case: Case, user: User) -> list[AdviceShown]:
    """The professionals asked for advice, whether they replied, and the advice itself once it is shared."""
    rows = advice_selectors.case_requests(case=case, user=user)
    shown = []
    for row in rows:
        request = row.request
        who = (
            (request.asked_user.full_name if request.asked_user_id else "")
            or (request.asked_team.name if request.asked_team_id else "")
            or request.asked_name
        )
        shown.append(
            AdviceShown(
                kind=request.get_kind_display(),
                who=who,
                asked_on=request.sent_on,
                due_on=request.due_on,
                replied=request.status in ("submitted", "reused"),
                submission_id=row.latest.pk if row.latest is not None else None,
            )
        )
    return shown


def team_for(*, case: Case) -> list[CaseTeamMember]:
    """Who is on the case today, for the family to see who can read it."""
    return list(
        case_selectors.active_memberships(on=case_selectors.today())
        .filter(case=case)
        .select_related("user", "organisation")
        .order_by("role", "id")
    )


def shares_for(*, case: Case) -> list[CaseShare]:
    """The people the family let see the case, still in place (or waiting for the council's invitation)."""
    return list(
        CaseShare.objects.filter(case=case, ended_at__isnull=True)
        .select_related("member", "requested_by")
        .order_by("requested_at", "id")
    )


def share_for(*, case: Case, share_id: int) -> CaseShare:
    share = (
        CaseShare.objects.filter(case=case, pk=share_id, ended_at__isnull=True)
        .select_related("member")
        .first()
    )
    if share is None:
        raise Http404("No such person")
    return share


# --- documents -------------------------------------------------------------------------------------------------


def documents_for(*, case: Case, user: User) -> list[CaseDocument]:
    """The documents this person may read: cases decides (documents kept from the family stay kept)."""
    return case_selectors.documents_for(case=case, user=user)


# --- decisions ---------------------------------------------------------------------------------------------------


def decision_reasons(*, case: Case) -> dict[str, str]:
    """The reason written with each decision, by the workflow step that made it (the family-visible timeline)."""
    labels = {
        name: workflow.TRANSITIONS[name].label
        for name in (
            "agree_to_assess",
            "refuse_assessment",
            "agree_to_issue",
            "refuse_plan",
            "issue_final_plan",
        )
    }
    events = TimelineEvent.objects.filter(
        case=case, kind=TimelineEvent.Kind.TRANSITION, visible_to_family=True
    ).order_by("occurred_at", "id")
    reasons: dict[str, str] = {}
    for event in events.only("summary", "detail"):
        for name, label in labels.items():
            if event.summary.startswith(str(label)) and event.detail:
                reasons[name] = event.detail
    return reasons


def decision_letters(*, case: Case, user: User) -> list[CaseDocument]:
    return [d for d in documents_for(case=case, user=user) if d.category == CaseDocument.Category.LETTER]


# --- messages ------------------------------------------------------------------------------------------------------


def conversation_of(*, case: Case) -> Conversation | None:
    return Conversation.objects.filter(case=case).first()


def messages_of(*, case: Case) -> list[ConversationMessage]:
    return list(
        ConversationMessage.objects.filter(conversation__case=case)
        .select_related("author")
        .order_by("sent_at", "id")
    )


def unread_for_family(*, cases: list[Case]) -> dict[int, int]:
    """How many council replies each case has that the family has not read yet (one query for every case)."""
    rows = (
        ConversationMessage.objects.filter(
            conversation__case__in=[c.pk for c in cases], from_family=False, read_at__isnull=True
        )
        .values("conversation__case_id")
        .annotate(n=Count("id"))
    )
    return {row["conversation__case_id"]: row["n"] for row in rows}


def staff_panel(case: Case, user: User) -> dict | None:
    """The family's conversation on the staff case page (cases.panels), for those who answer families. It costs the
    case page no query: the panel loads the conversation itself (`staff_conversation`) once the page is shown."""
    if not policy.can(user, "answer_family", case, known_in_scope=True):
        return None
    return {"case": case}


def staff_conversation(*, case: Case) -> dict:
    """The conversation as staff read it, with the family's access needs: three queries, whatever its length."""
    messages = messages_of(case=case)
    family = case_selectors.family_accounts(case=case)
    needs = list(
        AccessNeeds.objects.filter(user__in=[u.pk for u in family])
        .exclude(needs="", interpreter=False)
        .select_related("user")
    )
    return {
        "case": case,
        "messages": messages[-20:],
        "earlier": max(len(messages) - 20, 0),
        "unread": sum(1 for m in messages if m.from_family and m.read_at is None),
        "access_needs": needs,
    }


def access_needs_of(*, user: User) -> AccessNeeds | None:
    return AccessNeeds.objects.filter(user=user).first()


# --- schools -------------------------------------------------------------------------------------------------------


def pupils_cases(*, user: User) -> list[Case]:
    """A SENCo's pupils' cases: those whose team their school (or they) are on."""
    if not policy.role_may(user, "follow_pupils") or user.organisation_id is None:
        return []
    return list(
        case_selectors.cases_for(user=user)
        .select_related("child", "coordinator")
        .order_by("closed_on", "next_due_on", "id")[:HOME_LIMIT]
    )


def requests_started(*, user: User) -> list[RequestDraft]:
    """The requests for assessment this SENCo started, sent or not, newest first."""
    if not policy.role_may(user, "follow_pupils"):
        return []
    return list(
        RequestDraft.objects.filter(user=user, route="school")
        .select_related("case", "case__child")
        .order_by("-updated_at", "-id")[:HOME_LIMIT]
    )


def advice_asked_of_school(*, user: User) -> int:
    """How many open requests for advice are addressed to this SENCo or their school."""
    if not policy.role_may(user, "view_advice_inbox"):
        return 0
    return len(advice_selectors.inbox(user=user))


# --- sign-in links -----------------------------------------------------------------------------------------------


def links_asked_since(*, email: str, user: User | None, since: datetime) -> tuple[int, int, datetime | None]:
    """How often a link was asked for this address and this account since a moment, and the oldest such ask."""
    from portal.models import SignInLink

    by_email = SignInLink.objects.filter(email__iexact=email, created_at__gte=since)
    by_user = SignInLink.objects.filter(user=user, created_at__gte=since) if user is not None else None
    oldest = by_email.order_by("created_at").values_list("created_at", flat=True).first()
    if by_user is not None:
        oldest_user = by_user.order_by("created_at").values_list("created_at", flat=True).first()
        if oldest_user is not None and (oldest is None or oldest_user < oldest):
            oldest = oldest_user
    return by_email.count(), (by_user.count() if by_user is not None else 0), oldest


# --- the draft plan, for the family to read and comment on ----------------------------------------------------------

# What each section of a plan is for, said to a family (the titles are the law's words).
SECTION_EXPLAINED = {
    "A": gettext_noop("What the child and the family think, like and hope for. This is in your words."),
    "B": gettext_noop(
        "What the child finds hard in learning. The law calls these special educational needs (SEN)."
    ),
    "C": gettext_noop("Health needs linked to the child's special educational needs."),
    "D": gettext_noop("Social care needs: help at home or in the community linked to the child's needs."),
    "E": gettext_noop("Outcomes: what the child should be able to do, and by when."),
    "F": gettext_noop(
        "Special educational provision: the help the school or college must give. It should say what, who, "
        "how often and for how long."
    ),
    "G": gettext_noop("Health provision: the help the NHS must give."),
    "H1": gettext_noop("Social care help the council must give because of the law on disabled children."),
    "H2": gettext_noop("Other social care help linked to the child's needs."),
    "I": gettext_noop(
        "Placement: the school or college. It is left blank in the draft. You can tell us the school or college "
        "you want, and why."
    ),
    "J": gettext_noop("A personal budget: money you can manage yourself to pay for some of the help."),
    "K": gettext_noop("The advice and reports the council used to write the plan."),
}


@dataclass(frozen=True)
class DraftItem:
    key: str
    text: str


@dataclass(frozen=True)
class DraftSection:
    code: str
    title: str
    explained: str
    items: list[DraftItem]
    comments: list  # the family's comments on this section (sent ones and this person's saved ones)


@dataclass(frozen=True)
class NextSection:
    code: str
    title: str
    changes: list  # (diffing's ADDED, REMOVED or CHANGED, the words)


@dataclass(frozen=True)
class DraftReview:
    version: object
    sections: list[DraftSection]
    closes_on: object
    window_open: bool
    may_comment: bool  # may this person still save and send comments (their role, and the window)
    saved: list  # this person's comments not sent yet
    sent: list  # every comment sent to the council on this plan, with its answer
    next_number: int | None  # the version after the draft, shown once the council has answered
    next_changes: list  # NextSection rows: what changed in it since the draft, section by section


def draft_review(*, case: Case, user: User) -> DraftReview:
    """The served draft as the family reads it, section by section, with their saved comments, the council's
    answers and, once answered, what changed in the next version: a fixed number of queries whatever the size."""
    if not policy.can(user, "view_draft_as_family", case, known_in_scope=True):
        raise Http404("No draft plan")
    draft = drafting_selectors.family_draft(case=case, user=user)
    version = draft.version
    today = case_selectors.today()
    window_open = draft.closes_on is not None and today <= draft.closes_on and version.status == "sent"
    sent = drafting_selectors.comments_of_case(case=case)
    next_number, next_changes = None, []
    # Once the council has answered, the family also see the next version: what changed since the draft they read.
    if any(getattr(comment, "answer", None) is not None for comment in sent):
        latest = drafting_selectors.latest_version(case=case)
        if latest is not None and latest.number > version.number:
            next_number = latest.number
            found = diffing.diff(
                drafting_selectors.content_of(version), drafting_selectors.content_of(latest)
            )
            titles = {view.code: view.title for view in draft.sections}
            next_changes = [
                NextSection(
                    code=code,
                    title=titles.get(code, code),
                    changes=[(c.change, c.text) for c in changes if c.key != "need_types"],
                )
                for code, changes in found.by_section().items()
            ]
    saved = [c for c in draft.comments if c.sent_at is None and c.author_id == user.pk]
    by_section: dict[str, list] = {}
    for comment in draft.comments:
        by_section.setdefault(comment.section, []).append(comment)
    sections = [
        DraftSection(
            code=view.code,
            title=view.title,
            explained=SECTION_EXPLAINED.get(view.code, ""),
            items=[DraftItem(key=item.key, text=item_text(item)) for item in view.items],
            comments=by_section.get(view.code, []),
        )
        for view in draft.sections
    ]
    return DraftReview(
        version=version,
        sections=sections,
        closes_on=draft.closes_on,
        window_open=window_open,
        may_comment=draft.may_comment and window_open,
        saved=saved,
        sent=sent,
        next_number=next_number,
        next_changes=next_changes,
    )


def draft_section(review: DraftReview, code: str) -> DraftSection:
    for section in review.sections:
        if section.code == code:
            return section
    raise Http404("No such section")


def own_saved_comment(review: DraftReview, comment_id: int):
    """One of this person's comments not yet sent (sent ones are kept as they were sent)."""
    for comment in review.saved:
        if comment.pk == comment_id:
            return comment
    raise Http404("No such comment")
