"""API tokens as an attacker would try them: a copied database, an old token after a password change, an expired
token, someone else's token; and their owner listing and revoking them."""

import datetime
import hashlib

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken, Role, SecurityEvent
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
CASES_URL = "/api/v1/cases/"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def api_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def obtain(person) -> dict:
    response = APIClient().post(
        TOKEN_URL, {"username": person.email, "password": factories.PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_token_is_stored_only_as_a_hash_and_shown_once(parent):
    body = obtain(parent)
    token = body["token"]

    row = ApiToken.objects.get(user=parent)
    assert row.digest == hashlib.sha512(token.encode()).hexdigest()
    stored = " ".join(str(getattr(row, f.attname)) for f in ApiToken._meta.fields)
    assert token not in stored
    assert row.token_key == token[:15]
    # Asking again gives a new token; the first is not handed out a second time.
    assert obtain(parent)["token"] != token
    assert api_with(token).get(CASES_URL).status_code == 200


def test_a_token_expires_after_the_configured_days(parent, settings):
    body = obtain(parent)
    expiry = datetime.datetime.fromisoformat(body["expiry"].replace("Z", "+00:00"))
    assert abs((expiry - timezone.now()) - datetime.timedelta(days=30)) < datetime.timedelta(minutes=1)

    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(hours=2)}
    shorter = datetime.datetime.fromisoformat(obtain(parent)["expiry"].replace("Z", "+00:00"))
    assert abs((shorter - timezone.now()) - datetime.timedelta(hours=2)) < datetime.timedelta(minutes=1)


def test_an_expired_token_is_refused(parent):
    token = obtain(parent)["token"]
    ApiToken.objects.filter(user=parent).update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    response = api_with(token).get(CASES_URL)

    assert response.status_code == 401
    assert not ApiToken.objects.filter(user=parent).exists()


def test_an_old_token_after_a_password_change_is_refused(client, parent):
    token = obtain(parent)["token"]
    assert api_with(token).get(CASES_URL).status_code == 200

    client.force_login(parent)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "a-brand-new-passphrase-7",
            "new_password2": "a-brand-new-passphrase-7",
        },
    )
    assert response.status_code == 302

    refused = api_with(token).get(CASES_URL)
    assert refused.status_code == 401
    assert "password changed" in refused.json()["detail"]
    # Nor does it show on their list any more.
    assert client.get(reverse("accounts:api_tokens")).context["tokens"] == []


def test_a_password_set_any_other_way_stops_tokens_too(parent):
    token = obtain(parent)["token"]
    parent.set_password("set-from-a-shell-9")
    parent.save()

    assert api_with(token).get(CASES_URL).status_code == 401


def test_deactivating_someone_revokes_their_tokens(council, coordinator):
    administrator = factories.staff(Role.ADMINISTRATOR, council)
    token = factories.api_token(coordinator)

    services.set_staff_active(member=coordinator, active=False, by=administrator)

    assert not ApiToken.objects.filter(user=coordinator).exists()
    assert api_with(token).get(CASES_URL).status_code == 401
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_REVOKED, user=coordinator).exists()


def test_the_owner_lists_their_tokens_and_revokes_one(client, parent):
    first = obtain(parent)["token"]
    second = obtain(parent)["token"]
    client.force_login(parent)

    page = client.get(reverse("accounts:api_tokens")).content.decode()
    assert first[:15] in page and second[:15] in page
    assert first not in page and second not in page

    response = client.post(reverse("accounts:api_tokens"), {"token": first[:15]})
    assert response.status_code == 302
    assert api_with(first).get(CASES_URL).status_code == 401
    assert api_with(second).get(CASES_URL).status_code == 200
    assert [t.token_key for t in client.get(reverse("accounts:api_tokens")).context["tokens"]] == [
        second[:15]
    ]
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_REVOKED, user=parent).exists()


def test_nobody_revokes_or_sees_someone_elses_token(client, parent, coordinator):
    theirs = factories.api_token(coordinator)
    client.force_login(parent)

    assert theirs[:15] not in client.get(reverse("accounts:api_tokens")).content.decode()
    assert client.post(reverse("accounts:api_tokens"), {"token": theirs[:15]}).status_code == 404
    assert ApiToken.objects.filter(user=coordinator).exists()


def test_a_made_up_or_truncated_token_is_refused(parent):
    token = obtain(parent)["token"]
    for attempt in (token[:15], token[:-1] + ("0" if token[-1] != "0" else "1"), "zz" * 32, "é" * 64):
        assert api_with(attempt).get(CASES_URL).status_code == 401, attempt
