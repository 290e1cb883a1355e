"""Simultaneous writes on the embedded SQLite database give the answers PostgreSQL gives, never a 500.

Runs tests/security/sqlite_race.py in its own process against a file-based SQLite database (the suite's own
database is in memory, which locks differently from the file `make run` uses).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def race(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "race.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "ehcp.settings",
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "security" / "sqlite_race.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert done.returncode == 0 and line, done.stderr[-3000:]
    result = json.loads(line.removeprefix("RESULT "))
    assert result["vendor"] == "sqlite" and result["database"] == str(database)
    return result


def test_sqlite_takes_the_write_lock_up_front_and_waits_for_it(tmp_path):
    # The settings as `make run` gets them (SQLite), whatever database this suite itself runs on.
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "ehcp.settings",
    }
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup(); from django.conf import settings; "
            "d = settings.DATABASES['default']; print(json.dumps({'engine': d['ENGINE'], **d['OPTIONS']}))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    options = json.loads(shown.stdout.strip().splitlines()[-1])
    assert options["engine"] == "django.db.backends.sqlite3"
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10


def test_a_double_clicked_transition_happens_once_and_the_other_clicks_are_told_why(race):
    answers = race["transition"]
    assert all(isinstance(a, int) for a in answers), answers  # no "database is locked"
    assert answers.count(302) == 1, answers
    # The rest: the case moved on (400, "someone else changed this case"), or the step no longer applies (404),
    # as on PostgreSQL, where the row lock makes them wait in the same way.
    assert set(answers) - {302} <= {400, 404}, answers


def test_one_request_sent_many_times_at_once_makes_one_case_and_every_sender_gets_its_reference(race):
    answers = race["request"]
    assert all(isinstance(a, list) for a in answers), answers
    assert {a[0] for a in answers} == {201}
    assert len({a[2] for a in answers}) == 1
    assert sorted(a[1] for a in answers) == [""] + ["true"] * (len(answers) - 1)
    assert race["drafts_after_request"] == 1


def test_different_writes_at_the_same_moment_all_land(race):
    assert race["separate_writes"] == [201] * len(race["separate_writes"])
