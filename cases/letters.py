"""Statutory letters, rendered to PDF and kept on the case as documents whatever channel the family chose."""

import dataclasses
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string

from cases import selectors, workflow
from cases.models import Case, CaseDocument, TimelineEvent
from core.pdf import render_pdf

# The decisions the law says must be given in writing with the right to appeal (regs 5(3) and 10(2)).
DECISION_LETTERS = {
    workflow.Stage.NOT_ASSESSED: "not_to_assess",
    workflow.Stage.NOT_ISSUED: "not_to_issue",
}


@dataclasses.dataclass(frozen=True)
class LetterFacts:
    kind: str
    reference: str
    child_name: str
    date_of_birth: date
    addressee: str
    address: str
    decided_on: date
    received_on: date
    reason: str
    council: str
    coordinator: str


def letter_facts(case: Case, *, event: TimelineEvent) -> LetterFacts | None:
    kind = DECISION_LETTERS.get(workflow.Stage(case.stage))
    if kind is None:
        return None
    contact = case.child.contacts.filter(is_archived=False).order_by("-is_main_contact", "pk").first()
    return LetterFacts(
        kind=kind,
        reference=case.reference,
        child_name=case.child.full_name,
        date_of_birth=case.child.date_of_birth,
        addressee=contact.name if contact else "The parent or carer",
        address=(contact.address if contact and contact.address else case.child.address),
        decided_on=case.assessment_decided_on if kind == "not_to_assess" else case.issue_decided_on,
        received_on=case.received_on,
        reason=event.detail,
        council=case.council.name,
        coordinator=case.coordinator.full_name if case.coordinator else "",
    )


def file_decision_letter(*, case_id: int, event_id: int) -> CaseDocument | None:
    """Render the decision letter for a timeline event once; a second run finds it and does nothing."""
    name_prefix = f"Decision letter {event_id} "
    existing = CaseDocument.objects.filter(
        case_id=case_id, name__startswith=name_prefix.replace(" ", "-")
    ).first()
    if existing is not None:
        return existing
    case = Case.objects.select_related("child", "council", "coordinator").get(pk=case_id)
    event = TimelineEvent.objects.get(pk=event_id, case=case)
    facts = letter_facts(case, event=event)
    if facts is None:
        return None
    html = render_to_string(f"cases/letters/{facts.kind}.html", {"letter": facts, "today": selectors.today()})
    pdf = render_pdf(html)
    name = f"Decision-letter-{event_id}-{case.reference}.pdf"
    with transaction.atomic():
        document = CaseDocument(
            case=case,
            name=name,
            category=CaseDocument.Category.LETTER,
            description="Decision letter with the right to appeal",
            content_type="application/pdf",
            size=len(pdf),
            uploaded_by=event.actor,
            visible_to_family=True,
        )
        document._history_user = event.actor
        document.file.save(name, ContentFile(pdf), save=False)
        document.save()
        TimelineEvent.objects.create(
            case=case,
            kind=TimelineEvent.Kind.DOCUMENT,
            summary=f"Decision letter filed: {name}",
            actor=event.actor,
        )
    return document
