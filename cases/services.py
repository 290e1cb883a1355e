"""Every write to cases: one function per use case, keyword-only, one transaction, permission check first."""

import dataclasses
from datetime import date

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import COUNCIL_ROLES, Discipline, Organisation, OrganisationKind, Role, User
from cases import letters, notices, selectors, statutory, tasks, workflow
from cases.documents import DocumentRejected, inspect_upload
from cases.models import (
    AccessLog,
    Case,
    CaseDocument,
    CaseReferenceCounter,
    CaseTeamMember,
    Child,
    Deadline,
    DeadlineException,
    FamilyContact,
    InvolvedProfessional,
    Requester,
    RequestRoute,
    TeamRole,
    TimelineEvent,
)

# Who may log a request that arrived by letter, email or another system.
LOGGERS = frozenset({Role.COORDINATOR, Role.BUSINESS_SUPPORT, Role.SERVICE_MANAGER})
MAX_AGE_AT_REQUEST = 25


class ServiceError(Exception):
    """A refusal with a message fit to show the user, and the form field it is about (if any)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class DuplicateOpenCase(ServiceError):
    def __init__(self, message: str, *, case: Case):
        super().__init__(message, field=None)
        self.case = case


class StaleVersion(ServiceError):
    pass


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


def _require_council_staff(user: User, council_id: int, roles=COUNCIL_ROLES) -> None:
    if user.role not in roles or user.organisation_id != council_id:
        raise ServiceError("You do not have permission to do that.")


def _timeline(*, case: Case, kind: str, summary: str, by: User | None, detail: str = "", family: bool = True):
    return TimelineEvent.objects.create(
        case=case, kind=kind, summary=summary[:300], detail=detail, actor=by, visible_to_family=family
    )


def _save_with_history(instance, *, by: User | None, reason: str = "", update_fields=None) -> None:
    """Save an audited row recording who changed it, also outside a request (tasks, commands)."""
    instance._history_user = by
    if reason:
        # simple-history reads this when it writes the history row, so no second query is needed.
        instance._change_reason = reason
    instance.save(update_fields=update_fields)


def next_reference(*, year: int) -> str:
    """EHC-2026-00042: per-year sequence, locked so two requests never share a number."""
    counter, _ = CaseReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db(fields=["last_number"])
    return f"EHC-{year}-{counter.last_number:05d}"


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


def add_involved_professional(*, case: Case, details: ProfessionalDetails, by: User) -> InvolvedProfessional:
    """Staff record someone already working with the child, learnt of after the request."""
    _require_council_staff(by, case.council_id, roles=LOGGERS)
    with transaction.atomic():
        row = InvolvedProfessional(
            case=case, source=InvolvedProfessional.Source.STAFF, added_by=by, **dataclasses.asdict(details)
        )
        _save_with_history(row, by=by, reason="Added by the council")
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.NOTE,
            summary=f"{row.name} ({row.role}, {row.service}) recorded as already involved",
            by=by,
            family=False,
        )
    return row


def withdraw_involved_professional(*, professional: InvolvedProfessional, by: User) -> InvolvedProfessional:
    """No longer involved: kept, with who said so and when, but off the case page."""
    _require_council_staff(by, professional.case.council_id, roles=LOGGERS)
    if professional.withdrawn_at is not None:
        return professional
    with transaction.atomic():
        professional.withdrawn_at = timezone.now()
        _save_with_history(professional, by=by, reason="No longer involved")
        _timeline(
            case=professional.case,
            kind=TimelineEvent.Kind.NOTE,
            summary=f"{professional.name} ({professional.service}) is no longer involved",
            by=by,
            family=False,
        )
    return professional


def file_document(
    *,
    case: Case,
    name: str,
    content,
    category: str,
    content_type: str,
    by: User | None,
    description: str = "",
    visible_to_family: bool = True,
    timeline_summary: str = "",
) -> CaseDocument:
    """File a document the service produced or a family sent (already checked), with its timeline entry."""
    document = CaseDocument(
        case=case,
        name=name,
        category=category,
        description=description[:300],
        content_type=content_type,
        size=content.size,
        uploaded_by=by,
        visible_to_family=visible_to_family,
    )
    document.file.save(name, content, save=False)
    _save_with_history(document, by=by)
    if timeline_summary:
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.DOCUMENT,
            summary=timeline_summary,
            by=by,
            family=visible_to_family,
        )
    return document


def add_case_note(
    *, case: Case, summary: str, by: User | None, detail: str = "", family: bool = True
) -> TimelineEvent:
    return _timeline(
        case=case, kind=TimelineEvent.Kind.NOTE, summary=summary, detail=detail, by=by, family=family
    )


def search_name_for(child: Child) -> str:
    parts = [child.legal_first_name, child.legal_last_name]
    if child.preferred_name:
        parts.append(child.preferred_name)
    return " ".join(" ".join(parts).lower().split())


def _add_member(*, case: Case, role: str, by: User | None, user: User | None = None, organisation_id=None):
    member = CaseTeamMember(case=case, user=user, organisation_id=organisation_id, role=role, added_by=by)
    _save_with_history(member, by=by)
    return member


def recompute_deadlines(*, case: Case, by: User | None, today: date | None = None) -> list[Deadline]:
    """Bring the case's deadline rows in line with its dates: create, move, meet, cancel; never delete."""
    today = today or selectors.today()
    computed = statutory.compute_deadlines(case.statutory_dates())
    exceptions = [e.as_recorded() for e in case.exceptions.filter(withdrawn_at__isnull=True)]
    existing = {(d.code, d.ref): d for d in case.deadlines.all()}
    seen = set()
    for spec in computed:
        key = (spec.code.value, spec.ref)
        seen.add(key)
        status = statutory.deadline_status(spec, today=today, exceptions=exceptions).value
        met_on = spec.met_on
        if (
            spec.kind == statutory.DeadlineKind.WINDOW
            and met_on is None
            and status == statutory.DeadlineStatus.MET
        ):
            met_on = spec.due_on
        values = {
            "kind": spec.kind.value,
            "starts_on": spec.starts_on,
            "due_on": spec.due_on,
            "met_on": met_on,
            "status": status,
        }
        row = existing.get(key)
        if row is None:
            row = Deadline(case=case, code=key[0], ref=key[1], **values)
            _save_with_history(row, by=by)
            existing[key] = row
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            _save_with_history(row, by=by)
    # A deadline that no longer arises is never deleted. One already met keeps its record; a review cycle that has
    # been held is met by its meeting; anything else the law no longer asks for is cancelled.
    for key, row in existing.items():
        if key in seen or row.met_on is not None or row.status == statutory.DeadlineStatus.CANCELLED:
            continue
        held = case.last_review_meeting_on
        if row.code == statutory.DeadlineCode.ANNUAL_REVIEW and held and held >= row.starts_on:
            row.met_on = held
            row.status = (
                statutory.DeadlineStatus.MET if held <= row.due_on else statutory.DeadlineStatus.MISSED
            ).value
        else:
            row.status = statutory.DeadlineStatus.CANCELLED
        _save_with_history(row, by=by)
    _update_next_due(case=case, rows=existing.values(), by=by)
    return sorted(existing.values(), key=lambda d: (d.due_on, d.code))


def _update_next_due(*, case: Case, rows, by: User | None) -> None:
    # Excused deadlines still have to be met: an exception explains the delay, it does not end the duty.
    pending = [d for d in rows if d.met_on is None and d.status != statutory.DeadlineStatus.CANCELLED]
    nearest = min(pending, key=lambda d: (d.due_on, d.code), default=None)
    due = nearest.due_on if nearest else None
    code = nearest.code if nearest else ""
    if (case.next_due_on, case.next_deadline_code) != (due, code):
        case.next_due_on, case.next_deadline_code = due, code
        Case.objects.filter(pk=case.pk).update(next_due_on=due, next_deadline_code=code)


def refresh_deadline_statuses(*, today: date | None = None) -> int:
    """Mark open deadlines whose day has passed; run by beat. Returns how many cases changed.

    Only cases with a deadline that just went past due (or a window that just closed) are recomputed, so the
    sweep reads a handful of rows a day, not every case.
    """
    today = today or selectors.today()
    case_ids = list(
        Deadline.objects.filter(status=statutory.DeadlineStatus.OPEN, due_on__lt=today)
        .values_list("case_id", flat=True)
        .distinct()
    )
    for case in Case.objects.filter(pk__in=case_ids).select_related("child"):
        recompute_deadlines(case=case, by=None, today=today)
    return len(case_ids)


def _lock(case: Case, *, expected_version: int | None) -> Case:
    locked = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            "Someone else changed this case while you were working on it. Check the case page and try again"
        )
    return locked


def case_transition(
    *,
    case: Case,
    name: str,
    by: User,
    on: date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case through an allowed step, stamping its date, recording who and why, recomputing deadlines."""
    if not selectors.cases_for(user=by).filter(pk=case.pk).exists():
        raise ServiceError("You do not have permission to change this case.")
    today = selectors.today()
    on = on or today
    with transaction.atomic():
        case = _lock(case, expected_version=expected_version)
        try:
            transition = workflow.check(
                name, facts=selectors.case_facts(case), role=by.role, on=on, today=today, reason=reason
            )
        except workflow.TransitionRefused as refused:
            raise ServiceError(str(refused), field=refused.field) from None
        before = case.stage
        if transition.sets_date:
            setattr(case, transition.sets_date, on)
        for flag, value in transition.sets_flags:
            setattr(case, flag, value)
        if transition.target is not None:
            case.stage = transition.target.value
            if transition.target in workflow.CLOSED_STAGES:
                case.closed_on = on
                case.closure_reason = reason
        if transition.name == "start_annual_review":
            # A new cycle: the last cycle's steps stay on its deadline rows, not on the case.
            case.review_notice_sent_on = case.review_advice_circulated_on = None
            case.review_report_on = case.review_decided_on = None
        if transition.name == "complete_annual_review":
            case.last_review_meeting_on = case.next_review_meeting_on or on
        case.version += 1
        _save_with_history(case, by=by, reason=transition.label)
        summary = transition.label
        if transition.target is not None and transition.target.value != before:
            summary = (
                f"{transition.label}: {workflow.STAGE_LABELS[workflow.Stage(before)]} → "
                + (workflow.STAGE_LABELS[transition.target])
            )
        event = _timeline(
            case=case,
            kind=TimelineEvent.Kind.TRANSITION,
            summary=f"{summary} ({on:%-d %B %Y})",
            detail=reason,
            by=by,
        )
        recompute_deadlines(case=case, by=by, today=today)
        notices.transition_happened(case=case, transition=transition, event=event, reason=reason, by=by)
        if workflow.Stage(case.stage) in letters.DECISION_LETTERS:
            case_id, event_id = case.pk, event.pk
            transaction.on_commit(lambda: tasks.file_decision_letter.delay(case_id, event_id))
    return case


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


def allocate_coordinator(
    *, case: Case, coordinator: User, by: User, expected_version: int | None = None
) -> Case:
    _require_council_staff(
        by, case.council_id, roles={Role.BUSINESS_SUPPORT, Role.SERVICE_MANAGER, Role.COORDINATOR}
    )
    if (
        coordinator.role != Role.COORDINATOR
        or coordinator.organisation_id != case.council_id
        or not coordinator.is_active
    ):
        raise ServiceError("Choose an active coordinator from this council", field="coordinator")
    today = selectors.today()
    with transaction.atomic():
        case = _lock(case, expected_version=expected_version)
        if case.coordinator_id == coordinator.pk:
            return case
        previous = case.coordinator
        case.coordinator = coordinator
        case.version += 1
        _save_with_history(case, by=by, reason="Coordinator allocated")
        for member in CaseTeamMember.objects.filter(
            case=case, role=TeamRole.COORDINATOR, ends_on__isnull=True
        ).exclude(user=coordinator):
            member.ends_on = today
            _save_with_history(member, by=by)
        _add_member(case=case, user=coordinator, role=TeamRole.COORDINATOR, by=by)
        summary = f"{coordinator.full_name} is now the coordinator"
        if previous:
            summary += f" (was {previous.full_name})"
        event = _timeline(case=case, kind=TimelineEvent.Kind.ALLOCATED, summary=summary, by=by)
        notices.coordinator_allocated(case=case, coordinator=coordinator, event=event, by=by)
    return case


def record_exception(
    *,
    case: Case,
    kind: str,
    starts_on: date,
    ends_on: date,
    reason: str,
    by: User,
    codes: list[str] | None = None,
    ref: str = "",
) -> DeadlineException:
    _require_council_staff(by, case.council_id, roles={Role.COORDINATOR, Role.SERVICE_MANAGER})
    if not reason.strip():
        raise ServiceError("Enter why the exception applies", field="reason")
    recorded = statutory.RecordedException(
        kind=statutory.ExceptionKind(kind),
        starts_on=starts_on,
        ends_on=ends_on,
        codes=frozenset(codes) if codes else None,
        ref=ref,
    )
    try:
        statutory.validate_exception(recorded)
    except statutory.StatutoryError as error:
        raise ServiceError(str(error), field="ends_on" if ends_on < starts_on else "kind") from None
    with transaction.atomic():
        case = _lock(case, expected_version=None)
        exception = DeadlineException(
            case=case,
            kind=kind,
            codes=list(codes or []),
            ref=ref,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            recorded_by=by,
        )
        _save_with_history(exception, by=by)
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.EXCEPTION,
            summary=f"Exception recorded: {exception.get_kind_display()} ({starts_on:%-d %b %Y} to {ends_on:%-d %b %Y})",
            detail=reason,
            by=by,
            family=False,
        )
        recompute_deadlines(case=case, by=by)
    return exception


def add_document(
    *, case: Case, upload, category: str, by: User, description: str = "", visible_to_family: bool = True
) -> CaseDocument:
    if not selectors.cases_for(user=by).filter(pk=case.pk).exists():
        raise ServiceError("You do not have permission to add documents to this case.")
    try:
        inspected = inspect_upload(upload)
    except DocumentRejected as rejected:
        raise ServiceError(str(rejected), field="file") from None
    if category not in CaseDocument.Category.values:
        raise ServiceError("Choose the type of document", field="category")
    with transaction.atomic():
        document = CaseDocument(
            case=case,
            name=inspected.clean_name,
            category=category,
            description=description,
            content_type=inspected.content_type,
            size=inspected.size,
            uploaded_by=by,
            visible_to_family=visible_to_family,
        )
        document.file.save(inspected.clean_name, upload, save=False)
        _save_with_history(document, by=by)
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.DOCUMENT,
            summary=f"Document added: {document.name} ({document.get_category_display()})",
            by=by,
            family=visible_to_family,
        )
    return document


def withdraw_document(*, document: CaseDocument, reason: str, by: User) -> CaseDocument:
    """Hide a document uploaded by mistake; the file and its history stay for audit."""
    _require_council_staff(by, document.case.council_id)
    if not reason.strip():
        raise ServiceError("Enter why the document is being withdrawn", field="reason")
    with transaction.atomic():
        document.withdrawn_at = timezone.now()
        document.withdrawn_reason = reason
        _save_with_history(document, by=by, reason=reason)
        _timeline(
            case=document.case,
            kind=TimelineEvent.Kind.DOCUMENT_WITHDRAWN,
            summary=f"Document withdrawn: {document.name}",
            detail=reason,
            by=by,
            family=False,
        )
    return document


def add_team_member(
    *, case: Case, role: str, by: User, user: User | None = None, organisation: Organisation | None = None
) -> CaseTeamMember:
    _require_council_staff(by, case.council_id)
    if user is None and organisation is None:
        raise ServiceError("Choose a person or an organisation", field="user")
    if role not in TeamRole.values:
        raise ServiceError("Choose their role on the case", field="role")
    with transaction.atomic():
        member = _add_member(
            case=case, user=user, organisation_id=organisation.pk if organisation else None, role=role, by=by
        )
        who = user.full_name if user else organisation.name
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.TEAM,
            summary=f"{who} joined the team as {TeamRole(role).label.lower()}",
            by=by,
        )
    return member


# Who an invitation to a case makes the new person, on the case team.
TEAM_ROLE_FOR_INVITED = {
    Role.PARENT: TeamRole.FAMILY,
    Role.YOUNG_PERSON: TeamRole.YOUNG_PERSON,
    Role.SUPPORTER: TeamRole.SUPPORTER,
    Role.SENCO: TeamRole.SCHOOL,
}


def invite_to_case(
    *, case: Case, email: str, full_name: str, role: str, by: User, organisation: Organisation | None = None
):
    """Bring a family member, young person, SENCo or supporter onto the case team.

    Someone who already has an account joins straight away; anyone else gets an invitation link and joins the
    team when they accept it (see `join_case_from_invitation`).
    """
    from accounts import services as account_services

    _require_council_staff(
        by, case.council_id, roles={Role.COORDINATOR, Role.BUSINESS_SUPPORT, Role.SERVICE_MANAGER}
    )
    if role not in TEAM_ROLE_FOR_INVITED:
        raise ServiceError("Choose who you are inviting", field="role")
    existing = User.objects.filter(email__iexact=email.strip()).first()
    if existing is not None:
        if existing.role in COUNCIL_ROLES:
            raise ServiceError(
                "That email address belongs to council staff. Add them to the team instead", field="email"
            )
        return add_team_member(
            case=case, role=TEAM_ROLE_FOR_INVITED.get(existing.role, TeamRole.FAMILY), by=by, user=existing
        )
    try:
        with transaction.atomic():
            invitation = account_services.create_invitation(
                email=email,
                full_name=full_name,
                role=role,
                by=by,
                organisation=organisation,
                purpose={"kind": "join_case", "case_id": case.pk, "team_role": TEAM_ROLE_FOR_INVITED[role]},
            )
            _timeline(
                case=case,
                kind=TimelineEvent.Kind.TEAM,
                summary=f"{full_name or email} was invited to join the team as {TeamRole(TEAM_ROLE_FOR_INVITED[role]).label.lower()}",
                by=by,
                family=False,
            )
    except account_services.ServiceError as error:
        raise ServiceError(error.message, field=error.field) from None
    return invitation


def join_case_from_invitation(invitation, user: User) -> None:
    """Runs inside the transaction that accepts the invitation, so the account and the membership go together."""
    purpose = invitation.purpose
    case = Case.objects.filter(pk=purpose.get("case_id")).first()
    if case is None or not case.is_open:
        return
    _add_member(
        case=case, user=user, role=purpose.get("team_role", TeamRole.FAMILY), by=invitation.invited_by
    )
    _timeline(
        case=case,
        kind=TimelineEvent.Kind.TEAM,
        summary=f"{user.full_name} accepted the invitation and joined the team",
        by=user,
    )


def end_team_membership(*, member: CaseTeamMember, by: User) -> CaseTeamMember:
    _require_council_staff(by, member.case.council_id)
    with transaction.atomic():
        member.ends_on = selectors.today()
        _save_with_history(member, by=by)
        who = member.user.full_name if member.user else member.organisation.name
        _timeline(case=member.case, kind=TimelineEvent.Kind.TEAM, summary=f"{who} left the team", by=by)
    return member


def log_access(*, user: User, case: Case, action: str, path: str = "") -> None:
    AccessLog.objects.create(user=user, case=case, child_id=case.child_id, action=action, path=path[:300])


def council_of(user: User) -> Organisation | None:
    if user.organisation and user.organisation.kind == OrganisationKind.COUNCIL:
        return user.organisation
    return None


def lightest_educational_psychologist(*, council_id: int) -> User | None:
    """The council's educational psychologist on the fewest open cases (staff of the council or of its area)."""
    return (
        User.objects.filter(
            Q(organisation_id=council_id) | Q(organisation__council_id=council_id),
            role=Role.SPECIALIST,
            discipline=Discipline.EDUCATIONAL_PSYCHOLOGY,
            is_active=True,
        )
        .annotate(
            open_cases=Count(
                "case_memberships",
                filter=Q(
                    case_memberships__role=TeamRole.SPECIALIST,
                    case_memberships__ends_on__isnull=True,
                    case_memberships__case__closed_on__isnull=True,
                ),
            )
        )
        .order_by("open_cases", "full_name", "pk")
        .first()
    )


# Who may say a request is missing something, and say it is complete again.
INCOMPLETE_MARKERS = frozenset({Role.BUSINESS_SUPPORT, Role.COORDINATOR, Role.SERVICE_MANAGER})


def mark_request_incomplete(*, case: Case, reason: str, by: User) -> Case:
    """Ask the family for what is missing. Nothing is lost and the clock keeps running: the request was received."""
    _require_council_staff(by, case.council_id, roles=INCOMPLETE_MARKERS)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter what is missing from the request", field="reason")
    with transaction.atomic():
        case = _lock(case, expected_version=None)
        if case.closed_on is not None:
            raise ServiceError("This case is closed")
        case.incomplete_reason = reason
        case.incomplete_since = timezone.now()
        case.version += 1
        _save_with_history(case, by=by, reason="Request marked incomplete")
        event = _timeline(
            case=case,
            kind=TimelineEvent.Kind.NOTE,
            summary="Request marked as incomplete: the family has been asked for what is missing",
            detail=reason,
            by=by,
        )
        notices.request_incomplete(case=case, reason=reason, event=event, by=by)
    return case


def mark_request_complete(*, case: Case, by: User) -> Case:
    """What was missing has arrived (or was not needed after all): the request is complete again."""
    _require_council_staff(by, case.council_id, roles=INCOMPLETE_MARKERS)
    with transaction.atomic():
        case = _lock(case, expected_version=None)
        if not case.incomplete_since:
            return case
        case.incomplete_reason = ""
        case.incomplete_since = None
        case.version += 1
        _save_with_history(case, by=by, reason="Request marked complete")
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.NOTE,
            summary="Request marked as complete: nothing is missing now",
            by=by,
        )
    return case
