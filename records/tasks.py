from celery import shared_task

from records import services


@shared_task(acks_late=True)
def build_export(export_id: int) -> None:
    """Build a subject access archive; a finished or failed one is left alone, so a second run builds nothing.
    A failure is shown on the manager's page, who starts a new export (no retry: it would find it failed)."""
    services.build_export(export_id=export_id)


@shared_task(acks_late=True)
def carry_out_disposal(disposal_id: int) -> None:
    """Dispose of an approved record; idempotent (a disposal already done, stopped or not approved is left)."""
    services.carry_out_disposal(disposal_id=disposal_id)


@shared_task(acks_late=True)
def sweep_retention(council_id: int | None = None) -> int:
    """List what the schedules say is due (nothing is disposed of without a manager), and remove old archives."""
    services.expire_exports()
    return services.sweep_retention(council_ids=None if council_id is None else [council_id])
