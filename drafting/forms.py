"""Forms of the plan pages: plain GOV.UK forms; the rules they enforce live in the services and the checks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import AreaOfNeed
from core.forms import GovUKDateField, GovUKForm, LongSelect
from drafting.models import SECTION_TITLES, SECTIONS, CommentAnswer, PlacementConsultation, SettingType

SECTION_CHOICES = [("", _("Choose a part of the plan"))] + [
    (code, f"{code}: {SECTION_TITLES[code]}") for code in SECTIONS
]
AREA_CHOICES = [("", _("Choose an area of need"))] + list(AreaOfNeed.choices)
WHOSE_CHOICES = [("child", _("The child or young person")), ("family", _("The parent or carer"))]


class _Versioned(GovUKForm):
    # The section's counter when the page was opened: the optimistic check.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The item as it was when the page was opened: another item of the section saved meanwhile is no conflict.
    item_stamp = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


def _text(label, *, required=True, rows=3, max_length=5000, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _line(label, *, required=False, max_length=200, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text)


class ViewForm(_Versioned):
    heading = _line(_("Heading"))
    text = _text(_("In their words"), rows=5)


class NewViewForm(ViewForm):
    whose = forms.ChoiceField(label=_("Whose views"), choices=WHOSE_CHOICES, widget=forms.RadioSelect)


class NeedForm(_Versioned):
    description = _text(_("The need"))
    evidence = _text(_("Evidence"), required=False)


class NeedBForm(NeedForm):
    area = forms.ChoiceField(label=_("Area of need"), choices=AREA_CHOICES)
    field_order = ["area", "description", "evidence", "expected_version"]


class OutcomeForm(_Versioned):
    description = _text(_("The outcome"))
    by_when = _line(_("By when"), required=True, help_text=_("For example, by the end of Year 4 (July 2027)"))
    measure = _text(_("How progress will be measured"), rows=2)


class ProvisionForm(_Versioned):
    what = _text(_("What will be provided"))
    who = _line(
        _("Delivered by"),
        help_text=_("The role and qualification, for example a speech and language therapist"),
    )
    frequency = _line(_("How often"), help_text=_("For example, 3 times a week"))
    duration = _line(_("For how long"), help_text=_("For example, 30 minutes a session, for 2 terms"))
    group_size = _line(_("Group size"), max_length=100, help_text=_("For example, 1 to 1, or a group of 4"))


class HealthProvisionForm(ProvisionForm):
    commissioner_agreed_by = _line(_("Health commissioner who agreed to fund it"))
    commissioner_agreed_on = GovUKDateField(label=_("Date they agreed"), required=False)


class BudgetForm(_Versioned):
    requested = forms.BooleanField(label=_("The family asked for a personal budget"), required=False)
    amount = _line(_("Amount"), max_length=100)
    details = _text(_("What it pays for and how it is paid"), required=False)


ITEM_FORMS = {
    "A": ViewForm,
    "B": NeedBForm,
    "C": NeedForm,
    "D": NeedForm,
    "E": OutcomeForm,
    "F": ProvisionForm,
    "G": HealthProvisionForm,
    "H1": ProvisionForm,
    "H2": ProvisionForm,
    "J": BudgetForm,
}
NEW_ITEM_FORMS = {**ITEM_FORMS, "A": NewViewForm}


class ResolveForm(_Versioned):
    code = forms.CharField(widget=forms.HiddenInput)
    resolution = forms.CharField(
        label=_("What you decided"),
        max_length=500,
        help_text=_(
            "For example: Accepted: the same need. Or: Kept the therapist's frequency of 3 times a week"
        ),
    )


class DeleteForm(_Versioned):
    reason = _text(_("Why take it out of the plan"), rows=2, max_length=500)


class SendForm(GovUKForm):
    on = GovUKDateField(
        label=_("Date sent"), help_text=_("The family's 15 days start on this day"), required=False
    )
    override_reason = _text(
        _("Why it must go to the family with these errors"),
        required=False,
        help_text=_("Only if the checks still find errors. It is recorded with the plan."),
    )


class FamilyCommentForm(GovUKForm):
    section = forms.ChoiceField(label=_("Part of the plan"), choices=SECTION_CHOICES)
    text = _text(_("Comment"), required=False, rows=5)
    school_wanted = _line(_("School or college they would like named (section I)"))
    school_reason = _text(_("Why this school or college"), required=False)
    wants_meeting = forms.BooleanField(label=_("They would like a meeting about the draft"), required=False)
    evidence = forms.FileField(label=_("Evidence sent with it (optional)"), required=False)


class RecordCommentForm(FamilyCommentForm):
    author_name = _line(_("Who sent it"), required=True)
    received_on = GovUKDateField(label=_("Date received"))
    response_complete = forms.BooleanField(
        label=_("This completes the family's response to the draft"), required=False
    )
    field_order = ["author_name", "received_on", "section", "text", "school_wanted", "school_reason"]


class AnswerForm(GovUKForm):
    outcome = forms.ChoiceField(
        label=_("Answer"), choices=CommentAnswer.Outcome.choices, widget=forms.RadioSelect
    )
    reason = _text(
        _("What we changed, or why not"),
        help_text=_("The family read this. Say what changed in the plan, or why it stays as it is."),
    )


class ConsultForm(GovUKForm):
    school = forms.ChoiceField(label=_("School or college"), required=False, widget=LongSelect)
    school_name = _line(_("Or its name, if it is not in the list"))
    family_named = forms.BooleanField(label=_("The family asked for this school"), required=False)
    sent_on = GovUKDateField(label=_("Date sent"))

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", _("Choose a school"))] + [(str(s.pk), s.name) for s in schools]


class ResponseForm(GovUKForm):
    response = forms.ChoiceField(
        label=_("What the school said"),
        choices=[c for c in PlacementConsultation.Response.choices if c[0] != "waiting"],
        widget=forms.RadioSelect,
    )
    response_on = GovUKDateField(label=_("Date of the reply"))
    response_text = _text(_("Their reply"), required=False)


class PlacementForm(GovUKForm):
    setting_type = forms.ChoiceField(
        label=_("Type of placement"), choices=SettingType.choices, widget=forms.RadioSelect
    )
    school = forms.ChoiceField(label=_("School or college"), required=False, widget=LongSelect)
    name = _line(_("Name of the placement, if not in the list"))
    urn = _line(_("URN or UKPRN"), max_length=20)
    sen_unit = forms.BooleanField(label=_("In an SEN unit"), required=False)
    resourced_provision = forms.BooleanField(label=_("In resourced provision"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", _("Choose a school"))] + [(str(s.pk), s.name) for s in schools]


class SignOffForm(GovUKForm):
    band = _line(_("Band"), max_length=20)
    annual_cost = forms.DecimalField(
        label=_("Yearly cost of the provision and placement (£)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )


class IssueForm(GovUKForm):
    on = GovUKDateField(label=_("Date issued"), required=False)
    decided_band = _line(
        _("Band decided"),
        max_length=20,
        help_text=_(
            "Filled in with the panel's decision, or the RAS suggestion if the panel has not decided"
        ),
    )
    decided_amount = forms.DecimalField(
        label=_("Yearly top-up decided (£)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    actual_cost = forms.DecimalField(
        label=_("Actual yearly cost of the placement (£)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    budget_organised = forms.BooleanField(label=_("Personal budget: organised arrangements"), required=False)
    budget_direct_payments = forms.BooleanField(label=_("Personal budget: direct payments"), required=False)
