"""Requests arriving (by letter, email, online or the API) and the child's record they create."""

import dataclasses
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Role, User
from cases import notices, selectors, statutory
from cases.models import (
    Case,
    CaseTeamMember,
    Child,
    FamilyContact,
    InvolvedProfessional,
    Requester,
    RequestRoute,
    TeamRole,
    TimelineEvent,
)
from cases.services._common import (
    _add_member,
    _lock,
    _require_council_staff,
    _save_with_history,
    _timeline,
    next_reference,
    search_name_for,
)
from cases.services.lifecycle import recompute_deadlines
from core.errors import ServiceError

# Who may log a request that arrived by letter, email or another system.
LOGGERS = frozenset({Role.COORDINATOR, Role.BUSINESS_SUPPORT, Role.SERVICE_MANAGER})

MAX_AGE_AT_REQUEST = 25


class DuplicateOpenCase(ServiceError):
    def __init__(self, message: str, *, case: Case):
        super().__init__(message, field=None)
        self.case = case


@dataclasses.dataclass(frozen=True)
class ChildDetails:
    legal_first_name: str
    legal_last_name: str
    date_of_birth: date
    preferred_name: str = ""
    gender: str = ""
    ethnicity: str = ""
    home_languages: str = ""
    interpreter_needed: bool = False
    address: str = ""
    postcode: str = ""
    upn: str = ""
    uln: str = ""
    nhs_number: str = ""
    current_setting_id: int | None = None
    setting_name: str = ""


@dataclasses.dataclass(frozen=True)
class ContactDetails:
    name: str
    relationship: str
    parental_responsibility: bool = True
    email: str = ""
    phone: str = ""
    address: str = ""
    preferred_channel: str = "email"
    language: str = "en"


@dataclasses.dataclass(frozen=True)
class ProfessionalDetails:
    name: str
    role: str
    service: str
    email: str = ""
    phone: str = ""


# One wording for each rule, whether it is broken in the page, the API or a service call.
RECEIVED_IN_FUTURE = _(
    "Date received must be today or in the past. Enter the date the council received the request"
)

BORN_AFTER_RECEIVED = _("Date of birth must be on or before the date the request was received")

TOO_OLD = _(
    "The child or young person must be under 25 on the date the request was received. Check the date of birth"
)

SAME_NEED = _("Secondary area of need must be different from the primary area of need")


def child_age_problem(*, date_of_birth: date, received_on: date) -> str | None:
    """Why this date of birth cannot be right for a request received that day, or None."""
    if date_of_birth > received_on:
        return str(BORN_AFTER_RECEIVED)
    if statutory.age_on(date_of_birth, received_on) >= MAX_AGE_AT_REQUEST:
        return str(TOO_OLD)
    return None


def validate_child_age(*, date_of_birth: date, received_on: date) -> None:
    problem = child_age_problem(date_of_birth=date_of_birth, received_on=received_on)
    if problem:
        raise ServiceError(problem, field="date_of_birth")


def find_open_case_for(*, council_id: int, details: ChildDetails) -> Case | None:
    """The same child with an open case: same name and date of birth, or the same UPN."""
    match = Child.objects.filter(council_id=council_id, date_of_birth=details.date_of_birth).filter(
        legal_first_name__iexact=details.legal_first_name.strip(),
        legal_last_name__iexact=details.legal_last_name.strip(),
    )
    if details.upn:
        match = match | Child.objects.filter(council_id=council_id, upn=details.upn)
    return Case.objects.filter(child__in=match, closed_on__isnull=True).select_related("child").first()


def log_request(
    *,
    council: Organisation,
    child: ChildDetails,
    contacts: list[ContactDetails],
    received_on: date,
    route: str,
    requested_by: str,
    by: User,
    primary_need: str = "",
    secondary_need: str = "",
    summary: str = "",
    coordinator: User | None = None,
) -> Case:
    """Log a request for an EHC needs assessment; the statutory clock starts on the day it was received."""
    _require_council_staff(by, council.pk, roles=LOGGERS)
    today = selectors.today()
    if received_on > today:
        raise ServiceError(str(RECEIVED_IN_FUTURE), field="received_on")
    validate_child_age(date_of_birth=child.date_of_birth, received_on=received_on)
    if route not in RequestRoute.values:
        raise ServiceError("Choose how the request arrived", field="route")
    if coordinator is not None and (
        coordinator.role != Role.COORDINATOR or coordinator.organisation_id != council.pk
    ):
        raise ServiceError("Choose a coordinator from this council", field="coordinator")

    with transaction.atomic():
        # Requests for one council are logged one at a time, so two arriving together for the same child
        # (two tabs, a retry, letter and email) cannot both pass the duplicate check.
        Organisation.objects.select_for_update().filter(pk=council.pk).first()
        existing = find_open_case_for(council_id=council.pk, details=child)
        if existing is not None:
            raise DuplicateOpenCase(
                f"{existing.child.full_name} (born {existing.child.date_of_birth:%-d %B %Y}) already has an open "
                f"case, {existing.reference}. Add this request to that case instead of starting a second one",
                case=existing,
            )
        child_row = Child(council=council, **dataclasses.asdict(child))
        child_row.search_name = search_name_for(child_row)
        child_row.full_clean(exclude=["council", "current_setting"])
        _save_with_history(child_row, by=by)
        for index, contact in enumerate(contacts):
            row = FamilyContact(child=child_row, is_main_contact=index == 0, **dataclasses.asdict(contact))
            _save_with_history(row, by=by)
        case = Case(
            reference=next_reference(year=received_on.year),
            child=child_row,
            council=council,
            received_on=received_on,
            route=route,
            requested_by=requested_by,
            primary_need=primary_need,
            secondary_need=secondary_need,
            summary=summary,
            coordinator=coordinator,
            created_by=by,
        )
        _save_with_history(case, by=by, reason="Request logged")
        if coordinator is not None:
            _add_member(case=case, user=coordinator, role=TeamRole.COORDINATOR, by=by)
        if child.current_setting_id:
            _add_member(case=case, organisation_id=child.current_setting_id, role=TeamRole.SCHOOL, by=by)
        event = _timeline(
            case=case,
            kind=TimelineEvent.Kind.CREATED,
            summary=f"Request received on {received_on:%-d %B %Y} by {RequestRoute(route).label.lower()}",
            by=by,
        )
        recompute_deadlines(case=case, by=by)
        notices.request_logged(case=case, event=event, by=by)
        if coordinator is not None:
            notices.coordinator_allocated(case=case, coordinator=coordinator, event=event, by=by)
    return case


def receive_online_request(
    *,
    council: Organisation,
    child: ChildDetails,
    contact: ContactDetails,
    account: User | None,
    received_on: date,
    requested_by: str,
    primary_need: str = "",
    secondary_need: str = "",
    summary: str = "",
    coordinator: User | None = None,
    also: list[tuple[User, str]] | tuple = (),
) -> Case:
    """A request a family sent through the online form: nobody at the council logged it, so `by` may be nobody.

    The caller has already checked the request is complete and that the child has no open case (under the same
    per-council lock as log_request). The coordinator is the one given (the council's allocation rule), else
    the one with the lightest open caseload; `also` adds more council people to the team, as (user, team role).
    """
    problem = child_age_problem(date_of_birth=child.date_of_birth, received_on=received_on)
    if problem:
        raise ServiceError(problem, field="date_of_birth")
    if coordinator is not None and (
        coordinator.role != Role.COORDINATOR
        or coordinator.organisation_id != council.pk
        or not coordinator.is_active
    ):
        coordinator = None
    if coordinator is None:
        coordinator = selectors.suggested_coordinator(council_id=council.pk)
    child_row = Child(council=council, **dataclasses.asdict(child))
    child_row.search_name = search_name_for(child_row)
    child_row.full_clean(exclude=["council", "current_setting"])
    _save_with_history(child_row, by=account)
    _save_with_history(
        FamilyContact(child=child_row, is_main_contact=True, user=account, **dataclasses.asdict(contact)),
        by=account,
    )
    case = Case(
        reference=next_reference(year=received_on.year),
        child=child_row,
        council=council,
        received_on=received_on,
        route=RequestRoute.ONLINE,
        requested_by=requested_by,
        primary_need=primary_need,
        secondary_need=secondary_need,
        summary=summary,
        coordinator=coordinator,
        created_by=account,
    )
    _save_with_history(case, by=account, reason="Request received online")
    if account is not None:
        family_role = TeamRole.YOUNG_PERSON if requested_by == Requester.YOUNG_PERSON else TeamRole.FAMILY
        _add_member(case=case, user=account, role=family_role, by=account)
    if coordinator is not None:
        _add_member(case=case, user=coordinator, role=TeamRole.COORDINATOR, by=account)
    if child.current_setting_id:
        _add_member(case=case, organisation_id=child.current_setting_id, role=TeamRole.SCHOOL, by=account)
    event = _timeline(
        case=case,
        kind=TimelineEvent.Kind.CREATED,
        summary=f"Request received on {received_on:%-d %B %Y} by online request form",
        by=account,
    )
    for person, role in also:
        if role not in TeamRole.values or not person.is_active:
            continue
        _add_member(case=case, user=person, role=role, by=account)
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.TEAM,
            summary=f"{person.full_name} joined the team as {TeamRole(role).label.lower()}",
            by=account,
        )
    recompute_deadlines(case=case, by=account, today=received_on)
    if coordinator is not None:
        notices.coordinator_allocated(case=case, coordinator=coordinator, event=event, by=account)
    return case


def note_repeat_request(*, case: Case, received_on: date, from_email: str, by: User | None) -> TimelineEvent:
    """Another request for a child whose case is open: recorded on that case, staff told, no second clock."""
    event = _timeline(
        case=case,
        kind=TimelineEvent.Kind.NOTE,
        summary=f"Another request for this child arrived online on {received_on:%-d %B %Y} and was added here",
        detail=f"From {from_email}. Check it for new information; no second clock was started.",
        by=by,
        family=False,
    )
    notices.repeat_request(case=case, event=event, received_on=received_on, by=by)
    return event


def record_request_details(
    *,
    case: Case,
    professionals: list[ProfessionalDetails],
    share_consent: list[dict],
    by: User | None,
) -> list[InvolvedProfessional]:
    """What a request adds to its case: the professionals it names and who the family agreed we may share it with.

    A repeat request for an open case adds only the professionals the case does not already have (same name and
    service), and its consent replaces the earlier answer: it is the family's latest word. `share_consent` is every
    agency the family was asked about, as `{"key", "name", "agreed"}`, in the words they saw.
    """
    known = {
        (p.name.strip().lower(), p.service.strip().lower())
        for p in InvolvedProfessional.objects.filter(case=case, withdrawn_at__isnull=True)
    }
    added = []
    for person in professionals:
        key = (person.name.strip().lower(), person.service.strip().lower())
        if key in known:
            continue
        known.add(key)
        row = InvolvedProfessional(
            case=case, source=InvolvedProfessional.Source.REQUEST, added_by=by, **dataclasses.asdict(person)
        )
        _save_with_history(row, by=by, reason="Named in the request")
        added.append(row)
    if added:
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.NOTE,
            summary=f"{len(added)} professional(s) already involved named in the request",
            detail="; ".join(f"{p.name}, {p.role} ({p.service})" for p in added),
            by=by,
            family=False,
        )
    if share_consent and list(share_consent) != list(case.share_consent or []):
        case.share_consent = list(share_consent)
        case.version += 1
        _save_with_history(case, by=by, reason="Consent to share recorded from the request")
    return added


def update_child_details(
    *, case: Case, details: ChildDetails, by: User, expected_version: int | None = None
) -> Child:
    """Correct the child's record. History keeps every earlier value; a new setting joins the team."""
    _require_council_staff(
        by, case.council_id, roles={Role.COORDINATOR, Role.SERVICE_MANAGER, Role.BUSINESS_SUPPORT}
    )
    validate_child_age(date_of_birth=details.date_of_birth, received_on=case.received_on)
    today = selectors.today()
    with transaction.atomic():
        case = _lock(case, expected_version=expected_version)
        child = case.child
        changed = [
            Child._meta.get_field(name).verbose_name
            for name, value in dataclasses.asdict(details).items()
            if getattr(child, name) != value
        ]
        if not changed:
            return child
        old_setting_id = child.current_setting_id
        for name, value in dataclasses.asdict(details).items():
            setattr(child, name, value)
        child.search_name = search_name_for(child)
        _save_with_history(child, by=by, reason="Details corrected")
        if old_setting_id != details.current_setting_id:
            for member in CaseTeamMember.objects.filter(
                case=case, role=TeamRole.SCHOOL, organisation_id=old_setting_id, ends_on__isnull=True
            ):
                member.ends_on = today
                _save_with_history(member, by=by)
            if details.current_setting_id:
                _add_member(
                    case=case, organisation_id=details.current_setting_id, role=TeamRole.SCHOOL, by=by
                )
        case.version += 1
        _save_with_history(case, by=by, reason="Child's details corrected")
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.DETAILS,
            summary="Child's details corrected: " + ", ".join(str(c) for c in changed),
            by=by,
            family=False,
        )
        # The date of birth drives the phase transfer deadline.
        recompute_deadlines(case=case, by=by, today=today)
    return child
