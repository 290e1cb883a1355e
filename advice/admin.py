from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.support_admin import CouncilScopedAdmin
from advice import ras, selectors
from advice.models import AdviceSettings, AdviceTeam, RasScheme


class RasSchemeForm(forms.ModelForm):
    """The scheme is checked as a whole before it is saved, so a case is never scored by a broken one."""

    class Meta:
        model = RasScheme
        fields = ["council", "name", "effective_from", "config"]

    def clean(self):
        data = super().clean()
        if "config" in data and data.get("effective_from"):
            candidate = RasScheme(
                name=data.get("name", ""), effective_from=data["effective_from"], config=data["config"]
            )
            try:
                problems = ras.validate_scheme(selectors.scheme_from(candidate))
            except (KeyError, TypeError, ValueError, ArithmeticError) as error:
                problems = [f"The configuration is not in the expected shape ({error})"]
            for problem in problems:
                self.add_error("config", problem)
        return data


@admin.register(AdviceTeam)
class AdviceTeamAdmin(CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("council",)
    list_display = ["name", "organisation", "council", "is_active"]
    list_filter = ["council", "is_active"]
    filter_horizontal = ["leads", "members"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AdviceSettings)
class AdviceSettingsAdmin(CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("council",)
    list_display = ["council", "reuse_max_age_months", "access_days_after_close", "advisers_read_each_other"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RasScheme)
class RasSchemeAdmin(CouncilScopedAdmin, SimpleHistoryAdmin):
    council_lookups = ("council",)
    form = RasSchemeForm
    list_display = ["name", "council", "effective_from"]
    list_filter = ["council"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
