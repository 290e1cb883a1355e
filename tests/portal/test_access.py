"""Every portal page for every kind of person: who may open it, another family's case is a 404 on every page, a
supporter whose access is taken back loses every page at once, and pages read a fixed number of queries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import OrganisationKind, Role
from cases import policy
from cases import services as case_services
from cases.models import TeamRole
from portal import services
from portal.models import CaseShare
from tests import factories

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(council, coordinator, business_support, manager, administrator, parent, senco, school):
    case = factories.make_case(council=council, by=business_support, coordinator=coordinator, school=school)
    charity = factories.SchoolFactory(kind=OrganisationKind.CHARITY, council=council, name="SENDIASS")
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=council, name="Riverside NHS Trust")
    young_person = factories.UserFactory(role=Role.YOUNG_PERSON, organisation=None, full_name="Young Okafor")
    supporter = factories.UserFactory(role=Role.SUPPORTER, organisation=charity, full_name="Sonia Supporter")
    specialist = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Howard Specialist")
    panel = factories.staff(Role.PANEL_MEMBER, council, full_name="Pamela Panel")
    for user, role in (
        (parent, TeamRole.FAMILY),
        (young_person, TeamRole.YOUNG_PERSON),
        (specialist, TeamRole.SPECIALIST),
        (panel, TeamRole.PANEL),
    ):
        case_services.add_team_member(case=case, role=role, user=user, by=manager)
    case_services.add_team_member(case=case, role=TeamRole.SCHOOL, user=senco, by=manager)
    share = services.share_case(
        case=case, email=supporter.email, full_name=supporter.full_name, role="supporter", by=parent
    )
    services.send_message(case=case, body="Hello", by=parent)
    other_family = factories.UserFactory(role=Role.PARENT, organisation=None, full_name="Daniel Otherparent")
    other_case = factories.make_case(council=council, by=business_support, first_name="Bola")
    factories.add_family_member(other_case, other_family)
    people = {
        "parent": parent,
        "young_person": young_person,
        "supporter": supporter,
        "senco": senco,
        "coordinator": coordinator,
        "business_support": business_support,
        "manager": manager,
        "administrator": administrator,
        "specialist": specialist,
        "panel": panel,
        "other_family": other_family,
        "other_senco": factories.UserFactory(
            role=Role.SENCO, organisation=factories.SchoolFactory(name="Hill Park", council=council)
        ),
    }
    return {"case": case, "share": share, "people": people, "other_case": other_case, "grown": 0}


# page: (the policy action that opens it, URL, method). Pages about one case are checked with `can(..., case)`.
def _pages(w):
    ref = w["case"].reference
    return {
        "home": ("use_portal", reverse("portal:home"), "get"),
        "pupils": ("follow_pupils", reverse("portal:pupils"), "get"),
        "preferences": ("use_portal", reverse("portal:preferences"), "get"),
        "case": ("follow_case", reverse("portal:case", args=[ref]), "get"),
        "involved": ("follow_case", reverse("portal:involved", args=[ref]), "get"),
        "documents": ("follow_case", reverse("portal:documents", args=[ref]), "get"),
        "decisions": ("follow_case", reverse("portal:decisions", args=[ref]), "get"),
        "people": ("follow_case", reverse("portal:people", args=[ref]), "get"),
        "add_document": ("add_family_document", reverse("portal:add_document", args=[ref]), "get"),
        "messages": ("message_council", reverse("portal:messages", args=[ref]), "get"),
        "share": ("share_case", reverse("portal:share", args=[ref]), "get"),
        "end_share": (
            "share_case",
            reverse("portal:end_share", args=[ref, "share", w["share"].pk]),
            "get",
        ),
        "staff_conversation": ("answer_family", reverse("portal:staff_conversation", args=[ref]), "get"),
        "reply": ("answer_family", reverse("portal:reply", args=[ref]), "post"),
    }


def test_every_portal_page_is_in_the_table(world):
    from portal import urls

    named = {p.name for p in urls.urlpatterns}
    # Pages not about a person's own cases: signing in, and claiming a request (checked in test_sign_in.py); the
    # draft plan's pages need a draft served, and are checked for every role in test_draft_review.py.
    assert named - set(_pages(world)) == {"ask_for_link", "link_sent", "use_link", "claim"} | set(DRAFT_PAGES)


DRAFT_PAGES = ("draft", "draft_comment", "draft_comment_edit", "draft_send", "draft_sent")


def _draft_urls(ref):
    return [
        reverse("portal:draft", args=[ref]),
        reverse("portal:draft_comment", args=[ref, "F"]),
        reverse("portal:draft_comment_edit", args=[ref, "F", 1]),
        reverse("portal:draft_send", args=[ref]),
        reverse("portal:draft_sent", args=[ref]),
    ]


def test_the_draft_pages_answer_no_one_before_a_draft_is_served_and_send_the_signed_out_to_sign_in(
    world, client
):
    for url in _draft_urls(world["case"].reference):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    for who in ("parent", "supporter", "other_family", "coordinator", "senco"):
        client.force_login(world["people"][who])
        for url in _draft_urls(world["case"].reference):
            assert client.get(url).status_code == 404, (who, url)


def _expected(user, action, case) -> int:
    rule = policy.ACTIONS[action]
    allowed = policy.can(user, action, case) if rule.on_case else policy.role_may(user, action)
    return 200 if allowed else 404


def test_each_person_gets_exactly_the_portal_pages_the_policy_allows(world, client):
    answers, wanted = {}, {}
    for who, user in world["people"].items():
        client.force_login(user)
        for page, (action, url, method) in _pages(world).items():
            response = getattr(client, method)(url)
            status = response.status_code
            if page == "home" and status == 302:
                status = 200 if response["Location"] == reverse("portal:pupils") else status
            if method == "post" and status == 400:
                status = 200  # a blank answer is refused with the error summary: the page answers
            answers[(who, page)] = status
            wanted[(who, page)] = _expected(user, action, world["case"])
    assert answers == wanted
    # Read plainly: the family has every page, staff none of the family's (they have the case page).
    family = {page for (who, page), status in answers.items() if who == "parent" and status == 200}
    assert family == set(_pages(world)) - {"pupils", "reply", "staff_conversation"}
    staff = {page for (who, page), s in answers.items() if who == "coordinator" and s == 200}
    assert staff == {"reply", "staff_conversation"}


def test_another_family_gets_not_found_on_every_page_of_the_case(world, client):
    client.force_login(world["people"]["other_family"])
    for page, (_action, url, method) in _pages(world).items():
        if page in ("home", "preferences", "pupils"):
            continue
        response = getattr(client, method)(url)
        assert response.status_code == 404, page
        assert b"Amara" not in response.content


def test_anyone_signed_out_is_sent_to_sign_in(world, client):
    for page, (_action, url, method) in _pages(world).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), page


def test_a_supporter_whose_access_is_taken_back_loses_every_page_at_once(world, client):
    supporter = world["people"]["supporter"]
    client.force_login(supporter)
    assert client.get(reverse("portal:case", args=[world["case"].reference])).status_code == 200
    services.end_share(case=world["case"], by=world["people"]["parent"], share=world["share"])
    for page, (_action, url, method) in _pages(world).items():
        if page in ("home", "preferences", "pupils"):
            continue
        assert getattr(client, method)(url).status_code == 404, page
    assert world["case"].reference not in client.get(reverse("portal:home")).content.decode()


def test_a_supporter_cannot_let_others_in_nor_take_the_family_away(world, client):
    client.force_login(world["people"]["supporter"])
    ref = world["case"].reference
    assert client.post(reverse("portal:share", args=[ref]), {"role": "supporter"}).status_code == 404
    assert client.post(reverse("portal:end_share", args=[ref, "share", world["share"].pk])).status_code == 404
    assert CaseShare.objects.get(pk=world["share"].pk).ended_at is None


def test_a_family_cannot_take_away_a_parent_the_council_added(world, client, manager):
    other_parent = factories.UserFactory(role=Role.PARENT, organisation=None)
    member = case_services.add_team_member(
        case=world["case"], role=TeamRole.FAMILY, user=other_parent, by=manager
    )
    client.force_login(world["people"]["parent"])
    url = reverse("portal:end_share", args=[world["case"].reference, "member", member.pk])
    assert client.post(url).status_code == 404
    assert policy.can(other_parent, "follow_case", world["case"])


def test_bad_addresses_are_not_found(world, client):
    client.force_login(world["people"]["parent"])
    ref = world["case"].reference
    assert client.get(reverse("portal:case", args=["EHC-0000-00000"])).status_code == 404
    assert client.get(reverse("portal:end_share", args=[ref, "share", 999999])).status_code == 404
    assert client.get(reverse("portal:end_share", args=[ref, "nonsense", 1])).status_code == 404
    other_share = services.share_case(
        case=world["other_case"],
        email="someone@example.org",
        full_name="Some One",
        role="supporter",
        by=world["people"]["other_family"],
    )
    assert client.get(reverse("portal:end_share", args=[ref, "share", other_share.pk])).status_code == 404


def _grow(world, n: int):
    """n more messages, documents and requests for advice' clocks on the case."""
    case, parent, coordinator = world["case"], world["people"]["parent"], world["people"]["coordinator"]
    for i in range(n):
        services.send_message(case=case, body=f"Question {i}", by=parent)
        services.send_message(case=case, body=f"Answer {i}", by=coordinator)
        upload = SimpleUploadedFile(f"report {i}.pdf", PDF_BYTES, content_type="application/pdf")
        case_services.add_document(case=case, upload=upload, category="other", by=coordinator)
        case_services.record_advice_clock(
            case=case,
            ref=f"A{world['grown']}",
            label=f"Service {world['grown']}",
            requested_on=case.received_on + datetime.timedelta(days=7),
            by=coordinator,
        )
        world["grown"] += 1


@pytest.mark.parametrize(
    "page", ["home", "case", "involved", "documents", "decisions", "messages", "people", "staff_conversation"]
)
def test_pages_read_a_fixed_number_of_queries(world, client, django_assert_max_num_queries, page):
    client.force_login(world["people"]["coordinator" if page == "staff_conversation" else "parent"])
    url = _pages(world)[page][1]
    client.get(url)  # the first read of a session warms what every page reads once
    _grow(world, 1)
    with django_assert_max_num_queries(QUERIES[page]):
        assert client.get(url).status_code == 200
    _grow(world, 8)
    with django_assert_max_num_queries(QUERIES[page]):
        assert client.get(url).status_code == 200


QUERIES = {
    "home": 6,
    "case": 11,  # with the panel's meeting date for the tracker
    "involved": 10,
    "documents": 7,
    "decisions": 12,
    "messages": 13,
    "staff_conversation": 7,
    "people": 8,
}


def test_the_staff_case_page_reads_no_more_for_the_familys_messages(world, client, django_assert_num_queries):
    """The panel loads the conversation itself: the case page's own budget is untouched by the portal."""
    from cases import panels

    client.force_login(world["people"]["coordinator"])
    url = reverse("cases:detail", args=[world["case"].reference])
    client.get(url)
    registered = dict(panels._panels)
    with_panel = _count(client, url)
    panels._panels.pop("family_messages")
    try:
        without_panel = _count(client, url)
    finally:
        panels._panels.clear()
        panels._panels.update(registered)
    assert with_panel == without_panel


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)
