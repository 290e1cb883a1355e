"""Queueing a Celery task from a service, by the task's name.

Tasks are thin and import their app's services; if services imported the tasks module back, the two would import
each other. So a service names the task instead (`enqueue_on_commit("cases.tasks.file_decision_letter", case.pk)`),
and only ids cross the queue. The task is found in Celery's own registry, not sent with `send_task`, so that with
no broker configured (eager mode) it still runs in this process.
"""

from celery import current_app
from django.db import transaction


def _task(name: str):
    try:
        return current_app.tasks[name]
    except KeyError:
        # Nothing has imported that app's tasks module yet in this process: autodiscovery imports them all.
        current_app.loader.import_default_modules()
        return current_app.tasks[name]


def enqueue(name: str, *args) -> None:
    """Queue the task now (or run it here, in eager mode). Broker errors reach the caller."""
    _task(name).delay(*args)


def enqueue_on_commit(name: str, *args, robust: bool = False) -> None:
    """Queue the task once the current transaction commits, so the worker finds the rows it is given.

    `robust=True`: an error queueing it is logged and the request carries on, for work that beat or a person
    picks up later anyway.
    """
    transaction.on_commit(lambda: enqueue(name, *args), robust=robust)
