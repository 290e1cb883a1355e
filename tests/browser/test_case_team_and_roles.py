"""What each person is shown on a case page, from the one access policy, seen in a browser."""

import pytest
from playwright.sync_api import expect

from accounts.models import OrganisationKind, Role
from cases import services
from cases.models import TeamRole
from tests import factories
from tests.browser.conftest import assert_accessible, login, url

pytestmark = pytest.mark.browser


def test_the_administrator_is_shown_no_casework_links(page, live_server, case, administrator):
    login(page, live_server, administrator)
    page.goto(url(live_server, "cases:detail", case.reference))
    expect(page.get_by_role("heading", level=1)).to_have_text(case.child.full_name)
    main = page.locator("main")
    for text in ("Change", "Correct the child's details", "Invite the family", "Add someone to the team"):
        expect(main.get_by_role("link", name=text)).to_have_count(0)
    assert_accessible(page, "the case page seen by the administrator")


def test_removing_someone_from_the_team_is_confirmed_first(page, live_server, case, coordinator):
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=case.council, name="Riverside NHS Trust")
    specialist = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Howard Specialist")
    services.add_team_member(case=case, role=TeamRole.SPECIALIST, user=specialist, by=coordinator)
    login(page, live_server, coordinator)
    page.goto(url(live_server, "cases:detail", case.reference))
    page.get_by_role("link", name="Remove Howard Specialist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Howard Specialist from the team?")
    assert_accessible(page, "confirming a removal from the team")
    expect(page.get_by_test_id("team")).to_have_count(0)
    page.get_by_role("button", name="Remove from the team").click()
    expect(page.get_by_role("alert").filter(has_text="has left the case team")).to_be_visible()
    expect(page.get_by_test_id("team")).not_to_contain_text("Howard Specialist")
    # The coordinator is changed, not removed.
    expect(page.get_by_test_id("team").get_by_role("link", name="Change coordinator")).to_be_visible()


def test_a_specialist_on_a_tablet_reads_the_request_not_the_familys_details(
    tablet_page, live_server, council, coordinator, business_support, manager, school
):
    case = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        school=school,
        summary="Finds it hard to follow spoken instructions.",
    )
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=council, name="Riverside NHS Trust")
    specialist = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Howard Specialist")
    services.add_team_member(case=case, role=TeamRole.SPECIALIST, user=specialist, by=manager)
    page = tablet_page
    login(page, live_server, specialist)
    page.goto(url(live_server, "cases:detail", case.reference))
    expect(page.get_by_test_id("request-summary")).to_contain_text(
        "Finds it hard to follow spoken instructions."
    )
    expect(page.get_by_test_id("contacts")).not_to_contain_text("parent@example.org")
    expect(page.get_by_test_id("messages")).to_have_count(0)
    assert_accessible(page, "the case page seen by a specialist")
