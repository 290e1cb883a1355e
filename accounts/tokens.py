"""Rules about API tokens that need no request: the password fingerprint a token carries, and whether it still holds."""

import hmac

from django.utils import timezone

from accounts.models import ApiToken, User


def password_fingerprint(user: User) -> str:
    """An HMAC of the stored password hash (Django's session check uses the same): changes with every password."""
    return user.get_session_auth_hash()


def issued_under_current_password(token: ApiToken) -> bool:
    return hmac.compare_digest(token.password_fingerprint, password_fingerprint(token.user))


def still_works(token: ApiToken, *, now=None) -> bool:
    now = now or timezone.now()
    return (
        token.user.is_active
        and (token.expiry is None or token.expiry > now)
        and issued_under_current_password(token)
    )
