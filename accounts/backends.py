"""The lockout check in front of the password check (django-axes)."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, for sign-ins that come through a request.

    Every door a person uses (the sign-in pages, the support admin, the API token) passes the request. Code that
    authenticates without one (a management command, a test's `client.login`) has no address to count against.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def username_from(request, credentials) -> str:
    """The account a try counts against: the email as typed, trimmed and lower-cased, as the sign-in form does."""
    username = (credentials or {}).get("username") or (credentials or {}).get("email")
    if username is None and request is not None and hasattr(request, "POST"):
        username = request.POST.get("username", "")
    return str(username or "").strip().lower()


def client_ip(request) -> str | None:
    """The address a try counts against (django-axes and accounts.throttles).

    With TRUSTED_PROXY_COUNT proxies in front, each appends the address it was reached from to X-Forwarded-For, so
    the client is the entry the outermost trusted proxy added; anything to its left was typed by the client.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
