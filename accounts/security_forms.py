"""Forms for the second step of signing in and for setting up an authenticator app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GovUKForm


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
