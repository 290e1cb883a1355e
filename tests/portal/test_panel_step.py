"""The tracker's panel step reads the panel's meetings: the day it meets about the case next, or else the day it
last met, in one query whatever the number of meetings."""

import datetime

import pytest
from django.urls import reverse

from cases import selectors as case_selectors
from cases import services as case_services
from panel.models import AgendaItem, Meeting
from portal import selectors
from tests import factories
from tests.panel.conftest import build_panel

pytestmark = pytest.mark.django_db


def _meeting(world, on):
    return Meeting.objects.create(
        panel=world.panel,
        held_on=on,
        starts_at=datetime.time(10),
        papers_close_on=on - datetime.timedelta(days=7),
    )


def test_the_panel_step_shows_the_next_meeting_then_the_last_one(
    client, council, manager, coordinator, business_support, parent, django_assert_num_queries
):
    world = build_panel(council, manager)
    case = factories.make_case(council=council, by=business_support, coordinator=coordinator)
    case = case_services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    factories.add_family_member(case, parent)
    today = case_selectors.today()
    assert selectors.panel_meeting_on(case) is None
    past = _meeting(world, today - datetime.timedelta(days=30))
    soon = _meeting(world, today + datetime.timedelta(days=9))
    later = _meeting(world, today + datetime.timedelta(days=40))
    for meeting in (past, later, soon):
        AgendaItem.objects.create(meeting=meeting, case=case, question="assess", position=1, minutes=15)
    with django_assert_num_queries(1):
        assert selectors.panel_meeting_on(case) == soon.held_on
    client.force_login(parent)
    page = client.get(reverse("portal:case", args=[case.reference])).content.decode()
    assert f"A panel of professionals meets on {soon.held_on:%-d %B %Y}" in page
    AgendaItem.objects.filter(meeting__in=[soon, later]).update(status=AgendaItem.Status.WITHDRAWN)
    assert selectors.panel_meeting_on(case) == past.held_on
    Meeting.objects.filter(pk=past.pk).update(status=Meeting.Status.CANCELLED)
    assert selectors.panel_meeting_on(case) is None
