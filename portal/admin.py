from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import CaseShare, Conversation, ConversationMessage


@admin.register(Conversation)
class ConversationAdmin(SimpleHistoryAdmin):
    list_display = ("case", "last_from_family_at", "last_from_council_at")
    raw_id_fields = ("case",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConversationMessage)
class ConversationMessageAdmin(SimpleHistoryAdmin):
    list_display = ("conversation", "author", "from_family", "sent_at", "read_at")
    raw_id_fields = ("conversation", "author")
    readonly_fields = ("conversation", "author", "from_family", "body", "sent_at")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CaseShare)
class CaseShareAdmin(SimpleHistoryAdmin):
    list_display = ("case", "full_name", "role", "requested_at", "ended_at")
    raw_id_fields = ("case", "requested_by", "member", "ended_by")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
