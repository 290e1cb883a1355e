"""Rows to CSV and JSON files for a subject access archive: every stored field, with the history of each row."""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

from records.contributors import File


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file field
        return value.name or ""
    return value


def fields_of(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def rows(queryset) -> list[dict]:
    """Every stored field of each row (ids of related rows as they are), in a fixed order."""
    names = fields_of(queryset.model)
    return [{name: _plain(value) for name, value in row.items()} for row in queryset.values(*names)]


def history_rows(model, ids) -> list[dict]:
    """Every version of these rows: who changed what, when and why (django-simple-history)."""
    history = getattr(model, "history", None)
    if history is None:
        return []
    return rows(history.model.objects.filter(id__in=list(ids)).order_by("id", "history_date", "history_id"))


def csv_file(name: str, data: list[dict]) -> File:
    out = io.StringIO()
    if data:
        writer = csv.DictWriter(out, fieldnames=list(data[0]))
        writer.writeheader()
        for row in data:
            writer.writerow({key: _cell(value) for key, value in row.items()})
    else:
        out.write("(none held)\n")
    # A byte order mark, so a spreadsheet opens names with accents correctly.
    return File(name, ("\ufeff" + out.getvalue()).encode("utf-8"))


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    text = "" if value is None else str(value)
    # A cell starting with these runs as a formula in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _json_default(value):
    plain = _plain(value)
    # Anything else JSON has no type for (a UUID, a time) is written as its text.
    return str(plain) if plain is value else plain


def json_file(name: str, data) -> File:
    return File(name, json.dumps(data, indent=2, ensure_ascii=False, default=_json_default).encode("utf-8"))
