"""The draft assembled from the advice: each item in its section with its source, the same need merged, differing
recommendations side by side, and a person's work kept when new advice arrives."""

import dataclasses
import random
from datetime import date, datetime

from drafting.assembly import assemble
from drafting.content import (
    ADVICE,
    CONFLICT,
    MERGED,
    REQUEST,
    SOURCE_CHANGED,
    AdviceInput,
    Need,
    NeedInput,
    OutcomeInput,
    PlanContent,
    ProvisionInput,
    Source,
    add_item,
    delete_item,
    edit_item,
    person_key,
    resolve_flag,
    split_merged,
)
from drafting.diffing import ADDED, diff
from drafting.quality import check
from tests.drafting import worked
from tests.drafting.worked import EP, FAMILY, SALT, SCHOOL, inputs

AT = datetime(2026, 3, 5, 14, 0)


def by_text(content: PlanContent, section: str, words: str):
    (item,) = [i for i in content.active(section) if words.lower() in _text(i).lower()]
    return item


def _text(item) -> str:
    return getattr(item, "description", "") or getattr(item, "what", "") or getattr(item, "text", "")


def test_needs_go_to_b_by_area_c_for_health_and_d_for_social_care():
    content = assemble(inputs())
    assert [(n.area, n.description) for n in content.active("B")] == [
        ("communication_interaction", "Finds it hard to follow spoken instructions in class."),
        ("cognition_learning", "Reading is two years behind age expectations."),
        ("semh", "Becomes anxious when routines change"),
    ]
    assert [n.description for n in content.active("C")] == ["Epilepsy, controlled by medication"]
    assert [n.description for n in content.active("D")] == ["The family needs breaks from caring"]
    assert content.need_types == ("SLCN", "SPLD", "SEMH")


def test_provision_goes_to_f_g_and_h_and_outcomes_to_e():
    content = assemble(inputs())
    assert {p.what for p in content.active("G")} == {"Seizure care plan written and staff trained"}
    assert {p.what for p in content.active("H2")} == {"Short breaks at a local play scheme"}
    assert content.active("H1") == ()
    assert len(content.active("F")) == 5
    assert len(content.active("E")) == 5


def test_a_section_is_the_child_and_family_in_their_own_words_and_the_request():
    views = assemble(inputs()).active("A")
    assert [(v.whose, v.heading, v.text) for v in views] == [
        ("child", "What I like and what I am good at", "Trains and drawing."),
        ("child", "What I find hard", "Reading and when it is noisy."),
        ("child", "The child's or young person's views, from the request", "I like school when it is quiet."),
        ("family", "What your child is good at and enjoys", "Kind, funny and loves building things."),
        (
            "family",
            "What worries you and what is hard for your child",
            "He gets very upset when plans change.",
        ),
        ("family", "The parent's or carer's views, from the request", "We want him to read."),
    ]
    assert views[0].sources == (Source.advice(101, "answer", "child_views.likes"),)
    assert views[2].sources == (Source.from_request("child_views"),)


def test_k_lists_every_advice_with_its_author_and_date_and_i_is_blank():
    content = assemble(inputs())
    assert [(a.title, a.author_name, a.submitted_on) for a in content.active("K")] == [
        (
            "The family's advice (parent or carer, and the child or young person)",
            "Jo Parent",
            date(2026, 2, 2),
        ),
        ("Educational advice", "Pat Head", date(2026, 2, 10)),
        ("Speech and language therapy advice", "Sam Therapist", date(2026, 2, 12)),
        ("Psychological advice", "Lee Psychologist", date(2026, 2, 20)),
        ("Health advice", "Ria Paediatrician", date(2026, 2, 25)),
        ("Social care advice", "Kim Worker", date(2026, 3, 1)),
    ]
    assert content.listing(102).author_role == "SENCo"
    assert content.placement.is_blank


def test_the_same_need_from_two_advisers_is_one_need_with_both_sources():
    need = by_text(assemble(inputs()), "B", "spoken instructions")
    assert need.sources == (Source.advice(102, "need", 2), Source.advice(103, "need", 30))
    assert need.need_types == ("SLCN",)
    assert need.evidence == "CELF-5 receptive score 72"
    (flag,) = need.flags
    assert flag.code == MERGED
    assert "Pat Head" in flag.message and "Sam Therapist" in flag.message


def test_needs_of_one_type_worded_differently_are_not_merged():
    other = dataclasses.replace(
        SALT,
        needs=(
            NeedInput(30, "Has a limited vocabulary", area="communication_interaction", sen2_type="SLCN"),
        ),
    )
    content = assemble(inputs(SCHOOL, other))
    assert len([n for n in content.active("B") if n.area == "communication_interaction"]) == 2


def test_differing_recommendations_stay_side_by_side_and_are_flagged():
    content = assemble(inputs())
    items = [p for p in content.active("F") if p.what.startswith("Language programme")]
    assert sorted(p.frequency for p in items) == ["3 times a week", "once a week"]
    for item in items:
        (flag,) = item.flags
        assert flag.code == CONFLICT
        assert flag.with_keys == tuple(o.key for o in items if o is not item)
        assert "once a week" in flag.message and "3 times a week" in flag.message


def test_the_same_recommendation_from_two_advisers_is_merged():
    twin = dataclasses.replace(SALT, provision=(dataclasses.replace(SCHOOL.provision[1], id=99),))
    content = assemble(inputs(SCHOOL, twin))
    item = by_text(content, "F", "Language programme")
    assert item.sources == (Source.advice(102, "provision", 21), Source.advice(103, "provision", 99))
    assert [f.code for f in item.flags] == [MERGED]


def test_an_outcome_with_a_different_time_frame_is_a_conflict():
    late = dataclasses.replace(
        EP,
        submission_id=107,
        request_id=17,
        outcomes=(dataclasses.replace(EP.outcomes[0], by_when="By the end of Year 6"),),
        provision=(),
    )
    items = list(assemble(inputs(EP, late)).active("E"))
    assert len(items) == 2
    assert all(f.code == CONFLICT for o in items for f in o.flags)


def test_links_follow_the_advice_and_a_provision_linked_to_an_outcome_serves_its_needs():
    content = assemble(inputs())
    need = by_text(content, "B", "spoken instructions")
    outcome = by_text(content, "E", "two-step instructions")
    assert outcome.need_keys == (need.key,)
    salt_programme = [
        p for p in content.active("F") if p.frequency == "3 times a week" and "Language" in p.what
    ]
    assert salt_programme[0].outcome_keys == (outcome.key,)
    assert salt_programme[0].need_keys == (need.key,)


def test_a_blank_section_falls_back_to_the_kind_of_advice():
    health = AdviceInput(
        submission_id=1,
        kind="medical",
        author_name="N",
        submitted_on=date(2026, 1, 1),
        needs=(NeedInput(1, "Asthma"),),
        outcomes=(OutcomeInput(2, "Breathes well", need_ids=(1,)),),
        provision=(ProvisionInput(3, "Inhaler", need_id=1),),
    )
    content = assemble(inputs(health))
    assert [n.description for n in content.active("C")] == ["Asthma"]
    assert [p.what for p in content.active("G")] == ["Inhaler"]


def test_every_advice_item_of_the_worked_case_lands_in_the_draft_with_its_source():
    content = assemble(inputs())
    sources = {source for _section, item in content.all_items() for source in item.sources}
    for advice in worked.ADVICE:
        for need in advice.needs:
            assert Source.advice(advice.submission_id, "need", need.id) in sources
        for outcome in advice.outcomes:
            assert Source.advice(advice.submission_id, "outcome", outcome.id) in sources
        for provision in advice.provision:
            assert Source.advice(advice.submission_id, "provision", provision.id) in sources
        assert Source.advice(advice.submission_id, "submission") in sources
    for section, item in content.all_items():
        if section not in ("I", "J"):
            assert item.sources, f"{item.key} in {section} has no source"
            assert all(s.kind in (ADVICE, REQUEST) for s in item.sources)


def test_assembly_is_deterministic_and_idempotent():
    first = assemble(inputs())
    shuffled = list(worked.ADVICE)
    random.Random(4).shuffle(shuffled)
    assert assemble(inputs(*shuffled)) == first
    assert assemble(inputs(), previous=first) == first
    assert first.to_dict() == assemble(inputs()).to_dict()


def edited_draft() -> PlanContent:
    """The draft after a coordinator's morning: an edit, a deletion, an item of their own and a settled conflict."""
    content = assemble(inputs(FAMILY, SCHOOL, SALT, EP))
    phonics = by_text(content, "F", "phonics")
    content = edit_item(
        content, phonics.key, changes={"frequency": "4 times a week"}, by_id=7, by_name="Cam", at=AT
    )
    anxious = by_text(content, "B", "anxious")
    content = delete_item(content, anxious.key, by_id=7, by_name="Cam", at=AT, reason="Covered elsewhere")
    own = Need(
        key=person_key("need-B", by_id=7, at=AT), section="B", area="semh", description="Struggles at lunch"
    )
    content = add_item(content, own, by_id=7, by_name="Cam", at=AT)
    conflicted = [p for p in content.active("F") if p.open_flags()][0]
    return resolve_flag(
        content, conflicted.key, CONFLICT, resolution="Both kept", by_id=7, by_name="Cam", at=AT
    )


def test_new_advice_keeps_the_persons_edits_deletions_additions_and_decisions():
    before = edited_draft()
    after = assemble(inputs(), previous=before)
    phonics = by_text(after, "F", "phonics")
    assert (phonics.frequency, phonics.edited_by_name) == ("4 times a week", "Cam")
    assert not [n for n in after.active("B") if "anxious" in n.description]
    assert after.item(by_text(before, "B", "lunch").key).description == "Struggles at lunch"
    assert [f.is_resolved for f in after.item([p for p in before.active("F") if p.flags][0].key).flags] == [
        True
    ]
    assert [n.description for n in after.active("C")] == ["Epilepsy, controlled by medication"]
    assert assemble(inputs(), previous=after) == after


def test_the_difference_shows_what_new_advice_added():
    before = edited_draft()
    after = assemble(inputs(), previous=before)
    changes = diff(before, after)
    added = {c.section for c in changes.changes if c.change == ADDED}
    assert added == {"C", "D", "E", "G", "H2", "K"}
    assert changes.counts()["K"] == {"added": 2, "removed": 0, "changed": 0}
    assert not changes.for_section("F")


def test_an_edited_item_whose_advice_changed_is_kept_and_flagged_and_an_unedited_one_is_replaced():
    content = assemble(inputs(SCHOOL))
    phonics = by_text(content, "F", "phonics")
    reading = by_text(content, "B", "Reading")
    content = edit_item(
        content, phonics.key, changes={"who": "a specialist teacher"}, by_id=7, by_name="Cam", at=AT
    )
    corrected = dataclasses.replace(
        SCHOOL,
        submission_id=202,
        needs=(dataclasses.replace(SCHOOL.needs[0], description="Reads three years behind"), SCHOOL.needs[1]),
        provision=(dataclasses.replace(SCHOOL.provision[0], duration="40 minutes"), SCHOOL.provision[1]),
    )
    after = assemble(inputs(corrected), previous=content)
    kept = after.item(phonics.key)
    assert kept.who == "a specialist teacher"
    assert [f.code for f in kept.open_flags()] == [SOURCE_CHANGED]
    assert reading.key not in {n.key for n in after.needs}
    assert by_text(after, "B", "three years").sources == (Source.advice(202, "need", 1),)
    assert assemble(inputs(corrected), previous=after) == after


def test_a_merge_the_person_rejects_is_split_and_stays_split():
    content = assemble(inputs())
    merged = by_text(content, "B", "spoken instructions")
    split = split_merged(content, merged.key, by_id=7, by_name="Cam", at=AT, reason="Different settings")
    school, therapist = [n for n in split.active("B") if "spoken" in n.description.lower()]
    assert school.key == merged.key
    assert (school.submission_ids, therapist.submission_ids) == ((102,), (103,))
    assert [f.resolution for f in school.flags] == ["Split: Different settings"]
    salt_outcome = by_text(split, "E", "two-step instructions")
    assert salt_outcome.need_keys == (therapist.key,)
    school_programme = [
        p for p in split.active("F") if p.frequency == "once a week" and "Language" in p.what
    ][0]
    assert school_programme.need_keys == (school.key,)
    again = assemble(inputs(), previous=split)
    assert again == split
    assert not [
        f for f in check(again, today=date(2026, 3, 10)) if f.code in ("merge_unchecked", "source_changed")
    ]


def test_a_merged_need_ranks_the_types_its_advisers_named():
    third = dataclasses.replace(
        SALT, submission_id=108, request_id=18, needs=(dataclasses.replace(SALT.needs[0], sen2_type="ASD"),)
    )
    fourth = dataclasses.replace(third, submission_id=109, request_id=19)
    need = by_text(assemble(inputs(SCHOOL, third, fourth)), "B", "spoken instructions")
    assert need.need_types == ("ASD", "SLCN")
