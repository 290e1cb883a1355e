"""The family portal at scale: the tracker page (and the family's home) for a parent at 50,000 cases.

    DATABASE_URL=postgres://ehcp:ehcp@127.0.0.1:5432/ehcp .venv/bin/python bench/portal_tracker.py [--size 50000]

Uses the database `<prefix><size>` (default `ehcp_bench_50000`) on that server, made and seeded by bench/run.py
(`make bench` runs that first; `seed_scale` writes the advice too). Runs `migrate` on it, then in this process and
inside one outer transaction that is rolled back at the end (the database is left as it was): picks the council's
open case with the most deadline rows and requests for advice (the longest tracker), makes a parent account on its
team, and writes a conversation of 20 messages through the portal's services. It then times, with Django's test
client in this process (server time: no network, no browser), the tracker page `/portal/cases/<ref>/` and the
family's home `/portal/`: warm-up requests, then timed ones, each with its wall time and this process's CPU time,
and the query count of one more request. Writes a "Family portal" section into bench/RESULTS.md.

Budget (as the case pages in bench/run.py): under 50 ms (server CPU time, median) and under 15 queries at 50,000
cases; wall time is reported beside it, a wall-time-only miss being a busy machine.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Family portal: the tracker page"
MESSAGES = 20


class Rollback(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=50000, help="use the seeded <prefix><size> database")
    parser.add_argument("--prefix", default="ehcp_bench_", help="database name prefix (as bench/run.py)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        sys.exit(
            "bench/portal_tracker.py measures PostgreSQL: set DATABASE_URL=postgres://ehcp:ehcp@127.0.0.1:5432/ehcp"
        )
    sys.path.insert(0, str(ROOT / "bench"))
    import run as page_bench  # bench/run.py: the database helpers, the sign-in and the verdicts

    database = f"{args.prefix}{args.size}"
    os.environ["DATABASE_URL"] = page_bench.with_database(url, database)
    os.environ.update(
        CELERY_TASK_ALWAYS_EAGER="false",
        REDIS_URL="",
        DJANGO_SETTINGS_MODULE="ehcp.settings",
        DJANGO_DEBUG="0",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env=os.environ)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User
    from cases import services as case_services
    from cases.models import Case, TeamRole
    from notifications import services as notifications
    from portal import services

    # Nothing leaves: the outbox rows are written (and rolled back), the relay is never woken.
    notifications.kick_relay = lambda: None

    existing = Case.objects.count()
    case = (
        Case.objects.filter(closed_on__isnull=True, coordinator__isnull=False)
        .annotate(
            rows=Count("deadlines", distinct=True),
            clocks=Count("advice_clocks", distinct=True),
        )
        .order_by("-clocks", "-rows", "id")
        .select_related("coordinator")
        .first()
    )
    results = {}
    try:
        with transaction.atomic():
            parent = User(email="bench.parent@example.org", full_name="Bench Parent", role=Role.PARENT)
            parent.set_unusable_password()
            parent.save()
            case_services.grant_case_access(
                case=case, role=TeamRole.FAMILY, user=parent, by=None, reason="Benchmark family"
            )
            for n in range(MESSAGES // 2):
                services.send_message(case=case, body=f"A question from the family, number {n}.", by=parent)
                services.send_message(
                    case=case, body=f"The coordinator's answer, number {n}.", by=case.coordinator
                )
            services.mark_read(case=case, by=parent)
            pages = [("tracker page", f"/portal/cases/{case.reference}/"), ("family home", "/portal/")]
            for label, path in pages:
                client = Client()
                page_bench.sign_in(client, parent)
                for _ in range(args.warmup):
                    page_bench.check(client.get(path), path)
                wall, cpu = [], []
                backend_before = page_bench.backend_cpu_ms(connection)
                for _ in range(args.requests):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.get(path)
                    wall.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                    page_bench.check(response, path)
                backend_after = page_bench.backend_cpu_ms(connection)
                with CaptureQueriesContext(connection) as captured:
                    page_bench.check(client.get(path), path)
                results[label] = {
                    "path": path,
                    "wall": statistics.median(wall),
                    "wall_p95": page_bench.percentile(wall, 95),
                    "cpu": statistics.median(cpu),
                    "db_cpu": (backend_after - backend_before) / args.requests
                    if backend_before is not None and backend_after is not None
                    else None,
                    "queries": len(captured.captured_queries),
                }
            deadlines = case.deadlines.count()
            clocks = case.advice_clocks.count()
            family_cases = Case.objects.filter(team__user=parent).count()
            raise Rollback
    except Rollback:
        pass
    left = User.objects.filter(email="bench.parent@example.org").count()
    version = connection.cursor().connection.info.server_version

    verdicts = {}
    for label, row in results.items():
        if row["cpu"] >= page_bench.BUDGET_MS or row["queries"] >= page_bench.BUDGET_QUERIES or left:
            verdicts[label] = page_bench.MISSED
        elif row["wall"] >= page_bench.BUDGET_MS:
            verdicts[label] = page_bench.BUSY
        else:
            verdicts[label] = page_bench.MET
    lines = [
        SECTION,
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `bench/portal_tracker.py --size {args.size}` "
        f"against `{database}` ({existing:,} cases). A parent on the team of the open case with the most requests "
        f"for advice and deadline rows ({case.reference}: {clocks} requests for advice, {deadlines} deadline rows; "
        f"{family_cases} case on their home page) and {MESSAGES} messages in its conversation, all written through "
        "the services inside one outer transaction that was rolled back "
        f"({left} accounts left behind). {args.warmup} warm-up requests, then {args.requests} timed, with Django's "
        "test client in this process; the query count is one more request.",
        "",
        f"- Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"PostgreSQL {version // 10000}.{version % 100}",
        "",
        "| page | URL | server CPU (median) | database backend CPU (mean) | wall (median) | wall p95 | queries | "
        f"budget ({page_bench.BUDGET_MS} ms CPU, under {page_bench.BUDGET_QUERIES} queries) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, row in results.items():
        db_cpu = f"{row['db_cpu']:.1f} ms" if row["db_cpu"] is not None else "n/a"
        lines.append(
            f"| {label} | `{row['path'].replace(case.reference, '<ref>')}` | **{row['cpu']:.1f} ms** | {db_cpu} | "
            f"{row['wall']:.1f} ms | {row['wall_p95']:.1f} ms | {row['queries']} | **{verdicts[label]}** |"
        )
    lines.append("")
    output = Path(args.output)
    text = output.read_text() if output.exists() else ""
    if SECTION in text:
        before, _, rest = text.partition(SECTION)
        after = rest.split("\n## ", 1)
        text = before + "\n".join(lines) + ("\n## " + after[1] if len(after) > 1 else "")
    elif page_bench.NOTES in text:
        # Before the hand-written notes, which stay last.
        before, _, notes = text.partition(page_bench.NOTES)
        text = before.rstrip() + "\n\n" + "\n".join(lines) + "\n" + page_bench.NOTES + notes
    else:
        text = text.rstrip() + "\n\n" + "\n".join(lines)
    output.write_text(text)
    print("\n".join(lines))
    return 1 if page_bench.MISSED in verdicts.values() else 0


if __name__ == "__main__":
    sys.exit(main())
