from celery import shared_task

from cases import services


@shared_task(acks_late=True)
def refresh_deadline_statuses() -> int:
    """Beat: mark deadlines whose day has passed as missed (or excused) and move each case's next due date."""
    return services.refresh_deadline_statuses()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def file_decision_letter(case_id: int, event_id: int) -> None:
    """Render and file a decision letter; idempotent, so a retry never files it twice."""
    from cases import letters

    letters.file_decision_letter(case_id=case_id, event_id=event_id)
