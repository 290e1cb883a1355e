import hashlib
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import invitations, services
from accounts.models import Invitation, Role, User
from tests import factories
from tests.accounts.builders import TOKEN, make_invitation
from tests.accounts.pages import error_summary, input_value, link_in, page_text, summary_links

pytestmark = pytest.mark.django_db

INVITE = reverse("accounts:invite")
PASSWORD = "blue-harbour-kestrel-8"
GONE_TEXT = "This link has expired or has already been used"


def invite(client, django_capture_on_commit_callbacks, **overrides):
    data = {"full_name": "Meera Okafor", "email": "meera.okafor@example.org", "role": Role.PARENT}
    data.update(overrides)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(INVITE, data)


def accept_url(token=TOKEN) -> str:
    return reverse("accounts:accept_invitation", kwargs={"token": token})


def accept(client, token=TOKEN, **overrides):
    data = {"full_name": "Daniel Parent", "password1": PASSWORD, "password2": PASSWORD}
    data.update(overrides)
    return client.post(accept_url(token), data)


# --- Who can invite ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["administrator", "coordinator", "business_support"])
def test_administrators_coordinators_and_business_support_can_invite(request, login, who):
    response = login(request.getfixturevalue(who)).get(INVITE)

    assert response.status_code == 200
    text = page_text(response)
    assert "Invite someone" in text
    assert f"The link works once, for {settings.INVITATION_VALID_DAYS} days." in text


@pytest.mark.parametrize("who", ["manager", "parent", "senco"])
def test_the_invite_page_does_not_exist_for_anyone_else(request, login, who):
    client = login(request.getfixturevalue(who))

    assert client.get(INVITE).status_code == 404
    assert (
        client.post(INVITE, {"email": "x@example.org", "full_name": "X", "role": Role.PARENT}).status_code
        == 404
    )
    assert not Invitation.objects.exists()


def test_anonymous_people_are_asked_to_sign_in_to_invite(client):
    response = client.get(INVITE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- Sending an invitation --------------------------------------------------------------------------------


def test_inviting_a_parent_stores_only_a_hash_and_emails_the_link(
    login, coordinator, django_capture_on_commit_callbacks
):
    client = login(coordinator)

    response = invite(client, django_capture_on_commit_callbacks, email="Meera.Okafor@Example.org")

    assert response.status_code == 302
    assert response.url == INVITE
    assert "We have emailed an invitation to meera.okafor@example.org" in page_text(client.get(INVITE))
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.full_name, invitation.role, invitation.organisation) == (
        "meera.okafor@example.org",
        "Meera Okafor",
        Role.PARENT,
        None,
    )
    assert invitation.invited_by == coordinator
    expected_expiry = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    assert abs((invitation.expires_at - expected_expiry).total_seconds()) < 60

    message = mail.outbox[0]
    assert message.to == ["meera.okafor@example.org"]
    assert message.subject == "Create your account for Education, health and care plans"
    assert "Laura Coordinator from Riverside Borough Council has invited you" in message.body
    assert "You are invited as: Parent or carer" in message.body
    path = link_in(message)
    token = path.rstrip("/").rsplit("/", 1)[-1]
    assert path == accept_url(token)
    assert len(token) >= 40
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash


def test_no_email_leaves_before_the_invitation_is_saved(
    login, coordinator, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(INVITE, {"full_name": "A B", "email": "ab@example.org", "role": Role.YOUNG_PERSON})

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_senco_needs_a_school(login, coordinator, school, django_capture_on_commit_callbacks):
    response = invite(login(coordinator), django_capture_on_commit_callbacks, role=Role.SENCO)

    assert response.status_code == 400
    assert "Select the SENCo's school" in error_summary(response)
    assert summary_links(response) == ["#id_school"]
    assert input_value(response, "email") == "meera.okafor@example.org"
    assert input_value(response, "full_name") == "Meera Okafor"
    assert not Invitation.objects.exists()


def test_a_senco_is_invited_to_a_school_of_the_same_council(
    login, coordinator, school, other_school, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    page = page_text(client.get(INVITE))
    assert "Riverside Primary School" in page
    assert "Hilltop Academy" not in page

    refused = invite(client, django_capture_on_commit_callbacks, role=Role.SENCO, school=other_school.pk)
    assert refused.status_code == 400
    assert summary_links(refused) == ["#id_school"]

    response = invite(client, django_capture_on_commit_callbacks, role=Role.SENCO, school=school.pk)
    assert response.status_code == 302
    assert Invitation.objects.get().organisation == school


def test_a_supporter_can_be_invited_with_their_charity(
    login, business_support, charity, django_capture_on_commit_callbacks
):
    response = invite(
        login(business_support), django_capture_on_commit_callbacks, role=Role.SUPPORTER, charity=charity.pk
    )

    assert response.status_code == 302
    assert Invitation.objects.get().organisation == charity


def test_a_parent_is_never_attached_to_an_organisation(
    login, coordinator, school, django_capture_on_commit_callbacks
):
    invite(login(coordinator), django_capture_on_commit_callbacks, role=Role.PARENT, school=school.pk)

    assert Invitation.objects.get().organisation is None


def test_inviting_someone_who_already_has_an_account_is_explained(
    login, coordinator, parent, django_capture_on_commit_callbacks
):
    response = invite(login(coordinator), django_capture_on_commit_callbacks, email="MEERA@example.org")

    assert response.status_code == 400
    assert "There is already an account with this email address" in error_summary(response)
    assert summary_links(response) == ["#id_email"]
    assert input_value(response, "email") == "MEERA@example.org"
    assert mail.outbox == []


def test_empty_invitation_form_names_every_missing_answer(login, coordinator):
    response = login(coordinator).post(INVITE, {})

    assert response.status_code == 400
    summary = error_summary(response)
    for message in ["Enter their full name", "Enter their email address", "Select who you are inviting"]:
        assert message in summary


def test_invitations_are_only_for_families_schools_and_supporters(login, coordinator):
    with pytest.raises(services.ServiceError) as refused:
        services.create_invitation(
            email="x@example.org", full_name="X", role=Role.COORDINATOR, by=coordinator
        )

    assert refused.value.field == "role"


# --- Accepting --------------------------------------------------------------------------------------------


def test_the_emailed_link_creates_the_account_and_signs_the_person_in(
    login, coordinator, django_capture_on_commit_callbacks
):
    invite(login(coordinator), django_capture_on_commit_callbacks)
    family = Client()
    path = link_in(mail.outbox[0])

    page = family.get(path)
    assert page.status_code == 200
    assert "Create your account" in page_text(page)
    assert "meera.okafor@example.org" in page_text(page)
    assert input_value(page, "full_name") == "Meera Okafor"

    response = family.post(path, {"full_name": "Meera Okafor", "password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(email="meera.okafor@example.org")
    assert (user.full_name, user.role, user.organisation, user.is_active) == (
        "Meera Okafor",
        Role.PARENT,
        None,
        True,
    )
    assert user.check_password(PASSWORD)
    assert int(family.session["_auth_user_id"]) == user.pk
    invitation = Invitation.objects.get()
    assert invitation.accepted_user == user
    assert invitation.accepted_at is not None


def test_a_senco_joins_their_school(coordinator, school):
    make_invitation(coordinator, role=Role.SENCO, organisation=school, email="leo@school.example")

    response = accept(Client())

    assert response.status_code == 302
    assert User.objects.get(email="leo@school.example").organisation == school


def test_the_person_may_correct_their_name(coordinator):
    make_invitation(coordinator)

    accept(Client(), full_name="Daniel Mensah")

    assert User.objects.get(email="daniel@example.org").full_name == "Daniel Mensah"


def test_an_expired_link_says_what_to_do(coordinator):
    make_invitation(coordinator, expires_at=timezone.now() - timedelta(minutes=1))

    for response in [Client().get(accept_url()), accept(Client())]:
        assert response.status_code == 410
        text = page_text(response)
        assert GONE_TEXT in text
        assert "Ask the person who invited you to send you a new link" in text
    assert not User.objects.filter(email="daniel@example.org").exists()


def test_a_link_works_only_once(coordinator):
    make_invitation(coordinator)
    assert accept(Client()).status_code == 302

    second = Client()
    response = second.get(accept_url())
    assert response.status_code == 410
    assert GONE_TEXT in page_text(response)
    response = accept(second, full_name="Someone Else")
    assert response.status_code == 410
    assert User.objects.filter(email="daniel@example.org").count() == 1
    assert "_auth_user_id" not in second.session


def test_two_tabs_cannot_both_use_the_link(coordinator):
    make_invitation(coordinator)
    tab1, tab2 = Client(), Client()
    assert tab1.get(accept_url()).status_code == 200
    assert tab2.get(accept_url()).status_code == 200

    assert accept(tab1).status_code == 302
    response = accept(tab2)

    assert response.status_code == 410
    assert GONE_TEXT in page_text(response)
    assert User.objects.filter(email="daniel@example.org").count() == 1
    assert "_auth_user_id" not in tab2.session


def test_the_service_refuses_a_used_invitation_even_without_the_page(coordinator):
    make_invitation(coordinator)
    services.accept_invitation(token=TOKEN, full_name="Daniel", password=PASSWORD)

    with pytest.raises(services.InvitationUnusable) as refused:
        services.accept_invitation(token=TOKEN, full_name="Daniel", password=PASSWORD)

    assert refused.value.reason == "used"
    assert refused.value.gone


def test_a_revoked_link_is_gone(coordinator):
    invitation = make_invitation(coordinator)
    services.revoke_invitation(invitation=invitation, by=coordinator)

    response = Client().get(accept_url())

    assert response.status_code == 410
    assert GONE_TEXT in page_text(response)


def test_an_unknown_link_is_not_found_with_the_same_advice(coordinator):
    make_invitation(coordinator)

    response = Client().get(accept_url("not-a-real-token"))

    assert response.status_code == 404
    assert GONE_TEXT in page_text(response)
    assert accept(Client(), token="not-a-real-token").status_code == 404


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short9", "This password is too short. It must contain at least 12 characters."),
        ("password123", "This password is too common."),
        ("daniel@example.org", "The password is too similar to the email address."),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(coordinator, password, message):
    make_invitation(coordinator)

    response = accept(Client(), password1=password, password2=password)

    assert response.status_code == 400
    assert "There is a problem" in error_summary(response)
    assert message in error_summary(response)
    assert set(summary_links(response)) == {"#id_password1"}
    assert input_value(response, "full_name") == "Daniel Parent"
    assert not User.objects.filter(email="daniel@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_passwords_must_match(coordinator):
    make_invitation(coordinator)

    response = accept(Client(), password2=PASSWORD + "!")

    assert response.status_code == 400
    assert "The passwords do not match" in error_summary(response)
    assert summary_links(response) == ["#id_password2"]


def test_missing_name_is_named(coordinator):
    make_invitation(coordinator)

    response = accept(Client(), full_name="")

    assert response.status_code == 400
    assert "Enter your full name" in error_summary(response)


def test_someone_who_already_has_an_account_is_sent_to_sign_in(coordinator):
    make_invitation(coordinator)
    factories.UserFactory(role=Role.PARENT, organisation=None, email="daniel@example.org")

    for response in [Client().get(accept_url()), accept(Client())]:
        assert response.status_code == 200
        text = page_text(response)
        assert "You already have an account" in text
        assert "There is already an account for daniel@example.org" in text
        assert reverse("accounts:login") in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


# --- What the invitation is for: the purpose registry -----------------------------------------------------


@pytest.fixture
def joined():
    """A handler like the one the cases app will register, recording what it was asked to do."""
    calls = []

    def handler(invitation, user):
        calls.append((invitation.pk, user.pk, invitation.purpose["case_id"]))

    invitations.register_purpose("join_case_test", handler)
    yield calls
    invitations.unregister_purpose("join_case_test")


def test_accepting_runs_the_handler_for_the_purpose(coordinator, joined, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.create_invitation(
            email="daniel@example.org",
            full_name="Daniel Parent",
            role=Role.PARENT,
            by=coordinator,
            purpose={"kind": "join_case_test", "case_id": 5, "team_role": "family"},
        )
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[-1]

    response = accept(Client(), token=token)

    assert response.status_code == 302
    user = User.objects.get(email="daniel@example.org")
    assert joined == [(invitation.pk, user.pk, 5)]


def test_a_failing_handler_undoes_the_whole_acceptance(coordinator):
    def broken(invitation, user):
        raise RuntimeError("the case could not be joined")

    invitations.register_purpose("broken_test", broken)
    try:
        make_invitation(coordinator, purpose={"kind": "broken_test"})
        with pytest.raises(RuntimeError):
            services.accept_invitation(token=TOKEN, full_name="Daniel", password=PASSWORD)
    finally:
        invitations.unregister_purpose("broken_test")

    assert not User.objects.filter(email="daniel@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_unknown_purpose_is_ignored_with_a_warning(coordinator, caplog):
    make_invitation(coordinator, purpose={"kind": "nobody_handles_this"})

    with caplog.at_level(logging.WARNING, logger="accounts.invitations"):
        user = services.accept_invitation(token=TOKEN, full_name="Daniel", password=PASSWORD)

    assert user.pk is not None
    assert "nobody_handles_this" in caplog.text


def test_a_kind_has_one_handler(joined):
    with pytest.raises(ValueError, match="already registered"):
        invitations.register_purpose("join_case_test", lambda invitation, user: None)


# --- Two acceptances at the same moment (PostgreSQL: real row locks) -------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_create_one_account(council):
    """The first acceptance holds the invitation's row lock while it works; the second waits, then finds it used."""
    import threading
    import time

    from django.db import connection

    from tests.tiers import require_postgres

    require_postgres()
    coordinator = factories.staff(Role.COORDINATOR, council)
    make_invitation(coordinator, purpose={"kind": "slow_test"})
    invitations.register_purpose("slow_test", lambda invitation, user: time.sleep(0.5))
    start = threading.Barrier(2)
    outcomes = []

    def accept_in_thread(name):
        try:
            start.wait()
            services.accept_invitation(token=TOKEN, full_name=name, password=PASSWORD)
            outcomes.append("created")
        except services.InvitationUnusable as refused:
            outcomes.append(refused.reason)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=accept_in_thread, args=(n,)) for n in ("Tab One", "Tab Two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        invitations.unregister_purpose("slow_test")

    assert sorted(outcomes) == ["created", "used"]
    assert User.objects.filter(email="daniel@example.org").count() == 1
