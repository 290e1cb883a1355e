# ruff: noqa: F811 (the plan's fixtures, imported by name)
"""The family's review of the draft plan on a phone, with axe on every page: a parent signs in, reads the tracker,
reads the draft with their 15 days, comments on two sections, names a school, checks and sends; the coordinator
sees the comments and answers one; the parent sees the answer."""

import pytest

from drafting import selectors as drafting_selectors
from drafting import services as drafting_services
from tests.browser.conftest import assert_no_horizontal_scroll, login, url
from tests.browser.test_languages import switch_to
from tests.drafting.conftest import (  # noqa: F401 (fixtures)
    _private_media,
    advised_case,
    draft,
    ep,
    salt,
    scheme,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_parent_comments_on_the_draft_and_reads_the_answer_on_a_phone(
    phone_page, new_context, live_server, draft, coordinator, parent, findings
):
    drafting_services.send_draft(version=draft, by=coordinator, override_reason="Agreed with the family")
    case = draft.plan.case
    closes = drafting_selectors.family_draft(case=case, user=parent).closes_on
    page = phone_page

    def look(where):
        page.wait_for_load_state("load")
        findings.axe(page, f"{where} (parent, phone)")
        assert_no_horizontal_scroll(page, f"{where} on a phone")

    login(page, live_server, parent)
    look("portal home")
    page.get_by_role("link", name=f"See what happens and when {case.child.full_name}").click()
    look("tracker")
    window = page.get_by_test_id("step-your_15_days").inner_text()
    findings.check(
        f"By {closes:%-d %B %Y}" in window, f"the 15 days step does not give its last day: {window}"
    )
    page.get_by_test_id("step-link-your_15_days").click()
    look("the draft plan")
    findings.check(
        f"Tell us what you think by {closes:%-d %B %Y}" in page.get_by_test_id("draft-window").inner_text(),
        "the draft does not show the last day of the 15 days",
    )
    # The family reads the draft in their own language: Polish, then Urdu right to left, then back to English.
    for name, lang, direction in (("Polski", "pl", "ltr"), ("اردو", "ur", "rtl"), ("English", "en", "ltr")):
        switch_to(page, name)
        look(f"the draft plan in {name}")
        html = page.locator("html")
        findings.check(
            (html.get_attribute("lang"), html.get_attribute("dir")) == (lang, direction),
            f"the draft in {name} is not lang={lang} dir={direction}",
        )
        findings.check(
            page.get_by_test_id("draft-window").is_visible(), f"the 15 days are not shown in {name}"
        )

    page.get_by_test_id("comment-F").click()
    look("comment on section F")
    page.get_by_role("button", name="Save comment").click()
    look("comment with an error")
    findings.check(
        "Enter your comment" in page.locator(".govuk-error-summary").inner_text(), "no error summary"
    )
    page.get_by_label("Your comment, or the change you would like").fill(
        "The listening group every day, please."
    )
    page.get_by_role("button", name="Save comment").click()
    look("the draft with a saved comment")

    page.get_by_test_id("comment-B").click()
    page.get_by_label("Your comment, or the change you would like").fill("He also finds writing hard.")
    page.get_by_label("I would like a meeting with the council about the draft plan").check()
    page.get_by_role("button", name="Save comment").click()
    page.wait_for_load_state("load")

    page.get_by_test_id("comment-I").click()
    look("name a school")
    page.get_by_label("The school or college you would like named (optional)").fill(
        "St Anne's Primary School"
    )
    page.get_by_label("Why this school or college (optional)").fill("His sister goes there.")
    page.get_by_role("button", name="Save comment").click()
    page.wait_for_load_state("load")
    saved = page.get_by_test_id("saved").inner_text()
    findings.check(
        "St Anne's Primary School" in saved and "writing hard" in saved, f"saved comments: {saved}"
    )

    page.get_by_test_id("check-and-send").click()
    look("check your comments")
    page.get_by_role("button", name="Send your comments").click()
    look("check your comments with an error")
    page.get_by_label("I have checked my comments and want to send them to the council").check()
    page.get_by_role("button", name="Send your comments").click()
    look("comments sent")
    findings.check("3 comments" in page.content(), "the confirmation does not count the comments sent")

    staff = new_context().new_page()
    login(staff, live_server, coordinator)
    staff.goto(url(live_server, "drafting:comments", case.reference))
    findings.check(
        "His sister goes there." in staff.content(), "the coordinator does not see the school asked for"
    )
    findings.axe(staff, "the family's comments (coordinator)")
    staff.get_by_role("link", name="Answer the comment on section F").click()
    staff.wait_for_load_state("load")
    staff.get_by_label("Agreed and changed").check()
    staff.get_by_label("What we changed, or why not").fill("Section F now gives the group every day.")
    staff.get_by_role("button", name="Save the answer").click()
    staff.wait_for_load_state("load")

    page.goto(url(live_server, "portal:draft", case.reference))
    look("the draft with an answer")
    answers = " ".join(page.get_by_test_id("sent-comment").all_inner_texts())
    findings.check(
        "Agreed and changed" in answers and "Section F now gives the group every day." in answers,
        f"the parent does not see the answer: {answers}",
    )
    findings.check("Waiting for an answer" in answers, "the unanswered comments are not shown as waiting")

    narrow = new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True).new_page()
    login(narrow, live_server, parent)
    narrow.goto(url(live_server, "portal:draft", case.reference))
    narrow.wait_for_load_state("load")
    assert_no_horizontal_scroll(narrow, "the draft plan on a 320 px phone")
    findings.axe(narrow, "the draft plan (parent, 320 px)")
    findings.assert_none()
