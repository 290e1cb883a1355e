"""How a message leaves the service: email (Django's SMTP backend), GOV.UK Notify (email, text, letter), in-app.

A channel either returns a provider id, or raises TemporaryFailure (try again later, with backoff) or
PermanentFailure (never retried: the address is wrong or the provider refused it).
"""

import logging
import re
import smtplib
import threading
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, get_connection

from notifications.models import Channel, Message
from notifications.templates_registry import Rendered

logger = logging.getLogger(__name__)

# Seconds to wait for Notify; a worker must not hang on one message (Celery's soft limit is minutes).
NOTIFY_TIMEOUT = 20
# Notify takes at most 7 address lines, the first being the addressee, and at least 3 with a postcode last.
LETTER_MAX_LINES = 7
LETTER_MIN_LINES = 3
UK_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})$", re.IGNORECASE)


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
    except ValueError as error:
        # Django refuses an address with a line break or other header injection before sending.
        raise PermanentFailure(f"Invalid address: {error}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
    return f"smtp-{message.pk}"


# --- GOV.UK Notify ----------------------------------------------------------------------------------------

_clients = threading.local()


def notify_client():
    """One client per thread and configuration: the client keeps a requests session and is not thread-safe."""
    from notifications_python_client.notifications import NotificationsAPIClient

    config = (settings.NOTIFY_API_KEY, settings.NOTIFY_BASE_URL)
    cached = getattr(_clients, "notify", None)
    if cached is None or cached[0] != config:
        try:
            client = NotificationsAPIClient(
                settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=NOTIFY_TIMEOUT
            )
        except (AssertionError, ValueError) as error:
            # A deployment mistake (the key is not "<name>-<service id>-<secret>"): keep the message queued.
            raise TemporaryFailure("NOTIFY_API_KEY is not a Notify API key") from error
        cached = _clients.notify = (config, client)
    return cached[1]


def notify_reference(message: Message) -> str:
    """Notify shows references to its users and keeps them: the row id only, never a name or an address."""
    return f"msg-{message.pk}"


def _notify_error_text(error) -> str:
    """Notify answers {"errors": [{"error": "ValidationError", "message": "..."}]}: keep the words, not the repr."""
    if getattr(error, "response", None) is None:
        # No answer at all (refused, timed out): the client calls that a 503; say what really happened.
        return f"Notify unreachable: {type(error.__cause__ or error).__name__}"
    detail = error.message
    if isinstance(detail, list):
        detail = "; ".join(
            f"{item.get('error', 'Error')}: {item.get('message', '')}"
            if isinstance(item, dict)
            else str(item)
            for item in detail
        )
    return f"Notify {error.status_code}: {detail}"


def _call_notify(send, *, reference: str):
    """Run one Notify call, sorting its errors into permanent (never retried) and temporary (retried)."""
    from notifications_python_client.errors import APIError, HTTPError

    try:
        response = send()
    except HTTPError as error:
        # A failed connection or a timeout has no response: the client reports it as a 503.
        status = error.status_code
        text = _notify_error_text(error)
        if status in (408, 429) or status >= 500:
            raise TemporaryFailure(text) from error
        # 400 (e.g. an invalid address, a bad letter) and 403 (the key) fail the same way every time;
        # so does any other 4xx.
        raise PermanentFailure(text) from error
    except APIError as error:
        # Notify answered 2xx with something that is not JSON: it has probably taken the message, so a retry
        # could send it twice. A person checks Notify for the reference instead.
        raise PermanentFailure(
            f"Notify's answer could not be read (check Notify for {reference}): {error}"
        ) from error
    except OSError as error:
        raise TemporaryFailure(f"Notify unreachable: {error}") from error
    provider_id = str((response or {}).get("id") or "")
    if not provider_id:
        logger.warning("Notify accepted a message without giving its id")
    return provider_id


def _template_id(name: str) -> str:
    template_id = getattr(settings, name, "")
    if not template_id:
        # A deployment mistake, not the recipient's: retry (with backoff) until someone sets it.
        raise TemporaryFailure(f"{name} is not set: Notify cannot send this message")
    return template_id


def letter_address(name: str, address: str) -> dict[str, str]:
    """Notify's address_line_1..7: the addressee, then the address, with the postcode on the last line.

    Lines come from the address's line breaks (or commas, for an address typed on one line). When there are
    more than seven, the middle lines are joined, so the postcode stays last.
    """
    parts = [line.strip() for line in re.split(r"[\r\n]+", address or "") if line.strip()]
    if len(parts) == 1:
        parts = [part.strip() for part in parts[0].split(",") if part.strip()]
    lines = [name.strip(), *parts] if name and name.strip() else parts
    if len(lines) < LETTER_MIN_LINES:
        raise PermanentFailure("A letter needs a name and at least two address lines, with the postcode last")
    if not UK_POSTCODE.match(lines[-1]):
        raise PermanentFailure("The postal address must end with a UK postcode on its own line")
    if len(lines) > LETTER_MAX_LINES:
        keep = LETTER_MAX_LINES - 2
        lines = [*lines[:keep], ", ".join(lines[keep:-1]), lines[-1]]
    return {f"address_line_{i}": line for i, line in enumerate(lines, start=1)}


def statutory_document(message: Message) -> bytes | None:
    """The kept PDF of a statutory letter (message.data["document_path"] in the default storage), if any."""
    path = (message.data or {}).get("document_path")
    if not path:
        return None
    try:
        with default_storage.open(path, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError) as error:
        # The document may still be rendering: try again later; after the last try a person follows up.
        raise TemporaryFailure(f"The letter's document cannot be read yet: {type(error).__name__}") from error


def send_precompiled_letter(message: Message, pdf_bytes: bytes) -> str:
    """A letter we made ourselves (a decision letter, a plan): Notify prints and posts the PDF as it is.

    The address comes from the PDF's address block, so nothing but the reference travels beside it.
    """
    client = notify_client()
    reference = notify_reference(message)
    return _call_notify(
        lambda: client.send_precompiled_letter_notification(reference=reference, pdf_file=BytesIO(pdf_bytes)),
        reference=reference,
    )


def send_via_notify(message: Message, rendered: Rendered) -> str:
    """GOV.UK Notify: one generic template per channel whose content is our rendered text.

    The `reference` is the outbox row's id only: Notify's references are not for personal data.
    """
    reference = notify_reference(message)
    if message.channel == Channel.LETTER:
        pdf_bytes = statutory_document(message)
        if pdf_bytes is not None:
            return send_precompiled_letter(message, pdf_bytes)
    client = notify_client()
    if message.channel == Channel.EMAIL:
        to = destination(message)
        template_id = _template_id("NOTIFY_EMAIL_TEMPLATE_ID")
        return _call_notify(
            lambda: client.send_email_notification(
                email_address=to.address,
                template_id=template_id,
                personalisation={"subject": rendered.subject, "body": rendered.body},
                reference=reference,
            ),
            reference=reference,
        )
    if message.channel == Channel.SMS:
        to = destination(message)
        template_id = _template_id("NOTIFY_SMS_TEMPLATE_ID")
        return _call_notify(
            lambda: client.send_sms_notification(
                phone_number=to.address,
                template_id=template_id,
                personalisation={"body": rendered.sms},
                reference=reference,
            ),
            reference=reference,
        )
    if message.channel == Channel.LETTER:
        to = destination(message)
        personalisation = letter_address(to.name, to.address)
        personalisation.update(subject=rendered.subject, body=rendered.body)
        template_id = _template_id("NOTIFY_LETTER_TEMPLATE_ID")
        return _call_notify(
            lambda: client.send_letter_notification(
                template_id=template_id, personalisation=personalisation, reference=reference
            ),
            reference=reference,
        )
    raise PermanentFailure(f"Notify does not send {message.channel}")


def send(message: Message, rendered: Rendered) -> str:
    if settings.NOTIFY_API_KEY:
        return send_via_notify(message, rendered)
    if message.channel == Channel.EMAIL:
        return send_email(message, rendered)
    # Without Notify, text messages and letters cannot go out: a person must send them.
    raise PermanentFailure(f"No provider is configured for {message.get_channel_display().lower()}")
