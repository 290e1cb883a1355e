"""Pages about the safety of a sign-in: the idle time-out, and the second factor (set up, asked for, reset)."""

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services, two_factor
from accounts.models import User
from accounts.policy import role_may
from accounts.security import second_factor_required
from accounts.security_forms import SecurityEventFilterForm, SetupCodeForm, SignInCodeForm
from core.errors import ServiceError

SETUP_DEVICE_KEY = "second_factor_setup_device"
NEW_CODES_KEY = "second_factor_new_recovery_codes"


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


# --- the second step of signing in --------------------------------------------------------------------------


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _verified(request) -> bool:
    return request.session.get(two_factor.SESSION_KEY) == two_factor.VERIFIED


def _pass(request, *, how: str):
    """The second step is done: a fresh session key, so a session id seen before this point is worth nothing."""
    request.session.cycle_key()
    request.session[two_factor.SESSION_KEY] = two_factor.VERIFIED
    if how == two_factor.RECOVERY:
        left = two_factor.recovery_codes_left(request.user)
        messages.warning(
            request,
            _(
                "You signed in with a recovery code; it cannot be used again. You have %(left)s left. "
                "If you have lost your phone, set up your authenticator app again."
            )
            % {"left": left},
        )


@never_cache
@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def second_step(request):
    """After the password: the code from the authenticator app (or a recovery code)."""
    user = request.user
    if _verified(request):
        return redirect(_next(request))
    has_factor = two_factor.has_second_factor(user)
    demo = settings.DEMO_TOTP_BYPASS and not has_factor
    if not has_factor and not demo:
        if not second_factor_required(user):
            request.session[two_factor.SESSION_KEY] = two_factor.NOT_SET_UP
            return redirect(_next(request))
        return redirect(f"{reverse('accounts:two_factor_setup')}?{request.GET.urlencode()}")
    form = SignInCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            how = two_factor.verify(user=user, code=form.cleaned_data["code"])
        except ServiceError as refused:
            form.add_error("code", refused.message)
        else:
            _pass(request, how=how)
            return redirect(_next(request))
    return render(
        request,
        "accounts/two_factor_code.html",
        {"form": form, "next": _next(request), "demo_code": settings.DEMO_TOTP_CODE if demo else None},
        status=400 if form.errors else 200,
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Set up an authenticator app: on first sign-in for staff, whenever they like for everyone else.

    Someone who already has one must have passed the second step first, so a stolen password alone cannot
    swap in the thief's app.
    """
    user = request.user
    if two_factor.has_second_factor(user) and not _verified(request):
        return redirect(f"{reverse('accounts:two_factor')}?{request.GET.urlencode()}")
    current = two_factor.pending_setup(user=user, device_id=request.session.get(SETUP_DEVICE_KEY))
    if current is None or request.method == "GET":
        current = two_factor.start_setup(user=user)
        request.session[SETUP_DEVICE_KEY] = current.device.pk
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_setup(
                user=user, device_id=current.device.pk, code=form.cleaned_data["code"]
            )
        except ServiceError as refused:
            form.add_error("code", refused.message)
        else:
            request.session.pop(SETUP_DEVICE_KEY, None)
            _pass(request, how=two_factor.AUTHENTICATOR)
            request.session[NEW_CODES_KEY] = codes
            return redirect(f"{reverse('accounts:two_factor_recovery_codes')}?{request.GET.urlencode()}")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": _qr_data_uri(current.uri),
            "secret_groups": [current.secret[i : i + 4] for i in range(0, len(current.secret), 4)],
            "required": second_factor_required(user),
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_GET
def recovery_codes(request):
    """The recovery codes, shown once: they are not kept anywhere they could be read again."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes or not _verified(request):
        return redirect(_next(request))
    return render(
        request, "accounts/two_factor_recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reset(request, user_id: int):
    """An administrator removes someone's authenticator (a lost phone): they set it up again when they next sign in."""
    person = (
        selectors.get_staff_member_for(user=request.user, pk=user_id)
        if not request.user.is_superuser
        else None
    )
    if person is None and request.user.is_superuser:
        person = User.objects.filter(pk=user_id).first()
    if person is None or not two_factor.may_reset(person=person, by=request.user):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            two_factor.reset(person=person, by=request.user)
        except ServiceError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _(
                    "%(name)s's two-factor sign-in has been reset. They will set it up again when they next sign in."
                )
                % {"name": person.full_name},
            )
            return redirect("accounts:staff_list")
    return render(
        request,
        "accounts/two_factor_reset.html",
        {"member": person, "error": error, "has_factor": two_factor.has_second_factor(person)},
        status=400 if error else 200,
    )


def _qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI: drawn here, so the secret never goes to another service."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def locked_out(request, original_response=None, credentials=None):
    """Too many wrong passwords: say when to try again, and that resetting the password is always open."""
    from axes.helpers import get_cool_off
    from django.utils import timezone
    from django.utils.formats import time_format

    cool_off = get_cool_off(request)
    until = timezone.localtime(timezone.now() + cool_off)
    minutes = max(1, round(cool_off.total_seconds() / 60))
    message = _(
        "There have been too many wrong passwords. Try again at %(time)s (in %(minutes)s minutes), "
        "or reset your password."
    ) % {"time": time_format(until, "H:i"), "minutes": minutes}
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


# --- API tokens and the security events log ----------------------------------------------------------------

EVENTS_PAGE_SIZE = 50


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """Your API tokens: the ones that still work, and a button to stop each. Another person's is "not found"."""
    if not role_may(request.user, "manage_own_api_tokens"):
        raise Http404
    if request.method == "POST":
        token_key = str(request.POST.get("token", ""))[:25]
        if not services.revoke_api_token(token_key=token_key, by=request.user, request=request):
            raise Http404
        messages.success(request, _("Token %(key)s… is revoked: it no longer works.") % {"key": token_key})
        return redirect("accounts:api_tokens")
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "tokens": selectors.api_tokens_of(user=request.user),
            "token_days": settings.REST_KNOX["TOKEN_TTL"].days,
        },
    )


@login_required
@require_GET
def security_events(request):
    """The service manager's log of what happened at the doors, by person and dates, newest first."""
    if not role_may(request.user, "view_security_events"):
        raise Http404
    form = SecurityEventFilterForm(
        request.GET or None, people=selectors.council_people_for_events(user=request.user)
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    person = filters.get("person")
    events = selectors.security_events_for(
        user=request.user,
        person_id=person.pk if person else None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(events, EVENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/security_events.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
        status=400 if form.errors else 200,
    )
