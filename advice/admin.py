from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from advice.models import AdviceSettings, AdviceTeam, RasScheme


@admin.register(AdviceTeam)
class AdviceTeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "council", "is_active"]
    list_filter = ["council", "is_active"]
    filter_horizontal = ["leads", "members"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AdviceSettings)
class AdviceSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["council", "reuse_max_age_months", "access_days_after_close", "advisers_read_each_other"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RasScheme)
class RasSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "council", "effective_from"]
    list_filter = ["council"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
