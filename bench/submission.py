"""Online request submission: server time of `forms_ersa.services.submit_request` at scale, and the PDF copy.

    DATABASE_URL=postgres://ehcp:ehcp@127.0.0.1:5432/ehcp .venv/bin/python bench/submission.py [--size 50000]

Uses the database `ehcp_bench_<size>` on that server, made and seeded by bench/run.py (`make bench` runs that
first). Runs `migrate` on it, then in this process: starts `--drafts` complete drafts for the
council with the most cases (`start_draft`, answers set as the pages store them; not timed), and times
`submit_request` on each with the query count. The PDF copy is excluded from that time: the after-commit task is
replaced by a no-op (and CELERY_TASK_ALWAYS_EAGER=false, no broker), and it never fires anyway because everything
runs inside one outer transaction that is rolled back at the end, so the database is left as it was (each submit
commits to a savepoint rather than the server). The PDF copy (`summary.context` + the `forms_ersa/pdf.html` template +
`services.render_pdf`, WeasyPrint) is timed separately on a submitted draft. Writes an "Online request submission"
section into bench/RESULTS.md.

Budget (from the issue): submission under 150 ms median at 50,000 existing cases, PDF excluded; judged on CPU time
(this process plus the database backend) and reported on wall time too, as the page benchmarks are (bench/run.py).
"""

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Online request submission"
BUDGET_MS = 150


class Rollback(Exception):
    pass


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def answers_for(n: int) -> dict:
    born = f"{2012 + n % 8}-{1 + n % 12:02d}-{1 + n % 28:02d}"
    return {
        "child": {
            "first_name": f"Benchchild{n}",
            "last_name": f"Submission{n}",
            "preferred_name": "",
            "date_of_birth": born,
            "address": f"{n} Bench Street\nRiverside",
            "postcode": "RV1 1AA",
            "home_languages": "English",
            "interpreter_needed": "no",
            "school_id": "",
            "setting_name": "Little Acorns Nursery",
            "upn": "",
        },
        "family": {
            "full_name": f"Parent {n}",
            "relationship": "mother",
            "phone": "07700 900123",
            "parental_responsibility": "yes",
            "looked_after": "no",
        },
        "needs": {
            "areas": ["semh", "communication_interaction"],
            "description": "Finds noise very hard. " * 20,
            "support_in_place": "SEN support",
            "tried": "Ear defenders",
            "tried_for": "2 terms",
        },
        "views": {"child_views": "I like trains.", "parent_views": "She needs a calm place."},
        "evidence": {"finished": "yes"},
        "contact": {"channel": "email", "phone": "", "language": "pl"},
        "consent": {"declaration": "yes", "share_with": ["setting", "ep", "health", "social_care"]},
        "professionals": {
            "finished": "yes",
            "people": [
                {
                    "id": f"p{n}a",
                    "name": "Priya Shah",
                    "role": "Speech and language therapist",
                    "service": "Riverside Children's Therapy Service",
                    "email": "priya.shah@nhs.example",
                    "phone": "",
                },
                {
                    "id": f"p{n}b",
                    "name": "Omar Aziz",
                    "role": "Paediatrician",
                    "service": "Riverside Hospital",
                    "email": "",
                    "phone": "0161 496 0000",
                },
            ],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=50000, help="use the seeded ehcp_bench_<size> database")
    parser.add_argument("--drafts", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pdfs", type=int, default=5)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        sys.exit(
            "bench/submission.py measures PostgreSQL: set DATABASE_URL=postgres://ehcp:ehcp@127.0.0.1:5432/ehcp"
        )
    sys.path.insert(0, str(ROOT / "bench"))
    import run as page_bench  # bench/run.py: the database helpers

    os.environ["DATABASE_URL"] = page_bench.with_database(url, f"ehcp_bench_{args.size}")
    os.environ.update(CELERY_TASK_ALWAYS_EAGER="false", REDIS_URL="", DJANGO_SETTINGS_MODULE="ehcp.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env=os.environ)
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from django.db import connection, transaction
    from django.db.models import Count
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Organisation
    from cases import selectors as case_selectors
    from cases.models import Case
    from forms_ersa import services, summary, tasks
    from forms_ersa.models import RequestDraft
    from notifications import services as notifications

    # PDF excluded from the measured path: the after-commit task and the outbox kick do nothing here.
    tasks.file_request_copy.delay = lambda *a, **k: None
    if hasattr(notifications, "kick_relay"):
        notifications.kick_relay = lambda: None

    existing = Case.objects.count()
    top = Case.objects.values("council_id").annotate(n=Count("id")).order_by("-n").first()
    council = Organisation.objects.get(pk=top["council_id"])
    today = case_selectors.today()
    times, cpu, queries, pdf_times, pdf_sizes = [], [], [], [], []
    backend_before = None
    refs = []
    try:
        with transaction.atomic():
            drafts = []
            for n in range(args.warmup + args.drafts):
                draft = services.start_draft(council=council, route="parent", email=f"bench{n}@example.org")
                RequestDraft.objects.filter(pk=draft.pk).update(answers=answers_for(n), email_confirmed=True)
                drafts.append(RequestDraft.objects.get(pk=draft.pk))
            for n, draft in enumerate(drafts):
                if n == args.warmup:
                    backend_before = page_bench.backend_cpu_ms(connection)
                with CaptureQueriesContext(connection) as captured:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    case = services.submit_request(draft=draft, today=today)
                    elapsed = (time.perf_counter() - started) * 1000
                    cpu_elapsed = (time.process_time() - started_cpu) * 1000
                refs.append(case.reference)
                if n >= args.warmup:
                    times.append(elapsed)
                    cpu.append(cpu_elapsed)
                    queries.append(len(captured.captured_queries))
            backend_after = page_bench.backend_cpu_ms(connection)
            sent = RequestDraft.objects.select_related("case", "council").get(pk=drafts[-1].pk)
            for _ in range(args.pdfs):
                started = time.perf_counter()
                html = render_to_string("forms_ersa/pdf.html", summary.context(sent))
                pdf = services.render_pdf(html)
                pdf_times.append((time.perf_counter() - started) * 1000)
                pdf_sizes.append(len(pdf))
            raise Rollback
    except Rollback:
        pass
    left = Case.objects.count() - existing
    version = connection.cursor().connection.info.server_version
    median = statistics.median(times)
    # Judged on CPU time (this process's median plus the database backend's mean, from /proc in 10 ms ticks):
    # steady when other work shares the machine. Wall time is judged too; over on wall time only is a busy machine.
    db_cpu = (backend_after - backend_before) / len(times) if backend_before is not None else 0.0
    server_cpu = statistics.median(cpu) + db_cpu
    outcome = (
        page_bench.MISSED
        if server_cpu >= BUDGET_MS or left
        else page_bench.MET
        if median < BUDGET_MS
        else page_bench.BUSY
    )
    lines = [
        SECTION,
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `bench/submission.py --size {args.size} --drafts {args.drafts}` "
        f"against `{urlsplit(os.environ['DATABASE_URL']).path.lstrip('/')}` ({existing:,} existing cases; council with the most: "
        f"{top['n']:,}). Server time of `forms_ersa.services.submit_request` in process (no HTTP), {args.warmup} "
        "warm-up submissions not counted. Each creates a new case (no child matches an open case), with deadlines, "
        "team, timeline and the confirmation in the outbox. PDF excluded: the after-commit `file_request_copy` task "
        "is patched to a no-op and CELERY_TASK_ALWAYS_EAGER=false with no broker. Everything ran in one outer "
        "transaction that was rolled back, so each submit ended at a savepoint, not a server commit, and the "
        f"database was left as it was ({left} cases left behind).",
        "",
        f"- Machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {version // 10000}.{version % 100}",
        f"- Submission, wall time: median **{median:.1f} ms**, p95 {p95(times):.1f} ms, min {min(times):.1f}, "
        f"max {max(times):.1f}",
        f"- Submission, CPU time: **{server_cpu:.1f} ms** ({statistics.median(cpu):.1f} ms in this process, median; "
        f"{db_cpu:.1f} ms in the database backend, mean); budget {BUDGET_MS} ms on CPU time and wall time: "
        f"**{outcome}**",
        f"- Queries per submission: median {statistics.median(queries):.0f}, min {min(queries)}, max {max(queries)}",
        f"- PDF copy (context + template + WeasyPrint, {args.pdfs} renders of one full request): first "
        f"{pdf_times[0]:.0f} ms (loads fonts), then median **{statistics.median(pdf_times[1:] or pdf_times):.0f} ms**, {statistics.median(pdf_sizes) / 1024:.0f} KB; "
        "runs in the Celery task after commit, never on the request path",
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
    return 0 if outcome != page_bench.MISSED else 1


if __name__ == "__main__":
    sys.exit(main())
