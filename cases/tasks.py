from celery import shared_task

from cases import services


@shared_task(acks_late=True)
def refresh_deadline_statuses() -> int:
    """Beat: mark deadlines whose day has passed as missed (or excused) and move each case's next due date."""
    return services.refresh_deadline_statuses()
