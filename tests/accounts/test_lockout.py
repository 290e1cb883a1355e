"""Guessing passwords: 30 wrong ones in a row, on every door, per account and per address."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories
from tests.accounts.pages import page_text

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = "/support-admin/login/"


def guess(client, email, *, times, url=LOGIN, address="203.0.113.7"):
    return [
        client.post(url, {"username": email, "password": f"guess-{n}"}, REMOTE_ADDR=address).status_code
        for n in range(times)
    ]


def sign_in(client, email, *, url=LOGIN, address="203.0.113.7"):
    return client.post(url, {"username": email, "password": factories.PASSWORD}, REMOTE_ADDR=address)


def test_thirty_wrong_passwords_then_the_right_one_is_still_refused_saying_when_to_try_again(
    client, coordinator
):
    answers = guess(client, coordinator.email, times=30)
    assert answers[:9] == [400] * 9  # "Enter the email address and password for your account"
    assert set(answers[10:]) == {429}
    response = sign_in(client, coordinator.email)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = page_text(response)
    assert "There have been too many wrong passwords. Try again at" in text
    assert "(in 15 minutes), or reset your password" in text
    assert response["Retry-After"] == "900"


def test_the_support_admin_door_locks_too(client, support_user):
    guess(client, support_user.email, times=12, url=ADMIN_LOGIN)
    response = sign_in(client, support_user.email, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_api_token_door_locks_too(coordinator):
    api = APIClient()
    for n in range(12):
        cache.clear()  # past the token endpoint's own per-minute throttle, to reach the lockout
        api.post(
            "/api/v1/auth/token/",
            {"username": coordinator.email, "password": f"guess-{n}"},
            REMOTE_ADDR="203.0.113.7",
        )
    cache.clear()
    response = api.post(
        "/api/v1/auth/token/",
        {"username": coordinator.email, "password": factories.PASSWORD},
        format="json",
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code in (400, 429)
    assert "token" not in response.json()
    cache.clear()


def test_the_lock_is_per_account_from_any_address(client, coordinator):
    guess(client, coordinator.email, times=10, address="203.0.113.7")
    assert sign_in(client, coordinator.email, address="198.51.100.20").status_code == 429


def test_the_lock_is_per_address_across_accounts(client, council, coordinator):
    for n in range(10):
        guess(client, f"someone{n}@council.example", times=1, address="203.0.113.9")
    assert sign_in(client, coordinator.email, address="203.0.113.9").status_code == 429
    # The same person from their own desk is not held up by someone else's guessing.
    assert sign_in(client, coordinator.email, address="198.51.100.20").status_code == 302


def test_a_lock_ends_after_the_cool_off_and_wrong_tries_meanwhile_do_not_extend_it(client, coordinator):
    guess(client, coordinator.email, times=10)
    guess(client, coordinator.email, times=5)  # a stranger keeps trying during the lock
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(client, coordinator.email).status_code == 302


def test_a_few_mistakes_then_the_right_password_start_the_count_again(client, coordinator):
    guess(client, coordinator.email, times=9)
    assert sign_in(client, coordinator.email).status_code == 302
    client.post(reverse("accounts:logout"))
    guess(client, coordinator.email, times=9)
    assert sign_in(client, coordinator.email).status_code == 302


def test_the_email_is_counted_however_it_is_typed(client, coordinator):
    for n in range(10):
        variant = coordinator.email.upper() if n % 2 else f"  {coordinator.email} "
        guess(client, variant, times=1, address=f"203.0.113.{n + 10}")
    assert sign_in(client, coordinator.email, address="198.51.100.20").status_code == 429
