"""Limits on the doors other than the password (django-axes holds that one): emails anyone can ask for, and
one-time links anyone can guess at. Counted in the cache (Redis in production) in a rolling window of
THROTTLE_WINDOW_MINUTES, per address typed and per network address (accounts.backends.client_ip).

A refusal is a 429 page (or JSON for the API) that says at what time to try again, with `Retry-After`. Whether an
account exists never changes the answer: the address typed is counted whether or not it has one.
"""

import hashlib
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from accounts import security_events
from accounts.backends import client_ip

# Every counter's key starts with this (tests give each test its own, so counts never leak between them).
KEY_PREFIX = "throttle"


def _window() -> int:
    return settings.THROTTLE_WINDOW_MINUTES * 60


def _key(name: str, ident: str) -> str:
    return f"{KEY_PREFIX}:{name}:{hashlib.sha256(ident.encode()).hexdigest()}"


def _count(key: str, *, add: bool) -> tuple[int, float]:
    """(tries so far, when the window ends), counting one more when `add`."""
    now = time.time()
    window = _window()
    cache.add(f"{key}:start", now, window)
    start = cache.get(f"{key}:start", now)
    if not add:
        return cache.get(key, 0), start + window
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, window)
        count = 1
    return count, start + window


def _retry_at(ends: float) -> datetime:
    return datetime.fromtimestamp(ends, tz=timezone.get_current_timezone())


def emails_refused(request, *, door: str, email: str) -> datetime | None:
    """Count one request for an email to `email` (a password reset, a save-and-return link) from this address.

    Returns when to try again if this one is over a limit (PASSWORD_RESET_LIMIT_PER_ACCOUNT per address typed,
    PASSWORD_RESET_LIMIT_PER_ADDRESS per network address), else None.
    """
    typed = email.strip().lower()
    counts = [
        (_count(_key(f"{door}:email", typed), add=True), settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT),
        (
            _count(_key(f"{door}:ip", client_ip(request) or "unknown"), add=True),
            settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        ),
    ]
    over = [ends for (count, ends), limit in counts if count > limit]
    if not over:
        return None
    security_events.record(
        security_events.Kind.THROTTLED, email=typed, request=request, detail=f"{door} emails"
    )
    return _retry_at(max(over))


def links_refused(request, *, door: str) -> datetime | None:
    """Has this address had too many wrong one-time links (ONE_TIME_LINK_FAILURE_LIMIT) lately? Counts nothing."""
    count, ends = _count(_key(f"{door}:links", client_ip(request) or "unknown"), add=False)
    if count < settings.ONE_TIME_LINK_FAILURE_LIMIT:
        return None
    security_events.record(security_events.Kind.THROTTLED, request=request, detail=f"{door} links")
    return _retry_at(ends)


def link_failed(request, *, door: str) -> None:
    """A link that matched nothing: one more towards the limit for this address."""
    _count(_key(f"{door}:links", client_ip(request) or "unknown"), add=True)


def too_many(request, retry_at: datetime, *, what: str):
    """The 429 answer: what was refused, and when to try again."""
    seconds = max(1, int((retry_at - timezone.now()).total_seconds()))
    minutes = max(1, round(seconds / 60))
    message = _("You have tried this too many times. Try again at %(time)s (in %(minutes)s minutes).") % {
        "time": time_format(timezone.localtime(retry_at), "H:i"),
        "minutes": minutes,
    }
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "accounts/throttled.html", {"message": message, "what": what}, status=429)
    response["Retry-After"] = str(seconds)
    return response
