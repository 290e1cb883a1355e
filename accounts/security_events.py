"""The security events log: one row per thing that happened at a door (accounts.models.SecurityEvent).

Written in the caller's transaction where there is one, so a refused change leaves no event that says it happened.
"""

from accounts.backends import client_ip
from accounts.models import SecurityEvent, User

Kind = SecurityEvent.Kind


def record(
    kind: str,
    *,
    user: User | None = None,
    by: User | None = None,
    email: str = "",
    request=None,
    detail: str = "",
    council_id: int | None = None,
) -> SecurityEvent:
    """Record one event. `council_id`: whose manager reads it when the person has no council of their own."""
    if user is None and email:
        # A wrong password for a real account belongs to that person's council; an unknown address to nobody's.
        user = User.objects.select_related("organisation").filter(email__iexact=email.strip()).first()
    if user is not None:
        council_id = user.council_id or council_id
        email = email or user.email
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        by=by,
        email=email.strip().lower()[:254],
        ip_address=client_ip(request) if request is not None else None,
        council_id=council_id,
        detail=detail[:300],
    )
