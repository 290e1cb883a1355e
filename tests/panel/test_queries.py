"""The agenda, the bundle, the tally and the vote read a fixed number of queries, however many cases or votes."""

import pytest
from django.urls import reverse

from panel import services
from panel.models import AgendaItem
from tests import factories

pytestmark = pytest.mark.django_db

AGENDA_QUERIES = 10
BUNDLE_QUERIES = 12
TALLY_QUERIES = 10
VOTE_QUERIES = 14


def fill_agenda(world, council, coordinator, count):
    for n in range(count):
        case = factories.make_case(
            council=council, by=coordinator, coordinator=coordinator, first_name=f"Kid{n}"
        )
        AgendaItem.objects.create(meeting=world.meeting, case=case, question="assess", position=n + 1)
    return list(world.meeting.items.order_by("position"))


@pytest.mark.parametrize("count", [2, 12])
def test_the_agenda_and_a_bundle_do_not_grow_with_the_agenda(
    count, client, world, council, coordinator, django_assert_max_num_queries
):
    items = fill_agenda(world, council, coordinator, count)
    services.declare_conflict(item=items[0], reason="Own school", by=world.ep)
    client.force_login(world.ep)
    with django_assert_max_num_queries(AGENDA_QUERIES):
        assert client.get(reverse("panel:meeting", args=[world.meeting.pk])).status_code == 200
    with django_assert_max_num_queries(BUNDLE_QUERIES):
        assert client.get(reverse("panel:bundle", args=[items[-1].pk]) + "?section=advice").status_code == 200


@pytest.mark.parametrize("voters", [1, 4])
def test_the_tally_and_a_vote_do_not_grow_with_the_votes(
    voters, client, world, item, django_assert_max_num_queries
):
    services.open_vote(item=item, by=world.chair)
    for user in [world.ep, world.health, world.social, world.head][:voters]:
        services.cast_vote(item=item, choice="yes", by=user)
    client.force_login(world.chair)
    with django_assert_max_num_queries(TALLY_QUERIES):
        assert (
            client.get(reverse("panel:chair_item", args=[item.pk]), HTTP_HX_REQUEST="true").status_code == 200
        )
    with django_assert_max_num_queries(VOTE_QUERIES):
        response = client.post(
            reverse("panel:vote", args=[item.pk]), {"choice": "no"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
