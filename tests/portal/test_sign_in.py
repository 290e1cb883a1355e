"""Signing in on a phone without a password (a one-time link by email) and turning an online request sent
without an account into one, without typing anything again."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.models import CaseTeamMember, TeamRole
from notifications.models import Message
from portal import services
from portal.models import SignInLink
from tests import factories
from tests.cases.test_views import Page
from tests.forms_ersa.conftest import fill, return_link_in_outbox, start

pytestmark = pytest.mark.django_db


def _link_path(user) -> str:
    message = Message.objects.filter(template="portal.sign_in_link", recipient=user, channel="email").latest(
        "pk"
    )
    return re.sub(r"^https?://[^/]+", "", message.data["account_link"])


def test_a_parent_signs_in_with_a_link_that_works_once(client, parent):
    response = client.post(reverse("portal:ask_for_link"), {"email": "MEERA@example.org "})
    assert response.status_code == 302
    path = _link_path(parent)
    token = path.rstrip("/").rsplit("/", 1)[1]
    row = SignInLink.objects.get(user=parent)
    assert row.token_hash == services.hash_token(token) and token not in row.token_hash
    # Opening the link (as a mail scanner would) does not use it up: the button does.
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200
    client.logout()
    again = Page(client.post(path))
    assert again.status == 410
    assert "expired or has already been used" in again.text


def test_an_expired_link_does_not_sign_in(client, parent):
    services.request_sign_in_link(email=parent.email)
    path = _link_path(parent)
    SignInLink.objects.filter(user=parent).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.post(path).status_code == 410
    assert client.get(reverse("portal:home")).status_code == 302


def test_an_unknown_address_or_a_staff_address_gets_the_same_answer_and_no_email(client, coordinator):
    for email in ("nobody@example.org", coordinator.email):
        response = client.post(reverse("portal:ask_for_link"), {"email": email})
        assert response.status_code == 302 and response["Location"] == reverse("portal:link_sent")
    assert not Message.objects.filter(template="portal.sign_in_link").exists()
    assert SignInLink.objects.filter(token_hash__isnull=False).count() == 0


def test_asking_too_often_says_when_to_try_again(client, parent):
    for _ in range(services.LINKS_PER_HOUR):
        assert client.post(reverse("portal:ask_for_link"), {"email": parent.email}).status_code == 302
    page = Page(client.post(reverse("portal:ask_for_link"), {"email": parent.email}))
    assert page.status == 400
    first = SignInLink.objects.filter(email=parent.email).earliest("created_at").created_at
    retry = timezone.localtime(first + datetime.timedelta(hours=1))
    assert f"You have asked for too many links. Try again after {retry:%H:%M}." in page.text
    assert parent.email in page.response.content.decode()  # what was typed is kept


def test_a_bad_address_is_named(client):
    page = Page(client.post(reverse("portal:ask_for_link"), {"email": "not an email"}))
    assert page.status == 400
    assert "Enter an email address in the correct format" in page.text


def test_a_family_turns_their_online_request_into_an_account(client, council, coordinator):
    factories.staff(Role.BUSINESS_SUPPORT, council)
    draft = start(client, council)
    client.get(return_link_in_outbox(draft))  # the link emailed when they started proves the address
    fill(client, draft)
    assert client.post(reverse("forms_ersa:check", args=[draft.public_id])).status_code == 302
    draft.refresh_from_db()
    confirmation = Page(client.get(reverse("forms_ersa:confirmation", args=[draft.public_id])))
    claim_url = reverse("portal:claim", args=[draft.public_id])
    assert confirmation.root.find(data_testid="claim") is not None

    page = Page(client.post(claim_url, {"password1": "short", "password2": "short"}))
    assert page.status == 400
    assert "too short" in page.text

    response = client.post(
        claim_url, {"password1": "a calm place for trains", "password2": "a calm place for trains"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:case", args=[draft.case.reference])
    user = draft.case.team.get(role=TeamRole.FAMILY).user
    assert (user.email, user.full_name, user.role) == ("meera@example.org", "Meera Parent", Role.PARENT)
    assert client.get(response["Location"]).status_code == 200
    # Once made, the same request cannot make a second account.
    client.logout()
    assert CaseTeamMember.objects.filter(case=draft.case, user=user).count() == 1


def test_another_browser_cannot_claim_a_request(client, council):
    factories.staff(Role.BUSINESS_SUPPORT, council)
    draft = start(client, council)
    fill(client, draft)
    client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    client.cookies.clear()
    assert client.get(reverse("portal:claim", args=[draft.public_id])).status_code == 404


def test_a_link_does_not_skip_the_second_step_for_a_family_that_set_one_up(client, parent):
    from tests.accounts.test_two_factor import SECOND_STEP, set_up_factor

    set_up_factor(parent)
    services.request_sign_in_link(email=parent.email)
    client.post(_link_path(parent))
    assert client.get(reverse("portal:home")).url.startswith(SECOND_STEP)
