from celery import shared_task
from django.conf import settings

from notifications import services


@shared_task(acks_late=True, ignore_result=True)
def relay_outbox() -> int:
    """Send what is queued. Safe to run on several workers at once: rows are claimed with SKIP LOCKED."""
    attempted = services.relay()
    if attempted >= settings.OUTBOX_BATCH_SIZE:
        # A full batch: more may be waiting. Carry on now rather than at beat's next tick.
        services.kick_relay()
    return attempted
