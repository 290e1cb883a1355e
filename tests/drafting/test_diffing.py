"""What changed between two versions: each item added, removed or changed, section by section."""

from datetime import datetime

from drafting.assembly import assemble
from drafting.content import delete_item, edit_item
from drafting.diffing import ADDED, CHANGED, REMOVED, diff
from tests.drafting.worked import EP, SALT, SCHOOL, inputs

AT = datetime(2026, 3, 5, 14, 0)


def test_the_same_content_has_no_changes():
    assert diff(assemble(inputs()), assemble(inputs())).is_empty


def test_an_edit_names_the_fields_that_changed():
    old = assemble(inputs(SCHOOL))
    (phonics,) = [p for p in old.active("F") if "phonics" in p.what]
    new = edit_item(old, phonics.key, changes={"frequency": "daily"}, by_id=3, by_name="Cam", at=AT)
    (change,) = diff(old, new).changes
    assert (change.section, change.key, change.change) == ("F", phonics.key, CHANGED)
    assert change.fields == ("frequency", "edited_by", "edited_by_name", "edited_at")
    assert change.before["frequency"] == "3 times a week" and change.after["frequency"] == "daily"
    assert "daily" in change.text


def test_a_deleted_item_is_removed_and_a_restored_one_added():
    old = assemble(inputs(SCHOOL))
    need = old.active("B")[0]
    new = delete_item(old, need.key, by_id=3, by_name="Cam", at=AT)
    assert diff(old, new).keys(REMOVED) == {need.key}
    assert diff(new, old).keys(ADDED) == {need.key}


def test_new_advice_is_counted_per_section_in_the_plans_order():
    changes = diff(assemble(inputs(SCHOOL)), assemble(inputs(SCHOOL, SALT, EP)))
    assert list(changes.by_section()) == ["B", "E", "F", "K"]
    assert changes.counts()["B"] == {"added": 1, "removed": 0, "changed": 2}
    assert {c.key for c in changes.for_section("B") if c.change == CHANGED} == {
        "need_types",
        [n for n in assemble(inputs(SCHOOL)).active("B") if "spoken" in n.description][0].key,
    }


def test_advice_withdrawn_removes_what_only_it_gave():
    changes = diff(assemble(inputs(SCHOOL, EP)), assemble(inputs(SCHOOL)))
    assert {c.section for c in changes.changes if c.change == REMOVED} == {"B", "E", "F", "K"}
