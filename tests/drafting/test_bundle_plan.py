"""The panel's case bundle shows the draft plan: its sections, its grade and, one click away, where each sentence
came from, in a fixed number of queries however long the plan is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drafting import selectors, services
from panel.models import AgendaItem
from tests.panel.conftest import build_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle_item(council, manager, draft):
    world = build_panel(council, manager)
    item = AgendaItem.objects.create(meeting=world.meeting, case=draft.plan.case, question="band", position=1)
    return world, item


def _plan_part(client, item):
    return client.get(reverse("panel:bundle", args=[item.pk]) + "?section=plan")


def test_a_member_reads_the_plan_in_the_bundle_with_its_grade_and_sources(client, bundle_item, draft):
    world, item = bundle_item
    client.force_login(world.ep)
    page = _plan_part(client, item)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="bundle-plan"' in html
    for code in ("B", "E", "F"):
        assert f'data-testid="bundle-section-{code}"' in html
    assert 'data-testid="grade"' in html and draft.grade in html
    submission = draft.plan.case.advice_requests.get(kind="psychological").submissions.get()
    source = f"{reverse('panel:bundle', args=[item.pk])}?section=advice#advice-{submission.pk}"
    assert source in html  # the sentence's source, in one click
    advice = client.get(reverse("panel:bundle", args=[item.pk]) + "?section=advice").content.decode()
    assert f'id="advice-{submission.pk}"' in advice
    # The member is not on the case's team: no link to the plan's own pages they could not open.
    assert reverse("drafting:plan", args=[draft.plan.case.reference]) not in html


def test_without_a_plan_the_bundle_says_so(client, council, manager, coordinator):
    from cases import services as case_services
    from tests import factories

    world = build_panel(council, manager)
    case = factories.make_case(council=council, by=coordinator, coordinator=coordinator)
    case = case_services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    item = AgendaItem.objects.create(meeting=world.meeting, case=case, question="assess", position=1)
    client.force_login(world.ep)
    html = _plan_part(client, item).content.decode()
    assert "There is no draft plan for this case yet." in html


def test_the_plan_in_the_bundle_does_not_grow_with_the_plan(client, bundle_item, draft, coordinator):
    world, item = bundle_item
    client.force_login(world.ep)
    _plan_part(client, item)  # warm the session and the read log
    with CaptureQueriesContext(connection) as before:
        assert _plan_part(client, item).status_code == 200
    version = draft
    for n in range(6):
        version = services.add_item(
            version=version,
            section="A",
            fields={"whose": "child", "heading": f"About me {n}", "text": "I like drawing."},
            by=coordinator,
            expected_version=None,
        )
    assert len(selectors.content_of(selectors.latest_version(case=draft.plan.case)).active("A")) >= 6
    with CaptureQueriesContext(connection) as after:
        html = _plan_part(client, item).content.decode()
    assert "About me 5" in html
    assert len(after.captured_queries) == len(before.captured_queries)
