"""The panel's part of a subject access export about a child, and of a disposal (registered in panel.apps)."""

from panel import services
from panel.models import AgendaItem, BundleRead, ConflictOfInterest, Decision, Note, Vote
from records.archive import csv_file, history_rows, json_file, rows
from records.contributors import File


def export(child) -> list[File]:
    """Every time the child's cases went to the panel: the items, the members' votes and notes, the decisions
    (every correction too), conflicts declared and who read the papers."""
    items = AgendaItem.objects.filter(case__child=child).order_by("id")
    decisions = Decision.objects.filter(case__child=child).order_by("recorded_at", "id")
    on_child = {"item__case__child": child}
    return [
        csv_file("agenda_items.csv", rows(items)),
        csv_file("agenda_items_history.csv", history_rows(AgendaItem, items.values_list("pk", flat=True))),
        csv_file("votes.csv", rows(Vote.objects.filter(**on_child).order_by("id"))),
        json_file("decisions.json", rows(decisions)),
        csv_file("decisions_history.csv", history_rows(Decision, decisions.values_list("pk", flat=True))),
        csv_file("notes.csv", rows(Note.objects.filter(**on_child).order_by("created_at", "id"))),
        csv_file("conflicts.csv", rows(ConflictOfInterest.objects.filter(case__child=child).order_by("id"))),
        csv_file("bundle_reads.csv", rows(BundleRead.objects.filter(**on_child).order_by("id"))),
    ]


def dispose(child, method: str, by) -> list[str]:
    if method != "anonymise":
        return []
    return services.redact_for_disposal(child_id=child.pk)
