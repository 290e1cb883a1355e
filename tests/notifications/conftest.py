"""Fixtures for the outbox: an email backend that fails on demand, a real SMTP server on loopback, and (for the
integration tests) real Celery workers and a private Redis server, each stopped when the test ends."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from tests.conftest import skip_or_fail
from tests.notifications.smtp import LOOPBACK, SMTPServer, free_port
from tests.tiers import database_url, stop_process

ROOT = Path(__file__).resolve().parents[2]
# Every wait in these tests gives up after this long (CI machines are slow, but not this slow).
WAIT_SECONDS = 45


# --- email that fails ------------------------------------------------------------------------------------


class FailingEmailBackend(BaseEmailBackend):
    """Raises the error the test chose, as Django's SMTP backend would when the server says no."""

    error: BaseException | None = None

    def send_messages(self, email_messages):
        raise type(self).error


@pytest.fixture
def email_fails(settings):
    """`email_fails(smtplib.SMTPServerDisconnected())`: every email sent from now on raises that error."""

    def fail_with(error: BaseException) -> None:
        FailingEmailBackend.error = error
        settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"

    yield fail_with
    FailingEmailBackend.error = None


# --- a real SMTP server ------------------------------------------------------------------------------------


@pytest.fixture
def smtp_server():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_email(settings, smtp_server):
    """This process sends email through Django's SMTP backend to the loopback server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    return smtp_server


# --- Celery in this process -----------------------------------------------------------------------------


def _drop_broker_connections(app) -> None:
    """Forget pooled broker connections, so the next task is published to the broker configured now."""
    from kombu import pools

    pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextlib.contextmanager
def celery_config(**changes):
    """Change this process's Celery configuration (`task_always_eager`, `broker_url`, ...) and put it back."""
    from ehcp.celery import app

    saved = {name: app.conf[name] for name in changes}
    _drop_broker_connections(app)
    app.conf.update(changes)
    try:
        yield app
    finally:
        _drop_broker_connections(app)
        app.conf.update(saved)


def celery_through(broker_url: str, *, queue: str = "celery"):
    """Publish tasks to a real broker instead of running them in this process."""
    return celery_config(task_always_eager=False, broker_url=broker_url, task_default_queue=queue)


def celery_eager():
    """Run tasks here and now (with the locmem email backend, mail goes to `mail.outbox`)."""
    return celery_config(task_always_eager=True)


# --- other processes ---------------------------------------------------------------------------------------


def wait_until(condition, *, timeout: float = WAIT_SECONDS, interval: float = 0.1, what: str = "it"):
    """Poll `condition()` until it is true; fail with `what` (a string, or a function giving one) after `timeout`."""
    give_up_at = time.monotonic() + timeout
    while time.monotonic() < give_up_at:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"gave up after {timeout}s waiting for {what() if callable(what) else what}")


class Worker:
    """A real Celery worker (`celery -A ehcp worker`) on the test database, sending email to a loopback server."""

    def __init__(self, *, name: str, redis_url: str, queue: str, smtp_port: int, log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        env = {
            key: value
            for key, value in os.environ.items()
            # Whatever this shell set for mail, Notify or the broker must not leak into the worker.
            if not key.startswith(("EMAIL_", "NOTIFY_", "CELERY_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="ehcp.settings",
            DATABASE_URL=database_url(),
            REDIS_URL=redis_url,
            CELERY_TASK_ALWAYS_EAGER="false",
            EMAIL_HOST=LOOPBACK,
            EMAIL_PORT=str(smtp_port),
            EMAIL_TIMEOUT="10",
        )
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "ehcp", "worker",
                    "--pool=solo", "--concurrency=1", "-Q", queue, "-n", f"{name}@%h", "--loglevel=INFO",
                    "--without-gossip", "--without-mingle", "--without-heartbeat",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self) -> None:
        """Until the worker consumes from the broker (its log says "ready.")."""

        def ready():
            if not self.alive():
                pytest.fail(f"worker {self.name} exited with {self.process.returncode}:\n{self.log()}")
            return " ready." in self.log()

        wait_until(ready, what=lambda: f"worker {self.name} to start:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no rollback from the worker's side."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """`celery_worker(redis_url=..., queue=..., smtp_port=...)` starts a worker; all are stopped after the test.

    Needs `transactional_db`: the worker is another process, so it sees only committed rows (and the test
    database is flushed only after the workers have stopped).
    """
    workers: list[Worker] = []

    def start(*, redis_url: str, queue: str, smtp_port: int) -> Worker:
        name = f"outbox-{len(workers) + 1}-{uuid.uuid4().hex[:6]}"
        worker = Worker(
            name=name,
            redis_url=redis_url,
            queue=queue,
            smtp_port=smtp_port,
            log_path=tmp_path / f"{name}.log",
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


class RedisServer:
    """A private redis-server on loopback with nothing saved to disk: stop it to make Redis unreachable."""

    def __init__(self, *, port: int, workdir: Path) -> None:
        self.port = port
        self.workdir = workdir
        self.url = f"redis://{LOOPBACK}:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        import redis

        log = (self.workdir / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", LOOPBACK,
                "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        log.close()

        def answers():
            if self.process.poll() is not None:
                pytest.fail(f"redis-server exited with {self.process.returncode}")
            client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
            try:
                return client.ping()
            except redis.RedisError:
                return False
            finally:
                client.close()

        wait_until(answers, timeout=15, what=f"redis-server on port {self.port} to answer PING")
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of the test's own, on a free loopback port, that the test may stop and start again."""
    if shutil.which("redis-server") is None:
        skip_or_fail("needs redis-server on the PATH to start a private Redis (apt-get install redis-server)")
    server = RedisServer(port=free_port(), workdir=tmp_path)
    yield server
    server.stop()
