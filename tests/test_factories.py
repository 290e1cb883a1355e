"""`CaseFactory(stage=...)` builds the case the services would have built: the stage, its deadlines, who did it."""

import datetime

import pytest

from accounts.models import Role
from cases import selectors, statutory, workflow
from cases.models import Case, TimelineEvent
from cases.workflow import Stage
from tests import factories

pytestmark = pytest.mark.django_db


def expected_rows(case: Case, today: datetime.date) -> dict[tuple[str, str], tuple]:
    """What `compute_deadlines` says for the case's dates, as the rows should hold it."""
    exceptions = [e.as_recorded() for e in case.exceptions.all()]
    out = {}
    for spec in statutory.compute_deadlines(case.statutory_dates()):
        status = statutory.deadline_status(spec, today=today, exceptions=exceptions)
        met_on = spec.met_on
        if (
            spec.kind == statutory.DeadlineKind.WINDOW
            and met_on is None
            and status == statutory.DeadlineStatus.MET
        ):
            met_on = spec.due_on  # a family's window that ran its course
        out[(spec.code.value, spec.ref)] = (spec.starts_on, spec.due_on, met_on, status.value)
    return out


@pytest.mark.parametrize("stage", list(Stage))
def test_a_case_at_each_stage_is_what_the_services_make(stage):
    case = factories.CaseFactory(stage=stage)
    case = Case.objects.select_related("child", "coordinator").get(pk=case.pk)
    today = selectors.today()

    assert case.stage == stage
    assert (case.closed_on is not None) == (stage in workflow.CLOSED_STAGES)

    rows = {(d.code, d.ref): (d.starts_on, d.due_on, d.met_on, d.status) for d in case.deadlines.all()}
    expected = expected_rows(case, today)
    assert {key: rows.get(key) for key in expected} == expected
    # Anything else was asked for once and no longer is: kept, met or cancelled, never open.
    leftovers = {key: row for key, row in rows.items() if key not in expected}
    assert all(row[3] in ("met", "missed", "cancelled") for row in leftovers.values()), leftovers

    pending = [d for d in case.deadlines.all() if d.met_on is None and d.status != "cancelled"]
    nearest = min(pending, key=lambda d: (d.due_on, d.code), default=None)
    assert case.next_due_on == (nearest.due_on if nearest else None)

    # Who did it: business support logged the request; the coordinator took every step since, on the record.
    logged = case.history.order_by("history_date", "history_id").first()
    assert (logged.history_type, logged.history_user.role) == ("+", Role.BUSINESS_SUPPORT)
    latest = case.history.order_by("-history_date", "-history_id").first()
    steps = factories.journey(stage)
    if steps:
        assert latest.history_user == case.coordinator
        assert latest.history_change_reason == workflow.TRANSITIONS[steps[-1].name].label
        transitions = case.timeline.filter(kind=TimelineEvent.Kind.TRANSITION).order_by("occurred_at", "pk")
        assert [event.actor for event in transitions] == [case.coordinator] * len(steps)
    else:
        assert latest.history_user.role == Role.BUSINESS_SUPPORT


def test_a_final_plan_case_met_every_assessment_limit_on_time():
    received = datetime.date(2025, 1, 6)
    case = factories.CaseFactory(stage=Stage.FINAL_ISSUED, received_on=received)
    rows = {d.code: d for d in case.deadlines.all()}
    # Decided in week 5 (due in week 6), issue decided in week 14 (due 16), plan issued in week 19 (due 20).
    assert (rows["assessment_decision"].met_on, rows["assessment_decision"].due_on) == (
        datetime.date(2025, 2, 10),
        datetime.date(2025, 2, 17),
    )
    assert rows["issue_decision"].met_on == datetime.date(2025, 4, 14)
    assert (rows["final_plan"].met_on, rows["final_plan"].due_on) == (
        datetime.date(2025, 5, 19),
        datetime.date(2025, 5, 26),
    )
    assert {rows[c].status for c in ("assessment_decision", "issue_decision", "final_plan")} == {"met"}
    # The family replied in week 16, inside the 15 days beginning with the day the draft was served (week 15).
    assert (
        rows["draft_response"].starts_on,
        rows["draft_response"].due_on,
        rows["draft_response"].met_on,
    ) == (
        datetime.date(2025, 4, 21),
        datetime.date(2025, 5, 5),
        datetime.date(2025, 4, 28),
    )
    # The first annual review is due within the 12 months starting with the day the plan was issued.
    assert rows["annual_review"].due_on == datetime.date(2026, 5, 18)


def test_a_draft_can_be_asked_for_served():
    case = factories.CaseFactory(stage=Stage.DRAFT_PLAN, draft_served=True)
    assert case.stage == Stage.DRAFT_PLAN
    assert case.draft_served_on == case.received_on + datetime.timedelta(weeks=15)
    assert case.deadlines.get(code="draft_response").starts_on == case.draft_served_on


def test_a_received_date_too_recent_for_the_stage_is_refused_with_the_step():
    with pytest.raises(ValueError, match="'issue_final_plan' would be on"):
        factories.CaseFactory(
            stage=Stage.FINAL_ISSUED, received_on=selectors.today() - datetime.timedelta(weeks=17)
        )
