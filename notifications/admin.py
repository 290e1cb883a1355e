"""Support-admin (/support-admin/) for the outbox: read-only. Messages change state only through the services."""

from django.contrib import admin
from django.contrib.admin.utils import unquote

from accounts import services as account_services
from accounts.support_admin import CouncilScopedAdmin
from notifications.models import Message


@admin.register(Message)
class MessageAdmin(CouncilScopedAdmin, admin.ModelAdmin):
    # The council on whose behalf it was sent; account emails (no council) are the operator's alone.
    council_lookups = ("organisation",)
    list_display = ("id", "template", "channel", "state", "recipient", "to_address", "attempts", "created_at")
    list_filter = ("state", "channel", "template", "needs_follow_up")
    search_fields = ("to_address", "recipient__email", "provider_id", "idempotency_key")
    list_select_related = ("recipient", "organisation")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    show_full_result_count = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A message can name a child and say what happens on their case: opening one is a logged read.
        if request.method == "GET" and object_id:
            message = self.get_object(request, unquote(object_id))
            account_services.record_security_event(
                account_services.SecurityEventKind.ADMIN_READ,
                user=request.user,
                request=request,
                detail=f"message {message.pk} {message.subject_ref}".strip(),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
