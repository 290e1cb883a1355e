"""Every advice page for every kind of person: the page where their work is, a 404 everywhere else.

One request (A) went to the EP service and its lead allocated it to Howard; another (B) went to a speech and
language therapist by name, who sent it. The table says, page by page, exactly who gets the page.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from advice import services
from cases import services as case_services
from tests import factories
from tests.advice.conftest import full_advice

pytestmark = pytest.mark.django_db

COUNCIL = {"coordinator", "business_support", "manager", "administrator"}
EVERYONE = COUNCIL | {
    "ep",
    "ep_lead",
    "salt",
    "panel",
    "parent",
    "senco",
    "other_specialist",
    "other_council_coordinator",
    "other_family",
}

# page -> who gets 200 (everyone else: 404)
EXPECTED = {
    "inbox": {"ep", "ep_lead", "salt", "senco", "other_specialist"},
    "request": COUNCIL | {"ep", "ep_lead"},
    "part": {"ep"},
    "items": {"ep"},
    "ras": {"ep"},
    "check": {"ep"},
    "attach": {"ep"},
    "decline": {"ep", "ep_lead"},
    "pass_on": {"ep", "ep_lead", "coordinator", "manager"},
    "allocate": {"ep_lead", "coordinator", "manager"},
    "withdraw": {"coordinator", "manager"},
    "correct": {"salt"},
    "submission": COUNCIL | {"salt", "ep", "ep_lead", "panel"},
    "plan": {"coordinator", "business_support", "manager"},
    "ask": {"coordinator", "manager"},
    "reuse": {"coordinator", "manager"},
}


@pytest.fixture
def world(
    assessing_case,
    coordinator,
    business_support,
    manager,
    administrator,
    council,
    other_council,
    ep,
    ep_lead,
    ep_team,
    salt,
    scheme,
    parent,
    senco,
):
    case = assessing_case
    factories.add_family_member(case, parent)
    panel = factories.UserFactory(role=Role.PANEL_MEMBER, organisation=council, full_name="Sonia Panel")
    case_services.add_team_member(case=case, role="panel", user=panel, by=coordinator)
    a = services.request_advice(case=case, kind="psychological", asked_team=ep_team, by=coordinator)
    services.allocate_request(request=a, to=ep, by=ep_lead)
    services.save_advice(request=a, by=ep, changes={"answers": {"methods": "Observed in class"}})
    b = services.request_advice(case=case, kind="speech_and_language", asked_user=salt, by=coordinator)
    services.save_advice(
        request=b,
        by=salt,
        changes={
            **full_advice(levels={"communication_interaction": 3}),
            "answers": {
                "receptive": "Two-part instructions",
                "expressive": "Short sentences",
                "social_communication": "With support",
                "assessed_on": "2026-01-12",
                "methods": "CELF-5",
                "family_summary": "Keep instructions short.",
            },
        },
    )
    sent = services.submit_advice(request=b, by=salt)
    other_family = factories.UserFactory(role=Role.PARENT, organisation=None, full_name="Other Parent")
    factories.add_family_member(
        factories.make_case(council=council, by=business_support, first_name="Bola"), other_family
    )
    people = {
        "coordinator": coordinator,
        "business_support": business_support,
        "manager": manager,
        "administrator": administrator,
        "ep": ep,
        "ep_lead": ep_lead,
        "salt": salt,
        "panel": panel,
        "parent": parent,
        "senco": senco,
        "other_specialist": factories.UserFactory(
            role=Role.SPECIALIST, discipline="educational_psychology", organisation=council
        ),
        "other_council_coordinator": factories.staff(Role.COORDINATOR, other_council),
        "other_family": other_family,
    }
    ref = case.reference
    urls = {
        "inbox": reverse("advice:inbox"),
        "request": reverse("advice:request", args=[a.pk]),
        "part": reverse("advice:part", args=[a.pk, "assessment"]),
        "items": reverse("advice:items", args=[a.pk, "needs"]),
        "ras": reverse("advice:ras", args=[a.pk]),
        "check": reverse("advice:check", args=[a.pk]),
        "attach": reverse("advice:attach", args=[a.pk]),
        "decline": reverse("advice:decline", args=[a.pk]),
        "pass_on": reverse("advice:pass_on", args=[a.pk]),
        "allocate": reverse("advice:allocate", args=[a.pk]),
        "withdraw": reverse("advice:withdraw", args=[a.pk]),
        "correct": reverse("advice:correct", args=[b.pk]),
        "submission": reverse("advice:submission", args=[sent.pk]),
        "plan": reverse("advice:plan", args=[ref]),
        "ask": reverse("advice:ask", args=[ref]),
        "reuse": reverse("advice:reuse", args=[ref]),
    }
    return people, urls, a


def test_every_advice_page_is_in_the_table():
    from advice import urls as advice_urls

    names = {p.name for p in advice_urls.urlpatterns}
    # POST-only actions are tested below; everything else must be in EXPECTED.
    assert names - set(EXPECTED) == {"accept", "share"}


def test_each_person_gets_exactly_the_advice_pages_for_their_work(client, world):
    people, urls, _a = world
    wrong = []
    for who in sorted(EVERYONE):
        client.force_login(people[who])
        for page, url in urls.items():
            code = client.get(url).status_code
            expected = 200 if who in EXPECTED[page] else 404
            if code != expected:
                wrong.append((who, page, code, expected))
    assert wrong == []


def test_only_the_adviser_accepts(client, world):
    people, _urls, a = world
    for who in ("coordinator", "ep_lead", "salt", "other_family"):
        client.force_login(people[who])
        assert client.post(reverse("advice:accept", args=[a.pk])).status_code == 404
    client.force_login(people["ep"])
    assert client.post(reverse("advice:accept", args=[a.pk])).status_code == 302
    a.refresh_from_db()
    assert a.status == "in_progress"  # already started: accepting it changes nothing
