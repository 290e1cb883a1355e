"""People choose how the service contacts them; a channel they cannot receive is refused with the fix."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/accounts/contact/"


def test_a_parent_chooses_text_messages(login, parent):
    client = login(parent)
    response = client.post(
        URL, {"preferred_channel": "sms", "phone": "07700 900982", "postal_address": ""}, follow=True
    )
    assert "Your contact preferences have been saved." in response.content.decode()
    parent.refresh_from_db()
    assert (parent.preferred_channel, parent.phone) == ("sms", "07700 900982")
    assert parent.history.first().history_user == parent


def test_text_messages_need_a_number_and_keep_what_was_typed(login, parent):
    response = login(parent).post(
        URL, {"preferred_channel": "sms", "phone": "", "postal_address": "1 High Street"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and 'href="#id_phone"' in html
    assert "Enter a mobile phone number, like 07700 900 982" in html
    assert "1 High Street" in html


def test_letters_need_a_full_address(login, parent):
    response = login(parent).post(
        URL, {"preferred_channel": "letter", "phone": "", "postal_address": "Flat 2"}
    )
    assert response.status_code == 400
    assert "Enter your full postal address, including the postcode" in response.content.decode()


def test_only_staff_are_offered_the_daily_digest(login, parent, coordinator):
    assert "daily" not in login(parent).get(URL).content.decode().lower()
    client = login(coordinator)
    assert "Email me each morning" in client.get(URL).content.decode()
    client.post(
        URL, {"preferred_channel": "email", "phone": "", "postal_address": "", "wants_daily_digest": "on"}
    )
    coordinator.refresh_from_db()
    assert coordinator.wants_daily_digest is True


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("typed", ["abc", "12ab"])
def test_a_phone_number_that_is_not_one_is_refused_and_kept(login, parent, typed):
    response = login(parent).post(URL, {"preferred_channel": "sms", "phone": typed, "postal_address": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_phone"' in html and "Enter a phone number in the correct format" in html
    assert f'value="{typed}"' in html
    parent.refresh_from_db()
    assert parent.phone != typed


def test_text_messages_need_a_mobile_not_a_landline(login, parent):
    response = login(parent).post(
        URL, {"preferred_channel": "sms", "phone": "0117 496 0511", "postal_address": ""}
    )
    assert response.status_code == 400
    assert "Enter a UK mobile phone number for text messages, like 07700 900 982" in response.content.decode()


def test_the_number_is_stored_in_one_format(login, parent):
    login(parent).post(URL, {"preferred_channel": "sms", "phone": "+447700900982", "postal_address": ""})
    parent.refresh_from_db()
    assert parent.phone == "07700 900982"


def test_the_service_refuses_a_landline_for_text_messages(parent):
    from accounts import services

    with pytest.raises(services.ServiceError) as refused:
        services.update_contact_preferences(
            user=parent, channel="sms", phone="0117 496 0511", postal_address=""
        )
    assert refused.value.field == "phone"
