"""The GOV.UK Notify channel against a local stand-in for Notify (tests/notifications/notify_server.py).

Messages go through the real outbox relay and the official client over HTTP on 127.0.0.1; receipts come back
through the callback endpoint as Notify would post them.
"""

import base64
import datetime
import json
import re
import socket

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from notifications import channels, services, templates_registry
from notifications.models import Channel, Message, State
from tests.notifications.notify_server import FakeNotify, make_api_key

pytestmark = pytest.mark.django_db

EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SMS_TEMPLATE = "8b1a6f5e-8f58-4d5c-9f0b-3a2a4f0e6c11"
LETTER_TEMPLATE = "2a5d7c1e-6b0f-4e2a-9d77-51c7a3e0b9f4"
CALLBACK_TOKEN = "notify-callback-token-0b6f5c2e9a7d4e1f"
LINK = "https://ehcp.council.example/cases/EHC-2026-00042/"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ADDRESS = "12 Acacia Avenue\nRiverside\nRV1 2AB"


@pytest.fixture
def notify(settings, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    with FakeNotify() as server:
        settings.NOTIFY_API_KEY = server.api_key
        settings.NOTIFY_BASE_URL = server.url
        settings.NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE
        settings.NOTIFY_SMS_TEMPLATE_ID = SMS_TEMPLATE
        settings.NOTIFY_LETTER_TEMPLATE_ID = LETTER_TEMPLATE
        settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
        yield server


@pytest.fixture
def callback(client, settings):
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN

    def post(body, *, token=CALLBACK_TOKEN, raw=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
        data = raw if raw is not None else json.dumps(body)
        return client.post(
            reverse("notifications:notify_callback"), data=data, content_type="application/json", **headers
        )

    return post


def example() -> dict:
    return dict(templates_registry.get("case.stage_changed").example)


def queue(recipient=None, *, key="event:1", channel=None, data=None, council=None, **kwargs) -> Message:
    rows = services.notify(
        template="case.stage_changed",
        data=data or example(),
        key=key,
        recipient=recipient,
        channel=channel,
        link=LINK,
        organisation_id=council.pk if council else None,
        **kwargs,
    )
    return next(row for row in rows if row.channel != Channel.IN_APP)


def rendered(message: Message):
    return templates_registry.render(message.template, message.data, link=message.link)


def assert_no_personal_data(reference: str, *values: str) -> None:
    assert re.fullmatch(r"msg-\d+", reference), reference
    for value in values:
        assert value.lower() not in reference.lower()


# --- Email ----------------------------------------------------------------------------------------------


def test_an_email_goes_through_notify_with_our_text_and_a_reference_without_personal_data(
    notify, parent, council
):
    message = queue(parent, council=council)

    assert services.relay() == 1

    [request] = notify.to("/v2/notifications/email")
    assert request.token_claims is not None and request.token_claims["iss"] == notify.service_id
    assert request.headers["Authorization"].startswith("Bearer ")
    text = rendered(message)
    assert request.body["email_address"] == "meera@example.org"
    assert request.body["template_id"] == EMAIL_TEMPLATE
    assert request.body["personalisation"] == {"subject": text.subject, "body": text.body}
    assert "Amara" in text.subject  # the child's first name is in the message, never in the reference
    assert request.body["reference"] == f"msg-{message.pk}"
    assert_no_personal_data(
        request.body["reference"], "Amara", "Meera", "meera@example.org", "EHC-2026-00042"
    )

    message.refresh_from_db()
    assert message.state == State.SENT
    assert message.sent_at is not None
    assert message.provider_id in notify.sent
    assert message.attempts == 1
    assert message.last_error == ""


def test_a_refused_address_fails_permanently_needs_follow_up_and_is_not_retried(notify, parent, council):
    notify.fail["meera@example.org"] = 400
    message = queue(parent, council=council)

    services.relay()

    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.needs_follow_up
    assert message.failed_at is not None
    assert message.last_error == "Notify 400: ValidationError: email_address Not a valid email address"
    assert message.provider_id == ""

    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(days=1))
    assert services.relay() == 0
    assert len(notify.to("/v2/notifications/email")) == 1


def test_a_wrong_api_key_is_refused_for_good(notify, settings, parent):
    settings.NOTIFY_API_KEY = make_api_key("another_key")  # valid format, but not this service's secret
    message = queue(parent)

    services.relay()

    [request] = notify.requests
    assert request.token_claims is None
    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.needs_follow_up
    assert message.last_error.startswith("Notify 403: AuthError")


@pytest.mark.parametrize("status", [500, 429])
def test_a_server_error_or_rate_limit_keeps_the_message_queued_with_backoff(notify, parent, status):
    notify.fail["meera@example.org"] = status
    message = queue(parent)
    before = timezone.now()

    services.relay()

    message.refresh_from_db()
    assert message.state == State.QUEUED
    assert not message.needs_follow_up
    assert message.attempts == 1
    assert message.last_error.startswith(f"Notify {status}:")
    assert message.next_attempt_at >= before + datetime.timedelta(seconds=59)

    # Not due yet: nothing is sent again until the backoff has passed.
    assert services.relay() == 0
    assert len(notify.requests) == 1

    del notify.fail["meera@example.org"]
    Message.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    services.relay()

    message.refresh_from_db()
    assert message.state == State.SENT
    assert message.attempts == 2
    assert len(notify.requests) == 2


def test_notify_unreachable_is_a_temporary_failure(notify, settings, parent):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{closed_port}"
    message = queue(parent)

    services.relay()

    message.refresh_from_db()
    assert message.state == State.QUEUED
    assert message.attempts == 1
    assert message.last_error.startswith("Notify unreachable")
    assert message.next_attempt_at > timezone.now()


def test_an_unreadable_answer_is_not_retried_because_notify_may_have_sent_it(notify, parent):
    notify.garble.add("meera@example.org")
    message = queue(parent)

    services.relay()

    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.needs_follow_up
    assert f"check Notify for msg-{message.pk}" in message.last_error
    assert len(notify.requests) == 1


def test_a_missing_notify_template_id_keeps_messages_queued(notify, settings, parent):
    settings.NOTIFY_EMAIL_TEMPLATE_ID = ""
    message = queue(parent)

    services.relay()

    assert notify.requests == []
    message.refresh_from_db()
    assert message.state == State.QUEUED
    assert not message.needs_follow_up
    assert "NOTIFY_EMAIL_TEMPLATE_ID" in message.last_error


# --- Text messages and letters --------------------------------------------------------------------------


def test_a_text_message_goes_with_the_short_wording(notify, parent):
    parent.phone = "07700 900123"
    parent.preferred_channel = Channel.SMS
    parent.save()
    message = queue(parent)

    services.relay()

    [request] = notify.to("/v2/notifications/sms")
    assert request.body["phone_number"] == "07700 900123"
    assert request.body["template_id"] == SMS_TEMPLATE
    assert request.body["personalisation"] == {"body": rendered(message).sms}
    assert_no_personal_data(request.body["reference"], "07700")
    message.refresh_from_db()
    assert message.state == State.SENT
    assert message.provider_id in notify.sent


def test_a_letter_goes_with_the_name_and_address_lines_postcode_last(notify, parent):
    parent.preferred_channel = Channel.LETTER
    parent.postal_address = ADDRESS
    parent.save()
    message = queue(parent)

    services.relay()

    [request] = notify.to("/v2/notifications/letter")
    text = rendered(message)
    assert request.body["template_id"] == LETTER_TEMPLATE
    assert request.body["personalisation"] == {
        "address_line_1": "Meera Parent",
        "address_line_2": "12 Acacia Avenue",
        "address_line_3": "Riverside",
        "address_line_4": "RV1 2AB",
        "subject": text.subject,
        "body": text.body,
    }
    assert_no_personal_data(request.body["reference"], "Meera", "Acacia", "RV1")
    message.refresh_from_db()
    assert message.state == State.SENT
    assert message.provider_id in notify.sent


def test_a_letter_without_a_postcode_is_not_sent_and_needs_a_person(notify, parent):
    parent.preferred_channel = Channel.LETTER
    parent.postal_address = "12 Acacia Avenue\nRiverside"
    parent.save()
    message = queue(parent)

    services.relay()

    assert notify.requests == []
    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.needs_follow_up
    assert "postcode" in message.last_error


def test_letter_address_lines():
    assert channels.letter_address("A Person", "1 High Street, Riverside, RV1 2AB") == {
        "address_line_1": "A Person",
        "address_line_2": "1 High Street",
        "address_line_3": "Riverside",
        "address_line_4": "RV1 2AB",
    }
    long = channels.letter_address(
        "A Person", "Flat 2\nThe Mill\n1 High St\nOld Town\nRiverside\nRiverShire\nRV12AB"
    )
    assert len(long) == 7
    assert long["address_line_6"] == "Riverside, RiverShire"
    assert long["address_line_7"] == "RV12AB"
    with pytest.raises(channels.PermanentFailure):
        channels.letter_address("A Person", "RV1 2AB")
    with pytest.raises(channels.PermanentFailure):
        channels.letter_address("A Person", "1 High Street\nRiverside\nEngland")


def test_a_statutory_letter_goes_as_the_kept_pdf(notify, settings, tmp_path, parent):
    settings.MEDIA_ROOT = tmp_path
    path = default_storage.save("letters/decision.pdf", ContentFile(PDF))
    message = queue(parent, channel=Channel.LETTER, data={**example(), "document_path": path})

    services.relay()

    [request] = notify.to("/v2/notifications/letter")
    assert request.body == {"reference": f"msg-{message.pk}", "content": base64.b64encode(PDF).decode()}
    assert request.token_claims["iss"] == notify.service_id
    message.refresh_from_db()
    assert message.state == State.SENT
    assert message.provider_id in notify.sent


def test_a_statutory_letter_whose_document_is_not_there_yet_waits(notify, settings, tmp_path, parent):
    settings.MEDIA_ROOT = tmp_path
    message = queue(
        parent, channel=Channel.LETTER, data={**example(), "document_path": "letters/missing.pdf"}
    )

    services.relay()

    assert notify.requests == []
    message.refresh_from_db()
    assert message.state == State.QUEUED
    assert "document" in message.last_error


# --- Delivery receipts ----------------------------------------------------------------------------------


def _sent(notify, parent) -> Message:
    message = queue(parent)
    services.relay()
    message.refresh_from_db()
    assert message.state == State.SENT
    return message


def test_a_delivery_receipt_marks_the_message_delivered(notify, callback, parent):
    message = _sent(notify, parent)
    receipt = notify.receipt(message.provider_id, "delivered")
    assert receipt["reference"] == f"msg-{message.pk}"

    response = callback(receipt)

    assert response.status_code == 204
    message.refresh_from_db()
    assert message.state == State.DELIVERED
    assert message.delivered_at is not None
    assert not message.needs_follow_up


@pytest.mark.parametrize("token", ["not-the-token", "", None])
def test_a_receipt_without_the_right_token_is_refused_and_changes_nothing(notify, callback, parent, token):
    message = _sent(notify, parent)

    response = callback(notify.receipt(message.provider_id, "delivered"), token=token)

    assert response.status_code == 401
    message.refresh_from_db()
    assert message.state == State.SENT
    assert message.delivered_at is None


def test_a_permanent_failure_receipt_fails_the_message_for_follow_up(notify, callback, parent):
    message = _sent(notify, parent)

    response = callback(notify.receipt(message.provider_id, "permanent-failure"))

    assert response.status_code == 204
    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.needs_follow_up
    assert message.failed_at is not None
    assert "permanent-failure" in message.last_error


def test_the_callback_does_not_exist_without_a_configured_token(client, settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    response = client.post(
        reverse("notifications:notify_callback"),
        data=json.dumps({"id": "x", "status": "delivered"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer ",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "raw", ["{not json", "[]", json.dumps({"status": "delivered"}), json.dumps({"id": 5})]
)
def test_a_malformed_receipt_is_a_bad_request(callback, raw):
    assert callback(None, raw=raw).status_code == 400


def test_a_receipt_for_an_unknown_message_is_accepted_and_ignored(callback, parent):
    response = callback({"id": "3f9c1b2e-0000-4000-8000-000000000000", "status": "delivered"})
    assert response.status_code == 204


def test_the_callback_takes_only_posts(client, callback):
    response = client.get(
        reverse("notifications:notify_callback"), HTTP_AUTHORIZATION=f"Bearer {CALLBACK_TOKEN}"
    )
    assert response.status_code == 405
