"""The pages added with notifications, checked in a real browser with axe: the people who use them see them."""

import pytest

from accounts.models import Role
from cases import services
from notifications.models import Message
from tests import factories
from tests.browser.conftest import assert_accessible, assert_no_horizontal_scroll, login, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_parent_reads_their_message_on_a_phone(phone_page, live_server, case, coordinator, parent):
    factories.add_family_member(case, parent)
    services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    page = phone_page
    login(page, live_server, parent)
    page.goto(url(live_server, "notifications:list"))
    assert "We are deciding whether to carry out an EHC needs assessment" in page.content()
    assert_no_horizontal_scroll(page, "messages list on a phone")
    assert_accessible(page, "messages list (parent, phone)")
    page.get_by_role(
        "link", name="We are deciding whether to carry out an EHC needs assessment"
    ).first.click()
    page.wait_for_load_state("load")
    assert case.reference in page.content()
    assert_accessible(page, "a message (parent, phone)")
    message = Message.objects.get(recipient=parent, channel="in_app")
    assert message.read_at is not None


def test_contact_preferences_with_an_error(phone_page, live_server, parent):
    page = phone_page
    login(page, live_server, parent)
    page.goto(url(live_server, "accounts:contact_preferences"))
    assert_accessible(page, "contact preferences")
    page.get_by_role("radio", name="Text message").check()
    page.get_by_role("button", name="Save preferences").click()
    page.wait_for_load_state("load")
    assert "Enter a mobile phone number, like 07700 900 982" in page.content()
    assert page.get_by_role("radio", name="Text message").is_checked()
    assert_accessible(page, "contact preferences with an error")


@pytest.mark.parametrize(
    ("role", "name"),
    [(Role.BUSINESS_SUPPORT, "notifications:failures"), (Role.SERVICE_MANAGER, "notifications:templates")],
)
def test_staff_message_pages(page, live_server, council, role, name):
    Message.objects.create(
        to_address="bounced@example.org",
        channel="email",
        template="case.allocated",
        data={"reference": "EHC-2026-00001", "next_deadline": "none open"},
        idempotency_key="bounced",
        state="failed",
        needs_follow_up=True,
        last_error="SMTP 550: mailbox unavailable",
        organisation=council,
    )
    user = factories.staff(role, council)
    login(page, live_server, user)
    page.goto(url(live_server, name))
    assert page.locator("h1").count() == 1
    assert_accessible(page, name)
