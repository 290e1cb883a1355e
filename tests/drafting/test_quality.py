"""Every quality rule, with a plan that passes it and one that fails it; the grade; the one sentence check."""

import dataclasses
import json
from datetime import date, datetime

import pytest

from drafting.assembly import assemble
from drafting.content import (
    CONFLICT,
    MERGED,
    SOURCE_CHANGED,
    AdviceListing,
    Flag,
    Need,
    Outcome,
    PersonalBudget,
    Placement,
    PlanContent,
    Provision,
    View,
    delete_item,
    edit_item,
    resolve_flag,
)
from drafting.quality import (
    ERROR,
    GLOSSARY,
    GOOD,
    INADEQUATE,
    OUTSTANDING,
    REQUIRES_IMPROVEMENT,
    SECTION_WEIGHTS,
    WARNING,
    Finding,
    by_section,
    check,
    grade,
    has_unresolved_errors,
    provision_findings,
)
from tests.drafting.worked import inputs

TODAY = date(2026, 3, 10)
AT = datetime(2026, 3, 9, 12, 0)


def good_plan() -> PlanContent:
    """A small plan with nothing to fix."""
    return PlanContent(
        views=(View(key="v1", whose="child", topic="likes", text="I like trains."),),
        needs=(
            Need(
                key="n1", section="B", area="cognition_learning", description="Reads two years below his age."
            ),
            Need(key="n2", section="C", description="Has epilepsy, controlled by medication."),
            Need(key="n3", section="D", description="His family needs breaks from caring."),
        ),
        outcomes=(
            Outcome(
                key="o1",
                description="Reads a book for his age",
                by_when="By the end of Year 5",
                measure="Reading age, tested each term",
                need_keys=("n1",),
            ),
            Outcome(
                key="o2",
                description="Stays safe during a seizure",
                by_when="From September 2026",
                measure="Seizure log, reviewed termly",
                need_keys=("n2",),
            ),
            Outcome(
                key="o3",
                description="The family has time to rest",
                by_when="Within 6 months",
                measure="Review with the social worker every 3 months",
                need_keys=("n3",),
            ),
        ),
        provision=(
            Provision(
                key="p1",
                section="F",
                what="Small group phonics",
                who="a trained teaching assistant",
                frequency="3 times a week",
                duration="30 minutes, for the school year",
                need_keys=("n1",),
                outcome_keys=("o1",),
            ),
            Provision(
                key="p2",
                section="G",
                what="Seizure care plan and staff training",
                who="the school nurse",
                frequency="once a term",
                duration="1 hour",
                need_keys=("n2",),
                commissioner_agreed_by="The integrated care board",
                commissioner_agreed_on=date(2026, 3, 1),
            ),
            Provision(
                key="p3",
                section="H2",
                what="Short breaks at a play scheme",
                who="the council's short breaks service",
                frequency="one Saturday a month",
                duration="6 hours",
                need_keys=("n3",),
            ),
        ),
        advice=(
            AdviceListing(
                key="k1",
                submission_id=1,
                title="Educational advice",
                author_name="Pat Head",
                submitted_on=date(2026, 2, 1),
            ),
        ),
    )


def codes(content: PlanContent, **kwargs) -> set[tuple[str, str, str]]:
    return {(f.code, f.key, f.severity) for f in check(content, today=TODAY, **kwargs)}


def change(content: PlanContent, key: str, **fields) -> PlanContent:
    return content.replace(dataclasses.replace(content.item(key), **fields))


def test_a_good_plan_has_no_findings_and_is_outstanding():
    findings = check(good_plan(), today=TODAY)
    assert findings == []
    assert not has_unresolved_errors(findings)
    assert grade(good_plan(), findings).score == 100
    assert grade(good_plan(), findings).label == OUTSTANDING


@pytest.mark.parametrize("section", ["A", "B", "E", "F", "K"])
def test_a_required_section_left_empty_is_an_error(section):
    content = good_plan()
    for item in content.active(section):
        content = delete_item(content, item.key, by_id=1, by_name="C", at=AT)
    findings = [f for f in check(content, today=TODAY) if f.code == "section_empty"]
    assert [(f.section, f.severity) for f in findings] == [(section, ERROR)]
    assert findings[0].message.startswith(f"Section {section} is empty.")


def test_sections_c_d_g_and_h_may_be_empty():
    content = good_plan()
    for key in ("n2", "n3", "o2", "o3", "p2", "p3"):
        content = delete_item(content, key, by_id=1, by_name="C", at=AT)
    assert check(content, today=TODAY) == []


def test_a_draft_names_no_school_and_the_final_plan_does():
    named = dataclasses.replace(good_plan(), placement=Placement(name="Hill Primary", type="Maintained"))
    assert ("placement_in_draft", "placement-I", ERROR) in codes(named)
    assert "placement_in_draft" not in {c for c, _k, _s in codes(named, final=True)}
    assert ("placement_missing", "placement-I", ERROR) in codes(good_plan(), final=True)


def test_a_personal_budget_asked_for_says_what_it_pays_for():
    asked = dataclasses.replace(good_plan(), personal_budget=PersonalBudget(requested=True))
    assert ("budget_details", "budget-J", WARNING) in codes(asked)
    told = dataclasses.replace(
        asked, personal_budget=PersonalBudget(requested=True, details="Swimming lessons")
    )
    assert codes(told) == set()


@pytest.mark.parametrize(
    ("need", "provision", "where"), [("n1", "p1", "F"), ("n2", "p2", "G"), ("n3", "p3", "H")]
)
def test_every_need_has_provision_in_its_section(need, provision, where):
    content = change(good_plan(), provision, need_keys=())
    findings = [f for f in check(content, today=TODAY) if f.code == "need_without_provision"]
    assert [(f.key, f.severity) for f in findings] == [(need, ERROR)]
    assert f"section {where}" in findings[0].message


def test_provision_in_the_wrong_section_does_not_meet_a_need():
    content = change(good_plan(), "p3", section="F")
    assert ("need_without_provision", "n3", ERROR) in codes(content)


@pytest.mark.parametrize(("need", "outcome"), [("n1", "o1"), ("n2", "o2"), ("n3", "o3")])
def test_every_need_has_an_outcome(need, outcome):
    content = change(good_plan(), outcome, need_keys=())
    assert ("need_without_outcome", need, ERROR) in codes(content)
    assert ("unlinked", outcome, WARNING) in codes(content)


def test_a_link_to_a_deleted_need_is_found():
    content = delete_item(good_plan(), "n1", by_id=1, by_name="C", at=AT)
    assert ("broken_link", "p1", WARNING) in codes(content)
    assert ("broken_link", "o1", WARNING) in codes(content)


@pytest.mark.parametrize("field", ["what", "who", "frequency", "duration"])
def test_provision_says_what_who_how_often_and_how_long(field):
    content = change(good_plan(), "p1", **{field: ""})
    findings = [f for f in check(content, today=TODAY) if f.key == "p1"]
    assert [(f.code, f.field, f.severity) for f in findings] == [(f"missing_{field}", field, ERROR)]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("frequency", "as required"),
        ("frequency", "regular"),
        ("duration", "ongoing"),
        ("who", "input from a therapist"),
        ("frequency", "up to 3 times a week"),
        ("frequency", "frequency to be determined"),
        ("what", "Speech therapy when necessary"),
        ("what", "Counselling, if possible"),
    ],
)
def test_wording_that_leaves_provision_open_is_an_error(field, value):
    content = change(good_plan(), "p1", **{field: value})
    findings = [f for f in check(content, today=TODAY) if f.key == "p1"]
    assert findings and all(f.severity == ERROR and f.field == field for f in findings)


@pytest.mark.parametrize(
    "what",
    ["Access to a quiet room", "Opportunities for small group work", "Interventions for reading: Toe by Toe"],
)
def test_the_fault_is_the_missing_specification_not_the_word(what):
    assert codes(change(good_plan(), "p1", what=what)) == set()


def test_how_often_that_cannot_be_counted_is_a_warning():
    content = change(good_plan(), "p1", frequency="on Mondays and Fridays")
    assert ("frequency_unclear", "p1", WARNING) in codes(content)


def test_free_text_provision_is_checked_as_a_sentence():
    specific = change(
        good_plan(),
        "p1",
        text="A teaching assistant will support him for 25 hours a week, for the school year.",
    )
    assert codes(specific) == set()
    vague = change(good_plan(), "p1", text="Access to support as needed.")
    found = {(f.code, f.severity) for f in check(vague, today=TODAY) if f.key == "p1"}
    assert ("amount_open", ERROR) in found
    assert ("unspecified", ERROR) in found
    (open_amount,) = [f for f in check(vague, today=TODAY) if f.code == "amount_open"]
    assert "Access to support as needed."[open_amount.start : open_amount.end] == "support as needed"


def test_the_one_sentence_check_is_the_advice_forms_check():
    assert provision_findings("A teaching assistant will support him for 25 hours a week.", section="F") == []
    assert sorted(f.code for f in provision_findings("Regular input from a therapist.", section="G")) == [
        "unspecified",
        "vague",
        "vague",
    ]
    assert provision_findings("Regular input.", section="B") == []


def test_outcomes_have_a_time_frame_and_a_measure():
    assert ("outcome_no_time_frame", "o1", ERROR) in codes(change(good_plan(), "o1", by_when=""))
    assert ("outcome_no_measure", "o1", ERROR) in codes(change(good_plan(), "o1", measure=" "))
    assert ("outcome_time_frame_unclear", "o1", WARNING) in codes(change(good_plan(), "o1", by_when="soon"))


def test_health_provision_needs_the_commissioners_agreement():
    content = change(good_plan(), "p2", commissioner_agreed_by="", commissioner_agreed_on=None)
    assert ("no_commissioner_agreement", "p2", WARNING) in codes(content)
    assert ("no_commissioner_agreement", "p2", ERROR) in codes(content, final=True)
    half = change(good_plan(), "p2", commissioner_agreed_on=None)
    assert ("no_commissioner_agreement", "p2", WARNING) in codes(half)


def test_advice_older_than_the_councils_limit_is_flagged():
    old = change(good_plan(), "k1", submitted_on=date(2025, 1, 5))
    (finding,) = check(old, today=TODAY)
    assert (finding.code, finding.section, finding.severity) == ("advice_too_old", "K", WARNING)
    assert "5 January 2025" in finding.message and "365 days" in finding.message
    assert check(old, today=TODAY, advice_age_limit_days=500) == []
    assessed = change(old, "k1", submitted_on=date(2026, 2, 1), assessed_on=date(2024, 12, 1))
    assert ("advice_too_old", "k1", WARNING) in codes(assessed)


def test_the_councils_limit_in_months_counts_calendar_months():
    content = change(good_plan(), "k1", submitted_on=date(2025, 3, 10))
    assert check(content, today=TODAY, advice_age_limit_months=12) == []
    (finding,) = check(content, today=date(2026, 3, 11), advice_age_limit_months=12)
    assert "12 months ago" in finding.message and "limit of 12 months" in finding.message


def test_findings_are_stored_as_json_and_read_back():
    findings = check(change(good_plan(), "p1", frequency="as required"), today=TODAY)
    assert [Finding.from_dict(json.loads(json.dumps(f.to_dict()))) for f in findings] == findings


def test_an_abbreviation_is_explained_the_first_time():
    content = change(good_plan(), "p1", who="the SALT")
    (finding,) = check(content, today=TODAY)
    assert (finding.code, finding.key, finding.severity) == ("jargon", "p1", WARNING)
    assert GLOSSARY["SALT"] in finding.message
    explained = change(good_plan(), "p1", who="a speech and language therapist (SALT)")
    assert codes(explained) == set()
    in_brackets = change(good_plan(), "p1", who="the SALT (speech and language therapist)")
    assert codes(in_brackets) == set()
    later = change(explained, "p2", who="the SALT")
    assert codes(later) == set()


def test_terms_of_art_are_flagged_and_the_familys_own_words_are_not():
    content = change(good_plan(), "n1", description="Weak receptive language and ASD traits.")
    found = sorted(f.message.split("“")[1].split("”")[0] for f in check(content, today=TODAY))
    assert found == ["ASD", "receptive language"]
    assert check(change(good_plan(), "v1", text="He has ASD and sees the SALT."), today=TODAY) == []


def test_open_flags_must_be_settled():
    other = dataclasses.replace(good_plan().item("p1"), key="p1b", frequency="daily")
    conflict = good_plan().replace(other)
    conflict = change(conflict, "p1", flags=(dataclasses.replace(_flag(CONFLICT), with_keys=("p1b",)),))
    conflict = change(conflict, "p1b", flags=(dataclasses.replace(_flag(CONFLICT), with_keys=("p1",)),))
    assert {c for c in codes(conflict) if c[0] == "conflict_unresolved"} == {
        ("conflict_unresolved", "p1", ERROR),
        ("conflict_unresolved", "p1b", ERROR),
    }
    settled = resolve_flag(conflict, "p1", CONFLICT, resolution="Kept 3 a week", by_id=1, by_name="C", at=AT)
    settled = resolve_flag(settled, "p1b", CONFLICT, resolution="Kept 3 a week", by_id=1, by_name="C", at=AT)
    assert codes(settled) == set()
    removed = delete_item(
        conflict, "p1b", by_id=1, by_name="C", at=AT, reason="The therapist's advice is newer"
    )
    assert codes(removed) == set()
    assert ("merge_unchecked", "n1", WARNING) in codes(change(good_plan(), "n1", flags=(_flag(MERGED),)))
    assert ("source_changed", "n1", WARNING) in codes(
        change(good_plan(), "n1", flags=(_flag(SOURCE_CHANGED),))
    )


def _flag(code):
    return Flag(code, "Check it")


def test_an_item_with_no_words_is_an_error():
    assert ("empty_item", "n1", ERROR) in codes(change(good_plan(), "n1", description=""))


def test_findings_come_in_the_plans_order_and_by_section():
    content = change(change(good_plan(), "p1", duration=""), "o1", measure="")
    findings = check(content, today=TODAY)
    assert [f.section for f in findings] == ["E", "F"]
    assert list(by_section(findings)) == ["E", "F"]


def test_the_grade_weighs_sections_and_errors_cap_the_label():
    assert sum(SECTION_WEIGHTS.values()) == 100
    one_error = change(good_plan(), "p1", duration="")
    result = grade(one_error, check(one_error, today=TODAY))
    assert result.score == 92 and result.label == REQUIRES_IMPROVEMENT
    f_section = next(s for s in result.sections if s.section == "F")
    assert (f_section.errors, f_section.score) == (1, pytest.approx(16.67))
    warnings = [Finding("B", "n1", WARNING, "x", "y")] * 2
    assert grade(good_plan(), warnings).label == OUTSTANDING
    assert grade(good_plan(), [Finding("F", "p1", WARNING, "x", "y")] * 9).label == GOOD
    many = [Finding(s, "", ERROR, "x", "y") for s in ("A", "B", "E", "F") for _ in range(3)]
    assert grade(good_plan(), many).label == INADEQUATE


def test_the_worked_draft_needs_its_conflict_settled_before_it_goes_to_the_family():
    content = assemble(inputs())
    findings = check(content, today=TODAY)
    assert has_unresolved_errors(findings)
    assert {f.code for f in findings if f.severity == ERROR} == {"conflict_unresolved"}
    for _section, item, flag in content.open_flags():
        content = resolve_flag(
            content, item.key, flag.code, resolution="Checked", by_id=1, by_name="C", at=AT
        )
    (g,) = content.active("G")
    content = edit_item(
        content,
        g.key,
        changes={"commissioner_agreed_by": "The integrated care board", "commissioner_agreed_on": TODAY},
        by_id=1,
        by_name="C",
        at=AT,
    )
    assert check(content, today=TODAY) == []
    assert grade(content, []).label == OUTSTANDING
