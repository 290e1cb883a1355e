"""Every read of cases that a page or the API shows, scoped to what the acting user may see.

Council staff see their own council's cases. Everyone else sees only the cases whose team they, or their
organisation, are on today. Detail lookups go through `cases_for` too, so a case that is not yours is a 404.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import policy
from accounts import services as account_services
from accounts.models import Organisation, OrganisationKind, Role, User
from cases import statutory, workflow
from cases.models import (
    Case,
    CaseDocument,
    CaseTeamMember,
    Child,
    Deadline,
    InvolvedProfessional,
    TeamRole,
    TimelineEvent,
)
from notifications import selectors as notification_selectors

RED_DAYS = 7
AMBER_DAYS = 21


class Rag:
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NONE = "none"


def today() -> date:
    """Statutory dates are Europe/London calendar dates (TIME_ZONE), not UTC."""
    return timezone.localdate()


def active_memberships(*, on: date) -> QuerySet[CaseTeamMember]:
    # ends_on is the day the membership ended: someone removed today loses access today.
    return CaseTeamMember.objects.filter(Q(starts_on__lte=on), Q(ends_on__isnull=True) | Q(ends_on__gt=on))


def cases_for(*, user: User) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    if user.role in policy.COUNCIL_STAFF:
        council = policy.council_of(user)
        return Case.objects.none() if council is None else Case.objects.filter(council_id=council.pk)
    member = Q(user_id=user.pk)
    # A school or NHS body on the team lets its staff in; families never join through an organisation.
    if user.organisation_id is not None and user.role not in policy.FAMILY:
        member |= Q(organisation_id=user.organisation_id)
    on_team = active_memberships(on=today()).filter(member, case_id=OuterRef("pk"))
    return Case.objects.filter(Exists(on_team))


def get_case_for(*, user: User, reference: str) -> Case:
    """The case page's case with everything the page shows, in a fixed number of queries; 404 if not yours."""
    case = (
        cases_for(user=user)
        .select_related("child", "child__current_setting", "coordinator", "council")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        _note_refusal(user=user, reference=reference)
        raise Http404("No case found")
    return case


def _note_refusal(*, user: User, reference: str) -> None:
    """A case that exists but is not theirs is "not found" to them, and a security event for their manager.

    Every page and API call that opens a case by its reference comes through `get_case_for`, so this is the one
    place. A reference that does not exist is a typo, not an attempt, and is not recorded.
    """
    if not getattr(user, "is_authenticated", False):
        return
    council_id = Case.objects.filter(reference=reference).values_list("council_id", flat=True).first()
    if council_id is not None:
        account_services.record_security_event(
            account_services.SecurityEventKind.ACCESS_REFUSED,
            user=user,
            detail=f"case {reference}"[:300],
            council_id=council_id,
        )


def rag_for(*, next_due_on: date | None, on: date) -> str:
    if next_due_on is None:
        return Rag.NONE
    days = (next_due_on - on).days
    if days <= RED_DAYS:
        return Rag.RED
    if days <= AMBER_DAYS:
        return Rag.AMBER
    return Rag.GREEN


def rag_filter(rag: str, *, on: date) -> Q:
    red_until = on + timedelta(days=RED_DAYS)
    amber_until = on + timedelta(days=AMBER_DAYS)
    return {
        Rag.RED: Q(next_due_on__lte=red_until),
        Rag.AMBER: Q(next_due_on__gt=red_until, next_due_on__lte=amber_until),
        Rag.GREEN: Q(next_due_on__gt=amber_until),
        Rag.NONE: Q(next_due_on__isnull=True),
    }.get(rag, Q())


@dataclass(frozen=True)
class CaseFilters:
    stage: str = ""
    rag: str = ""
    school: int | None = None
    coordinator: int | None = None
    query: str = ""
    open_only: bool = True
    unallocated: bool = False
    # Business support's "New requests": everything not yet allocated, and every request still being checked.
    new_requests: bool = False


def filter_cases(qs: QuerySet[Case], *, filters: CaseFilters, on: date) -> QuerySet[Case]:
    if filters.open_only:
        qs = qs.filter(closed_on__isnull=True)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.rag:
        qs = qs.filter(rag_filter(filters.rag, on=on))
    if filters.school:
        qs = qs.filter(child__current_setting_id=filters.school)
    if filters.coordinator:
        qs = qs.filter(coordinator_id=filters.coordinator)
    if filters.unallocated:
        qs = qs.filter(coordinator__isnull=True)
    if filters.new_requests:
        qs = qs.filter(Q(coordinator__isnull=True) | Q(stage=workflow.Stage.REQUEST_RECEIVED))
    if filters.query:
        qs = qs.filter(_search_q(filters.query))
    return qs


def _search_q(text: str) -> Q:
    text = text.strip()
    parsed = _parse_date(text)
    if parsed:
        return Q(child__date_of_birth=parsed)
    if text.upper().startswith("EHC-"):
        return Q(reference__istartswith=text.upper())
    lowered = " ".join(text.lower().split())
    # search_name holds "first last preferred"; a prefix match on the whole or on the surname uses the index.
    return (
        Q(child__search_name__startswith=lowered)
        | Q(child__legal_last_name__istartswith=text)
        | Q(reference__iexact=text)
        | Q(child__upn__iexact=text.replace(" ", ""))
    )


def _parse_date(text: str) -> date | None:
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %m %Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def case_list(*, user: User, filters: CaseFilters) -> QuerySet[Case]:
    """Rows for the caseload, unallocated and all-cases pages, nearest deadline first."""
    on = today()
    qs = filter_cases(cases_for(user=user), filters=filters, on=on)
    return qs.select_related("child", "child__current_setting", "coordinator").order_by(
        "next_due_on", "received_on", "id"
    )


def new_requests(*, user: User, filters: CaseFilters) -> QuerySet[Case]:
    """Requests waiting for a coordinator first, then the ones still at "request received", nearest deadline first."""
    on = today()
    qs = filter_cases(
        cases_for(user=user), filters=CaseFilters(**{**filters.__dict__, "new_requests": True}), on=on
    )
    return (
        qs.select_related("child", "child__current_setting", "coordinator")
        .annotate(allocated=ExpressionWrapper(Q(coordinator__isnull=False), output_field=BooleanField()))
        .order_by("allocated", "next_due_on", "received_on", "id")
    )


def caseload(*, user: User, filters: CaseFilters) -> QuerySet[Case]:
    return case_list(user=user, filters=CaseFilters(**{**filters.__dict__, "coordinator": user.pk}))


@dataclass(frozen=True)
class ContactShown:
    """A family contact as one role may see them: who they are always; how to reach them only if allowed."""

    name: str
    relationship: str
    parental_responsibility: bool
    email: str = ""
    phone: str = ""
    address: str = ""
    channel: str = ""
    language: str = ""


@dataclass(frozen=True)
class ProfessionalShown:
    pk: int
    name: str
    role: str
    service: str
    email: str = ""
    phone: str = ""


def case_detail_parts(*, case: Case, user: User) -> dict:
    """The parts of the case page this person's role may see (accounts.policy.FIELDS), each one query at most.

    A part the role may not see is not fetched at all, so neither the page nor the API can show it by mistake.
    """
    sees = policy.fields_for(user)
    deadlines = list(
        case.deadlines.exclude(status=statutory.DeadlineStatus.CANCELLED).order_by("due_on", "code")
    )
    timeline = TimelineEvent.objects.filter(case=case).select_related("actor").order_by("-occurred_at", "-id")
    documents = readable_documents(user=user).filter(case=case).select_related("uploaded_by")
    if "internal_timeline" not in sees:
        timeline = timeline.filter(visible_to_family=True)
    team = (
        [
            _shown_member(member)
            for member in active_memberships(on=today())
            .filter(case=case)
            .select_related("user", "organisation")
            .order_by("role", "id")
        ]
        if "team" in sees
        else []
    )
    contacts = [
        ContactShown(
            name=contact.name,
            relationship=contact.get_relationship_display(),
            parental_responsibility=contact.parental_responsibility,
            **(
                {"email": contact.email, "phone": contact.phone, "address": contact.address}
                if "family_contact_details" in sees
                else {}
            ),
            **(
                {
                    "channel": contact.get_preferred_channel_display(),
                    "language": contact.get_language_display(),
                }
                if "contact_preferences" in sees
                else {}
            ),
        )
        for contact in case.child.contacts.filter(is_archived=False)
    ]
    professionals = [
        ProfessionalShown(
            pk=person.pk,
            name=person.name,
            role=person.role,
            service=person.service,
            **({"email": person.email, "phone": person.phone} if "professional_contacts" in sees else {}),
        )
        for person in case.professionals.filter(withdrawn_at__isnull=True)
    ]
    exceptions = (
        list(case.exceptions.filter(withdrawn_at__isnull=True).select_related("recorded_by"))
        if "exceptions" in sees
        else []
    )
    # What the service told people about this case, and whether it arrived.
    messages = (
        list(notification_selectors.for_subject(subject_ref=f"case:{case.pk}")[:30])
        if "messages_sent" in sees
        else []
    )
    request_summary = (
        {
            "primary_need": case.get_primary_need_display() if case.primary_need else "",
            "secondary_need": case.get_secondary_need_display() if case.secondary_need else "",
            "summary": case.summary,
        }
        if "request_summary" in sees
        else None
    )
    return {
        "sees": {group: group in sees for group in policy.FIELD_GROUPS},
        "deadlines": deadlines if "deadlines" in sees else [],
        "timeline": list(timeline[:50]),
        "documents": list(documents) if "documents" in sees else [],
        "team": team,
        "contacts": contacts,
        "professionals": professionals,
        "share_consent": list(case.share_consent or []) if "share_consent" in sees else [],
        "exceptions": exceptions,
        "messages_sent": messages,
        "request_summary": request_summary,
        "child_identifiers": (
            {"upn": case.child.upn, "uln": case.child.uln, "nhs_number": case.child.nhs_number}
            if "child_identifiers" in sees
            else None
        ),
    }


def case_facts(case: Case) -> workflow.CaseFacts:
    return workflow.CaseFacts(
        stage=workflow.Stage(case.stage),
        received_on=case.received_on,
        draft_served_on=case.draft_served_on,
        family_responded_on=case.family_responded_on,
        final_issued_on=case.final_issued_on,
        last_review_meeting_on=case.last_review_meeting_on,
        next_review_meeting_on=case.next_review_meeting_on,
        has_coordinator=case.coordinator_id is not None,
    )


def professional_for(*, case: Case, professional_id: int) -> InvolvedProfessional:
    """A professional still involved in this case (the case already fetched through cases_for); 404 otherwise."""
    found = (
        InvolvedProfessional.objects.filter(case=case, pk=professional_id, withdrawn_at__isnull=True)
        .select_related("case")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _shown_member(member: CaseTeamMember) -> CaseTeamMember:
    member.name = member.user.full_name if member.user else member.organisation.name
    # The coordinator leaves the team only when someone else is allocated (services.allocate_coordinator).
    member.ends_by_allocation = member.role == TeamRole.COORDINATOR
    return member


def team_member_for(*, case: Case, member_id: int) -> CaseTeamMember:
    """A current member of this case's team (the case already fetched through cases_for); 404 otherwise."""
    member = (
        active_memberships(on=today())
        .filter(case=case, pk=member_id)
        .select_related("user", "organisation")
        .first()
    )
    if member is None:
        raise Http404("No such team member")
    return _shown_member(member)


def coordinators_with_load(*, council_id: int) -> QuerySet[User]:
    """Active coordinators of a council with their open caseload size, lightest first."""
    return (
        User.objects.filter(organisation_id=council_id, role=Role.COORDINATOR, is_active=True)
        .annotate(open_cases=Count("coordinated_cases", filter=Q(coordinated_cases__closed_on__isnull=True)))
        .order_by("open_cases", "full_name")
    )


def suggested_coordinator(*, council_id: int) -> User | None:
    return coordinators_with_load(council_id=council_id).first()


def schools_for(*, council_id: int | None) -> QuerySet[Organisation]:
    if council_id is None:
        return Organisation.objects.none()
    # Only what a select shows: a council has hundreds of schools and this runs on every list page.
    return Organisation.objects.filter(
        kind=OrganisationKind.SCHOOL, council_id=council_id, is_active=True
    ).only("id", "name")


def partner_organisations(*, council_id: int) -> QuerySet[Organisation]:
    """Schools and charities in the council's area, for inviting their staff onto a case."""
    return Organisation.objects.filter(
        council_id=council_id, kind__in=[OrganisationKind.SCHOOL, OrganisationKind.CHARITY], is_active=True
    ).order_by("kind", "name")


def readable_documents(*, user: User) -> QuerySet[CaseDocument]:
    """The documents (not withdrawn) this person may read on the cases they may see, by each one's visibility.

    Whoever added a document reads it at any level: an adviser's own report, kept from the family, is theirs.
    Scope the result to a case fetched through `cases_for`; this adds only the visibility rule.
    """
    if not policy.sees(user, "documents"):
        return CaseDocument.objects.none()
    levels = policy.document_levels_for(user)
    return CaseDocument.objects.filter(
        Q(visibility__in=sorted(levels)) | Q(uploaded_by_id=user.pk), withdrawn_at__isnull=True
    )


def document_for(*, user: User, reference: str, document_id: int) -> CaseDocument:
    """One document this person may read, on a case they may see; 404 for anything else (never 403)."""
    case = get_case_for(user=user, reference=reference)
    document = readable_documents(user=user).filter(case=case, pk=document_id).first()
    if document is None:
        raise Http404("No document found")
    return document


def deadlines_due(*, user: User, within_days: int) -> QuerySet[Deadline]:
    on = today()
    return (
        Deadline.objects.filter(
            case__in=cases_for(user=user),
            status__in=[statutory.DeadlineStatus.OPEN, statutory.DeadlineStatus.MISSED],
            met_on__isnull=True,
            due_on__lte=on + timedelta(days=within_days),
        )
        .select_related("case", "case__child")
        .order_by("due_on")
    )


def prefetch_open_deadlines() -> Prefetch:
    return Prefetch(
        "deadlines",
        queryset=Deadline.objects.filter(met_on__isnull=True).exclude(status="cancelled").order_by("due_on"),
        to_attr="open_deadlines",
    )


def memberships_of(*, case: Case, users) -> list[CaseTeamMember]:
    """The current team memberships of these people on this case (for a feature ending the access it gave)."""
    return list(
        active_memberships(on=today())
        .filter(case=case, user__in=[u.pk for u in users])
        .select_related("user")
    )


def year_group(*, case: Case) -> int:
    """The child's school year today (Reception is 0), from the date of birth."""
    return statutory.year_group(case.child.date_of_birth, today())


def professionals_of(*, case: Case) -> list[InvolvedProfessional]:
    """The professionals already involved (from the request or added by staff), still involved."""
    return list(case.professionals.filter(withdrawn_at__isnull=True).order_by("added_at", "id"))


@dataclass(frozen=True)
class RequestSummary:
    received_on: date
    requested_by: str
    primary_need: str
    secondary_need: str
    summary: str
    child_views: str = ""
    family_views: str = ""


def request_summary(*, case: Case, user: User) -> RequestSummary | None:
    """What the request says about the child's needs, for those whose work needs it (advisers, panel)."""
    if not policy.sees(user, "request_summary"):
        return None
    return RequestSummary(
        received_on=case.received_on,
        requested_by=case.get_requested_by_display(),
        primary_need=case.get_primary_need_display(),
        secondary_need=case.get_secondary_need_display(),
        summary=case.summary,
        child_views=case.child_views,
        family_views=case.family_views,
    )


def documents_for(*, case: Case, user: User) -> list[CaseDocument]:
    """The case documents this person may read, by each one's visibility (see `readable_documents`)."""
    documents = readable_documents(user=user).filter(case=case).select_related("uploaded_by")
    return list(documents.order_by("-uploaded_at", "-id"))


def family_accounts(*, case: Case) -> list[User]:
    """The parents, carers and young person on the case team with an account (to ask for the family's advice)."""
    members = (
        active_memberships(on=today())
        .filter(
            case=case,
            role__in=[TeamRole.FAMILY, TeamRole.YOUNG_PERSON],
            user__isnull=False,
            user__is_active=True,
        )
        .select_related("user")
    )
    return [member.user for member in members]


# --- intake: what a new request is checked against ----------------------------------------------------------


def open_case_for_child(
    *, council_id: int, legal_first_name: str, legal_last_name: str, date_of_birth: date, upn: str = ""
) -> Case | None:
    """The same child with an open case at this council: same name and date of birth, or the same UPN."""
    match = Child.objects.filter(council_id=council_id, date_of_birth=date_of_birth).filter(
        legal_first_name__iexact=legal_first_name.strip(),
        legal_last_name__iexact=legal_last_name.strip(),
    )
    if upn:
        match = match | Child.objects.filter(council_id=council_id, upn=upn)
    return Case.objects.filter(child__in=match, closed_on__isnull=True).select_related("child").first()


def assessment_decision_due_on(case: Case) -> date | None:
    """The day the family must hear whether the council will assess: the case's own deadline row (the one
    `statutory.assessment_decision_due` computed when the request arrived), so every page, letter and message
    shows the same date."""
    row = case.deadlines.filter(code=statutory.DeadlineCode.ASSESSMENT_DECISION).first()
    return row.due_on if row else None


def filed_document(*, case_id: int, name: str, include_withdrawn: bool = False) -> CaseDocument | None:
    """A document the service filed on a case under a name it chose (the copy of an online request)."""
    qs = CaseDocument.objects.filter(case_id=case_id, name=name)
    if not include_withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
    return qs.first()


def advice_deadline(*, case: Case, ref: str):
    """One request for advice's deadline row and who was asked (its clock's label), or None."""
    row = case.deadlines.filter(code=statutory.DeadlineCode.ADVICE, ref=ref).first()
    if row is None:
        return None
    row.asked = case.advice_clocks.filter(ref=ref).values_list("label", flat=True).first() or ""
    return row
