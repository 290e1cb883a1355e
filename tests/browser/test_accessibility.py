"""axe (WCAG 2.2 A and AA, plus best practice) on the pages each kind of user reaches."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import assert_accessible, login, url

pytestmark = pytest.mark.browser


def test_login_page(page, live_server):
    page.goto(url(live_server, "accounts:login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page, "the login page")


def test_login_page_after_a_wrong_password(page, live_server, coordinator):
    page.goto(url(live_server, "accounts:login"))
    page.locator('input[name="username"]').fill(coordinator.email)
    page.locator('input[name="password"]').fill("not-the-password")
    page.locator('form:has(input[name="password"]) [type="submit"]').click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator('input[name="username"]')).to_have_value(coordinator.email)
    assert_accessible(page, "the login page after a wrong password")


def test_accessibility_statement(page, live_server):
    page.goto(url(live_server, "accessibility"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "the accessibility statement")


def test_privacy_notice(page, live_server):
    page.goto(url(live_server, "privacy"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "the privacy notice")


def test_unallocated_requests_as_business_support(
    page, live_server, council, business_support, coordinator, school
):
    factories.make_case(
        council=council, by=business_support, school=school, first_name="Noah", last_name="Evans"
    )
    login(page, live_server, business_support)
    expect(page).to_have_url(url(live_server, "cases:unallocated"))
    table = page.get_by_test_id("unallocated-table")
    expect(table).to_contain_text("Noah Evans")
    expect(table.get_by_role("button", name="Allocate to Laura Coordinator")).to_be_visible()
    assert_accessible(page, "the unallocated requests page")


def test_all_cases_as_service_manager(page, live_server, manager, case):
    login(page, live_server, manager)
    expect(page).to_have_url(url(live_server, "cases:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("All cases")
    expect(page.get_by_test_id("case-table")).to_contain_text(case.child.full_name)
    assert_accessible(page, "the all cases page")


def test_another_councils_case_is_a_page_not_found(page, live_server, coordinator, other_council):
    hidden = factories.make_case(council=other_council, first_name="Hidden", last_name="Person")
    login(page, live_server, coordinator)
    response = page.goto(url(live_server, "cases:detail", hidden.reference))
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Hidden")
    assert_accessible(page, "the page not found page")


def test_case_page_as_a_parent_on_the_case_team(page, live_server, case, parent):
    factories.add_family_member(case, parent)
    login(page, live_server, parent)
    # The old address takes the family to the portal's page about the case.
    page.goto(url(live_server, "cases:detail", case.reference))
    expect(page.get_by_role("heading", level=1)).to_have_text(case.child.full_name)
    expect(page.get_by_test_id("tracker")).to_be_visible()
    assert_accessible(page, "the case page seen by a parent")


def test_a_coordinator_records_a_professional_on_a_tablet(tablet_page, live_server, case, coordinator):
    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(
        share_consent=[
            {"key": "health", "name": "NHS health services", "agreed": True},
            {"key": "social_care", "name": "Children's social care", "agreed": False},
        ]
    )
    page = tablet_page
    login(page, live_server, coordinator)
    page.goto(url(live_server, "cases:detail", case.reference))
    page.get_by_role("link", name="Record a professional already involved").click()
    page.get_by_role("button", name="Record them").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter their name")
    assert_accessible(page, "recording a professional, with errors")
    page.locator("[name=name]").fill("Dr Omar Aziz")
    page.locator("[name=role]").fill("Community paediatrician")
    page.locator("[name=service]").fill("Riverside Hospital")
    page.get_by_role("button", name="Record them").click()
    expect(page.get_by_test_id("professionals")).to_contain_text("Dr Omar Aziz")
    expect(page.get_by_test_id("share-consent")).to_contain_text("Not agreed Children's social care")
    assert_accessible(page, "the case page with professionals and consent to share")
