"""Each tier proves that the real server is in use, so a green CI run means PostgreSQL, Redis, a Celery worker
and Chromium really ran (CI sets REQUIRE_ALL_TIERS=1: a missing server fails instead of skipping)."""

import concurrent.futures
import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from cases import selectors
from cases.models import Deadline
from tests import factories
from tests.tiers import (
    CHROMIUM_ARGS,
    database_url,
    require_chromium,
    require_postgres,
    require_redis,
    stop_process,
)

ROOT = Path(__file__).resolve().parent.parent
WORKER_TIMEOUT_SECONDS = 60


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_tier_runs_on_postgresql_15_or_newer():
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW server_version_num")
        version_num = int(cursor.fetchone()[0])
    assert connection.vendor == "postgresql"
    assert version.startswith("PostgreSQL "), version
    assert version_num >= 150000, version


@pytest.mark.redis
def test_redis_tier_answers_ping_and_round_trips_a_value():
    url = require_redis()
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    key = f"ehcp:tier-test:{uuid.uuid4()}"
    try:
        assert client.ping() is True
        client.set(key, "round trip", ex=60)
        assert client.get(key) == b"round trip"
    finally:
        client.delete(key)
        client.close()


@pytest.mark.redis
def test_redis_tier_backs_the_django_cache():
    require_redis()
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    key = f"tier-test-{uuid.uuid4()}"
    cache.set(key, {"weeks": 20}, 60)
    assert cache.get(key) == {"weeks": 20}
    cache.delete(key)


def _render_in_chromium(path: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto("data:text/html,<title>Tier check</title><h1 id='heading'>Chromium renders</h1>")
            return {"version": browser.version, "title": page.title(), "heading": page.inner_text("#heading")}
        finally:
            browser.close()


@pytest.mark.browser
def test_browser_tier_launches_headless_chromium_and_renders_a_page():
    path = require_chromium()
    # In a thread of its own: the browser tests' session-wide Playwright keeps an event loop running in this
    # thread, and Playwright's sync API refuses to start inside a running loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        rendered = pool.submit(_render_in_chromium, path).result(timeout=120)
    assert rendered["title"] == "Tier check"
    assert rendered["heading"] == "Chromium renders"
    assert rendered["version"]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_on_redis_runs_a_queued_task_against_the_database(tmp_path):
    """Enqueue the beat sweep through Redis; a separate worker process must pick it up and write to the
    (committed) test database. Needs PostgreSQL too: a worker cannot share SQLite's in-memory test database."""
    require_postgres()
    redis_url = require_redis()
    from cases.tasks import refresh_deadline_statuses
    from ehcp.celery import app

    # A request received long ago: every time limit has passed. Logging it already marks them missed, so reopen
    # them: only the worker's sweep can mark them missed again.
    today = selectors.today()
    case = factories.make_case(received_on=today - datetime.timedelta(days=200))
    overdue = Deadline.objects.filter(case=case, due_on__lt=today, met_on__isnull=True)
    ids = list(overdue.filter(status="missed").values_list("pk", flat=True))
    assert ids, "the factory case should have deadlines already past"
    Deadline.objects.filter(pk__in=ids).update(status="open")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ehcp.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "ehcp", "worker",
                "--pool=solo", "-Q", "celery", "--concurrency=1", "--loglevel=INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        # Celery read CELERY_TASK_ALWAYS_EAGER=true when the app loaded: send through the broker this once.
        previous = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            refresh_deadline_statuses.apply_async()
        finally:
            app.conf.task_always_eager = previous

        give_up_at = time.monotonic() + WORKER_TIMEOUT_SECONDS
        statuses = set()
        while time.monotonic() < give_up_at:
            if worker.poll() is not None:
                pytest.fail(
                    f"the worker exited with {worker.returncode}:\n{log_path.read_text(errors='replace')}"
                )
            statuses = set(Deadline.objects.filter(pk__in=ids).values_list("status", flat=True))
            if statuses == {"missed"}:
                break
            time.sleep(0.5)
        else:
            pytest.fail(
                f"the worker did not mark the deadlines missed within {WORKER_TIMEOUT_SECONDS}s "
                f"(statuses {sorted(statuses)}):\n{log_path.read_text(errors='replace')}"
            )
    finally:
        stop_process(worker)
    assert "refresh_deadline_statuses" in log_path.read_text(errors="replace")
