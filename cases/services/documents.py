"""Documents and notes on a case, and the log of who read a child's record."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases import letters, notices, policy
from cases.documents import DocumentRejected, inspect_upload
from cases.models import (
    AccessLog,
    Case,
    CaseDocument,
    TimelineEvent,
)
from cases.services._common import _lock, _save_with_history, _timeline
from core.errors import ServiceError, StaleVersion


# Atomic on its own; inside a caller's transaction simply part of it (no savepoint, no extra queries): a failure
# here fails the whole use case, as it should.
@transaction.atomic(savepoint=False)
def file_document(
    *,
    case: Case,
    name: str,
    content,
    category: str,
    content_type: str,
    by: User | None,
    description: str = "",
    visibility: str = CaseDocument.Visibility.FAMILY,
    timeline_summary: str = "",
) -> CaseDocument:
    """File a document the service produced or a family sent (already checked), with its timeline entry."""
    _check_visibility(visibility)
    document = CaseDocument(
        case=case,
        name=name,
        category=category,
        description=description[:300],
        content_type=content_type,
        size=content.size,
        uploaded_by=by,
        visibility=visibility,
    )
    document.file.save(name, content, save=False)
    _save_with_history(document, by=by)
    if timeline_summary:
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.DOCUMENT,
            summary=timeline_summary,
            by=by,
            family=visibility == CaseDocument.Visibility.FAMILY,
        )
    return document


def file_decision_letter(*, case_id: int, event_id: int) -> CaseDocument | None:
    """File the decision letter for a timeline event once: a retry or a second run finds it and files nothing.

    The PDF is rendered before the transaction (it takes a while); the case row is locked while filing, so two
    runs at once still leave one letter.
    """
    case = Case.objects.select_related("child", "council", "coordinator").get(pk=case_id)
    event = TimelineEvent.objects.select_related("actor").get(pk=event_id, case=case)
    name = letters.letter_name(case=case, event_id=event_id)
    existing = CaseDocument.objects.filter(case=case, name=name).first()
    if existing is not None:
        return existing
    letter = letters.render_decision_letter(case, event=event)
    if letter is None:
        return None
    with transaction.atomic():
        _lock(case, expected_version=None)
        existing = CaseDocument.objects.filter(case=case, name=name).first()
        if existing is not None:
            return existing
        return file_document(
            case=case,
            name=letter.name,
            content=ContentFile(letter.pdf),
            category=CaseDocument.Category.LETTER,
            content_type="application/pdf",
            by=event.actor,
            description="Decision letter with the right to appeal",
            visibility=CaseDocument.Visibility.FAMILY,
            timeline_summary=f"Decision letter filed: {letter.name}",
        )


@transaction.atomic(savepoint=False)
def add_case_note(
    *, case: Case, summary: str, by: User | None, detail: str = "", family: bool = True
) -> TimelineEvent:
    return _timeline(
        case=case, kind=TimelineEvent.Kind.NOTE, summary=summary, detail=detail, by=by, family=family
    )


def _check_visibility(visibility: str) -> None:
    if visibility not in CaseDocument.Visibility.values:
        raise ServiceError("Choose who can see the document", field="visibility")


def add_document(
    *,
    case: Case,
    upload,
    category: str,
    by: User,
    description: str = "",
    visibility: str = CaseDocument.Visibility.FAMILY,
) -> CaseDocument:
    """A document someone adds to a case. Only casework roles choose a narrower visibility than the family's."""
    policy.require(by, "upload_document", case)
    _check_visibility(visibility)
    if visibility != CaseDocument.Visibility.FAMILY:
        policy.require(by, "set_document_visibility", case)
    try:
        inspected = inspect_upload(upload)
    except DocumentRejected as rejected:
        raise ServiceError(str(rejected), field="file") from None
    if category not in CaseDocument.Category.values:
        raise ServiceError("Choose the type of document", field="category")
    with transaction.atomic():
        document = CaseDocument(
            case=case,
            name=inspected.clean_name,
            category=category,
            description=description,
            content_type=inspected.content_type,
            size=inspected.size,
            uploaded_by=by,
            visibility=visibility,
        )
        document.file.save(inspected.clean_name, upload, save=False)
        _save_with_history(document, by=by)
        event = _timeline(
            case=case,
            kind=TimelineEvent.Kind.DOCUMENT,
            summary=f"Document added: {document.name} ({document.get_category_display()})",
            by=by,
            family=visibility == CaseDocument.Visibility.FAMILY,
        )
        # Council staff see their own uploads on the case; anyone else's would otherwise sit unread.
        if policy.council_of(by) is None:
            notices.document_added(case=case, document=document, event=event, by=by)
    return document


def withdraw_document(*, document: CaseDocument, reason: str, by: User) -> CaseDocument:
    """Hide a document uploaded by mistake; the file and its history stay for audit."""
    policy.require(by, "withdraw_document", document.case)
    if not reason.strip():
        raise ServiceError("Enter why the document is being withdrawn", field="reason")
    with transaction.atomic():
        # Locked and read again: withdrawn twice at once, the first reason stands and is recorded once.
        document = CaseDocument.objects.select_for_update().get(pk=document.pk)
        if document.withdrawn_at is not None:
            return document
        document.withdrawn_at = timezone.now()
        document.withdrawn_reason = reason
        _save_with_history(document, by=by, reason=reason)
        _timeline(
            case=document.case,
            kind=TimelineEvent.Kind.DOCUMENT_WITHDRAWN,
            summary=f"Document withdrawn: {document.name}",
            detail=reason,
            by=by,
            family=False,
        )
    return document


def log_access(*, user: User, case: Case, action: str, path: str = "") -> None:
    # One INSERT is atomic on its own; a transaction around it would add BEGIN and COMMIT to every case page read.
    AccessLog.objects.create(user=user, case=case, child_id=case.child_id, action=action, path=path[:300])


def share_document_with_family(*, document_id: int, by: User) -> CaseDocument:
    """Let the family read a document the service filed for staff (advice, once the council shares it)."""
    with transaction.atomic():
        document = CaseDocument.objects.select_for_update().select_related("case").get(pk=document_id)
        policy.require(by, "share_advice_with_family", document.case)
        if document.withdrawn_at is not None:
            raise ServiceError("This document was withdrawn: it cannot be shared")
        if document.visibility == CaseDocument.Visibility.FAMILY:
            return document
        document.visibility = CaseDocument.Visibility.FAMILY
        _save_with_history(document, by=by, reason="Shared with the family")
        _timeline(
            case=document.case,
            kind=TimelineEvent.Kind.DOCUMENT,
            summary=f"Document shared with the family: {document.name}",
            by=by,
        )
    return document


def set_document_visibility(
    *, document: CaseDocument, visibility: str, by: User, reason: str = "", expected: str | None = None
) -> CaseDocument:
    """Change who reads a document, with the change in its history and on the staff timeline.

    `expected` is the visibility the person saw: if someone changed it meanwhile, they are told, not overruled.
    """
    policy.require(by, "set_document_visibility", document.case)
    _check_visibility(visibility)
    with transaction.atomic():
        document = CaseDocument.objects.select_for_update().select_related("case").get(pk=document.pk)
        if document.withdrawn_at is not None:
            raise ServiceError("This document was withdrawn: who can see it no longer matters")
        if expected is not None and document.visibility != expected:
            raise StaleVersion(
                "Someone else changed who can see this document while you were choosing. Check it and try again."
            )
        if document.visibility == visibility:
            return document
        before = document.get_visibility_display()
        document.visibility = visibility
        summary = f"Who can see {document.name}: {before} → {document.get_visibility_display()}"
        _save_with_history(document, by=by, reason=(reason.strip() or summary)[:100])
        _timeline(
            case=document.case,
            kind=TimelineEvent.Kind.DOCUMENT,
            summary=summary,
            detail=reason.strip(),
            by=by,
            family=False,
        )
    return document
