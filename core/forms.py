"""GOV.UK Design System markup for every Django form, through the form renderer.

Forms in the apps stay plain Django forms; labels, hints, error messages, error classes and
`aria-describedby` come from here and from templates/forms/govuk/, so no template repeats field markup.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

from core.validators import normalise_uk_phone, normalise_uk_postcode

WIDGET_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "number": "govuk-input",
    "password": "govuk-input",
    "url": "govuk-input",
    "tel": "govuk-input",
    "date": "govuk-input",
    "search": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    # LongSelect (below) is a select too; its class name gives it a widget type of its own.
    "longselect": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


class GovUKBoundField(forms.BoundField):
    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def describedby(self) -> str:
        ids = []
        if self.help_text:
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def first_input_id(self) -> str:
        """Where the error summary link must land: the first box of a date, the first radio."""
        if self.field.widget.use_fieldset:
            return f"{self.auto_id}_0"
        return self.auto_id

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        attrs.pop("aria-describedby", None)
        # The browser's maxlength cuts what a person types or pastes without a word (a 12-character postcode
        # became 10); the server's length check says so instead, in the error summary.
        if "maxlength" in widget.attrs:
            attrs["maxlength"] = False
        if not widget.use_fieldset and self.describedby:
            attrs["aria-describedby"] = self.describedby
        base = WIDGET_CLASSES.get(self.widget_type)
        if base:
            classes = [base, attrs.get("class", "")]
            if self.errors:
                classes.append(f"{base}--error")
            attrs["class"] = " ".join(c for c in classes if c)
        if self.errors:
            attrs["aria-invalid"] = "true"
        return attrs


class GovUKFormRenderer(TemplatesSetting):
    form_template_name = "forms/govuk/form.html"
    field_template_name = "forms/govuk/field.html"
    bound_field_class = GovUKBoundField


class GovUKForm(forms.Form):
    """A form whose 'required' errors say what to do, in GOV.UK's words, instead of "This field is required."

    `required_messages` names the wording per field; any other required field gets "Enter …" (typed) or
    "Select …" (chosen) built from its label.
    """

    required_messages: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            message = self.required_messages.get(name)
            if message is None:
                label = str(field.label or name).removesuffix(" (optional)")
                verb = _("Select") if isinstance(field, forms.ChoiceField | forms.FileField) else _("Enter")
                message = f"{verb} {label[:1].lower()}{label[1:]}"
            field.error_messages["required"] = message
            if getattr(field, "max_length", None):
                label = str(field.label or name).removesuffix(" (optional)").replace("%", "%%")
                field.error_messages["max_length"] = _(
                    "%(label)s must be %%(limit_value)d characters or fewer. You entered %%(show_value)d"
                ) % {"label": label}
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = _(
                    "Enter an email address in the correct format, like name@example.com"
                )


class UKPhoneField(forms.CharField):
    """A UK phone number, stored in national format; on error the box keeps what the person typed.

    `what` names the number in the error ("their phone number"); `mobile` refuses a landline (text messages).
    """

    def __init__(self, *, what: str = "", mobile: bool = False, **kwargs):
        self.what = what
        self.mobile = mobile
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return normalise_uk_phone(super().clean(value), mobile=self.mobile, what=str(self.what))


class UKPostcodeField(forms.CharField):
    """A UK postcode, stored as "RV1 1AA". No length limit of its own: a long one is simply not a postcode."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code", "spellcheck": "false"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return normalise_uk_postcode(super().clean(value))


class LongSelect(forms.Select):
    """A select for long lists (schools, coordinators): options written straight from (value, label) pairs.

    Django builds a dictionary and renders a template for every option; for a council's few hundred schools that
    alone would cost a caseload page 30 ms.
    """

    template_name = "forms/govuk/widgets/long_select.html"

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        selected = set(context["widget"]["value"])
        context["widget"]["options_html"] = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), mark_safe(" selected") if str(v) in selected else "", label)  # noqa: S308
                for v, label in self.choices
            ),
        )
        return context


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: three boxes (day, month, year) in one fieldset."""

    template_name = "forms/govuk/widgets/date_input.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "class": "govuk-input govuk-date-input__input"}
        # A list, not a dict, so the boxes post as <name>_0 (day), <name>_1 (month), <name>_2 (year).
        widgets = [
            forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-2"}),
            forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-2"}),
            forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-4"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = [_("Day"), _("Month"), _("Year")]
        for sub, label in zip(context["widget"]["subwidgets"], labels, strict=True):
            sub["label"] = label
            if attrs and attrs.get("aria-invalid"):
                sub["attrs"]["class"] += " govuk-input--error"
        return context


class GovUKDateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK's error wording.

    What the person typed is kept on error because the widget re-renders the raw parts.
    """

    widget = DateInputWidget

    def __init__(self, *, label_lower: str = "", **kwargs):
        self.label_lower = label_lower
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def _name(self) -> str:
        return self.label_lower or (str(self.label).lower() if self.label else _("the date"))

    def _label(self) -> str:
        return str(self.label) if self.label else _("Date")

    def compress(self, data_list):
        if not data_list or not any(data_list):
            if self.required:
                raise ValidationError(_("Enter %(name)s") % {"name": self._name()}, code="required")
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [n for n, v in ((_("day"), day), (_("month"), month), (_("year"), year)) if not v]
        if missing:
            raise ValidationError(
                _("%(label)s must include a %(part)s")
                % {"label": self._label(), "part": get_text_list([str(m) for m in missing], _("and"))},
                code="incomplete",
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(
                _("%(label)s must be a real date") % {"label": self._label()},
                code="invalid",
            )
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(
                _("%(label)s must be a real date") % {"label": self._label()},
                code="invalid",
            ) from None

    def clean(self, value):
        # MultiValueField validates the parts first and would report "required" per part; we want one message.
        clean_data = [str(v or "") for v in (value or [None, None, None])]
        out = self.compress(clean_data)
        self.validate(out)
        self.run_validators(out)
        return out

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(_("Enter %(name)s") % {"name": self._name()}, code="required")
