"""The outbox on any database: what notify() writes, what a case transition tells the family, how the relay moves a
row through its states, and that a web request succeeds (and the message waits) when the broker is down."""

import datetime
import smtplib
import time

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services as case_services
from cases.models import TimelineEvent
from core.forms import DateInputWidget
from notifications import services
from notifications.models import Channel, Message, State
from tests import factories
from tests.notifications.conftest import celery_eager, celery_through

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: connecting is refused at once, as when Redis is down.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
DATA = {
    "child_first_name": "Amara",
    "reference": "EHC-2026-00042",
    "headline": "We have decided to carry out an EHC needs assessment",
    "explanation": "We are gathering advice from the people who know the child.",
    "next_step": "We will tell you by 22 June 2026 whether we will issue a plan",
    "reason": "",
    "appeal": False,
}


@pytest.fixture(autouse=True)
def tasks_run_here():
    """Whatever the environment says, a task queued by these tests runs in this process (mail to mail.outbox)."""
    with celery_eager():
        yield


def queue(**kwargs) -> list[Message]:
    """notify() with a usable template and data; keyword arguments override."""
    values = {"template": "case.stage_changed", "data": DATA, "key": "test:1", "link": "http://x.test/case/"}
    return services.notify(**{**values, **kwargs})


def family_user(**kwargs):
    values = {"role": Role.PARENT, "organisation": None, "full_name": "Dev Parent"}
    return factories.UserFactory(**{**values, **kwargs})


def outward(qs=None):
    """Messages that leave the service (not the in-app copies)."""
    return (qs if qs is not None else Message.objects.all()).exclude(channel=Channel.IN_APP)


def make_due(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


# --- notify() ----------------------------------------------------------------------------------------------


def test_a_user_gets_their_chosen_channel_and_an_in_app_copy():
    user = family_user(email="dev@example.org")

    rows = queue(recipient=user, key="case:1:event:2:user:3", subject_ref="case:1")

    assert [(m.channel, m.state) for m in rows] == [
        (Channel.EMAIL, State.QUEUED),
        (Channel.IN_APP, State.DELIVERED),
    ]
    email, in_app = rows
    assert (email.recipient, email.to_address, email.idempotency_key) == (
        user,
        "",
        "case:1:event:2:user:3:email",
    )
    assert email.sent_at is None and email.attempts == 0
    assert in_app.recipient == user and in_app.read_at is None
    assert in_app.sent_at is not None and in_app.delivered_at is not None
    for row in rows:
        assert (row.template, row.data, row.link, row.subject_ref) == (
            "case.stage_changed",
            DATA,
            "http://x.test/case/",
            "case:1",
        )
    assert Message.objects.count() == 2


def test_an_address_without_an_account_gets_one_email():
    rows = queue(to_address="gran@example.org", to_name="Gran Okafor")

    assert len(rows) == 1
    assert (rows[0].channel, rows[0].state, rows[0].recipient) == (Channel.EMAIL, State.QUEUED, None)
    assert (rows[0].to_address, rows[0].to_name) == ("gran@example.org", "Gran Okafor")
    assert Message.objects.count() == 1


def test_the_same_key_twice_creates_nothing_new():
    user = family_user()

    first = queue(recipient=user, key="event:7:user")
    again = queue(recipient=user, key="event:7:user")
    by_address = queue(to_address="gran@example.org", key="event:7:gran")
    by_address_again = queue(to_address="gran@example.org", key="event:7:gran")

    assert [m.pk for m in again] == [m.pk for m in first]
    assert [m.pk for m in by_address_again] == [m.pk for m in by_address]
    assert Message.objects.count() == 3


def test_an_inactive_user_gets_nothing():
    user = family_user(is_active=False)

    assert queue(recipient=user) == []
    assert not Message.objects.exists()


def test_an_unknown_template_raises_and_writes_nothing():
    with pytest.raises(KeyError, match="case.no_such_template"):
        queue(template="case.no_such_template", to_address="gran@example.org")
    assert not Message.objects.exists()


def test_a_message_needs_a_recipient_or_an_address():
    with pytest.raises(ValueError, match="recipient or an address"):
        queue()


@pytest.mark.parametrize(
    ("preferred", "email", "phone", "expected"),
    [
        ("email", "dev@example.org", "", Channel.EMAIL),
        ("sms", "dev@example.org", "07700 900123", Channel.SMS),
        ("sms", "dev@example.org", "", Channel.EMAIL),  # no mobile number: email instead
        ("email", "", "", Channel.LETTER),  # no email address: a letter
        ("sms", "", "", Channel.LETTER),  # neither: a letter
        ("letter", "dev@example.org", "", Channel.LETTER),
    ],
)
def test_the_channel_follows_the_persons_preference_with_fallbacks(preferred, email, phone, expected):
    user = family_user(
        preferred_channel=preferred, email=email, phone=phone, postal_address="1 High St\nTown\nAB1 2CD"
    )

    rows = queue(recipient=user)

    assert [m.channel for m in rows] == [expected, Channel.IN_APP]
    assert rows[0].idempotency_key == f"test:1:{expected}"


def test_a_message_only_for_in_app_is_delivered_not_left_queued():
    user = family_user()

    rows = queue(recipient=user, channel=Channel.IN_APP)

    assert [(m.channel, m.state) for m in rows] == [(Channel.IN_APP, State.DELIVERED)]
    assert rows[0].delivered_at is not None
    assert not Message.objects.filter(state=State.QUEUED).exists()


def test_notify_asks_for_a_relay_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (row,) = queue(to_address="gran@example.org")
        assert mail.outbox == []  # nothing leaves before the commit

    assert services.kick_relay in callbacks
    row.refresh_from_db()
    assert row.state == State.SENT
    assert [m.to for m in mail.outbox] == [["gran@example.org"]]


# --- what a case transition tells the family ----------------------------------------------------------------


def transition(case, name, *, by, reason=""):
    return case_services.case_transition(case=case, name=name, by=by, reason=reason)


def messages_for_last_event(case) -> list[Message]:
    event = TimelineEvent.objects.filter(case=case).latest("occurred_at", "id")
    return list(
        Message.objects.filter(idempotency_key__startswith=f"case:{case.pk}:event:{event.pk}:").order_by("id")
    )


def case_link(case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("cases:detail", kwargs={"reference": case.reference})


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def family_case(case, parent):
    """A case whose family is a parent with an account (Meera) and a contact without one (parent@example.org)."""
    factories.add_family_member(case, parent)
    return case


@pytest.fixture
def deciding_case(family_case, coordinator):
    """The family case at "deciding whether to assess", with what was queued so far already sent."""
    case = transition(family_case, "start_assessment_decision", by=coordinator)
    services.relay()
    mail.outbox.clear()
    return case


def test_a_transition_queues_one_message_per_family_recipient_and_the_relay_emails_what_changed(
    deciding_case, coordinator, parent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        case = transition(deciding_case, "agree_to_assess", by=coordinator)

    assert services.kick_relay in callbacks
    rows = messages_for_last_event(case)
    sent_out = [m for m in rows if m.channel != Channel.IN_APP]
    assert len(sent_out) == 2
    assert {(m.recipient_id, m.to_address, m.channel, m.state) for m in sent_out} == {
        (parent.pk, "", Channel.EMAIL, State.QUEUED),
        (None, "parent@example.org", Channel.EMAIL, State.QUEUED),
    }
    assert [(m.recipient, m.state) for m in rows if m.channel == Channel.IN_APP] == [
        (parent, State.DELIVERED)
    ]
    assert {m.template for m in rows} == {"case.stage_changed"}
    assert {m.link for m in rows} == {case_link(case)}
    assert {m.subject_ref for m in rows} == {f"case:{case.pk}"}

    assert services.relay() == 2

    assert sorted(email.to[0] for email in mail.outbox) == ["meera@example.org", "parent@example.org"]
    next_date = long_date(case.received_on + datetime.timedelta(weeks=16))
    for email in mail.outbox:
        assert len(email.to) == 1
        assert case.reference in email.subject
        assert (
            email.subject
            == f"{case.child.known_as}'s EHC case {case.reference}: We have decided to carry out an EHC needs assessment"
        )
        assert "We have decided to carry out an EHC needs assessment." in email.body  # what changed
        assert "We are gathering advice from the people who know the child." in email.body
        assert f"What happens next: Decide whether to issue a plan by {next_date}" in email.body
        assert f"See the case and everything on it: {case_link(case)}" in email.body
        assert "SEND Tribunal" not in email.body
    assert {email.extra_headers["X-Message-Ref"] for email in mail.outbox} == {
        f"msg-{m.pk}" for m in sent_out
    }
    for row in sent_out:
        row.refresh_from_db()
        assert (row.state, row.attempts, row.provider_id) == (State.SENT, 1, f"smtp-{row.pk}")
        assert row.sent_at is not None

    assert services.relay() == 0
    assert len(mail.outbox) == 2


def test_a_decision_not_to_assess_tells_the_family_the_reason_and_their_appeal_rights(
    deciding_case, coordinator
):
    reason = "The school can meet Amara's needs from its own resources."
    case = transition(deciding_case, "refuse_assessment", by=coordinator, reason=reason)

    assert len([m for m in messages_for_last_event(case) if m.channel != Channel.IN_APP]) == 2
    assert services.relay() == 2

    assert sorted(email.to[0] for email in mail.outbox) == ["meera@example.org", "parent@example.org"]
    for email in mail.outbox:
        assert (
            case.reference in email.subject
            and "We have decided not to carry out an EHC needs assessment" in email.subject
        )
        assert f"Why: {reason}" in email.body
        assert "mediation" in email.body
        assert "SEND Tribunal" in email.body
        assert "within 2 months" in email.body
        assert case_link(case) in email.body
    assert services.relay() == 0
    assert len(mail.outbox) == 2


# --- the relay: each state a row can reach ------------------------------------------------------------------


def test_a_sent_message_is_marked_sent():
    (row,) = queue(to_address="gran@example.org")
    before = timezone.now()

    assert services.relay() == 1

    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error, row.provider_id) == (State.SENT, 1, "", f"smtp-{row.pk}")
    assert before <= row.sent_at <= timezone.now()
    assert not row.needs_follow_up
    assert [m.to for m in mail.outbox] == [["gran@example.org"]]


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPResponseException(451, b"4.3.0 Try again later"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
    ids=["disconnected", "4xx", "refused"],
)
def test_a_temporary_failure_stays_queued_and_is_retried_after_1_2_4_minutes(email_fails, error):
    email_fails(error)
    (row,) = queue(to_address="gran@example.org")

    for attempt, minutes in [(1, 1), (2, 2), (3, 4)]:
        before = timezone.now()
        assert services.relay() == 1
        after = timezone.now()

        row.refresh_from_db()
        assert (row.state, row.attempts) == (State.QUEUED, attempt)
        assert before + datetime.timedelta(minutes=minutes) <= row.next_attempt_at
        assert row.next_attempt_at <= after + datetime.timedelta(minutes=minutes)
        assert type(error).__name__ in row.last_error or "451" in row.last_error
        assert not row.needs_follow_up and row.failed_at is None
        assert services.relay() == 0  # not due again yet
        make_due(row)


def test_after_the_last_attempt_a_temporary_failure_becomes_permanent_and_needs_follow_up(email_fails):
    email_fails(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    (row,) = queue(to_address="gran@example.org")

    for _ in range(services.MAX_ATTEMPTS):
        make_due(row)
        assert services.relay() == 1

    row.refresh_from_db()
    assert (row.state, row.attempts, row.needs_follow_up) == (State.FAILED, services.MAX_ATTEMPTS, True)
    assert row.failed_at is not None and "SMTPServerDisconnected" in row.last_error
    make_due(row)
    assert services.relay() == 0


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"gran@example.org": (550, b"5.1.1 No such mailbox")}),
        smtplib.SMTPResponseException(554, b"5.7.1 Message rejected"),
        smtplib.SMTPDataError(552, b"5.3.4 Message too big"),
    ],
    ids=["recipient-refused", "5xx", "data-5xx"],
)
def test_a_permanent_failure_fails_at_once_needs_follow_up_and_is_never_retried(email_fails, error):
    email_fails(error)
    (row,) = queue(to_address="gran@example.org")

    assert services.relay() == 1

    row.refresh_from_db()
    assert (row.state, row.attempts, row.needs_follow_up) == (State.FAILED, 1, True)
    assert row.failed_at is not None and row.last_error
    make_due(row)
    assert services.relay() == 0
    row.refresh_from_db()
    assert row.attempts == 1


def test_a_message_not_yet_due_is_not_sent():
    (row,) = queue(to_address="gran@example.org")
    Message.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))

    assert services.relay() == 0

    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.QUEUED, 0)
    assert mail.outbox == []


def test_in_app_copies_are_never_relayed():
    queue(recipient=family_user())

    assert services.relay() == 1  # the email only
    assert Message.objects.get(channel=Channel.IN_APP).state == State.DELIVERED


def test_a_message_that_cannot_be_rendered_does_not_hold_up_the_ones_behind_it():
    (stuck,) = queue(to_address="first@example.org", key="test:stuck")
    # A template this process does not know, as when the web is deployed before the workers.
    Message.objects.filter(pk=stuck.pk).update(template="case.added_in_a_later_release")
    (behind,) = queue(to_address="second@example.org", key="test:behind")

    assert services.relay() == 2

    stuck.refresh_from_db()
    behind.refresh_from_db()
    assert (stuck.state, stuck.attempts) == (State.QUEUED, 1)
    assert "case.added_in_a_later_release" in stuck.last_error
    assert stuck.next_attempt_at > timezone.now()
    assert behind.state == State.SENT
    assert [m.to for m in mail.outbox] == [["second@example.org"]]


def test_an_address_the_mail_library_rejects_fails_for_a_person_to_follow_up_without_holding_up_the_queue():
    (bad,) = queue(to_address="gran@example.org\nBcc: everyone@example.org", key="test:bad")
    (behind,) = queue(to_address="second@example.org", key="test:behind")

    assert services.relay() == 2

    bad.refresh_from_db()
    behind.refresh_from_db()
    assert (bad.state, bad.needs_follow_up) == (State.FAILED, True)
    assert behind.state == State.SENT
    assert [m.to for m in mail.outbox] == [["second@example.org"]]
    make_due(bad)
    assert services.relay() == 0


def test_a_full_batch_carries_on_at_once_instead_of_waiting_for_beat(settings):
    from notifications.tasks import relay_outbox

    settings.OUTBOX_BATCH_SIZE = 2
    for n in range(5):
        queue(to_address=f"person{n}@example.org", key=f"test:batch:{n}")

    assert relay_outbox() == 2  # this run's batch; it queued the next run, which (eager here) ran at once

    assert set(Message.objects.values_list("state", flat=True)) == {State.SENT}
    assert len(mail.outbox) == 5


# --- through a real SMTP server on loopback (in this process) -----------------------------------------------


def test_the_smtp_channel_delivers_to_a_real_smtp_server(smtp_email):
    (row,) = queue(to_address="gran@example.org", to_name="Gran Okafor")

    assert services.relay() == 1

    (received,) = smtp_email.sink.wait_for(1, timeout=10)
    assert received.rcpt_tos == ("gran@example.org",)
    assert received.to == "gran@example.org"
    assert received.ref == f"msg-{row.pk}"
    assert (
        received.subject
        == "Amara's EHC case EHC-2026-00042: We have decided to carry out an EHC needs assessment"
    )
    assert "What happens next: We will tell you by 22 June 2026 whether we will issue a plan" in received.text
    assert "http://x.test/case/" in received.text
    row.refresh_from_db()
    assert row.state == State.SENT


def test_a_recipient_the_smtp_server_refuses_is_a_permanent_failure(smtp_email):
    smtp_email.sink.refused.add("nobody@example.org")
    (row,) = queue(to_address="nobody@example.org")

    assert services.relay() == 1

    row.refresh_from_db()
    assert (row.state, row.needs_follow_up, row.attempts) == (State.FAILED, True, 1)
    assert "nobody@example.org" in row.last_error
    assert smtp_email.sink.count() == 0


def test_an_smtp_server_that_is_not_there_is_a_temporary_failure(settings):
    from tests.notifications.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    (row,) = queue(to_address="gran@example.org")

    assert services.relay() == 1

    row.refresh_from_db()
    assert (row.state, row.attempts, row.needs_follow_up) == (State.QUEUED, 1, False)
    assert "ConnectionRefusedError" in row.last_error


# --- the broker is down ---------------------------------------------------------------------------------------


def date_fields(name: str, day: datetime.date) -> dict:
    suffixes = DateInputWidget().widgets_names
    return {f"{name}{s}": str(v) for s, v in zip(suffixes, (day.day, day.month, day.year), strict=True)}


def test_with_the_broker_unreachable_a_transition_through_the_web_succeeds_and_the_message_waits(
    family_case, coordinator, client, caplog, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    services.relay()  # what logging the request queued
    mail.outbox.clear()
    url = reverse("cases:transition", args=[family_case.reference, "start_assessment_decision"])

    with celery_through(UNREACHABLE_BROKER), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = client.post(url, {**date_fields("on", timezone.localdate()), "reason": "", "version": "1"})
        took = time.monotonic() - started

    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[family_case.reference])
    assert took < 10, f"the request waited {took:.1f}s for the broker"
    assert "Could not queue the outbox relay" in caplog.text
    family_case.refresh_from_db()
    assert family_case.stage == "deciding_to_assess"
    waiting = outward(Message.objects.filter(template="case.stage_changed"))
    assert sorted((m.to_address or m.recipient.email, m.state) for m in waiting) == [
        ("meera@example.org", State.QUEUED),
        ("parent@example.org", State.QUEUED),
    ]
    assert mail.outbox == []

    # Later (beat's next relay, once the broker is back) the message goes out.
    assert services.relay() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["meera@example.org", "parent@example.org"]
    assert {m.state for m in waiting.all()} == {State.SENT}
