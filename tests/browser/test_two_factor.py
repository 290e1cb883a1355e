"""A coordinator sets up two-factor sign-in on first sign-in, then signs in with a code; axe on every page."""

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, url
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def code_from_app(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key (typed in from the page, as a person without a camera would)."""
    totp = TOTP(base64.b32decode(secret), step=30, t0=0, digits=6)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def sign_in_with_password(page, live_server, email):
    page.goto(url(live_server, "accounts:login"))
    page.locator('input[name="username"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form:has(input[name="password"]) [type="submit"]').click()


def test_a_coordinator_sets_up_two_factor_on_first_sign_in_then_signs_in_with_a_code(
    page, live_server, coordinator, settings
):
    settings.DEMO_TOTP_BYPASS = False
    sign_in_with_password(page, live_server, coordinator.email)

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code to scan"))).to_be_visible()
    assert_accessible(page, "setting up two-factor sign-in")
    secret = re.sub(r"\s", "", page.get_by_test_id("secret").inner_text())
    assert len(secret) == 32

    page.get_by_label("Code from your app").fill("123456")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the 6-digit code your authenticator app shows for this service"
    )
    assert_accessible(page, "setting up two-factor sign-in, after a wrong code")

    page.wait_for_timeout(1100)  # a wrong code makes the next wait a second
    page.get_by_label("Code from your app").fill(code_from_app(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is set up")
    expect(page.get_by_role("heading", level=2, name="Save your recovery codes")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, "the recovery codes")
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")

    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, live_server, coordinator.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page, "the second step of signing in")
    page.get_by_label("Code").fill(code_from_app(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")


def test_the_idle_warning_comes_before_the_end_and_staying_signed_in_keeps_the_page(
    page, live_server, coordinator, settings
):
    from tests.browser.conftest import login

    settings.SESSION_IDLE_MINUTES_STAFF = 1
    settings.SESSION_IDLE_WARNING_SECONDS = 57
    login(page, live_server, coordinator)
    warning = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(warning).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page, "the idle time-out warning")
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
