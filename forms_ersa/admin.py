from django.contrib import admin
from django.contrib.admin.utils import unquote
from simple_history.admin import SimpleHistoryAdmin

from accounts import services as account_services
from accounts.support_admin import CouncilScopedAdmin, ScopedInline
from cases import services as case_services
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A request holds the child's details: opening one is a read of their record, logged as the case page is.
        if request.method == "GET" and object_id:
            draft = self.get_object(request, unquote(object_id))
            if draft.case_id is not None:
                case_services.log_access(
                    user=request.user, case=draft.case, action="admin_view_requestdraft", path=request.path
                )
            account_services.record_security_event(
                account_services.SecurityEventKind.ADMIN_READ,
                user=request.user,
                request=request,
                detail=f"request {draft.public_id}",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
