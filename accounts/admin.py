"""Support-admin (/support-admin/) for people and organisations, with history. Nothing is deleted here.

Each admin is scoped by council (accounts.support_admin): a council's administrator sees only their own. Nobody
sets another person's password here: "Reset password" emails them a link instead. API tokens show only the first
characters of the token (the rest is never stored) and can be revoked, never created.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from accounts import selectors, services
from accounts.models import ApiToken, Invitation, Organisation, SecurityEvent, User
from accounts.support_admin import CouncilScopedAdmin

# How a person reaches a council: staff of it or its partners, and families on its cases.
PEOPLE_LOOKUPS = (
    "organisation",
    "organisation__council",
    "family_contacts__child__council",
    "case_memberships__case__council",
)


class NoDeleteMixin:
    """People and organisations are referenced by case records: deactivate them instead of deleting."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(NoDeleteMixin, CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("pk", "council")
    list_display = ("name", "kind", "council", "urn", "email", "is_active")
    list_filter = ("kind", "is_active", "council")
    search_fields = ("name", "urn", "email")
    list_select_related = ("council",)
    autocomplete_fields = ("council",)
    ordering = ("name",)


class StaffUserCreationForm(forms.ModelForm):
    """No password is chosen here: the new person is emailed a link to choose their own."""

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
class UserAdmin(NoDeleteMixin, CouncilScopedAdmin, SimpleHistoryAdmin, BaseUserAdmin):
    council_lookups = PEOPLE_LOOKUPS
    council_lookups_many = True
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
    actions = ["send_password_links"]
    # Platform-wide rights are the operator's to give; a council's administrator never sees these fields.
    OPERATOR_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if selectors.is_operator(request.user):
            return fieldsets
        return [
            (
                name,
                {**options, "fields": [f for f in options["fields"] if f not in self.OPERATOR_ONLY_FIELDS]},
            )
            for name, options in fieldsets
        ]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if selectors.is_operator(request.user):
            return filters
        return [f for f in filters if f not in self.OPERATOR_ONLY_FIELDS]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        if not change:
            services.send_password_link(person=obj, by=request.user)

    def user_change_password(self, request, id, form_url=""):
        """In place of Django's "set password" page: send the person a link to choose their own."""
        person = self.get_object(request, unquote(id))
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        if request.method == "POST":
            try:
                services.send_password_link(person=person, by=request.user)
            except services.ServiceError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("We have emailed %(email)s a link to choose a new password.") % {"email": person.email},
                    messages.SUCCESS,
                )
            return redirect(reverse("admin:accounts_user_change", args=[person.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send a link to choose a new password"),
            "person": person,
            "opts": self.model._meta,
            "original": person,
        }
        return TemplateResponse(request, "admin/accounts/user/send_password_link.html", context)

    @admin.action(description=_("Email the selected people a link to choose a new password"))
    def send_password_links(self, request, queryset):
        sent = 0
        for person in queryset:
            try:
                services.send_password_link(person=person, by=request.user)
            except services.ServiceError as error:
                self.message_user(request, f"{person.email}: {error.message}", messages.ERROR)
            else:
                sent += 1
        message = ngettext("%(count)d link sent.", "%(count)d links sent.", sent)
        self.message_user(request, message % {"count": sent}, messages.SUCCESS)


@admin.register(Invitation)
class InvitationAdmin(NoDeleteMixin, CouncilScopedAdmin, SimpleHistoryAdmin):
    """Invitations are created from the "Invite someone" page, which emails the link; here they can be revoked."""

    council_lookups = ("organisation", "organisation__council", "invited_by__organisation")

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


@admin.register(ApiToken)
class ApiTokenAdmin(CouncilScopedAdmin, admin.ModelAdmin):
    """Tokens are issued by the API's token door (with the second factor) to their owner alone: none is made here.

    Only the first characters are shown; the rest of the token was never stored.
    """

    council_lookups = tuple(f"user__{lookup}" for lookup in PEOPLE_LOOKUPS)
    council_lookups_many = True
    list_display = ("token_key", "name", "user", "created", "expiry")
    search_fields = ("token_key", "user__email", "user__full_name")
    list_select_related = ("user",)
    fields = ("token_key", "name", "user", "created", "expiry")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens (they stop working at once)"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.select_related("user"):
            if services.revoke_api_token_as_administrator(token_key=token.token_key, by=request.user):
                count += 1
        message = ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def get_actions(self, request):
        # The list is read-only, yet revoking is allowed: Django offers actions only with change permission.
        actions = super().get_actions(request)
        if "revoke" not in actions:
            actions["revoke"] = self.get_action("revoke")
        return actions


@admin.register(SecurityEvent)
class SecurityEventAdmin(CouncilScopedAdmin, admin.ModelAdmin):
    council_lookups = ("council",)
    list_display = ("at", "kind", "user", "email", "ip_address", "by", "detail")
    list_filter = ("kind",)
    search_fields = ("email", "user__email", "detail")
    list_select_related = ("user", "by")
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
