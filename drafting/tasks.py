from celery import shared_task

from cases.models import Case
from drafting import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def assemble_plan(case_id: int) -> None:
    """Assemble the draft once the last requested advice has arrived; the same advice makes no new version."""
    case = Case.objects.select_related("child", "council").filter(pk=case_id).first()
    if case is not None and case.closed_on is None:
        services.assemble_plan(case=case, by=None)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_plan_pdf(version_id: int) -> None:
    """Render a plan version to PDF and file it with the case; a retry finds it done and stops."""
    services.render_plan_pdf(version_id=version_id)
