"""The advice form's task list says truthfully which parts are done (pure, no database)."""

from advice import checks, definitions
from tests.advice.conftest import full_advice


def states(content):
    return {
        row["key"]: row["state"] for row in checks.progress(definitions.definition("psychological"), content)
    }


def test_nothing_saved_is_all_not_started():
    assert set(states({}).values()) == {"not_started"}


def test_half_way_shows_what_is_started_and_what_is_done():
    found = states({"answers": {"methods": "Observed in class"}, "needs": [{"id": "n1"}], "ras": {"semh": 2}})
    assert found["assessment"] == "in_progress"  # the date of the assessment is still missing
    assert found["needs"] == "completed"
    assert found["outcomes"] == "not_started"
    assert found["ras"] == "in_progress"  # three of the four areas still to score


def test_complete_advice_is_all_completed():
    assert set(states(full_advice()).values()) == {"completed"}


def test_the_family_form_has_no_professional_parts():
    rows = checks.progress(definitions.definition("family"), {})
    assert [row["key"] for row in rows] == ["family_views", "child_views"]
