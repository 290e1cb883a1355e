"""Support tooling for the panel: read with history, never delete (decisions and votes are the record)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from panel.models import AgendaItem, Decision, Meeting, Panel, PanelMember, Vote


class _NoDelete(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Panel)
class PanelAdmin(_NoDelete):
    list_display = ["name", "council", "mode", "quorum_members", "decides_for_council", "is_active"]
    list_filter = ["council", "is_active"]


@admin.register(PanelMember)
class PanelMemberAdmin(_NoDelete):
    list_display = ["user", "panel", "agency", "is_chair", "joined_on", "left_on"]
    list_filter = ["panel", "agency"]


@admin.register(Meeting)
class MeetingAdmin(_NoDelete):
    list_display = ["panel", "kind", "held_on", "status", "minutes_approved_at"]
    list_filter = ["panel", "kind", "status"]


@admin.register(AgendaItem)
class AgendaItemAdmin(_NoDelete):
    list_display = ["case", "meeting", "question", "status", "position"]
    list_filter = ["status", "question"]
    raw_id_fields = ["case", "meeting"]


class _ReadOnly(_NoDelete):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Vote)
class VoteAdmin(_ReadOnly):
    list_display = ["item", "member", "choice", "sends", "changed_at"]


@admin.register(Decision)
class DecisionAdmin(_ReadOnly):
    list_display = ["case", "question", "outcome", "band", "decided_on", "recorded_by"]
