"""Support-admin for case data, with history.

Nothing a person entered is hard-deleted, so no model here can be deleted. Rows whose changes have side effects
(the stage and statutory dates of a case, its deadlines, exceptions and team, which write the timeline and
recompute deadlines) are read-only: they change through the case pages and services, never behind their back.
Plain details (a child's details, family contacts, a document's description) can be corrected here, with history.

Every admin is scoped to the council of the person using it (accounts.support_admin), and opening a child's record
(a case, a child or anything about them) is written to the access log and the security events log, as reading it
on the case page is.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from simple_history.admin import SimpleHistoryAdmin

from accounts import services as account_services
from accounts.support_admin import CouncilScopedAdmin, ScopedInline
from cases import services
from cases.models import (
    AccessLog,
    Case,
    CaseDocument,
    CaseTeamMember,
    Child,
    Deadline,
    DeadlineException,
    FamilyContact,
    InvolvedProfessional,
    ReminderRule,
    ReminderSent,
    TimelineEvent,
)


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoDeleteMixin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LogsReads:
    """Opening one row about a child in the support admin is logged as a read of that child's record."""

    def record_of(self, obj) -> tuple:
        """(case, child) the row belongs to."""
        if isinstance(obj, Case):
            return obj, obj.child
        if isinstance(obj, Child):
            return None, obj
        case = getattr(obj, "case", None)
        return case, getattr(obj, "child", None) or (case.child if case is not None else None)

    def _log_read(self, request, object_id) -> None:
        obj = self.get_object(request, object_id)
        case, child = self.record_of(obj)
        action = f"admin_view_{self.model._meta.model_name}"[:40]
        if case is not None:
            services.log_access(user=request.user, case=case, action=action, path=request.path)
        else:
            AccessLog.objects.create(
                user=request.user, case=None, child=child, action=action, path=request.path[:300]
            )
        account_services.record_security_event(
            account_services.SecurityEventKind.ADMIN_READ,
            user=request.user,
            request=request,
            detail=f"{self.model._meta.verbose_name} {obj.pk}"
            + (f" of case {case.reference}" if case is not None else ""),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and object_id:
            self._log_read(request, unquote(object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._log_read(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)


@admin.register(Child)
class ChildAdmin(NoDeleteMixin, LogsReads, CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("council",)
    list_display = (
        "legal_last_name",
        "legal_first_name",
        "preferred_name",
        "date_of_birth",
        "council",
        "current_setting",
        "upn",
    )
    list_filter = ("council", "gender", "interpreter_needed")
    search_fields = ("search_name", "upn", "uln", "nhs_number", "postcode")
    list_select_related = ("council", "current_setting")
    autocomplete_fields = ("current_setting",)
    # The date of birth drives statutory dates (annual reviews, age limits): corrected through the case pages.
    readonly_fields = ("council", "date_of_birth", "search_name", "created_at")

    def has_add_permission(self, request):
        # A child is added by logging a request, which starts the statutory clock.
        return False

    def save_model(self, request, obj, form, change):
        obj.search_name = services.search_name_for(obj)
        super().save_model(request, obj, form, change)


@admin.register(FamilyContact)
class FamilyContactAdmin(NoDeleteMixin, LogsReads, CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("child__council",)
    list_display = (
        "name",
        "relationship",
        "child",
        "email",
        "phone",
        "is_main_contact",
        "parental_responsibility",
        "is_archived",
    )
    list_filter = ("relationship", "is_main_contact", "parental_responsibility", "is_archived")
    search_fields = ("name", "email", "phone", "child__search_name")
    list_select_related = ("child",)
    autocomplete_fields = ("child", "user")


class DeadlineInline(ScopedInline, ReadOnlyMixin, admin.TabularInline):
    model = Deadline
    fields = ("code", "ref", "starts_on", "due_on", "met_on", "status")
    extra = 0


class TeamInline(ScopedInline, ReadOnlyMixin, admin.TabularInline):
    model = CaseTeamMember
    fields = ("role", "user", "organisation", "starts_on", "ends_on", "added_by")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organisation", "added_by")


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, LogsReads, CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("council",)
    list_display = (
        "reference",
        "child",
        "council",
        "stage",
        "coordinator",
        "received_on",
        "next_due_on",
        "next_deadline_code",
        "closed_on",
    )
    list_filter = ("stage", "council", "route", "requested_by", "primary_need")
    search_fields = ("reference", "child__search_name", "child__upn")
    list_select_related = ("child", "council", "coordinator")
    date_hierarchy = "received_on"
    inlines = (TeamInline, DeadlineInline)


@admin.register(InvolvedProfessional)
class InvolvedProfessionalAdmin(NoDeleteMixin, LogsReads, CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("case__council",)
    list_display = ("name", "role", "service", "case", "source", "added_at", "withdrawn_at")
    list_filter = ("source",)
    search_fields = ("name", "service", "email", "case__reference")
    list_select_related = ("case",)
    raw_id_fields = ("case", "added_by")


@admin.register(CaseTeamMember)
class CaseTeamMemberAdmin(ReadOnlyMixin, LogsReads, CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("case__council",)
    list_display = ("case", "role", "user", "organisation", "starts_on", "ends_on", "added_by")
    list_filter = ("role", "ends_on")
    search_fields = ("case__reference", "user__email", "user__full_name", "organisation__name")
    list_select_related = ("case", "user", "organisation", "added_by")


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyMixin, LogsReads, CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("case__council",)
    list_display = ("case", "code", "ref", "starts_on", "due_on", "met_on", "status")
    list_filter = ("code", "status", "kind")
    search_fields = ("case__reference", "ref")
    list_select_related = ("case",)
    date_hierarchy = "due_on"


@admin.register(DeadlineException)
class DeadlineExceptionAdmin(ReadOnlyMixin, LogsReads, CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("case__council",)
    list_display = ("case", "kind", "starts_on", "ends_on", "recorded_by", "recorded_at", "withdrawn_at")
    list_filter = ("kind",)
    search_fields = ("case__reference", "reason")
    list_select_related = ("case", "recorded_by")


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyMixin, CouncilScopedAdmin, admin.ModelAdmin):
    council_lookups = ("case__council",)
    # Append-only and without a history table of its own: SimpleHistoryAdmin would have nothing to show.
    list_display = ("occurred_at", "case", "kind", "summary", "actor", "visible_to_family")
    list_filter = ("kind", "visible_to_family")
    search_fields = ("case__reference", "summary")
    list_select_related = ("case", "actor")
    date_hierarchy = "occurred_at"


@admin.register(CaseDocument)
class CaseDocumentAdmin(NoDeleteMixin, LogsReads, CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("case__council",)
    list_display = (
        "name",
        "case",
        "category",
        "uploaded_by",
        "uploaded_at",
        "visibility",
        "withdrawn_at",
    )
    list_filter = ("category", "visibility")
    search_fields = ("name", "description", "case__reference")
    list_select_related = ("case", "uploaded_by")
    # The file itself is served only by the permission-checked case page; withdrawing goes through the service.
    readonly_fields = (
        "case",
        "file",
        "name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "withdrawn_at",
        "withdrawn_reason",
    )
    date_hierarchy = "uploaded_at"

    def has_add_permission(self, request):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyMixin, CouncilScopedAdmin, admin.ModelAdmin):
    council_lookups = ("case__council", "child__council")
    list_display = ("at", "user", "case", "child", "action", "path")
    list_filter = ("action",)
    search_fields = ("user__email", "case__reference", "path")
    list_select_related = ("user", "case", "child")
    date_hierarchy = "at"


# --- Reminders ------------------------------------------------------------------------------------------------
# Rules are configuration that a council's support staff may change (with history); a rule that has fired is
# never deleted, so it is switched off instead. What the sweep sent is a read-only record.


@admin.register(ReminderRule)
class ReminderRuleAdmin(NoDeleteMixin, CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("council",)
    list_display = (
        "deadline_code",
        "offset_days",
        "audience",
        "template",
        "escalate",
        "is_active",
        "council",
    )
    list_filter = ("is_active", "deadline_code", "audience", "template", "escalate", "council")
    list_editable = ("is_active",)
    list_select_related = ("council",)
    ordering = ("council", "deadline_code", "offset_days", "audience")
    fieldsets = (
        (None, {"fields": ("council", "deadline_code", "offset_days", "audience")}),
        ("Message", {"fields": ("template", "escalate", "is_active")}),
    )


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyMixin, CouncilScopedAdmin, admin.ModelAdmin):
    council_lookups = ("deadline__case__council",)
    list_display = ("sent_at", "occurrence", "deadline", "rule")
    list_filter = ("rule__deadline_code", "rule__template")
    search_fields = ("deadline__case__reference",)
    list_select_related = ("deadline", "rule")
    raw_id_fields = ("deadline", "rule")
    date_hierarchy = "occurrence"
