"""Disposal of a child's case records once the council's retention schedule says so and a manager approved it.

Called by the records app (records.services.carry_out_disposal) inside its transaction, never from a page.
Returns plain lines for the destruction record: what was destroyed and how much, never the data itself.
"""

from collections import Counter
from datetime import date

from django.db import transaction
from django.db.models import Case as Choose
from django.db.models import Value, When

from accounts.models import User
from cases import policy
from cases.models import (
    AdviceClock,
    Case,
    CaseDocument,
    Child,
    DeadlineException,
    FamilyContact,
    InvolvedProfessional,
    TimelineEvent,
)
from cases.services._common import _timeline
from core.redaction import REDACTED, redacted, scrub
from notifications import services as notifications

ANONYMISE = "anonymise"
DELETE_FILES = "delete_files"


def _delete_files_after_commit(names: list[str], storage) -> None:
    # Only once the rows say the files are gone: a rollback must not leave rows pointing at nothing.
    transaction.on_commit(lambda: [storage.delete(name) for name in names if name])


def _destroy_files(*, child: Child) -> list[str]:
    documents = CaseDocument.objects.filter(case__child=child).exclude(file="")
    found = list(documents.only("pk", "file", "category"))
    if not found:
        return ["No document files held"]
    storage = found[0].file.storage
    names = [document.file.name for document in found]
    kinds = Counter(CaseDocument.Category(document.category).label for document in found)
    scrub(CaseDocument, documents, {"file": ""})
    _delete_files_after_commit(names, storage)
    detail = ", ".join(f"{count} {kind.lower()}" for kind, count in sorted(kinds.items()))
    return [f"{len(found)} document files deleted ({detail})"]


def dispose_child_records(*, child_id: int, method: str, by: User) -> list[str]:
    """Carry out an approved disposal of everything the case app holds about one child (all their cases)."""
    policy.require(by, "manage_retention")
    if method not in (ANONYMISE, DELETE_FILES):
        raise ValueError(method)
    with transaction.atomic(savepoint=False):
        child = Child.objects.select_for_update().get(pk=child_id)
        cases = Case.objects.filter(child=child)
        if cases.filter(closed_on__isnull=True).exists():
            raise ValueError("A child with an open case is never disposed of")
        lines = _destroy_files(child=child)
        if method == DELETE_FILES:
            _note_disposal(cases=cases, method=method, by=by)
            return lines
        born = child.date_of_birth
        scrub(
            Child,
            Child.objects.filter(pk=child.pk),
            {
                "legal_first_name": "Anonymised",
                "legal_last_name": f"child {child.pk}",
                "preferred_name": "",
                # The year stays, so counts by age still add up; the day that identifies the child goes.
                "date_of_birth": date(born.year, 1, 1),
                "address": "",
                "postcode": "",
                "upn": "",
                "uln": "",
                "nhs_number": "",
                "setting_name": "",
                "search_name": "anonymised",
            },
        )
        lines.append("The child's name, date of birth, address, postcode, UPN, ULN and NHS number replaced")
        contacts = FamilyContact.objects.filter(child=child)
        count = scrub(
            FamilyContact,
            contacts,
            {"name": REDACTED, "email": "", "phone": "", "address": ""},
        )
        lines.append(f"{count} family contacts: names and contact details removed")
        count = scrub(
            Case,
            cases,
            {
                "summary": redacted("summary"),
                "child_views": redacted("child_views"),
                "family_views": redacted("family_views"),
                "closure_reason": redacted("closure_reason"),
                "incomplete_reason": redacted("incomplete_reason"),
            },
        )
        lines.append(f"{count} cases: the request, the child's and family's views and reasons redacted")
        documents = CaseDocument.objects.filter(case__child=child)
        count = scrub(
            CaseDocument,
            documents,
            {"name": "document", "description": redacted("description"), "withdrawn_reason": ""},
        )
        if count:
            lines.append(f"{count} documents: names and descriptions redacted")
        events = TimelineEvent.objects.filter(case__child=child)
        labels = [When(kind=kind, then=Value(str(label))) for kind, label in TimelineEvent.Kind.choices]
        count = events.update(summary=Choose(*labels, default=Value(REDACTED)), detail="")
        lines.append(f"{count} timeline entries: reduced to what kind of event each was")
        count = scrub(
            DeadlineException, DeadlineException.objects.filter(case__child=child), {"reason": REDACTED}
        )
        if count:
            lines.append(f"{count} exceptions to time limits: reasons redacted")
        count = scrub(
            InvolvedProfessional,
            InvolvedProfessional.objects.filter(case__child=child),
            {"name": REDACTED, "email": "", "phone": ""},
        )
        if count:
            lines.append(f"{count} professionals involved: names and contact details removed")
        count = scrub(
            AdviceClock, AdviceClock.objects.filter(case__child=child), {"label": REDACTED, "link": ""}
        )
        if count:
            lines.append(f"{count} advice clocks: who was asked removed")
        refs = [f"case:{pk}" for pk in cases.values_list("pk", flat=True)]
        count = notifications.redact_messages(subject_refs=refs)
        lines.append(f"{count} messages sent about the case: addresses and contents removed")
        _note_disposal(cases=cases, method=method, by=by)
    return lines


def _note_disposal(*, cases, method: str, by: User) -> None:
    summary = (
        "Records anonymised under the council's retention schedule"
        if method == ANONYMISE
        else "Document files deleted under the council's retention schedule"
    )
    for case in cases:
        _timeline(case=case, kind=TimelineEvent.Kind.NOTE, summary=summary, by=by, family=False)
