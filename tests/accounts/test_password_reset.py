import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from tests import factories
from tests.accounts.pages import error_summary, input_value, link_in, page_text, summary_links

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "lighthouse-marmalade-47"


def ask_for_link(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(RESET, {"email": email})


def test_forgotten_password_link_on_sign_in_leads_to_the_reset_page(client):
    assert RESET in client.get(reverse("accounts:login")).content.decode()
    response = client.get(RESET)

    assert response.status_code == 200
    assert "Reset your password" in page_text(response)


def test_reset_sends_a_link_that_lets_the_person_choose_a_new_password(
    client, coordinator, django_capture_on_commit_callbacks
):
    response = ask_for_link(client, "Laura@council.example", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert "Check your email" in page_text(client.get(response.url))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["laura@council.example"]
    assert message.subject == "Reset your password for Education, health and care plans"
    assert "Hello Laura Coordinator" in message.body
    assert "The link works once, for 24 hours." in message.body

    # The link leads to a page (via Django's token-hiding redirect) asking for the new password.
    response = client.get(link_in(message), follow=True)
    assert response.status_code == 200
    assert "Create a password" in page_text(response)
    set_password_url = response.redirect_chain[-1][0]

    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    assert "Your password has been saved" in page_text(client.get(response.url))
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW_PASSWORD)
    assert client.login(email="laura@council.example", password=NEW_PASSWORD)


def test_the_link_works_only_once(client, coordinator, django_capture_on_commit_callbacks):
    ask_for_link(client, "laura@council.example", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    response = client.get(link, follow=True)
    client.post(
        response.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    response = client.get(link, follow=True)

    assert "This link has expired or has already been used" in page_text(response)
    assert "Ask for a new link" in page_text(response)


def test_no_email_is_sent_during_the_request(client, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(RESET, {"email": "laura@council.example"})

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_unknown_email_looks_the_same_but_sends_nothing(
    client, coordinator, django_capture_on_commit_callbacks
):
    response = ask_for_link(client, "stranger@example.org", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_deactivated_people_get_no_link(client, council, django_capture_on_commit_callbacks):
    factories.staff(Role.COORDINATOR, council, email="left@council.example", is_active=False)

    ask_for_link(client, "left@council.example", django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_staff_whose_set_up_link_expired_can_get_a_new_one(
    client, council, django_capture_on_commit_callbacks
):
    user = factories.staff(Role.COORDINATOR, council, email="new@council.example")
    user.set_unusable_password()
    user.save()

    ask_for_link(client, "new@council.example", django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [["new@council.example"]]


def test_missing_email_is_named_in_the_error_summary(client):
    response = client.post(RESET, {"email": ""})

    assert response.status_code == 400
    assert "There is a problem" in error_summary(response)
    assert "Enter your email address" in error_summary(response)
    assert summary_links(response) == ["#id_email"]


def test_badly_typed_email_is_kept_with_the_error(client):
    response = client.post(RESET, {"email": "laura at council"})

    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.com" in error_summary(response)
    assert input_value(response, "email") == "laura at council"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short. It must contain at least 12 characters."),
        ("password123", "This password is too common."),
        ("8475629183745", "This password is entirely numeric."),
    ],
)
def test_new_password_must_pass_the_validators(
    client, coordinator, django_capture_on_commit_callbacks, password, message
):
    ask_for_link(client, "laura@council.example", django_capture_on_commit_callbacks)
    response = client.get(link_in(mail.outbox[0]), follow=True)

    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )

    assert response.status_code == 400
    assert message in error_summary(response)
    assert set(summary_links(response)) == {"#id_new_password1"}
    coordinator.refresh_from_db()
    assert coordinator.check_password(factories.PASSWORD)


def test_passwords_that_do_not_match_are_refused(client, coordinator, django_capture_on_commit_callbacks):
    ask_for_link(client, "laura@council.example", django_capture_on_commit_callbacks)
    response = client.get(link_in(mail.outbox[0]), follow=True)

    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )

    assert response.status_code == 400
    assert "The passwords do not match" in error_summary(response)
    assert summary_links(response) == ["#id_new_password2"]


def test_a_made_up_link_is_refused(client, coordinator):
    response = client.get(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-def"}), follow=True
    )

    assert "This link has expired or has already been used" in page_text(response)
