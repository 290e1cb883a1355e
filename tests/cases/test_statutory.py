"""Statutory time limits, with every date worked out by hand and written literally."""

from datetime import date

import pytest

from cases.statutory import (
    DEADLINE_LABELS,
    DEADLINE_REGULATIONS,
    EXCEPTION_LABELS,
    EXCEPTIONS_ALLOWED,
    WINDOW_CODES,
    AdviceRequest,
    CaseDates,
    Deadline,
    DeadlineCode,
    DeadlineKind,
    DeadlineStatus,
    ExceptionKind,
    RecordedException,
    StatutoryError,
    academic_cohort,
    add_months,
    add_weeks,
    age_on,
    closure_exception_window,
    compute_deadlines,
    days_beginning_with,
    deadline_status,
    exception_applies,
    months_beginning_with,
    next_phase_transfer,
    phase_transfer_deadline,
    validate_exception,
    year_group,
)

C = DeadlineCode
K = ExceptionKind
S = DeadlineStatus
CORE = {K.SCHOOL_CLOSURE, K.EARLY_YEARS_CLOSURE, K.PERSONAL_CIRCUMSTANCES, K.ABSENT_FROM_AREA}


def only(deadlines: list[Deadline], code: DeadlineCode) -> Deadline:
    found = [d for d in deadlines if d.code == code]
    assert len(found) == 1, found
    return found[0]


def codes_of(deadlines: list[Deadline]) -> list[str]:
    return [d.code.value for d in deadlines]


# --- enums and tables ------------------------------------------------------------------------------------


def test_codes_are_plain_strings_for_the_database():
    assert C.FINAL_PLAN == "final_plan"
    assert f"{C.REASSESSMENT_PLAN}" == "reassessment_plan"  # what a row and a template get
    assert S.EXCUSED == "excused"
    assert K.MISSED_APPOINTMENT == "missed_appointment"
    assert DeadlineKind.WINDOW == "window"
    assert max(len(c.value) for c in C) <= 30


def test_every_code_and_kind_has_a_label_and_a_regulation():
    assert set(DEADLINE_LABELS) == set(C)
    assert set(DEADLINE_REGULATIONS) == set(C)
    assert set(EXCEPTION_LABELS) == set(K)
    assert set(EXCEPTIONS_ALLOWED) == set(C)
    assert all(DEADLINE_LABELS[c] and DEADLINE_REGULATIONS[c] for c in C)
    assert DEADLINE_LABELS[C.ASSESSMENT_DECISION] == "Decide whether to assess"
    assert DEADLINE_REGULATIONS[C.FINAL_PLAN] == "SEND Regulations 2014, reg 13(2)"


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        (C.ASSESSMENT_DECISION, CORE),
        (C.ISSUE_DECISION, CORE),
        (C.FINAL_PLAN, CORE),
        (C.ADVICE, CORE | {K.MISSED_APPOINTMENT}),
        # Reg 27(3) gives the plan after re-assessment the same four exceptions as reg 13(3).
        (C.REASSESSMENT_PLAN, CORE),
        (C.DRAFT_RESPONSE, set()),
        (C.ANNUAL_REVIEW, set()),
        (C.REVIEW_NOTICE, set()),
        (C.REVIEW_ADVICE, set()),
        (C.REVIEW_REPORT, set()),
        (C.REVIEW_DECISION, set()),
        (C.AMENDMENT_RESPONSE, set()),
        (C.AMENDED_PLAN, set()),
        (C.PHASE_TRANSFER, set()),
        (C.REASSESSMENT_DECISION, set()),
    ],
)
def test_exceptions_allowed_per_time_limit(code, allowed):
    assert EXCEPTIONS_ALLOWED[code] == frozenset(allowed)


# --- date arithmetic -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "weeks", "expected"),
    [
        (date(2026, 1, 5), 6, date(2026, 2, 16)),
        (date(2026, 1, 5), 16, date(2026, 4, 27)),
        (date(2026, 1, 5), 20, date(2026, 5, 25)),
        (date(2025, 12, 15), 6, date(2026, 1, 26)),  # across the year end
        (date(2028, 2, 29), 6, date(2028, 4, 11)),  # from a leap day
        (date(2028, 2, 1), 4, date(2028, 2, 29)),  # onto a leap day
        (date(2027, 2, 1), 4, date(2027, 3, 1)),
    ],
)
def test_add_weeks(start, weeks, expected):
    assert add_weeks(start, weeks) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 10, 2), 15, date(2026, 10, 16)),  # served Friday, last day the Friday a fortnight on
        (date(2026, 12, 24), 15, date(2027, 1, 7)),
        (date(2028, 2, 20), 15, date(2028, 3, 5)),  # counts 29 February 2028
        (date(2027, 2, 20), 15, date(2027, 3, 6)),
        (date(2026, 3, 9), 1, date(2026, 3, 9)),  # a one-day period ends on its first day
    ],
)
def test_days_beginning_with_counts_the_first_day(start, days, expected):
    assert days_beginning_with(start, days) == expected


def test_days_beginning_with_rejects_an_empty_period():
    with pytest.raises(StatutoryError):
        days_beginning_with(date(2026, 3, 9), 0)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 5, 20), 12, date(2027, 5, 20)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 5, 20), 12, date(2027, 5, 19)),
        (date(2019, 1, 1), 12, date(2019, 12, 31)),
        (date(2027, 3, 1), 12, date(2028, 2, 29)),  # the year runs through the leap day
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # no 29 February 2029: to the end of February
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 12, 1), 1, date(2026, 12, 31)),
    ],
)
def test_months_beginning_with(start, months, expected):
    assert months_beginning_with(start, months) == expected


def test_months_beginning_with_rejects_an_empty_period():
    with pytest.raises(StatutoryError):
        months_beginning_with(date(2026, 1, 1), 0)


# --- age and school year ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # leap-day birthday not yet reached in a common year
        (date(2008, 2, 29), date(2026, 3, 1), 18),  # reached at the start of 1 March
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2008, 2, 29), date(2028, 2, 29), 20),  # a leap year has the real birthday
        (date(2010, 6, 15), date(2026, 6, 14), 15),
        (date(2010, 6, 15), date(2026, 6, 15), 16),
        (date(2010, 6, 15), date(2010, 6, 15), 0),
        (date(2001, 12, 31), date(2026, 1, 1), 24),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


def test_age_on_a_date_before_birth_is_an_error():
    with pytest.raises(StatutoryError, match="before the date of birth"):
        age_on(date(2020, 5, 1), date(2020, 4, 30))


@pytest.mark.parametrize(
    ("born", "cohort"),
    [
        (date(2019, 9, 1), 2020),  # oldest in the year
        (date(2019, 12, 31), 2020),
        (date(2020, 1, 1), 2020),
        (date(2020, 8, 31), 2020),  # youngest in the year
        (date(2019, 8, 31), 2019),
    ],
)
def test_academic_cohort(born, cohort):
    assert academic_cohort(born) == cohort


@pytest.mark.parametrize(
    ("born", "on", "group"),
    [
        (date(2019, 9, 1), date(2024, 9, 5), 0),  # Reception the September after turning 4... at 5
        (date(2020, 8, 31), date(2024, 9, 1), 0),  # ...and the youngest at just 4
        (date(2019, 9, 1), date(2024, 8, 31), -1),  # the day before: still pre-school
        (date(2015, 3, 15), date(2026, 1, 10), 6),
        (date(2015, 3, 15), date(2026, 9, 1), 7),
        (date(2023, 1, 1), date(2025, 1, 1), -3),
    ],
)
def test_year_group(born, on, group):
    assert year_group(born, on) == group


# --- phase transfers (reg 18(1): "before 15 February", "before 31 March" for post-16) -------------------


@pytest.mark.parametrize(
    ("born", "into", "last_day"),
    [
        (date(2014, 9, 1), 7, date(2026, 2, 14)),  # September-born: oldest of the 2015 cohort
        (date(2015, 8, 31), 7, date(2026, 2, 14)),  # August-born: youngest of the same cohort
        (date(2015, 9, 1), 7, date(2027, 2, 14)),  # one day younger: a year later
        (date(2020, 8, 31), 0, date(2024, 2, 14)),  # into Reception
        (date(2015, 3, 15), 3, date(2022, 2, 14)),  # infant to junior
        (date(2009, 9, 1), 12, date(2026, 3, 30)),  # secondary to post-16: before 31 March
        (date(2010, 8, 31), 12, date(2026, 3, 30)),
    ],
)
def test_phase_transfer_deadline(born, into, last_day):
    assert phase_transfer_deadline(born, into_year_group=into) == last_day


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2019, 1, 1), (0, date(2019, 2, 14))),
        (date(2025, 6, 1), (7, date(2026, 2, 14))),
        (date(2026, 2, 14), (7, date(2026, 2, 14))),  # the last day itself still counts
        (date(2026, 2, 15), (12, date(2031, 3, 30))),
        (date(2031, 3, 31), None),
    ],
)
def test_next_phase_transfer(on, expected):
    assert next_phase_transfer(date(2015, 3, 15), on=on) == expected


def test_next_phase_transfer_with_a_council_that_has_infant_and_junior_schools():
    born = date(2015, 3, 15)
    assert next_phase_transfer(born, on=date(2020, 1, 1), transfer_year_groups=(0, 3, 7, 12)) == (
        3,
        date(2022, 2, 14),
    )


# --- exceptions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closes", "reopens", "window"),
    [
        (date(2026, 7, 22), date(2026, 9, 3), (date(2026, 7, 15), date(2026, 8, 27))),  # summer holiday
        (date(2026, 8, 1), date(2026, 8, 29), (date(2026, 7, 25), date(2026, 8, 22))),  # exactly 4 weeks
        (date(2026, 12, 12), date(2027, 1, 11), (date(2026, 12, 5), date(2027, 1, 4))),  # across the year end
    ],
)
def test_closure_exception_window(closes, reopens, window):
    assert closure_exception_window(closes_on=closes, reopens_on=reopens) == window


@pytest.mark.parametrize(
    ("closes", "reopens"),
    [
        (date(2026, 8, 1), date(2026, 8, 28)),  # 27 days
        (date(2026, 12, 19), date(2027, 1, 5)),  # Christmas holiday
        (date(2026, 9, 3), date(2026, 7, 22)),  # re-opens before it closes
    ],
)
def test_closure_shorter_than_four_weeks_is_no_exception(closes, reopens):
    with pytest.raises(StatutoryError, match="at least 4 weeks"):
        closure_exception_window(closes_on=closes, reopens_on=reopens)


@pytest.mark.parametrize("kind", list(K))
def test_each_exception_kind_excuses_exactly_the_limits_the_regulations_give_it(kind):
    # Every limit as if it ran from 5 January 2026 to 25 May 2026 and was still not met on 1 June 2026; the
    # exception, recorded against that one limit, covers March and April (61 days, long enough for an absence).
    for code in C:
        window = code in WINDOW_CODES
        late = Deadline(
            code,
            due_on=date(2026, 5, 25),
            starts_on=date(2026, 1, 5),
            kind=DeadlineKind.WINDOW if window else DeadlineKind.DUTY,
        )
        named = RecordedException(kind, date(2026, 3, 1), date(2026, 4, 30), frozenset({code}))
        status = deadline_status(late, today=date(2026, 6, 1), exceptions=[named])
        if kind in EXCEPTIONS_ALLOWED[code]:
            assert validate_exception(named) is None, code
            assert status == S.EXCUSED, code
        else:
            with pytest.raises(
                StatutoryError, match=f"cannot excuse the time limit “{DEADLINE_LABELS[code]}”"
            ):
                validate_exception(named)
            # A family's window is never breached; any other limit stays a breach the exception cannot excuse.
            assert status == (S.MET if window else S.MISSED), code


def test_absence_of_exactly_four_weeks_counting_both_ends_excuses_a_late_plan():
    # Reg 10(4)(d): away from the area "for a continuous period of not less than 4 weeks". 1 to 28 March 2026
    # is 28 days counting both; 1 to 27 March is a day short. Final plan due 25 May 2026, still not issued.
    four_weeks = RecordedException(K.ABSENT_FROM_AREA, date(2026, 3, 1), date(2026, 3, 28))
    a_day_short = RecordedException(K.ABSENT_FROM_AREA, date(2026, 3, 1), date(2026, 3, 27))
    assert validate_exception(four_weeks) is None
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=[four_weeks]) == S.EXCUSED
    with pytest.raises(StatutoryError, match="at least 4 weeks in a row"):
        validate_exception(a_day_short)
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=[a_day_short]) == S.MISSED


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (
            RecordedException(K.PERSONAL_CIRCUMSTANCES, date(2026, 3, 10), date(2026, 3, 9)),
            "cannot end before it starts",
        ),
        (
            RecordedException(K.ABSENT_FROM_AREA, date(2026, 3, 1), date(2026, 3, 27)),  # 27 days
            "at least 4 weeks",
        ),
        (
            RecordedException(
                K.PERSONAL_CIRCUMSTANCES, date(2026, 3, 1), date(2026, 3, 5), frozenset({"draft_response"})
            ),
            "cannot excuse the time limit “Family's comments on the draft plan”",
        ),
        (
            RecordedException(
                K.MISSED_APPOINTMENT, date(2026, 3, 1), date(2026, 3, 1), frozenset({"final_plan"})
            ),
            "cannot excuse",
        ),
        (
            RecordedException(
                K.SCHOOL_CLOSURE, date(2026, 7, 15), date(2026, 8, 27), frozenset({"annual_review"})
            ),
            "cannot excuse",
        ),
        (
            RecordedException(
                K.EARLY_YEARS_CLOSURE, date(2026, 7, 15), date(2026, 8, 27), frozenset({"review_decision"})
            ),
            "cannot excuse",
        ),
        (
            RecordedException(
                K.ABSENT_FROM_AREA, date(2026, 3, 1), date(2026, 4, 30), frozenset({"reassessment_decision"})
            ),
            "cannot excuse",
        ),
        (
            RecordedException(
                K.PERSONAL_CIRCUMSTANCES,
                date(2026, 3, 1),
                date(2026, 3, 5),
                frozenset({"final_plan", "banana"}),
            ),
            "not a statutory time limit",
        ),
        (
            RecordedException(K.PERSONAL_CIRCUMSTANCES, date(2026, 3, 1), date(2026, 3, 5), frozenset()),
            "at least one time limit",
        ),
    ],
)
def test_validate_exception_rejects(exc, message):
    with pytest.raises(StatutoryError, match=message):
        validate_exception(exc)


def test_a_refusal_is_a_value_error_that_tells_the_person_what_the_law_needs():
    # Forms catch ValueError for bad input and show its message next to the field.
    with pytest.raises(ValueError) as refused:
        closure_exception_window(closes_on=date(2026, 12, 19), reopens_on=date(2027, 1, 5))  # Christmas
    assert isinstance(refused.value, StatutoryError)
    assert str(refused.value) == (
        "The closure must last at least 4 weeks in a row (from the day it closes to the day it re-opens)."
    )


# --- compute_deadlines: the assessment -------------------------------------------------------------------


def test_new_request_has_the_three_assessment_limits():
    deadlines = compute_deadlines(CaseDates(received_on=date(2026, 1, 5)))
    assert [(d.code, d.due_on, d.starts_on) for d in deadlines] == [
        (C.ASSESSMENT_DECISION, date(2026, 2, 16), date(2026, 1, 5)),
        (C.ISSUE_DECISION, date(2026, 4, 27), date(2026, 1, 5)),
        (C.FINAL_PLAN, date(2026, 5, 25), date(2026, 1, 5)),
    ]
    assert all(d.kind == DeadlineKind.DUTY and d.ref == "" and not d.cancelled for d in deadlines)


def test_december_receipt_runs_into_the_new_year():
    deadlines = compute_deadlines(CaseDates(received_on=date(2025, 12, 15)))
    assert [d.due_on for d in deadlines] == [date(2026, 1, 26), date(2026, 4, 6), date(2026, 5, 4)]


def test_leap_day_receipt():
    deadlines = compute_deadlines(CaseDates(received_on=date(2028, 2, 29)))
    assert [d.due_on for d in deadlines] == [date(2028, 4, 11), date(2028, 6, 20), date(2028, 7, 18)]


def test_decisions_and_issue_meet_their_limits():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            assessment_decided_on=date(2026, 2, 10),
            assessment_agreed=True,
            issue_decided_on=date(2026, 4, 1),
            plan_to_be_issued=True,
            final_issued_on=date(2026, 5, 20),
        )
    )
    assert only(deadlines, C.ASSESSMENT_DECISION).met_on == date(2026, 2, 10)
    assert only(deadlines, C.ISSUE_DECISION).met_on == date(2026, 4, 1)
    assert only(deadlines, C.FINAL_PLAN).met_on == date(2026, 5, 20)


def test_decision_not_to_assess_cancels_the_16_and_20_week_limits():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5), assessment_decided_on=date(2026, 2, 16), assessment_agreed=False
        )
    )
    decision = only(deadlines, C.ASSESSMENT_DECISION)
    assert decision.met_on == date(2026, 2, 16) and not decision.cancelled
    assert only(deadlines, C.ISSUE_DECISION).cancelled
    assert only(deadlines, C.FINAL_PLAN).cancelled
    assert deadline_status(only(deadlines, C.FINAL_PLAN), today=date(2026, 9, 1)) == S.CANCELLED
    assert deadline_status(decision, today=date(2026, 9, 1)) == S.MET


def test_decision_not_to_issue_a_plan_meets_issue_decision_and_cancels_the_final_plan():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            assessment_decided_on=date(2026, 2, 10),
            assessment_agreed=True,
            issue_decided_on=date(2026, 4, 20),
            plan_to_be_issued=False,
        )
    )
    issue = only(deadlines, C.ISSUE_DECISION)
    assert issue.met_on == date(2026, 4, 20) and not issue.cancelled
    assert only(deadlines, C.FINAL_PLAN).cancelled


def test_advice_one_limit_per_request():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            advice=(
                AdviceRequest("advice:17", requested_on=date(2026, 2, 20), received_on=date(2026, 3, 30)),
                AdviceRequest("advice:18", requested_on=date(2026, 2, 23)),
                AdviceRequest("advice:19", requested_on=date(2026, 2, 23), cancelled=True),
            ),
        )
    )
    advice = [d for d in deadlines if d.code == C.ADVICE]
    assert [(d.ref, d.starts_on, d.due_on, d.met_on, d.cancelled) for d in advice] == [
        ("advice:17", date(2026, 2, 20), date(2026, 4, 3), date(2026, 3, 30), False),
        ("advice:18", date(2026, 2, 23), date(2026, 4, 6), None, False),
        ("advice:19", date(2026, 2, 23), date(2026, 4, 6), None, True),
    ]


def test_draft_response_window_is_15_days_beginning_with_the_day_served():
    deadlines = compute_deadlines(CaseDates(received_on=date(2026, 6, 1), draft_served_on=date(2026, 10, 2)))
    window = only(deadlines, C.DRAFT_RESPONSE)
    assert window.starts_on == date(2026, 10, 2)
    assert window.due_on == date(2026, 10, 16)
    assert window.kind == DeadlineKind.WINDOW
    assert window.met_on is None


def test_draft_response_met_by_the_family_reply():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 6, 1),
            draft_served_on=date(2026, 10, 2),
            family_responded_on=date(2026, 10, 9),
        )
    )
    assert only(deadlines, C.DRAFT_RESPONSE).met_on == date(2026, 10, 9)


def test_no_draft_no_window_and_no_plan_no_review():
    codes = codes_of(
        compute_deadlines(CaseDates(received_on=date(2026, 1, 5), date_of_birth=date(2015, 3, 15)))
    )
    assert codes == ["assessment_decision", "issue_decision", "final_plan"]


# --- compute_deadlines: reviews --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "last_review", "base", "due"),
    [
        # s44(1): "the period of 12 months starting with" the date, so the last day is the day before.
        (date(2026, 5, 20), None, date(2026, 5, 20), date(2027, 5, 19)),
        (date(2026, 1, 1), None, date(2026, 1, 1), date(2026, 12, 31)),
        (date(2028, 2, 29), None, date(2028, 2, 29), date(2029, 2, 28)),
        (date(2026, 5, 20), date(2027, 5, 12), date(2027, 5, 12), date(2028, 5, 11)),
        (date(2026, 5, 20), date(2027, 3, 1), date(2027, 3, 1), date(2028, 2, 29)),
    ],
)
def test_annual_review_runs_from_issue_then_from_the_last_review(issued, last_review, base, due):
    deadlines = compute_deadlines(
        CaseDates(received_on=date(2026, 1, 5), final_issued_on=issued, last_review_meeting_on=last_review)
    )
    review = only(deadlines, C.ANNUAL_REVIEW)
    assert (review.starts_on, review.due_on, review.ref, review.met_on) == (base, due, base.isoformat(), None)


def test_review_meeting_tasks_are_counted_from_the_meeting():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            final_issued_on=date(2026, 5, 20),
            next_review_meeting_on=date(2027, 3, 10),
            review_notice_sent_on=date(2027, 2, 20),
            review_advice_circulated_on=date(2027, 2, 26),
            review_report_on=date(2027, 3, 17),
        )
    )
    tasks = {d.code: d for d in deadlines if d.ref == "2027-03-10"}
    assert {c: (d.due_on, d.met_on) for c, d in tasks.items()} == {
        C.REVIEW_NOTICE: (date(2027, 2, 24), date(2027, 2, 20)),
        C.REVIEW_ADVICE: (date(2027, 2, 24), date(2027, 2, 26)),
        C.REVIEW_REPORT: (date(2027, 3, 24), date(2027, 3, 17)),
        C.REVIEW_DECISION: (date(2027, 4, 7), None),
    }
    today = date(2027, 3, 20)
    assert deadline_status(tasks[C.REVIEW_NOTICE], today=today) == S.MET
    assert deadline_status(tasks[C.REVIEW_ADVICE], today=today) == S.MISSED  # circulated 12 days before
    assert deadline_status(tasks[C.REVIEW_DECISION], today=today) == S.OPEN


def test_review_meeting_early_in_january_puts_the_notice_in_december():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2025, 1, 6),
            final_issued_on=date(2025, 5, 1),
            next_review_meeting_on=date(2027, 1, 6),
        )
    )
    assert only(deadlines, C.REVIEW_NOTICE).due_on == date(2026, 12, 23)
    assert only(deadlines, C.REVIEW_REPORT).due_on == date(2027, 1, 20)
    assert only(deadlines, C.REVIEW_DECISION).due_on == date(2027, 2, 3)


def test_amendment_on_time_gives_15_days_to_comment_and_8_weeks_to_issue():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            final_issued_on=date(2026, 5, 20),
            last_review_meeting_on=date(2027, 3, 10),
            amendment_proposed_on=date(2027, 4, 1),
            amendment_response_on=date(2027, 4, 12),
        )
    )
    response = only(deadlines, C.AMENDMENT_RESPONSE)
    assert (response.due_on, response.kind, response.met_on) == (
        date(2027, 4, 15),
        DeadlineKind.WINDOW,
        date(2027, 4, 12),
    )
    amended = only(deadlines, C.AMENDED_PLAN)
    assert (amended.starts_on, amended.due_on) == (date(2027, 4, 1), date(2027, 5, 27))


def test_late_proposal_cannot_push_the_amended_plan_past_12_weeks_from_the_meeting():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            final_issued_on=date(2026, 5, 20),
            next_review_meeting_on=date(2027, 3, 10),
            amendment_proposed_on=date(2027, 4, 28),  # 7 weeks after the meeting: 3 weeks late
            amended_plan_issued_on=date(2027, 6, 10),
        )
    )
    amended = only(deadlines, C.AMENDED_PLAN)
    assert amended.due_on == date(2027, 6, 2)  # not 23 June 2027
    assert deadline_status(amended, today=date(2027, 6, 30)) == S.MISSED


def test_amended_plan_without_a_known_meeting_is_8_weeks_from_the_proposal():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            final_issued_on=date(2026, 5, 20),
            amendment_proposed_on=date(2027, 4, 1),
        )
    )
    assert only(deadlines, C.AMENDED_PLAN).due_on == date(2027, 5, 27)


def test_amended_plan_ignores_a_meeting_long_before_the_proposal():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            final_issued_on=date(2026, 5, 20),
            last_review_meeting_on=date(2027, 3, 10),
            amendment_proposed_on=date(2027, 9, 1),
        )
    )
    assert only(deadlines, C.AMENDED_PLAN).due_on == date(2027, 10, 27)


def test_phase_transfer_to_secondary():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2024, 9, 2),
            final_issued_on=date(2025, 1, 20),
            date_of_birth=date(2015, 3, 15),
            phase_transfer_done_on=date(2026, 2, 10),
        )
    )
    transfer, post_16 = [d for d in deadlines if d.code == C.PHASE_TRANSFER]
    assert (transfer.ref, transfer.starts_on, transfer.due_on, transfer.met_on) == (
        "year-7",
        date(2025, 9, 1),
        date(2026, 2, 14),
        date(2026, 2, 10),
    )
    assert deadline_status(transfer, today=date(2026, 3, 1)) == S.MET
    # Once the move to secondary is dealt with, the clock moves on to the move into Year 12 (before 31 March).
    assert (post_16.ref, post_16.starts_on, post_16.due_on, post_16.met_on) == (
        "year-12",
        date(2030, 9, 1),
        date(2031, 3, 30),
        None,
    )


def test_a_review_recorded_before_the_window_opens_does_not_meet_the_transfer():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2024, 9, 2),
            final_issued_on=date(2025, 1, 20),
            date_of_birth=date(2015, 3, 15),
            phase_transfer_done_on=date(2025, 3, 1),
        )
    )
    transfer = only(deadlines, C.PHASE_TRANSFER)
    assert (transfer.ref, transfer.met_on) == ("year-7", None)


def test_phase_transfer_finished_on_15_february_is_late():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2024, 9, 2),
            final_issued_on=date(2025, 1, 20),
            date_of_birth=date(2015, 3, 15),
            phase_transfer_done_on=date(2026, 2, 15),
        )
    )
    late = next(d for d in deadlines if d.ref == "year-7")
    assert late.met_on == date(2026, 2, 15)
    assert deadline_status(late, today=date(2026, 3, 1)) == S.MISSED


def test_phase_transfer_after_the_year_7_deadline_is_the_post_16_one():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5), final_issued_on=date(2026, 5, 20), date_of_birth=date(2015, 3, 15)
        )
    )
    transfer = only(deadlines, C.PHASE_TRANSFER)
    assert (transfer.ref, transfer.starts_on, transfer.due_on) == (
        "year-12",
        date(2030, 9, 1),
        date(2031, 3, 30),
    )


def test_phase_transfer_uses_the_councils_year_groups():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2019, 9, 2),
            final_issued_on=date(2020, 1, 15),
            date_of_birth=date(2015, 3, 15),
            phase_transfer_year_groups=(0, 3, 7, 12),
        )
    )
    transfer = only(deadlines, C.PHASE_TRANSFER)
    assert (transfer.ref, transfer.starts_on, transfer.due_on) == (
        "year-3",
        date(2021, 9, 1),
        date(2022, 2, 14),
    )


def test_no_phase_transfer_when_none_remain():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5), final_issued_on=date(2026, 5, 20), date_of_birth=date(2005, 3, 15)
        )
    )
    assert C.PHASE_TRANSFER not in codes_of(deadlines)


def test_reassessment_decision_and_plan():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2024, 1, 8),
            final_issued_on=date(2024, 5, 20),
            reassessment_requested_on=date(2026, 9, 7),
            reassessment_decided_on=date(2026, 9, 18),
            reassessment_agreed=True,
        )
    )
    decision = only(deadlines, C.REASSESSMENT_DECISION)
    assert (decision.starts_on, decision.due_on, decision.met_on) == (
        date(2026, 9, 7),
        date(2026, 9, 22),
        date(2026, 9, 18),
    )
    plan = only(deadlines, C.REASSESSMENT_PLAN)
    assert (plan.starts_on, plan.due_on, plan.met_on) == (date(2026, 9, 18), date(2026, 12, 25), None)


def test_refusal_to_reassess_has_no_plan_limit():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2024, 1, 8),
            final_issued_on=date(2024, 5, 20),
            reassessment_requested_on=date(2026, 9, 7),
            reassessment_decided_on=date(2026, 9, 25),
            reassessment_agreed=False,
        )
    )
    assert C.REASSESSMENT_PLAN not in codes_of(deadlines)
    assert deadline_status(only(deadlines, C.REASSESSMENT_DECISION), today=date(2026, 10, 1)) == S.MISSED


def test_closing_the_case_cancels_every_limit_not_yet_met():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            assessment_decided_on=date(2026, 2, 10),
            assessment_agreed=True,
            advice=(
                AdviceRequest("advice:1", date(2026, 2, 20), received_on=date(2026, 3, 20)),
                AdviceRequest("advice:2", date(2026, 2, 20)),
            ),
            closed_on=date(2026, 3, 25),
        )
    )
    state = {(d.code, d.ref): d.cancelled for d in deadlines}
    assert state == {
        (C.ASSESSMENT_DECISION, ""): False,
        (C.ADVICE, "advice:1"): False,
        (C.ADVICE, "advice:2"): True,
        (C.ISSUE_DECISION, ""): True,
        (C.FINAL_PLAN, ""): True,
    }


def test_closing_cancels_review_windows_too():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2025, 1, 6),
            final_issued_on=date(2025, 5, 1),
            next_review_meeting_on=date(2026, 4, 15),
            amendment_proposed_on=date(2026, 5, 1),
            closed_on=date(2026, 5, 5),
        )
    )
    assert all(d.cancelled for d in deadlines if d.met_on is None)
    assert deadline_status(only(deadlines, C.AMENDMENT_RESPONSE), today=date(2026, 6, 1)) == S.CANCELLED


def test_order_is_by_due_date_then_code_then_ref():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            advice=(
                AdviceRequest("advice:9", date(2026, 1, 5)),
                AdviceRequest("advice:10", date(2026, 1, 5)),
            ),
        )
    )
    assert [(d.code.value, d.ref) for d in deadlines] == [
        ("advice", "advice:10"),
        ("advice", "advice:9"),
        ("assessment_decision", ""),
        ("issue_decision", ""),
        ("final_plan", ""),
    ]
    # The order the advice requests were recorded in makes no difference.
    reordered = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            advice=(
                AdviceRequest("advice:10", date(2026, 1, 5)),
                AdviceRequest("advice:9", date(2026, 1, 5)),
            ),
        )
    )
    assert reordered == deadlines


def test_a_whole_case_produces_each_code_once():
    deadlines = compute_deadlines(
        CaseDates(
            received_on=date(2026, 1, 5),
            assessment_agreed=True,
            advice=(AdviceRequest("advice:1", date(2026, 2, 20)),),
            draft_served_on=date(2026, 4, 20),
            final_issued_on=date(2026, 5, 20),
            next_review_meeting_on=date(2027, 3, 10),
            amendment_proposed_on=date(2027, 4, 1),
            date_of_birth=date(2015, 3, 15),
            reassessment_requested_on=date(2027, 9, 6),
            reassessment_decided_on=date(2027, 9, 20),
            reassessment_agreed=True,
        )
    )
    assert sorted(codes_of(deadlines)) == sorted(c.value for c in C)
    assert [d.due_on for d in deadlines] == sorted(d.due_on for d in deadlines)


# --- deadline_status -------------------------------------------------------------------------------------

FINAL = Deadline(C.FINAL_PLAN, due_on=date(2026, 5, 25), starts_on=date(2026, 1, 5))
ADVICE = Deadline(C.ADVICE, due_on=date(2026, 4, 3), starts_on=date(2026, 2, 20), ref="advice:17")
WINDOW = Deadline(
    C.DRAFT_RESPONSE, due_on=date(2026, 10, 16), starts_on=date(2026, 10, 2), kind=DeadlineKind.WINDOW
)


def with_met(deadline: Deadline, met_on: date) -> Deadline:
    return Deadline(deadline.code, deadline.due_on, deadline.starts_on, deadline.ref, met_on, deadline.kind)


@pytest.mark.parametrize(
    ("met_on", "today", "status"),
    [
        (None, date(2026, 5, 1), S.OPEN),
        (None, date(2026, 5, 25), S.OPEN),  # the due day itself is still on time
        (None, date(2026, 5, 26), S.MISSED),
        (date(2026, 5, 20), date(2026, 5, 21), S.MET),
        (date(2026, 5, 25), date(2026, 7, 1), S.MET),  # met on the due day
        (date(2026, 5, 26), date(2026, 7, 1), S.MISSED),  # met one day late stays a breach
    ],
)
def test_duty_status(met_on, today, status):
    deadline = FINAL if met_on is None else with_met(FINAL, met_on)
    assert deadline_status(deadline, today=today) == status


@pytest.mark.parametrize(
    ("met_on", "today", "status"),
    [
        (None, date(2026, 10, 2), S.OPEN),
        (None, date(2026, 10, 16), S.OPEN),  # last day of the window
        (None, date(2026, 10, 17), S.MET),  # the window has run its course
        (None, date(2027, 10, 17), S.MET),  # never missed however long ago
        (date(2026, 10, 5), date(2026, 10, 6), S.MET),
        (date(2026, 11, 2), date(2026, 11, 3), S.MET),  # a late reply is still not a breach
    ],
)
def test_window_status(met_on, today, status):
    deadline = WINDOW if met_on is None else with_met(WINDOW, met_on)
    absent = RecordedException(K.ABSENT_FROM_AREA, date(2026, 10, 1), date(2026, 11, 30))
    assert deadline_status(deadline, today=today, exceptions=[absent]) == status


def test_cancelled_beats_overdue():
    cancelled = Deadline(C.FINAL_PLAN, date(2026, 5, 25), date(2026, 1, 5), cancelled=True)
    assert deadline_status(cancelled, today=date(2027, 1, 1)) == S.CANCELLED


@pytest.mark.parametrize("kind", sorted(CORE))
def test_each_core_exception_excuses_a_late_final_plan(kind):
    exc = RecordedException(kind, date(2026, 3, 1), date(2026, 4, 30))
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=[exc]) == S.EXCUSED
    late = with_met(FINAL, date(2026, 6, 10))
    assert deadline_status(late, today=date(2026, 6, 11), exceptions=[exc]) == S.EXCUSED


def test_exception_never_moves_the_date_or_touches_an_open_deadline():
    exc = RecordedException(K.PERSONAL_CIRCUMSTANCES, date(2026, 3, 1), date(2026, 4, 30))
    assert deadline_status(FINAL, today=date(2026, 5, 25), exceptions=[exc]) == S.OPEN
    assert (
        deadline_status(with_met(FINAL, date(2026, 5, 1)), today=date(2026, 6, 1), exceptions=[exc]) == S.MET
    )
    # Issued on 26 May 2026, a day after the 20 weeks: still late, only excused. Had the 61 days of the exception
    # moved the limit, the plan would have been on time (MET).
    assert (
        deadline_status(with_met(FINAL, date(2026, 5, 26)), today=date(2026, 6, 1), exceptions=[exc])
        == S.EXCUSED
    )


def test_missed_appointment_excuses_advice_only():
    exc = RecordedException(K.MISSED_APPOINTMENT, date(2026, 3, 12), date(2026, 3, 12))
    assert deadline_status(ADVICE, today=date(2026, 4, 10), exceptions=[exc]) == S.EXCUSED
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=[exc]) == S.MISSED


@pytest.mark.parametrize(
    ("exc_ref", "status"),
    [("advice:17", S.EXCUSED), ("", S.EXCUSED), ("advice:18", S.MISSED)],
)
def test_advice_exception_matches_its_advice_request(exc_ref, status):
    exc = RecordedException(K.SCHOOL_CLOSURE, date(2026, 2, 13), date(2026, 3, 27), ref=exc_ref)
    assert deadline_status(ADVICE, today=date(2026, 4, 10), exceptions=[exc]) == status


def test_exception_recorded_against_other_codes_does_not_apply():
    exc = RecordedException(
        K.PERSONAL_CIRCUMSTANCES,
        date(2026, 3, 1),
        date(2026, 4, 30),
        codes=frozenset({"assessment_decision"}),
    )
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=[exc]) == S.MISSED
    named = RecordedException(
        K.PERSONAL_CIRCUMSTANCES, date(2026, 3, 1), date(2026, 4, 30), frozenset({"final_plan"})
    )
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=[exc, named]) == S.EXCUSED


@pytest.mark.parametrize(
    ("starts", "ends", "status"),
    [
        (date(2025, 12, 1), date(2026, 1, 4), S.MISSED),  # ended the day before the clock started
        (date(2025, 12, 1), date(2026, 1, 5), S.EXCUSED),  # ends on the day the clock started
        (date(2026, 5, 25), date(2026, 5, 25), S.EXCUSED),  # on the due day
        (date(2026, 5, 26), date(2026, 6, 30), S.MISSED),  # only after the limit had passed
    ],
)
def test_exception_must_overlap_the_running_period(starts, ends, status):
    exc = RecordedException(K.PERSONAL_CIRCUMSTANCES, starts, ends)
    assert deadline_status(FINAL, today=date(2026, 7, 1), exceptions=[exc]) == status


def test_no_exception_excuses_a_review_limit():
    decision = Deadline(C.REVIEW_DECISION, date(2027, 4, 7), date(2027, 3, 10), ref="2027-03-10")
    excs = [RecordedException(kind, date(2027, 3, 1), date(2027, 4, 30)) for kind in K]
    assert deadline_status(decision, today=date(2027, 4, 8), exceptions=excs) == S.MISSED


def test_reassessment_plan_can_be_excused_but_not_the_decision():
    exc = RecordedException(K.ABSENT_FROM_AREA, date(2026, 10, 1), date(2026, 11, 15))
    plan = Deadline(C.REASSESSMENT_PLAN, date(2026, 12, 25), date(2026, 9, 18))
    decision = Deadline(C.REASSESSMENT_DECISION, date(2026, 9, 22), date(2026, 9, 7))
    assert deadline_status(plan, today=date(2027, 1, 4), exceptions=[exc]) == S.EXCUSED
    assert deadline_status(decision, today=date(2027, 1, 4), exceptions=[exc]) == S.MISSED


def test_an_absence_too_short_to_count_excuses_nothing():
    short = RecordedException(K.ABSENT_FROM_AREA, date(2026, 3, 1), date(2026, 3, 20))
    assert not exception_applies(short, FINAL)
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=[short]) == S.MISSED


def test_status_accepts_any_iterable_of_exceptions():
    exc = RecordedException(K.EARLY_YEARS_CLOSURE, date(2026, 3, 1), date(2026, 4, 30))
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=(e for e in [exc])) == S.EXCUSED


# --- ongoing exceptions (no end date yet) ------------------------------------------------------------------


def test_an_ongoing_exception_is_lawful_to_record_with_no_end():
    validate_exception(RecordedException(K.PERSONAL_CIRCUMSTANCES, date(2026, 3, 1), None))
    # An absence may be recorded the day it starts: its 4 weeks are judged once it has lasted them.
    validate_exception(RecordedException(K.ABSENT_FROM_AREA, date(2026, 3, 1), None))


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 5, 25), S.OPEN),  # not yet due: an exception never touches an open deadline
        (date(2026, 6, 1), S.EXCUSED),  # missed while the exception is still going on
    ],
)
def test_an_ongoing_exception_runs_to_today(today, status):
    ongoing = RecordedException(K.PERSONAL_CIRCUMSTANCES, date(2026, 3, 1), None)
    assert deadline_status(FINAL, today=today, exceptions=[ongoing]) == status


def test_an_ongoing_exception_that_has_not_begun_excuses_nothing():
    later = RecordedException(K.PERSONAL_CIRCUMSTANCES, date(2026, 7, 1), None)
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=[later]) == S.MISSED


def test_an_ongoing_absence_excuses_only_once_it_has_lasted_four_weeks():
    absent = RecordedException(K.ABSENT_FROM_AREA, date(2026, 5, 20), None)
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=[absent]) == S.MISSED  # 13 days so far
    assert deadline_status(FINAL, today=date(2026, 6, 16), exceptions=[absent]) == S.EXCUSED  # 28 days
    assert exception_applies(absent, FINAL, today=date(2026, 6, 16))


def test_an_exception_closed_before_the_deadline_began_no_longer_excuses_it():
    closed = RecordedException(K.PERSONAL_CIRCUMSTANCES, date(2025, 11, 1), date(2025, 12, 31))
    assert deadline_status(FINAL, today=date(2026, 6, 1), exceptions=[closed]) == S.MISSED
