import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories
from tests.accounts.pages import error_summary, input_value, page_text, summary_links

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def test_sign_in_page_explains_how_to_get_an_account(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    text = page_text(response)
    assert "Sign in" in text
    assert "Email address" in text
    assert "Forgotten your password?" in text
    assert "Ask your EHC coordinator to send you an invitation" in text


def test_signing_in_with_email_and_password_goes_to_the_home_page_for_the_role(client, coordinator):
    response = client.post(LOGIN, {"username": "laura@council.example", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    # Staff pass the second step next (tests/accounts/test_two_factor.py), then land on their home page.
    assert client.get(reverse("home")).url == f"{reverse('accounts:two_factor')}?next=%2F"
    session = client.session
    session["second_factor"] = "verified"
    session.save()
    assert client.get(reverse("home")).url == reverse("cases:caseload")


def test_email_is_not_case_sensitive(client, coordinator):
    response = client.post(LOGIN, {"username": "  Laura@Council.EXAMPLE ", "password": factories.PASSWORD})

    assert response.status_code == 302


def test_sign_in_goes_back_to_the_page_asked_for(client, coordinator):
    wanted = reverse("cases:list")

    response = client.post(
        LOGIN, {"username": "laura@council.example", "password": factories.PASSWORD, "next": wanted}
    )

    assert response.url == wanted


def test_wrong_password_shows_an_error_and_keeps_the_email(client, coordinator):
    response = client.post(LOGIN, {"username": "laura@council.example", "password": "not-my-password"})

    assert response.status_code == 400
    assert "There is a problem" in error_summary(response)
    assert "Enter the email address and password for your account" in error_summary(response)
    assert input_value(response, "username") == "laura@council.example"
    assert input_value(response, "password") == ""
    assert "_auth_user_id" not in client.session


def test_unknown_email_gets_the_same_error_as_a_wrong_password(client, coordinator):
    response = client.post(LOGIN, {"username": "nobody@council.example", "password": factories.PASSWORD})

    assert response.status_code == 400
    assert "Enter the email address and password for your account" in error_summary(response)


def test_empty_form_names_each_field_and_links_to_it(client):
    response = client.post(LOGIN, {"username": "", "password": ""})

    assert response.status_code == 400
    summary = error_summary(response)
    assert "Enter your email address" in summary
    assert "Enter your password" in summary
    assert summary_links(response) == ["#id_username", "#id_password"]
    assert page_text(response).startswith("Error: Sign in")


def test_badly_typed_email_says_what_format_is_expected_and_keeps_it(client):
    response = client.post(LOGIN, {"username": "laura.council.example", "password": "whatever"})

    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.com" in error_summary(response)
    assert input_value(response, "username") == "laura.council.example"


def test_a_deactivated_person_cannot_sign_in(client, council):
    factories.staff(Role.COORDINATOR, council, email="left@council.example", is_active=False)

    response = client.post(LOGIN, {"username": "left@council.example", "password": factories.PASSWORD})

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_person_with_no_password_yet_cannot_sign_in(client, council):
    user = factories.staff(Role.COORDINATOR, council, email="new@council.example")
    user.set_unusable_password()
    user.save()

    response = client.post(LOGIN, {"username": "new@council.example", "password": ""})

    assert response.status_code == 400


def test_signed_in_person_visiting_sign_in_is_sent_home(login, coordinator):
    client = login(coordinator)

    response = client.get(LOGIN)

    assert response.status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(login, coordinator):
    client = login(coordinator)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == LOGIN
    assert "_auth_user_id" not in client.session


def test_pages_ask_anonymous_people_to_sign_in(client):
    response = client.get(reverse("cases:list"))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_signed_in_person_can_change_their_password(login, parent):
    client = login(parent)
    url = reverse("accounts:password_change")
    assert "Change your password" in page_text(client.get(url))

    response = client.post(
        url,
        {
            "old_password": factories.PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    assert "Your password has been changed" in page_text(client.get(response.url))
    parent.refresh_from_db()
    assert parent.check_password("a-brand-new-passphrase")
    # Still signed in: the session survives the change of password.
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_changing_password_with_the_wrong_current_password_says_so(login, parent):
    client = login(parent)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )

    assert response.status_code == 400
    assert "Your current password is not correct" in error_summary(response)
    assert summary_links(response) == ["#id_old_password"]
    parent.refresh_from_db()
    assert parent.check_password(factories.PASSWORD)


def test_changing_password_checks_the_new_one(login, parent):
    client = login(parent)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": factories.PASSWORD, "new_password1": "password", "new_password2": "password"},
    )

    assert response.status_code == 400
    summary = error_summary(response)
    assert "This password is too short. It must contain at least 12 characters." in summary
    assert "This password is too common." in summary
    assert summary_links(response)[0] == "#id_new_password1"


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
