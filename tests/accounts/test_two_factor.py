"""Two-factor sign-in, tried as an attacker holding only a password would try it, and as staff use it."""

import io
import re
import time

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Role
from tests import factories
from tests.accounts.pages import error_summary, page_text

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
SECOND_STEP = reverse("accounts:two_factor")
SETUP = reverse("accounts:two_factor_setup")


def sign_in_with_password(client, user, next_url=None):
    data = {"username": user.email, "password": factories.PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN, data)
    assert response.status_code == 302, page_text(response)
    return response


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def set_up_factor(user) -> tuple[TOTPDevice, list[str]]:
    setup = two_factor.start_setup(user=user)
    codes = two_factor.confirm_setup(user=user, device_id=setup.device.pk, code=code_for(setup.device))
    setup.device.refresh_from_db()
    return setup.device, codes


def fresh_code(device: TOTPDevice) -> str:
    """A code the device has not used yet (each 30-second code works once)."""
    device.refresh_from_db()
    return code_for(device, steps_ahead=1)


# --- a password alone gets nowhere ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/cases/", "/cases/caseload/", "/notifications/", "/accounts/staff/"])
def test_staff_with_only_the_password_are_sent_to_set_up_the_second_factor(client, coordinator, path):
    sign_in_with_password(client, coordinator)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(SECOND_STEP)
    assert client.get(response.url).url.startswith(SETUP)


def test_a_password_alone_cannot_read_a_case_page_or_the_api(client, coordinator, case):
    sign_in_with_password(client, coordinator)
    assert client.get(f"/cases/{case.reference}/").status_code == 302
    response = client.get("/api/v1/cases/")
    assert response.status_code == 403
    assert "authenticator app" in response.json()["detail"]
    assert (
        case.child.legal_first_name
        not in client.get(f"/cases/{case.reference}/", follow=True).content.decode()
    )


def test_the_support_admin_sign_in_page_is_no_way_round_it(client, support_user):
    response = client.post(
        "/support-admin/login/", {"username": support_user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    response = client.get("/support-admin/")
    assert response.status_code == 302 and response.url.startswith(SECOND_STEP)
    assert client.get("/support-admin/accounts/user/").status_code == 302


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.BUSINESS_SUPPORT, Role.SERVICE_MANAGER, Role.ADMINISTRATOR]
)
def test_every_council_role_must_use_it(client, council, role):
    person = factories.staff(role, council, email=f"{role}@council.example")
    sign_in_with_password(client, person)
    assert client.get("/").url.startswith(SECOND_STEP)


# --- setting up on first sign-in ------------------------------------------------------------------------------


def test_setting_up_shows_a_qr_code_and_the_key_then_the_recovery_codes_once(client, coordinator):
    sign_in_with_password(client, coordinator, next_url="/cases/caseload/")
    page = client.get(client.get("/cases/caseload/").url, follow=True)
    text = page_text(page)
    assert "Set up two-factor sign-in" in text
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    key = re.search(r'data-testid="secret">(.*?)</p>', page.content.decode()).group(1)
    assert re.sub(r"<[^>]+>|\s", "", key) == __import__("base64").b32encode(device.bin_key).decode()

    wrong = client.post(page.request["PATH_INFO"], {"code": "123456", "next": "/cases/caseload/"})
    assert wrong.status_code == 400
    assert "Enter the 6-digit code your authenticator app shows for this service" in error_summary(wrong)

    time.sleep(1.1)  # django-otp makes the next try wait a second after a wrong code
    done = client.post(page.request["PATH_INFO"], {"code": code_for(device), "next": "/cases/caseload/"})
    assert done.status_code == 302 and done.url.startswith(reverse("accounts:two_factor_recovery_codes"))
    codes_page = client.get(done.url)
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", codes_page.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "You will not be shown these codes again" in page_text(codes_page)
    # Shown once: asking again shows nothing.
    assert client.get(done.url).status_code == 302
    assert client.get("/cases/caseload/").status_code == 200
    history = coordinator.history.order_by("-history_date").first()
    assert (
        history.history_change_reason == "Two-factor sign-in set up" and history.history_user == coordinator
    )


def test_the_session_id_changes_when_the_second_step_is_passed(client, coordinator):
    device, _ = set_up_factor(coordinator)
    sign_in_with_password(client, coordinator)
    before = client.session.session_key
    client.post(SECOND_STEP, {"code": fresh_code(device)})
    assert client.session.session_key != before


# --- signing in with a code -----------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_after_the_password_and_goes_where_asked(client, coordinator):
    device, _ = set_up_factor(coordinator)
    sign_in_with_password(client, coordinator, next_url="/cases/")
    asked = client.get("/cases/")
    assert asked.url == f"{SECOND_STEP}?next=%2Fcases%2F"
    page = client.get(asked.url)
    assert "Enter the code from your authenticator app" in page_text(page)
    response = client.post(SECOND_STEP, {"code": fresh_code(device), "next": "/cases/"})
    assert response.status_code == 302 and response.url == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message_and_then_slowed_down(client, coordinator):
    device, _ = set_up_factor(coordinator)
    sign_in_with_password(client, coordinator)
    wrong = client.post(SECOND_STEP, {"code": "000000"})
    assert wrong.status_code == 400
    assert "Enter the 6-digit code shown in your authenticator app" in error_summary(wrong)
    hurried = client.post(SECOND_STEP, {"code": fresh_code(device)})
    assert hurried.status_code == 400
    assert re.search(r"Too many wrong codes\. Wait \d+ seconds", error_summary(hurried))
    assert client.get("/cases/").status_code == 302


def test_an_empty_code_names_the_field(client, coordinator):
    set_up_factor(coordinator)
    sign_in_with_password(client, coordinator)
    response = client.post(SECOND_STEP, {"code": ""})
    assert response.status_code == 400
    assert "Enter the 6-digit code from your authenticator app" in error_summary(response)


def test_a_code_works_once_so_one_seen_over_a_shoulder_cannot_be_replayed(client, coordinator):
    device, _ = set_up_factor(coordinator)
    code = fresh_code(device)
    sign_in_with_password(client, coordinator)
    assert client.post(SECOND_STEP, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in_with_password(client, coordinator)
    assert client.post(SECOND_STEP, {"code": code}).status_code == 400


def test_another_persons_code_does_not_work(client, coordinator, manager):
    set_up_factor(coordinator)
    theirs, _ = set_up_factor(manager)
    sign_in_with_password(client, coordinator)
    assert client.post(SECOND_STEP, {"code": fresh_code(theirs)}).status_code == 400


def test_a_recovery_code_works_once(client, coordinator):
    _, codes = set_up_factor(coordinator)
    sign_in_with_password(client, coordinator)
    response = client.post(SECOND_STEP, {"code": codes[0].upper()}, follow=True)
    assert response.status_code == 200
    assert "You signed in with a recovery code; it cannot be used again. You have 9 left" in page_text(
        response
    )
    client.post(reverse("accounts:logout"))
    sign_in_with_password(client, coordinator)
    assert client.post(SECOND_STEP, {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9


def test_a_password_alone_cannot_swap_in_another_authenticator(client, coordinator):
    device, _ = set_up_factor(coordinator)
    sign_in_with_password(client, coordinator)
    response = client.get(SETUP)
    assert response.status_code == 302 and response.url.startswith(SECOND_STEP)
    client.post(SETUP, {"code": "123456"})
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [device]


def test_signing_in_again_asks_again(client, coordinator):
    device, _ = set_up_factor(coordinator)
    sign_in_with_password(client, coordinator)
    client.post(SECOND_STEP, {"code": fresh_code(device)})
    client.post(reverse("accounts:logout"))
    sign_in_with_password(client, coordinator)
    assert client.get("/cases/").url.startswith(SECOND_STEP)


# --- families and external professionals: offered, not required ------------------------------------------------


def test_families_sign_in_with_a_password_and_are_offered_the_second_factor(client, parent):
    sign_in_with_password(client, parent)
    response = client.get("/portal/")  # families' pages are in the portal
    assert response.status_code == 200
    assert 'href="/accounts/two-factor/set-up/"' in response.content.decode()
    page = client.get(SETUP)
    assert "Not now" in page_text(page)


def test_a_family_that_set_it_up_is_asked_for_the_code(client, parent):
    device, _ = set_up_factor(parent)
    sign_in_with_password(client, parent)
    assert client.get("/portal/").url.startswith(SECOND_STEP)
    client.post(SECOND_STEP, {"code": fresh_code(device)})
    assert client.get("/portal/").status_code == 200


def test_a_senco_is_offered_not_made_to(client, senco):
    sign_in_with_password(client, senco)
    assert client.get("/cases/").status_code == 200


# --- an administrator resets a lost factor ------------------------------------------------------------------------


def test_an_administrator_resets_a_lost_factor_with_history(client, administrator, coordinator):
    set_up_factor(coordinator)
    client.force_login(administrator)
    url = reverse("accounts:two_factor_reset", args=[coordinator.pk])
    assert "Reset two-factor sign-in for Laura Coordinator?" in page_text(client.get(url))
    response = client.post(url, follow=True)
    assert "two-factor sign-in has been reset" in page_text(response)
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticToken.objects.filter(device__user=coordinator).exists()
    latest = coordinator.history.order_by("-history_date").first()
    assert latest.history_user == administrator
    assert latest.history_change_reason == "Two-factor sign-in reset by an administrator"
    # Their next sign-in sets it up again.
    other = client.__class__()
    sign_in_with_password(other, coordinator)
    assert other.get(other.get("/").url).url.startswith(SETUP)


def test_the_staff_list_offers_the_reset(client, administrator, coordinator):
    client.force_login(administrator)
    page = client.get(reverse("accounts:staff_list")).content.decode()
    assert reverse("accounts:two_factor_reset", args=[coordinator.pk]) in page


@pytest.mark.parametrize("who", ["coordinator", "manager", "other_administrator", "parent"])
def test_nobody_but_their_councils_administrator_can_reset_it(client, request, administrator, who):
    attacker = request.getfixturevalue(who)
    target = administrator if who == "coordinator" else request.getfixturevalue("coordinator")
    set_up_factor(target)
    client.force_login(attacker)
    url = reverse("accounts:two_factor_reset", args=[target.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=target, confirmed=True).exists()


def test_an_administrator_cannot_reset_their_own(client, administrator):
    set_up_factor(administrator)
    client.force_login(administrator)
    assert client.post(reverse("accounts:two_factor_reset", args=[administrator.pk])).status_code == 404


# --- the demo ---------------------------------------------------------------------------------------------------


def test_the_demo_lets_staff_without_an_app_in_with_the_demo_code_only(client, coordinator, settings):
    settings.DEMO_TOTP_BYPASS = True
    sign_in_with_password(client, coordinator)
    page = client.get(client.get("/").url)
    assert "This is a demonstration: enter 000000" in page_text(page)
    assert client.post(SECOND_STEP, {"code": "111111"}).status_code == 400
    assert client.post(SECOND_STEP, {"code": "000000"}).status_code == 302
    assert client.get("/cases/caseload/").status_code == 200


def test_in_the_demo_someone_with_an_app_still_needs_its_code(client, coordinator, settings):
    settings.DEMO_TOTP_BYPASS = True
    set_up_factor(coordinator)
    sign_in_with_password(client, coordinator)
    assert client.post(SECOND_STEP, {"code": "000000"}).status_code == 400


def test_a_service_with_debug_off_refuses_to_start_with_the_demo_bypass(settings):
    settings.DEMO_TOTP_BYPASS = True
    settings.DEBUG = False
    assert "accounts.E001" in {message.id for message in run_checks()}
    settings.DEBUG = True
    assert "accounts.E001" not in {message.id for message in run_checks()}


def test_seed_demo_says_how_demo_staff_pass_the_second_factor(settings):
    from demo.management.commands.seed_demo import Command

    out = io.StringIO()
    command = Command(stdout=out)
    command.print_second_factor()
    assert "make run` turns on DEMO_TOTP_BYPASS (with DEBUG), so demo staff enter 000000" in out.getvalue()
    settings.DEMO_TOTP_BYPASS = True
    command.print_second_factor()
    assert "anyone without an app set up enters 000000" in out.getvalue()


# --- the API's token door -----------------------------------------------------------------------------------------


@pytest.fixture
def token_api():
    from django.core.cache import cache
    from rest_framework.test import APIClient

    cache.clear()
    yield APIClient()
    cache.clear()


def test_a_password_alone_gets_staff_no_api_token(token_api, coordinator):
    from rest_framework.authtoken.models import Token

    device, _ = set_up_factor(coordinator)
    body = {"username": coordinator.email, "password": factories.PASSWORD}
    response = token_api.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"code": ["Enter the 6-digit code from your authenticator app as code"]}
    wrong = token_api.post("/api/v1/auth/token/", {**body, "code": "000000"}, format="json")
    assert wrong.status_code == 400 and "code" in wrong.json()
    assert not Token.objects.exists()


def test_staff_who_have_not_set_it_up_are_told_to_do_so_on_the_website(token_api, coordinator):
    body = {"username": coordinator.email, "password": factories.PASSWORD}
    response = token_api.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "Set up two-factor sign-in on the website first" in response.json()["code"][0]


def test_a_family_without_a_factor_gets_a_token_with_the_password(token_api, parent):
    body = {"username": parent.email, "password": factories.PASSWORD}
    assert token_api.post("/api/v1/auth/token/", body, format="json").status_code == 200
