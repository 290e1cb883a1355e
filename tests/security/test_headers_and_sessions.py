"""Headers a browser and a proxy obey, HTTPS settings from the environment, and the idle time-out."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.security import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def assert_no_store(response):
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, response.headers.get("Cache-Control")


# --- Cache-Control --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/cases/", "/cases/caseload/", "/notifications/", "/accounts/contact/"]
)
def test_every_page_for_a_signed_in_person_is_never_stored(client, coordinator, case, path):
    client.force_login(coordinator)
    response = client.get(path)
    assert response.status_code in (200, 302)  # the home page sends each person to their own start page
    assert_no_store(response)


def test_a_case_page_and_a_document_download_are_never_stored(client, coordinator, case):
    client.force_login(coordinator)
    assert_no_store(client.get(f"/cases/{case.reference}/"))


def test_api_answers_to_a_token_are_never_stored(coordinator, case):
    api = APIClient()
    token = Token.objects.create(user=coordinator)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/cases/")
    assert response.status_code == 200
    assert_no_store(response)
    assert_no_store(api.get(f"/api/v1/cases/{case.reference}/"))


def test_the_token_itself_is_never_stored(parent):
    from django.core.cache import cache

    cache.clear()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": parent.email, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 200
    assert_no_store(response)


@pytest.mark.parametrize("path", ["/request/", "/accounts/login/", "/accounts/password-reset/"])
def test_request_form_and_account_pages_are_never_stored_even_before_signing_in(client, path, council):
    response = client.get(path)
    assert response.status_code in (200, 302)
    assert_no_store(response)


def test_static_assets_keep_their_caching(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


# --- HTTPS settings from the environment ------------------------------------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7Gq2!mZp9#Lw4vT8sR1yK6nB3cF0hJ5dE*aU@oI&eW^zX(Q)-_+=",
    "DJANGO_ALLOWED_HOSTS": "ehcp.council.example,localhost",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "true",
    "DEMO_TOTP_BYPASS": "false",
}


def run_manage(*args, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "DEMO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "ehcp.settings", "REDIS_URL": "", **(extra_env or {})})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def test_check_deploy_is_clean_under_production_settings():
    done = run_manage("check", "--deploy", "--fail-level", "WARNING", extra_env=PRODUCTION_ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNINGS" not in done.stderr + done.stdout
    assert "System check identified no issues" in done.stdout


def test_hsts_redirect_secure_cookies_and_proxy_header_come_from_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    done = run_manage("shell", "-c", code, extra_env=PRODUCTION_ENV)
    assert done.stdout.split("\n")[-2] == (
        "31536000 True True True True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    ), done.stderr
    done = run_manage("shell", "-c", code, extra_env={"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_SCHEME"})
    assert (
        done.stdout.split("\n")[-2] == "0 True False False False False ('HTTP_X_FORWARDED_SCHEME', 'https')"
    )


def test_with_https_switched_on_a_plain_request_is_redirected_and_the_answer_carries_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # The container's health check still answers over plain HTTP from inside.
    assert client.get("/healthz/").status_code == 200


# --- idle time-out ----------------------------------------------------------------------------------------------


def _go_quiet(client, seconds: int):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_staff_are_signed_out_after_30_quiet_minutes_and_told_nothing_saved_was_lost(
    client, coordinator, case
):
    client.force_login(coordinator)
    assert client.get("/cases/").status_code == 200
    _go_quiet(client, 31 * 60)
    response = client.get(f"/cases/{case.reference}/")
    assert response.status_code == 302 and response["Location"] == "/accounts/signed-out/"
    page = client.get(response["Location"]).content.decode()
    assert "You have been signed out" in page
    assert "Everything you saved is still there" in page
    # Signed out for real: the case page now asks to sign in.
    assert client.get(f"/cases/{case.reference}/")["Location"].startswith("/accounts/login/")


def test_staff_within_30_minutes_stay_signed_in(client, coordinator):
    client.force_login(coordinator)
    client.get("/cases/")
    _go_quiet(client, 29 * 60)
    assert client.get("/cases/").status_code == 200


def test_families_have_longer(client, parent):
    # Families' pages are in the portal.
    client.force_login(parent)
    client.get("/portal/")
    _go_quiet(client, 60 * 60)
    assert client.get("/portal/").status_code == 200
    _go_quiet(client, 121 * 60)
    assert client.get("/portal/")["Location"].startswith("/accounts/")


def test_the_idle_time_is_configurable(client, coordinator, settings):
    settings.SESSION_IDLE_MINUTES_STAFF = 5
    client.force_login(coordinator)
    client.get("/cases/")
    _go_quiet(client, 6 * 60)
    assert client.get("/cases/")["Location"] == "/accounts/signed-out/"


def test_an_idle_api_call_on_a_session_is_a_401_naming_the_reason(client, coordinator):
    client.force_login(coordinator)
    client.get("/cases/")
    _go_quiet(client, 31 * 60)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert "session ended" in response.json()["detail"]


def test_pages_carry_the_warning_that_comes_before_the_end(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/cases/").content.decode()
    assert 'data-timeout-seconds="1800"' in page
    assert "You will be signed out soon" in page and "Stay signed in" in page
    assert client.post("/accounts/keep-alive/").status_code == 204
