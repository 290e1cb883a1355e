from celery import shared_task

from cases import reminders, services


@shared_task(acks_late=True)
def refresh_deadline_statuses() -> int:
    """Beat: mark deadlines whose day has passed as missed (or excused) and move each case's next due date."""
    return services.refresh_deadline_statuses()


@shared_task(acks_late=True, ignore_result=True)
def sweep_reminders() -> int:
    """Beat, every few minutes: write the reminders now due to the outbox. A second run writes nothing new."""
    return reminders.sweep_reminders()


@shared_task(acks_late=True, ignore_result=True)
def send_daily_digests() -> int:
    """Beat, each morning: one digest per member of staff who asked for it. A second run the same day is a no-op."""
    return reminders.send_daily_digests()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def file_decision_letter(case_id: int, event_id: int) -> None:
    """Render and file a decision letter; idempotent, so a retry never files it twice."""
    services.file_decision_letter(case_id=case_id, event_id=event_id)
