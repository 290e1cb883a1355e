"""Every plan page for every kind of person: the page where their work is, a 404 everywhere else.

One case with both advices in, the draft sent to the family (so the proposed final plan is being worked on), a
comment from the family and a school consulted. The table says, page by page, exactly who gets the page.
"""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from cases import services as case_services
from drafting import selectors, services
from tests import factories

pytestmark = pytest.mark.django_db

COUNCIL = {"coordinator", "business_support", "manager", "administrator"}
EVERYONE = COUNCIL | {"ep", "panel", "parent", "senco", "other_council_coordinator", "other_family"}
EDITORS = {"coordinator", "manager"}

# page -> who gets 200 (everyone else: 404)
EXPECTED = {
    "plan": COUNCIL | {"panel"},
    "version": COUNCIL | {"panel"},
    "changes": COUNCIL | {"panel"},
    "pdf": COUNCIL | {"panel"},
    "comments": COUNCIL | {"panel"},
    "panel": COUNCIL | {"panel", "parent"},
    "section": EDITORS,
    "send": EDITORS,
    "record_comment": {"coordinator", "business_support", "manager"},
    "answer": EDITORS,
    "placement": EDITORS,
    "consultation": EDITORS,
    "sign_off": EDITORS,
    "issue": EDITORS,
    "finance": {"business_support", "manager"},
    "quality": {"coordinator", "manager", "other_council_coordinator"},
}
POST_ONLY = {"assemble", "item", "add_item", "resolve", "delete", "finance_export"}


@pytest.fixture
def world(
    advised_case,
    draft,
    coordinator,
    business_support,
    manager,
    administrator,
    council,
    other_council,
    ep,
    parent,
    senco,
    school,
):
    case = advised_case
    panel = factories.UserFactory(role=Role.PANEL_MEMBER, organisation=council, full_name="Sonia Panel")
    case_services.add_team_member(case=case, role="panel", user=panel, by=coordinator)
    services.render_plan_pdf(version_id=draft.pk)
    services.send_draft(version=draft, by=coordinator, override_reason="Agreed with the family")
    comment = services.record_family_comment(
        case=case, by=coordinator, section="F", text="Twice a week", received_on=datetime.date.today()
    )
    consultation = services.record_consultation(
        case=case, by=coordinator, school=school, school_name="", sent_on=datetime.date.today()
    )
    working = selectors.latest_version(case=case)
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
        "panel": panel,
        "parent": parent,
        "senco": senco,
        "other_council_coordinator": factories.staff(Role.COORDINATOR, other_council),
        "other_family": other_family,
    }
    ref = case.reference
    key = selectors.content_of(working).active("F")[0].key
    urls = {
        "plan": reverse("drafting:plan", args=[ref]),
        "version": reverse("drafting:version", args=[draft.pk]),
        "changes": reverse("drafting:changes", args=[working.pk]),
        "pdf": reverse("drafting:pdf", args=[draft.pk]),
        "comments": reverse("drafting:comments", args=[ref]),
        "panel": reverse("drafting:panel", args=[ref]),
        "section": reverse("drafting:section", args=[working.pk, "F"]),
        "send": reverse("drafting:send", args=[ref]),
        "record_comment": reverse("drafting:record_comment", args=[ref]),
        "answer": reverse("drafting:answer", args=[comment.pk]),
        "placement": reverse("drafting:placement", args=[ref]),
        "consultation": reverse("drafting:consultation", args=[consultation.pk]),
        "sign_off": reverse("drafting:sign_off", args=[ref]),
        "issue": reverse("drafting:issue", args=[ref]),
        "finance": reverse("drafting:finance"),
        "quality": reverse("drafting:quality"),
    }
    posts = {
        "assemble": reverse("drafting:assemble", args=[ref]),
        "item": reverse("drafting:item", args=[working.pk, "F", key]),
        "add_item": reverse("drafting:add_item", args=[working.pk, "F"]),
        "resolve": reverse("drafting:resolve", args=[working.pk, "F", key]),
        "delete": reverse("drafting:delete", args=[working.pk, "F", key]),
    }
    return people, urls, posts


def test_every_plan_page_is_in_the_table():
    from drafting import urls as plan_urls

    names = {p.name for p in plan_urls.urlpatterns}
    assert names - set(EXPECTED) == POST_ONLY


def test_each_person_gets_exactly_the_plan_pages_for_their_work(client, world):
    people, urls, _posts = world
    wrong = []
    for who in sorted(EVERYONE):
        client.force_login(people[who])
        for page, url in urls.items():
            code = client.get(url).status_code
            expected = 200 if who in EXPECTED[page] else 404
            if code != expected:
                wrong.append((who, page, code, expected))
    assert wrong == []


def test_only_editors_change_the_plan(client, world):
    people, _urls, posts = world
    for who in sorted(EVERYONE - EDITORS):
        client.force_login(people[who])
        for page, url in posts.items():
            assert client.post(url, {}).status_code == 404, (who, page)
    client.force_login(people["coordinator"])
    assert client.post(posts["assemble"]).status_code == 302


def test_only_finance_roles_download_the_handoff(client, world):
    people, _urls, _posts = world
    url = reverse("drafting:finance_export")
    for who in sorted(EVERYONE):
        client.force_login(people[who])
        expected = 200 if who in {"business_support", "manager"} else 404
        assert client.post(url).status_code == expected, who


def test_the_case_page_shows_the_plan_panel_only_with_links_they_may_follow(client, world, advised_case):
    people, _urls, _posts = world
    ref = advised_case.reference
    for who in ("coordinator", "panel", "parent", "ep"):
        client.force_login(people[who])
        page = client.get(reverse("cases:detail", args=[ref])).content.decode()
        detail = client.get(reverse("drafting:panel", args=[ref]))
        if who in ("coordinator", "panel"):
            assert reverse("drafting:panel", args=[ref]) in page  # the detail is fetched once the page shows
            assert reverse("drafting:plan", args=[ref]) in page
            assert 'data-testid="plan-panel"' in detail.content.decode()
        if who == "coordinator":
            assert reverse("drafting:placement", args=[ref]) in detail.content.decode()
        if who == "panel":
            assert reverse("drafting:placement", args=[ref]) not in detail.content.decode()
        if who == "parent":
            assert "The draft plan was sent to you" in detail.content.decode()
            assert f'href="{reverse("drafting:plan", args=[ref])}"' not in page + detail.content.decode()
        if who == "ep":
            assert reverse("drafting:panel", args=[ref]) not in page and detail.status_code == 404
