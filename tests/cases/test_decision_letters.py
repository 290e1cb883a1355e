"""A decision not to assess (or not to issue) is given in writing, with appeal rights, and kept on the case."""

import pytest
from django.template.loader import render_to_string

from cases import letters, services
from cases.models import CaseDocument, TimelineEvent

pytestmark = pytest.mark.django_db


def refuse(case, coordinator):
    services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    return services.case_transition(
        case=case,
        name="refuse_assessment",
        by=coordinator,
        reason="Needs can be met through SEN support at school",
    )


def test_the_letter_is_filed_as_a_pdf_the_family_can_see(
    case, coordinator, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        refuse(case, coordinator)
    document = CaseDocument.objects.get(case=case, category="letter")
    assert document.name.startswith("Decision-letter-") and document.name.endswith(f"{case.reference}.pdf")
    assert document.visibility == "family"
    assert document.file.read(5) == b"%PDF-"
    # Filed like every other document: by the coordinator who decided, in the history and on the timeline.
    assert document.uploaded_by == coordinator
    assert document.history.get().history_user == coordinator
    filed = TimelineEvent.objects.get(case=case, summary=f"Decision letter filed: {document.name}")
    assert (filed.kind, filed.actor, filed.visible_to_family) == ("document", coordinator, True)


def test_filing_twice_keeps_one_letter(case, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    refuse(case, coordinator)
    event = TimelineEvent.objects.filter(case=case, kind="transition").first()
    first = services.file_decision_letter(case_id=case.pk, event_id=event.pk)
    again = services.file_decision_letter(case_id=case.pk, event_id=event.pk)
    assert first == again
    assert CaseDocument.objects.filter(case=case, category="letter").count() == 1


def test_the_letter_says_what_was_decided_why_and_how_to_appeal(case, coordinator):
    case = refuse(case, coordinator)
    event = TimelineEvent.objects.filter(case=case, kind="transition").first()
    facts = letters.letter_facts(case, event=event)
    html = render_to_string("cases/letters/not_to_assess.html", {"letter": facts, "today": case.closed_on})
    assert "we will not carry out an EHC needs assessment" in html
    assert "Needs can be met through SEN support at school" in html
    assert "within 2 months of the date of this letter" in html
    assert "Tribunal" in html
    assert case.reference in html


def test_other_steps_file_no_letter(
    case, coordinator, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    assert not CaseDocument.objects.filter(case=case).exists()
