"""Support-admin (/support-admin/) for people and organisations, with history. Nothing is deleted here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from accounts import services
from accounts.models import Invitation, Organisation, User


class NoDeleteMixin:
    """People and organisations are referenced by case records: deactivate them instead of deleting."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "council", "urn", "email", "is_active")
    list_filter = ("kind", "is_active", "council")
    search_fields = ("name", "urn", "email")
    list_select_related = ("council",)
    autocomplete_fields = ("council",)
    ordering = ("name",)


class StaffUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role", "discipline", "organisation")

    def clean_email(self):
        email = services.normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("There is already an account with this email address"))
        return email


class StaffUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        email = services.normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("There is already an account with this email address"))
        return email


@admin.register(User)
class UserAdmin(NoDeleteMixin, SimpleHistoryAdmin, BaseUserAdmin):
    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "role", "discipline", "organisation", "job_title", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "role",
                    "discipline",
                    "organisation",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = (
        "email",
        "full_name",
        "role",
        "discipline",
        "organisation",
        "is_active",
        "is_staff",
        "last_login",
    )
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "organisation__kind", "discipline")
    search_fields = ("email", "full_name", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    ordering = ("full_name", "email")
    filter_horizontal = ("groups", "user_permissions")


@admin.register(Invitation)
class InvitationAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Invitations are created from the "Invite someone" page, which emails the link; here they can be revoked."""

    list_display = (
        "email",
        "full_name",
        "role",
        "organisation",
        "invited_by",
        "created_at",
        "expires_at",
        "status",
    )
    list_filter = ("role", "created_at", "expires_at")
    search_fields = ("email", "full_name", "invited_by__email", "organisation__name")
    list_select_related = ("organisation", "invited_by", "accepted_user")
    readonly_fields = (
        "email",
        "full_name",
        "role",
        "organisation",
        "token_hash",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_user",
        "revoked_at",
        "purpose",
    )
    actions = ["revoke"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"))
    def status(self, obj: Invitation) -> str:
        if obj.accepted_at:
            return str(_("Accepted"))
        if obj.revoked_at:
            return str(_("Revoked"))
        if obj.expires_at <= timezone.now():
            return str(_("Expired"))
        return str(_("Waiting"))

    @admin.action(description=_("Revoke the selected invitations (their links stop working)"))
    def revoke(self, request, queryset):
        count = 0
        for invitation in queryset.select_related("invited_by"):
            try:
                services.revoke_invitation(invitation=invitation, by=request.user)
            except services.ServiceError as error:
                self.message_user(request, error.message, messages.ERROR)
                return
            count += 1
        message = ngettext("%(count)d invitation revoked.", "%(count)d invitations revoked.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
