"""The time limit of each request for advice (reg 8(1)): six weeks from the day the body asked received it."""

from datetime import date, timedelta

import pytest

from cases import services, statutory
from cases.models import AdviceClock, Deadline

pytestmark = pytest.mark.django_db
Status = statutory.DeadlineStatus


def advice_row(case, ref="advice:1") -> Deadline:
    return case.deadlines.get(code="advice", ref=ref)


def test_a_request_for_advice_is_due_six_weeks_from_the_day_it_was_received(case, coordinator):
    # Sent on Monday 5 January 2026: due Monday 16 February 2026.
    row = services.record_advice_clock(
        case=case, ref="advice:1", label="Psychological advice", requested_on=date(2026, 1, 5), by=coordinator
    )
    assert (row.starts_on, row.due_on, row.met_on) == (date(2026, 1, 5), date(2026, 2, 16), None)
    assert row.regulation == "SEND Regulations 2014, reg 8(1)"
    assert AdviceClock.objects.get(case=case).history.first().history_user == coordinator


def test_passing_a_request_on_does_not_restart_its_clock(case, coordinator):
    services.record_advice_clock(
        case=case,
        ref="advice:1",
        label="SALT advice (wrong team)",
        requested_on=date(2026, 1, 5),
        by=coordinator,
    )
    row = services.record_advice_clock(
        case=case,
        ref="advice:1",
        label="SALT advice (community team)",
        requested_on=date(2026, 1, 20),
        by=coordinator,
    )
    assert row.due_on == date(2026, 2, 16)
    assert AdviceClock.objects.get(case=case).label == "SALT advice (community team)"


def test_advice_received_meets_it_and_one_late_says_so(case, coordinator):
    services.record_advice_clock(
        case=case, ref="advice:1", label="Health advice", requested_on=date(2026, 1, 5), by=coordinator
    )
    row = services.record_advice_clock(
        case=case,
        ref="advice:1",
        label="Health advice",
        requested_on=date(2026, 1, 5),
        received_on=date(2026, 2, 20),
        by=coordinator,
    )
    assert row.met_on == date(2026, 2, 20)
    assert row.is_late_met


def test_a_withdrawn_request_is_cancelled_and_a_transition_keeps_the_others(case, coordinator, manager):
    for n in (1, 2):
        services.record_advice_clock(
            case=case, ref=f"advice:{n}", label=f"Advice {n}", requested_on=case.received_on, by=coordinator
        )
    services.record_advice_clock(
        case=case,
        ref="advice:2",
        label="Advice 2",
        requested_on=case.received_on,
        cancelled=True,
        by=coordinator,
    )
    # Any later recompute (here, a step of the workflow) keeps the clocks: they are the case's own dates.
    services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    assert advice_row(case, "advice:1").status == Status.OPEN
    assert advice_row(case, "advice:2").status == Status.CANCELLED
    assert advice_row(case, "advice:1").due_on == case.received_on + timedelta(weeks=6)
