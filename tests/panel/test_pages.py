"""The panel's pages as members, the chair and coordinators use them."""

import pytest
from django.urls import reverse

from cases.models import AccessLog
from panel import services
from panel.models import BundleRead, Decision, Vote
from tests.panel.conftest import everyone_present, vote_all

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_member_lands_on_their_meetings(client, world, item):
    client.force_login(world.ep)
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == reverse("panel:home")
    html = home.content.decode()
    assert "Riverside SEND panel" in html
    assert reverse("panel:meeting", args=[world.meeting.pk]) in html
    agenda = client.get(reverse("panel:meeting", args=[world.meeting.pk])).content.decode()
    assert item.case.reference in agenda
    assert reverse("panel:bundle", args=[item.pk]) in agenda
    assert "10:00–10:15" in agenda


def test_the_bundle_is_read_section_by_section_and_logged(client, world, item):
    client.force_login(world.ep)
    url = reverse("panel:bundle", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Whether to carry out an EHC needs assessment" in html
    assert "days left" in html
    # htmx asks for one section; the page keeps its place in the address (section in the query).
    part = client.get(url + "?section=request", **HX)
    assert part.status_code == 200
    assert "<html" not in part.content.decode()
    assert 'data-section="request"' in part.content.decode()
    assert (
        AccessLog.objects.filter(user=world.ep, case=item.case, action=f"panel_bundle:{item.pk}").count() == 2
    )
    assert BundleRead.objects.get(item=item, user=world.ep).views == 2


def test_a_conflicted_member_and_staff_get_no_bundle(client, world, item, coordinator):
    services.declare_conflict(item=item, reason="My own school", by=world.head)
    for user in (world.head, coordinator):
        client.force_login(user)
        assert client.get(reverse("panel:bundle", args=[item.pk])).status_code == 404


def test_notes_reach_the_chair(client, world, item):
    client.force_login(world.ep)
    response = client.post(reverse("panel:note", args=[item.pk]), {"text": "", "is_question": ""}, **HX)
    assert response.status_code == 400
    assert "Enter your note or question" in response.content.decode()
    client.post(
        reverse("panel:note", args=[item.pk]), {"text": "Is the OT report due?", "is_question": "on"}, **HX
    )
    client.force_login(world.chair)
    reads = client.get(reverse("panel:reads", args=[world.meeting.pk])).content.decode()
    assert "Is the OT report due?" in reads
    assert "Petra Psychologist" in reads


def test_voting_through_the_page_counts_each_vote_once(client, world, item):
    services.open_vote(item=item, by=world.chair)
    client.force_login(world.ep)
    url = reverse("panel:vote", args=[item.pk])
    for _ in range(3):
        response = client.post(url, {"choice": "yes", "comment": "Clear need"}, **HX)
        assert response.status_code == 200
        assert "Your vote is counted" in response.content.decode()
    assert Vote.objects.filter(item=item).count() == 1
    bad = client.post(url, {"choice": ""}, **HX)
    assert bad.status_code == 400 and "Select yes, no or abstain" in bad.content.decode()
    services.close_vote(item=item, by=world.chair)
    closed = client.post(url, {"choice": "no"}, **HX)
    assert closed.status_code == 409
    assert "Voting on this case has closed" in closed.content.decode()
    assert Vote.objects.get(item=item).choice == "yes"


def test_a_vote_from_someone_not_on_the_panel_is_not_found(client, world, item, council):
    from tests import factories

    services.open_vote(item=item, by=world.chair)
    client.force_login(factories.UserFactory(role="panel_member", organisation=council))
    assert client.post(reverse("panel:vote", args=[item.pk]), {"choice": "yes"}).status_code == 404


def test_the_chair_sees_the_tally_and_records_the_decision(client, world, item):
    everyone_present(world)
    services.open_vote(item=item, by=world.chair)
    vote_all(item, world, {"ep": "no", "health": "no", "social": "yes"})
    client.force_login(world.chair)
    tally = client.get(reverse("panel:chair_item", args=[item.pk]), **HX).content.decode()
    assert "Yes 1 · No 2 · Abstain 0" in tally
    assert 'hx-trigger="every 2s"' in tally
    client.post(reverse("panel:close_vote", args=[item.pk]))
    url = reverse("panel:decide", args=[item.pk])
    item.refresh_from_db()
    refused = client.post(url, {"outcome": "yes", "reasons": "", "version": item.version})
    assert refused.status_code == 400
    assert "Enter the reasons" in refused.content.decode()
    done = client.post(
        url, {"outcome": "yes", "reasons": "The school's evidence is strong", "version": item.version}
    )
    assert done.status_code == 302
    assert Decision.objects.get().outcome == "yes"
    item.case.refresh_from_db()
    assert item.case.stage == "assessing"


def test_the_coordinator_is_told_the_panel_decides(client, world, item, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[item.case.reference])).content.decode()
    assert "The decision panel decides: agree to assess" in page
    assert reverse("cases:transition", args=[item.case.reference, "agree_to_assess"]) not in page
    assert (
        client.get(reverse("cases:transition", args=[item.case.reference, "agree_to_assess"])).status_code
        == 404
    )
    # The case page loads where the case is with the panel (htmx), so it reads nothing more itself.
    status_url = reverse("panel:case_status", args=[item.case.reference])
    assert status_url in page
    status = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "On the agenda" in status
    assert reverse("panel:meeting", args=[world.meeting.pk]) in status
    assert client.get(status_url).status_code == 200


def test_a_coordinator_adds_a_case_with_a_reason(client, world, deciding_case, coordinator):
    client.force_login(coordinator)
    url = reverse("panel:add_to_agenda", args=[deciding_case.reference])
    missing = client.post(url, {"meeting": world.meeting.pk, "question": "assess", "reason": ""})
    assert missing.status_code == 400
    assert "Enter why the case is going to the panel" in missing.content.decode()
    done = client.post(url, {"meeting": world.meeting.pk, "question": "assess", "reason": "Papers complete"})
    assert done.status_code == 302
    assert world.meeting.items.get().case == deciding_case


def test_the_manager_configures_the_panel(client, world, manager):
    client.force_login(manager)
    url = reverse("panel:configure")
    page = client.get(url)
    assert page.status_code == 200 and "Sonia Chair" in page.content.decode()
    bad = client.post(url, {"name": "Panel", "quorum_members": "0"})
    assert bad.status_code == 400
    assert "Select at least one thing the panel decides" in bad.content.decode()
