"""Overwriting personal data in rows and in their history, for a disposal the retention schedule called for.

The one place the service changes audited rows without a new history row: keeping a copy of what is being
destroyed in the history would defeat the destruction. What was destroyed is written to the destruction record
(records.models.DestructionRecord) instead. Used only by the disposal services, after a manager's approval.
"""

from django.db.models import Case, Value, When

REDACTED = "[redacted]"


def redacted(field: str, text: str = REDACTED):
    """The field's text replaced, and an empty field left empty (so nobody reads "[redacted]" where nothing was)."""
    return Case(When(**{field: ""}, then=Value("")), default=Value(text))


def scrub(model, rows, fields: dict) -> int:
    """Set `fields` on these rows of `model` and on every history row of theirs; the number of rows changed."""
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    changed = model.objects.filter(pk__in=ids).update(**fields)
    history = getattr(model, "history", None)
    if history is not None:
        history.model.objects.filter(id__in=ids).update(**fields)
    return changed
