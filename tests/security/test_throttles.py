"""The doors other than the password, tried as a stranger would: a mailbox flooded with reset or save-and-return
emails, one-time links guessed one after another, and an address spoofed behind a proxy."""

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from accounts.backends import client_ip
from accounts.models import SecurityEvent
from tests import factories

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")


def ask_reset(client, email, address="203.0.113.20"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def assert_says_when(response):
    assert response.status_code == 429
    text = response.content.decode()
    assert "You have tried this too many times. Try again at" in text
    assert int(response["Retry-After"]) > 0


def test_reset_emails_to_one_address_stop_after_three_saying_when_to_try_again(
    client, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [ask_reset(client, coordinator.email).status_code for _ in range(3)]
        fourth = ask_reset(client, coordinator.email.upper(), address="198.51.100.7")

    assert answers == [302, 302, 302]
    assert_says_when(fourth)
    assert len(mail.outbox) == 3
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.THROTTLED, user=coordinator).exists()


def test_an_address_with_no_account_gets_the_same_answers(client, coordinator):
    known = [ask_reset(client, coordinator.email).status_code for _ in range(4)]
    unknown = [ask_reset(client, "nobody@example.org").status_code for _ in range(4)]

    assert known == unknown == [302, 302, 302, 429]


def test_one_network_address_cannot_ask_for_more_than_twenty_resets_across_addresses(client, settings):
    answers = [ask_reset(client, f"person{n}@example.org").status_code for n in range(21)]
    assert answers[:20] == [302] * 20 and answers[20] == 429
    # Someone else, elsewhere, is not held up.
    assert ask_reset(client, "someone@example.org", address="192.0.2.50").status_code == 302


def test_limits_come_from_the_environment(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT = 1
    assert [ask_reset(client, "a@example.org").status_code for _ in range(2)] == [302, 429]


def test_guessing_invitation_links_is_paused_even_for_a_right_one(client, coordinator):
    from tests.accounts.builders import make_invitation

    make_invitation(coordinator, token="the-real-token")
    for n in range(20):
        url = reverse("accounts:accept_invitation", kwargs={"token": f"guess-{n}"})
        assert client.get(url, REMOTE_ADDR="203.0.113.30").status_code == 404

    right = reverse("accounts:accept_invitation", kwargs={"token": "the-real-token"})
    assert_says_when(client.get(right, REMOTE_ADDR="203.0.113.30"))
    # The person it was sent to, from their own address, still gets in.
    assert client.get(right, REMOTE_ADDR="192.0.2.60").status_code == 200


def test_guessing_save_and_return_links_is_paused(client):
    for n in range(20):
        url = reverse("forms_ersa:return", kwargs={"token": f"guess-{n}"})
        assert client.get(url, REMOTE_ADDR="203.0.113.31").status_code == 404
    assert_says_when(
        client.get(reverse("forms_ersa:return", kwargs={"token": "x"}), REMOTE_ADDR="203.0.113.31")
    )
    assert_says_when(
        client.get(reverse("forms_ersa:parent_return", kwargs={"token": "x"}), REMOTE_ADDR="203.0.113.31")
    )


def test_save_and_return_emails_to_one_address_are_limited(client, council):
    url = reverse("forms_ersa:email", args=[council.pk, "parent"])
    answers = [client.post(url, {"email": "meera@example.org"}).status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]


def test_behind_proxies_the_address_is_the_one_the_trusted_proxy_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.40")
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header is the client's own words
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.40"  # what a client types to the left is ignored
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"


def test_the_lockout_counts_the_forwarded_address_so_spoofing_the_header_does_not_help(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    people = [factories.UserFactory(email=f"p{n}@example.org") for n in range(11)]
    for n, person in enumerate(people[:10]):
        client.post(
            reverse("accounts:login"),
            {"username": person.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.41",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": people[10].email, "password": factories.PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.41",
    )
    assert response.status_code == 429
