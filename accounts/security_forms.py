"""Forms for the second step of signing in and for setting up an authenticator app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GovUKDateField, GovUKForm


class SignInCodeForm(GovUKForm):
    required_messages = {"code": _("Enter the 6-digit code from your authenticator app")}

    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),
    )


class SetupCodeForm(GovUKForm):
    required_messages = {"code": _("Enter the 6-digit code your authenticator app shows for this service")}

    code = forms.CharField(
        label=_("Code from your app"),
        help_text=_("The 6 digits your authenticator app now shows for this service"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )


class SecurityEventFilterForm(GovUKForm):
    """Narrow the security events log to one person and a range of dates (all optional)."""

    person = forms.ModelChoiceField(
        label=_("Person"), required=False, queryset=None, empty_label=_("Everyone")
    )
    date_from = GovUKDateField(label=_("From"), label_lower=_("the first date"), required=False)
    date_to = GovUKDateField(label=_("To"), label_lower=_("the last date"), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda user: f"{user.full_name} ({user.email})"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The last date must be the same as or after the first date"))
        return data
