"""A family reads the request form and the portal in Polish, then in Urdu (right to left), on a 320 px phone, with axe
on each page; the language they chose stays with them from page to page, and a signed-in family's on any device."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests import factories
from tests.browser.conftest import assert_no_horizontal_scroll, login, url

pytestmark = pytest.mark.browser

SMALLEST_PHONE = {"width": 320, "height": 640}


def switch_to(page, name: str) -> None:
    page.get_by_test_id("language-switcher").get_by_role("button", name=name).click()
    page.wait_for_load_state("load")


def test_the_request_form_in_polish_then_urdu_on_a_small_phone(new_context, live_server, council, findings):
    page = new_context(viewport=SMALLEST_PHONE, is_mobile=True, has_touch=True).new_page()

    def check_page(where, lang, direction):
        findings.check(
            page.locator("html").get_attribute("lang") == lang, f"{where}: html lang is not {lang}"
        )
        findings.check(
            page.locator("html").get_attribute("dir") == direction, f"{where}: html dir is not {direction}"
        )
        findings.axe(page, where)
        assert_no_horizontal_scroll(page, where)

    page.goto(url(live_server, "forms_ersa:index"))
    check_page("start, in English", "en", "ltr")
    switch_to(page, "Polski")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Poproś o ocenę potrzeb")
    check_page("start, in Polish", "pl", "ltr")

    page.get_by_role("button", name="Dalej").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Wybierz, kto składa wniosek")
    check_page("start with an error, in Polish", "pl", "ltr")
    page.get_by_label("Rodzic lub opiekun dziecka lub młodej osoby").check()
    page.get_by_role("button", name="Dalej").click()
    expect(page.get_by_label("Adres e-mail")).to_be_visible()
    check_page("email, in Polish", "pl", "ltr")
    page.get_by_label("Adres e-mail").fill("daniel@example.org")
    page.get_by_role("button", name="Dalej").click()
    expect(page.get_by_role("heading", name="Wysłaliśmy ci link")).to_be_visible()
    check_page("link sent, in Polish", "pl", "ltr")
    page.get_by_role("link", name="Przejdź do wniosku").click()
    check_page("task list, in Polish", "pl", "ltr")
    page.get_by_role("link", name="O dziecku lub młodej osobie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imię i nazwisko")
    page.get_by_role("button", name="Zapisz i kontynuuj").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Wpisz imię dziecka")
    check_page("child's name with errors, in Polish", "pl", "ltr")

    # Urdu, from the page they are on: the same page comes back, right to left, and stays Urdu after it.
    switch_to(page, "اردو")
    expect(page.get_by_role("heading", level=1)).to_have_text("ان کا نام")
    check_page("child's name, in Urdu", "ur", "rtl")
    page.locator("[name=first_name]").fill("Amara")
    page.locator("[name=last_name]").fill("Okafor")
    page.get_by_role("button", name="محفوظ کریں اور جاری رکھیں").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("ان کی تاریخ پیدائش")
    check_page("date of birth, in Urdu", "ur", "rtl")
    page.locator("[name=date_of_birth_0]").fill("31")
    page.locator("[name=date_of_birth_1]").fill("2")
    page.locator("[name=date_of_birth_2]").fill("2016")
    page.get_by_role("button", name="محفوظ کریں اور جاری رکھیں").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("ایک مسئلہ ہے")
    check_page("date of birth with an error, in Urdu", "ur", "rtl")
    # Right to left for real: the text starts at the right-hand edge.
    align = page.locator("h1").evaluate("element => getComputedStyle(element).textAlign")
    findings.check(align in ("right", "start"), f"the Urdu heading is aligned {align}")
    box = page.locator("h1").evaluate(
        "element => { const r = document.createRange(); r.selectNodeContents(element);"
        " const t = r.getBoundingClientRect(), e = element.getBoundingClientRect();"
        " return {gapRight: e.right - t.right, gapLeft: t.left - e.left}; }"
    )
    findings.check(box["gapRight"] <= box["gapLeft"], f"the Urdu heading does not start on the right: {box}")

    # A new page in the same browser: still Urdu, from the remembered choice.
    page.goto(url(live_server, "accounts:login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("سائن ان کریں")
    check_page("sign in, in Urdu", "ur", "rtl")
    switch_to(page, "English")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page("sign in, back in English", "en", "ltr")
    findings.assert_none()


@pytest.mark.django_db(transaction=True)
def test_a_parent_reads_the_portal_in_polish_then_urdu_and_it_follows_their_account(
    new_context, live_server, case, parent, findings
):
    factories.add_family_member(case, parent)
    page = new_context(viewport=SMALLEST_PHONE, is_mobile=True, has_touch=True).new_page()

    def check_page(where, lang, direction):
        findings.check(
            page.locator("html").get_attribute("lang") == lang, f"{where}: html lang is not {lang}"
        )
        findings.check(
            page.locator("html").get_attribute("dir") == direction, f"{where}: dir is not {direction}"
        )
        findings.axe(page, where)
        assert_no_horizontal_scroll(page, where)

    login(page, live_server, parent)
    switch_to(page, "Polski")
    check_page("portal home, in Polish", "pl", "ltr")
    page.get_by_role("link", name=f"Zobacz, co się dzieje i kiedy {case.child.full_name}").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("link", name="Kto uczestniczy", exact=True)).to_be_visible()
    check_page("tracker, in Polish", "pl", "ltr")

    switch_to(page, "اردو")
    check_page("tracker, in Urdu", "ur", "rtl")
    for name in ("کون شامل ہے", "دستاویزات", "فیصلے اور آپ کے حقوق", "یہ کیس کون دیکھ سکتا ہے"):
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_load_state("load")
        check_page(f"{name}, in Urdu", "ur", "rtl")
    assert User.objects.get(pk=parent.pk).language == "ur"

    # Another device: signing in brings the pages back in Urdu, from the account.
    elsewhere = new_context(viewport=SMALLEST_PHONE, is_mobile=True, has_touch=True).new_page()
    login(elsewhere, live_server, parent)
    findings.check(elsewhere.locator("html").get_attribute("dir") == "rtl", "another device is not in Urdu")
    elsewhere.goto(url(live_server, "portal:preferences"))
    findings.check(
        elsewhere.locator("select[name=language]").input_value() == "ur",
        "the preferences page does not show the language chosen with the switcher",
    )
    findings.axe(elsewhere, "preferences, in Urdu")
    findings.assert_none()
