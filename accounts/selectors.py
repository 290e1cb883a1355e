"""Reads of people and organisations that pages show, scoped to what the acting user may see."""

from django.db.models import Q, QuerySet

from accounts import tokens
from accounts.models import ApiToken, Organisation, OrganisationKind, Role, SecurityEvent, User
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


# --- The support admin's scope ------------------------------------------------------------------------------


def is_operator(user) -> bool:
    """The service's operator: platform-wide rights (a superuser made by `manage.py create_operator`)."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def support_admin_council(user) -> Organisation | None:
    """The council whose people and records this person corrects in the support admin, or None."""
    if not getattr(user, "is_staff", False) or not role_may(user, "use_support_admin"):
        return None
    return council_of(user)


def people_of_council_q(council_id: int, prefix: str = "") -> Q:
    """People of a council: its staff, its schools' and partners' staff, and families on its cases."""
    return (
        Q(**{f"{prefix}organisation_id": council_id})
        | Q(**{f"{prefix}organisation__council_id": council_id})
        | Q(**{f"{prefix}family_contacts__child__council_id": council_id})
        | Q(**{f"{prefix}case_memberships__case__council_id": council_id})
    )


def may_administer(*, by: User, person: User) -> bool:
    if is_operator(by):
        return True
    council = support_admin_council(by)
    if council is None:
        return False
    return User.objects.filter(people_of_council_q(council.pk), pk=person.pk).exists()


# --- API tokens and the security events log -----------------------------------------------------------------


def api_tokens_of(*, user: User) -> list:
    """The owner's tokens that still work, newest first (expired ones and those of an old password are left out)."""
    return [t for t in ApiToken.objects.filter(user=user).select_related("user") if tokens.still_works(t)]


def security_events_for(
    *, user: User, person_id: int | None = None, date_from=None, date_to=None
) -> QuerySet:
    """The security events of the manager's council, newest first, optionally for one person and between dates."""
    if not role_may(user, "view_security_events"):
        return SecurityEvent.objects.none()
    council = council_of(user)
    events = SecurityEvent.objects.filter(council=council).select_related("user", "by")
    if person_id is not None:
        events = events.filter(user_id=person_id)
    if date_from is not None:
        events = events.filter(at__date__gte=date_from)
    if date_to is not None:
        events = events.filter(at__date__lte=date_to)
    return events.order_by("-at", "-id")


def council_people_for_events(*, user: User) -> QuerySet[User]:
    """The people a manager may pick to filter the log: those their council's events are about."""
    council = council_of(user)
    if council is None or not role_may(user, "view_security_events"):
        return User.objects.none()
    ids = SecurityEvent.objects.filter(council=council, user__isnull=False).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")
