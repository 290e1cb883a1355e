"""The plan's use cases, as the coordinator, the family and the law see them."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from advice import services as advice_services
from cases import policy, statutory
from cases import services as case_services
from cases.models import Deadline
from drafting import content as plan_content
from drafting import selectors, services
from drafting.models import (
    CommentAnswer,
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
            version=version,
            section=section,
            key=item.key,
            code=flag.code,
            resolution="Accepted",
            by=by,
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
    cited = {
        (s.part, s.ref) for _section, item in content.all_items() for s in item.sources if s.kind == "advice"
    }
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
        version=draft,
        section="F",
        key=key,
        changes={"frequency": "Twice a week"},
        by=coordinator,
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
        version=draft,
        section="F",
        key=item.key,
        changes={"who": "Speech and language therapist (HCPC)"},
        by=manager,
        expected_version=counter,
        expected_item=stamp,
    )
    with pytest.raises(services.StaleVersion):
        services.edit_item(
            version=draft,
            section="F",
            key=item.key,
            changes={"who": "Teaching assistant"},
            by=coordinator,
            expected_version=counter,
            expected_item=stamp,
        )
    # Another item of the same section saved in between is no conflict.
    other = _provision(draft, "Precision teaching of reading")
    services.edit_item(
        version=draft,
        section="F",
        key=other.key,
        changes={"duration": "20 minutes, for 2 terms"},
        by=coordinator,
        expected_version=counter,
        expected_item=services.item_stamp(other),
    )
    assert (
        _provision(PlanVersion.objects.get(pk=draft.pk), "Precision teaching of reading").edited_by
        == coordinator.pk
    )


def test_every_save_runs_the_checks_again(draft, coordinator):
    item = _provision(draft, "Language group work on following instructions")
    before = draft.findings
    version = services.edit_item(
        version=draft,
        section="F",
        key=item.key,
        changes={"frequency": "", "duration": ""},
        by=coordinator,
        expected_version=None,
    )
    assert version.updated_at >= draft.updated_at
    assert isinstance(version.findings, list)
    assert before is not None


def test_a_flag_is_resolved_and_kept_as_a_record(draft, coordinator):
    content = selectors.content_of(draft)
    section, item, flag = content.open_flags()[0]
    version = services.resolve_flag(
        version=draft,
        section=section,
        key=item.key,
        code=flag.code,
        resolution="Kept the therapist's",
        by=coordinator,
        expected_version=None,
    )
    resolved = selectors.content_of(version).item(item.key)
    assert [f.resolution for f in resolved.flags if f.is_resolved] == ["Kept the therapist's"]
    with pytest.raises(services.ServiceError, match="what you decided"):
        services.resolve_flag(
            version=version,
            section=section,
            key=item.key,
            code=flag.code,
            resolution=" ",
            by=coordinator,
            expected_version=None,
        )


def test_taking_an_item_out_keeps_it_in_the_record(draft, coordinator):
    item = _provision(draft, "Language group work on following instructions")
    with pytest.raises(services.ServiceError, match="why"):
        services.delete_item(
            version=draft, section="F", key=item.key, reason="", by=coordinator, expected_version=None
        )
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
        fields={
            "what": "A quiet space for lunch",
            "who": "Lunchtime supervisor",
            "frequency": "Every day",
            "duration": "For the school year",
            "group_size": "1:1",
        },
        by=coordinator,
        expected_version=None,
    )
    added = _provision(version, "A quiet space for lunch")
    assert added.sources[0].kind == "person" and added.sources[0].by_name == "Laura Coordinator"


def test_the_coordinator_can_clear_every_error(draft, coordinator):
    from tests.drafting.conftest import make_clean

    version = make_clean(draft, coordinator)
    assert version.error_count == 0, version.findings
    assert version.flag_count == 0
    assert version.grade in ("Outstanding", "Good")


# --- sending the draft -------------------------------------------------------------------------------------


def test_a_draft_with_errors_is_not_sent_without_a_recorded_reason(advised_case, draft, coordinator):
    with pytest.raises(services.ServiceError) as refused:
        services.send_draft(version=draft, by=coordinator)
    assert refused.value.field == "override_reason"
    advised_case.refresh_from_db()
    assert advised_case.draft_served_on is None
    services.send_draft(version=draft, by=coordinator, override_reason="The family asked to see it now")
    reason = OverrideReason.objects.get(plan_version=draft)
    assert reason.by == coordinator and reason.errors


def test_sending_the_draft_serves_it_and_starts_the_familys_15_days(
    advised_case, draft, coordinator, parent, letter_contact
):
    from tests.drafting.conftest import make_clean

    draft = make_clean(draft, coordinator)
    services.send_draft(version=draft, by=coordinator)
    advised_case.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == "sent" and draft.sent_on == TODAY
    row = Deadline.objects.get(case=advised_case, code="draft_response")
    assert row.starts_on == TODAY
    assert row.due_on == TODAY + datetime.timedelta(days=14)  # day served is day 1 of 15
    assert row.due_on == statutory.draft_comments_close_on(TODAY)
    notice = Message.objects.get(template="drafting.draft_served", recipient=parent, channel="email")
    assert "ask for a particular school" in notice.data.get("closes_on", "") or notice.data["closes_on"]
    letter = Message.objects.get(template="drafting.draft_served", to_name="Dad Okafor")
    assert letter.channel == "letter"
    working = selectors.latest_version(case=advised_case)
    assert working.number == draft.number + 1 and working.kind == "final" and working.status == "editing"
    with pytest.raises(services.ServiceError, match="no longer be changed"):
        services.edit_item(
            version=draft, section="A", key="x", changes={}, by=coordinator, expected_version=None
        )


def test_the_notice_tells_the_family_their_rights(advised_case, draft, coordinator, parent):
    from django.template.loader import render_to_string

    services.send_draft(version=draft, by=coordinator, override_reason="Agreed with the family")
    notice = Message.objects.get(template="drafting.draft_served", recipient=parent, channel="email")
    body = render_to_string("notifications/drafting.draft_served/body.txt", {**notice.data, "link": "L"})
    assert "particular school" in body and "meet" in body and notice.data["closes_on"] in body


# --- the family's comments -----------------------------------------------------------------------------------


@pytest.fixture
def served(advised_case, draft, coordinator):
    services.send_draft(version=draft, by=coordinator, override_reason="Agreed with the family")
    advised_case.refresh_from_db()
    return advised_case


def test_the_family_save_comments_as_they_go_then_send_them(served, parent, coordinator):
    comment = services.save_family_comment(
        case=served, by=parent, section="F", text="Speech therapy weekly, please"
    )
    assert comment.sent_at is None
    comment = services.save_family_comment(
        case=served, by=parent, section="F", text="Twice a week, please", comment=comment, expected_version=1
    )
    services.save_family_comment(
        case=served,
        by=parent,
        section="I",
        school_wanted="Riverside Primary School",
        school_reason="Her brother goes there",
        wants_meeting=True,
    )
    draft = selectors.family_draft(case=served, user=parent)
    assert len(draft.comments) == 2  # their own, unsent
    assert selectors.comments_of_case(case=served) == []  # staff see nothing until sent
    sent = services.send_family_response(case=served, by=parent)
    assert len(sent) == 2
    served.refresh_from_db()
    assert served.family_responded_on == TODAY
    assert Message.objects.filter(template="drafting.family_commented", recipient=coordinator).exists()
    with pytest.raises(services.ServiceError, match="has been sent"):
        services.save_family_comment(case=served, by=parent, section="F", text="More", comment=comment)


def test_the_family_comment_refusals(served, parent, coordinator):
    with pytest.raises(services.ServiceError) as error:
        services.save_family_comment(case=served, by=parent, section="F", text=" ")
    assert error.value.field == "text"
    with pytest.raises(services.ServiceError) as error:
        services.save_family_comment(case=served, by=parent, section="Z", text="x")
    assert error.value.field == "section"
    with pytest.raises(services.ServiceError) as error:
        services.save_family_comment(case=served, by=parent, section="F", school_wanted="A school")
    assert error.value.field == "school_wanted"
    with pytest.raises(policy.NotAllowed):
        services.save_family_comment(case=served, by=coordinator, section="F", text="x")
    with pytest.raises(services.ServiceError, match="not written any"):
        services.send_family_response(case=served, by=parent)


def test_no_comment_before_the_draft_is_sent(advised_case, parent):
    with pytest.raises(services.ServiceError, match="No draft"):
        services.save_family_comment(case=advised_case, by=parent, section="F", text="x")


def test_a_comment_received_by_letter_is_recorded_with_evidence(served, coordinator):
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    comment = services.record_family_comment(
        case=served,
        by=coordinator,
        section="B",
        text="She also has dyslexia",
        received_on=TODAY,
        author_name="Meera Parent",
        evidence=upload,
        response_complete=True,
    )
    assert comment.route == "letter" and comment.sent_at is not None and comment.evidence is not None
    served.refresh_from_db()
    assert served.family_responded_on == TODAY
    with pytest.raises(services.ServiceError) as error:
        services.record_family_comment(
            case=served, by=coordinator, section="B", text="x", received_on=TODAY + datetime.timedelta(days=1)
        )
    assert error.value.field == "received_on"
    with pytest.raises(services.ServiceError) as error:
        services.record_family_comment(
            case=served,
            by=coordinator,
            section="B",
            text="x",
            received_on=TODAY - datetime.timedelta(days=30),
        )
    assert error.value.field == "received_on"


def test_each_comment_is_answered_and_the_family_read_the_answer(served, coordinator, parent):
    comment = services.record_family_comment(
        case=served, by=coordinator, section="F", text="Twice a week", received_on=TODAY
    )
    with pytest.raises(services.ServiceError) as error:
        services.answer_comment(comment=comment, outcome="not_agreed", reason="", by=coordinator)
    assert error.value.field == "reason"
    with pytest.raises(services.ServiceError) as error:
        services.answer_comment(comment=comment, outcome="maybe", reason="x", by=coordinator)
    assert error.value.field == "outcome"
    services.answer_comment(
        comment=comment, outcome="not_agreed", reason="The therapist advises once a week", by=coordinator
    )
    answer = services.answer_comment(
        comment=comment, outcome="agreed", reason="Changed to twice a week in section F", by=coordinator
    )
    assert CommentAnswer.objects.count() == 1 and answer.history.count() == 2
    seen = selectors.family_draft(case=served, user=parent).comments
    assert [c.answer.reason for c in seen] == ["Changed to twice a week in section F"]
    with pytest.raises(policy.NotAllowed):
        services.answer_comment(comment=comment, outcome="agreed", reason="x", by=parent)


# --- placement, sign-off, issue --------------------------------------------------------------------------------


def test_a_consultation_gives_the_school_15_days(served, coordinator, school):
    row = services.record_consultation(
        case=served, by=coordinator, school=school, school_name="", sent_on=TODAY
    )
    assert row.school_name == "Riverside Primary School"
    assert row.reply_due_on == TODAY + datetime.timedelta(days=14)
    with pytest.raises(services.ServiceError) as error:
        services.record_consultation_response(
            consultation=row,
            response="can_meet",
            response_on=TODAY + datetime.timedelta(days=2),
            by=coordinator,
        )
    assert error.value.field == "response_on"
    row = services.record_consultation_response(
        consultation=row,
        response="can_meet",
        response_on=TODAY,
        by=coordinator,
        response_text="We have a place",
    )
    assert row.response == "can_meet"
    with pytest.raises(services.ServiceError) as error:
        services.record_consultation(case=served, by=coordinator, school_name="", sent_on=TODAY)
    assert error.value.field == "school"


def test_the_placement_is_never_named_in_the_draft(advised_case, draft, coordinator, school):
    with pytest.raises(services.ServiceError, match="leaves the placement out"):
        services.name_placement(version=draft, by=coordinator, name="", setting_type="school", school=school)


def _ready_to_sign(case, coordinator, school):
    version = selectors.latest_version(case=case)
    services.name_placement(
        version=version,
        by=coordinator,
        name="",
        setting_type=SettingType.SCHOOL,
        school=school,
        sen_unit=True,
    )
    from tests.drafting.conftest import make_clean

    return make_clean(PlanVersion.objects.get(pk=version.pk), coordinator)


def test_sign_off_follows_the_councils_band_and_cost_rule(served, coordinator, manager, school, council):
    version = _ready_to_sign(served, coordinator, school)
    assert version.error_count == 0, version.findings
    # No rules: only a service manager signs off.
    with pytest.raises(services.ServiceError, match="cannot sign off"):
        services.sign_off(version=version, by=coordinator, band="B", annual_cost=Decimal("6000"))
    SignOffRule.objects.create(council=council, role=Role.COORDINATOR, bands=["A", "B"], max_annual_cost=5000)
    with pytest.raises(services.ServiceError, match="cannot sign off"):
        services.sign_off(version=version, by=coordinator, band="B", annual_cost=Decimal("6000"))
    with pytest.raises(services.ServiceError, match="cannot sign off"):
        services.sign_off(version=version, by=coordinator, band="C", annual_cost=Decimal("1000"))
    row = services.sign_off(version=version, by=coordinator, band="B", annual_cost=Decimal("4000"))
    assert row.rule is not None
    version.refresh_from_db()
    assert version.status == "signed_off"


def test_issuing_the_final_plan_meets_the_20_weeks_and_starts_the_annual_review(
    served, coordinator, manager, parent, school, scheme
):
    senco = factories.UserFactory(role=Role.SENCO, organisation=school, full_name="Leo Senco")
    services.record_family_comment(
        case=served, by=coordinator, section="F", text="Fine", received_on=TODAY, response_complete=True
    )
    version = _ready_to_sign(served, coordinator, school)
    services.sign_off(version=version, by=manager, band="B", annual_cost=Decimal("6000"))
    record = services.issue_final_plan(
        version=version,
        by=coordinator,
        decided_band="C",
        decided_amount=Decimal("9000"),
        actual_cost=Decimal("11500"),
        budget_direct_payments=True,
    )
    served.refresh_from_db()
    version.refresh_from_db()
    assert served.stage == "final_issued" and served.final_issued_on == TODAY
    assert version.kind == "final" and version.status == "issued" and version.issued_on == TODAY
    final = Deadline.objects.get(case=served, code="final_plan")
    assert final.met_on == TODAY and final.status == "met"
    review = Deadline.objects.get(case=served, code="annual_review")
    assert review.due_on > TODAY + datetime.timedelta(days=300)
    assert record.ras_band and record.ras_points is not None  # the RAS suggestion beside the decision
    assert (record.decided_band, record.actual_cost) == ("C", Decimal("11500"))
    assert record.placement.name == "Riverside Primary School" and record.placement.sen_unit
    assert list(record.need_types) == list(selectors.content_of(version).need_types)
    assert Message.objects.filter(template="drafting.final_issued", recipient=parent).exists()
    assert Message.objects.filter(template="drafting.school_named", recipient=senco).exists()
    csv = services.finance_csv(by=manager)
    assert served.reference in csv and "11500" in csv
    assert IssueRecord.objects.get().finance_exported_at is not None


def test_the_final_plan_waits_for_the_familys_15_days(served, coordinator, manager, school):
    version = _ready_to_sign(served, coordinator, school)
    services.sign_off(version=version, by=manager)
    with pytest.raises(services.ServiceError, match="15 days"):
        services.issue_final_plan(version=version, by=coordinator)


def test_an_unsigned_plan_is_not_issued(served, coordinator):
    version = selectors.latest_version(case=served)
    with pytest.raises(services.ServiceError, match="signed off"):
        services.issue_final_plan(version=version, by=coordinator)


def test_only_finance_roles_export(coordinator, parent):
    for person in (coordinator, parent):
        with pytest.raises(policy.NotAllowed):
            services.finance_csv(by=person)


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams opened, to look for the structure a tagged PDF carries."""
    import re
    import zlib

    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(match.group(1)))
    return b"".join(out)


# --- the PDF --------------------------------------------------------------------------------------------------


def test_every_version_renders_to_a_tagged_pdf_marked_draft_until_final(advised_case, draft, coordinator):
    row = services.render_plan_pdf(version_id=draft.pk)
    assert row is None or row.document  # the fixture's task may already have rendered it
    pdf = selectors.pdf_of(draft)
    data = pdf.document.file.open("rb").read()
    assert data.startswith(b"%PDF")
    assert b"StructTreeRoot" in _inflated(data)  # tagged: the sections are structure a screen reader follows
    assert services.render_plan_pdf(version_id=draft.pk) is None  # the same content is not rendered twice
    html = __import__("django.template.loader", fromlist=["x"]).render_to_string(
        "drafting/pdf/plan.html", services.pdf_context(version=draft)
    )
    assert "DRAFT" in html and "Section F: Special educational provision" in html


def test_no_draft_while_advice_asked_for_is_still_to_come(
    case, coordinator, ep, salt, scheme, django_capture_on_commit_callbacks
):
    from tests.advice.conftest import full_advice

    case_services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    case = case_services.case_transition(case=case, name="agree_to_assess", by=coordinator)
    a = advice_services.request_advice(case=case, kind="psychological", asked_user=ep, by=coordinator)
    advice_services.request_advice(case=case, kind="speech_and_language", asked_user=salt, by=coordinator)
    advice_services.save_advice(request=a, by=ep, changes=full_advice())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        advice_services.submit_advice(request=a, by=ep)
    assert selectors.latest_version(case=case) is None
    assert callbacks  # the advice's own PDF, but no assembly yet


def test_a_merge_the_coordinator_disagrees_with_is_split(draft, coordinator):
    content = selectors.content_of(draft)
    merged = [(s, i) for s, i, f in content.open_flags() if f.code == "merged"]
    assert merged  # both advisers report anxiety at transitions
    section, item = merged[0]
    version = services.split_merge(
        version=draft,
        section=section,
        key=item.key,
        reason="Different needs",
        by=coordinator,
        expected_version=None,
    )
    after = selectors.content_of(version)
    assert len([i for i in after.active(section) if i.key.startswith(item.key)]) >= 2


def test_the_family_read_the_draft_sent_without_the_councils_findings(served, parent, senco):
    view = selectors.family_draft(case=served, user=parent)
    assert view.version.status == "sent" and all(s.findings == [] for s in view.sections)
    assert view.closes_on == statutory.draft_comments_close_on(TODAY)
    with pytest.raises(policy.NotAllowed):
        selectors.family_draft(case=served, user=senco)


def test_the_family_see_nothing_before_the_draft_is_sent(advised_case, parent):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.family_draft(case=advised_case, user=parent)


def test_the_worker_does_nothing_for_a_closed_case_or_the_same_advice(advised_case, draft):
    from drafting import tasks

    tasks.assemble_plan(advised_case.pk)
    assert PlanVersion.objects.filter(plan__case=advised_case).count() == 1
    tasks.assemble_plan(999999)
