"""What changed between two versions of a plan's content, item by item and section by section. Pure: no Django.

`diff(old, new) -> Diff` compares items by key (`drafting.content`): an item only in `new` (or restored there) is
ADDED, one gone from `new` (or deleted by a person there) is REMOVED, one in both whose fields differ is CHANGED
with the names of the fields (`Change.fields`: "what", "frequency"... and "sources" or "flags" when only those
moved). The ranked SEN2 types of section B are reported as a change with key "need_types". The order of the
changes is the plan's: section by section, items in the new version's order, removed items after. Reordering
alone is not a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drafting.content import SECTIONS, Item, PlanContent, item_text

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
# Bookkeeping fields that change with every edit; a change to them alone is still reported, but last.
_STAMPS = ("edited_by", "edited_by_name", "edited_at")


@dataclass(frozen=True)
class Change:
    section: str
    key: str
    change: str  # ADDED, REMOVED or CHANGED
    # The words of the item (the new ones, or the old ones for a removed item), to show in the list of changes.
    text: str = ""
    fields: tuple[str, ...] = ()
    before: dict | None = None
    after: dict | None = None


@dataclass(frozen=True)
class Diff:
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def for_section(self, section: str) -> list[Change]:
        return [c for c in self.changes if c.section == section]

    def by_section(self) -> dict[str, list[Change]]:
        """Every section (in the plan's order) that changed, with its changes."""
        return {s: self.for_section(s) for s in SECTIONS if self.for_section(s)}

    def counts(self) -> dict[str, dict[str, int]]:
        """Per section: how many items were added, removed and changed."""
        return {
            section: {kind: sum(1 for c in changes if c.change == kind) for kind in (ADDED, REMOVED, CHANGED)}
            for section, changes in self.by_section().items()
        }

    def keys(self, change: str) -> set[str]:
        return {c.key for c in self.changes if c.change == change}


def diff(old: PlanContent, new: PlanContent) -> Diff:
    old_items = {item.key: (section, item) for section, item in old.all_items(include_deleted=True)}
    new_items = {item.key: (section, item) for section, item in new.all_items(include_deleted=True)}
    changes: list[Change] = []
    for section in SECTIONS:
        if section == "B" and old.need_types != new.need_types:
            changes.append(
                Change(
                    "B",
                    "need_types",
                    CHANGED,
                    ", ".join(new.need_types),
                    ("need_types",),
                    {"need_types": list(old.need_types)},
                    {"need_types": list(new.need_types)},
                )
            )
        for key, (new_section, item) in new_items.items():
            if new_section != section:
                continue
            before = old_items.get(key, (None, None))[1]
            change = _compare(section, before, item)
            if change:
                changes.append(change)
        for key, (old_section, item) in old_items.items():
            if old_section == section and key not in new_items and not item.is_deleted:
                changes.append(Change(section, key, REMOVED, item_text(item), before=item.to_dict()))
    return Diff(tuple(changes))


def _compare(section: str, before: Item | None, after: Item) -> Change | None:
    if before is None or before.is_deleted:
        if after.is_deleted:
            return None
        return Change(section, after.key, ADDED, item_text(after), after=after.to_dict())
    if after.is_deleted:
        return Change(
            section, after.key, REMOVED, item_text(before), before=before.to_dict(), after=after.to_dict()
        )
    old, new = before.to_dict(), after.to_dict()
    differing = [name for name in new if name != "key" and old.get(name) != new.get(name)]
    if not differing:
        return None
    ordered = tuple(n for n in differing if n not in _STAMPS) + tuple(n for n in differing if n in _STAMPS)
    return Change(section, after.key, CHANGED, item_text(after), ordered, old, new)
