"""Every Django form renders GOV.UK markup through the renderer; dates are typed as three boxes."""

import datetime

import pytest
from django import forms

from core.forms import GovUKDateField


class ExampleForm(forms.Form):
    name = forms.CharField(label="Child's first name", help_text="As on their birth certificate")
    born = GovUKDateField(label="Date of birth", label_lower="the date of birth")
    agree = forms.BooleanField(label="I agree", required=False)
    route = forms.ChoiceField(
        label="How", choices=[("letter", "Letter"), ("email", "Email")], widget=forms.RadioSelect
    )


def test_valid_date_is_read_from_three_boxes():
    form = ExampleForm({"name": "Amara", "born_0": "14", "born_1": "5", "born_2": "2017", "route": "email"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == datetime.date(2017, 5, 14)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date of birth"),
        (("31", "2", "2026"), "Date of birth must be a real date"),
        (("14", "5", ""), "Date of birth must include a year"),
        (("", "", "2017"), "Date of birth must include a day and month"),
        (("14", "May", "2017"), "Date of birth must be a real date"),
        (("14", "5", "17"), "Date of birth must be a real date"),
    ],
)
def test_date_errors_say_what_to_fix(parts, message):
    data = {"name": "Amara", "route": "email", **{f"born_{i}": v for i, v in enumerate(parts)}}
    form = ExampleForm(data)
    assert not form.is_valid()
    assert form.errors["born"] == [message]


def test_errors_render_in_govuk_markup_and_keep_what_was_typed():
    form = ExampleForm({"name": "", "born_0": "31", "born_1": "2", "born_2": "2026", "route": ""})
    html = str(form)
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert '<p id="id_name-error" class="govuk-error-message">' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert 'class="govuk-input govuk-input--error"' in html
    # The date boxes keep the impossible date so the person can correct it.
    assert 'name="born_0" value="31"' in html and 'name="born_2" value="2026"' in html
    assert "govuk-date-input__input govuk-input--width-2 govuk-input--error" in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of birth</legend>' in html
    assert 'class="govuk-radios__input"' in html
    assert 'class="govuk-checkboxes__input"' in html


def test_error_summary_links_to_the_first_box_of_a_date(rf):
    from django.template.loader import render_to_string

    form = ExampleForm({"name": "Amara", "born_0": "", "born_1": "", "born_2": "", "route": "email"})
    form.is_valid()
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert "There is a problem" in html
    assert 'href="#id_born_0"' in html
    assert "Enter the date of birth" in html
