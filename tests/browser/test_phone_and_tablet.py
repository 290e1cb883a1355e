"""Phone (375 x 812) and tablet (768 x 1024): nothing scrolls sideways but the tables, menus collapse."""

import datetime

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import (
    assert_accessible,
    assert_no_horizontal_scroll,
    login,
    url,
    wait_for_component,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def long_named_case(council, coordinator, business_support, school):
    """A case received on 2 June 2025, for a child with a long name, on Laura's caseload."""
    return factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        school=school,
        first_name="Maximilian-Alexander",
        last_name="Fotheringham-Worthington",
        received_on=datetime.date(2025, 6, 2),
    )


def scroll_box(locator) -> dict:
    return locator.evaluate(
        "el => ({scroll: el.scrollWidth, client: el.clientWidth, overflowX: getComputedStyle(el).overflowX})"
    )


def test_on_a_phone_the_caseload_and_case_page_do_not_scroll_sideways(
    phone_page, live_server, coordinator, case, long_named_case
):
    page = phone_page
    login(page, live_server, coordinator)
    expect(page).to_have_url(url(live_server, "cases:caseload"))
    assert_no_horizontal_scroll(page, "My caseload on a phone")

    # The wide caseload table scrolls inside its own wrapper instead of widening the page.
    wrapper = page.locator(".app-table-wrapper").filter(has=page.get_by_test_id("case-table"))
    expect(wrapper).to_have_count(1)
    box = scroll_box(wrapper)
    assert box["overflowX"] == "auto"
    assert box["scroll"] > box["client"], (
        "the caseload table should be wider than a phone, inside its wrapper"
    )
    wrapper.evaluate("el => { el.scrollLeft = 120; }")
    assert wrapper.evaluate("el => el.scrollLeft") > 0
    assert_no_horizontal_scroll(page, "My caseload on a phone, with its table scrolled")

    page.get_by_role("link", name="Maximilian-Alexander Fotheringham-Worthington").click()
    expect(page).to_have_url(url(live_server, "cases:detail", long_named_case.reference))
    expect(page.get_by_test_id("deadlines")).to_be_attached()
    deadlines_wrapper = page.locator(".app-table-wrapper").filter(has=page.get_by_test_id("deadlines"))
    expect(deadlines_wrapper).to_have_count(1)
    assert_no_horizontal_scroll(page, "the case page on a phone")
    assert page.js_errors == []


def test_on_a_phone_the_service_navigation_is_behind_a_menu_button(phone_page, live_server, coordinator):
    page = phone_page
    login(page, live_server, coordinator)
    wait_for_component(page, "govuk-service-navigation")
    menu = page.get_by_role("button", name="Menu")
    log_request = page.get_by_role("link", name="Log a request")

    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(log_request).to_be_hidden()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(log_request).to_be_visible()
    expect(page.get_by_role("link", name="My caseload")).to_be_visible()
    assert_no_horizontal_scroll(page, "the caseload with the menu open")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(log_request).to_be_hidden()

    menu.click()
    log_request.click()
    expect(page).to_have_url(url(live_server, "cases:log_request"))
    assert_no_horizontal_scroll(page, "the log request page on a phone")


def test_on_a_tablet_the_case_page_shows_the_deadlines_table(
    tablet_page, live_server, coordinator, long_named_case
):
    page = tablet_page
    login(page, live_server, coordinator)
    page.goto(url(live_server, "cases:detail", long_named_case.reference))
    table = page.get_by_test_id("deadlines")
    table.scroll_into_view_if_needed()
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Due")).to_be_in_viewport()
    row = table.locator("tbody tr").filter(has_text="Issue the final plan")
    expect(row.get_by_role("cell", name="20 October 2025")).to_be_in_viewport()
    # At tablet width the whole table fits: no column hides off to the side.
    wrapper = page.locator(".app-table-wrapper").filter(has=table)
    box = scroll_box(wrapper)
    assert box["scroll"] <= box["client"], f"the deadlines table is cut off at 768px wide: {box}"
    assert_no_horizontal_scroll(page, "the case page on a tablet")


def test_on_a_phone_a_parent_sees_the_case_page_without_accessibility_problems(
    phone_page, live_server, case, parent
):
    page = phone_page
    factories.add_family_member(case, parent)
    login(page, live_server, parent)
    page.goto(url(live_server, "cases:detail", case.reference))
    expect(page.get_by_role("heading", level=1)).to_have_text(case.child.full_name)
    assert_no_horizontal_scroll(page, "the case page seen by a parent on a phone")
    assert_accessible(page, "the case page seen by a parent on a phone")
