from celery import shared_task

from advice import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_advice_pdf(submission_id: int) -> None:
    """Render submitted advice to PDF and file it with the case; idempotent, so a retry never files it twice."""
    services.file_advice_pdf(submission_id=submission_id)
