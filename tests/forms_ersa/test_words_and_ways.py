"""The request speaks to the right person: the council's name, the family's interpreter on the school route, and
the school's record of a parent's consent changed only by the school."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from forms_ersa import services
from tests.forms_ersa.conftest import SCHOOL_PAGES, page_url, post_page, start, start_as_senco
from tests.forms_ersa.test_school_route import parent_link_path

pytestmark = pytest.mark.django_db


def _header(response) -> str:
    page = response.content.decode()
    start_at = page.index("app-header__council")
    return html.unescape(page[start_at : page.index("</span>", start_at)])


def test_every_page_of_the_request_names_the_council(client, council):
    assert council.name in _header(client.get(reverse("forms_ersa:start", args=[council.pk])))
    draft = start(client, council)
    for url in [
        reverse("forms_ersa:link_sent", args=[draft.public_id]),
        reverse("forms_ersa:tasks", args=[draft.public_id]),
        page_url(draft, "child", "name"),
        reverse("forms_ersa:evidence", args=[draft.public_id]),
        reverse("forms_ersa:check", args=[draft.public_id]),
    ]:
        header = _header(client.get(url))
        assert council.name in header and "Your local council" not in header, url


def test_the_school_route_asks_whether_the_family_needs_an_interpreter(client, council, senco):
    draft = start_as_senco(client, council, senco)
    page = client.get(page_url(draft, "child", "language")).content.decode()
    assert "Does the family need an interpreter when we talk to them?" in page
    assert "Do you need an interpreter" not in page
    response = post_page(client, draft, "child", "language", {"home_languages": "Bengali"})
    assert "Select yes if the family needs an interpreter" in response.content.decode()


def test_a_parent_still_is_asked_about_themselves(client, council):
    draft = start(client, council)
    assert (
        "Do you need an interpreter when we talk to you?"
        in client.get(page_url(draft, "child", "language")).content.decode()
    )


def _school_draft_with_consent(client, council, senco):
    draft = start_as_senco(client, council, senco)
    for section, name, data in [p for p in SCHOOL_PAGES if p[0] == "parent_consent"]:
        assert post_page(client, draft, section, name, data).status_code == 302
    return draft


def test_a_parent_sees_the_schools_record_of_their_consent_but_cannot_change_it(client, council, senco):
    draft = _school_draft_with_consent(client, council, senco)
    parent = Client()
    parent.get(parent_link_path())

    page = parent.get(page_url(draft, "parent_consent", "consent"))
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert "Only the school can change it" in text
    assert "In a meeting" in text  # how consent was given, as the school recorded it
    assert 'name="consent"' not in text  # no form to change it

    draft.refresh_from_db()
    before = dict(draft.answers["parent_consent"])
    refused = post_page(
        parent,
        draft,
        "parent_consent",
        "consent",
        {**SCHOOL_PAGES[-3][2], "consent_how": "phone"},
    )
    assert refused.status_code == 403
    assert "Only the school can change its record of your consent" in html.unescape(refused.content.decode())
    assert html.unescape(refused.content.decode()).count("There is a problem") == 1
    draft.refresh_from_db()
    assert draft.answers["parent_consent"] == before


def test_the_senco_still_changes_it(client, council, senco):
    draft = _school_draft_with_consent(client, council, senco)
    response = post_page(
        client, draft, "parent_consent", "consent", {**SCHOOL_PAGES[-3][2], "consent_how": "phone"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["parent_consent"]["consent_how"] == "phone"


def test_the_service_refuses_anyone_but_the_senco(client, council, senco, parent):
    draft = _school_draft_with_consent(client, council, senco)
    with pytest.raises(services.ServiceError, match="Only the school can change"):
        services.save_answers(
            draft=draft,
            section="parent_consent",
            values={"consent_how": "phone"},
            expected_version=None,
            by=parent,
        )
