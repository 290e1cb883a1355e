"""Reads of people and organisations that pages show, scoped to what the acting user may see."""

from django.db.models import Q, QuerySet

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.policy import council_of, role_may

# Roles an administrator creates (everyone else joins by invitation).
STAFF_ROLES = (
    Role.COORDINATOR,
    Role.BUSINESS_SUPPORT,
    Role.SERVICE_MANAGER,
    Role.SPECIALIST,
    Role.PANEL_MEMBER,
    Role.ADMINISTRATOR,
)
# Organisations, besides the council itself, whose professionals the council's administrator adds.
PARTNER_KINDS = (OrganisationKind.NHS, OrganisationKind.SOCIAL_CARE)


def administered_council(user: User) -> Organisation | None:
    """The council whose staff this user manages (accounts.policy "manage_staff"), or None."""
    return council_of(user) if role_may(user, "manage_staff") else None


def inviting_council(user: User) -> Organisation | None:
    """The council this user invites families, schools and supporters for (policy "invite_people"), or None."""
    return council_of(user) if role_may(user, "invite_people") else None


def staff_organisations(*, council: Organisation) -> QuerySet[Organisation]:
    """The council and its NHS and social care partners: where staff added by its administrator work."""
    return Organisation.objects.filter(
        Q(pk=council.pk) | Q(council=council, kind__in=PARTNER_KINDS), is_active=True
    ).order_by("kind", "name")


def staff_for(*, user: User) -> QuerySet[User]:
    """The staff list an administrator sees: professionals of their council and its partners."""
    council = administered_council(user)
    if council is None:
        return User.objects.none()
    return (
        User.objects.filter(role__in=STAFF_ROLES)
        .filter(
            Q(organisation=council) | Q(organisation__council=council, organisation__kind__in=PARTNER_KINDS)
        )
        .select_related("organisation")
        .order_by("-is_active", "full_name", "email")
    )


def get_staff_member_for(*, user: User, pk: int) -> User | None:
    return staff_for(user=user).filter(pk=pk).first()


def schools_for(*, council: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(council=council, kind=OrganisationKind.SCHOOL, is_active=True)


def charities_for(*, council: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(council=council, kind=OrganisationKind.CHARITY, is_active=True)


def email_in_use(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def advisers_for(*, council_id: int) -> QuerySet[User]:
    """People a council may ask for advice by name: specialists and SENCos of the council and its area."""
    return (
        User.objects.filter(
            Q(organisation_id=council_id) | Q(organisation__council_id=council_id),
            role__in=[Role.SPECIALIST, Role.SENCO],
            is_active=True,
        )
        .select_related("organisation")
        .order_by("full_name")
    )
