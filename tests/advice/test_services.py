"""Asking for advice, giving it and scoring it, through the services, as the law and the people see it."""

from datetime import date, timedelta

import pytest

from advice import checks, definitions, selectors, services
from advice.models import AdviceNeed, AdviceProvision, RasScore, RequestStatus
from cases import policy
from cases.models import CaseDocument, Deadline, TeamRole
from notifications.models import Message
from tests import factories
from tests.advice.conftest import full_advice

pytestmark = pytest.mark.django_db


def due(case, request) -> Deadline:
    return case.deadlines.get(code="advice", ref=request.clock_ref)


def test_advice_is_asked_for_only_once_the_council_has_agreed_to_assess(case, coordinator, ep):
    with pytest.raises(services.ServiceError, match="once the council has agreed to assess"):
        services.request_advice(case=case, kind="psychological", asked_user=ep, by=coordinator)


def test_asking_a_person_starts_six_weeks_tells_them_and_lets_them_in(assessing_case, coordinator, ep):
    sent_on = assessing_case.assessment_decided_on
    request = services.request_advice(
        case=assessing_case, kind="psychological", asked_user=ep, by=coordinator, sent_on=sent_on
    )
    row = due(assessing_case, request)
    assert (row.starts_on, row.due_on, row.status) == (sent_on, sent_on + timedelta(weeks=6), "open")
    assert request.due_on == row.due_on
    message = Message.objects.get(template="advice.requested", recipient=ep, channel="email")
    assert message.link.endswith(f"/advice/requests/{request.pk}/")
    assert selectors.request_for(user=ep, request_id=request.pk) == request
    assert assessing_case.team.filter(user=ep, role=TeamRole.SPECIALIST).exists()
    assert assessing_case.timeline.filter(summary__startswith="Asked for psychological advice").exists()


def test_asking_the_same_person_twice_for_the_same_advice_is_refused(assessing_case, coordinator, ep):
    services.request_advice(case=assessing_case, kind="psychological", asked_user=ep, by=coordinator)
    with pytest.raises(services.ServiceError, match="already been asked") as refused:
        services.request_advice(case=assessing_case, kind="psychological", asked_user=ep, by=coordinator)
    assert refused.value.field == "asked"


def test_only_coordinators_and_managers_ask(assessing_case, business_support, ep):
    with pytest.raises(policy.NotAllowed):
        services.request_advice(case=assessing_case, kind="psychological", asked_user=ep, by=business_support)


def test_a_service_lead_allocates_and_the_clock_keeps_running(
    assessing_case, coordinator, ep_team, ep_lead, ep
):
    request = services.request_advice(
        case=assessing_case, kind="psychological", asked_team=ep_team, by=coordinator
    )
    assert [r.pk for r in selectors.inbox(user=ep_lead)] == [request.pk]
    assert selectors.inbox(user=ep) == []  # not theirs until allocated
    services.allocate_request(request=request, to=ep, by=ep_lead)
    assert [r.pk for r in selectors.inbox(user=ep)] == [request.pk]
    assert due(assessing_case, request).due_on == request.sent_on + timedelta(weeks=6)


def test_passing_on_to_the_right_service_keeps_the_due_date(
    assessing_case, coordinator, ep_team, ep_lead, salt_team, salt
):
    request = services.request_advice(
        case=assessing_case, kind="speech_and_language", asked_team=ep_team, by=coordinator
    )
    first_due = due(assessing_case, request).due_on
    services.pass_on_request(
        request=request, to_team=salt_team, reason="Speech therapy is not ours", by=ep_lead
    )
    request.refresh_from_db()
    assert request.asked_team == salt_team
    assert due(assessing_case, request).due_on == first_due
    assert [r.pk for r in selectors.inbox(user=salt)] == [request.pk]
    assert Message.objects.filter(template="advice.passed_on", recipient=coordinator).exists()


def test_declining_cancels_the_time_limit_and_tells_the_coordinator(assessing_case, coordinator, ep):
    request = services.request_advice(
        case=assessing_case, kind="psychological", asked_user=ep, by=coordinator
    )
    with pytest.raises(services.ServiceError) as refused:
        services.decline_request(request=request, reason="  ", by=ep)
    assert refused.value.field == "reason"
    services.decline_request(request=request, reason="I do not cover this school", by=ep)
    assert due(assessing_case, request).status == "cancelled"
    message = Message.objects.get(template="advice.declined", recipient=coordinator, channel="email")
    assert message.data["reason"] == "I do not cover this school"


def test_advice_is_saved_as_it_is_written_and_sent_once(
    assessing_case, coordinator, ep, scheme, django_capture_on_commit_callbacks
):
    request = services.request_advice(
        case=assessing_case, kind="psychological", asked_user=ep, by=coordinator
    )
    content = full_advice()
    services.save_advice(request=request, by=ep, changes={"answers": content["answers"]})
    # Half way: nothing is lost, and sending now lists what is missing.
    with pytest.raises(services.Incomplete) as incomplete:
        services.submit_advice(request=request, by=ep)
    messages = [p.message for p in incomplete.value.problems]
    assert "Add at least one need you found" in messages
    assert "Choose a level for cognition and learning" in messages
    assert selectors.draft_of(request=request).answers["answers"]["methods"].startswith("Observed")

    services.save_advice(
        request=request,
        by=ep,
        changes={k: content[k] for k in ("needs", "outcomes", "provision", "ras", "declaration")},
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.submit_advice(request=request, by=ep)
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    row = due(assessing_case, request)
    assert row.met_on == date.today() and row.status == "met"
    needs = AdviceNeed.objects.filter(submission=sent).order_by("position")
    assert [n.description for n in needs] == ["Slow processing speed", "Anxiety at transitions"]
    provision = AdviceProvision.objects.get(submission=sent)
    assert (provision.need.description, provision.outcome.by_when) == ("Slow processing speed", "July 2027")
    assert Message.objects.filter(template="advice.submitted", recipient=coordinator).exists()
    # After commit a task (eager here) renders the PDF and files it with the case, for staff until shared.
    sent.refresh_from_db()
    assert sent.document.category == CaseDocument.Category.ADVICE
    assert sent.document.name == f"Advice-{request.pk}-v1-{assessing_case.reference}.pdf"
    assert sent.document.file.read(5) == b"%PDF-"
    assert sent.document.visibility == "staff"

    with pytest.raises(services.ServiceError, match="already been sent"):
        services.submit_advice(request=request, by=ep)
    # Editing after sending starts nothing silently: the sent version stays locked, a change is a new draft
    # only through a correction with a reason.
    assert selectors.draft_of(request=request) is None


def test_a_level_outside_the_scale_or_a_future_assessment_date_is_an_error(
    assessing_case, coordinator, ep, scheme
):
    request = services.request_advice(
        case=assessing_case, kind="psychological", asked_user=ep, by=coordinator
    )
    content = full_advice(
        levels={"communication_interaction": 1, "cognition_learning": 7, "semh": 2, "sensory_physical": 0}
    )
    content["answers"]["assessed_on"] = (date.today() + timedelta(days=3)).isoformat()
    services.save_advice(request=request, by=ep, changes=content)
    with pytest.raises(services.Incomplete) as incomplete:
        services.submit_advice(request=request, by=ep)
    found = {(p.part, p.field): p.message for p in incomplete.value.problems}
    assert found[("ras", "cognition_learning")] == "The level for cognition and learning must be from 0 to 4"
    assert found[("assessment", "assessed_on")] == "“Date of your assessment” must be today or in the past"
    # What was typed is kept.
    assert selectors.draft_of(request=request).answers["ras"]["cognition_learning"] == 7


def test_vague_provision_is_a_warning_not_a_block(assessing_case, coordinator, ep, scheme):
    request = services.request_advice(
        case=assessing_case, kind="psychological", asked_user=ep, by=coordinator
    )
    vague = [
        {
            "id": "p1",
            "section": "F",
            "what": "Access to a quiet space",
            "who": "",
            "frequency": "",
            "duration": "",
        }
    ]
    services.save_advice(request=request, by=ep, changes=full_advice(provision=vague))
    draft = selectors.draft_of(request=request)
    warnings = checks.warnings(definitions.definition("psychological"), draft.answers)
    assert [(f.field, f.message) for f in warnings["p1"]] == [
        ("what", "“Access to” does not say how much"),
        ("who", "Say who will deliver it"),
        ("frequency", "Say how often"),
        ("duration", "Say for how long"),
    ]
    services.submit_advice(request=request, by=ep)  # sent all the same


def test_a_correction_is_a_new_version_and_both_are_kept(assessing_case, coordinator, ep, scheme):
    request = services.request_advice(
        case=assessing_case, kind="psychological", asked_user=ep, by=coordinator
    )
    services.save_advice(request=request, by=ep, changes=full_advice())
    first = services.submit_advice(request=request, by=ep)
    correction = services.correct_advice(request=request, reason="Wrong school named", by=ep)
    assert (correction.number, correction.supersedes) == (2, first)
    services.save_advice(
        request=request,
        by=ep,
        changes={"answers": {"methods": "Observed at Riverside Primary"}, "declaration": True},
    )
    second = services.submit_advice(request=request, by=ep)
    assert list(selectors.current_submissions(case=assessing_case)) == [second]
    first.refresh_from_db()
    assert first.submitted_at is not None  # the first version stays


def test_submitted_advice_is_scored_into_a_suggested_band(
    assessing_case, coordinator, ep, salt_team, salt, scheme
):
    request = services.request_advice(
        case=assessing_case, kind="psychological", asked_user=ep, by=coordinator
    )
    services.save_advice(request=request, by=ep, changes=full_advice())
    services.submit_advice(request=request, by=ep)
    score = RasScore.objects.get(case=assessing_case, is_current=True)
    # communication 1 × 2 + cognition 3 × 4 + SEMH 2 × 4 + sensory 0 = 22 points: band C, £6,000.
    assert (score.points, score.band, score.annual_amount) == (22, "C", 6000)
    assert score.explanation[-1] == "Band C: from 16 points, £6,000 a year."


def test_an_adviser_cannot_see_another_case_or_another_advisers_draft(
    assessing_case, coordinator, ep, salt, council, business_support
):
    mine = services.request_advice(case=assessing_case, kind="psychological", asked_user=ep, by=coordinator)
    theirs = services.request_advice(
        case=assessing_case, kind="speech_and_language", asked_user=salt, by=coordinator
    )
    services.save_advice(request=theirs, by=salt, changes=full_advice())
    draft = selectors.draft_of(request=theirs)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.request_for(user=ep, request_id=theirs.pk)
    with pytest.raises(Http404):
        selectors.submission_for(user=ep, submission_id=draft.pk)
    other_case = factories.make_case(council=council, by=business_support, first_name="Zara")
    assert not selectors.requests_for(user=ep).filter(case=other_case).exists()
    assert selectors.request_for(user=ep, request_id=mine.pk) == mine
