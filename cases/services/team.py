"""Who works on a case: the coordinator, the team, invitations, the professionals already involved."""

import dataclasses
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Discipline, Organisation, Role, User
from cases import notices, policy, selectors
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
    _save_with_history,
    _timeline,
)
from cases.services.intake import ProfessionalDetails
from core.errors import ServiceError


def add_involved_professional(*, case: Case, details: ProfessionalDetails, by: User) -> InvolvedProfessional:
    """Staff record someone already working with the child, learnt of after the request."""
    policy.require(by, "record_professionals", case)
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
    policy.require(by, "record_professionals", professional.case)
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
    policy.require(by, "allocate", case)
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


# The roles on a case that fit each kind of account: the one place this rule lives. Council staff see every case
# of their council without being on its team; the coordinator joins the team through allocation only.
TEAM_ROLES_FOR_ACCOUNT: dict[str, frozenset[str]] = {
    Role.PARENT: frozenset({TeamRole.FAMILY}),
    Role.YOUNG_PERSON: frozenset({TeamRole.YOUNG_PERSON}),
    Role.SUPPORTER: frozenset({TeamRole.SUPPORTER}),
    Role.SENCO: frozenset({TeamRole.SCHOOL}),
    Role.SPECIALIST: frozenset({TeamRole.SPECIALIST}),
    Role.PANEL_MEMBER: frozenset({TeamRole.PANEL}),
    Role.COORDINATOR: frozenset(),
    Role.BUSINESS_SUPPORT: frozenset(),
    Role.SERVICE_MANAGER: frozenset(),
    Role.ADMINISTRATOR: frozenset(),
}


def team_role_problem(*, user: User, role: str) -> ServiceError | None:
    """Why this person cannot join a case team in this role, naming the field to fix; None when they fit."""
    if role not in TeamRole.values:
        return ServiceError("Choose their role on the case", field="role")
    if role == TeamRole.COORDINATOR:
        return ServiceError(
            "The coordinator is chosen with Change coordinator, not added to the team", field="role"
        )
    fitting = TEAM_ROLES_FOR_ACCOUNT.get(user.role, frozenset())
    if not fitting:
        return ServiceError(
            f"{user.full_name} is council staff and already sees every case of the council, so is not added "
            "to a case team",
            field="user",
        )
    if role not in fitting:
        allowed = " or ".join(sorted(TeamRole(r).label.lower() for r in fitting))
        return ServiceError(
            f"{user.full_name} has a {user.get_role_display().lower()} account, so their role on the case "
            f"can only be {allowed}",
            field="role",
        )
    return None


def add_team_member(
    *, case: Case, role: str, by: User, user: User | None = None, organisation: Organisation | None = None
) -> CaseTeamMember:
    policy.require(by, "manage_team", case)
    if user is None and organisation is None:
        raise ServiceError("Choose a person or an organisation", field="user")
    if role not in TeamRole.values:
        raise ServiceError("Choose their role on the case", field="role")
    if user is not None:
        problem = team_role_problem(user=user, role=role)
        if problem is not None:
            raise problem
    with transaction.atomic():
        # The team changes one change at a time, as the coordinator's allocation does.
        case = _lock(case, expected_version=None)
        member = _join(case=case, role=role, by=by, user=user, organisation=organisation)
    return member


def _join(
    *, case, role, by, user=None, organisation=None, why: str = "", family: bool = True
) -> CaseTeamMember:
    """A new membership and the timeline entry that says so (the caller holds the transaction)."""
    member = _add_member(
        case=case, user=user, organisation_id=organisation.pk if organisation else None, role=role, by=by
    )
    who = user.full_name if user else organisation.name
    summary = f"{who} joined the team as {TeamRole(role).label.lower()}" + (f": {why}" if why else "")
    _timeline(case=case, kind=TimelineEvent.Kind.TEAM, summary=summary, by=by, family=family)
    return member


# Who an invitation to a case makes the new person, on the case team: the one role that fits their account.
TEAM_ROLE_FOR_INVITED = {
    role: next(iter(TEAM_ROLES_FOR_ACCOUNT[role]))
    for role in (Role.PARENT, Role.YOUNG_PERSON, Role.SUPPORTER, Role.SENCO)
}


def invite_to_case(
    *, case: Case, email: str, full_name: str, role: str, by: User, organisation: Organisation | None = None
):
    """Bring a family member, young person, SENCo or supporter onto the case team.

    Someone who already has an account joins straight away; anyone else gets an invitation link and joins the
    team when they accept it (see `join_case_from_invitation`).
    """
    policy.require(by, "invite_to_case", case)
    if role not in TEAM_ROLE_FOR_INVITED:
        raise ServiceError("Choose who you are inviting", field="role")
    existing = User.objects.filter(email__iexact=email.strip()).first()
    if existing is not None:
        if existing.role in policy.COUNCIL_STAFF:
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


COORDINATOR_STAYS = "The coordinator stays on the team while they coordinate the case. To change who it is, use Change coordinator"


def end_team_membership(*, member: CaseTeamMember, by: User) -> CaseTeamMember:
    policy.require(by, "manage_team", member.case)
    if member.role == TeamRole.COORDINATOR:
        # The case's coordinator, caseload and team must agree: they change together, through allocation.
        raise ServiceError(COORDINATOR_STAYS)
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


def grant_case_access(
    *,
    case: Case,
    role: str,
    by: User | None,
    reason: str,
    user: User | None = None,
    organisation: Organisation | None = None,
) -> CaseTeamMember:
    """Put someone on the team because a feature's use case needs them there (an adviser asked for advice).

    The feature's service has checked its own permission first; this records who let them in and why. Someone
    already on the team in that role keeps their membership, open-ended again if it was due to end.
    """
    if (user is None) == (organisation is None):
        raise ServiceError("Give a person or an organisation")
    with transaction.atomic():
        current = (
            selectors.active_memberships(on=selectors.today())
            .select_for_update()
            .filter(case=case, role=role, user=user, organisation=organisation)
            .first()
        )
        if current is not None:
            if current.ends_on is not None:
                current.ends_on = None
                _save_with_history(current, by=by, reason=reason)
            return current
        member = _join(
            case=case, role=role, by=by, user=user, organisation=organisation, why=reason, family=False
        )
    return member


def end_case_access(*, member: CaseTeamMember, on: date, by: User | None, reason: str) -> CaseTeamMember:
    """End a membership a feature granted, on a day that may be in the future (access lasts until then)."""
    with transaction.atomic():
        member = CaseTeamMember.objects.select_for_update().get(pk=member.pk)
        if member.ends_on is not None and member.ends_on <= on:
            return member
        member.ends_on = on
        _save_with_history(member, by=by, reason=reason)
    return member
