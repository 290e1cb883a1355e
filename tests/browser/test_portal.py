"""The family portal on a phone, with axe on every page: a parent signs in, reads the tracker with its dates,
writes to the coordinator, the coordinator answers on the case page, and the parent reads the answer; another
family gets "not found"."""

import pytest

from accounts.models import Role
from cases import statutory
from tests import factories
from tests.browser.conftest import assert_no_horizontal_scroll, login, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _due(case, code) -> str:
    return f"{case.deadlines.get(code=code).due_on:%-d %B %Y}"


def test_a_parent_follows_the_case_and_talks_to_the_coordinator_on_a_phone(
    phone_page, new_context, live_server, case, coordinator, parent, findings
):
    factories.add_family_member(case, parent)
    page = phone_page
    login(page, live_server, parent)
    findings.check(page.url.endswith("/portal/"), f"the parent landed on {page.url}, not the portal")
    findings.axe(page, "portal home (parent, phone)")
    assert_no_horizontal_scroll(page, "portal home on a phone")

    page.get_by_role("link", name=f"See what happens and when {case.child.full_name}").click()
    page.wait_for_load_state("load")
    decision = page.get_by_test_id("step-assessment_decision").inner_text()
    findings.check(
        f"By {_due(case, statutory.DeadlineCode.ASSESSMENT_DECISION)}" in decision,
        f"the decision step does not give its statutory date: {decision}",
    )
    final = page.get_by_test_id("step-final_plan").inner_text()
    findings.check(
        f"By {_due(case, statutory.DeadlineCode.FINAL_PLAN)}" in final,
        f"the final plan step does not give its 20-week date: {final}",
    )
    findings.axe(page, "tracker (parent, phone)")
    assert_no_horizontal_scroll(page, "tracker on a phone")

    for name in ("Who is involved", "Documents", "Decisions and your rights", "Who can see this case"):
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_load_state("load")
        findings.check(page.locator("h2").first.inner_text() == name, f"{name}: wrong heading")
        findings.axe(page, f"{name} (parent, phone)")
        assert_no_horizontal_scroll(page, f"{name} on a phone")

    page.get_by_role("link", name="Messages", exact=True).first.click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state("load")
    findings.check("Enter your message" in page.content(), "an empty message is not refused with its fix")
    findings.axe(page, "messages with an error (parent, phone)")
    page.get_by_label("Your message").fill("Can we meet before the panel?")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state("load")
    findings.check(
        "Can we meet before the panel?" in page.get_by_test_id("conversation").inner_text(),
        "the parent's message is not in the conversation",
    )
    findings.axe(page, "messages (parent, phone)")

    staff = new_context().new_page()
    login(staff, live_server, coordinator)
    staff.goto(url(live_server, "cases:detail", case.reference))
    panel = staff.get_by_test_id("family-messages")
    # The panel loads the conversation once the page is shown (htmx).
    panel.get_by_text("Can we meet before the panel?").wait_for()
    findings.check("1 new message" in panel.inner_text(), "the coordinator is not told the message is new")
    findings.axe(staff, "case page with the family's messages (coordinator)")
    staff.get_by_label("Answer the family").fill("Yes, on Monday at 10.")
    staff.get_by_role("button", name="Send answer").click()
    staff.wait_for_load_state("load")
    findings.check("Your answer has been sent to the family." in staff.content(), "no confirmation for staff")

    page.goto(url(live_server, "portal:home"))
    findings.check(
        "1 new message" in page.get_by_test_id("unread").inner_text(),
        "the home page does not show the answer",
    )
    page.goto(url(live_server, "portal:messages", case.reference))
    findings.check(
        "Yes, on Monday at 10." in page.get_by_test_id("conversation").inner_text(),
        "the parent does not see the coordinator's answer",
    )

    page.goto(url(live_server, "portal:preferences"))
    findings.axe(page, "preferences (parent, phone)")
    assert_no_horizontal_scroll(page, "preferences on a phone")
    findings.assert_none()


def test_another_family_gets_not_found_on_a_phone(phone_page, live_server, case, findings):
    other = factories.UserFactory(role=Role.PARENT, organisation=None, full_name="Daniel Otherparent")
    page = phone_page
    login(page, live_server, other)
    for name in ("portal:case", "portal:messages", "portal:documents", "portal:people"):
        response = page.goto(url(live_server, name, case.reference))
        findings.check(response.status == 404, f"{name} answered {response.status} to another family")
        findings.check(case.child.full_name not in page.content(), f"{name} shows the child's name")
    findings.axe(page, "not found (another family, phone)")
    page.goto(url(live_server, "portal:ask_for_link"))
    findings.axe(page, "sign in with a link (phone)")
    findings.assert_none()


def test_a_parent_signs_in_with_a_link_by_email_on_a_phone(phone_page, live_server, case, parent, findings):
    import re

    from django.core import mail

    from notifications.models import Message

    factories.add_family_member(case, parent)
    page = phone_page
    page.goto(url(live_server, "accounts:login"))
    page.get_by_role("link", name="get a link to sign in by email instead").click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Send me a link").click()
    page.wait_for_load_state("load")
    findings.check("Enter your email address" in page.content(), "an empty address is not refused")
    findings.axe(page, "sign-in link with an error (phone)")
    page.get_by_label("Email address").fill(parent.email)
    page.get_by_role("button", name="Send me a link").click()
    page.wait_for_load_state("load")
    findings.axe(page, "check your email (phone)")
    # The outbox forgets the link once the email has gone: read it from the email, as the parent would.
    findings.check(
        Message.objects.filter(template="portal.sign_in_link", recipient=parent, channel="email").exists(),
        "no sign-in link was written to the outbox",
    )
    (email,) = [m for m in mail.outbox if m.to == [parent.email]]
    link = re.search(r"https?://\S+/portal/sign-in/\S+/", email.body).group(0)
    page.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    findings.axe(page, "sign in now (phone)")
    page.get_by_role("button", name="Sign in now").click()
    page.wait_for_load_state("load")
    findings.check(page.url.endswith("/portal/"), f"signing in with the link ended on {page.url}")
    findings.check(case.child.full_name in page.content(), "the parent's case is not on their home page")
    findings.assert_none()
