"""The family gets one message per event: the statutory notice when the draft is served and the final plan
letter when it is issued (not a second, generic one about the stage), and one message per panel decision."""

import datetime
from decimal import Decimal

import pytest

from drafting import services
from notifications.models import Message
from panel import services as panel_services
from panel.models import AgendaItem
from tests import factories
from tests.drafting.test_services import _ready_to_sign
from tests.panel.conftest import build_panel, everyone_present, vote_all

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _new_to(person, since: int) -> list[str]:
    """The messages the person got since, one per event (each goes to the portal and by their chosen channel)."""
    return sorted(
        set(Message.objects.filter(recipient=person, pk__gt=since).values_list("template", flat=True))
    )


def _last() -> int:
    return Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_serving_the_draft_and_issuing_the_plan_send_the_family_one_message_each(
    advised_case, draft, coordinator, manager, parent, school, scheme
):
    since = _last()
    services.send_draft(version=draft, by=coordinator, override_reason="Agreed with the family")
    assert _new_to(parent, since) == ["drafting.draft_served"]
    advised_case.refresh_from_db()
    assert (
        advised_case.stage == "draft_plan" and advised_case.draft_served_on == TODAY
    )  # the step still taken
    services.record_family_comment(
        case=advised_case, by=coordinator, section="F", text="Fine", received_on=TODAY, response_complete=True
    )
    version = _ready_to_sign(advised_case, coordinator, school)
    services.sign_off(version=version, by=manager)
    since = _last()
    services.issue_final_plan(version=version, by=coordinator, actual_cost=Decimal("9000"))
    assert _new_to(parent, since) == ["drafting.final_issued"]
    advised_case.refresh_from_db()
    assert advised_case.stage == "final_issued"


def test_a_panel_decision_sends_the_family_one_message(
    council, manager, coordinator, business_support, parent
):
    from cases import services as case_services

    case = factories.make_case(council=council, by=business_support, coordinator=coordinator)
    factories.add_family_member(case, parent)
    case = case_services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    world = build_panel(council, manager)
    item = AgendaItem.objects.create(meeting=world.meeting, case=case, question="assess", position=1)
    everyone_present(world)
    panel_services.open_vote(item=item, by=world.chair)
    vote_all(item, world, {"chair": "yes", "ep": "yes", "health": "yes", "social": "yes"})
    panel_services.close_vote(item=item, by=world.chair)
    item.refresh_from_db()
    since = _last()
    panel_services.record_decision(
        item=item, values=panel_services.DecisionInput(outcome="yes", reasons=""), by=world.chair
    )
    case.refresh_from_db()
    assert case.stage == "assessing"
    assert _new_to(parent, since) == ["case.stage_changed"]  # the decision, with its reasons, once
