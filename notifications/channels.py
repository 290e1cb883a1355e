"""How a message leaves the service: email (Django's SMTP backend), GOV.UK Notify (email, text, letter), in-app.

A channel either returns a provider id, or raises TemporaryFailure (try again later, with backoff) or
PermanentFailure (never retried: the address is wrong or the provider refused it).
"""

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from notifications.models import Channel, Message
from notifications.templates_registry import Rendered


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


@dataclass(frozen=True)
class Destination:
    name: str
    address: str


def destination(message: Message) -> Destination:
    """Where this message goes: the address written on the row, else the recipient's own details."""
    user = message.recipient
    if message.to_address:
        return Destination(message.to_name, message.to_address)
    if user is None:
        raise PermanentFailure("No address for this message")
    if message.channel == Channel.SMS:
        if not user.phone:
            raise PermanentFailure("No mobile number")
        return Destination(user.full_name, user.phone)
    if message.channel == Channel.LETTER:
        if not user.postal_address:
            raise PermanentFailure("No postal address")
        return Destination(user.full_name, user.postal_address)
    return Destination(user.full_name, user.email)


def send_email(message: Message, rendered: Rendered) -> str:
    to = destination(message)
    email = EmailMessage(
        subject=rendered.subject,
        body=rendered.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to.address],
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
        headers={"X-Message-Ref": f"msg-{message.pk}"},
    )
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentFailure(f"Address refused: {error.recipients}") from error
    except smtplib.SMTPResponseException as error:
        # 5xx replies are the server's final word; 4xx ask us to come back later.
        if 500 <= error.smtp_code < 600:
            raise PermanentFailure(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
        raise TemporaryFailure(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
    return f"smtp-{message.pk}"


def notify_client():
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL)


def send_via_notify(message: Message, rendered: Rendered) -> str:
    """GOV.UK Notify: one generic template per channel whose content is our rendered text.

    The `reference` is the outbox row's id only: Notify's references are not for personal data.
    """
    from notifications_python_client.errors import HTTPError

    client = notify_client()
    to = destination(message)
    reference = f"msg-{message.pk}"
    try:
        if message.channel == Channel.EMAIL:
            response = client.send_email_notification(
                email_address=to.address,
                template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
                personalisation={"subject": rendered.subject, "body": rendered.body},
                reference=reference,
            )
        elif message.channel == Channel.SMS:
            response = client.send_sms_notification(
                phone_number=to.address,
                template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
                personalisation={"body": rendered.sms},
                reference=reference,
            )
        elif message.channel == Channel.LETTER:
            lines = [to.name, *[line.strip() for line in to.address.splitlines() if line.strip()]]
            if len(lines) < 3:
                raise PermanentFailure("A letter needs a name and at least two address lines")
            personalisation = {f"address_line_{i}": line for i, line in enumerate(lines[:7], start=1)}
            personalisation.update(subject=rendered.subject, body=rendered.body)
            response = client.send_letter_notification(
                template_id=settings.NOTIFY_LETTER_TEMPLATE_ID,
                personalisation=personalisation,
                reference=reference,
            )
        else:
            raise PermanentFailure(f"Notify does not send {message.channel}")
    except HTTPError as error:
        # Notify: 400 (bad request, e.g. an invalid address) and 403 (key) will fail the same way every time.
        if error.status_code in (400, 403):
            raise PermanentFailure(f"Notify {error.status_code}: {error.message}") from error
        raise TemporaryFailure(f"Notify {error.status_code}: {error.message}") from error
    except (ConnectionError, OSError) as error:
        raise TemporaryFailure(f"Notify unreachable: {error}") from error
    return str(response.get("id", ""))


def send(message: Message, rendered: Rendered) -> str:
    if settings.NOTIFY_API_KEY:
        return send_via_notify(message, rendered)
    if message.channel == Channel.EMAIL:
        return send_email(message, rendered)
    # Without Notify, text messages and letters cannot go out: a person must send them.
    raise PermanentFailure(f"No provider is configured for {message.get_channel_display().lower()}")
