"""What a person types on a phone is never cut short: a long postcode is shown whole and explained, and the
request names the council it goes to."""

import pytest
from playwright.sync_api import expect

from forms_ersa.models import RequestDraft
from tests.browser.conftest import assert_accessible, url

pytestmark = pytest.mark.browser


def test_a_wrong_postcode_is_kept_whole_and_explained_on_a_phone(phone_page, live_server, council):
    page = phone_page
    page.goto(url(live_server, "forms_ersa:email", council.pk, "parent"))
    expect(page.locator(".app-header__council")).to_have_text(council.name)
    page.get_by_label("Email address").fill("meera@example.org")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Continue to your request").click()
    expect(page.locator(".app-header__council")).to_have_text(council.name)
    draft = RequestDraft.objects.get(email="meera@example.org")
    page.goto(url(live_server, "forms_ersa:page", draft.public_id, "child", "address"))
    page.locator("[name=address]").fill("1 High Street")
    box = page.locator("[name=postcode]")
    # Typed key by key, as a person does: a maxlength would silently drop the last two letters.
    box.press_sequentially("NOTAPOSTCODE")
    expect(box).to_have_value("NOTAPOSTCODE")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state("load")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real UK postcode, like SW1A 1AA")
    expect(page.locator("[name=postcode]")).to_have_value("NOTAPOSTCODE")
    assert page.title().startswith("Error: Their address –")
    assert_accessible(page, "address with a wrong postcode")
