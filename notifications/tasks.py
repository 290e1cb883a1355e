from celery import shared_task

from notifications import services


@shared_task(acks_late=True, ignore_result=True)
def relay_outbox() -> int:
    """Send what is queued. Safe to run on several workers at once: rows are claimed with SKIP LOCKED."""
    return services.relay()
