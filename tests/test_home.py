"""Where each person starts: a family who is not signed in reads how to ask; a SENCo sees the requests they are
writing; staff go straight to their work."""

import re

import pytest
from django.urls import reverse

from tests.forms_ersa.conftest import post_page, start_as_senco

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_visitor_who_is_not_signed_in_gets_the_start_page_not_sign_in(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    text = _text(response)
    assert "Ask for an education, health and care needs assessment" in text
    assert "Within 6 weeks" in text and "within 20 weeks" in text
    main = html.split('id="main-content"', 1)[1]
    first_link = re.search(r'<a [^>]*href="([^"]+)"', main).group(1)
    assert first_link == reverse("forms_ersa:index"), "the online request should be the first link"
    assert f'href="{reverse("accounts:login")}"' in main


def test_staff_still_go_straight_to_their_work(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/")["Location"] == reverse("cases:caseload")


def test_a_senco_can_start_a_request_and_sees_unfinished_ones_to_continue(client, council, senco):
    client.force_login(senco)
    home = client.get("/")
    assert home.status_code == 200
    assert f'href="{reverse("forms_ersa:senco", args=[council.pk])}"' in home.content.decode()
    assert "None. A request you start is saved" in _text(home)

    draft = start_as_senco(client, council, senco)
    post_page(
        client, draft, "child", "name", {"first_name": "Amara", "last_name": "Okafor", "preferred_name": ""}
    )

    home = client.get("/")
    assert "Continue the request for Amara Okafor" in _text(home)
    assert f'href="{reverse("forms_ersa:tasks", args=[draft.public_id])}"' in home.content.decode()
