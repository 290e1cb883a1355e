"""Outbox relay throughput: messages a second from the outbox to an SMTP server on loopback.

    DATABASE_URL=postgres://ehcp:ehcp@127.0.0.1:5432/ehcp .venv/bin/python bench/relay.py [--messages 2000]

Creates (or empties) the database `ehcp_bench_relay` on that server, queues the messages with
`notifications.services.notify`, starts an in-process SMTP server (aiosmtpd) on 127.0.0.1, runs the relay in this
process and counts what the server received. Writes a "Relay throughput" section into bench/RESULTS.md.
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Relay throughput"


class Collector:
    def __init__(self):
        self.lock = threading.Lock()
        self.refs: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        match = re.search(rb"X-Message-Ref: (\S+)", envelope.content)
        with self.lock:
            self.refs.append(match.group(1).decode() if match else "")
        return "250 Message accepted for delivery"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        sys.exit("bench/relay.py measures PostgreSQL: set DATABASE_URL=postgres://user:pass@host:port/db")

    import psycopg

    admin = urlsplit(url)._replace(path="/postgres")
    with psycopg.connect(urlunsplit(admin), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS ehcp_bench_relay")
        conn.execute("CREATE DATABASE ehcp_bench_relay")
    db_url = with_database(url, "ehcp_bench_relay")

    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()

    os.environ.update(
        DATABASE_URL=db_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        CELERY_TASK_ALWAYS_EAGER="false",
        REDIS_URL="",
        DJANGO_SETTINGS_MODULE="ehcp.settings",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env=os.environ)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction

    from notifications import services

    # Queue without kicking a worker: this process is the relay being measured.
    services.kick_relay = lambda: None
    started = time.perf_counter()
    with transaction.atomic():
        for n in range(args.messages):
            services.notify(
                template="case.allocated",
                data={
                    "reference": f"EHC-2026-{n:05d}",
                    "next_deadline": "Decide whether to assess by 13 April 2026",
                },
                key=f"bench:{n}",
                to_address=f"person{n}@example.org",
                link="https://example.org/cases/",
            )
    queued_in = time.perf_counter() - started

    started = time.perf_counter()
    sent = 0
    while True:
        batch = services.relay(limit=500)
        sent += batch
        if batch == 0:
            break
    elapsed = time.perf_counter() - started
    deadline = time.time() + 10
    while len(collector.refs) < sent and time.time() < deadline:
        time.sleep(0.05)
    controller.stop()
    received = len(collector.refs)
    duplicates = received - len(set(collector.refs))
    rate = sent / elapsed if elapsed else 0.0
    version = connection.cursor().connection.info.server_version

    lines = [
        SECTION,
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `bench/relay.py --messages {args.messages}`: "
        "messages queued with `notify()`, relayed in this process by `notifications.services.relay()` (one row claimed "
        "with FOR UPDATE SKIP LOCKED per send) to an aiosmtpd server on 127.0.0.1.",
        "",
        f"- Machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {version // 10000}.{version % 100}",
        f"- Queued {args.messages} messages in {queued_in:.1f} s",
        f"- Relayed {sent} in {elapsed:.1f} s: **{rate:.0f} messages a second** from one relay process",
        f"- The SMTP server received {received}, duplicates {duplicates}",
        "",
    ]
    output = Path(args.output)
    text = output.read_text() if output.exists() else ""
    if SECTION in text:
        before, _, rest = text.partition(SECTION)
        after = rest.split("\n## ", 1)
        text = before + "\n".join(lines) + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip() + "\n\n" + "\n".join(lines)
    output.write_text(text)
    print("\n".join(lines))
    return 0 if received == sent == args.messages and duplicates == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
