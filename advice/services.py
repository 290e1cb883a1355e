"""Every write of specialist advice: ask, allocate, accept, decline, pass on, withdraw, reuse, save, submit, correct.

Each use case checks its permission first, runs in one transaction, and hands `cases` the state of the request's
clock (`record_advice_clock`), so the deadline row, the timeline and the outbox change together with the request.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Discipline, Organisation, OrganisationKind, Role, User
from advice import checks, definitions, ras, selectors
from advice.models import (
    OPEN_STATUSES,
    AdviceAttachment,
    AdviceNeed,
    AdviceOutcome,
    AdviceProvision,
    AdviceRequest,
    AdviceSubmission,
    AdviceTeam,
    RasLevel,
    RasScheme,
    RasScore,
    Referral,
    RequestStatus,
    ReuseAgreement,
)
from cases import policy, workflow
from cases import selectors as case_selectors
from cases import services as case_services
from cases.documents import DocumentRejected, inspect_upload
from cases.models import Case, CaseDocument, TeamRole
from core.errors import ServiceError, StaleVersion
from core.history import save_with_history as _save
from core.pdf import render_pdf
from core.queue import enqueue_on_commit
from core.redaction import REDACTED, redacted, scrub
from notifications import services as notifications

__all__ = ["Agreement", "Incomplete", "ServiceError", "StaleVersion"]

# The stages in which advice is gathered: after the decision to assess, until the decision whether to issue.
ASKING_STAGES = {workflow.Stage.ASSESSING}
DRAFT_PARTS = {"answers", "needs", "outcomes", "provision", "ras", "declaration", "author"}


class Incomplete(ServiceError):
    def __init__(self, problems: list[checks.Problem]):
        super().__init__("The advice is not finished yet")
        self.problems = problems


def _link(request: AdviceRequest) -> str:
    return reverse("advice:request", kwargs={"request_id": request.pk})


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _adviser(request: AdviceRequest) -> User | None:
    return request.allocated_to or request.asked_user


def _team_lead(request: AdviceRequest) -> User | None:
    if request.asked_team_id is None:
        return None
    return request.asked_team.leads.filter(is_active=True).order_by("id").first()


def _asked(request: AdviceRequest) -> str:
    """Who was asked, by name: the service, the person, or the person invited by email."""
    if request.asked_team_id:
        return request.asked_team.name
    if request.asked_user_id:
        return request.asked_user.full_name
    return request.asked_name or request.asked_email


def _label(request: AdviceRequest) -> str:
    return f"{request.get_kind_display()} from {_asked(request)}"


def _sync_clock(request: AdviceRequest, *, by: User | None, received_on: date | None = None) -> None:
    """Hand cases the whole state of this request's time limit; the deadline row follows."""
    if request.status == RequestStatus.REUSED:
        return
    row = case_services.record_advice_clock(
        case=request.case,
        ref=request.clock_ref,
        label=_label(request),
        requested_on=request.sent_on,
        received_on=received_on,
        cancelled=request.status in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN),
        adviser=_adviser(request),
        adviser_manager=_team_lead(request),
        link=_link(request),
        by=by,
    )
    if request.due_on != row.due_on:
        request.due_on = row.due_on
        AdviceRequest.objects.filter(pk=request.pk).update(due_on=row.due_on)


def _tell(*, template: str, people, request: AdviceRequest, event: str, by: User | None, **data) -> None:
    case = request.case
    common = {
        "reference": case.reference,
        "child_first_name": case.child.preferred_name or case.child.legal_first_name,
        "kind": request.get_kind_display(),
        "due_on": f"{request.due_on:%-d %B %Y}" if request.due_on else "",
        **data,
    }
    for person in people:
        if person is None:
            continue
        notifications.notify(
            template=template,
            data=common,
            key=f"advice:{request.pk}:{event}:user:{person.pk}",
            recipient=person,
            link=_url(_link(request)),
            subject_ref=f"case:{case.pk}",
            organisation_id=case.council_id,
            by=by,
            language=person.language,
        )


def _coordinator(case: Case) -> list[User]:
    return [case.coordinator] if case.coordinator_id else []


def _grant(request: AdviceRequest, user: User, *, by: User | None) -> None:
    case_services.grant_case_access(
        case=request.case,
        role=TeamRole.FAMILY if user.role in policy.FAMILY else TeamRole.SPECIALIST,
        user=user,
        by=by,
        reason=f"asked for {request.get_kind_display().lower()}",
    )


def _end_access(request: AdviceRequest, *, by: User | None) -> None:
    """Advisers keep the case for a period the council sets after their request closes, then lose it."""
    settings_row = selectors.settings_for(council_id=request.case.council_id)
    until = case_selectors.today() + timedelta(days=settings_row.access_days_after_close)
    people = {p for p in [request.asked_user, request.allocated_to] if p is not None}
    if request.asked_team_id:
        people |= set(request.asked_team.leads.all())
    still_asking = selectors.people_still_asked(case=request.case, excluding=request)
    for member in case_selectors.memberships_of(case=request.case, users=people - still_asking):
        if member.role == TeamRole.SPECIALIST:
            case_services.end_case_access(member=member, on=until, by=by, reason="request for advice closed")


def _locked(request: AdviceRequest, *, expected_version: int | None = None) -> AdviceRequest:
    locked = (
        AdviceRequest.objects.select_for_update(of=("self",))
        .select_related(
            "case", "case__child", "case__coordinator", "asked_team", "asked_user", "allocated_to"
        )
        .get(pk=request.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            "Someone else changed this request while you were working on it. Check it and try again"
        )
    return locked


# --- asking -------------------------------------------------------------------------------------------------


# The discipline an invited specialist's account records, from the kind of advice they are asked for.
DISCIPLINE_FOR_KIND = {
    definitions.Kind.PSYCHOLOGICAL: Discipline.EDUCATIONAL_PSYCHOLOGY,
    definitions.Kind.SPEECH_AND_LANGUAGE: Discipline.SPEECH_AND_LANGUAGE,
    definitions.Kind.OCCUPATIONAL_THERAPY: Discipline.OCCUPATIONAL_THERAPY,
    definitions.Kind.MEDICAL: Discipline.HEALTH,
    definitions.Kind.SOCIAL_CARE: Discipline.SOCIAL_CARE,
}


def _existing_account(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def request_advice(
    *,
    case: Case,
    kind: str,
    by: User,
    asked_user: User | None = None,
    asked_team: AdviceTeam | None = None,
    asked_email: str = "",
    asked_name: str = "",
    asked_organisation: Organisation | None = None,
    professional_id: int | None = None,
    note: str = "",
    family_asked: bool = False,
    sent_on: date | None = None,
) -> AdviceRequest:
    """Ask a named person, a service, or someone with no account yet (invited by email) for advice.

    Its six weeks (reg 8(1)) start on the day it is sent, whether or not the person invited has accepted yet:
    the deadline row is the council's, and the invitation only decides who the reminders go to.
    """
    policy.require(by, "request_advice", case)
    if kind not in definitions.Kind.__members__.values():
        raise ServiceError("Choose the kind of advice", field="kind")
    asked_email = (asked_email or "").strip()
    asked_name = " ".join((asked_name or "").split())
    # Mistakes about the person named by email are shown beside the email address, where they were typed.
    field = "asked_email" if asked_email else "asked"
    if asked_email:
        if asked_user is not None or asked_team is not None:
            raise ServiceError(
                "Choose a service, a named person or an email address, not more than one", field=field
            )
        try:
            validate_email(asked_email)
        except ValidationError:
            raise ServiceError(
                "Enter an email address in the correct format, like name@example.com", field=field
            ) from None
        existing = _existing_account(asked_email)
        if existing is not None:
            if existing.role in policy.COUNCIL_STAFF:
                raise ServiceError(
                    "That email address belongs to council staff, who cannot be asked for advice by email: "
                    "choose a service or a named person instead",
                    field=field,
                )
            # Someone who already has an account is asked by name: no second account, no invitation.
            asked_user, asked_email, asked_name = existing, "", ""
        elif not asked_name:
            raise ServiceError("Enter the name of the person you are asking", field="asked_name")
    elif asked_name:
        raise ServiceError("Enter the email address of the person you are asking", field="asked_email")
    if (asked_user is None) == (asked_team is None) and not asked_email:
        raise ServiceError("Choose a person or a service to ask", field="asked")
    if workflow.Stage(case.stage) not in ASKING_STAGES:
        raise ServiceError(
            "Advice can be asked for once the council has agreed to assess, until the assessment ends"
        )
    today = case_selectors.today()
    sent_on = sent_on or today
    if sent_on > today:
        raise ServiceError("The date sent must be today or in the past", field="sent_on")
    if case.assessment_decided_on and sent_on < case.assessment_decided_on:
        raise ServiceError("The date sent cannot be before the decision to assess", field="sent_on")
    if asked_user is not None and not asked_user.is_active:
        raise ServiceError("That person's account is not active: choose someone else", field=field)
    if asked_team is not None and (not asked_team.is_active or asked_team.council_id != case.council_id):
        raise ServiceError("Choose a service of this council", field="asked")
    definition = definitions.definition(kind)
    if definition.by_family and (asked_user is None or asked_user.role not in policy.FAMILY):
        raise ServiceError("The family's advice is asked of the parent, carer or young person", field=field)
    if not definition.by_family and asked_user is not None and asked_user.role in policy.FAMILY:
        raise ServiceError("Professional advice is asked of a professional or a service", field=field)
    if asked_organisation is not None and asked_organisation.council_id != case.council_id:
        raise ServiceError("Choose an organisation of this council's area", field="asked_organisation")
    professional = None
    if professional_id is not None:
        professional = case_selectors.professional_for(case=case, professional_id=professional_id)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("child", "coordinator")
            .get(pk=case.pk)
        )
        if selectors.open_request_exists(
            case=case, kind=kind, asked_user=asked_user, asked_team=asked_team, asked_email=asked_email
        ):
            raise ServiceError("This person or service has already been asked for this advice", field=field)
        request = AdviceRequest(
            case=case,
            kind=kind,
            asked_user=asked_user,
            asked_team=asked_team,
            asked_email=asked_email.lower(),
            asked_name=asked_name,
            professional=professional,
            sent_on=sent_on,
            note=note.strip(),
            family_asked=family_asked,
            created_by=by,
        )
        _save(request, by=by, reason="Advice requested")
        _sync_clock(request, by=by)
        if asked_email:
            _invite(request, organisation=asked_organisation, by=by)
            people = []
        else:
            people = [asked_user] if asked_user else list(asked_team.leads.filter(is_active=True))
        for person in people:
            _grant(request, person, by=by)
        case_services.add_case_note(
            case=case,
            summary=f"Asked for {request.get_kind_display().lower()} from "
            f"{_asked(request)}{' (invited by email)' if asked_email else ''}, due {request.due_on:%-d %B %Y}",
            detail=request.note,
            by=by,
        )
        _tell(template="advice.requested", people=people, request=request, event="requested", by=by)
    return request


def _invite(request: AdviceRequest, *, organisation: Organisation | None, by: User) -> None:
    """Invite someone with no account to create one; accepting it makes them the person asked.

    The invitation email says who invited them; the request's own email says what is asked and by when, with
    the same link to the request that the account will open.
    """
    school = organisation is not None and organisation.kind == OrganisationKind.SCHOOL
    senco = request.kind == definitions.Kind.EDUCATIONAL and school
    try:
        account_services.create_invitation(
            email=request.asked_email,
            full_name=request.asked_name,
            role=Role.SENCO if senco else Role.SPECIALIST,
            discipline="" if senco else DISCIPLINE_FOR_KIND.get(request.kind, Discipline.OTHER),
            organisation=organisation,
            by=by,
            purpose={"kind": "advice_request", "request_id": request.pk},
        )
    except ServiceError as error:
        fields = {"email": "asked_email", "organisation": "asked_organisation"}
        raise ServiceError(error.message, field=fields.get(error.field, "asked_email")) from None
    case = request.case
    notifications.notify(
        template="advice.requested",
        data={
            "reference": case.reference,
            "child_first_name": case.child.preferred_name or case.child.legal_first_name,
            "kind": request.get_kind_display(),
            "due_on": f"{request.due_on:%-d %B %Y}",
            "invited": True,
        },
        key=f"advice:{request.pk}:requested:email:{request.asked_email}",
        to_address=request.asked_email,
        to_name=request.asked_name,
        link=_url(_link(request)),
        subject_ref=f"case:{case.pk}",
        organisation_id=case.council_id,
        by=by,
    )


@transaction.atomic(savepoint=False)
def join_request_from_invitation(invitation, user: User) -> None:
    """The person invited to give advice has created their account: the request, its clock and the case are theirs.

    Runs inside the transaction that creates the account. A request withdrawn or passed on meanwhile stays as it
    is; the account is still made, and simply has nothing to do.
    """
    request = (
        AdviceRequest.objects.select_for_update(of=("self",))
        .select_related("case", "case__child", "case__coordinator", "asked_team")
        .filter(pk=(invitation.purpose or {}).get("request_id"))
        .first()
    )
    if (
        request is None
        or not request.is_open
        or request.asked_user_id is not None
        or request.asked_team_id is not None
        or request.asked_email.lower() != invitation.email.lower()
    ):
        return
    request.asked_user = user
    request.version += 1
    _save(request, by=user, reason="Invitation accepted")
    _sync_clock(request, by=user)
    _grant(request, user, by=invitation.invited_by)
    case_services.add_case_note(
        case=request.case,
        summary=f"{user.full_name} created their account and will give the {request.get_kind_display().lower()}",
        by=user,
        family=False,
    )


def allocate_request(*, request: AdviceRequest, to: User, by: User) -> AdviceRequest:
    """A service's lead gives a request to one of its staff; the clock keeps running from the day it was sent."""
    if not policy.role_may(by, "allocate_advice") and not policy.can(by, "request_advice", request.case):
        raise policy.NotAllowed("allocate_advice")
    with transaction.atomic():
        request = _locked(request)
        if request.asked_team_id is None:
            raise ServiceError("This request was made to a named person, so there is nothing to allocate")
        if not request.is_open:
            raise ServiceError("This request is closed")
        if not selectors.leads(request=request, user=by) and not policy.can(
            by, "request_advice", request.case
        ):
            raise policy.NotAllowed("allocate_advice")
        if not to.is_active or not selectors.team_staff(team=request.asked_team).filter(pk=to.pk).exists():
            raise ServiceError("Choose someone in this service", field="to")
        request.allocated_to = to
        request.version += 1
        _save(request, by=by, reason=f"Allocated to {to.full_name}")
        _sync_clock(request, by=by)
        _grant(request, to, by=by)
        case_services.add_case_note(
            case=request.case,
            summary=f"{request.get_kind_display()} allocated to {to.full_name} ({request.asked_team.name})",
            by=by,
            family=False,
        )
        _tell(template="advice.requested", people=[to], request=request, event=f"allocated:{to.pk}", by=by)
    return request


def accept_request(*, request: AdviceRequest, by: User) -> AdviceRequest:
    with transaction.atomic():
        request = _locked(request)
        _require_adviser(request, by)
        if request.status != RequestStatus.SENT:
            return request
        request.status = RequestStatus.ACCEPTED
        request.version += 1
        _save(request, by=by, reason="Accepted")
    return request


def decline_request(*, request: AdviceRequest, reason: str, by: User) -> AdviceRequest:
    """The person or service cannot give this advice; the coordinator is told at once, to ask someone else."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why you cannot give this advice", field="reason")
    with transaction.atomic():
        request = _locked(request)
        _require_adviser(request, by, leads_too=True)
        if not request.is_open:
            raise ServiceError("This request is closed")
        request.status = RequestStatus.DECLINED
        request.declined_reason = reason
        request.closed_at = timezone.now()
        request.version += 1
        _save(request, by=by, reason="Declined")
        _sync_clock(request, by=by)
        _end_access(request, by=by)
        case_services.add_case_note(
            case=request.case,
            summary=f"{request.get_kind_display()}: {by.full_name} cannot give this advice",
            detail=reason,
            by=by,
            family=False,
        )
        _tell(
            template="advice.declined",
            people=_coordinator(request.case),
            request=request,
            event="declined",
            by=by,
            reason=reason,
            who=by.full_name,
        )
    return request


def pass_on_request(*, request: AdviceRequest, to_team: AdviceTeam, reason: str, by: User) -> AdviceRequest:
    """Sent to the wrong service: passed on with a reason, without restarting its clock (reg 8(1))."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why the request is being passed on", field="reason")
    with transaction.atomic():
        request = _locked(request)
        if not policy.can(by, "request_advice", request.case):
            _require_adviser(request, by, leads_too=True)
        if not request.is_open:
            raise ServiceError("This request is closed")
        if not to_team.is_active or to_team.council_id != request.case.council_id:
            raise ServiceError("Choose a service of this council", field="to_team")
        if to_team.pk == request.asked_team_id:
            raise ServiceError("The request is already with that service", field="to_team")
        _save(
            Referral(
                request=request,
                from_team=request.asked_team,
                from_user=request.asked_user,
                to_team=to_team,
                reason=reason,
                by=by,
            ),
            by=by,
        )
        _end_access(request, by=by)
        request.asked_team, request.asked_user, request.allocated_to = to_team, None, None
        # Someone invited by email and not yet signed up is no longer asked: their invitation leads nowhere now.
        request.asked_email, request.asked_name = "", ""
        request.status = RequestStatus.SENT
        request.version += 1
        _save(request, by=by, reason=f"Passed on to {to_team.name}")
        _sync_clock(request, by=by)
        leads = list(to_team.leads.filter(is_active=True))
        for lead in leads:
            _grant(request, lead, by=by)
        case_services.add_case_note(
            case=request.case,
            summary=f"{request.get_kind_display()} passed on to {to_team.name}; still due {request.due_on:%-d %B %Y}",
            detail=reason,
            by=by,
            family=False,
        )
        _tell(template="advice.requested", people=leads, request=request, event=f"passed:{to_team.pk}", by=by)
        _tell(
            template="advice.passed_on",
            people=_coordinator(request.case),
            request=request,
            event=f"passed:{to_team.pk}",
            by=by,
            reason=reason,
            team=to_team.name,
        )
    return request


def withdraw_request(*, request: AdviceRequest, reason: str, by: User) -> AdviceRequest:
    policy.require(by, "withdraw_advice_request", request.case)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why the request is being withdrawn", field="reason")
    with transaction.atomic():
        request = _locked(request)
        if not request.is_open:
            raise ServiceError("This request is closed")
        request.status = RequestStatus.WITHDRAWN
        request.withdrawn_reason = reason
        request.closed_at = timezone.now()
        request.version += 1
        _save(request, by=by, reason="Withdrawn")
        _sync_clock(request, by=by)
        _end_access(request, by=by)
        case_services.add_case_note(
            case=request.case, summary=f"{request.get_kind_display()} request withdrawn", detail=reason, by=by
        )
        if _adviser(request):
            people = [_adviser(request)]
        elif request.asked_team_id:
            people = list(request.asked_team.leads.all())
        else:
            # Invited and not signed up yet: told at the address they were invited at.
            people = []
            notifications.notify(
                template="advice.withdrawn",
                data={
                    "reference": request.case.reference,
                    "child_first_name": request.case.child.preferred_name
                    or request.case.child.legal_first_name,
                    "kind": request.get_kind_display(),
                    "due_on": f"{request.due_on:%-d %B %Y}" if request.due_on else "",
                    "reason": reason,
                },
                key=f"advice:{request.pk}:withdrawn:email:{request.asked_email}",
                to_address=request.asked_email,
                to_name=request.asked_name,
                subject_ref=f"case:{request.case_id}",
                organisation_id=request.case.council_id,
                by=by,
            )
        _tell(
            template="advice.withdrawn",
            people=people,
            request=request,
            event="withdrawn",
            by=by,
            reason=reason,
        )
    return request


@dataclass(frozen=True)
class Agreement:
    party: str
    who: str
    agreed_on: date
    how: str


def reuse_advice(
    *,
    case: Case,
    kind: str,
    document: CaseDocument,
    author_name: str,
    written_on: date,
    agreements: list[Agreement],
    by: User,
) -> AdviceRequest:
    """Existing advice stands in for new advice when its author, the council and the family agree (reg 6(4))."""
    policy.require(by, "record_advice_reuse", case)
    if kind not in definitions.Kind.__members__.values():
        raise ServiceError("Choose the kind of advice", field="kind")
    if document.case_id != case.pk or document.withdrawn_at is not None:
        raise ServiceError("Choose a document on this case", field="document")
    if not author_name.strip():
        raise ServiceError("Enter who wrote the advice", field="author_name")
    today = case_selectors.today()
    if written_on > today:
        raise ServiceError("The date it was written must be today or in the past", field="written_on")
    limit = selectors.settings_for(council_id=case.council_id).reuse_max_age_months
    if _months_between(written_on, today) >= limit:
        raise ServiceError(
            f"Advice written more than {limit} months ago cannot be reused: ask for new advice",
            field="written_on",
        )
    parties = {agreement.party for agreement in agreements}
    missing = set(ReuseAgreement.Party.values) - parties
    if missing:
        labels = ", ".join(ReuseAgreement.Party(p).label.lower() for p in sorted(missing))
        raise ServiceError(f"Record the agreement of {labels}", field="agreements")
    for agreement in agreements:
        if not agreement.who.strip():
            raise ServiceError("Enter who agreed", field="agreements")
        if agreement.agreed_on > today:
            raise ServiceError("An agreement's date must be today or in the past", field="agreements")
        if agreement.how not in ReuseAgreement.How.values:
            raise ServiceError("Choose how each party agreed", field="agreements")
    with transaction.atomic():
        request = AdviceRequest(
            case=case,
            kind=kind,
            status=RequestStatus.REUSED,
            sent_on=today,
            created_by=by,
            closed_at=timezone.now(),
        )
        _save(request, by=by, reason="Existing advice reused")
        for agreement in agreements:
            _save(
                ReuseAgreement(
                    request=request,
                    party=agreement.party,
                    who=agreement.who.strip(),
                    agreed_on=agreement.agreed_on,
                    how=agreement.how,
                    recorded_by=by,
                ),
                by=by,
            )
        _save(
            AdviceSubmission(
                request=request,
                author=by,
                author_name=author_name.strip(),
                assessed_on=written_on,
                declaration=True,
                submitted_at=timezone.now(),
                reused_document=document,
                document=document,
            ),
            by=by,
        )
        case_services.add_case_note(
            case=case,
            summary=f"Existing {request.get_kind_display().lower()} by {author_name.strip()} "
            f"({written_on:%-d %B %Y}) reused, as its author, the council and the family agreed",
            by=by,
        )
    return request


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


# --- giving advice ------------------------------------------------------------------------------------------


def _require_adviser(request: AdviceRequest, by: User, *, leads_too: bool = False) -> None:
    if not selectors.acts_for(request=request, user=by, leads_too=leads_too):
        raise policy.NotAllowed("give_advice")


def _draft(request: AdviceRequest, *, by: User) -> AdviceSubmission:
    draft = (
        request.submissions.filter(submitted_at__isnull=True).order_by("-number").select_for_update().first()
    )
    if draft is not None:
        return draft
    latest = request.submissions.order_by("-number").first()
    draft = AdviceSubmission(
        request=request,
        number=(latest.number + 1) if latest else 1,
        author=by,
        author_name=by.full_name,
        author_role=by.job_title,
        answers={"answers": {}, "needs": [], "outcomes": [], "provision": [], "ras": {}},
    )
    _save(draft, by=by, reason="Started")
    return draft


def save_advice(
    *, request: AdviceRequest, by: User, changes: dict, expected_version: int | None = None
) -> AdviceSubmission:
    """Save what the adviser has written so far (any part of the form); nothing is lost if they stop here."""
    unknown = set(changes) - DRAFT_PARTS
    if unknown:
        raise ServiceError("Unknown part of the advice: " + ", ".join(sorted(unknown)))
    with transaction.atomic():
        request = _locked(request)
        _require_adviser(request, by)
        if request.status in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN):
            raise ServiceError("This request is closed: the advice can no longer be changed")
        draft = _draft(request, by=by)
        if expected_version is not None and draft.version != expected_version:
            raise StaleVersion(
                "This advice was saved somewhere else since you opened it. Check it and try again"
            )
        content = dict(draft.answers)
        for part, value in changes.items():
            if part == "author":
                draft.author_name = (value.get("name") or by.full_name).strip()[:200]
                draft.author_role = (value.get("role") or "").strip()[:200]
            elif part == "declaration":
                draft.declaration = bool(value)
            elif part == "answers":
                content["answers"] = {**content.get("answers", {}), **value}
            else:
                content[part] = [_with_id(item) for item in value] if isinstance(value, list) else value
        draft.answers = content
        draft.family_summary = content.get("answers", {}).get("family_summary", draft.family_summary)
        assessed = content.get("answers", {}).get("assessed_on")
        draft.assessed_on = _parse_date(assessed)
        draft.version += 1
        _save(draft, by=by, reason="Saved")
        if request.status in (RequestStatus.SENT, RequestStatus.ACCEPTED):
            request.status = RequestStatus.IN_PROGRESS
            request.version += 1
            _save(request, by=by, reason="Advice started")
    return draft


def attach_report(*, request: AdviceRequest, upload, by: User) -> AdviceAttachment:
    """A report or assessment attached to the advice, checked like every upload and kept from the family until
    the council shares the advice."""
    try:
        inspected = inspect_upload(upload)
    except DocumentRejected as rejected:
        raise ServiceError(str(rejected), field="file") from None
    with transaction.atomic():
        request = _locked(request)
        _require_adviser(request, by)
        if request.status in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN):
            raise ServiceError("This request is closed: nothing more can be added to it")
        document = case_services.file_document(
            case=request.case,
            name=inspected.clean_name,
            content=upload,
            category=CaseDocument.Category.ADVICE,
            content_type=inspected.content_type,
            by=by,
            description=f"Attached to the {request.get_kind_display().lower()} by {by.full_name}"[:300],
            visibility=CaseDocument.Visibility.STAFF,
            timeline_summary=f"Report attached to the {request.get_kind_display().lower()}: {inspected.clean_name}",
        )
        attachment = AdviceAttachment(request=request, document=document, added_by=by)
        _save(attachment, by=by)
    return attachment


def _with_id(item: dict) -> dict:
    return item if item.get("id") else {**item, "id": uuid.uuid4().hex[:12]}


def _parse_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def submit_advice(
    *, request: AdviceRequest, by: User, expected_version: int | None = None
) -> AdviceSubmission:
    """Send the advice: checked, locked, its time limit met; the coordinator is told and the PDF filed after."""
    with transaction.atomic():
        request = _locked(request)
        _require_adviser(request, by)
        draft = request.submissions.filter(submitted_at__isnull=True).select_for_update().first()
        if draft is None:
            if request.submissions.filter(submitted_at__isnull=False).exists():
                raise ServiceError("This advice has already been sent. To change it, send a correction")
            raise ServiceError("There is no advice to send yet")
        if expected_version is not None and draft.version != expected_version:
            raise StaleVersion(
                "This advice was saved somewhere else since you opened it. Check it and try again"
            )
        definition = definitions.definition(request.kind)
        scheme = selectors.scheme_for(council_id=request.case.council_id, on=case_selectors.today())
        levels = (scheme.lowest, scheme.highest) if scheme else (0, 4)
        content = {**draft.answers, "declaration": draft.declaration}
        problems = checks.errors(definition, content, today=case_selectors.today(), levels=levels)
        if problems:
            raise Incomplete(problems)
        if draft.supersedes_id is None and draft.number > 1:
            draft.supersedes = request.submissions.filter(number=draft.number - 1).first()
        if draft.number > 1 and not draft.correction_reason.strip():
            raise Incomplete(
                [checks.Problem("correction", "correction_reason", "Say why the advice is corrected")]
            )
        _materialise(draft, definition, by=by)
        draft.submitted_at = timezone.now()
        draft.version += 1
        _save(draft, by=by, reason="Submitted" if draft.number == 1 else "Correction submitted")
        first = request.status != RequestStatus.SUBMITTED
        request.status = RequestStatus.SUBMITTED
        request.closed_at = request.closed_at or timezone.now()
        request.version += 1
        _save(request, by=by, reason="Advice submitted")
        if first:
            _sync_clock(request, by=by, received_on=case_selectors.today())
            _end_access(request, by=by)
        case_services.add_case_note(
            case=request.case,
            summary=(
                f"{request.get_kind_display()} received from {draft.author_name}"
                if first
                else f"Corrected {request.get_kind_display().lower()} received from {draft.author_name}"
            ),
            detail=draft.correction_reason,
            by=by,
        )
        _tell(
            template="advice.submitted",
            people=_coordinator(request.case),
            request=request,
            event=f"submitted:{draft.number}",
            by=by,
            author=draft.author_name,
        )
        score_case(case=request.case, by=by)
        enqueue_on_commit("advice.tasks.render_advice_pdf", draft.pk)
        if not AdviceRequest.objects.filter(case=request.case, status__in=OPEN_STATUSES).exists():
            # The last advice asked for has arrived (or a correction of it): the draft plan is assembled from it.
            enqueue_on_commit("drafting.tasks.assemble_plan", request.case_id)
    return draft


def _materialise(draft: AdviceSubmission, definition: definitions.Definition, *, by: User) -> None:
    """The draft's items become rows the plan is assembled from; each keeps this submission as its source."""
    content = draft.answers
    needs = {}
    for position, item in enumerate(content.get("needs", [])):
        need = AdviceNeed(
            submission=draft,
            position=position,
            section=definition.needs_section,
            area=item.get("area", "") if definition.needs_section == "B" else item.get("area", "") or "",
            sen2_type=item.get("sen2_type", "")[:5],
            description=item["description"].strip(),
            evidence=(item.get("evidence") or "").strip(),
        )
        _save(need, by=by)
        needs[item["id"]] = need
    outcomes = {}
    for position, item in enumerate(content.get("outcomes", [])):
        outcome = AdviceOutcome(
            submission=draft,
            position=position,
            description=item["description"].strip(),
            by_when=item["by_when"].strip(),
            measure=item["measure"].strip(),
        )
        _save(outcome, by=by)
        outcome.needs.set([needs[n] for n in item.get("needs", []) if n in needs])
        outcomes[item["id"]] = outcome
    for position, item in enumerate(content.get("provision", [])):
        _save(
            AdviceProvision(
                submission=draft,
                position=position,
                section=item.get("section") or (definition.provision_sections or ("F",))[0],
                what=item["what"].strip(),
                who=(item.get("who") or "").strip()[:200],
                frequency=(item.get("frequency") or "").strip()[:200],
                duration=(item.get("duration") or "").strip()[:200],
                group_size=(item.get("group_size") or "").strip()[:100],
                need=needs.get(item.get("need")),
                outcome=outcomes.get(item.get("outcome")),
            ),
            by=by,
        )
    for area, level in content.get("ras", {}).items():
        if area in definition.ras_areas:
            _save(RasLevel(submission=draft, area=area, level=int(level)), by=by)


def correct_advice(*, request: AdviceRequest, reason: str, by: User) -> AdviceSubmission:
    """Submitted advice is locked: a correction is a new version with a reason, and both are kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why the advice needs correcting", field="correction_reason")
    with transaction.atomic():
        request = _locked(request)
        _require_adviser(request, by)
        latest = request.submissions.order_by("-number").select_for_update().first()
        if latest is None or latest.submitted_at is None:
            raise ServiceError("Only advice that has been sent can be corrected")
        draft = AdviceSubmission(
            request=request,
            number=latest.number + 1,
            author=by,
            author_name=latest.author_name,
            author_role=latest.author_role,
            answers=latest.answers,
            assessed_on=latest.assessed_on,
            family_summary=latest.family_summary,
            correction_reason=reason,
            supersedes=latest,
        )
        _save(draft, by=by, reason="Correction started")
    return draft


def share_with_family(*, submission: AdviceSubmission, by: User) -> AdviceSubmission:
    policy.require(by, "share_advice_with_family", submission.request.case)
    if submission.submitted_at is None:
        raise ServiceError("Only advice that has been sent can be shared")
    with transaction.atomic():
        submission = AdviceSubmission.objects.select_for_update().get(pk=submission.pk)
        if submission.shared_with_family_at is None:
            submission.shared_with_family_at = timezone.now()
            _save(submission, by=by, reason="Shared with the family")
            if submission.document_id:
                case_services.share_document_with_family(document_id=submission.document_id, by=by)
    return submission


# --- RAS ----------------------------------------------------------------------------------------------------


def score_case(*, case: Case, by: User | None, setting_type: str = "mainstream") -> RasScore | None:
    """Compile the levels in the case's latest submitted advice into a stored suggestion (None with no scheme)."""
    today = case_selectors.today()
    scheme_row = selectors.scheme_row_for(council_id=case.council_id, on=today)
    if scheme_row is None:
        return None
    scheme = selectors.scheme_from(scheme_row)
    opinions = [
        ras.Opinion(
            area=level.area,
            level=level.level,
            discipline=level.submission.request.kind,
            author=level.submission.author_name,
            source=f"advice:{level.submission_id}",
        )
        for level in selectors.current_ras_levels(case=case)
    ]
    if not opinions:
        return None
    result = ras.score(scheme=scheme, opinions=opinions, setting_type=setting_type)
    with transaction.atomic():
        RasScore.objects.select_for_update().filter(case=case, is_current=True).update(is_current=False)
        score = RasScore(case=case, scheme=scheme_row, scored_on=today, **result.stored())
        _save(score, by=by, reason="Scored")
    return score


def save_ras_scheme(*, council_id: int, name: str, effective_from: date, config: dict, by: User) -> RasScheme:
    """An administrator sets the council's scheme from a date; earlier cases keep the scheme they were scored by."""
    if not policy.role_may(by, "manage_ras_scheme") or policy.council_of(by).pk != council_id:
        raise policy.NotAllowed("manage_ras_scheme")
    scheme = selectors.scheme_from(RasScheme(name=name, effective_from=effective_from, config=config))
    problems = ras.validate_scheme(scheme)
    if problems:
        raise ServiceError("; ".join(problems), field="config")
    with transaction.atomic():
        row = (
            RasScheme.objects.select_for_update()
            .filter(council_id=council_id, effective_from=effective_from)
            .first()
        )
        row = row or RasScheme(council_id=council_id, effective_from=effective_from, created_by=by)
        row.name, row.config = name, config
        _save(row, by=by, reason="RAS scheme saved")
    return row


def default_ras_config() -> dict:
    """The defaults a council starts from (advice.ras), as stored configuration."""
    return {
        "levels": [
            {"value": lv.value, "label": lv.label, "descriptor": lv.descriptor} for lv in ras.DEFAULT_LEVELS
        ],
        "weights": dict(ras.DEFAULT_WEIGHTS),
        "caps": dict(ras.DEFAULT_CAPS),
        "bands": [
            {
                "code": b.code,
                "label": b.label,
                "min_points": b.min_points,
                "annual_amount": str(b.annual_amount),
            }
            for b in ras.DEFAULT_BANDS
        ],
        "combine": ras.Combine.HIGHEST.value,
        "lead_disciplines": {
            ras.COMMUNICATION: definitions.Kind.SPEECH_AND_LANGUAGE.value,
            ras.COGNITION: definitions.Kind.PSYCHOLOGICAL.value,
            ras.SEMH: definitions.Kind.PSYCHOLOGICAL.value,
            ras.SENSORY_PHYSICAL: definitions.Kind.OCCUPATIONAL_THERAPY.value,
        },
        "setting_adjustments": {k: str(v) for k, v in ras.DEFAULT_SETTING_ADJUSTMENTS.items()},
    }


# --- the PDF, after commit ----------------------------------------------------------------------------------


def file_advice_pdf(*, submission_id: int) -> CaseDocument | None:
    """Render submitted advice to PDF and file it in the case documents, once (a retry finds it and stops)."""
    submission = selectors.submission_for_pdf(submission_id=submission_id)
    if submission is None or submission.document_id or submission.submitted_at is None:
        return None
    html = render_to_string("advice/pdf/advice.html", selectors.pdf_context(submission=submission))
    pdf = render_pdf(html)
    case = submission.request.case
    name = f"Advice-{submission.request_id}-v{submission.number}-{case.reference}.pdf"
    with transaction.atomic():
        locked = AdviceSubmission.objects.select_for_update().get(pk=submission.pk)
        if locked.document_id:
            return locked.document
        document = case_services.file_document(
            case=case,
            name=name,
            content=ContentFile(pdf, name=name),
            category=CaseDocument.Category.ADVICE,
            content_type="application/pdf",
            by=submission.author,
            description=f"{submission.request.get_kind_display()} from {submission.author_name}",
            visibility=CaseDocument.Visibility.STAFF,
            timeline_summary=f"Advice filed: {submission.request.get_kind_display()} from {submission.author_name}",
        )
        locked.document = document
        _save(locked, by=submission.author, reason="PDF filed")
    return document


# --- disposal under the council's retention schedule (records app) ---------------------------------------------


def redact_for_disposal(*, child_id: int) -> list[str]:
    """Redact what advisers wrote about a child whose records a manager approved for disposal.

    Called by the records app inside its disposal transaction; the rows and their dates stay (what was asked, of
    whom, when it arrived), the words about the child go, in every history row too. Returns lines for the
    destruction record.
    """
    on_child = {"submission__request__case__child_id": child_id}
    requests = AdviceRequest.objects.filter(case__child_id=child_id)
    lines = []
    count = scrub(
        AdviceRequest,
        requests,
        {
            "note": redacted("note"),
            "declined_reason": redacted("declined_reason"),
            "withdrawn_reason": redacted("withdrawn_reason"),
        },
    )
    if count:
        lines.append(f"{count} requests for advice: notes and reasons redacted")
    count = scrub(
        AdviceSubmission,
        AdviceSubmission.objects.filter(request__case__child_id=child_id),
        {"answers": {}, "family_summary": redacted("family_summary"), "correction_reason": ""},
    )
    if count:
        lines.append(f"{count} pieces of advice: answers and summaries redacted")
    count = scrub(
        AdviceNeed, AdviceNeed.objects.filter(**on_child), {"description": REDACTED, "evidence": ""}
    )
    count += scrub(
        AdviceOutcome,
        AdviceOutcome.objects.filter(**on_child),
        {"description": REDACTED, "measure": REDACTED},
    )
    count += scrub(AdviceProvision, AdviceProvision.objects.filter(**on_child), {"what": REDACTED})
    if count:
        lines.append(f"{count} needs, outcomes and provision items: descriptions redacted")
    scrub(Referral, Referral.objects.filter(request__case__child_id=child_id), {"reason": REDACTED})
    return lines
