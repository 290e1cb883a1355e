from celery import shared_task

from forms_ersa import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def file_request_copy(draft_id: int) -> None:
    """Render and attach the PDF copy of a sent request; idempotent, so a retry never files it twice."""
    services.file_request_copy(draft_id=draft_id)
