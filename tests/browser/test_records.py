"""The records pages on a phone (375 px) and a tablet (768 px): a manager exports a child's records, decides on a
record due for disposal and reads the destruction record; a coordinator changes who can see a document. No page
scrolls sideways but its tables, and axe finds nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from cases import services as case_services
from cases.workflow import Stage
from records import services
from tests import factories
from tests.browser.conftest import assert_no_horizontal_scroll, login, url

pytestmark = pytest.mark.browser

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def records_world(council, business_support, coordinator, manager, case):
    closed = factories.CaseFactory(
        stage=Stage.WITHDRAWN,
        council=council,
        logged_by=business_support,
        coordinator=coordinator,
        received_on=datetime.date.today() - datetime.timedelta(days=8 * 365),
        first_name="Maximilian-Alexander",
        last_name="Fotheringham-Worthington",
    )
    services.sweep_retention()
    services.place_hold(
        reference=case.reference, kind="complaint", reason="Complaint to the Ombudsman", by=manager
    )
    case_services.add_document(
        case=case,
        upload=SimpleUploadedFile("school report.pdf", PDF_BYTES, content_type="application/pdf"),
        category="school_report",
        by=coordinator,
    )
    return {"closed": closed, "case": case}


@pytest.mark.parametrize("size", ["phone", "tablet"])
def test_a_manager_uses_the_records_pages_on_a_phone_and_a_tablet(
    size, phone_page, tablet_page, live_server, manager, records_world, findings
):
    page = phone_page if size == "phone" else tablet_page
    login(page, live_server, manager)

    page.goto(url(live_server, "records:export_new"))
    findings.axe(page, f"the export form ({size})")
    page.get_by_label("Case reference").fill(records_world["case"].reference)
    page.get_by_role("button", name="Start the export").click()
    expect(page.get_by_test_id("export-status")).to_contain_text("Ready to download")
    assert_no_horizontal_scroll(page, f"the export page ({size})")
    findings.axe(page, f"the export page ({size})")

    page.goto(url(live_server, "records:index"))
    assert_no_horizontal_scroll(page, f"the subject access list ({size})")
    findings.axe(page, f"the subject access list ({size})")

    page.goto(url(live_server, "records:retention"))
    expect(page.get_by_test_id("due")).to_contain_text(records_world["closed"].reference)
    expect(page.get_by_test_id("holds")).to_contain_text("Complaint to the Ombudsman")
    assert_no_horizontal_scroll(page, f"retention ({size})")
    findings.axe(page, f"retention ({size})")

    page.get_by_role("link", name=f"Decide {records_world['closed'].reference}").click()
    assert_no_horizontal_scroll(page, f"the decision page ({size})")
    findings.axe(page, f"the decision page ({size})")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether to dispose of the records")
    findings.axe(page, f"the decision page with an error ({size})")
    page.get_by_label("Dispose of them as the schedule says").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_test_id("destruction")).to_contain_text("The child's name, date of birth")
    assert_no_horizontal_scroll(page, f"retention with a destruction record ({size})")
    findings.axe(page, f"retention with a destruction record ({size})")
    findings.assert_none()


def test_a_coordinator_changes_who_can_see_a_document_on_a_phone(
    phone_page, live_server, coordinator, records_world, findings
):
    page = phone_page
    login(page, live_server, coordinator)
    page.goto(url(live_server, "cases:detail", records_world["case"].reference))
    page.get_by_role("link", name="Change who can see it school report.pdf").click()
    assert_no_horizontal_scroll(page, "who can see a document (phone)")
    findings.axe(page, "who can see a document (phone)")
    page.get_by_label("The case team, not the family").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("visibility")).to_have_text("The case team, not the family")
    findings.assert_none()
