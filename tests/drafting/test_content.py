"""A plan version's content survives a trip through JSON, section by section, and records who changed what."""

import json
from datetime import date, datetime

import pytest

from drafting.content import (
    CONFLICT,
    SECTIONS,
    AdviceListing,
    ContentError,
    Flag,
    Need,
    Outcome,
    PersonalBudget,
    Placement,
    PlanContent,
    Provision,
    Source,
    View,
    add_item,
    content_from_sections,
    delete_item,
    edit_item,
    make_key,
    person_key,
    resolve_flag,
    split_merged,
)

AT = datetime(2026, 3, 2, 9, 30)


def sample() -> PlanContent:
    need = Need(
        key="need-B-1",
        section="B",
        area="communication_interaction",
        need_types=("SLCN",),
        description="Finds it hard to follow spoken instructions",
        sources=(Source.advice(7, "need", 31), Source.advice(9, "need", 40)),
    )
    return PlanContent(
        views=(View(key="view-A-1", whose="child", topic="likes", heading="What I like", text="Trains"),),
        needs=(
            need,
            Need(key="need-C-1", section="C", description="Epilepsy", sources=(Source.advice(8, "need", 2),)),
        ),
        need_types=("SLCN", "ASD"),
        outcomes=(
            Outcome(
                key="outcome-E-1",
                description="Follows two-step instructions",
                by_when="By the end of Year 4",
                measure="Teacher records, termly",
                need_keys=("need-B-1",),
            ),
        ),
        provision=(
            Provision(
                key="provision-F-1",
                section="F",
                what="Language group",
                who="a teaching assistant trained by the therapist",
                frequency="3 times a week",
                duration="30 minutes",
                group_size="up to 4",
                need_keys=("need-B-1",),
                outcome_keys=("outcome-E-1",),
                flags=(Flag(CONFLICT, "Two frequencies", with_keys=("provision-F-2",)),),
            ),
            Provision(
                key="provision-G-1",
                section="G",
                what="Seizure plan reviewed",
                commissioner_agreed_by="The ICB",
                commissioner_agreed_on=date(2026, 2, 1),
            ),
        ),
        placement=Placement(),
        personal_budget=PersonalBudget(requested=True, amount="£1,200", details="Swimming lessons"),
        advice=(
            AdviceListing(
                key="advice-K-7",
                submission_id=7,
                kind="speech_and_language",
                title="Speech and language therapy advice",
                author_name="A Therapist",
                submitted_on=date(2026, 1, 20),
                sources=(Source.advice(7, "submission"),),
            ),
        ),
    )


def test_content_round_trips_through_json():
    content = sample()
    data = json.loads(json.dumps(content.to_dict()))
    assert list(data["sections"]) == list(SECTIONS)
    assert PlanContent.from_dict(data) == content


def test_each_section_is_stored_and_read_on_its_own():
    content = sample()
    sections = {code: json.loads(json.dumps(content.section_to_dict(code))) for code in SECTIONS}
    assert content_from_sections(sections) == content
    assert [n["key"] for n in sections["C"]["needs"]] == ["need-C-1"]
    assert sections["B"]["need_types"] == ["SLCN", "ASD"]
    assert sections["G"]["provision"][0]["commissioner_agreed_on"] == "2026-02-01"
    assert sections["I"]["placement"]["name"] == ""


def test_the_same_content_gives_the_same_json_text():
    assert json.dumps(sample().to_dict()) == json.dumps(sample().to_dict())


def test_keys_are_stable_and_ignore_case_and_punctuation():
    assert make_key("need-B", "semh", "Anxious at school.") == make_key(
        "need-B", "SEMH", "anxious  at school"
    )
    assert make_key("need-B", "semh", "Anxious at school") != make_key("need-B", "semh", "Anxious at home")
    assert person_key("need-B", by_id=3, at=AT) != person_key("need-B", by_id=3, at=AT, n=1)


def test_an_edit_is_stamped_with_who_and_when():
    content = edit_item(
        sample(), "provision-F-1", changes={"frequency": "4 times a week"}, by_id=5, by_name="C", at=AT
    )
    item = content.item("provision-F-1")
    assert (item.frequency, item.edited_by, item.edited_by_name, item.edited_at) == (
        "4 times a week",
        5,
        "C",
        AT,
    )
    assert item.sources == sample().item("provision-F-1").sources
    with pytest.raises(ContentError):
        edit_item(sample(), "provision-F-1", changes={"key": "x"}, by_id=5, by_name="C", at=AT)


def test_a_deleted_item_is_kept_but_not_shown():
    content = delete_item(sample(), "need-C-1", by_id=5, by_name="C", at=AT, reason="Not an SEN-related need")
    assert [n.key for n in content.active("C")] == []
    assert content.item("need-C-1").deleted_reason == "Not an SEN-related need"
    assert PlanContent.from_dict(content.to_dict()) == content


def test_a_person_adds_an_item_in_its_section_with_themself_as_the_source():
    new = Need(key=person_key("need-B", by_id=5, at=AT), section="B", area="semh", description="Low mood")
    content = add_item(sample(), new, by_id=5, by_name="C", at=AT)
    assert [n.key for n in content.needs] == ["need-B-1", new.key, "need-C-1"]
    assert content.item(new.key).sources == (Source.person(5, "C", AT),)


def test_a_flag_is_resolved_and_kept():
    content = resolve_flag(
        sample(), "provision-F-1", CONFLICT, resolution="Kept 3 a week", by_id=5, by_name="C", at=AT
    )
    (flag,) = content.item("provision-F-1").flags
    assert flag.is_resolved and flag.resolution == "Kept 3 a week"
    assert content.open_flags() == []


def test_only_a_merged_item_can_be_split():
    content = split_merged(sample(), "need-B-1", by_id=5, by_name="C", at=AT)
    assert [n.submission_ids for n in content.active("B")] == [(7,), (9,)]
    assert content.item("outcome-E-1").need_keys == ("need-B-1", content.active("B")[1].key)
    with pytest.raises(ContentError):
        split_merged(sample(), "need-C-1", by_id=5, by_name="C", at=AT)
