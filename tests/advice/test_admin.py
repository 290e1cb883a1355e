"""The council's RAS scheme is edited in the support admin, checked as a whole, with history."""

import json

import pytest

from advice import services
from advice.admin import RasSchemeForm

pytestmark = pytest.mark.django_db


def test_a_broken_scheme_is_refused_with_what_to_fix(council):
    config = services.default_ras_config()
    config["bands"] = [
        {"code": "B", "label": "B", "min_points": 8, "annual_amount": "-1"},
        {"code": "A", "label": "A", "min_points": 0, "annual_amount": "0"},
    ]
    form = RasSchemeForm(
        data={
            "council": council.pk,
            "name": "Riverside RAS",
            "effective_from": "2027-04-01",
            "config": json.dumps(config),
        }
    )
    assert not form.is_valid()
    assert "Bands must start at increasing numbers of points" in form.errors["config"]
    assert "A band's annual amount cannot be negative" in form.errors["config"]


def test_a_config_of_the_wrong_shape_is_explained(council):
    form = RasSchemeForm(
        data={"council": council.pk, "name": "X", "effective_from": "2027-04-01", "config": '{"levels": 3}'}
    )
    assert not form.is_valid()
    assert form.errors["config"][0].startswith("The configuration is not in the expected shape")


def test_the_default_scheme_is_accepted(council):
    form = RasSchemeForm(
        data={
            "council": council.pk,
            "name": "Riverside RAS",
            "effective_from": "2027-04-01",
            "config": json.dumps(services.default_ras_config()),
        }
    )
    assert form.is_valid(), form.errors
