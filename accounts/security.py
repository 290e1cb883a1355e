"""Who must use a second factor and how long a quiet session lasts: rules about a person, no requests."""

from django.conf import settings

from accounts.models import COUNCIL_ROLES, Role

# The session's note of the last request, in epoch seconds (written at most every 30 s by the idle middleware).
LAST_SEEN_KEY = "last_seen"

# People acting for a family: a longer idle time, and a second factor offered rather than required.
FAMILY_SIDE_ROLES = frozenset({Role.PARENT, Role.YOUNG_PERSON, Role.SUPPORTER})


def second_factor_required(user) -> bool:
    """Council staff see every child of their council; support admins see every council: both need a second factor."""
    return bool(user.is_authenticated) and (user.role in COUNCIL_ROLES or user.is_staff or user.is_superuser)


def idle_limit_seconds(user) -> int:
    minutes = (
        settings.SESSION_IDLE_MINUTES_FAMILY
        if user.role in FAMILY_SIDE_ROLES and not (user.is_staff or user.is_superuser)
        else settings.SESSION_IDLE_MINUTES_STAFF
    )
    return minutes * 60
