"""A coordinator's day in a real browser: sign in, the caseload, a case's deadlines, logging a request.

Dates are written literally. A request received on D has "Decide whether to assess" due D + 6 weeks
(42 days), "Decide whether to issue a plan" D + 16 weeks and "Issue the final plan" D + 20 weeks (140 days).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases import selectors
from cases.models import Case
from tests import factories
from tests.browser.conftest import (
    assert_accessible,
    login,
    table_rows,
    url,
    wait_for_component,
)

pytestmark = pytest.mark.browser

# EHC-YYYY-NNNNN, the year being the year the request was received.
REFERENCE_2025 = re.compile(r"^EHC-2025-\d{5}$")


@pytest.fixture
def caseload_cases(council, coordinator, business_support, school):
    """Four cases on Laura's caseload (created out of deadline order) and one on a colleague's."""
    today = selectors.today()

    def case(first_name, last_name, received_on, who=coordinator):
        return factories.make_case(
            council=council,
            by=business_support,
            coordinator=who,
            school=school,
            first_name=first_name,
            last_name=last_name,
            received_on=received_on,
        )

    colleague = factories.staff(Role.COORDINATOR, council, full_name="Omar Colleague")
    return {
        # Decision whether to assess due in 37 days: green.
        "green": case("Dev", "Patel", today - datetime.timedelta(days=5)),
        # Due in 14 days: amber.
        "amber": case("Chloe", "Davies", today - datetime.timedelta(days=28)),
        # Received 2 June 2025: every deadline has passed, nearest first is 14 July 2025: red.
        "oldest": case("Amara", "Okafor", datetime.date(2025, 6, 2)),
        # Due in 2 days: red.
        "red": case("Ben", "Carter", today - datetime.timedelta(days=40)),
        "colleagues": case("Ella", "Morgan", today - datetime.timedelta(days=41), who=colleague),
    }


def column(page, test_id: str, header: str) -> int:
    headers = [h.strip() for h in page.get_by_test_id(test_id).locator("thead th").all_inner_texts()]
    return headers.index(header)


def deadline_due(page, label: str) -> str:
    """The "Due" cell of a row of the case page's "Statutory deadlines" table."""
    row = page.get_by_test_id("deadlines").locator("tbody tr").filter(has_text=label)
    expect(row).to_have_count(1)
    return row.locator("td").nth(column(page, "deadlines", "Due")).inner_text().strip()


def fill_log_request_form(page, *, received: tuple[str, str, str], nhs_number: str = "") -> None:
    day, month, year = received
    page.locator("#id_received_on_0").fill(day)
    page.locator("#id_received_on_1").fill(month)
    page.locator("#id_received_on_2").fill(year)
    page.get_by_role("group", name="How did the request arrive?").get_by_label("Letter", exact=True).check()
    page.get_by_role("group", name="Who made the request?").get_by_label(
        "Parent or carer", exact=True
    ).check()
    page.get_by_label("Child's first name").fill("Zara")
    page.get_by_label("Child's last name").fill("Ahmed")
    page.locator("#id_date_of_birth_0").fill("9")
    page.locator("#id_date_of_birth_1").fill("2")
    page.locator("#id_date_of_birth_2").fill("2015")
    page.get_by_label("NHS number (optional)").fill(nhs_number)
    page.get_by_label("Parent or carer's full name").fill("Yasmin Ahmed")
    page.get_by_label("Their relationship to the child").select_option(label="Mother")
    page.get_by_label("Their email address (optional)").fill("yasmin@example.org")


def test_coordinator_signs_in_checks_deadlines_and_logs_a_request(
    page, live_server, coordinator, caseload_cases, findings
):
    oldest = caseload_cases["oldest"]

    # Signing in lands on "My caseload": Laura's cases only, nearest statutory deadline first, with RAG tags.
    login(page, live_server, coordinator)
    expect(page).to_have_url(url(live_server, "cases:caseload"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    # The navigation marks where you are (ehcp/navigation.py passes "active", so GOV.UK renders "true").
    expect(page.get_by_role("link", name="My caseload")).to_have_attribute(
        "aria-current", re.compile(r"^(page|true)$")
    )
    names = page.get_by_test_id("case-table").locator("tbody tr td:first-child a").all_inner_texts()
    assert names == ["Amara Okafor", "Ben Carter", "Chloe Davies", "Dev Patel"]
    rows = table_rows(page, "case-table")
    urgency = column(page, "case-table", "Urgency")
    assert [row[urgency] for row in rows] == ["Red", "Red", "Amber", "Green"]
    assert rows[0][column(page, "case-table", "Next deadline")] == "14 Jul 2025 Decide whether to assess"
    tags = page.get_by_test_id("case-table").locator(".govuk-tag")
    expect(tags.first).to_have_class(re.compile(r"\bgovuk-tag--red\b"))
    findings.axe(page, "the caseload")

    # The case page spells out the statutory deadlines as dates.
    page.get_by_role("link", name="Amara Okafor").click()
    expect(page).to_have_url(url(live_server, "cases:detail", oldest.reference))
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara Okafor")
    expect(page.get_by_role("heading", name="Statutory deadlines")).to_be_visible()
    summary = page.get_by_test_id("case-summary")
    expect(summary).to_contain_text("2 June 2025 (email, from parent or carer)")
    assert deadline_due(page, "Decide whether to assess") == "14 July 2025"
    assert deadline_due(page, "Decide whether to issue a plan") == "22 September 2025"
    assert deadline_due(page, "Issue the final plan") == "20 October 2025"
    findings.axe(page, "the case page")

    # "Log a request" is in the service navigation.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Log a request").click()
    expect(page).to_have_url(url(live_server, "cases:log_request"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a request for an EHC needs assessment")
    findings.axe(page, "the log request page")

    fill_log_request_form(page, received=("3", "3", "2025"), nhs_number="943 476 5919")
    page.get_by_label("Coordinator (optional)").select_option(str(coordinator.pk))
    page.get_by_role("button", name="Log request and start the clock").click()

    # The new case: a success banner with its reference, and deadlines counted from 3 March 2025.
    banner = page.get_by_role("alert").filter(has_text="Request logged as")
    expect(banner).to_be_visible()
    expect(banner).to_have_class(re.compile(r"\bgovuk-notification-banner--success\b"))
    expect(banner).to_contain_text("Success")
    case = Case.objects.select_related("child").get(child__legal_first_name="Zara")
    assert REFERENCE_2025.match(case.reference), case.reference
    assert case.reference != oldest.reference
    expect(page).to_have_url(url(live_server, "cases:detail", case.reference))
    expect(banner).to_have_text(
        f"Success Request logged as {case.reference}. The statutory deadlines are below.",
        use_inner_text=True,
    )
    expect(page.locator(".govuk-caption-l").first).to_have_text(case.reference)
    expect(page.get_by_role("heading", level=1)).to_have_text("Zara Ahmed")
    summary = page.get_by_test_id("case-summary")
    expect(summary).to_contain_text("3 March 2025 (letter, from parent or carer)")
    expect(summary).to_contain_text("Laura Coordinator")
    assert deadline_due(page, "Decide whether to assess") == "14 April 2025"
    assert deadline_due(page, "Decide whether to issue a plan") == "23 June 2025"
    assert deadline_due(page, "Issue the final plan") == "21 July 2025"
    expect(page.get_by_test_id("child")).to_contain_text("9 February 2015")
    expect(page.get_by_test_id("contacts")).to_contain_text("Yasmin Ahmed, mother")
    findings.axe(page, "the new case page")

    # And it is on Laura's caseload, first because its deadlines are the oldest.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My caseload").click()
    first = page.get_by_test_id("case-table").locator("tbody tr").first
    expect(first.get_by_role("link")).to_have_text("Zara Ahmed")
    assert page.js_errors == []

    # No accessibility violations on the caseload, the case page, the log request page or the new case page.
    findings.assert_none()


def test_log_request_with_bad_input_shows_the_error_summary_and_keeps_what_was_typed(
    page, live_server, coordinator, findings
):
    future = selectors.today() + datetime.timedelta(days=30)
    login(page, live_server, coordinator)
    page.goto(url(live_server, "cases:log_request"))
    fill_log_request_form(
        page, received=(str(future.day), str(future.month), str(future.year)), nhs_number="123 456 789"
    )
    page.get_by_role("button", name="Log request and start the clock").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Log a request"))
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    assert Case.objects.count() == 0

    # One link per field in error, saying what is wrong with that field.
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    received_link = summary.locator('a[href="#id_received_on_0"]')
    nhs_link = summary.locator('a[href="#id_nhs_number"]')
    expect(received_link).to_have_text(
        "Date received must be today or in the past. Enter the date the council received the request"
    )
    expect(nhs_link).to_have_text(re.compile(r"^Enter a real NHS number: 10 numbers"))
    order = [link.get_attribute("href") for link in links.all()]
    findings.check(
        order == ["#id_received_on_0", "#id_nhs_number"],
        f"The error summary lists the errors as {order}, not in the order the fields are on the page "
        "(the date received is the first question, the NHS number much later). Cause: LogRequestForm "
        "inherits the child's fields from ChildDetailsForm (cases/forms.py), so form.visible_fields, which "
        "templates/includes/error_summary.html line 8 walks, puts them before received_on. Fix: give "
        "LogRequestForm a field_order matching templates/cases/log_request.html lines 15-28 (received_on, "
        "route, requested_by, summary, legal_first_name, ...).",
    )

    # GOV.UK Frontend's ErrorSummary moves focus to the summary when the page loads ...
    wait_for_component(page, "govuk-error-summary")
    expect(summary).to_be_focused()

    # ... and each link moves focus to the field it names (the day box, for a date).
    received_link.click()
    expect(page.locator("#id_received_on_0")).to_be_focused()
    nhs_link.click()
    expect(page.get_by_label("NHS number (optional)")).to_be_focused()

    # Everything typed is still there.
    expect(page.locator("#id_received_on_0")).to_have_value(str(future.day))
    expect(page.locator("#id_received_on_1")).to_have_value(str(future.month))
    expect(page.locator("#id_received_on_2")).to_have_value(str(future.year))
    expect(page.locator("#id_date_of_birth_0")).to_have_value("9")
    expect(page.locator("#id_date_of_birth_1")).to_have_value("2")
    expect(page.locator("#id_date_of_birth_2")).to_have_value("2015")
    expect(page.get_by_label("Child's first name")).to_have_value("Zara")
    expect(page.get_by_label("Child's last name")).to_have_value("Ahmed")
    expect(page.get_by_label("NHS number (optional)")).to_have_value("123 456 789")
    expect(page.get_by_label("Parent or carer's full name")).to_have_value("Yasmin Ahmed")
    expect(page.get_by_label("Their relationship to the child")).to_have_value("mother")
    expect(page.get_by_label("Their email address (optional)")).to_have_value("yasmin@example.org")
    expect(page.get_by_label("Letter", exact=True)).to_be_checked()
    expect(page.get_by_label("Parent or carer", exact=True)).to_be_checked()

    # The fields in error are marked for assistive technology.
    expect(page.get_by_label("NHS number (optional)")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_nhs_number-error")).to_contain_text("Error: Enter a real NHS number")
    expect(page.locator("#id_received_on_0")).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    assert page.js_errors == []

    findings.axe(page, "the log request page with errors")
    findings.assert_none()


@pytest.mark.browser
def test_filtering_the_caseload_updates_the_table_in_place(
    page, live_server, council, coordinator, business_support
):
    """With JavaScript, the filters swap only the results (htmx) and keep the address in step."""
    factories.make_case(
        council=council, by=business_support, coordinator=coordinator, first_name="Zara", last_name="Ahmed"
    )
    factories.make_case(
        council=council, by=business_support, coordinator=coordinator, first_name="Tom", last_name="Byrne"
    )
    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}/cases/caseload/")
    page.evaluate("window.__notReloaded = true")
    page.fill("#id_q", "Byrne")
    page.click("text=Apply filters")
    page.wait_for_url("**/cases/caseload/?q=Byrne**")
    table = page.locator("[data-testid=case-table]")
    assert "Tom Byrne" in table.inner_text()
    assert "Zara Ahmed" not in table.inner_text()
    assert page.evaluate("window.__notReloaded") is True  # swapped in place, not a full page load
    assert_accessible(page, "caseload after filtering")
