"""Writing messages to the outbox, and relaying them out of it.

`notify(...)` runs inside the caller's transaction, so a message exists exactly when the event that caused it does.
The relay claims one queued row at a time with SELECT ... FOR UPDATE SKIP LOCKED and holds the lock while it sends,
so two workers never send the same message, and a worker that dies mid-send leaves the row queued for the next.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.policy import role_may
from core.languages import ENGLISH
from core.queue import enqueue
from notifications import channels, templates_registry
from notifications.models import Channel, Message, State

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def channel_for(user: User) -> str:
    """The person's chosen channel, falling back to a letter when they have no way to get the one they chose."""
    chosen = user.preferred_channel or Channel.EMAIL
    if chosen == Channel.SMS and not user.phone:
        chosen = Channel.EMAIL
    if chosen == Channel.EMAIL and not user.email:
        chosen = Channel.LETTER
    return chosen


# Atomic on its own, and a savepoint inside a caller's transaction: the message and its in-app copy exist together
# and exactly when their cause does, and a refused message (unknown template) leaves the caller's work usable.
@transaction.atomic
def notify(
    *,
    template: str,
    data: dict,
    key: str,
    recipient: User | None = None,
    to_address: str = "",
    to_name: str = "",
    channel: str | None = None,
    link: str = "",
    subject_ref: str = "",
    organisation_id: int | None = None,
    by: User | None = None,
    language: str = ENGLISH,
) -> list[Message]:
    """Queue one message (and an in-app copy for someone with an account). Same key twice: nothing new.

    `key` names the event and the person, e.g. "case:42:transition:7:user:5"; it makes retries of the same event
    harmless. `language` is the one the person asked for (the caller passes `user.language`, or a contact's). The
    row keeps it as given; the message is written in it only where there is a translation (`templates_registry`).
    """
    templates_registry.get(template)  # fail loudly on a typo, inside the caller's transaction
    if recipient is None and not to_address:
        raise ValueError("A message needs a recipient or an address")
    if recipient is not None and not recipient.is_active:
        return []
    chosen = channel or (channel_for(recipient) if recipient is not None else Channel.EMAIL)
    common = {
        "template": template,
        "data": data,
        "link": link,
        "subject_ref": subject_ref,
        "organisation_id": organisation_id,
        "created_by": by,
        "language": language or ENGLISH,
    }
    now = timezone.now()
    # An in-app message is delivered by being written: the relay never picks it up, so it must not wait as queued.
    delivered = {"state": State.DELIVERED, "sent_at": now, "delivered_at": now}
    rows = [
        Message.objects.get_or_create(
            idempotency_key=f"{key}:{chosen}",
            defaults={
                **common,
                "recipient": recipient,
                "to_address": to_address,
                "to_name": to_name,
                "channel": chosen,
                **(delivered if chosen == Channel.IN_APP else {}),
            },
        )[0]
    ]
    if recipient is not None and chosen != Channel.IN_APP:
        rows.append(
            Message.objects.get_or_create(
                idempotency_key=f"{key}:{Channel.IN_APP}",
                defaults={
                    **common,
                    "recipient": recipient,
                    "channel": Channel.IN_APP,
                    **delivered,
                },
            )[0]
        )
    transaction.on_commit(kick_relay)
    return rows


@dataclass(frozen=True)
class Outgoing:
    """One message for `notify_many`: the arguments of `notify()`."""

    template: str
    data: dict
    key: str
    recipient: User | None = None
    to_address: str = ""
    to_name: str = ""
    channel: str | None = None
    link: str = ""
    subject_ref: str = ""
    organisation_id: int | None = None
    language: str = ENGLISH


def notify_many(outgoing: list[Outgoing]) -> int:
    """Queue many messages with one insert (a reminder sweep), by the same rules as `notify()`. Like notify():
    an inactive recipient gets nothing, the channel follows the person's choice with its fallback, someone with
    an account also gets an in-app copy, the language is the one given (English if none), the same key twice
    writes nothing new, and the relay is kicked once the transaction commits.
    """
    if not outgoing:
        return 0
    for template in {message.template for message in outgoing}:
        templates_registry.get(template)  # fail loudly on a typo, inside the caller's transaction
    now = timezone.now()
    # An in-app message is delivered by being written: the relay never picks it up.
    delivered = {"state": State.DELIVERED, "sent_at": now, "delivered_at": now}
    rows: list[Message] = []
    for message in outgoing:
        if message.recipient is None and not message.to_address:
            raise ValueError("A message needs a recipient or an address")
        if message.recipient is not None and not message.recipient.is_active:
            continue
        chosen = message.channel or (
            channel_for(message.recipient) if message.recipient is not None else Channel.EMAIL
        )
        common = {
            "template": message.template,
            "data": message.data,
            "link": message.link,
            "subject_ref": message.subject_ref,
            "organisation_id": message.organisation_id,
            "recipient": message.recipient,
            "language": message.language or ENGLISH,
            "created_at": now,
            "next_attempt_at": now,
        }
        rows.append(
            Message(
                idempotency_key=f"{message.key}:{chosen}",
                to_address=message.to_address,
                to_name=message.to_name,
                channel=chosen,
                **(delivered if chosen == Channel.IN_APP else {}),
                **common,
            )
        )
        if message.recipient is not None and chosen != Channel.IN_APP:
            rows.append(
                Message(
                    idempotency_key=f"{message.key}:{Channel.IN_APP}",
                    channel=Channel.IN_APP,
                    **delivered,
                    **common,
                )
            )
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(kick_relay)
    return len(rows)


def kick_relay() -> None:
    """Ask a worker to relay now. If the broker is down the message waits for beat's next sweep: never lost."""
    try:
        enqueue("notifications.tasks.relay_outbox")
    except Exception:  # noqa: BLE001 - any broker error: the row is safe in the database
        logger.warning("Could not queue the outbox relay; beat will pick the messages up", exc_info=True)


def backoff(attempts: int) -> timedelta:
    # 1, 2, 4, 8 ... minutes, at most six hours between tries.
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _render_and_send(message: Message) -> str:
    """Hand the message to its channel; every error comes out as a TemporaryFailure or a PermanentFailure.

    Anything else would roll the claim back and leave the row first in the queue, so one bad row would stop every
    message behind it, on every run, for good.
    """
    try:
        rendered = templates_registry.render(
            message.template, message.data, link=message.link, language=message.language
        )
    except (DatabaseError, SoftTimeLimitExceeded):
        raise
    except Exception as error:  # noqa: BLE001 - see the docstring
        # Most likely a template this worker does not have yet (the web was deployed before the workers):
        # retried with backoff, and after the last try a person follows up.
        logger.exception("Message %s could not be rendered", message.pk)
        raise channels.TemporaryFailure(f"Could not render {message.template}: {error!r}") from error
    try:
        return channels.send(message, rendered)
    except (channels.TemporaryFailure, channels.PermanentFailure, DatabaseError, SoftTimeLimitExceeded):
        raise
    except Exception as error:  # noqa: BLE001 - see the docstring
        # Outside the channel's contract, e.g. an address the mail library cannot parse. Not retried: if it
        # happened after the provider took the message, a retry would send it twice. A person looks instead.
        logger.exception("Message %s failed unexpectedly", message.pk)
        raise channels.PermanentFailure(f"Unexpected error: {error!r}") from error


def _deliver(message: Message, *, now) -> None:
    message.attempts += 1
    try:
        provider_id = _render_and_send(message)
    except channels.PermanentFailure as error:
        message.state = State.FAILED
        message.failed_at = now
        message.last_error = str(error)[:2000]
        message.needs_follow_up = True
        logger.info("Message %s failed permanently: %s", message.pk, error)
    except channels.TemporaryFailure as error:
        message.last_error = str(error)[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.state = State.FAILED
            message.failed_at = now
            message.needs_follow_up = True
        else:
            message.next_attempt_at = now + backoff(message.attempts)
        logger.info("Message %s not sent (attempt %s): %s", message.pk, message.attempts, error)
    else:
        message.state = State.SENT
        message.sent_at = now
        message.provider_id = provider_id
        message.last_error = ""
    if message.state in (State.SENT, State.FAILED):
        _forget_secrets(message)
    message.save()


def _forget_secrets(message: Message) -> None:
    """Erase a single-use link once the email has gone (or will never go): the row is kept, the credential is not."""
    try:
        secret = templates_registry.get(message.template).secret
    except KeyError:
        return
    if secret and message.data:
        message.data = {key: ("" if key in secret else value) for key, value in message.data.items()}


def relay(*, limit: int | None = None) -> int:
    """Send queued messages whose time has come. Returns how many were attempted."""
    limit = limit or settings.OUTBOX_BATCH_SIZE
    attempted = 0
    while attempted < limit:
        now = timezone.now()
        with transaction.atomic():
            message = (
                Message.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(state=State.QUEUED, next_attempt_at__lte=now)
                .exclude(channel=Channel.IN_APP)
                .order_by("next_attempt_at", "id")
                .first()
            )
            if message is None:
                break
            _deliver(message, now=now)
        attempted += 1
    return attempted


@transaction.atomic(savepoint=False)
def mark_read(*, user: User, message_ids: list[int] | None = None) -> int:
    """Mark a person's in-app messages read (all of them when no ids are given)."""
    qs = Message.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)
    if message_ids is not None:
        qs = qs.filter(pk__in=message_ids)
    return qs.update(read_at=timezone.now())


class NotAllowed(Exception):
    pass


def record_follow_up(*, message: Message, by: User) -> Message:
    """Business support contacted the person another way (a letter, a call): the failure is dealt with."""
    if (
        not role_may(by, "follow_up_failures")
        or message.organisation_id is None
        or message.organisation_id != by.organisation_id
    ):
        raise NotAllowed("Only business support and service managers of the council can record a follow-up")
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if not locked.needs_follow_up:
            return locked  # someone else recorded it a moment ago
        locked.needs_follow_up = False
        locked.followed_up_at = timezone.now()
        locked.followed_up_by = by
        locked.save(update_fields=["needs_follow_up", "followed_up_at", "followed_up_by"])
    return locked


NOTIFY_STATUSES = {
    "delivered": State.DELIVERED,
    "permanent-failure": State.FAILED,
    "temporary-failure": State.FAILED,
    "technical-failure": State.FAILED,
}


def record_delivery_receipt(*, provider_id: str, status: str, at=None) -> Message | None:
    """A Notify delivery receipt: delivered, or failed for good (Notify has already retried temporary ones)."""
    new_state = NOTIFY_STATUSES.get(status)
    if new_state is None:
        return None
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(provider_id=provider_id).first()
        if message is None or message.state in (State.DELIVERED, State.FAILED):
            return message
        at = at or timezone.now()
        message.state = new_state
        if new_state == State.DELIVERED:
            message.delivered_at = at
        else:
            message.failed_at = at
            message.last_error = f"Notify: {status}"
            message.needs_follow_up = True
        message.save()
    return message


def redact_messages(*, subject_refs: list[str]) -> int:
    """Remove who a message went to and what it said, for records disposed of under a retention schedule.

    The row stays (when it was sent, the template, whether it arrived), so the count of messages still adds up.
    """
    if not subject_refs:
        return 0
    from core.redaction import redacted

    return Message.objects.filter(subject_ref__in=subject_refs).update(
        to_name="", to_address=redacted("to_address"), data={}, link="", last_error=""
    )
