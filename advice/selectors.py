"""Every read of advice a page or the API shows, scoped to what the acting user may see.

Council staff see the advice on their council's cases. An adviser sees the requests made to them, allocated to
them or made to a service they lead, for as long as they can still open the case (the request is open, plus the
period the council sets); anyone else gets a 404.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import Organisation, OrganisationKind, User
from advice import definitions, ras
from advice.models import (
    OPEN_STATUSES,
    AdviceRequest,
    AdviceSettings,
    AdviceSubmission,
    AdviceTeam,
    RasLevel,
    RasScheme,
    RasScore,
    RequestStatus,
)
from cases import policy
from cases import selectors as case_selectors
from cases.models import Case


def settings_for(*, council_id: int) -> AdviceSettings:
    """The council's advice settings, or the defaults until an administrator sets them."""
    return AdviceSettings.objects.filter(council_id=council_id).first() or AdviceSettings(
        council_id=council_id
    )


# --- requests -----------------------------------------------------------------------------------------------


def requests_for(*, user: User) -> QuerySet[AdviceRequest]:
    council = policy.council_of(user)
    if council is not None:
        return AdviceRequest.objects.filter(case__council_id=council.pk)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return AdviceRequest.objects.none()
    asked = Q(asked_user=user) | Q(allocated_to=user) | Q(asked_team__leads=user)
    return AdviceRequest.objects.filter(asked, case__in=case_selectors.cases_for(user=user)).distinct()


def inbox(*, user: User) -> list[AdviceRequest]:
    """Open requests for this adviser (or their service, unallocated), nearest due date first.

    The same requests as `requests_for` narrowed to the ones asked of this person (council staff included), read
    without its join to the services' leads: the services they lead come first as a short list of ids, so the
    database can use the request indexes and needs no DISTINCT over the wide rows the page shows.
    """
    if not policy.role_may(user, "view_advice_inbox") or not user.is_active:
        return []
    led = list(AdviceTeam.objects.filter(leads=user).values_list("pk", flat=True))
    asked = Q(asked_user=user) | Q(allocated_to=user)
    if led:
        asked |= Q(asked_team_id__in=led)
    council = policy.council_of(user)
    scope = (
        Q(case__council_id=council.pk)
        if council is not None
        else Q(case__in=case_selectors.cases_for(user=user))
    )
    rows = list(
        AdviceRequest.objects.filter(asked, scope, status__in=OPEN_STATUSES)
        .select_related(
            "case", "case__child", "case__coordinator", "asked_team", "asked_user", "allocated_to"
        )
        .order_by("due_on", "sent_on", "id")
    )
    today = case_selectors.today()
    for row in rows:
        row.days_left = (row.due_on - today).days if row.due_on else None
        row.days_late = -row.days_left if row.days_left is not None and row.days_left < 0 else 0
        row.to_allocate = row.asked_team_id is not None and row.allocated_to_id is None
    return rows


def request_for(*, user: User, request_id: int) -> AdviceRequest:
    request = (
        requests_for(user=user)
        .select_related(
            "case",
            "case__child",
            "case__coordinator",
            "case__council",
            "asked_team",
            "asked_user",
            "allocated_to",
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404("No request for advice found")
    return request


def leads(*, request: AdviceRequest, user: User) -> bool:
    """Does this person lead the service the request was made to?"""
    return bool(request.asked_team_id) and request.asked_team.leads.filter(pk=user.pk).exists()


def acts_for(*, request: AdviceRequest, user: User, leads_too: bool = False) -> bool:
    """Only the person asked (or allocated), or a lead of the service asked, acts on a request as its adviser.

    A lead may act until they allocate it, and with `leads_too` always (to decline it or pass it on)."""
    if user.pk in {request.asked_user_id, request.allocated_to_id}:
        return True
    return (leads_too or request.allocated_to_id is None) and leads(request=request, user=user)


def open_request_exists(
    *, case: Case, kind: str, asked_user: User | None, asked_team: AdviceTeam | None, asked_email: str = ""
) -> bool:
    if asked_email:
        return AdviceRequest.objects.filter(
            case=case, kind=kind, status__in=OPEN_STATUSES, asked_email__iexact=asked_email
        ).exists()
    return AdviceRequest.objects.filter(
        case=case, kind=kind, status__in=OPEN_STATUSES, asked_user=asked_user, asked_team=asked_team
    ).exists()


def invitee_organisations(*, council_id: int) -> list[Organisation]:
    """Where someone invited to give advice may work: the schools, trusts and teams of the council's area."""
    return list(
        Organisation.objects.filter(council_id=council_id, is_active=True)
        .exclude(kind=OrganisationKind.CHARITY)
        .order_by("name")
    )


def people_still_asked(*, case: Case, excluding: AdviceRequest) -> set[User]:
    """Advisers on this case's other open requests: closing one request must not end their access."""
    people: set[User] = set()
    for request in (
        AdviceRequest.objects.filter(case=case, status__in=OPEN_STATUSES)
        .exclude(pk=excluding.pk)
        .select_related("asked_user", "allocated_to")
        .prefetch_related("asked_team__leads")
    ):
        people |= {p for p in (request.asked_user, request.allocated_to) if p is not None}
        if request.asked_team_id:
            people |= set(request.asked_team.leads.all())
    return people


def team_staff(*, team: AdviceTeam) -> QuerySet[User]:
    return User.objects.filter(Q(advice_teams_led=team) | Q(advice_teams=team), is_active=True).distinct()


def teams_for(*, council_id: int, kind: str | None = None) -> list[AdviceTeam]:
    teams = AdviceTeam.objects.filter(council_id=council_id, is_active=True).order_by("name")
    return [team for team in teams if kind is None or kind in team.kinds]


# --- the case page and the planning page --------------------------------------------------------------------


@dataclass(frozen=True)
class LatestSent:
    pk: int
    author_name: str
    shared_with_family_at: object


@dataclass(frozen=True)
class RequestRow:
    request: AdviceRequest
    latest: LatestSent | None
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0 and self.request.is_open


# The current RAS score's columns, and its scheme's, read as columns of the requests' query on the case page.
_SCORE_FIELDS = (
    "id",
    "scheme_id",
    "scored_on",
    "points",
    "band",
    "annual_amount",
    "setting_type",
    "profile",
    "explanation",
    "disagreements",
    "is_current",
    "created_at",
)
_SCHEME_FIELDS = ("name", "effective_from", "council_id")


def case_requests(*, case: Case, user: User, with_score: bool = False) -> list[RequestRow]:
    """Every request for advice on a case with its state, days left and latest submitted advice; fixed queries.

    `with_score` also reads the case's current RAS score in the same query (see `case_panel`)."""
    if not policy.can(user, "view_advice", case, known_in_scope=True):
        return []
    # The latest version sent, as columns of the same query (a case page budget: no query per request).
    latest = AdviceSubmission.objects.filter(request=OuterRef("pk"), submitted_at__isnull=False).order_by(
        "-number"
    )
    requests = (
        AdviceRequest.objects.filter(case=case)
        .select_related("asked_team", "asked_user", "allocated_to")
        .annotate(
            latest_id=Subquery(latest.values("pk")[:1]),
            latest_author=Subquery(latest.values("author_name")[:1]),
            latest_shared=Subquery(latest.values("shared_with_family_at")[:1]),
        )
        .order_by("sent_on", "id")
    )
    if with_score:
        # One row for the whole case, not correlated with the request: the database reads it once per query.
        score = RasScore.objects.filter(case=case, is_current=True)
        requests = requests.annotate(
            **{f"ras_{name}": Subquery(score.values(name)[:1]) for name in _SCORE_FIELDS},
            **{
                f"ras_scheme_{name}": Subquery(score.values(f"scheme__{name}")[:1]) for name in _SCHEME_FIELDS
            },
        )
    if policy.council_of(user) is None:
        # Advisers and families see other advice only once it is sent, and the family only what was shared.
        requests = requests.exclude(status=RequestStatus.WITHDRAWN)
    today = case_selectors.today()
    rows = []
    for request in requests:
        latest = (
            LatestSent(request.latest_id, request.latest_author, request.latest_shared)
            if request.latest_id
            else None
        )
        if latest is not None and user.role in policy.FAMILY_SIDE and latest.shared_with_family_at is None:
            latest = None
        days = (request.due_on - today).days if request.due_on and request.is_open else None
        rows.append(RequestRow(request=request, latest=latest, days_left=days))
    return rows


@dataclass(frozen=True)
class Suggestion:
    definition: definitions.Definition
    requests: list[AdviceRequest]
    professionals: list


def advice_plan(*, case: Case, user: User) -> list[Suggestion]:
    """What reg 6(1) requires for this case, each with the requests already made and the professionals named."""
    policy.require(user, "plan_advice", case, known_in_scope=True)
    year_group = case_selectors.year_group(case=case)
    wanted = definitions.reg_6_1_checklist(year_group=year_group)
    requests = list(
        AdviceRequest.objects.filter(case=case)
        .exclude(status=RequestStatus.WITHDRAWN)
        .select_related("asked_team", "asked_user", "allocated_to")
    )
    professionals = case_selectors.professionals_of(case=case)
    return [
        Suggestion(
            definition=d,
            requests=[r for r in requests if r.kind == d.kind],
            professionals=[p for p in professionals if _suits(p, d)],
        )
        for d in wanted
    ]


_ROLE_WORDS = {
    definitions.Kind.PSYCHOLOGICAL: ("psycholog",),
    definitions.Kind.MEDICAL: ("paediatric", "doctor", "nurse", "camhs", "health", "gp"),
    definitions.Kind.SOCIAL_CARE: ("social",),
    definitions.Kind.EDUCATIONAL: ("senco", "teacher", "head"),
    definitions.Kind.SPEECH_AND_LANGUAGE: ("speech", "salt", "language"),
    definitions.Kind.OCCUPATIONAL_THERAPY: ("occupational", " ot"),
}


def _suits(professional, definition: definitions.Definition) -> bool:
    words = _ROLE_WORDS.get(definition.kind, ())
    text = f" {professional.role} {professional.service}".lower()
    return any(word in text for word in words)


# --- reading advice -----------------------------------------------------------------------------------------


def submission_for(*, user: User, submission_id: int) -> AdviceSubmission:
    """A submitted advice this person may read: council staff, its author, or (if the council allows) another
    adviser on the same case; the family once it is shared. 404 otherwise, and never a draft of someone else's."""
    submission = (
        AdviceSubmission.objects.filter(pk=submission_id)
        .select_related("request", "request__case", "request__case__child", "document")
        .first()
    )
    if submission is None:
        raise Http404("No advice found")
    case = submission.request.case
    if not case_selectors.cases_for(user=user).filter(pk=case.pk).exists():
        raise Http404("No advice found")
    if policy.council_of(user) is not None:
        return submission
    if submission.author_id == user.pk or user.pk in {
        submission.request.asked_user_id,
        submission.request.allocated_to_id,
    }:
        return submission
    if submission.submitted_at is None:
        raise Http404("No advice found")
    if user.role in policy.FAMILY_SIDE and submission.shared_with_family_at is not None:
        return submission
    if (
        user.role in policy.PROFESSIONALS
        and settings_for(council_id=case.council_id).advisers_read_each_other
    ):
        return submission
    raise Http404("No advice found")


def other_advice(*, request: AdviceRequest, user: User) -> list[AdviceSubmission]:
    """The advice other advisers have sent on this case, so goals can be aligned (if the council allows it)."""
    if not settings_for(council_id=request.case.council_id).advisers_read_each_other:
        return []
    return list(
        AdviceSubmission.objects.filter(request__case=request.case, submitted_at__isnull=False)
        .exclude(request=request)
        .exclude(
            Exists(AdviceSubmission.objects.filter(supersedes=OuterRef("pk"), submitted_at__isnull=False))
        )
        .select_related("request")
        .prefetch_related("needs", "outcomes", "provision")
        .order_by("request__kind", "submitted_at")
    )


def draft_of(*, request: AdviceRequest) -> AdviceSubmission | None:
    return request.submissions.filter(submitted_at__isnull=True).order_by("-number").first()


def latest_submitted(*, request: AdviceRequest) -> AdviceSubmission | None:
    return request.submissions.filter(submitted_at__isnull=False).order_by("-number").first()


def current_submissions(*, case: Case) -> QuerySet[AdviceSubmission]:
    """Each request's latest submitted advice (corrections replace what they correct), with the structured items:
    what the draft plan is assembled from, in a fixed number of queries."""
    return (
        AdviceSubmission.objects.filter(request__case=case, submitted_at__isnull=False)
        .exclude(
            Exists(AdviceSubmission.objects.filter(supersedes=OuterRef("pk"), submitted_at__isnull=False))
        )
        .select_related("request", "document", "reused_document")
        .prefetch_related("needs", "outcomes__needs", "provision", "ras_levels")
        .order_by("request__sent_on", "request_id")
    )


# --- RAS ----------------------------------------------------------------------------------------------------


def scheme_row_for(*, council_id: int, on: date) -> RasScheme | None:
    return (
        RasScheme.objects.filter(council_id=council_id, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def scheme_from(row: RasScheme) -> ras.Scheme:
    config = row.config
    return ras.Scheme(
        name=row.name,
        effective_from=row.effective_from,
        levels=tuple(
            ras.Level(int(lv["value"]), lv["label"], lv.get("descriptor", "")) for lv in config["levels"]
        ),
        weights={k: int(v) for k, v in config.get("weights", {}).items()},
        caps={k: int(v) for k, v in config.get("caps", {}).items()},
        bands=tuple(
            ras.Band(
                b["code"], b.get("label", b["code"]), int(b["min_points"]), Decimal(str(b["annual_amount"]))
            )
            for b in config.get("bands", [])
        ),
        combine=ras.Combine(config.get("combine", ras.Combine.HIGHEST.value)),
        lead_disciplines=dict(config.get("lead_disciplines", {})),
        setting_adjustments={k: Decimal(str(v)) for k, v in config.get("setting_adjustments", {}).items()},
    )


def scheme_for(*, council_id: int, on: date) -> ras.Scheme | None:
    row = scheme_row_for(council_id=council_id, on=on)
    return scheme_from(row) if row else None


def current_ras_levels(*, case: Case) -> QuerySet[RasLevel]:
    return (
        RasLevel.objects.filter(submission__request__case=case, submission__submitted_at__isnull=False)
        .exclude(
            Exists(
                AdviceSubmission.objects.filter(
                    supersedes=OuterRef("submission_id"), submitted_at__isnull=False
                )
            )
        )
        .select_related("submission", "submission__request")
        .order_by("area", "submission_id")
    )


def current_score(*, case: Case, user: User) -> RasScore | None:
    if not policy.can(user, "view_ras", case, known_in_scope=True):
        return None
    return RasScore.objects.filter(case=case, is_current=True).select_related("scheme").first()


# --- the PDF ------------------------------------------------------------------------------------------------


def submission_for_pdf(*, submission_id: int) -> AdviceSubmission | None:
    return (
        AdviceSubmission.objects.filter(pk=submission_id)
        .select_related(
            "request", "request__case", "request__case__child", "request__case__council", "author"
        )
        .prefetch_related("needs", "outcomes__needs", "provision", "ras_levels")
        .first()
    )


def pdf_context(*, submission: AdviceSubmission) -> dict:
    definition = definitions.definition(submission.request.kind)
    answers = submission.answers.get("answers", {})
    parts = [
        {
            "title": part.title,
            "answers": [(q.label, answers.get(q.key, "")) for q in part.questions if answers.get(q.key)],
        }
        for part in (*definition.parts, *(() if definition.by_family else definitions.CORE_PARTS))
    ]
    return {
        "submission": submission,
        "request": submission.request,
        "case": submission.request.case,
        "definition": definition,
        "parts": parts,
        "needs": list(submission.needs.all()),
        "outcomes": list(submission.outcomes.all()),
        "provision": list(submission.provision.all()),
        "levels": [
            (ras.AREA_LABELS.get(level.area, level.area), level.level)
            for level in submission.ras_levels.all()
        ],
    }


def _score_of(request: AdviceRequest, *, case: Case) -> RasScore | None:
    """The current score read with `case_requests(with_score=True)`, as the model `current_score` returns."""
    if getattr(request, "ras_id", None) is None:
        return None
    scheme = RasScheme(
        id=request.ras_scheme_id,
        **{name: getattr(request, f"ras_scheme_{name}") for name in _SCHEME_FIELDS},
    )
    columns = {name: getattr(request, f"ras_{name}") for name in _SCORE_FIELDS if name != "scheme_id"}
    score = RasScore(case=case, scheme=scheme, **columns)
    score._state.adding = False
    return score


def case_panel(case: Case, user: User) -> dict | None:
    """The advice part of the case page: every request's state and days left, and the RAS suggestion."""
    if not policy.can(user, "view_advice", case, known_in_scope=True):
        return None
    may_see_score = policy.can(user, "view_ras", case, known_in_scope=True)
    rows = case_requests(case=case, user=user, with_score=may_see_score)
    # No advice sent yet, no score to show (what `current_score` reads, taken from the requests' query).
    score = _score_of(rows[0].request, case=case) if may_see_score and any(r.latest for r in rows) else None
    if not rows and score is None and not policy.can(user, "plan_advice", case, known_in_scope=True):
        return None
    return {
        "case": case,
        "rows": rows,
        "score": score,
        "may_plan": policy.can(user, "plan_advice", case, known_in_scope=True),
        "may": {
            action: policy.can(user, action, case, known_in_scope=True)
            for action in ("withdraw_advice_request", "record_exception")
        },
    }


def attachments_of(*, request: AdviceRequest) -> list:
    return list(request.attachments.select_related("document").order_by("added_at", "id"))
