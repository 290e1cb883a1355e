from datetime import date

import pytest

from forms_ersa import sections
from forms_ersa.sections import Evidence, Rules

TODAY = date(2026, 3, 2)


def complete(**overrides):
    answers = {
        "child": {
            "first_name": "Amara",
            "last_name": "Okafor",
            "date_of_birth": "2016-05-14",
            "address": "1 High Street",
            "postcode": "RV1 1AA",
            "home_languages": "English",
            "interpreter_needed": "no",
        },
        "family": {
            "full_name": "Meera Parent",
            "relationship": "mother",
            "parental_responsibility": "yes",
            "looked_after": "no",
        },
        "needs": {
            "areas": ["semh"],
            "description": "x",
            "support_in_place": "y",
            "tried": "z",
            "tried_for": "2 terms",
        },
        "views": {"parent_views": "v"},
        "evidence": {"finished": "yes"},
        "contact": {"channel": "email"},
        "consent": {"declaration": "yes", "share_with": ["setting", "ep", "health", "social_care"]},
        "professionals": {"finished": "yes"},
    }
    for key, value in overrides.items():
        answers[key] = {**answers.get(key, {}), **value}
    return answers


def test_status_not_started_in_progress_completed():
    assert sections.status("child", {}) == sections.NOT_STARTED
    assert sections.status("child", {"child": {"first_name": "Amara"}}) == sections.IN_PROGRESS
    assert sections.status("child", complete()) == sections.COMPLETED
    # An optional question alone does not complete a section, and a blank answer is not an answer.
    assert sections.status("child", complete(child={"postcode": "  "})) == sections.IN_PROGRESS


def test_young_person_route_is_not_asked_about_parental_responsibility():
    answers = {"family": {"full_name": "Sam", "looked_after": "no"}}
    assert sections.status("family", answers, sections.YOUNG_PERSON) == sections.COMPLETED
    assert sections.status("family", answers, sections.PARENT) == sections.IN_PROGRESS


def test_a_complete_request_has_no_problems():
    assert sections.problems(sections.PARENT, complete(), [], Rules(), TODAY) == []


def test_required_sections_come_from_the_rules():
    answers = complete()
    del answers["views"]
    found = sections.problems(sections.PARENT, answers, [], Rules(), TODAY)
    assert [(s, f) for s, f, _ in found] == [("views", "")]
    relaxed = Rules(required_sections=("child", "family", "needs", "evidence", "contact", "consent"))
    assert sections.problems(sections.PARENT, answers, [], relaxed, TODAY) == []


def test_age_limits_on_the_submission_date():
    # 25th birthday on 2 March 2026: too old that day, fine the day before.
    answers = complete(child={"date_of_birth": "2001-03-02"}, consent={"young_person_consent": "yes"})
    assert [f for _, f, _ in sections.problems("parent", answers, [], Rules(), TODAY)] == ["date_of_birth"]
    assert sections.problems("parent", answers, [], Rules(), date(2026, 3, 1)) == []
    unborn = complete(child={"date_of_birth": "2026-03-03"})
    assert [f for _, f, _ in sections.problems("parent", unborn, [], Rules(), TODAY)] == ["date_of_birth"]


def test_sixteen_and_over_needs_the_young_persons_consent():
    # 16 on 2 March 2026.
    answers = complete(child={"date_of_birth": "2010-03-02"})
    found = sections.problems("parent", answers, [], Rules(), TODAY)
    assert [(s, f) for s, f, _ in found] == [("consent", "young_person_consent")]
    # The day before their birthday they are 15: no consent needed.
    assert sections.problems("parent", answers, [], Rules(), date(2026, 3, 1)) == []
    answers["consent"]["young_person_consent"] = "yes"
    assert sections.problems("parent", answers, [], Rules(), TODAY) == []


def test_young_person_route_needs_16_or_over():
    answers = complete(child={"date_of_birth": "2011-01-01"}, family={"relationship": ""})
    found = sections.problems(sections.YOUNG_PERSON, answers, [], Rules(), TODAY)
    assert [(s, f) for s, f, _ in found] == [("child", "date_of_birth")]


def test_reports_older_than_the_limit_need_a_reason():
    # 12 months before 2 March 2026 is 2 March 2025: that day is fine, the day before is old.
    fine = Evidence("school_report", "report.pdf", date(2025, 3, 2))
    old = Evidence("ep_report", "ep.pdf", date(2025, 3, 1))
    kept = Evidence("ep_report", "ep.pdf", date(2025, 3, 1), old_reason="The latest EP report")
    assert sections.problems("parent", complete(), [fine, kept], Rules(), TODAY) == []
    found = sections.problems("parent", complete(), [old], Rules(), TODAY)
    assert [(s, f) for s, f, _ in found] == [("evidence", "ep.pdf")]
    # A council that accepts 24 months.
    assert sections.problems("parent", complete(), [old], Rules(max_report_age_months=24), TODAY) == []


def test_required_evidence_per_route():
    rules = Rules(required_evidence={"parent": ["school_report"]})
    found = sections.problems("parent", complete(), [], rules, TODAY)
    assert [(s, f) for s, f, _ in found] == [("evidence", "school_report")]
    report = Evidence("school_report", "r.pdf", date(2026, 1, 1))
    assert sections.problems("parent", complete(), [report], rules, TODAY) == []
    assert (
        sections.problems(
            sections.YOUNG_PERSON,
            complete(
                family={"relationship": ""},
                child={"date_of_birth": "2008-01-01"},
                consent={"young_person_consent": "yes"},
            ),
            [],
            rules,
            TODAY,
        )
        == []
    )


def test_months_before_handles_short_months():
    assert sections.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert sections.months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)


def test_the_page_to_finish_is_the_first_with_a_required_answer_missing():
    child = sections.BY_KEY["child"]
    assert sections.first_page_to_finish(child, {}) == "name"
    started = {"child": {"first_name": "Leo", "last_name": "Brown"}}
    assert sections.first_page_to_finish(child, started) == "date_of_birth"
    family = sections.BY_KEY["family"]
    # A young person is not asked their relationship, so "About you" is finished without it.
    answers = {"family": {"full_name": "Leo Brown"}}
    assert sections.first_page_to_finish(family, answers, sections.YOUNG_PERSON) == "responsibility"
    assert sections.first_page_to_finish(family, answers, sections.PARENT) == "you"


def test_a_problem_with_a_field_goes_to_that_fields_page():
    consent = sections.BY_KEY["parent_consent"]
    assert sections.page_for_problem(consent, "looked_after", {}, sections.SCHOOL) == "care"
    assert sections.page_for_problem(consent, "consent", {}, sections.SCHOOL) == "consent"
    started = {"parent_consent": {"parent_name": "N", "relationship": "mother"}}
    assert sections.page_for_problem(consent, "", started, sections.SCHOOL) == "parent"


def test_a_leap_day_birthday_turns_25_on_1_march_in_a_common_year():
    answers = complete(child={"date_of_birth": "2000-02-29"}, consent={"young_person_consent": "yes"})
    assert sections.problems("parent", answers, [], Rules(), date(2025, 2, 28)) == []
    found = sections.problems("parent", answers, [], Rules(), date(2025, 3, 1))
    assert [(s, f) for s, f, _ in found] == [("child", "date_of_birth")]


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (date(2001, 3, 3), None),  # 25 tomorrow
        (date(2001, 3, 2), "The child or young person must be under 25 today. Check the date of birth"),
        (date(2026, 3, 3), "Date of birth must be today or in the past"),
    ],
)
def test_the_date_of_birth_page_applies_the_same_age_rule(born, message):
    from forms_ersa.forms import ChildDateOfBirthForm

    data = {"date_of_birth_0": born.day, "date_of_birth_1": born.month, "date_of_birth_2": born.year}
    form = ChildDateOfBirthForm(data, route=sections.PARENT, council_id=None, today=TODAY, answers={})
    if message is None:
        assert form.is_valid(), form.errors
    else:
        assert form.errors["date_of_birth"] == [message]
