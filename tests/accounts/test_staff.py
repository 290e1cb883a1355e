import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Discipline, Role, User
from tests import factories
from tests.accounts.pages import error_summary, input_value, link_in, page_text, summary_links

pytestmark = pytest.mark.django_db

STAFF = reverse("accounts:staff_list")
ADD = reverse("accounts:staff_add")


def new_staff(**overrides):
    data = {
        "full_name": "Howard Specialist",
        "email": "howard@council.example",
        "role": Role.COORDINATOR,
        "discipline": "",
        "job_title": "",
    }
    data.update(overrides)
    return data


def add(client, council, django_capture_on_commit_callbacks, **overrides):
    data = new_staff(**overrides)
    data.setdefault("organisation", council.pk)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(ADD, data)


# --- Who can see the pages --------------------------------------------------------------------------------


@pytest.fixture
def member(council):
    return factories.staff(Role.PANEL_MEMBER, council, full_name="Pat Panel", email="pat@council.example")


def staff_pages(member):
    return [
        STAFF,
        ADD,
        reverse("accounts:staff_deactivate", args=[member.pk]),
        reverse("accounts:staff_reactivate", args=[member.pk]),
    ]


def test_administrator_can_open_every_staff_page(login, administrator, member):
    client = login(administrator)
    for url in staff_pages(member):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["coordinator", "business_support", "manager", "parent", "senco"])
def test_staff_pages_do_not_exist_for_anyone_else(request, login, member, who):
    client = login(request.getfixturevalue(who))
    for url in staff_pages(member):
        assert client.get(url).status_code == 404, url
        assert client.post(url, new_staff()).status_code == 404, url
    member.refresh_from_db()
    assert member.is_active
    assert not User.objects.filter(email="howard@council.example").exists()


def test_anonymous_people_are_asked_to_sign_in(client, member):
    for url in staff_pages(member):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login"))


def test_another_councils_administrator_cannot_touch_our_staff(login, other_administrator, member):
    client = login(other_administrator)

    assert client.get(reverse("accounts:staff_deactivate", args=[member.pk])).status_code == 404
    assert client.post(reverse("accounts:staff_deactivate", args=[member.pk])).status_code == 404
    assert "Pat Panel" not in page_text(client.get(STAFF))
    member.refresh_from_db()
    assert member.is_active


def test_an_administrator_of_a_school_is_not_a_council_administrator(login, school):
    school_admin = factories.UserFactory(role=Role.ADMINISTRATOR, organisation=school)

    assert login(school_admin).get(STAFF).status_code == 404


# --- The list ---------------------------------------------------------------------------------------------


def test_staff_list_shows_the_councils_staff_and_partners(
    login, administrator, coordinator, nhs_trust, parent, senco, other_administrator
):
    therapist = factories.UserFactory(
        role=Role.SPECIALIST,
        discipline=Discipline.SPEECH_AND_LANGUAGE,
        organisation=nhs_trust,
        full_name="Sam Therapist",
        email="sam@nhs.example",
    )
    factories.staff(Role.PANEL_MEMBER, administrator.organisation, full_name="Gone Member", is_active=False)

    response = login(administrator).get(STAFF)

    text = page_text(response)
    for expected in [
        "Laura Coordinator",
        "laura@council.example",
        "EHC coordinator",
        "Sam Therapist",
        "sam@nhs.example",
        "Specialist",
        "Speech and language therapy",
        "Riverside NHS Trust",
        "Gone Member",
        "Deactivated",
        "Active",
        "Add a staff member",
    ]:
        assert expected in text
    assert therapist.full_name in text
    # Families, schools and other councils are not staff of this council.
    for absent in ["Meera Parent", "Leo Senco", "Other Admin"]:
        assert absent not in text


def test_staff_list_query_count_does_not_grow_with_rows(
    login, administrator, nhs_trust, django_assert_max_num_queries
):
    client = login(administrator)
    for n in range(3):
        factories.UserFactory(
            role=Role.SPECIALIST,
            discipline=Discipline.HEALTH,
            organisation=nhs_trust,
            email=f"s{n}@nhs.example",
        )
    with django_assert_max_num_queries(12) as few:
        client.get(STAFF)
    for n in range(3, 20):
        factories.UserFactory(
            role=Role.SPECIALIST,
            discipline=Discipline.HEALTH,
            organisation=nhs_trust,
            email=f"s{n}@nhs.example",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(STAFF)


# --- Adding someone ---------------------------------------------------------------------------------------


def test_adding_staff_creates_an_account_without_a_password_and_emails_a_link(
    login, administrator, council, django_capture_on_commit_callbacks
):
    client = login(administrator)
    assert "Add a staff member" in page_text(client.get(ADD))

    response = add(client, council, django_capture_on_commit_callbacks, email="Howard@Council.example")

    assert response.status_code == 302
    assert response.url == STAFF
    listing = page_text(client.get(STAFF))
    assert "Howard Specialist has been added. We have emailed howard@council.example a link" in listing
    user = User.objects.get(email="howard@council.example")
    assert (user.full_name, user.role, user.organisation, user.is_active) == (
        "Howard Specialist",
        Role.COORDINATOR,
        council,
        True,
    )
    assert not user.has_usable_password()
    assert user.history.first().history_user == administrator

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["howard@council.example"]
    assert message.subject == "Set your password for Education, health and care plans"
    assert "Admin Person has given you an account" in message.body
    assert "Your role: EHC coordinator" in message.body


def test_the_emailed_link_lets_the_new_person_set_a_password_and_sign_in(
    client, login, administrator, council, django_capture_on_commit_callbacks
):
    add(login(administrator), council, django_capture_on_commit_callbacks)
    client.logout()

    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert "Create a password" in page_text(response)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "kettle-orchard-93-lamp", "new_password2": "kettle-orchard-93-lamp"},
    )

    assert response.url == reverse("accounts:password_reset_complete")
    response = client.post(
        reverse("accounts:login"),
        {"username": "howard@council.example", "password": "kettle-orchard-93-lamp"},
    )
    assert response.status_code == 302
    # A new member of staff sets up their authenticator app before anything else.
    assert client.get(client.get(reverse("home")).url).url.startswith(reverse("accounts:two_factor_setup"))


def test_no_email_leaves_before_the_account_is_saved(
    login, administrator, council, django_capture_on_commit_callbacks
):
    client = login(administrator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(ADD, {**new_staff(), "organisation": council.pk})

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_duplicate_email_is_a_clear_error_and_keeps_what_was_typed(
    login, administrator, council, coordinator, django_capture_on_commit_callbacks
):
    response = add(
        login(administrator), council, django_capture_on_commit_callbacks, email="LAURA@council.example"
    )

    assert response.status_code == 400
    assert "There is a problem" in error_summary(response)
    assert "There is already an account with this email address" in error_summary(response)
    assert summary_links(response) == ["#id_email"]
    assert input_value(response, "email") == "LAURA@council.example"
    assert input_value(response, "full_name") == "Howard Specialist"
    assert User.objects.filter(email__iexact="laura@council.example").count() == 1
    assert mail.outbox == []


def test_a_specialist_needs_a_discipline(login, administrator, council, django_capture_on_commit_callbacks):
    response = add(login(administrator), council, django_capture_on_commit_callbacks, role=Role.SPECIALIST)

    assert response.status_code == 400
    assert "Select the specialist's discipline" in error_summary(response)
    assert summary_links(response) == ["#id_discipline"]
    assert 'value="specialist" id="id_role_3" checked' in response.content.decode()
    assert not User.objects.filter(email="howard@council.example").exists()


def test_a_specialist_can_work_for_an_nhs_partner(
    login, administrator, council, nhs_trust, django_capture_on_commit_callbacks
):
    response = add(
        login(administrator),
        council,
        django_capture_on_commit_callbacks,
        role=Role.SPECIALIST,
        discipline=Discipline.OCCUPATIONAL_THERAPY,
        organisation=nhs_trust.pk,
    )

    assert response.status_code == 302
    user = User.objects.get(email="howard@council.example")
    assert (user.organisation, user.discipline) == (nhs_trust, Discipline.OCCUPATIONAL_THERAPY)


def test_council_roles_must_belong_to_the_council(
    login, administrator, council, nhs_trust, django_capture_on_commit_callbacks
):
    response = add(
        login(administrator), council, django_capture_on_commit_callbacks, organisation=nhs_trust.pk
    )

    assert response.status_code == 400
    assert "work for the council. Select Riverside Borough Council" in error_summary(response)
    assert summary_links(response) == ["#id_organisation"]


def test_organisations_of_another_council_cannot_be_chosen(
    login, administrator, council, other_council, django_capture_on_commit_callbacks
):
    response = add(
        login(administrator), council, django_capture_on_commit_callbacks, organisation=other_council.pk
    )

    assert response.status_code == 400
    assert summary_links(response) == ["#id_organisation"]
    assert "Hilltop County Council" not in page_text(response)


def test_families_cannot_be_added_as_staff(login, administrator, council, django_capture_on_commit_callbacks):
    response = add(login(administrator), council, django_capture_on_commit_callbacks, role=Role.PARENT)

    assert response.status_code == 400
    assert summary_links(response) == ["#id_role_0"]


def test_empty_form_names_every_missing_answer(login, administrator):
    response = login(administrator).post(ADD, {})

    assert response.status_code == 400
    summary = error_summary(response)
    for message in ["Enter their full name", "Enter their email address", "Select their role"]:
        assert message in summary


# --- Deactivating and reactivating ------------------------------------------------------------------------


def test_deactivating_asks_first_then_stops_them_signing_in(login, administrator, member):
    admin_client = login(administrator)
    url = reverse("accounts:staff_deactivate", args=[member.pk])
    assert "Deactivate Pat Panel?" in page_text(admin_client.get(url))

    response = admin_client.post(url)

    assert response.url == STAFF
    assert "Pat Panel has been deactivated" in page_text(admin_client.get(STAFF))
    member.refresh_from_db()
    assert not member.is_active
    assert member.history.first().history_user == administrator
    assert User.objects.filter(pk=member.pk).exists()
    response = Client().post(
        reverse("accounts:login"), {"username": "pat@council.example", "password": factories.PASSWORD}
    )
    assert response.status_code == 400


def test_a_deactivated_person_already_signed_in_is_signed_out(member):
    member_client = Client()
    member_client.force_login(member)
    member.is_active = False
    member.save()

    response = member_client.get(reverse("cases:list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_reactivating_lets_them_sign_in_again(login, administrator, member):
    member.is_active = False
    member.save()
    admin_client = login(administrator)
    url = reverse("accounts:staff_reactivate", args=[member.pk])
    assert "Reactivate Pat Panel?" in page_text(admin_client.get(url))

    response = admin_client.post(url)

    assert response.url == STAFF
    member.refresh_from_db()
    assert member.is_active
    assert Client().login(email="pat@council.example", password=factories.PASSWORD)


def test_administrators_cannot_deactivate_themselves(login, administrator):
    client = login(administrator)

    response = client.post(reverse("accounts:staff_deactivate", args=[administrator.pk]))

    assert response.status_code == 400
    assert "You cannot deactivate your own account" in error_summary(response)
    administrator.refresh_from_db()
    assert administrator.is_active
