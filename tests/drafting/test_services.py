"""The plan's use cases, as the coordinator, the family and the law see them."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from advice import services as advice_services
from cases import policy, statutory
from cases.models import Deadline, FamilyContact
from drafting import content as plan_content
from drafting import selectors, services
from drafting.models import (
    CommentAnswer,
    FamilyComment,
    IssueRecord,
    OverrideReason,
    PlanVersion,
    SettingType,
    SignOffRule,
)
from notifications.models import Message
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _provision(version, what):
    content = selectors.content_of(version)
    return next(p for p in content.provision if p.what == what)


def _clean(version, by):
    """Resolve every flag and fill what the checks ask for, so the draft has no errors left."""
    version = PlanVersion.objects.get(pk=version.pk)
    content = selectors.content_of(version)
    for section, item, flag in content.open_flags():
        counter = selectors.section_counters(version)[section]
        version = services.resolve_flag(
            version=version, section=section, key=item.key, code=flag.code, resolution="Accepted", by=by,
            expected_version=counter,
        )
    return PlanVersion.objects.get(pk=version.pk)


# --- assembly --------------------------------------------------------------------------------------------------


def test_the_worker_assembles_the_draft_when_the_last_advice_arrives(advised_case, draft):
    assert draft is not None
    assert draft.number == 1 and draft.kind == "draft" and draft.status == "editing"
    assert draft.created_by is None  # the worker, not a person
    content = selectors.content_of(draft)
    needs = [n.description for n in content.active("B")]
    assert "Slow processing speed" in needs and "Difficulty following spoken instructions" in needs
    assert {a.author_name for a in content.advice} == {"Howard Psychologist", "Sam Therapist"}
    assert content.placement.is_blank  # section I left blank in a draft
    assert sorted(s.code for s in draft.sections.all()) == sorted(plan_content.SECTIONS)


def test_every_advice_item_lands_in_the_draft_with_its_source(advised_case, draft):
    from advice.models import AdviceNeed, AdviceOutcome, AdviceProvision

    content = selectors.content_of(draft)
    cited = {(s.part, s.ref) for _section, item in content.all_items() for s in item.sources if s.kind == "advice"}
    for model, part in ((AdviceNeed, "need"), (AdviceOutcome, "outcome"), (AdviceProvision, "provision")):
        for row in model.objects.filter(submission__request__case=advised_case):
            assert (part, str(row.pk)) in cited, (part, row)


def test_conflicting_recommendations_are_kept_side_by_side_and_flagged(draft):
    content = selectors.content_of(draft)
    reading = [p for p in content.active("F") if p.what == "Precision teaching of reading"]
    assert sorted(p.frequency for p in reading) == ["4 times a week", "Twice a week"]
    assert all(any(f.code == "conflict" for f in p.open_flags()) for p in reading)
    assert draft.flag_count >= 2


def test_assembling_the_same_advice_again_makes_no_new_version(advised_case, draft, coordinator):
    again = services.assemble_plan(case=advised_case, by=coordinator)
    assert again.pk == draft.pk
    assert PlanVersion.objects.filter(plan__case=advised_case).count() == 1


def test_new_advice_makes_a_new_version_that_keeps_the_coordinators_edits(
    advised_case, draft, coordinator, ep, django_capture_on_commit_callbacks
):
    key = _provision(draft, "Language group work on following instructions").key
    counter = selectors.section_counters(draft)["F"]
    services.edit_item(
        version=draft, section="F", key=key, changes={"frequency": "Twice a week"}, by=coordinator,
        expected_version=counter,
    )
    request = advised_case.advice_requests.get(kind="psychological")
    advice_services.correct_advice(request=request, reason="Added a need", by=ep)
    from tests.advice.conftest import full_advice

    changed = full_advice()
    changed["needs"].append({"id": "n3", "area": "sensory_physical", "description": "Fine motor difficulty"})
    advice_services.save_advice(request=request, by=ep, changes=changed)
    with django_capture_on_commit_callbacks(execute=True):
        advice_services.submit_advice(request=request, by=ep)
    latest = selectors.latest_version(case=advised_case)
    assert latest.number == 2 and latest.previous_id == draft.pk
    content = selectors.content_of(latest)
    assert content.item(key).frequency == "Twice a week"  # the person's edit is kept
    assert "Fine motor difficulty" in [n.description for n in content.active("B")]
    assert any(c["change"] == "added" and c["text"] == "Fine motor difficulty" for c in latest.changes)
    draft.refresh_from_db()
    assert draft.status == "superseded"


def test_nobody_but_the_coordinator_or_a_manager_assembles(advised_case, business_support, parent):
    for person in (business_support, parent):
        with pytest.raises(policy.NotAllowed):
            services.assemble_plan(case=advised_case, by=person)


def test_no_advice_no_draft(case, coordinator):
    with pytest.raises(services.ServiceError, match="No advice"):
        services.assemble_plan(case=case, by=coordinator)


# --- editing ---------------------------------------------------------------------------------------------------


def test_an_edit_is_checked_against_the_version_the_editor_started_from(draft, coordinator, manager):
    item = _provision(draft, "Language group work on following instructions")
    counter = selectors.section_counters(draft)["F"]
    stamp = services.item_stamp(item)
    services.edit_item(
        version=draft, section="F", key=item.key, changes={"who": "Speech and language therapist (HCPC)"},
        by=manager, expected_version=counter, expected_item=stamp,
    )
    with pytest.raises(services.StaleVersion):
        services.edit_item(
            version=draft, section="F", key=item.key, changes={"who": "Teaching assistant"}, by=coordinator,
            expected_version=counter, expected_item=stamp,
        )
    # Another item of the same section saved in between is no conflict.
    other = _provision(draft, "Precision teaching of reading")
    services.edit_item(
        version=draft, section="F", key=other.key, changes={"duration": "20 minutes, for 2 terms"},
        by=coordinator, expected_version=counter, expected_item=services.item_stamp(other),
    )
    assert _provision(PlanVersion.objects.get(pk=draft.pk), "Precision teaching of reading").edited_by == coordinator.pk


def test_every_save_runs_the_checks_again(draft, coordinator):
    item = _provision(draft, "Language group work on following instructions")
    before = draft.findings
    version = services.edit_item(
        version=draft, section="F", key=item.key, changes={"frequency": "", "duration": ""}, by=coordinator,
        expected_version=None,
    )
    assert version.updated_at >= draft.updated_at
    assert isinstance(version.findings, list)
    assert before is not None


def test_a_flag_is_resolved_and_kept_as_a_record(draft, coordinator):
    content = selectors.content_of(draft)
    section, item, flag = content.open_flags()[0]
    version = services.resolve_flag(
        version=draft, section=section, key=item.key, code=flag.code, resolution="Kept the therapist's",
        by=coordinator, expected_version=None,
    )
    resolved = selectors.content_of(version).item(item.key)
    assert [f.resolution for f in resolved.flags if f.is_resolved] == ["Kept the therapist's"]
    with pytest.raises(services.ServiceError, match="what you decided"):
        services.resolve_flag(
            version=version, section=section, key=item.key, code=flag.code, resolution=" ", by=coordinator,
            expected_version=None,
        )


def test_taking_an_item_out_keeps_it_in_the_record(draft, coordinator):
    item = _provision(draft, "Language group work on following instructions")
    with pytest.raises(services.ServiceError, match="why"):
        services.delete_item(version=draft, section="F", key=item.key, reason="", by=coordinator, expected_version=None)
    version = services.delete_item(
        version=draft, section="F", key=item.key, reason="Duplicate", by=coordinator, expected_version=None
    )
    content = selectors.content_of(version)
    assert item.key not in [p.key for p in content.active("F")]
    assert content.item(item.key).deleted_reason == "Duplicate"


def test_a_person_adds_provision_with_themselves_as_its_source(draft, coordinator):
    version = services.add_item(
        version=draft,
        section="F",
        fields={"what": "A quiet space for lunch", "who": "Lunchtime supervisor", "frequency": "Every day",
                "duration": "For the school year", "group_size": "1:1"},
        by=coordinator,
        expected_version=None,
    )
    added = _provision(version, "A quiet space for lunch")
    assert added.sources[0].kind == "person" and added.sources[0].by_name == "Laura Coordinator"

