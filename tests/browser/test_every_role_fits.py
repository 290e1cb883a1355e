"""Every role's everyday pages fit a small phone (320 px), a phone (390 px) and a tablet (820 px): nothing is wider
than the screen (wide tables scroll inside their own box), and axe finds nothing on any page visited."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from cases import services
from cases.models import TeamRole
from tests import factories
from tests.browser.conftest import Findings, login

pytestmark = pytest.mark.browser

WIDTHS = [320, 390, 820]


def _open(page, live_server, path: str, where: str, findings: Findings, width: int) -> None:
    response = page.goto(live_server.url + path)
    page.wait_for_load_state("load")
    findings.check(
        response is not None and response.status == 200,
        f"{where} ({path}) answered {response.status if response else 'nothing'} at {width}px",
    )
    sizes = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    findings.check(
        sizes["scroll"] <= width,
        f"{where} ({path}) is {sizes['scroll']}px wide on a screen {width}px wide",
    )
    findings.axe(page, f"{where} at {width}px")


@pytest.fixture
def people(council, school, coordinator, business_support, manager, administrator, parent, senco):
    """A case on Laura's caseload with a long-named child, a met deadline, every kind of team member, and a
    message for the coordinator and the family (so the message lists have rows)."""
    case = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        school=school,
        first_name="Maximilian-Alexander",
        last_name="Fotheringham-Worthington",
        received_on=datetime.date.today() - datetime.timedelta(days=60),
    )
    factories.make_case(council=council, by=business_support, school=school)
    specialist = factories.staff(Role.SPECIALIST, council, full_name="Sonia Specialist")
    young_person = factories.UserFactory(
        role=Role.YOUNG_PERSON, organisation=None, full_name="Daniel Young", email="daniel@example.org"
    )
    factories.add_family_member(case, parent)
    for user, role in (
        (specialist, TeamRole.SPECIALIST),
        (young_person, TeamRole.YOUNG_PERSON),
        (senco, TeamRole.SCHOOL),
    ):
        services.add_team_member(case=case, role=role, user=user, by=manager)
    return {
        "case": case,
        "coordinator": coordinator,
        "business_support": business_support,
        "manager": manager,
        "administrator": administrator,
        "parent": parent,
        "young_person": young_person,
        "senco": senco,
        "specialist": specialist,
    }


def _pages_for(role: str, case) -> list[tuple[str, str]]:
    detail = ("the case page", reverse("cases:detail", args=[case.reference]))
    messages = ("messages", reverse("notifications:list"))
    common = [detail, messages, ("contact preferences", reverse("accounts:contact_preferences"))]
    return {
        "coordinator": [
            ("my caseload", reverse("cases:caseload")),
            ("all cases", reverse("cases:list")),
            ("new requests", reverse("cases:unallocated")),
            *common,
            ("API documentation", reverse("api-docs")),
        ],
        "business_support": [
            ("new requests", reverse("cases:unallocated")),
            ("log a request", reverse("cases:log_request")),
            ("all cases", reverse("cases:list")),
            detail,
        ],
        "manager": [
            ("all cases", reverse("cases:list")),
            ("failed messages", reverse("notifications:failures")),
        ],
        "administrator": [
            ("staff", reverse("accounts:staff_list")),
            ("add a staff member", reverse("accounts:staff_add")),
            ("change your password", reverse("accounts:password_change")),
        ],
        "parent": [
            ("home", reverse("home")),
            ("your cases", reverse("cases:list")),
            *common,
            *[
                (f"portal: {name}", reverse(f"portal:{name}", args=[case.reference]))
                for name in ("messages", "involved", "documents", "decisions", "people", "share")
            ],
            ("portal: preferences", reverse("portal:preferences")),
        ],
        "young_person": [("your cases", reverse("cases:list")), *common],
        "senco": [("home", reverse("home")), ("cases", reverse("cases:list")), *common],
        "specialist": [("cases", reverse("cases:list")), detail, messages],
    }[role]


ROLES = [
    "coordinator",
    "business_support",
    "manager",
    "administrator",
    "parent",
    "young_person",
    "senco",
    "specialist",
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_each_roles_pages_fit_the_screen(new_context, live_server, people, findings, role, width):
    page = new_context(
        viewport={"width": width, "height": 800}, is_mobile=width < 800, has_touch=True
    ).new_page()
    login(page, live_server, people[role])
    for where, path in _pages_for(role, people["case"]):
        _open(page, live_server, path, f"{role}: {where}", findings, width)
    findings.assert_none()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_start_page_and_the_request_pages_fit_the_screen(
    new_context, live_server, council, findings, width
):
    page = new_context(
        viewport={"width": width, "height": 800}, is_mobile=width < 800, has_touch=True
    ).new_page()
    _open(page, live_server, "/", "the start page", findings, width)
    _open(page, live_server, reverse("forms_ersa:index"), "choosing the council", findings, width)
    _open(page, live_server, reverse("forms_ersa:start", args=[council.pk]), "who is asking", findings, width)
    page.get_by_label("A parent or carer of the child or young person").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    findings.axe(page, f"the email page at {width}px")
    page.get_by_label("Email address").fill("meera@example.org")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Continue to your request").click()
    page.wait_for_load_state("load")
    task_list = page.url.removeprefix(live_server.url)
    _open(page, live_server, task_list, "the request's task list", findings, width)
    page.get_by_role("link", name="About the child or young person").click()
    page.wait_for_load_state("load")
    _open(page, live_server, page.url.removeprefix(live_server.url), "the first question", findings, width)
    findings.assert_none()


@pytest.fixture
def advice_world(council, coordinator, business_support):
    """A case being assessed with a request for advice to a specialist, who has started it."""
    from advice import services as advice_services

    case = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        first_name="Maximilian-Alexander",
        last_name="Fotheringham-Worthington",
    )
    services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    services.case_transition(case=case, name="agree_to_assess", by=coordinator)
    case.refresh_from_db()
    specialist = factories.UserFactory(
        role=Role.SPECIALIST, discipline="educational_psychology", organisation=council, full_name="Howard Ep"
    )
    asked = advice_services.request_advice(
        case=case, kind="psychological", asked_user=specialist, by=coordinator
    )
    advice_services.save_advice(
        request=asked,
        by=specialist,
        changes={
            "answers": {"methods": "Observed in class"},
            "provision": [
                {
                    "section": "F",
                    "what": "Access to a quiet space",
                    "who": "",
                    "frequency": "",
                    "duration": "",
                }
            ],
        },
    )
    return case, asked, specialist, coordinator


@pytest.mark.parametrize("width", WIDTHS)
def test_the_advice_pages_fit_the_screen(new_context, live_server, advice_world, findings, width):
    case, asked, specialist, coordinator = advice_world
    page = new_context(
        viewport={"width": width, "height": 800}, is_mobile=width < 800, has_touch=True
    ).new_page()
    login(page, live_server, specialist)
    for where, path in (
        ("requests for advice", reverse("advice:inbox")),
        ("a request for advice", reverse("advice:request", args=[asked.pk])),
        ("a part of the advice", reverse("advice:part", args=[asked.pk, "assessment"])),
        ("the provision, with a warning", reverse("advice:items", args=[asked.pk, "provision"])),
        ("the RAS levels", reverse("advice:ras", args=[asked.pk])),
        ("check and send", reverse("advice:check", args=[asked.pk])),
    ):
        _open(page, live_server, path, f"specialist: {where}", findings, width)
    page = new_context(
        viewport={"width": width, "height": 800}, is_mobile=width < 800, has_touch=True
    ).new_page()
    login(page, live_server, coordinator)
    for where, path in (
        ("the case page with advice", reverse("cases:detail", args=[case.reference])),
        ("advice for the assessment", reverse("advice:plan", args=[case.reference])),
        ("ask for advice", reverse("advice:ask", args=[case.reference])),
    ):
        _open(page, live_server, path, f"coordinator: {where}", findings, width)
    findings.assert_none()
