"""Every panel page for every kind of person: the page where their work is, a 404 everywhere else.

The council's panel meets today with one case on its agenda; the headteacher on the panel declared a conflict on
it. Someone on no panel, another council's coordinator, a family, a SENCo and a specialist come to look too.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from panel import services
from tests import factories
from tests.panel.conftest import build_panel

pytestmark = pytest.mark.django_db

STAFF = {"coordinator", "business_support", "manager"}
MEMBERS = {"chair", "ep", "head"}
EVERYONE = (
    STAFF
    | MEMBERS
    | {
        "administrator",
        "outsider_member",
        "other_council_coordinator",
        "parent",
        "senco",
        "specialist",
    }
)

# page -> who gets 200 (everyone else: 404). GET pages.
EXPECTED = {
    "home": STAFF | MEMBERS | {"administrator", "outsider_member", "other_council_coordinator"},
    "meeting": STAFF | MEMBERS | {"administrator"},
    "bundle": {"chair", "ep"},
    "vote": {"chair", "ep"},
    "conflict": {"chair", "ep"},
    "chair_item": {"chair"},
    "decide": {"chair"},
    "presence": {"chair"},
    "reads": {"chair"},
    "minutes": STAFF | MEMBERS,
    "withdraw_item": STAFF,
    "add_to_agenda": STAFF,
    "case_status": STAFF,
    "digital_vote": {"manager"},
    "configure": {"manager", "administrator"},
    "add_member": {"manager", "administrator"},
    "add_meeting": {"manager", "administrator"},
    "cancel_meeting": {"manager", "administrator"},
}
# POST-only pages: who gets an answer (a redirect, or 400 for empty input), everyone else 404.
EXPECTED_POST = {
    "attendance": MEMBERS,
    "note": {"chair", "ep"},
}
NOT_IN_TABLE = {"document", "minutes_pdf", "open_vote", "close_vote", "end_meeting", "member_action"}


@pytest.fixture
def world(
    council, other_council, manager, coordinator, business_support, administrator, parent, senco, school
):
    case = factories.CaseFactory(
        stage="deciding_to_assess", council=council, coordinator=coordinator, school=school
    )
    panel = build_panel(council, manager)
    item = services.add_to_agenda(
        meeting=panel.meeting, case=case, question="assess", reason="Papers complete", by=coordinator
    )
    services.declare_conflict(item=item, reason="The child is at my school", by=panel.head)
    people = {
        "coordinator": coordinator,
        "business_support": business_support,
        "manager": manager,
        "administrator": administrator,
        "chair": panel.chair,
        "ep": panel.ep,
        "head": panel.head,
        "outsider_member": factories.UserFactory(role=Role.PANEL_MEMBER, organisation=council),
        "other_council_coordinator": factories.staff(Role.COORDINATOR, other_council),
        "parent": parent,
        "senco": senco,
        "specialist": factories.UserFactory(role=Role.SPECIALIST, organisation=council),
    }
    m = panel.meeting.pk
    urls = {
        "home": reverse("panel:home"),
        "meeting": reverse("panel:meeting", args=[m]),
        "bundle": reverse("panel:bundle", args=[item.pk]),
        "vote": reverse("panel:vote", args=[item.pk]),
        "conflict": reverse("panel:conflict", args=[item.pk]),
        "chair_item": reverse("panel:chair_item", args=[item.pk]),
        "decide": reverse("panel:decide", args=[item.pk]),
        "presence": reverse("panel:presence", args=[m]),
        "reads": reverse("panel:reads", args=[m]),
        "minutes": reverse("panel:minutes", args=[m]),
        "withdraw_item": reverse("panel:withdraw_item", args=[item.pk]),
        "add_to_agenda": reverse("panel:add_to_agenda", args=[case.reference]),
        "case_status": reverse("panel:case_status", args=[case.reference]),
        "digital_vote": reverse("panel:digital_vote", args=[case.reference]),
        "configure": reverse("panel:configure"),
        "add_member": reverse("panel:add_member"),
        "add_meeting": reverse("panel:add_meeting"),
        "cancel_meeting": reverse("panel:cancel_meeting", args=[m]),
    }
    posts = {
        "attendance": reverse("panel:attendance", args=[m]),
        "note": reverse("panel:note", args=[item.pk]),
    }
    return people, urls, posts


def test_every_panel_page_is_in_the_table():
    from panel import urls as panel_urls

    names = {p.name for p in panel_urls.urlpatterns}
    assert names == set(EXPECTED) | set(EXPECTED_POST) | NOT_IN_TABLE


def test_each_person_gets_exactly_the_panel_pages_for_their_work(client, world):
    people, urls, posts = world
    wrong = []
    for who in sorted(EVERYONE):
        client.force_login(people[who])
        for page, url in urls.items():
            code = client.get(url).status_code
            expected = 200 if who in EXPECTED[page] else 404
            if code != expected:
                wrong.append((who, page, code, expected))
        # POSTs that change nothing lasting for the others (an empty note, an empty reply).
        for page, url in posts.items():
            code = client.post(url, {}).status_code
            answered = code in (302, 400)
            if answered != (who in EXPECTED_POST[page]):
                wrong.append((who, page, code, "answer" if who in EXPECTED_POST[page] else 404))
    assert wrong == []


def test_only_the_chair_opens_and_closes_a_vote_and_ends_the_meeting(client, world):
    people, urls, posts = world
    item_id = int(urls["bundle"].rstrip("/").split("/")[-1])
    meeting_id = int(urls["meeting"].rstrip("/").split("/")[-1])
    for who in ("ep", "head", "coordinator", "manager", "parent"):
        client.force_login(people[who])
        assert client.post(reverse("panel:open_vote", args=[item_id])).status_code == 404, who
        assert client.post(reverse("panel:close_vote", args=[item_id])).status_code == 404, who
        assert client.post(reverse("panel:end_meeting", args=[meeting_id])).status_code == 404, who
    client.force_login(people["chair"])
    assert client.post(reverse("panel:open_vote", args=[item_id])).status_code == 302
    assert client.post(reverse("panel:close_vote", args=[item_id])).status_code == 302
    assert client.post(reverse("panel:end_meeting", args=[meeting_id])).status_code == 302
    # After the meeting the bundle is closed to members: only the minutes.
    client.force_login(people["ep"])
    assert client.get(urls["bundle"]).status_code == 404
    assert client.get(urls["minutes"]).status_code == 200


def test_the_api_answers_exactly_who_the_pages_do(world):
    from rest_framework.test import APIClient

    people, urls, _posts = world
    meeting_id = int(urls["meeting"].rstrip("/").split("/")[-1])
    for who in sorted(EVERYONE):
        client = APIClient()
        client.force_authenticate(people[who])
        code = client.get(f"/api/v1/panel-meetings/{meeting_id}/").status_code
        assert code == (200 if who in EXPECTED["meeting"] else 404), who
