"""Simultaneous writes against a file-based SQLite database, run in its own process by test_sqlite_concurrency.

The test suite's SQLite database lives in memory with a shared cache, which locks differently from the file a
`make run` server uses; so this script migrates a fresh file, then races real requests at it from threads and
prints what each got, as JSON, for the test to judge.
"""

import json
import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts import two_factor  # noqa: E402
from accounts.models import Role  # noqa: E402
from cases.models import Case, TimelineEvent  # noqa: E402
from forms_ersa.models import RequestDraft  # noqa: E402
from tests import factories  # noqa: E402
from tests.forms_ersa.test_api import payload  # noqa: E402

THREADS = int(os.environ.get("RACE_THREADS", "6"))


def race(make_call, n=THREADS) -> list:
    """Run `make_call(i)` in n threads released at the same moment; each thread's answer or exception."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        call = make_call(i)
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # what a server would turn into a 500
            results[i] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def main() -> dict:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    council = factories.CouncilFactory(name="Riverside Borough Council")
    coordinator = factories.staff(Role.COORDINATOR, council, email="laura@council.example")
    case = factories.make_case(council=council, coordinator=coordinator)
    out = {"database": str(settings.DATABASES["default"]["NAME"]), "vendor": connection.vendor}

    # A double-clicked transition: the same form, with the same version, sent by every thread at once.
    def transition_click(i):
        client = Client()
        client.force_login(coordinator)
        session = client.session  # signed in with the second factor too (as tests/conftest.py does)
        session[two_factor.SESSION_KEY] = two_factor.VERIFIED
        session.save()
        today = factories.datetime.date.today()
        form = {"on_0": today.day, "on_1": today.month, "on_2": today.year, "version": str(case.version)}
        url = f"/cases/{case.reference}/steps/start_assessment_decision/"
        return lambda: client.post(url, form).status_code

    out["transition"] = race(transition_click)
    out["transition_events"] = TimelineEvent.objects.filter(case=case).count()
    out["case_version"] = Case.objects.get(pk=case.pk).version

    # One online request sent by every thread at once, with one Idempotency-Key.
    def keyed_send(i):
        client = APIClient()
        client.force_authenticate(user=coordinator)
        body = payload()
        return lambda: (
            lambda r: [r.status_code, r.headers.get("Idempotent-Replayed", ""), r.json().get("reference", "")]
        )(client.post("/api/v1/requests/", body, format="json", headers={"Idempotency-Key": "race-1"}))

    out["request"] = race(keyed_send)
    out["cases_after_request"] = Case.objects.count()
    out["drafts_after_request"] = RequestDraft.objects.count()

    # Different people writing different things at the same moment: all must land.
    def log_one(i):
        client = APIClient()
        client.force_authenticate(user=coordinator)
        body = {
            "child": {
                "legal_first_name": f"Racer{i}",
                "legal_last_name": "Okafor",
                "date_of_birth": "2016-05-14",
            },
            "contacts": [{"name": "Ngozi Okafor", "relationship": "mother", "email": "ngozi@example.org"}],
            "received_on": factories.datetime.date.today().isoformat(),
            "requested_by": "parent",
            "primary_need": "communication_interaction",
        }
        return lambda: client.post("/api/v1/cases/", body, format="json").status_code

    out["separate_writes"] = race(log_one)
    return out


if __name__ == "__main__":
    print("RESULT " + json.dumps(main()))
