"""POST /api/v1/requests/ with an Idempotency-Key: a retry gets the first answer and nothing happens twice."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from cases import selectors as case_selectors
from cases.models import Case, CaseDocument, TimelineEvent
from forms_ersa import selectors, services
from forms_ersa.api import request_hash
from forms_ersa.models import DraftStatus, RequestDraft
from notifications.models import Message
from tests import factories
from tests.forms_ersa.test_api import URL, payload

pytestmark = pytest.mark.django_db

KEY = "3f1c9a52-7b7e-4d0a-9a43-2f4f0d6b9e11"


@pytest.fixture
def api(coordinator):
    client = APIClient()
    client.force_authenticate(user=coordinator)
    return client


def send(client, body, key=KEY):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(URL, body, format="json", headers=headers)


def counts() -> dict:
    """What a replay must not add to: cases, drafts, messages queued, timeline entries, documents."""
    return {
        "cases": Case.objects.count(),
        "drafts": RequestDraft.objects.count(),
        "messages": Message.objects.count(),
        "timeline": TimelineEvent.objects.count(),
        "documents": CaseDocument.objects.count(),
    }


def test_a_keyed_request_is_processed_and_keeps_its_key_and_the_hash_of_its_body(api):
    body = payload()

    response = send(api, body)

    assert response.status_code == 201, response.content
    assert "Idempotent-Replayed" not in response.headers
    draft = RequestDraft.objects.get(public_id=response.json()["request_id"])
    assert draft.status == DraftStatus.SUBMITTED
    assert draft.idempotency_key == KEY
    assert draft.request_hash == request_hash(body) and len(draft.request_hash) == 64


def test_the_hash_does_not_depend_on_key_order():
    body = payload()
    reordered = dict(reversed(list(body.items())))

    assert request_hash(reordered) == request_hash(body)
    assert request_hash(payload(email="someone@example.org")) != request_hash(body)


def test_a_retry_gets_the_first_answer_and_writes_nothing(api):
    first = send(api, payload())
    assert first.status_code == 201, first.content
    before = counts()

    retry = send(api, payload())

    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert counts() == before
    assert before["cases"] == 1 and before["drafts"] == 1


def test_a_retry_on_a_later_day_gets_the_dates_of_the_first_answer(api, monkeypatch):
    first = send(api, payload())
    assert first.json()["received_on"] == "2026-03-02"
    monkeypatch.setattr(case_selectors, "today", lambda: datetime.date(2026, 3, 20))

    retry = send(api, payload())

    assert retry.status_code == 201
    assert retry.json()["received_on"] == "2026-03-02"
    assert retry.json()["decision_by"] == "2026-04-13"
    assert retry.json() == first.json()


def test_a_retry_of_a_request_added_to_an_open_case_does_not_alert_the_coordinator_again(
    api, council, coordinator, business_support, monkeypatch
):
    # The real date: a request added to an open case is replayed with the day it was submitted.
    monkeypatch.setattr(case_selectors, "today", timezone.localdate)
    factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        first_name="Amara",
        last_name="Okafor",
        date_of_birth=datetime.date(2016, 5, 14),
        received_on=datetime.date(2026, 1, 5),
    )
    first = send(api, payload())
    assert first.status_code == 200, first.content
    assert first.json()["linked"] is True
    alerts = Message.objects.filter(template="case.repeat_request").count()
    assert alerts  # the coordinator was told once
    before = counts()

    retry = send(api, payload())

    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert Message.objects.filter(template="case.repeat_request").count() == alerts
    assert counts() == before


def test_the_same_key_with_a_different_body_is_422(api):
    first = send(api, payload())
    before = counts()

    response = send(api, payload(email="someone.else@example.org"))

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "already used for a different request" in detail and "new key" in detail
    assert "Idempotent-Replayed" not in response.headers
    assert counts() == before
    assert RequestDraft.objects.get().email == "meera@example.org"
    assert first.status_code == 201


@pytest.mark.parametrize(
    "key",
    ["", "k" * 101, "caf\u00e9", "tab\there", "bell\x07"],
    ids=["empty", "too-long", "not-ascii", "tab", "control"],
)
def test_a_key_that_is_not_1_to_100_printable_characters_is_400_naming_the_header(api, key):
    response = send(api, payload(), key=key)

    assert response.status_code == 400
    body = response.json()
    assert "Idempotency-Key" in body["detail"] and "1 to 100 printable" in body["detail"]
    assert body["problems"] == [{"section": "", "field": "Idempotency-Key", "message": body["detail"]}]
    assert not RequestDraft.objects.exists()


def test_a_key_of_100_printable_characters_with_spaces_is_accepted(api):
    key = ("batch 7 / row 12 " * 10)[:100]

    response = send(api, payload(), key=key)

    assert response.status_code == 201, response.content
    assert RequestDraft.objects.get().idempotency_key == key


def test_a_refused_request_keeps_nothing_so_its_key_can_be_used_once_it_is_put_right(api):
    body = payload()
    del body["answers"]["views"]

    refused = send(api, body)

    assert refused.status_code == 400
    assert not RequestDraft.objects.exists()

    fixed = send(api, payload())
    assert fixed.status_code == 201, fixed.content
    assert "Idempotent-Replayed" not in fixed.headers
    retry = send(api, payload())
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_a_key_whose_request_is_still_being_processed_is_409(api, council):
    body = payload()
    # What a request still inside its transaction looks like once it is visible: a draft with the key, not sent.
    services.start_draft(
        council=council,
        route="parent",
        email="meera@example.org",
        send_link=False,
        idempotency_key=KEY,
        request_hash=request_hash(body),
    )
    before = counts()

    response = send(api, body)

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "A request with this Idempotency-Key is still being processed; try again shortly"
    )
    assert response.headers["Retry-After"].isdigit()
    assert counts() == before
    assert not Case.objects.exists()


def lose_the_race(monkeypatch):
    """The first look-up misses the other request's draft, as when it commits just after: the insert then fails."""
    real = selectors.draft_by_idempotency_key
    calls = []

    def first_misses(*, council_id, key):
        calls.append(key)
        return None if len(calls) == 1 else real(council_id=council_id, key=key)

    monkeypatch.setattr(selectors, "draft_by_idempotency_key", first_misses)
    return calls


def test_losing_the_race_to_a_request_still_in_progress_is_409_and_rolls_back_cleanly(
    api, council, monkeypatch
):
    body = payload()
    services.start_draft(
        council=council,
        route="parent",
        email="meera@example.org",
        send_link=False,
        idempotency_key=KEY,
        request_hash=request_hash(body),
    )
    before = counts()
    calls = lose_the_race(monkeypatch)

    response = send(api, body)

    assert response.status_code == 409, response.content
    assert "still being processed" in response.json()["detail"]
    assert len(calls) == 2  # looked again after the unique key refused the insert
    assert counts() == before
    # The connection is still usable after the IntegrityError (PostgreSQL would refuse this otherwise).
    assert send(api, payload(), key="another-key").status_code == 201


def test_losing_the_race_to_a_request_that_has_been_sent_replays_it(api, monkeypatch):
    first = send(api, payload())
    assert first.status_code == 201
    before = counts()
    lose_the_race(monkeypatch)

    retry = send(api, payload())

    assert retry.status_code == 201, retry.content
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert counts() == before


def test_losing_the_race_with_a_different_body_is_422(api, monkeypatch):
    send(api, payload())
    before = counts()
    lose_the_race(monkeypatch)

    response = send(api, payload(email="someone.else@example.org"))

    assert response.status_code == 422
    assert counts() == before


def test_keys_belong_to_a_council(api, other_council):
    client = APIClient()
    client.force_authenticate(user=factories.staff(Role.COORDINATOR, other_council))

    assert send(api, payload()).status_code == 201
    response = send(client, payload())

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers
    assert Case.objects.filter(council=other_council).count() == 1


def test_without_a_key_a_resent_request_is_still_linked_to_the_case(api):
    first = send(api, payload(), key=None)
    second = send(api, payload(), key=None)

    assert first.status_code == 201 and second.status_code == 200
    assert "Idempotent-Replayed" not in second.headers
    assert Case.objects.count() == 1 and RequestDraft.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_key_at_the_same_moment_make_one_case(coordinator, monkeypatch):
    """The second waits on the unique key while the first is in its transaction, then gets the first's answer."""
    import threading

    from django.db import connection

    from tests.tiers import require_postgres

    require_postgres()
    real_submit = services.submit_request
    inside = threading.Event()

    def slow_submit(**kwargs):
        if not inside.is_set():
            inside.set()
            threading.Event().wait(0.5)  # hold the transaction open with the keyed draft inserted
        return real_submit(**kwargs)

    monkeypatch.setattr(services, "submit_request", slow_submit)
    real_lookup = selectors.draft_by_idempotency_key
    lookups = []

    def counted_lookup(**kwargs):
        lookups.append(kwargs["key"])
        return real_lookup(**kwargs)

    monkeypatch.setattr(selectors, "draft_by_idempotency_key", counted_lookup)
    responses = {}

    def send_first():
        try:
            client = APIClient()
            client.force_authenticate(user=coordinator)
            responses["first"] = send(client, payload())
        finally:
            connection.close()

    first = threading.Thread(target=send_first)
    first.start()
    assert inside.wait(10)
    client = APIClient()
    client.force_authenticate(user=coordinator)
    second = send(client, payload())
    first.join(10)

    assert responses["first"].status_code == 201, responses["first"].content
    assert second.status_code == 201, second.content
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == responses["first"].json()
    assert Case.objects.count() == 1 and RequestDraft.objects.count() == 1
    # One look-up for the first; two for the second, before its insert and after the unique key refused it.
    assert len(lookups) == 3
