"""Every benchmark, one after the other: `make bench` (or `.venv/bin/python bench/all.py [--sizes 1000,50000]`).

Runs the page benchmarks (bench/run.py: seeds ehcp_bench_<size> for each size, then VACUUM ANALYZE), then on the
largest of those databases the reminder sweep (bench/sweep.py --reuse), the online request submission
(bench/submission.py) and the family portal's tracker page (bench/portal_tracker.py), and the outbox relay
(bench/relay.py, its own database). Each one runs whatever the one
before it measured: a missed budget is reported, never a reason to skip the rest. At the end it prints one line
per benchmark and exits 1 if any of them missed its budget or failed.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,50000", help="case counts for the page benchmarks")
    parser.add_argument("--reuse", action="store_true", help="measure existing ehcp_bench_<size> databases")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://")):
        sys.exit(
            "The benchmarks measure PostgreSQL: set DATABASE_URL to a server whose role can create databases, "
            "for example\n  DATABASE_URL=postgres://ehcp:ehcp@127.0.0.1:5432/ehcp make bench"
        )
    largest = str(max(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()))
    pages = ["bench/run.py", "--sizes", args.sizes] + (["--reuse"] if args.reuse else [])
    benchmarks = [
        ("pages", pages),
        ("reminder sweep", ["bench/sweep.py", "--reuse", "--size", largest]),
        ("outbox relay", ["bench/relay.py"]),
        ("request submission", ["bench/submission.py", "--size", largest]),
        ("portal tracker", ["bench/portal_tracker.py", "--size", largest]),
    ]
    outcomes = []
    for label, command in benchmarks:
        print(f"\n===== {label}: {' '.join(command)}", flush=True)
        started = time.perf_counter()
        code = subprocess.run([PYTHON, *command], cwd=ROOT, check=False).returncode
        outcomes.append((label, code, time.perf_counter() - started))

    print("\n===== Summary (details above and in bench/RESULTS.md)")
    for label, code, seconds in outcomes:
        verdict = "met its budget" if code == 0 else f"MISSED its budget or failed (exit {code})"
        print(f"  {label:<20} {verdict:<45} {seconds:6.0f} s")
    failed = [label for label, code, _ in outcomes if code != 0]
    if failed:
        print(f"{len(failed)} of {len(outcomes)} benchmarks missed: {', '.join(failed)}")
        return 1
    print(f"All {len(outcomes)} benchmarks met their budgets.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
