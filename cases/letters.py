"""Statutory letters rendered to PDF. `cases.services.file_decision_letter` keeps them on the case as documents,
whatever channel the family chose."""

import dataclasses
from datetime import date

from django.template.loader import render_to_string

from cases import selectors, workflow
from cases.models import Case, TimelineEvent
from core import languages
from core.pdf import render_pdf

# The decisions the law says must be given in writing with the right to appeal (regs 5(3) and 10(2)).
DECISION_LETTERS = {
    workflow.Stage.NOT_ASSESSED: "not_to_assess",
    workflow.Stage.NOT_ISSUED: "not_to_issue",
}

# Decisions to go ahead, given in writing when a decision maker records them (the panel, with its reasons).
OUTCOME_LETTERS = {
    workflow.Stage.ASSESSING: "to_assess",
    workflow.Stage.DRAFT_PLAN: "to_issue",
}
_DECIDED_ON = {"not_to_assess": "assessment_decided_on", "to_assess": "assessment_decided_on"}


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
    # The line, in the family's language, on how to have the (English) letter explained or translated.
    explain: dict | None = None


def letter_facts(case: Case, *, event: TimelineEvent) -> LetterFacts | None:
    stage = workflow.Stage(case.stage)
    kind = DECISION_LETTERS.get(stage) or OUTCOME_LETTERS.get(stage)
    if kind is None:
        return None
    contact = (
        case.child.contacts.filter(is_archived=False)
        .select_related("user")
        .order_by("-is_main_contact", "pk")
        .first()
    )
    return LetterFacts(
        kind=kind,
        reference=case.reference,
        child_name=case.child.full_name,
        date_of_birth=case.child.date_of_birth,
        addressee=contact.name if contact else "The parent or carer",
        address=(contact.address if contact and contact.address else case.child.address),
        decided_on=getattr(case, _DECIDED_ON.get(kind, "issue_decided_on")),
        received_on=case.received_on,
        reason=event.detail,
        council=case.council.name,
        coordinator=case.coordinator.full_name if case.coordinator else "",
        explain=languages.explain_line(_family_language(contact)),
    )


def _family_language(contact) -> str | None:
    """A contact with an account reads in the account's language (the one they choose on the pages); a contact
    without one in the language recorded for them."""
    if contact is None:
        return None
    return contact.user.language if contact.user_id else contact.language


@dataclasses.dataclass(frozen=True)
class RenderedLetter:
    name: str
    pdf: bytes


def letter_name(*, case: Case, event_id: int) -> str:
    """The file name of an event's decision letter; it also finds a letter already filed for that event."""
    return f"Decision-letter-{event_id}-{case.reference}.pdf"


def render_decision_letter(case: Case, *, event: TimelineEvent) -> RenderedLetter | None:
    """The decision letter for a timeline event as a PDF, or None when the case's stage needs no letter."""
    facts = letter_facts(case, event=event)
    if facts is None:
        return None
    html = render_to_string(f"cases/letters/{facts.kind}.html", {"letter": facts, "today": selectors.today()})
    return RenderedLetter(name=letter_name(case=case, event_id=event.pk), pdf=render_pdf(html))
