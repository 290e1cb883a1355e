"""Thin views: parse the form, call a service or selector, render. Staff pages are 404 for everyone else."""

import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts import invitations, selectors, services, throttles, two_factor
from accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ContactPreferencesForm,
    EmailAuthenticationForm,
    InvitationForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    StaffForm,
)
from accounts.policy import role_may
from accounts.security import LAST_SEEN_KEY

# The account is created here, so Django must be told which backend vouches for it.
MODEL_BACKEND = "accounts.auth.EmailBackend"


def _only_for(council_of):
    """Deny by default: the page does not exist (404) unless `council_of(user)` finds the user's council.

    Checked before the HTTP method, so not even a 405 tells an outsider that the page is there.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if council_of(request.user) is None:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


administrators_only = _only_for(selectors.administered_council)
inviters_only = _only_for(selectors.inviting_council)


def _posted(request):
    """The submitted data, or None for a GET (an empty POST is still a submission and gets its errors)."""
    return request.POST if request.method == "POST" else None


def _apply_service_error(form, error: services.ServiceError, aliases: dict | None = None) -> None:
    field = (aliases or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


class _BadRequestOnErrors:
    """A form with errors answers 400, like every other form page."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


# --- Signing in and passwords (Django's views, GOV.UK templates) ------------------------------------------


class SignInView(_BadRequestOnErrors, auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # A new sign-in starts the second step afresh (ehcp.middleware.SecondFactorMiddleware asks for it).
        self.request.session.pop(two_factor.SESSION_KEY, None)
        self.request.session[LAST_SEEN_KEY] = int(time.time())
        return response


class ResetPasswordView(_BadRequestOnErrors, auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Counted for the address typed whether or not it has an account, so the answer tells a stranger nothing.
        retry_at = throttles.emails_refused(
            self.request, door="password_reset", email=form.cleaned_data["email"]
        )
        if retry_at is not None:
            return throttles.too_many(
                self.request,
                retry_at,
                what=_(
                    "If the email address has an account, the links already sent still work: check your inbox."
                ),
            )
        return super().form_valid(form)


class ResetPasswordDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


class ResetPasswordConfirmView(_BadRequestOnErrors, auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class ResetPasswordCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class ChangePasswordView(_BadRequestOnErrors, auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class ChangePasswordDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


# --- Staff, managed by the council's administrator --------------------------------------------------------


@login_required
@administrators_only
@require_GET
def staff_list(request):
    council = selectors.administered_council(request.user)
    staff = selectors.staff_for(user=request.user)
    return render(request, "accounts/staff_list.html", {"council": council, "staff": staff})


@login_required
@administrators_only
@require_http_methods(["GET", "POST"])
def staff_add(request):
    council = selectors.administered_council(request.user)
    form = StaffForm(_posted(request), council=council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.create_staff_member(
                full_name=data["full_name"],
                email=data["email"],
                role=data["role"],
                discipline=data["discipline"],
                organisation=data["organisation"],
                job_title=data["job_title"],
                by=request.user,
            )
        except services.ServiceError as error:
            _apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has been added. We have emailed %(email)s a link to set their password.")
                % {"name": member.full_name, "email": member.email},
            )
            return redirect("accounts:staff_list")
    return render(
        request,
        "accounts/staff_form.html",
        {"form": form, "council": council},
        status=400 if form.errors else 200,
    )


@login_required
@administrators_only
@require_http_methods(["GET", "POST"])
def staff_set_active(request, user_id: int, active: bool):
    member = selectors.get_staff_member_for(user=request.user, pk=user_id)
    if member is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            member = services.set_staff_active(member=member, active=active, by=request.user)
        except services.ServiceError as refused:
            error = refused.message
        else:
            if active:
                message = _("%(name)s has been reactivated and can sign in again.")
            else:
                message = _("%(name)s has been deactivated and can no longer sign in.")
            messages.success(request, message % {"name": member.full_name})
            return redirect("accounts:staff_list")
    return render(
        request,
        "accounts/staff_confirm_active.html",
        {"member": member, "active": active, "error": error},
        status=400 if error else 200,
    )


# --- Invitations for families, schools and supporters -----------------------------------------------------


@login_required
@inviters_only
@require_http_methods(["GET", "POST"])
def invite(request):
    council = selectors.inviting_council(request.user)
    form = InvitationForm(_posted(request), council=council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.create_invitation(
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                organisation=form.organisation,
                by=request.user,
            )
        except services.ServiceError as error:
            _apply_service_error(form, error, aliases={"organisation": form.organisation_field})
        else:
            messages.success(
                request,
                _("We have emailed an invitation to %(email)s. The link works once, until %(date)s.")
                % {
                    "email": invitation.email,
                    "date": date_format(timezone.localtime(invitation.expires_at), "j F Y"),
                },
            )
            return redirect("accounts:invite")
    return render(
        request,
        "accounts/invite.html",
        {"form": form, "council": council, "valid_days": settings.INVITATION_VALID_DAYS},
        status=400 if form.errors else 200,
    )


def _link_unusable(request, *, status: int):
    return render(request, "accounts/invitation_unusable.html", status=status)


def _account_exists(request, invitation):
    return render(request, "accounts/invitation_account_exists.html", {"email": invitation.email})


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token: str):
    retry_at = throttles.links_refused(request, door="invitation")
    if retry_at is not None:
        return throttles.too_many(request, retry_at, what=_("Check the link in your email and try it then."))
    invitation = invitations.find(token)
    if invitation is None:
        throttles.link_failed(request, door="invitation")
        return _link_unusable(request, status=404)
    if not invitation.is_usable():
        return _link_unusable(request, status=410)
    if selectors.email_in_use(invitation.email):
        return _account_exists(request, invitation)
    form = AcceptInvitationForm(
        _posted(request), email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except services.InvitationUnusable as unusable:
            return _link_unusable(request, status=410 if unusable.gone else 404)
        except services.AccountExists:
            return _account_exists(request, invitation)
        except services.ServiceError as error:
            _apply_service_error(form, error)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("Your account has been created. You are now signed in."))
            return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_preferences(request):
    user = request.user
    staff = role_may(user, "choose_digest")
    initial = {
        "preferred_channel": user.preferred_channel,
        "phone": user.phone,
        "postal_address": user.postal_address,
        "wants_daily_digest": user.wants_daily_digest,
        "language": user.language,
    }
    form = ContactPreferencesForm(request.POST or None, initial=initial, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_contact_preferences(
                user=user,
                channel=data["preferred_channel"],
                phone=data["phone"],
                postal_address=data["postal_address"],
                wants_daily_digest=data.get("wants_daily_digest", False),
                language=data["language"] or None,
            )
        except services.ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Your contact preferences have been saved."))
            return redirect("accounts:contact_preferences")
    return render(
        request, "accounts/contact_preferences.html", {"form": form}, status=400 if form.errors else 200
    )
