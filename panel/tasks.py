from celery import shared_task

from panel import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_minutes(meeting_id: int) -> None:
    """Render a meeting's minutes to PDF; approved minutes are left as they are."""
    services.render_minutes(meeting_id=meeting_id)


@shared_task(acks_late=True, ignore_result=True)
def morning_run() -> int:
    """Beat, each morning: meetings scheduled ahead and waiting cases joined to the next agenda (or held back)."""
    return services.morning_run()


@shared_task(acks_late=True, ignore_result=True)
def close_due_digital_votes() -> int:
    """Beat, every few minutes: digital votes whose closing time has passed are closed."""
    return services.close_due_digital_votes()
