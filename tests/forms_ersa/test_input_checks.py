"""What the online request refuses: phone numbers that are not, texts to a landline, postcodes that are not."""

import pytest
from django.urls import reverse

from tests.forms_ersa.conftest import post_page, start

pytestmark = pytest.mark.django_db


def _refused(response, field: str, message: str, typed: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and f'href="#id_{field}"' in html
    assert message in html
    # What the person typed stays in the box, whole.
    assert f'value="{typed}"' in html


@pytest.mark.parametrize("typed", ["abc", "12ab"])
def test_a_phone_number_that_is_not_one_is_refused_even_for_text_messages(client, council, typed):
    draft = start(client, council)
    response = post_page(
        client, draft, "contact", "preferences", {"channel": "sms", "phone": typed, "language": "en"}
    )
    _refused(response, "phone", "Enter a phone number in the correct format, like 01632 960 001", typed)
    draft.refresh_from_db()
    assert "contact" not in draft.answers


def test_text_messages_need_a_mobile_number(client, council):
    draft = start(client, council)
    response = post_page(
        client,
        draft,
        "contact",
        "preferences",
        {"channel": "sms", "phone": "0117 496 0511", "language": "en"},
    )
    _refused(
        response,
        "phone",
        "Enter a UK mobile phone number for text messages, like 07700 900 982",
        "0117 496 0511",
    )


def test_a_good_number_is_stored_in_one_format(client, council):
    draft = start(client, council)
    response = post_page(
        client,
        draft,
        "contact",
        "preferences",
        {"channel": "sms", "phone": "+447700900982", "language": "en"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["contact"]["phone"] == "07700 900982"


@pytest.mark.parametrize(
    ("section", "page", "data", "field"),
    [
        ("family", "you", {"full_name": "Meera Parent", "relationship": "mother", "phone": "abc"}, "phone"),
    ],
)
def test_every_phone_box_in_the_request_checks_the_number(client, council, section, page, data, field):
    draft = start(client, council)
    response = post_page(client, draft, section, page, data)
    _refused(response, field, "Enter your phone number in the correct format", "abc")


def test_a_professional_with_a_phone_number_that_is_not_one_is_refused(client, council):
    draft = start(client, council)
    response = client.post(
        reverse("forms_ersa:professionals", args=[draft.public_id]),
        {
            "name": "Dr Aziz",
            "role": "Paediatrician",
            "service": "Riverside Hospital",
            "email": "",
            "phone": "12ab",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter their phone number in the correct format" in html and 'value="12ab"' in html
    # Not also told to give an email or a phone: they gave a phone, it is just wrong.
    assert "Enter an email address or a phone number for them" not in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("XYZ", "Enter a real UK postcode, like SW1A 1AA"),
        ("NOTAPOSTCODE", "Enter a real UK postcode, like SW1A 1AA"),
    ],
)
def test_a_postcode_that_is_not_one_is_refused_and_kept_whole(client, council, typed, message):
    draft = start(client, council)
    response = post_page(client, draft, "child", "address", {"address": "1 High Street", "postcode": typed})
    _refused(response, "postcode", message, typed)
    # Nothing in the page lets the browser cut what is typed.
    assert "maxlength" not in response.content.decode()


def test_a_postcode_is_stored_in_capitals_with_one_space(client, council):
    draft = start(client, council)
    response = post_page(
        client, draft, "child", "address", {"address": "1 High Street", "postcode": "rv11aa"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["child"]["postcode"] == "RV1 1AA"


def test_too_long_an_answer_is_said_not_cut(client, council):
    draft = start(client, council)
    response = post_page(client, draft, "child", "name", {"first_name": "A" * 101, "last_name": "Okafor"})
    html = response.content.decode()
    assert "First name must be 100 characters or fewer. You entered 101" in html
    assert 'value="' + "A" * 101 + '"' in html
    assert "maxlength" not in html


def test_the_school_route_checks_the_parents_phone(client, council, senco):
    from tests.forms_ersa.conftest import start_as_senco

    draft = start_as_senco(client, council, senco)
    response = post_page(
        client,
        draft,
        "parent_consent",
        "parent",
        {
            "parent_name": "Nadia Rahman",
            "relationship": "mother",
            "parent_email": "nadia@example.org",
            "parent_phone": "abc",
            "parental_responsibility": "yes",
        },
    )
    _refused(response, "parent_phone", "Enter their phone number in the correct format", "abc")
