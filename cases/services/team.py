"""Who works on a case: the coordinator, the team, invitations, the professionals already involved."""

import dataclasses

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import COUNCIL_ROLES, Discipline, Organisation, Role, User
from cases import notices, selectors
from cases.models import (
    Case,
    CaseTeamMember,
    InvolvedProfessional,
    TeamRole,
    TimelineEvent,
)
from cases.services._common import (
    _add_member,
    _lock,
    _require_council_staff,
    _save_with_history,
    _timeline,
)
from cases.services.intake import LOGGERS, ProfessionalDetails
from core.errors import ServiceError


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
    with transaction.atomic():
        # Locked and read again: two people withdrawing at once record it once, with the first one's time.
        professional = InvolvedProfessional.objects.select_for_update().get(pk=professional.pk)
        if professional.withdrawn_at is not None:
            return professional
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


def add_team_member(
    *, case: Case, role: str, by: User, user: User | None = None, organisation: Organisation | None = None
) -> CaseTeamMember:
    _require_council_staff(by, case.council_id)
    if user is None and organisation is None:
        raise ServiceError("Choose a person or an organisation", field="user")
    if role not in TeamRole.values:
        raise ServiceError("Choose their role on the case", field="role")
    with transaction.atomic():
        # The team changes one change at a time, as the coordinator's allocation does.
        case = _lock(case, expected_version=None)
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


@transaction.atomic(savepoint=False)
def join_case_from_invitation(invitation, user: User) -> None:
    """Runs inside the transaction that accepts the invitation, so the account and the membership go together."""
    purpose = invitation.purpose
    # Locked, so a case closed a moment ago is seen closed and nobody joins it.
    case = Case.objects.select_for_update().filter(pk=purpose.get("case_id")).first()
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
        # Locked and read again: removing someone twice keeps the day they first left, and one timeline entry.
        member = CaseTeamMember.objects.select_for_update().get(pk=member.pk)
        if member.ends_on is not None:
            return member
        member.ends_on = selectors.today()
        _save_with_history(member, by=by)
        who = member.user.full_name if member.user else member.organisation.name
        _timeline(case=member.case, kind=TimelineEvent.Kind.TEAM, summary=f"{who} left the team", by=by)
    return member


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
