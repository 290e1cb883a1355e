from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.support_admin import CouncilScopedAdmin, ScopedInline
from forms_ersa.models import DraftEvidence, FormSettings, RequestDraft


@admin.register(FormSettings)
class FormSettingsAdmin(CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("council",)
    list_display = ["council", "max_report_age_months", "contact_email", "contact_phone"]


class DraftEvidenceInline(ScopedInline, admin.TabularInline):
    model = DraftEvidence
    extra = 0
    can_delete = False
    fields = ["name", "kind", "report_date", "old_reason", "size", "uploaded_at", "removed_at"]
    readonly_fields = fields


@admin.register(RequestDraft)
class RequestDraftAdmin(CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("council",)
    list_display = ["public_id", "council", "route", "status", "case", "created_at"]
    list_filter = ["status", "route", "council"]
    search_fields = ["public_id", "email", "case__reference"]
    readonly_fields = [
        "public_id",
        "token_hash",
        "case",
        "version",
        "created_at",
        "updated_at",
        "submitted_at",
    ]
    inlines = [DraftEvidenceInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
