"""Services queue their app's tasks by name (core.queue) and never import the tasks module, which imports them."""

import ast
from pathlib import Path

import pytest
from django.core import mail

from core.queue import enqueue, enqueue_on_commit
from notifications import services
from notifications.models import State
from tests.notifications.conftest import celery_eager

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "cases", "forms_ersa", "notifications")


def service_modules() -> list[Path]:
    paths = []
    for app in APPS:
        paths += [ROOT / app / "services.py", *sorted((ROOT / app / "services").glob("*.py"))]
    return [path for path in paths if path.exists()]


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", service_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_services_do_not_import_tasks(path):
    app = path.relative_to(ROOT).parts[0]
    wrong = {
        name for name in imported_names(path) if name == f"{app}.tasks" or name.startswith(f"{app}.tasks.")
    }
    assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}: queue the task by name with core.queue"


@pytest.mark.django_db
def test_a_task_named_by_a_service_runs_once_the_transaction_commits(django_capture_on_commit_callbacks):
    (row,) = services.notify(
        template="ersa.return_link",
        data={"council": "Riverside"},
        key="test:queue",
        to_address="a@example.org",
    )

    with celery_eager(), django_capture_on_commit_callbacks() as callbacks:
        enqueue_on_commit("notifications.tasks.relay_outbox")
        assert mail.outbox == []
    with celery_eager():
        for callback in callbacks:
            callback()

    row.refresh_from_db()
    assert row.state == State.SENT
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_an_unknown_task_name_fails_loudly():
    with pytest.raises(KeyError, match="cases.tasks.no_such_task"):
        enqueue("cases.tasks.no_such_task")
