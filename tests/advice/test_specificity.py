"""Provision that is specified and quantified passes; each way of leaving it open is found and explained."""

import pytest

from advice.specificity import item_findings, provision_findings


@pytest.mark.parametrize(
    "text",
    [
        "A teaching assistant will support him for 25 hours a week.",
        "A speech and language therapist will deliver 30 minutes of individual therapy once a week for 2 terms.",
        "Daily 20 minute sessions of precision teaching, delivered by a trained teaching assistant.",
        "Regular 15 minute check-ins with her key worker each morning, throughout the school year.",
        "An occupational therapist will see him 3 times a week for 45 minutes, for the academic year.",
    ],
)
def test_specified_provision_has_no_findings(text):
    assert provision_findings(text, section="F") == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Up to 3 sessions a week of 30 minutes with a teaching assistant.", "Up to"),
        ("Speech and language therapy for 30 minutes a week as required, by a therapist.", "as required"),
        ("Counselling by a school counsellor for 40 minutes weekly when necessary.", "when necessary"),
        (
            "A teacher will provide 1:1 reading for 20 minutes, frequency to be determined.",
            "frequency to be determined",
        ),
    ],
)
def test_wording_that_leaves_the_amount_open_is_found_even_when_the_rest_is_specific(text, phrase):
    findings = [f for f in provision_findings(text, section="F") if f.code == "amount_open"]
    assert len(findings) == 1
    assert findings[0].message.startswith(f"“{phrase}”")
    assert text[findings[0].start : findings[0].end] == phrase


def test_an_open_frequency_is_also_a_missing_frequency():
    text = "A teacher will provide 1:1 reading for 20 minutes, frequency to be determined."
    messages = [f.message for f in provision_findings(text, section="F")]
    assert messages == [
        "This provision does not say how often",
        "“frequency to be determined” leaves the frequency open",
    ]


def test_vague_wording_without_the_amount_is_found_with_what_is_missing():
    text = "Access to a quiet space and opportunities for small group work."
    findings = provision_findings(text, section="F")
    assert [f.code for f in findings] == ["unspecified", "vague", "vague"]
    assert findings[0].message == "This provision does not say how often, for how long or by whom"
    assert findings[1].message == "“Access to” does not say how much"
    assert findings[2].message == "“opportunities for” does not say how much"


def test_support_as_needed_is_one_finding_not_two():
    findings = provision_findings("Support as needed from a teaching assistant.", section="F")
    open_ones = [f for f in findings if f.code == "amount_open"]
    assert [f.message for f in open_ones] == ["“Support as needed” leaves the amount to be decided later"]


def test_only_provision_sections_are_checked():
    assert provision_findings("Access to support as appropriate.", section="B") == []
    assert provision_findings("Access to support as appropriate.", section="G") != []
    assert provision_findings("Access to support as appropriate.", section="H1") != []


def test_a_provision_item_with_no_frequency_or_duration_is_flagged_beside_those_fields():
    findings = item_findings(what="Social skills group", who="Learning mentor", frequency="", duration="")
    assert [(f.field, f.message) for f in findings] == [
        ("frequency", "Say how often"),
        ("duration", "Say for how long"),
    ]


def test_a_provision_item_with_vague_frequency_is_flagged_on_that_field():
    findings = item_findings(
        what="Phonics intervention", who="Teaching assistant", frequency="regular", duration="20 minutes"
    )
    assert [(f.field, f.code) for f in findings] == [("frequency", "vague")]
    assert findings[0].suggestion == "Say how often, for example “twice a week”"
