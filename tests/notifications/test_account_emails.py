"""Account emails (password set-up for new staff, invitations, password resets) go through the outbox like every other
message: the row is written with the account it is about, nothing is written when that rolls back, a broker that is
down delays the email and never loses it, and the single-use link leaves the row once the email has gone."""

import smtplib
import time

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse

from accounts import mail as account_mail
from accounts import services as account_services
from accounts.models import Invitation, Role, User
from notifications import services, templates_registry
from notifications.models import Channel, Message, State
from tests.accounts.pages import link_in
from tests.notifications.conftest import celery_eager, celery_through
from tests.notifications.test_outbox import UNREACHABLE_BROKER

pytestmark = pytest.mark.django_db

SERVICE = "Education, health and care plans"


@pytest.fixture(autouse=True)
def tasks_run_here():
    with celery_eager():
        yield


def add_howard(administrator, council) -> User:
    return account_services.create_staff_member(
        full_name="Howard Specialist",
        email="Howard@Council.example",
        role=Role.COORDINATOR,
        organisation=council,
        by=administrator,
    )


def invite_meera(coordinator) -> Invitation:
    return account_services.create_invitation(
        email="meera@example.org", full_name="Meera Okafor", role=Role.PARENT, by=coordinator
    )


class CauseFailed(Exception):
    pass


# --- the row is written with its cause ------------------------------------------------------------------------


def test_a_new_member_of_staff_gets_their_set_up_email_from_the_outbox(
    administrator, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        howard = add_howard(administrator, council)

    # Written in the same transaction as the account; nothing has left yet.
    (row,) = Message.objects.all()
    assert (row.template, row.channel, row.state) == ("account.staff_welcome", Channel.EMAIL, State.QUEUED)
    assert (row.to_address, row.to_name, row.recipient) == (
        "howard@council.example",
        "Howard Specialist",
        None,
    )
    assert (row.organisation, row.created_by, row.link) == (council, administrator, "")
    assert row.idempotency_key == f"account:user:{howard.pk}:welcome:email"
    assert mail.outbox == []
    assert callbacks == [services.kick_relay]

    callbacks[0]()  # the commit asks for a relay (eager here)

    (email,) = mail.outbox
    assert email.to == ["howard@council.example"]
    assert email.subject == f"Set your password for {SERVICE}"
    assert "Admin Person has given you an account" in email.body
    assert "Your role: EHC coordinator" in email.body
    assert "The link works once, for 24 hours." in email.body
    assert link_in(email).startswith("/accounts/")
    row.refresh_from_db()
    assert row.state == State.SENT
    # The link lets whoever holds it into the account: once the email has gone, the outbox forgets it.
    assert row.data[account_mail.LINK] == ""
    assert row.data["name"] == "Howard Specialist"


def test_an_invitation_email_is_an_outbox_row_and_its_link_is_forgotten_once_sent(
    coordinator, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_meera(coordinator)

    (row,) = Message.objects.all()
    assert (row.template, row.to_address, row.organisation) == (
        "account.invitation",
        "meera@example.org",
        council,
    )
    assert row.idempotency_key == f"account:invitation:{invitation.pk}:email"
    (email,) = mail.outbox
    assert email.subject == f"Create your account for {SERVICE}"
    assert "Laura Coordinator from Riverside Borough Council has invited you" in email.body
    token = link_in(email).rstrip("/").rsplit("/", 1)[-1]
    assert Invitation.hash_token(token) == invitation.token_hash
    row.refresh_from_db()
    assert token not in str(row.data) and row.state == State.SENT


def test_each_password_reset_request_is_its_own_outbox_email(
    client, coordinator, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": "laura@council.example"})

    rows = list(Message.objects.order_by("id"))
    assert [(m.template, m.channel, m.to_address, m.state) for m in rows] == [
        ("account.password_reset", Channel.EMAIL, "laura@council.example", State.SENT)
    ] * 2
    assert [m.subject for m in mail.outbox] == [f"Reset your password for {SERVICE}"] * 2
    assert all(m.data[account_mail.LINK] == "" for m in rows)


def test_an_account_email_goes_by_email_whatever_channel_the_person_chose(
    coordinator, django_capture_on_commit_callbacks
):
    coordinator.preferred_channel = Channel.SMS
    coordinator.phone = "07700 900123"
    coordinator.save()

    with django_capture_on_commit_callbacks(execute=True):
        account_services.email_password_reset(user=coordinator)

    # No text message and no in-app copy: a link to reset a password goes only to the address it is for.
    assert list(Message.objects.values_list("channel", flat=True)) == [Channel.EMAIL]
    assert [m.to for m in mail.outbox] == [["laura@council.example"]]


# --- nothing is written when the cause rolls back ----------------------------------------------------------------


def test_no_email_row_when_adding_staff_rolls_back(administrator, council):
    with pytest.raises(CauseFailed), transaction.atomic():
        add_howard(administrator, council)
        raise CauseFailed

    assert not User.objects.filter(email="howard@council.example").exists()
    assert not Message.objects.exists()


def test_no_email_row_when_the_invitation_rolls_back(coordinator):
    with pytest.raises(CauseFailed), transaction.atomic():
        invite_meera(coordinator)
        raise CauseFailed

    assert not Invitation.objects.exists()
    assert not Message.objects.exists()


def test_without_the_outbox_writer_the_account_is_not_created(administrator, council, monkeypatch):
    monkeypatch.setattr(account_mail, "_writers", [])

    with pytest.raises(ImproperlyConfigured, match="No account email writer"):
        add_howard(administrator, council)

    assert not User.objects.filter(email="howard@council.example").exists()


# --- the broker is down, the mail server fails ---------------------------------------------------------------------


def test_with_the_broker_unreachable_adding_staff_succeeds_and_the_email_goes_later(
    login, administrator, council, caplog, django_capture_on_commit_callbacks
):
    client = login(administrator)
    data = {"full_name": "Howard Specialist", "email": "howard@council.example", "role": Role.COORDINATOR}

    with celery_through(UNREACHABLE_BROKER), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = client.post(reverse("accounts:staff_add"), {**data, "organisation": council.pk})
        took = time.monotonic() - started

    assert response.status_code == 302
    assert took < 10, f"the request waited {took:.1f}s for the broker"
    assert "Could not queue the outbox relay" in caplog.text
    assert User.objects.filter(email="howard@council.example").exists()
    (row,) = Message.objects.all()
    assert row.state == State.QUEUED
    assert mail.outbox == []

    # Later (beat's next relay, once the broker is back) the email goes out.
    assert services.relay() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["howard@council.example"], f"Set your password for {SERVICE}")
    ]


def test_a_temporary_failure_keeps_the_link_for_the_next_try(administrator, council, email_fails):
    add_howard(administrator, council)
    email_fails(smtplib.SMTPServerDisconnected("gone"))

    assert services.relay() == 1

    row = Message.objects.get()
    assert (row.state, row.attempts) == (State.QUEUED, 1)
    assert row.data[account_mail.LINK].startswith("http")


# --- plain text is not HTML ----------------------------------------------------------------------------------------


def test_messages_are_not_html_escaped(settings):
    data = {
        "school": "St Anne's Church of England Primary School",
        "senco": "Leo <Senco>",
        "council": "A & B",
    }

    rendered = templates_registry.render("ersa.senco_parent_link", data, link="https://x.test/?a=1&b=2")

    assert rendered.subject == (
        "St Anne's Church of England Primary School has started a request for an EHC needs assessment for your child"
    )
    assert "Leo <Senco> at St Anne's Church of England Primary School" in rendered.body
    assert "A & B" in rendered.body and "https://x.test/?a=1&b=2" in rendered.body
    assert "&#x27;" not in rendered.subject + rendered.body + rendered.sms
    assert "&amp;" not in rendered.subject + rendered.body + rendered.sms


def test_an_apostrophe_reaches_the_email_subject_as_typed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            template="ersa.senco_parent_link",
            data={"school": "St Anne's Primary", "senco": "Leo Senco", "council": "Riverside"},
            key="test:apostrophe",
            to_address="meera@example.org",
            link="https://x.test/",
        )

    (email,) = mail.outbox
    assert email.subject.startswith("St Anne's Primary has started a request")


def test_a_page_showing_a_message_escapes_it_once(login, parent):
    services.notify(
        template="ersa.senco_parent_link",
        data={"school": "St Anne's Primary", "senco": "Leo Senco", "council": "Riverside"},
        key="test:page",
        recipient=parent,
        channel=Channel.IN_APP,
    )

    html = login(parent).get(reverse("notifications:list")).content.decode()

    assert "St Anne&#x27;s Primary has started a request" in html
    assert "&amp;#x27;" not in html
