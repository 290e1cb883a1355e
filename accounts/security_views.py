"""Pages about the safety of a sign-in: the idle time-out, and the second factor (set up, asked for, reset)."""

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST


@never_cache
@require_GET
def session_ended(request):
    """Where an idle session lands. Signs out what is left of it (a page left open past its time reaches here)."""
    if request.user.is_authenticated:
        logout(request)
    return render(
        request,
        "accounts/session_ended.html",
        {
            "staff_minutes": settings.SESSION_IDLE_MINUTES_STAFF,
            "family_minutes": settings.SESSION_IDLE_MINUTES_FAMILY,
        },
    )


@never_cache
@require_POST
def keep_alive(request):
    """ "Stay signed in" on the time-out warning: any request counts as activity, so this only answers."""
    return HttpResponse(status=204 if request.user.is_authenticated else 401)
