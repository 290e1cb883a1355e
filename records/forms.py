from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GovUKForm
from records import schedule
from records.models import BASIS_CHOICES, METHOD_CHOICES, LegalHold

REFERENCE_HELP = _("The case reference, like EHC-2026-00042. Every case of the child is included.")


class ExportForm(GovUKForm):
    required_messages = {"reference": _("Enter the case reference, like EHC-2026-00042")}

    reference = forms.CharField(label=_("Case reference"), max_length=20, help_text=REFERENCE_HELP)
    request_reference = forms.CharField(
        label=_("Your reference for the request (optional)"),
        max_length=60,
        required=False,
        help_text=_("The reference in your information governance log, so the archive can be matched to it."),
    )


class RuleForm(GovUKForm):
    required_messages = {"years": _("Enter the number of years")}

    years = forms.IntegerField(
        label=_("Years"),
        min_value=schedule.MIN_YEARS,
        max_value=schedule.MAX_YEARS,
        error_messages={
            "invalid": _("Enter the number of years as a whole number, like 6"),
            "min_value": _("Enter a number of years from 1 to 100"),
            "max_value": _("Enter a number of years from 1 to 100"),
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    basis = forms.ChoiceField(label=_("Counted from"), choices=BASIS_CHOICES, widget=forms.RadioSelect)
    method = forms.ChoiceField(
        label=_("How the records are disposed of"), choices=METHOD_CHOICES, widget=forms.RadioSelect
    )
    source = forms.CharField(label=_("Where the rule comes from (optional)"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class HoldForm(GovUKForm):
    required_messages = {
        "reference": _("Enter the case reference, like EHC-2026-00042"),
        "kind": _("Select why the records must be kept"),
        "reason": _("Enter the details: the appeal or complaint and its reference"),
    }

    reference = forms.CharField(label=_("Case reference"), max_length=20)
    kind = forms.ChoiceField(
        label=_("Why must the records be kept?"), choices=LegalHold.Kind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class LiftHoldForm(GovUKForm):
    required_messages = {"reason": _("Enter why the hold is lifted (for example, the appeal was decided)")}

    reason = forms.CharField(
        label=_("Why is the hold lifted?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DecisionForm(GovUKForm):
    required_messages = {"decision": _("Select whether to dispose of the records or keep them for now")}

    decision = forms.ChoiceField(
        label=_("What should happen to these records?"),
        choices=[
            ("approve", _("Dispose of them as the schedule says")),
            ("keep", _("Keep them for now (they come back to this list in a year)")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason (needed to keep them)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "keep" and not (data.get("note") or "").strip():
            self.add_error("note", _("Enter why the records are kept for now"))
        return data
