"""`seed_scale` writes its cases in bulk (COPY or bulk_create), not through the services: these tests prove, case by
case, that the fast path leaves exactly what the services would have left.

A few hundred cases are seeded once for the module. Each case's transitions are read back from its timeline (the
step and the date it took effect), then the case is put back to a fresh request and the same steps are replayed
through `services.case_transition` (and its exceptions through `services.record_exception`): the stage, the dates
and every deadline row (code, ref, starts_on, due_on, met_on, status) must come out the same.

The advice written in bulk is held to the advice services the same way: each request's clock and `advice` deadline
row are what `recompute_deadlines` gives from the clocks, each advice sent passes `advice.checks.errors` and its
items are the rows `submit_advice` materialises, and each stored RAS score is what `score_case` computes.
"""

import io
import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from accounts.models import Organisation, Role, User
from advice import checks, definitions
from advice import selectors as advice_selectors
from advice import services as advice_services
from advice.models import (
    OPEN_STATUSES,
    AdviceRequest,
    AdviceSubmission,
    RasLevel,
    RasScore,
    RequestStatus,
)
from cases import selectors, services, statutory, workflow
from cases.models import AdviceClock, Case, Deadline, DeadlineException, TimelineEvent

COUNCIL = "Replayshire County Council"
CASES = 200
# Every date a transition can stamp on the case, the stage, and what closing the case records.
CASE_FIELDS = (
    "stage",
    "assessment_decided_on",
    "assessment_agreed",
    "issue_decided_on",
    "plan_to_be_issued",
    "draft_served_on",
    "family_responded_on",
    "final_issued_on",
    "last_review_meeting_on",
    "next_review_meeting_on",
    "review_notice_sent_on",
    "review_advice_circulated_on",
    "review_report_on",
    "review_decided_on",
    "phase_transfer_done_on",
    "closed_on",
    "closure_reason",
    "next_due_on",
    "next_deadline_code",
)
FRESH = dict.fromkeys(CASE_FIELDS) | {
    "stage": workflow.Stage.REQUEST_RECEIVED.value,
    "closure_reason": "",
    "next_deadline_code": "",
}
# Longest first, so "Start the annual review" never matches a longer label that begins the same way.
BY_LABEL = sorted(((t.label, t.name) for t in workflow.TRANSITIONS.values()), key=lambda p: -len(p[0]))
EFFECTIVE = re.compile(r"^(?P<summary>.*) \((?P<on>\d{1,2} [A-Z][a-z]+ \d{4})\)$")

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back at the end so other modules never see it."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_scale", cases=CASES, council=COUNCIL, stdout=out)
        council = Organisation.objects.get(name=COUNCIL)
        cases = list(Case.objects.filter(council=council).select_related("child").order_by("pk"))
        yield {
            "council": council,
            "cases": cases,
            "manager": User.objects.get(organisation=council, role=Role.SERVICE_MANAGER),
            "steps": {case.pk: steps_of(case) for case in cases},
            "output": out.getvalue(),
        }
        transaction.set_rollback(True)


def steps_of(case: Case) -> list[tuple[str, date, str]]:
    """The transitions on the case's timeline, in the order they were taken: (name, effective date, reason)."""
    steps = []
    for event in case.timeline.filter(kind=TimelineEvent.Kind.TRANSITION).order_by("pk"):
        match = EFFECTIVE.match(event.summary)
        assert match, f"{case.reference}: a transition event without its date: {event.summary!r}"
        name = next(name for label, name in BY_LABEL if match["summary"].startswith(label))
        steps.append((name, datetime.strptime(match["on"], "%d %B %Y").date(), event.detail))
    return steps


def deadline_rows(case: Case) -> set[tuple]:
    return {
        (d.code, d.ref, d.kind, d.starts_on, d.due_on, d.met_on, d.status)
        for d in Deadline.objects.filter(case_id=case.pk)
    }


def case_values(case_id: int) -> dict:
    return Case.objects.filter(pk=case_id).values(*CASE_FIELDS).get()


def test_every_stage_is_seeded(seeded):
    stages = Counter(case.stage for case in seeded["cases"])
    assert len(seeded["cases"]) == CASES
    assert set(stages) == {stage.value for stage in workflow.Stage}, stages


def test_every_stage_is_reached_by_the_workflows_own_transitions_from_the_recorded_dates(seeded):
    today = selectors.today()
    guarded = set(workflow.CaseFacts.__dataclass_fields__)
    for case in seeded["cases"]:
        facts = workflow.CaseFacts(stage=workflow.Stage.REQUEST_RECEIVED, received_on=case.received_on)
        for name, on, reason in seeded["steps"][case.pk]:
            # Raises TransitionRefused, naming the rule, if the step could not have been taken on that date.
            step = workflow.check(
                name, facts=facts, role=Role.SERVICE_MANAGER, on=on, today=today, reason=reason
            )
            stamped = {step.sets_date: on} if step.sets_date in guarded else {}
            facts = replace(facts, stage=step.target or facts.stage, **stamped)
        assert facts.stage == case.stage, case.reference
        for field in ("draft_served_on", "family_responded_on", "final_issued_on", "next_review_meeting_on"):
            assert getattr(facts, field) == getattr(case, field), (case.reference, field)


def test_current_deadline_rows_are_what_the_statutory_rules_give_for_the_cases_dates(seeded):
    today = selectors.today()
    for case in seeded["cases"]:
        exceptions = [e.as_recorded() for e in case.exceptions.all()]
        expected = {
            (spec.code.value, spec.ref, spec.starts_on, spec.due_on)
            + _status(spec, today=today, exceptions=exceptions)
            for spec in statutory.compute_deadlines(case.statutory_dates())
        }
        current = {
            (d.code, d.ref, d.starts_on, d.due_on, d.met_on, d.status)
            for d in Deadline.objects.filter(case_id=case.pk)
        }
        # Rows of past review cycles stay as history; every row the law asks for today is there as computed.
        assert expected <= current, case.reference


def _status(spec, *, today, exceptions) -> tuple:
    status = statutory.deadline_status(spec, today=today, exceptions=exceptions)
    met_on = spec.met_on
    if (
        spec.kind == statutory.DeadlineKind.WINDOW
        and met_on is None
        and status == statutory.DeadlineStatus.MET
    ):
        met_on = (
            spec.due_on
        )  # a window that ran its course is met on its last day, as recompute_deadlines says
    return (met_on, status.value)


def test_replaying_every_case_through_the_services_gives_the_same_stage_dates_and_deadline_rows(seeded):
    manager = seeded["manager"]
    differences = []
    with transaction.atomic():
        for seeded_case in seeded["cases"]:
            before = case_values(seeded_case.pk)
            rows = deadline_rows(seeded_case)
            exceptions = list(DeadlineException.objects.filter(case_id=seeded_case.pk).order_by("pk"))

            # Back to the request as it was logged: no steps, no deadline rows, no exceptions.
            Deadline.objects.filter(case_id=seeded_case.pk).delete()
            DeadlineException.objects.filter(case_id=seeded_case.pk).delete()
            Case.objects.filter(pk=seeded_case.pk).update(**FRESH)
            case = Case.objects.select_related("child").get(pk=seeded_case.pk)
            services.recompute_deadlines(case=case, by=manager)  # what logging the request does

            for name, on, reason in seeded["steps"][case.pk]:
                case = services.case_transition(case=case, name=name, by=manager, on=on, reason=reason)
            for exception in exceptions:
                services.record_exception(
                    case=case,
                    kind=exception.kind,
                    starts_on=exception.starts_on,
                    ends_on=exception.ends_on,
                    reason=exception.reason,
                    codes=exception.codes or None,
                    by=manager,
                )

            after = case_values(case.pk)
            changed = {k: (before[k], after[k]) for k in CASE_FIELDS if before[k] != after[k]}
            replayed = deadline_rows(case)
            if changed or replayed != rows:
                differences.append(
                    f"{case.reference} ({before['stage']}): case fields seeded/replayed {changed}; "
                    f"rows only seeded {sorted(rows - replayed)}; rows only replayed {sorted(replayed - rows)}"
                )
        transaction.set_rollback(True)
    assert not differences, f"{len(differences)} of {CASES} cases differ:\n" + "\n".join(differences[:10])


# --- advice at scale ------------------------------------------------------------------------------------------


def _advice_cases(seeded) -> list[Case]:
    with_clocks = set(
        AdviceClock.objects.filter(case__in=seeded["cases"]).values_list("case_id", flat=True).distinct()
    )
    return [case for case in seeded["cases"] if case.pk in with_clocks]


def test_advice_is_asked_only_on_cases_the_council_agreed_to_assess(seeded):
    requests = AdviceRequest.objects.filter(case__in=seeded["cases"])
    stages = Counter(requests.values_list("case__stage", flat=True))
    assert stages[workflow.Stage.ASSESSING] > 0 and stages[workflow.Stage.FINAL_ISSUED] > 0
    agreed = {case.pk for case in seeded["cases"] if case.assessment_agreed is True}
    assert set(requests.values_list("case_id", flat=True)) <= agreed
    # Open requests are on cases still being assessed; cases past it have had their advice, or it was closed.
    open_stages = set(requests.filter(status__in=OPEN_STATUSES).values_list("case__stage", flat=True))
    assert open_stages == {workflow.Stage.ASSESSING.value}
    statuses = Counter(requests.values_list("status", flat=True))
    assert statuses[RequestStatus.SUBMITTED] > statuses[RequestStatus.DECLINED] > 0, statuses


def test_each_request_has_the_clock_and_deadline_row_the_advice_services_leave(seeded):
    for request in AdviceRequest.objects.filter(case__in=seeded["cases"]).select_related("asked_team"):
        clock = AdviceClock.objects.get(case_id=request.case_id, ref=request.clock_ref)
        row = Deadline.objects.get(case_id=request.case_id, code="advice", ref=request.clock_ref)
        assert clock.requested_on == request.sent_on == row.starts_on
        assert request.due_on == row.due_on == statutory.add_weeks(request.sent_on, 6)
        assert clock.cancelled == (request.status in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN))
        assert (clock.received_on is not None) == (request.status == RequestStatus.SUBMITTED)
        assert clock.adviser_id == request.allocated_to_id
        assert clock.adviser_manager_id == request.asked_team.leads.order_by("id").first().pk
        assert clock.link == f"/advice/requests/{request.pk}/"


def test_advice_deadline_rows_are_what_recompute_deadlines_gives_from_the_clocks(seeded):
    manager = seeded["manager"]
    cases = _advice_cases(seeded)
    assert cases
    differences = []
    with transaction.atomic():
        for seeded_case in cases:
            rows = deadline_rows(seeded_case)
            case = Case.objects.select_related("child").get(pk=seeded_case.pk)
            services.recompute_deadlines(case=case, by=manager)
            if deadline_rows(case) != rows:
                differences.append(f"{case.reference}: {sorted(rows ^ deadline_rows(case))}")
            # From nothing too: the clocks alone give the same advice rows.
            Deadline.objects.filter(case=case, code="advice").delete()
            services.recompute_deadlines(case=case, by=manager)
            if deadline_rows(case) != rows:
                differences.append(f"{case.reference} from the clocks: {sorted(rows ^ deadline_rows(case))}")
        transaction.set_rollback(True)
    assert not differences, "\n".join(differences[:10])


def test_every_advice_sent_passes_the_checks_and_its_items_are_the_rows_the_plan_is_assembled_from(seeded):
    submissions = AdviceSubmission.objects.filter(request__case__in=seeded["cases"]).select_related("request")
    sent = [s for s in submissions if s.submitted_at is not None]
    assert sent and any(s.submitted_at is None for s in submissions)
    today = selectors.today()
    for submission in sent:
        definition = definitions.definition(submission.request.kind)
        content = {**submission.answers, "declaration": submission.declaration}
        assert checks.errors(definition, content, today=today, levels=(0, 4)) == [], submission.pk
        assert submission.request.status == RequestStatus.SUBMITTED
        assert submission.needs.count() == len(content["needs"])
        assert submission.outcomes.count() == len(content["outcomes"])
        assert submission.provision.count() == len(content["provision"])
        assert {lv.area: lv.level for lv in submission.ras_levels.all()} == content["ras"]
        for outcome in submission.outcomes.all():
            assert outcome.needs.count() == 1
        for provision in submission.provision.all():
            assert provision.need.submission_id == submission.pk
            assert provision.outcome.submission_id == submission.pk
        assert submission.history.count() == 1
    for draft in submissions:
        if draft.submitted_at is None:
            assert draft.request.status == RequestStatus.IN_PROGRESS
            assert not draft.needs.exists()


def test_each_case_with_levels_has_the_current_score_score_case_gives(seeded):
    scored = RasScore.objects.filter(case__in=seeded["cases"], is_current=True).select_related("case")
    assert scored
    with transaction.atomic():
        for stored in scored:
            fresh = advice_services.score_case(case=stored.case, by=None)
            for name in ("points", "band", "annual_amount", "profile", "explanation", "disagreements"):
                assert getattr(fresh, name) == getattr(stored, name), (stored.case.reference, name)
        transaction.set_rollback(True)
    levelled = set(
        RasLevel.objects.filter(submission__request__case__in=seeded["cases"]).values_list(
            "submission__request__case_id", flat=True
        )
    )
    assert levelled == {score.case_id for score in scored}


def test_an_adviser_sees_their_open_requests_in_their_inbox(seeded):
    open_requests = AdviceRequest.objects.filter(
        case__in=seeded["cases"], status__in=OPEN_STATUSES, allocated_to__isnull=False
    ).select_related("allocated_to")
    assert open_requests
    for request in open_requests:
        assert request in advice_selectors.inbox(user=request.allocated_to)
