"""What the panel does, as the law and the people in it see it: quorum, conflicts, votes, decisions and letters."""

import datetime

import pytest
from django.utils import timezone

from cases import policy, statutory
from cases import services as case_services
from cases.models import CaseDocument, Deadline
from notifications.models import Message
from panel import selectors, services
from panel.models import AgendaItem, Decision, Vote
from tests import factories
from tests.panel.conftest import build_panel, everyone_present, vote_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def decide(item, world, outcome="yes", reasons="", **extra):
    return services.record_decision(
        item=item, values=services.DecisionInput(outcome=outcome, reasons=reasons, **extra), by=world.chair
    )


def ready_to_decide(item, world, choices=None, *, but=()):
    everyone_present(world, but=but)
    services.open_vote(item=item, by=world.chair)
    vote_all(item, world, choices or {"chair": "yes", "ep": "yes", "health": "yes", "social": "no"})
    services.close_vote(item=item, by=world.chair)
    item.refresh_from_db()


# --- quorum -----------------------------------------------------------------------------------------------------


def test_no_decision_without_a_quorum_by_number(item, world):
    ready_to_decide(item, world, {"chair": "yes", "ep": "yes"}, but=("health", "social", "head"))
    # Only two present (chair and EP), and health is missing too.
    with pytest.raises(services.ServiceError, match="No decision without a quorum"):
        decide(item, world)
    assert not Decision.objects.exists()


def test_no_decision_without_the_agencies_the_terms_of_reference_name(item, world):
    ready_to_decide(item, world, {"chair": "yes", "ep": "yes", "social": "yes"}, but=("health",))
    with pytest.raises(services.ServiceError, match="nobody present from health"):
        decide(item, world)
    everyone_present(world)
    assert decide(item, world).outcome == "yes"


# --- conflicts --------------------------------------------------------------------------------------------------


def test_a_conflicted_member_gets_no_bundle_and_cannot_vote(item, world):
    services.declare_conflict(item=item, reason="The child goes to my school", by=world.head)
    services.open_vote(item=item, by=world.chair)
    with pytest.raises(policy.NotAllowed):
        services.cast_vote(item=item, choice="yes", by=world.head)
    with pytest.raises(Exception) as refused:
        selectors.item_for_bundle(user=world.head, item_id=item.pk)
    assert refused.type.__name__ == "Http404"
    # Others still read it; the chair's tracker shows the conflict.
    assert selectors.item_for_bundle(user=world.ep, item_id=item.pk)[0] == item
    tracker = selectors.read_tracker(meeting=world.meeting)
    head_column = [m.pk for m in tracker["members"]].index(world.members["head"].pk)
    assert tracker["items"][0]["cells"][head_column] == "conflicted"


def test_a_conflicted_member_is_not_counted_present_for_that_case(item, world):
    services.declare_conflict(item=item, reason="A relative", by=world.ep)
    ready_to_decide(item, world, {"chair": "yes", "health": "yes", "social": "yes"})
    quorum = selectors.quorum_for(item=item)
    assert not quorum.met and quorum.missing_agencies == ("educational_psychology",)


# --- votes ------------------------------------------------------------------------------------------------------


def test_a_vote_sent_again_is_counted_once(item, world):
    services.open_vote(item=item, by=world.chair)
    first = services.cast_vote(item=item, choice="yes", by=world.ep)
    again = services.cast_vote(item=item, choice="yes", by=world.ep)
    changed = services.cast_vote(item=item, choice="no", comment="On reflection", by=world.ep)
    assert (first.new, again.new, changed.new) == (True, False, False)
    assert Vote.objects.filter(item=item).count() == 1
    vote = Vote.objects.get(item=item)
    assert (vote.choice, vote.comment, vote.sends) == ("no", "On reflection", 3)
    assert selectors.live_tally(item=item)["tally"].cast == 1


def test_a_vote_after_closing_is_refused(item, world):
    services.open_vote(item=item, by=world.chair)
    services.close_vote(item=item, by=world.chair)
    with pytest.raises(services.ServiceError, match="Voting on this case has closed"):
        services.cast_vote(item=item, choice="yes", by=world.ep)
    assert not Vote.objects.exists()


def test_a_vote_from_someone_not_on_the_panel_is_refused(item, world, council):
    services.open_vote(item=item, by=world.chair)
    outsider = factories.UserFactory(role="panel_member", organisation=council)
    with pytest.raises(policy.NotAllowed):
        services.cast_vote(item=item, choice="yes", by=outsider)


def test_a_digital_vote_closes_at_its_time(world, deciding_case, manager):
    closes = timezone.now() + datetime.timedelta(hours=2)
    item = services.start_digital_vote(
        panel=world.panel, case=deciding_case, question="assess", closes_at=closes, by=manager
    )
    assert Message.objects.filter(template="panel.digital_vote").exclude(channel="in_app").count() == 5
    for key in ("ep", "health", "social"):
        services.cast_vote(item=item, choice="yes", by=getattr(world, key))
    assert services.close_due_digital_votes(now=closes + datetime.timedelta(minutes=1)) == 1
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.VOTE_CLOSED
    # The voters make the quorum of a digital vote.
    decision = decide(item, world)
    assert decision.outcome == "yes" and decision.present


# --- decision modes ---------------------------------------------------------------------------------------------


def test_the_chair_may_decide_against_the_majority_with_reasons(item, world):
    ready_to_decide(item, world, {"chair": "no", "ep": "no", "health": "no", "social": "yes"})
    with pytest.raises(services.ServiceError, match="Enter the reasons") as refused:
        decide(item, world, outcome="yes")
    assert refused.value.field == "reasons"
    decision = decide(
        item, world, outcome="yes", reasons="The school's evidence shows the support is not enough"
    )
    assert decision.majority == "no"
    assert decision.tally == {"yes": 1, "no": 3, "abstain": 0}
    assert {v["name"] for v in decision.votes} == {
        "Sonia Chair",
        "Petra Psychologist",
        "Hugh Health",
        "Sadia Social",
    }
    assert any(p["chair"] for p in decision.present)


def test_majority_mode_takes_the_majority_and_the_casting_vote(council, manager, deciding_case):
    world = build_panel(council, manager, mode="majority")
    item = AgendaItem.objects.create(meeting=world.meeting, case=deciding_case, question="assess", position=1)
    ready_to_decide(item, world, {"chair": "yes", "ep": "yes", "health": "no", "social": "no"})
    with pytest.raises(services.ServiceError, match="majority of votes cast"):
        decide(item, world, outcome="no", reasons="Needs are met at school")
    # A tie: the chair voted yes, so yes carries.
    assert decide(item, world, outcome="yes").outcome == "yes"


def test_a_decision_is_final_and_a_correction_is_a_new_decision(item, world):
    ready_to_decide(item, world)
    first = decide(item, world, outcome="yes", reasons="Clear evidence")
    with pytest.raises(services.ServiceError, match="already recorded"):
        decide(item, world, outcome="yes", reasons="Again")
    with pytest.raises(services.ServiceError, match="cannot turn the decision round"):
        services.record_decision(
            item=item,
            values=services.DecisionInput(outcome="no", reasons="x"),
            by=world.chair,
            corrects=first,
            correction_reason="Typo",
        )
    second = services.record_decision(
        item=item,
        values=services.DecisionInput(outcome="yes", reasons="Clear evidence from the school and the EP"),
        by=world.chair,
        corrects=first,
        correction_reason="The reasons left out the EP's advice",
    )
    assert second.supersedes == first
    assert selectors.current_decision(item=item) == second
    assert Decision.objects.count() == 2


def test_only_the_chair_records_the_decision(item, world):
    ready_to_decide(item, world)
    with pytest.raises(policy.NotAllowed):
        services.record_decision(item=item, values=services.DecisionInput(outcome="yes"), by=world.ep)


# --- what the decision does to the case -------------------------------------------------------------------------


def test_the_decision_moves_the_case_meets_its_deadline_and_queues_the_letter_once(
    item, world, coordinator, django_capture_on_commit_callbacks
):
    ready_to_decide(item, world)
    with django_capture_on_commit_callbacks(execute=True):
        decide(item, world, outcome="yes", reasons="The evidence shows needs SEN support has not met")
    case = item.case
    case.refresh_from_db()
    assert case.stage == "assessing"
    deadline = Deadline.objects.get(case=case, code=statutory.DeadlineCode.ASSESSMENT_DECISION)
    assert deadline.met_on == timezone.localdate()
    assert deadline.status == "met"
    letters = CaseDocument.objects.filter(case=case, category="letter")
    assert letters.count() == 1
    assert letters.get().visibility == "family"
    # The coordinator and the school are told; the family hears through the case's own message.
    assert Message.objects.filter(template="panel.decision_recorded", recipient=coordinator).exists()
    assert Message.objects.filter(template="case.stage_changed").exists()
    # Filing the letter again (a retry) files nothing new.
    event = case.timeline.filter(kind="transition").first()
    case_services.file_decision_letter(case_id=case.pk, event_id=event.pk)
    assert letters.count() == 1


def test_a_refusal_letter_gives_reasons_and_appeal_rights(item, world, django_capture_on_commit_callbacks):
    ready_to_decide(item, world, {"chair": "no", "ep": "no", "health": "no", "social": "no"})
    with django_capture_on_commit_callbacks(execute=True):
        decide(item, world, outcome="no", reasons="The school's own support meets the needs")
    case = item.case
    case.refresh_from_db()
    assert case.stage == "not_assessed"
    assert CaseDocument.objects.filter(case=case, category="letter").count() == 1
    from cases import letters

    event = case.timeline.filter(kind="transition").first()
    facts = letters.letter_facts(case, event=event)
    assert facts.kind == "not_to_assess"
    assert "The school's own support meets the needs" in facts.reason


def test_a_decision_to_issue_from_assessing_takes_both_steps(council, manager, coordinator):
    case = factories.CaseFactory(stage="assessing", council=council, coordinator=coordinator)
    world = build_panel(council, manager)
    item = AgendaItem.objects.create(meeting=world.meeting, case=case, question="issue", position=1)
    ready_to_decide(item, world)
    decide(item, world, outcome="yes", band="B")
    case.refresh_from_db()
    assert case.stage == "draft_plan"
    assert case.deadlines.get(code="issue_decision").met_on == timezone.localdate()


def test_while_the_panel_decides_the_coordinator_cannot(item, world, coordinator):
    case = item.case
    with pytest.raises(services.ServiceError, match="The decision panel makes this decision"):
        case_services.case_transition(case=case, name="agree_to_assess", by=coordinator)
    # Steps the panel does not decide stay with the coordinator.
    case_services.case_transition(case=case, name="withdraw", by=coordinator, reason="The family withdrew")


# --- the agenda -------------------------------------------------------------------------------------------------


def test_cases_join_the_next_agenda_or_are_held_for_missing_papers(council, manager, coordinator):
    ready = factories.CaseFactory(stage="deciding_to_assess", council=council, coordinator=coordinator)
    waiting = factories.CaseFactory(stage="deciding_to_issue", council=council, coordinator=coordinator)
    world = build_panel(council, manager)
    world.meeting.delete()
    services.schedule_meetings(panel=world.panel, on=timezone.localdate())
    result = services.join_cases_to_agenda(panel=world.panel)
    listed = AgendaItem.objects.get(case=ready)
    held = AgendaItem.objects.get(case=waiting)
    assert listed.status == "listed" and listed.question == "assess"
    assert held.status == "held"
    assert held.held_reason == "Educational psychology advice not received"
    assert (result.listed, result.held) == ([listed], [held])
    message = Message.objects.exclude(channel="in_app").get(template="panel.held_back", recipient=coordinator)
    assert message.data["reason"] == "Educational psychology advice not received"
    # Run again: nothing new, nobody told twice.
    services.join_cases_to_agenda(panel=world.panel)
    assert AgendaItem.objects.count() == 2
    assert Message.objects.filter(template="panel.held_back").exclude(channel="in_app").count() == 1


def test_the_agenda_is_ordered_by_days_left(world, council, coordinator):
    late = factories.CaseFactory(
        stage="deciding_to_assess",
        council=council,
        coordinator=coordinator,
        received_on=timezone.localdate() - datetime.timedelta(weeks=5),
    )
    early = factories.CaseFactory(stage="deciding_to_assess", council=council, coordinator=coordinator)
    meeting = world.meeting
    services.add_to_agenda(
        meeting=meeting, case=early, question="assess", reason="Papers complete", by=coordinator
    )
    services.add_to_agenda(
        meeting=meeting, case=late, question="assess", reason="Papers complete", by=coordinator
    )
    rows = selectors.agenda(meeting=meeting, user=coordinator)["rows"]
    assert [r.item.case for r in rows] == [late, early]
    assert rows[0].starts == "10:00" and rows[1].starts == "10:15"


def test_a_coordinator_withdraws_a_case_with_a_reason(item, coordinator):
    with pytest.raises(services.ServiceError) as refused:
        services.withdraw_from_agenda(item=item, reason=" ", by=coordinator)
    assert refused.value.field == "reason"
    services.withdraw_from_agenda(
        item=item, reason="The family asked to wait for the OT report", by=coordinator
    )
    item.refresh_from_db()
    assert item.status == "withdrawn"
    assert item.case.timeline.filter(summary__startswith="Withdrawn from the panel agenda").exists()


def test_cancelling_a_meeting_moves_its_cases_to_the_next(world, item, manager):
    nxt = services.add_meeting(
        panel=world.panel, held_on=world.meeting.held_on + datetime.timedelta(days=7), by=manager
    )
    services.cancel_meeting(meeting=world.meeting, reason="Chair unwell", by=manager)
    assert nxt.items.get().case == item.case


# --- minutes ----------------------------------------------------------------------------------------------------


def test_minutes_are_rendered_after_the_meeting_and_approved_by_the_chair(
    item, world, django_capture_on_commit_callbacks
):
    ready_to_decide(item, world)
    decide(item, world)
    with pytest.raises(services.ServiceError):
        services.approve_minutes(meeting=world.meeting, by=world.chair)
    with django_capture_on_commit_callbacks(execute=True):
        services.end_meeting(meeting=world.meeting, by=world.chair)
    world.meeting.refresh_from_db()
    assert world.meeting.minutes_pdf.read(5) == b"%PDF-"
    services.approve_minutes(meeting=world.meeting, by=world.chair)
    world.meeting.refresh_from_db()
    assert world.meeting.minutes_approved_by == world.chair
    # Afterwards the bundle is closed: only the minutes.
    with pytest.raises(Exception) as refused:
        selectors.item_for_bundle(user=world.ep, item_id=item.pk)
    assert refused.type.__name__ == "Http404"


def test_decided_band_for_the_plan(council, manager, coordinator):
    case = factories.CaseFactory(stage="deciding_to_issue", council=council, coordinator=coordinator)
    world = build_panel(council, manager)
    assert selectors.decided_band(case) is None
    item = AgendaItem.objects.create(meeting=world.meeting, case=case, question="issue", position=1)
    ready_to_decide(item, world)
    decide(item, world, outcome="yes", band="C", amount=9000, reasons="Needs across two areas")
    found = selectors.decided_band(case)
    assert (found.band, found.amount, found.decided_on) == ("C", 9000, timezone.localdate())
