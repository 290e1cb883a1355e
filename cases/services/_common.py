"""Helpers every case service shares: history with the acting user, timeline rows, row locks, team rows."""

from django.db.models import F

from accounts.models import User
from cases.models import (
    Case,
    CaseReferenceCounter,
    CaseTeamMember,
    Child,
    TimelineEvent,
)
from core.errors import StaleVersion
from core.history import save_with_history as _save_with_history


def _timeline(*, case: Case, kind: str, summary: str, by: User | None, detail: str = "", family: bool = True):
    return TimelineEvent.objects.create(
        case=case, kind=kind, summary=summary[:300], detail=detail, actor=by, visible_to_family=family
    )


def next_reference(*, year: int) -> str:
    """EHC-2026-00042: per-year sequence, locked so two requests never share a number."""
    counter, _ = CaseReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db(fields=["last_number"])
    return f"EHC-{year}-{counter.last_number:05d}"


def search_name_for(child: Child) -> str:
    parts = [child.legal_first_name, child.legal_last_name]
    if child.preferred_name:
        parts.append(child.preferred_name)
    return " ".join(" ".join(parts).lower().split())


def _add_member(*, case: Case, role: str, by: User | None, user: User | None = None, organisation_id=None):
    member = CaseTeamMember(case=case, user=user, organisation_id=organisation_id, role=role, added_by=by)
    _save_with_history(member, by=by)
    return member


def _lock(case: Case, *, expected_version: int | None) -> Case:
    locked = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            "Someone else changed this case while you were working on it. Check the case page and try again"
        )
    return locked
