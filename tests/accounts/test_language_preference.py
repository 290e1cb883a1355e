"""People choose the language we write to them in, on the contact preferences page."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/accounts/contact/"
HINT = (
    "We write to you in this language when we have a translation of the message. "
    "If we do not, we write in English and can arrange a translation or an interpreter."
)


def _form(**overrides):
    return {"preferred_channel": "email", "phone": "", "postal_address": "", "language": "en", **overrides}


def test_the_page_offers_the_languages_with_a_plain_hint(login, parent):
    html = login(parent).get(URL).content.decode()
    assert "Which language would you like us to write to you in?" in html
    assert HINT in html
    assert '<option value="pl">Polish (Polski)</option>' in html
    assert '<option value="en" selected>English</option>' in html


def test_a_parent_chooses_polish_and_it_is_kept_with_who_changed_it(login, parent):
    response = login(parent).post(URL, _form(language="pl"), follow=True)
    assert "Your contact preferences have been saved." in response.content.decode()
    parent.refresh_from_db()
    assert parent.language == "pl"
    latest = parent.history.first()
    assert (latest.language, latest.history_user) == ("pl", parent)
    assert '<option value="pl" selected>' in response.content.decode()


def test_a_language_that_is_not_in_the_list_is_refused_and_what_was_typed_is_kept(login, parent):
    response = login(parent).post(
        URL, _form(preferred_channel="sms", phone="07700 900982", language="klingon")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and 'href="#id_language"' in html
    assert "Select a language from the list" in html
    assert 'value="07700 900982"' in html
    parent.refresh_from_db()
    assert (parent.language, parent.preferred_channel, parent.phone) == ("en", "email", "")


def test_an_error_elsewhere_saves_nothing(login, parent):
    response = login(parent).post(URL, _form(preferred_channel="sms", phone="", language="pl"))
    assert response.status_code == 400
    assert '<option value="pl" selected>' in response.content.decode()
    parent.refresh_from_db()
    assert parent.language == "en"


def test_a_form_sent_without_a_language_keeps_the_one_they_had(login, parent):
    parent.language = "cy"
    parent.save()
    form = _form()
    del form["language"]
    login(parent).post(URL, form)
    parent.refresh_from_db()
    assert parent.language == "cy"


def test_signing_in_is_needed_to_see_or_change_the_language(client, parent):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    response = client.post(URL, _form(language="pl"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    parent.refresh_from_db()
    assert parent.language == "en"
