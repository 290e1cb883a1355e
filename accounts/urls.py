from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import security_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    # POST only (Django's LogoutView); the "Sign out" button in the header posts here.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signed-out/", security_views.session_ended, name="session_ended"),
    path("keep-alive/", security_views.keep_alive, name="keep_alive"),
    path("two-factor/", security_views.second_step, name="two_factor"),
    path("two-factor/set-up/", security_views.setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", security_views.recovery_codes, name="two_factor_recovery_codes"),
    path("staff/<int:user_id>/two-factor/reset/", security_views.reset, name="two_factor_reset"),
    path("api-tokens/", security_views.api_tokens, name="api_tokens"),
    path("security-events/", security_views.security_events, name="security_events"),
    path("password-reset/", views.ResetPasswordView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.ResetPasswordDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.ResetPasswordConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.ResetPasswordCompleteView.as_view(), name="password_reset_complete"),
    path("password/", views.ChangePasswordView.as_view(), name="password_change"),
    path("password/changed/", views.ChangePasswordDoneView.as_view(), name="password_change_done"),
    path("contact/", views.contact_preferences, name="contact_preferences"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_add, name="staff_add"),
    path(
        "staff/<int:user_id>/deactivate/", views.staff_set_active, {"active": False}, name="staff_deactivate"
    ),
    path(
        "staff/<int:user_id>/reactivate/", views.staff_set_active, {"active": True}, name="staff_reactivate"
    ),
    path("invite/", views.invite, name="invite"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
