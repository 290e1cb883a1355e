"""The outbox's "done means", on real servers: PostgreSQL, Redis, a Celery worker in a process of its own, and an
SMTP server on loopback that the test reads.

A transition produces exactly one message per recipient and a real worker delivers it; killing the worker in the
middle of a batch loses nothing and sends nothing twice; with Redis stopped the web request still succeeds and the
message goes out once Redis is back. CI sets REQUIRE_ALL_TIERS=1, so these fail there rather than skip.
"""

import datetime
import time
import uuid
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import TimelineEvent
from core.forms import DateInputWidget
from notifications import services
from notifications.models import Channel, Message, State
from notifications.tasks import relay_outbox
from tests import factories
from tests.notifications.conftest import WAIT_SECONDS, celery_eager, celery_through, wait_until
from tests.tiers import require_postgres, require_redis

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BATCH = 60
# The worker is killed while the SMTP server is taking the message after this many.
KILLED_AFTER = 20


@pytest.fixture
def redis_url():
    require_postgres()
    return require_redis()


@pytest.fixture
def queue_name(redis_url):
    """A Celery queue of this test's own, so no other worker on the same Redis takes its tasks; removed after."""
    import redis

    name = f"ehcp-test-outbox-{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3)
    try:
        # The queue and kombu's bindings for it (keys named after it).
        for key in client.scan_iter(match=f"*{name}*"):
            client.delete(key)
        # A task a killed worker never acknowledged waits in "unacked" to be put back on our queue: drop it.
        for tag, payload in client.hgetall("unacked").items():
            if name.encode() in payload:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()


def outward_messages(**filters):
    return Message.objects.filter(**filters).exclude(channel=Channel.IN_APP)


def messages_for_last_event(case):
    event = TimelineEvent.objects.filter(case=case).latest("occurred_at", "id")
    return outward_messages(idempotency_key__startswith=f"case:{case.pk}:event:{event.pk}:").order_by("id")


def all_sent(ids) -> bool:
    return Message.objects.filter(pk__in=ids, state=State.SENT).count() == len(ids)


def states(ids) -> dict:
    return dict(Counter(Message.objects.filter(pk__in=ids).values_list("state", flat=True)))


def test_a_transition_reaches_a_real_smtp_server_through_redis_and_a_real_worker(
    redis_url, queue_name, smtp_server, celery_worker, council, business_support, coordinator, parent, school
):
    with celery_eager():  # what setting the case up queues goes out here, to mail.outbox
        case = factories.make_case(
            council=council, by=business_support, coordinator=coordinator, school=school
        )
        factories.add_family_member(case, parent)
        case = case_services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    assert not outward_messages(state=State.QUEUED).exists()
    worker = celery_worker(redis_url=redis_url, queue=queue_name, smtp_port=smtp_server.port)

    with celery_through(redis_url, queue=queue_name):
        case = case_services.case_transition(case=case, name="agree_to_assess", by=coordinator)
        rows = list(messages_for_last_event(case))
        assert len(rows) == 2
        assert {(m.recipient_id, m.to_address) for m in rows} == {
            (parent.pk, ""),
            (None, "parent@example.org"),
        }

        received = smtp_server.sink.wait_for(2, timeout=WAIT_SECONDS)
        wait_until(
            lambda: all_sent([m.pk for m in rows]), what=lambda: f"the rows to be sent: {worker.log()}"
        )

    assert sorted(r.to for r in received) == ["meera@example.org", "parent@example.org"]
    assert sorted(r.rcpt_tos for r in received) == [("meera@example.org",), ("parent@example.org",)]
    assert Counter(r.ref for r in received) == Counter(f"msg-{m.pk}" for m in rows)
    next_date = case.received_on + datetime.timedelta(weeks=16)
    for mail in received:
        assert (
            mail.subject
            == f"{case.child.known_as}'s EHC case {case.reference}: We have decided to carry out an EHC needs assessment"
        )
        assert "We have decided to carry out an EHC needs assessment." in mail.text
        assert "We are gathering advice from the people who know the child." in mail.text
        assert (
            f"What happens next: Decide whether to issue a plan by {next_date.day} {next_date:%B %Y}"
            in mail.text
        )
        assert f"/cases/{case.reference}/" in mail.text
    for row in Message.objects.filter(pk__in=[m.pk for m in rows]):
        assert (row.state, row.attempts, row.provider_id) == (State.SENT, 1, f"smtp-{row.pk}")
    assert "notifications.tasks.relay_outbox" in worker.log()
    assert smtp_server.sink.count() == 2


def test_killing_the_worker_mid_batch_then_restarting_loses_nothing_and_sends_nothing_twice(
    redis_url, queue_name, smtp_server, celery_worker, monkeypatch
):
    sink = smtp_server.sink
    sink.delay = 0.02
    sink.hold_after(KILLED_AFTER)
    # Queue quietly (one relay task is sent below), as when the broker was down while they were written.
    monkeypatch.setattr(services, "kick_relay", lambda: None)
    with transaction.atomic():
        ids = [
            services.notify(
                template="case.stage_changed",
                data={"child_first_name": "Amara", "reference": f"EHC-2026-{n:05d}", "headline": "Test"},
                key=f"batch:{n}",
                to_address=f"family{n}@example.org",
            )[0].pk
            for n in range(BATCH)
        ]

    with celery_through(redis_url, queue=queue_name):
        first = celery_worker(redis_url=redis_url, queue=queue_name, smtp_port=smtp_server.port)
        relay_outbox.apply_async()
        wait_until(sink.holding.is_set, what=lambda: f"the batch to reach the held message:\n{first.log()}")
        first.kill()
        # The server saw the client go before it answered: it took no responsibility for that message.
        wait_until(lambda: sink.abandoned == 1, timeout=10, what="the SMTP server to notice the dead worker")
        sink.release()

        assert sink.count() == KILLED_AFTER
        assert states(ids) == {State.SENT: KILLED_AFTER, State.QUEUED: BATCH - KILLED_AFTER}
        # The dead worker's claim was rolled back with its transaction: no attempt counted, nothing stuck.
        assert set(outward_messages(pk__in=ids, state=State.QUEUED).values_list("attempts", flat=True)) == {0}

        second = celery_worker(redis_url=redis_url, queue=queue_name, smtp_port=smtp_server.port)
        relay_outbox.apply_async()
        wait_until(
            lambda: all_sent(ids), what=lambda: f"every row to be sent ({states(ids)}):\n{second.log()}"
        )
        second.stop()  # nothing more can be sent after this

    received = sink.received
    assert Counter(r.ref for r in received) == Counter(f"msg-{pk}" for pk in ids)  # each exactly once
    assert sorted(r.to for r in received) == sorted(f"family{n}@example.org" for n in range(BATCH))
    assert states(ids) == {State.SENT: BATCH}


def date_fields(name: str, day: datetime.date) -> dict:
    suffixes = DateInputWidget().widgets_names
    return {f"{name}{s}": str(v) for s, v in zip(suffixes, (day.day, day.month, day.year), strict=True)}


def test_with_redis_stopped_the_web_request_succeeds_and_the_message_goes_out_once_redis_is_back(
    redis_url,
    private_redis,
    smtp_server,
    celery_worker,
    client,
    caplog,
    council,
    business_support,
    coordinator,
):
    with celery_eager():
        case = factories.make_case(council=council, by=business_support, coordinator=coordinator)
    private_redis.start()
    queue = f"ehcp-test-outbox-{uuid.uuid4().hex[:10]}"
    worker = celery_worker(redis_url=private_redis.url, queue=queue, smtp_port=smtp_server.port)
    worker.wait_ready()
    client.force_login(coordinator)
    url = reverse("cases:transition", args=[case.reference, "start_assessment_decision"])

    with celery_through(private_redis.url, queue=queue):
        private_redis.stop()
        started = time.monotonic()
        response = client.post(url, {**date_fields("on", timezone.localdate()), "reason": "", "version": "1"})
        took = time.monotonic() - started

        assert response.status_code == 302, response.content.decode()[:2000]
        assert took < 10, f"the request waited {took:.1f}s for Redis"
        assert "Could not queue the outbox relay" in caplog.text
        case.refresh_from_db()
        assert case.stage == "deciding_to_assess"
        (row,) = messages_for_last_event(case)
        assert (row.to_address, row.state) == ("parent@example.org", State.QUEUED)
        time.sleep(1)
        assert smtp_server.sink.count() == 0

        private_redis.start()  # the same port: the worker and this process reconnect
        relay_outbox.apply_async()  # as beat's next tick does
        (mail,) = smtp_server.sink.wait_for(1, timeout=WAIT_SECONDS)
        wait_until(lambda: all_sent([row.pk]), what=lambda: f"the row to be sent:\n{worker.log()}")
        worker.stop()

    assert mail.ref == f"msg-{row.pk}" and mail.to == "parent@example.org"
    assert case.reference in mail.subject
    assert smtp_server.sink.count() == 1
