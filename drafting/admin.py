"""Support staff tooling for plans: the council's sign-off rules, and every plan row read-only with its history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from drafting.models import (
    CommentAnswer,
    FamilyComment,
    IssueRecord,
    PlacementConsultation,
    Plan,
    PlanVersion,
    SignOffRule,
)


class _NoDelete(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SignOffRule)
class SignOffRuleAdmin(_NoDelete):
    list_display = ["council", "role", "max_annual_cost", "is_active"]
    list_filter = ["council", "role", "is_active"]


@admin.register(Plan)
class PlanAdmin(_NoDelete):
    list_display = ["case", "council", "created_at"]
    raw_id_fields = ["case"]


@admin.register(PlanVersion)
class PlanVersionAdmin(_NoDelete):
    list_display = ["plan", "number", "kind", "status", "grade", "error_count", "created_at"]
    list_filter = ["kind", "status", "grade"]
    raw_id_fields = ["plan", "previous", "created_by", "sent_by"]


@admin.register(FamilyComment)
class FamilyCommentAdmin(_NoDelete):
    list_display = ["plan_version", "section", "route", "sent_at"]
    raw_id_fields = ["plan_version", "case", "evidence", "author", "recorded_by"]


@admin.register(CommentAnswer)
class CommentAnswerAdmin(_NoDelete):
    list_display = ["comment", "outcome", "at"]
    raw_id_fields = ["comment", "by"]


@admin.register(PlacementConsultation)
class PlacementConsultationAdmin(_NoDelete):
    list_display = ["plan", "school_name", "sent_on", "reply_due_on", "response"]
    raw_id_fields = ["plan", "school", "recorded_by"]


@admin.register(IssueRecord)
class IssueRecordAdmin(_NoDelete):
    list_display = ["case", "issued_on", "ras_band", "decided_band", "actual_cost", "finance_exported_at"]
    raw_id_fields = ["plan_version", "case", "council", "placement", "by"]
