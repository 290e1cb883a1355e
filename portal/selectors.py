"""Every read the portal shows, scoped to the person reading: their own cases only (another family's is a 404),
each page in a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.http import Http404

from accounts.models import User
from advice import selectors as advice_selectors
from cases import policy, workflow
from cases import selectors as case_selectors
from cases.models import Case, CaseDocument, CaseTeamMember, TimelineEvent
from forms_ersa.models import RequestDraft
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
        # The panel app publishes its meeting date; until it is wired in, the step reads the decision alone.
        panel_on=None,
        draft_served_on=case.draft_served_on,
        family_responded_on=case.family_responded_on,
        final_issued_on=case.final_issued_on,
        last_review_meeting_on=case.last_review_meeting_on,
        next_review_meeting_on=case.next_review_meeting_on,
        review_decided_on=case.review_decided_on,
        closed_on=case.closed_on,
        young_person=young_person,
    )


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


def step_links(*, case: Case, user: User) -> dict[str, StepLink]:
    """Where a step of the tracker leads, by step key (`tracker.Key`): the draft plan to read and comment on
    (`draft`, `your_15_days`) and the panel's decision (`panel`). The plan and the panel publish those pages; each
    entry is added here, asking their selectors whether this person may follow it, so the tracker links only
    pages that answer."""
    return {}


def case_sections(*, case: Case, user: User) -> list[StepLink]:
    """Parts of the case that other features add to the portal's menu for this case, such as "Draft plan" while a
    draft is with the family. Each is added here once its feature publishes the page and who may open it."""
    return []


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
