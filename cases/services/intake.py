"""Requests arriving (by letter, email, online or the API) and the child's record they create.

One use case, `intake_request(*, intake, by)`: whoever hands a request to the council (staff typing in a letter,
the online form, another system through the API) builds one complete `Intake` value, and this does the rest in
one transaction. The differences between the ways in are fields of that value, not separate services.
"""

import dataclasses
import logging
from datetime import date
from enum import StrEnum

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Role, User
from cases import notices, policy, selectors, statutory
from cases.models import (
    Case,
    CaseDocument,
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
    _save_with_history,
    _timeline,
    next_reference,
    search_name_for,
)
from cases.services.documents import file_document
from cases.services.lifecycle import recompute_deadlines
from core.errors import ServiceError

logger = logging.getLogger(__name__)


MAX_AGE_AT_REQUEST = statutory.MAX_AGE_AT_REQUEST

# The words a feature needs to build an intake, published here so it never reaches into the models.
Relationship = FamilyContact.Relationship
DocumentCategory = CaseDocument.Category


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


@dataclasses.dataclass(frozen=True)
class EvidenceFile:
    """A file sent with the request, already inspected (content sniffed, name cleaned) by whoever received it."""

    name: str
    content: bytes
    category: str
    content_type: str
    description: str = ""


class OnOpenCase(StrEnum):
    """What to do when the child already has an open case."""

    # Staff typing in a letter are told, and add it to that case themselves.
    REFUSE = "refuse"
    # A family (or another system) sending a request is never refused for it: the request joins the open case.
    ADD = "add"


@dataclasses.dataclass(frozen=True)
class Intake:
    """Everything one request brings, complete, so the council's side can take it in one step."""

    council: Organisation
    child: ChildDetails
    # The first is the main contact.
    contacts: tuple[ContactDetails, ...]
    received_on: date
    route: str
    requested_by: str
    primary_need: str = ""
    secondary_need: str = ""
    summary: str = ""
    child_views: str = ""
    family_views: str = ""
    coordinator: User | None = None
    # False: a coordinator who cannot take the case is refused (staff chose them). True: the case goes to the
    # coordinator with the lightest open caseload instead (a rule chose them, and nobody is there to ask).
    coordinator_fallback: bool = False
    # More council people for the team, as (user, team role): the council's allocation rule.
    also: tuple[tuple[User, str], ...] = ()
    # The family's own account (the sender's, or one their confirmed email belongs to): on the team and the
    # main contact's login.
    family_account: User | None = None
    professionals: tuple[ProfessionalDetails, ...] = ()
    # Every agency the family was asked about, as {"key", "name", "agreed"}, in the words they saw.
    share_consent: tuple[dict, ...] = ()
    evidence: tuple[EvidenceFile, ...] = ()
    on_open_case: OnOpenCase = OnOpenCase.REFUSE
    # Who sent it (an email address), for the note on an open case the request joins.
    sent_by: str = ""
    # False when the sender confirms the request to the family themselves (the online form's own message).
    tell_family: bool = True


@dataclasses.dataclass(frozen=True)
class IntakeResult:
    case: Case
    # True when the child already had an open case and the request was added to it.
    linked: bool
    professionals_added: tuple[InvolvedProfessional, ...]
    documents: tuple[CaseDocument, ...]
    # The day the family must hear whether the council will assess.
    decision_by: date | None


# One wording for each rule, whether it is broken in the page, the API or a service call.
RECEIVED_IN_FUTURE = _(
    "Date received must be today or in the past. Enter the date the council received the request"
)

BORN_AFTER_RECEIVED = _("Date of birth must be on or before the date the request was received")

TOO_OLD = _(
    "The child or young person must be under 25 on the date the request was received. Check the date of birth"
)

SAME_NEED = _("Secondary area of need must be different from the primary area of need")

MAY_NOT_LOG = _("Only council coordinators, business support and service managers can log a request.")


def child_age_problem(*, date_of_birth: date, received_on: date) -> str | None:
    """Why this date of birth cannot be right for a request received that day, or None (the rule is statutory's)."""
    problem = statutory.age_problem(date_of_birth, received_on)
    if problem == statutory.AgeProblem.NOT_YET_BORN:
        return str(BORN_AFTER_RECEIVED)
    if problem == statutory.AgeProblem.TOO_OLD:
        return str(TOO_OLD)
    return None


def validate_child_age(*, date_of_birth: date, received_on: date) -> None:
    problem = child_age_problem(date_of_birth=date_of_birth, received_on=received_on)
    if problem:
        raise ServiceError(problem, field="date_of_birth")


def _require_may_send(*, intake: Intake, by: User | None) -> None:
    # The online form is open to anyone: a family (or nobody signed in) sends it. Anyone else handing a request
    # in, staff typing in a letter or another system's account, must be allowed to log requests for this council.
    if intake.route == RequestRoute.ONLINE and (by is None or policy.council_of(by) is None):
        return
    policy.require(by, "log_request")
    if policy.council_of(by).pk != intake.council.pk:
        raise policy.NotAllowed("log_request")


def _coordinator_for(intake: Intake) -> User | None:
    chosen = intake.coordinator
    can_take = chosen is None or (
        chosen.role == Role.COORDINATOR and chosen.organisation_id == intake.council.pk and chosen.is_active
    )
    if not intake.coordinator_fallback:
        if not can_take:
            raise ServiceError("Choose a coordinator from this council", field="coordinator")
        return chosen
    if chosen is not None and can_take:
        return chosen
    return selectors.suggested_coordinator(council_id=intake.council.pk)


def _check(intake: Intake) -> None:
    if intake.received_on > selectors.today():
        raise ServiceError(str(RECEIVED_IN_FUTURE), field="received_on")
    validate_child_age(date_of_birth=intake.child.date_of_birth, received_on=intake.received_on)
    if intake.route not in RequestRoute.values:
        raise ServiceError("Choose how the request arrived", field="route")


def _how(route: str) -> str:
    return "online" if route == RequestRoute.ONLINE else f"by {RequestRoute(route).label.lower()}"


def _open_case(*, intake: Intake, coordinator: User | None, by: User | None) -> Case:
    """A new case: the child's record, the contacts, the team, the clock and the first messages."""
    received_on = intake.received_on
    child_row = Child(council=intake.council, **dataclasses.asdict(intake.child))
    child_row.search_name = search_name_for(child_row)
    child_row.full_clean(exclude=["council", "current_setting"])
    _save_with_history(child_row, by=by)
    for index, contact in enumerate(intake.contacts):
        main = index == 0
        row = FamilyContact(
            child=child_row,
            is_main_contact=main,
            user=intake.family_account if main else None,
            **dataclasses.asdict(contact),
        )
        _save_with_history(row, by=by)
    case = Case(
        reference=next_reference(year=received_on.year),
        child=child_row,
        council=intake.council,
        received_on=received_on,
        route=intake.route,
        requested_by=intake.requested_by,
        primary_need=intake.primary_need,
        secondary_need=intake.secondary_need,
        summary=intake.summary,
        child_views=intake.child_views,
        family_views=intake.family_views,
        coordinator=coordinator,
        created_by=by,
    )
    sent_online = intake.route == RequestRoute.ONLINE and policy.council_of(by) is None
    _save_with_history(case, by=by, reason="Request received online" if sent_online else "Request logged")
    if intake.family_account is not None:
        family_role = (
            TeamRole.YOUNG_PERSON if intake.requested_by == Requester.YOUNG_PERSON else TeamRole.FAMILY
        )
        _add_member(case=case, user=intake.family_account, role=family_role, by=by)
    if coordinator is not None:
        _add_member(case=case, user=coordinator, role=TeamRole.COORDINATOR, by=by)
    if intake.child.current_setting_id:
        _add_member(case=case, organisation_id=intake.child.current_setting_id, role=TeamRole.SCHOOL, by=by)
    event = _timeline(
        case=case,
        kind=TimelineEvent.Kind.CREATED,
        summary=f"Request received on {received_on:%-d %B %Y} by {RequestRoute(intake.route).label.lower()}",
        by=by,
    )
    for person, role in intake.also:
        if role not in TeamRole.values or not person.is_active:
            continue
        _add_member(case=case, user=person, role=role, by=by)
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.TEAM,
            summary=f"{person.full_name} joined the team as {TeamRole(role).label.lower()}",
            by=by,
        )
    recompute_deadlines(case=case, by=by)
    if intake.tell_family:
        notices.request_logged(case=case, event=event, by=by)
    if coordinator is not None:
        notices.coordinator_allocated(case=case, coordinator=coordinator, event=event, by=by)
    return case


def _note_repeat_request(*, case: Case, intake: Intake, by: User | None) -> None:
    """Another request for a child whose case is open: recorded on that case, staff told, no second clock."""
    received_on = intake.received_on
    event = _timeline(
        case=case,
        kind=TimelineEvent.Kind.NOTE,
        summary=f"Another request for this child arrived {_how(intake.route)} on {received_on:%-d %B %Y} "
        "and was added here",
        detail=f"From {intake.sent_by}. Check it for new information; no second clock was started.",
        by=by,
        family=False,
    )
    notices.repeat_request(case=case, event=event, received_on=received_on, by=by)


def _record_professionals(
    *, case: Case, professionals: tuple[ProfessionalDetails, ...], by: User | None
) -> list[InvolvedProfessional]:
    """The professionals the request names; on an open case, only those it does not have yet (name and service)."""
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
    return added


def _record_consent(*, case: Case, share_consent: tuple[dict, ...], by: User | None) -> None:
    # The latest request's answer replaces an earlier one: it is the family's latest word.
    if share_consent and list(share_consent) != list(case.share_consent or []):
        case.share_consent = list(share_consent)
        case.version += 1
        _save_with_history(case, by=by, reason="Consent to share recorded from the request")


def _file_evidence(*, case: Case, intake: Intake, by: User | None, stored: list[str]) -> list[CaseDocument]:
    documents = []
    for item in intake.evidence:
        document = file_document(
            case=case,
            name=item.name,
            content=ContentFile(item.content, name=item.name),
            category=item.category,
            content_type=item.content_type,
            description=item.description,
            by=by,
        )
        stored.append(document.file.name)
        documents.append(document)
    if documents:
        sent_with = "the online request" if intake.route == RequestRoute.ONLINE else "the request"
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.NOTE,
            summary=f"{len(documents)} document(s) sent with {sent_with}",
            by=by,
        )
    return documents


def delete_stored_files(names: list[str]) -> None:
    """Files stored by a transaction that then rolled back: the rollback removes their rows, not the files."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            # The error that undid the request is the one to report; a file left over is logged for support.
            logger.exception("Could not delete %s after a request was rolled back", name)


def intake_request(*, intake: Intake, by: User | None) -> IntakeResult:
    """Take in a request for an EHC needs assessment: the statutory clock starts on the day it was received.

    A child with an open case at this council (same name and date of birth, or the same UPN) gets no second case:
    the request is refused (`DuplicateOpenCase`) or added to that case, as `intake.on_open_case` says. Added, it
    brings only the professionals the case does not have yet, its consent answer, and its evidence.

    Evidence files are stored as they are filed; if anything fails they are deleted again after the rollback. A
    caller that wraps this in a larger transaction deletes `result.documents`' files itself if that one fails.
    """
    _require_may_send(intake=intake, by=by)
    _check(intake)
    coordinator = _coordinator_for(intake)
    stored: list[str] = []
    try:
        with transaction.atomic():
            # Requests for one council are taken in one at a time, so two arriving together for the same child
            # (two tabs, a retry, letter and email) cannot both pass the duplicate check.
            Organisation.objects.select_for_update().filter(pk=intake.council.pk).first()
            child = intake.child
            existing = selectors.open_case_for_child(
                council_id=intake.council.pk,
                legal_first_name=child.legal_first_name,
                legal_last_name=child.legal_last_name,
                date_of_birth=child.date_of_birth,
                upn=child.upn,
            )
            if existing is not None and intake.on_open_case == OnOpenCase.REFUSE:
                raise DuplicateOpenCase(
                    f"{existing.child.full_name} (born {existing.child.date_of_birth:%-d %B %Y}) already has an "
                    f"open case, {existing.reference}. Add this request to that case instead of starting a "
                    "second one",
                    case=existing,
                )
            if existing is not None:
                # Locked: the repeat request changes the case (its consent) while staff may be working on it.
                case = _lock(existing, expected_version=None)
                _note_repeat_request(case=case, intake=intake, by=by)
            else:
                case = _open_case(intake=intake, coordinator=coordinator, by=by)
            added = _record_professionals(case=case, professionals=intake.professionals, by=by)
            _record_consent(case=case, share_consent=intake.share_consent, by=by)
            documents = _file_evidence(case=case, intake=intake, by=by, stored=stored)
            decision_by = selectors.assessment_decision_due_on(case)
    except BaseException:
        delete_stored_files(stored)
        raise
    return IntakeResult(
        case=case,
        linked=existing is not None,
        professionals_added=tuple(added),
        documents=tuple(documents),
        decision_by=decision_by,
    )


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
    """Staff logging a request that arrived by letter, email or another system: `intake_request` with a refusal
    for a child who already has an open case, and the family told the request was received."""
    return intake_request(
        intake=Intake(
            council=council,
            child=child,
            contacts=tuple(contacts),
            received_on=received_on,
            route=route,
            requested_by=requested_by,
            primary_need=primary_need,
            secondary_need=secondary_need,
            summary=summary,
            coordinator=coordinator,
        ),
        by=by,
    ).case


def update_child_details(
    *, case: Case, details: ChildDetails, by: User, expected_version: int | None = None
) -> Child:
    """Correct the child's record. History keeps every earlier value; a new setting joins the team."""
    policy.require(by, "edit_child", case)
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
