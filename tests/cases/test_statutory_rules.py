"""The request's age rule and the dates a family is told, worked out by hand and written literally."""

from datetime import date

import pytest

from cases import statutory, workflow
from cases.statutory import (
    AgeProblem,
    age_problem,
    assessment_decision_due,
    draft_comments_close_on,
    is_young_person,
)


@pytest.mark.parametrize(
    ("born", "received", "problem"),
    [
        (date(2001, 3, 10), date(2026, 3, 9), None),  # 24 for one more day
        (date(2001, 3, 10), date(2026, 3, 10), AgeProblem.TOO_OLD),  # 25 from the start of the birthday
        (date(2001, 3, 10), date(2026, 3, 11), AgeProblem.TOO_OLD),
        (date(2000, 2, 29), date(2025, 2, 28), None),  # a leap-day birthday in a common year: not yet 25
        (date(2000, 2, 29), date(2025, 3, 1), AgeProblem.TOO_OLD),  # reached on 1 March
        (date(2004, 2, 29), date(2029, 2, 28), None),
        (date(2004, 2, 29), date(2029, 3, 1), AgeProblem.TOO_OLD),
        (date(2026, 3, 2), date(2026, 3, 2), None),  # born the day the request arrived
        (date(2026, 3, 3), date(2026, 3, 2), AgeProblem.NOT_YET_BORN),
    ],
)
def test_the_0_to_25_rule_on_the_day_a_request_is_received(born, received, problem):
    assert age_problem(born, received) == problem


@pytest.mark.parametrize(
    ("born", "on", "young_person"),
    [
        (date(2010, 6, 15), date(2026, 6, 14), False),
        (date(2010, 6, 15), date(2026, 6, 15), True),
        (date(2008, 2, 29), date(2024, 2, 28), False),
        (date(2008, 2, 29), date(2024, 2, 29), True),
        (date(2026, 6, 15), date(2026, 6, 14), False),  # not born yet: the age rule reports it, not this
    ],
)
def test_a_young_person_from_their_16th_birthday(born, on, young_person):
    assert is_young_person(born, on) is young_person


@pytest.mark.parametrize(
    ("received", "decide_by"),
    [
        (date(2026, 3, 2), date(2026, 4, 13)),  # the date the family's confirmation shows
        (date(2026, 12, 21), date(2027, 2, 1)),  # across the new year
        (date(2028, 2, 1), date(2028, 3, 14)),  # across 29 February
    ],
)
def test_the_decision_whether_to_assess_is_due_6_weeks_after_the_request(received, decide_by):
    assert assessment_decision_due(received) == decide_by
    (decision,) = [
        d
        for d in statutory.compute_deadlines(statutory.CaseDates(received_on=received))
        if d.code == statutory.DeadlineCode.ASSESSMENT_DECISION
    ]
    assert decision.due_on == decide_by


@pytest.mark.parametrize(
    ("served", "closes"),
    [
        (date(2026, 10, 2), date(2026, 10, 16)),  # served day is day 1 of the 15
        (date(2026, 12, 24), date(2027, 1, 7)),
        (date(2028, 2, 20), date(2028, 3, 5)),
    ],
)
def test_comments_on_a_draft_plan_close_15_days_beginning_with_the_day_it_is_served(served, closes):
    assert draft_comments_close_on(served) == closes
    assert workflow.draft_window_closes_on(served) == closes
