"""The issue step funds what the panel decided, shown beside the RAS's idealised suggestion."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from drafting import selectors, services
from panel.models import AgendaItem, Decision
from tests.drafting.test_services import _ready_to_sign
from tests.panel.conftest import build_panel

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _panel_decides(case, council, manager, band="E", amount=Decimal("12500")):
    world = build_panel(council, manager)
    item = AgendaItem.objects.create(meeting=world.meeting, case=case, question="band", position=1)
    return Decision.objects.create(
        item=item,
        case=case,
        question="band",
        outcome="yes",
        mode=world.panel.mode,
        band=band,
        amount=amount,
        decided_on=TODAY,
        recorded_by=world.chair,
        reasons="Needs across two areas",
    )


def test_the_issue_page_fills_the_band_the_panel_decided_beside_the_ras_suggestion(
    client, coordinator, manager, council, draft
):
    case = draft.plan.case
    _panel_decides(case, council, manager)
    client.force_login(coordinator)
    page = client.get(reverse("drafting:issue", args=[case.reference])).content.decode()
    score = case.ras_scores.get(is_current=True)
    assert 'value="E"' in page and 'value="12500.00"' in page
    assert 'data-testid="panel-band"' in page and "12,500" in page
    assert 'data-testid="ras"' in page and f"band {score.band}" in page  # idealised against actual
    assert score.band != "E"


def test_without_a_panel_decision_the_ras_suggestion_fills_it(client, coordinator, draft):
    client.force_login(coordinator)
    page = client.get(reverse("drafting:issue", args=[draft.plan.case.reference])).content.decode()
    score = draft.plan.case.ras_scores.get(is_current=True)
    assert f'value="{score.band}"' in page and 'data-testid="panel-band"' not in page


@pytest.fixture
def served(advised_case, draft, coordinator):
    services.send_draft(version=draft, by=coordinator, override_reason="Agreed with the family")
    advised_case.refresh_from_db()
    return advised_case


def test_issuing_with_the_band_left_blank_records_the_panels(
    served, coordinator, manager, council, school, scheme
):
    services.record_family_comment(
        case=served, by=coordinator, section="F", text="Fine", received_on=TODAY, response_complete=True
    )
    _panel_decides(served, council, manager, band="C", amount=Decimal("9000"))
    version = _ready_to_sign(served, coordinator, school)
    services.sign_off(version=version, by=manager)
    record = services.issue_final_plan(version=version, by=coordinator, actual_cost=Decimal("11000"))
    assert (record.decided_band, record.decided_amount) == ("C", Decimal("9000"))
    assert record.ras_band  # the suggestion kept beside it
    assert selectors.panel_band(case=served).band == "C"
