"""Forms of the advice pages, built from the declared definitions (advice.definitions) rather than written per form."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from advice import definitions, ras
from advice.models import KIND_CHOICES, ReuseAgreement
from cases.models import AreaOfNeed
from core.forms import GovUKDateField, GovUKForm, LongSelect

AREA_CHOICES = [("", _("Choose an area of need"))] + list(AreaOfNeed.choices)
SEN2_TYPES = [
    ("", _("Not stated")),
    ("SPLD", _("Specific learning difficulty")),
    ("MLD", _("Moderate learning difficulty")),
    ("SLD", _("Severe learning difficulty")),
    ("PMLD", _("Profound and multiple learning difficulty")),
    ("SEMH", _("Social, emotional and mental health")),
    ("SLCN", _("Speech, language and communication needs")),
    ("HI", _("Hearing impairment")),
    ("VI", _("Visual impairment")),
    ("MSI", _("Multi-sensory impairment")),
    ("PD", _("Physical disability")),
    ("ASD", _("Autistic spectrum disorder")),
    ("DS", _("Down syndrome")),
    ("OTH", _("Other difficulty or disability")),
]


def part_form(part: definitions.Part, *, data=None, initial=None) -> GovUKForm:
    """A form for one part of a definition: one field per declared question."""
    fields = {}
    for question in part.questions:
        common = {"label": question.label, "help_text": question.hint, "required": False}
        if question.kind == "date":
            fields[question.key] = GovUKDateField(**common)
        elif question.kind == "choice":
            fields[question.key] = forms.ChoiceField(
                choices=[("", _("Choose one"))] + list(question.choices), **common
            )
        elif question.kind == "text":
            fields[question.key] = forms.CharField(max_length=500, **common)
        else:
            fields[question.key] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 5}), max_length=20000, **common
            )
    form_class = type("PartForm", (GovUKForm,), fields)
    return form_class(data=data, initial=_initial(part, initial or {}))


def _initial(part: definitions.Part, answers: dict) -> dict:
    out = {}
    for question in part.questions:
        value = answers.get(question.key)
        if question.kind == "date" and isinstance(value, str) and value:
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        out[question.key] = value
    return out


def cleaned_answers(part: definitions.Part, form: GovUKForm) -> dict:
    """What to save: dates as ISO strings, so the draft stays plain JSON."""
    out = {}
    for question in part.questions:
        value = form.cleaned_data.get(question.key)
        if question.kind == "date":
            value = value.isoformat() if value else ""
        out[question.key] = value or ""
    return out


class NeedForm(GovUKForm):
    # GovUKForm writes "Enter <label>" for any required field not named here.
    required_messages = {
        "description": _("Describe the need"),
    }

    area = forms.ChoiceField(label=_("Area of need"), choices=AREA_CHOICES, required=False)
    sen2_type = forms.ChoiceField(
        label=_("Type of need (optional)"),
        choices=SEN2_TYPES,
        required=False,
        help_text=_("The type of special educational need, as the DfE records it"),
    )
    description = forms.CharField(
        label=_("The need"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the child finds difficult, in words the family will understand"),
        max_length=5000,
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("What you saw, measured or were told that shows this need"),
    )

    def __init__(self, *args, section: str = "B", **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section

    def clean_area(self):
        area = self.cleaned_data["area"]
        if self.section == "B" and not area:
            raise forms.ValidationError(_("Choose the area of need"))
        return area


class OutcomeForm(GovUKForm):
    # GovUKForm writes "Enter <label>" for any required field not named here.
    required_messages = {
        "description": _("Describe the outcome"),
        "by_when": _("Say by when the outcome should be achieved"),
        "measure": _("Say how progress will be measured"),
    }

    description = forms.CharField(
        label=_("The outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the child will be able to do, for example “Amara will read 40 words a minute”"),
        max_length=5000,
    )
    by_when = forms.CharField(
        label=_("By when"),
        max_length=200,
        help_text=_("For example “by the end of Year 6” or “July 2027”"),
    )
    measure = forms.CharField(
        label=_("How progress will be measured"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    needs = forms.MultipleChoiceField(
        label=_("The needs it meets"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = [(n["id"], n["description"][:80]) for n in needs]


class ProvisionForm(GovUKForm):
    # GovUKForm writes "Enter <label>" for any required field not named here.
    required_messages = {
        "what": _("Say what will be provided"),
    }

    section = forms.ChoiceField(label=_("Section of the plan"), choices=())
    what = forms.CharField(
        label=_("What will be provided"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    who = forms.CharField(
        label=_("Delivered by"),
        max_length=200,
        required=False,
        help_text=_(
            "Their role and qualification, for example “a teaching assistant trained in precision teaching”"
        ),
    )
    frequency = forms.CharField(
        label=_("How often"), max_length=200, required=False, help_text=_("For example “3 times a week”")
    )
    duration = forms.CharField(
        label=_("For how long"),
        max_length=200,
        required=False,
        help_text=_("For example “30 minutes each session, for 2 terms”"),
    )
    group_size = forms.CharField(
        label=_("Group size"),
        max_length=100,
        required=False,
        help_text=_("For example “1:1” or “group of 4”"),
    )
    need = forms.ChoiceField(label=_("The need it meets"), required=False, choices=())
    outcome = forms.ChoiceField(label=_("The outcome it works towards"), required=False, choices=())

    def __init__(self, *args, sections=("F",), needs=(), outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s, _("Section %(section)s") % {"section": s}) for s in sections]
        self.fields["need"].choices = [("", _("Not linked"))] + [
            (n["id"], n["description"][:80]) for n in needs
        ]
        self.fields["outcome"].choices = [("", _("Not linked"))] + [
            (o["id"], o["description"][:80]) for o in outcomes
        ]


class RasForm(GovUKForm):
    """A level for each area of need this discipline scores, with the council's descriptor beside each level."""

    def __init__(self, *args, areas=(), scheme: ras.Scheme | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        levels = scheme.levels if scheme else ras.DEFAULT_LEVELS
        # The descriptor is part of each choice, so "severe" means the same to everyone who picks it.
        choices = [
            (str(level.value), f"{level.value}: {level.label}. {level.descriptor}") for level in levels
        ]
        self.descriptors = {str(level.value): level.descriptor for level in levels}
        for area in areas:
            self.fields[area] = forms.ChoiceField(
                label=ras.AREA_LABELS[area],
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
            )


class DeclarationForm(GovUKForm):
    declaration = forms.BooleanField(
        label=_("I confirm this advice is my own professional opinion and is accurate"),
        required=False,
    )


class CorrectionForm(GovUKForm):
    # GovUKForm writes "Enter <label>" for any required field not named here.
    required_messages = {
        "correction_reason": _("Enter why the advice needs correcting"),
    }

    correction_reason = forms.CharField(
        label=_("Why does the advice need correcting?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The coordinator and anyone who reads the advice will see this"),
    )


class ReasonForm(GovUKForm):
    # GovUKForm writes "Enter <label>" for any required field not named here.
    required_messages = {
        "reason": _("Enter the reason"),
    }

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class PassOnForm(ReasonForm):
    to_team = forms.ChoiceField(label=_("The service to pass it to"), choices=(), widget=LongSelect)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_team"].choices = [("", _("Choose a service"))] + [(str(t.pk), t.name) for t in teams]
        self.fields["reason"].label = _("Why are you passing it on?")
        self.fields["reason"].error_messages["required"] = _("Enter why the request is being passed on")


class AllocateForm(GovUKForm):
    to = forms.ChoiceField(label=_("Who will give the advice?"), choices=())

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("Choose a person"))] + [(str(u.pk), u.full_name) for u in staff]
        self.fields["to"].error_messages["required"] = _("Choose who will give the advice")


class AskForm(GovUKForm):
    kind = forms.ChoiceField(
        label=_("Kind of advice"), choices=[("", _("Choose the kind of advice"))] + KIND_CHOICES
    )
    team = forms.ChoiceField(label=_("Ask a service"), required=False, choices=(), widget=LongSelect)
    person = forms.ChoiceField(
        label=_("Or ask a named person"), required=False, choices=(), widget=LongSelect
    )
    # Someone with no account yet (a professional already involved, say): invited to create one by email.
    asked_name = forms.CharField(
        label=_("Their full name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    asked_email = forms.CharField(
        label=_("Their email address"),
        required=False,
        max_length=254,
        help_text=_("We will email them a link to create an account, and what is asked and by when"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    asked_organisation = forms.ChoiceField(
        label=_("Where they work (optional)"),
        required=False,
        choices=(),
        widget=LongSelect,
        help_text=_("For educational advice from a school, choose the school: they join as its SENCo"),
    )
    professional = forms.ChoiceField(
        label=_("Already involved with the child (optional)"),
        required=False,
        choices=(),
        help_text=_("Link the request to a professional named in the request for assessment"),
    )
    note = forms.CharField(
        label=_("Note to the adviser (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    family_asked = forms.BooleanField(label=_("The family asked for this adviser"), required=False)
    sent_on = GovUKDateField(
        label=_("Date sent"), help_text=_("Usually today. The 6 weeks run from this date")
    )

    def __init__(self, *args, teams=(), people=(), professionals=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = _("Choose the kind of advice")
        self.fields["team"].choices = [("", _("No service"))] + [(str(t.pk), t.name) for t in teams]
        self.fields["person"].choices = [("", _("No named person"))] + [
            (str(u.pk), f"{u.full_name}, {u.job_title or u.get_role_display()}") for u in people
        ]
        self.fields["asked_organisation"].choices = [("", _("Not stated"))] + [
            (str(o.pk), f"{o.name} ({o.get_kind_display()})") for o in organisations
        ]
        self.fields["professional"].choices = [("", _("None"))] + [
            (str(p.pk), f"{p.name}, {p.role} ({p.service})") for p in professionals
        ]

    def clean(self):
        data = super().clean()
        invited = bool(data.get("asked_email") or data.get("asked_name"))
        chosen = [bool(data.get("team")), bool(data.get("person")), invited]
        if sum(chosen) > 1:
            field = "asked_email" if invited else "person"
            self.add_error(field, _("Choose one: a service, a named person or someone to invite, not more"))
        elif not any(chosen):
            self.add_error("team", _("Choose a service or a named person to ask, or invite someone by email"))
        return data


class ReuseForm(GovUKForm):
    required_messages = {
        "kind": _("Choose the kind of advice"),
        "document": _("Choose the report being reused"),
        "author_name": _("Enter who wrote the report"),
        "author_who": _("Enter who agreed for the author"),
        "author_how": _("Choose how the author agreed"),
        "council_who": _("Enter who agreed for the council"),
        "council_how": _("Choose how the council agreed"),
        "family_who": _("Enter who agreed for the family"),
        "family_how": _("Choose how the family agreed"),
    }

    kind = forms.ChoiceField(
        label=_("Kind of advice"), choices=[("", _("Choose the kind of advice"))] + KIND_CHOICES
    )
    document = forms.ChoiceField(label=_("The report being reused"), choices=(), widget=LongSelect)
    author_name = forms.CharField(label=_("Who wrote it"), max_length=200)
    written_on = GovUKDateField(label=_("Date it was written"), label_lower=_("the date it was written"))
    author_who = forms.CharField(label=_("The author agreed: who"), max_length=200)
    author_on = GovUKDateField(
        label=_("The author agreed: when"), label_lower=_("the date the author agreed")
    )
    author_how = forms.ChoiceField(label=_("The author agreed: how"), choices=ReuseAgreement.How.choices)
    council_who = forms.CharField(label=_("The council agreed: who"), max_length=200)
    council_on = GovUKDateField(
        label=_("The council agreed: when"), label_lower=_("the date the council agreed")
    )
    council_how = forms.ChoiceField(label=_("The council agreed: how"), choices=ReuseAgreement.How.choices)
    family_who = forms.CharField(label=_("The family agreed: who"), max_length=200)
    family_on = GovUKDateField(
        label=_("The family agreed: when"), label_lower=_("the date the family agreed")
    )
    family_how = forms.ChoiceField(label=_("The family agreed: how"), choices=ReuseAgreement.How.choices)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [("", _("Choose a document on the case"))] + [
            (str(d.pk), f"{d.name} ({d.get_category_display()})") for d in documents
        ]


class AttachmentForm(GovUKForm):
    file = forms.FileField(
        label=_("Attach a report"),
        help_text=_(
            "PDF, Word, a picture or plain text, smaller than 20 MB. It is kept with the case, not shown to the family until the council shares your advice"
        ),
        error_messages={"required": _("Select a file to attach")},
    )
