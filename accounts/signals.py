"""Adapters from Django's and django-axes' sign-in signals to the security events log.

Signals are the only place every door meets: the sign-in page, the support admin's and the API token door all go
through `authenticate()` and (for pages) `login()`. The receivers only record; the decisions stay in the backends
and the views.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts import security_events


@receiver(user_logged_in, dispatch_uid="accounts.security_events.signed_in")
def signed_in(sender, request, user, **kwargs):
    security_events.record(security_events.Kind.SIGNED_IN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts.security_events.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    email = str((credentials or {}).get("username") or (credentials or {}).get("email") or "")
    security_events.record(
        security_events.Kind.SIGN_IN_FAILED, email=email, request=request, detail=_door(request)
    )


@receiver(user_locked_out, dispatch_uid="accounts.security_events.locked_out")
def locked_out(sender, request, username, ip_address, **kwargs):
    security_events.record(
        security_events.Kind.LOCKED_OUT, email=str(username or ""), request=request, detail=_door(request)
    )


def _door(request) -> str:
    path = getattr(request, "path", "") or ""
    return f"at {path}" if path else ""
