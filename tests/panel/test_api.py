"""The panel API: same rules as the pages (one vote per member, closing, quorum, not found for outsiders)."""

import pytest
from rest_framework.test import APIClient

from panel import services
from panel.models import Decision, Vote
from tests import factories
from tests.panel.conftest import everyone_present

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_meetings_and_their_agenda(world, item, coordinator, other_council):
    listed = api(world.ep).get("/api/v1/panel-meetings/")
    assert [m["id"] for m in listed.json()["results"]] == [world.meeting.pk]
    detail = api(coordinator).get(f"/api/v1/panel-meetings/{world.meeting.pk}/").json()
    assert detail["items"][0]["case_reference"] == item.case.reference
    outsider = factories.staff("coordinator", other_council)
    assert api(outsider).get(f"/api/v1/panel-meetings/{world.meeting.pk}/").status_code == 404
    assert api(outsider).get("/api/v1/panel-meetings/").json()["results"] == []


def test_a_vote_resent_is_counted_once_and_a_closed_vote_refused(world, item, council):
    services.open_vote(item=item, by=world.chair)
    url = f"/api/v1/panel-items/{item.pk}/votes/"
    first = api(world.ep).post(url, {"choice": "yes"}, format="json").json()
    again = api(world.ep).post(url, {"choice": "yes"}, format="json").json()
    assert (first["new"], again["new"], again["sends"]) == (True, False, 2)
    assert Vote.objects.filter(item=item).count() == 1
    outsider = factories.UserFactory(role="panel_member", organisation=council)
    assert api(outsider).post(url, {"choice": "yes"}, format="json").status_code == 404
    services.declare_conflict(item=item, reason="Relative", by=world.head)
    assert api(world.head).post(url, {"choice": "yes"}, format="json").status_code == 404
    services.close_vote(item=item, by=world.chair)
    closed = api(world.health).post(url, {"choice": "no"}, format="json")
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]


def test_the_chair_reads_the_tally_and_records_the_decision(world, item):
    everyone_present(world)
    services.open_vote(item=item, by=world.chair)
    for user in (world.ep, world.health, world.social):
        services.cast_vote(item=item, choice="yes", by=user)
    assert api(world.ep).get(f"/api/v1/panel-items/{item.pk}/tally/").status_code == 404
    tally = api(world.chair).get(f"/api/v1/panel-items/{item.pk}/tally/").json()
    assert (tally["yes"], tally["majority"]) == (3, "yes")
    url = f"/api/v1/panel-items/{item.pk}/decision/"
    assert api(world.chair).post(url, {"outcome": "yes"}, format="json").status_code == 409  # vote still open
    services.close_vote(item=item, by=world.chair)
    assert api(world.ep).post(url, {"outcome": "yes"}, format="json").status_code == 404
    made = api(world.chair).post(url, {"outcome": "yes", "reasons": "Clear need"}, format="json")
    assert made.status_code == 201
    assert made.json()["tally"] == {"yes": 3, "no": 0, "abstain": 0}
    decisions = api(world.ep).get("/api/v1/panel-decisions/").json()["results"]
    assert [d["id"] for d in decisions] == [Decision.objects.get().pk]
