"""Test tiers: a test that needs a real server asks for it here.

By default the suite runs on SQLite with eager Celery tasks and no browser, and a test that needs more skips.
Set DATABASE_URL (PostgreSQL), REDIS_URL (Redis) and have Chromium at CHROMIUM_PATH or /usr/bin/chromium to run
the other tiers. CI sets REQUIRE_ALL_TIERS=1, which turns each of these skips into a failure.
"""

import os
from pathlib import Path

from django.conf import settings
from django.db import connections

from tests.conftest import skip_or_fail

DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"

# Flags for the system Chromium as root on a machine with no network but loopback: no sandbox (root), and none
# of the background connections (updates, sync, safe browsing) that would be refused.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_postgres() -> None:
    """Skip (or fail under REQUIRE_ALL_TIERS=1) unless the default database is PostgreSQL."""
    vendor = connections["default"].vendor
    if vendor != "postgresql":
        skip_or_fail(
            f"needs PostgreSQL: the default database is {vendor}; set DATABASE_URL=postgres://user:pass@host/db"
        )


def require_redis() -> str:
    """Skip (or fail) unless REDIS_URL is set and answers PING. Returns the URL."""
    url = settings.REDIS_URL
    if not url:
        skip_or_fail("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as exc:
        skip_or_fail(f"needs Redis: {url} did not answer PING ({exc})")
    return url


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM_PATH


def require_chromium() -> str:
    """Skip (or fail) unless the system Chromium and Playwright are there. Returns Chromium's path."""
    path = chromium_path()
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        skip_or_fail(f"needs Chromium at {path} (apt-get install chromium, or set CHROMIUM_PATH)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("needs the playwright package (make install)")
    return path


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_<name>), for another process."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if user else ""
    host = quote(db.get("HOST") or "localhost", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


def stop_process(process) -> None:
    """Stop a helper process (a worker, a server): politely first, then for good."""
    import signal
    import subprocess

    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
