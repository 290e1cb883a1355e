"""Documents and notes on a case, and the log of who read a child's record."""

from django.db import transaction
from django.utils import timezone

from accounts.models import COUNCIL_ROLES, Organisation, OrganisationKind, User
from cases import notices, selectors
from cases.documents import DocumentRejected, inspect_upload
from cases.models import (
    AccessLog,
    Case,
    CaseDocument,
    TimelineEvent,
)
from cases.services._common import _require_council_staff, _save_with_history, _timeline
from core.errors import ServiceError


def file_document(
    *,
    case: Case,
    name: str,
    content,
    category: str,
    content_type: str,
    by: User | None,
    description: str = "",
    visible_to_family: bool = True,
    timeline_summary: str = "",
) -> CaseDocument:
    """File a document the service produced or a family sent (already checked), with its timeline entry."""
    document = CaseDocument(
        case=case,
        name=name,
        category=category,
        description=description[:300],
        content_type=content_type,
        size=content.size,
        uploaded_by=by,
        visible_to_family=visible_to_family,
    )
    document.file.save(name, content, save=False)
    _save_with_history(document, by=by)
    if timeline_summary:
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.DOCUMENT,
            summary=timeline_summary,
            by=by,
            family=visible_to_family,
        )
    return document


def add_case_note(
    *, case: Case, summary: str, by: User | None, detail: str = "", family: bool = True
) -> TimelineEvent:
    return _timeline(
        case=case, kind=TimelineEvent.Kind.NOTE, summary=summary, detail=detail, by=by, family=family
    )


def add_document(
    *, case: Case, upload, category: str, by: User, description: str = "", visible_to_family: bool = True
) -> CaseDocument:
    if not selectors.cases_for(user=by).filter(pk=case.pk).exists():
        raise ServiceError("You do not have permission to add documents to this case.")
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
            visible_to_family=visible_to_family,
        )
        document.file.save(inspected.clean_name, upload, save=False)
        _save_with_history(document, by=by)
        event = _timeline(
            case=case,
            kind=TimelineEvent.Kind.DOCUMENT,
            summary=f"Document added: {document.name} ({document.get_category_display()})",
            by=by,
            family=visible_to_family,
        )
        # Council staff see their own uploads on the case; anyone else's would otherwise sit unread.
        if by.role not in COUNCIL_ROLES:
            notices.document_added(case=case, document=document, event=event, by=by)
    return document


def withdraw_document(*, document: CaseDocument, reason: str, by: User) -> CaseDocument:
    """Hide a document uploaded by mistake; the file and its history stay for audit."""
    _require_council_staff(by, document.case.council_id)
    if not reason.strip():
        raise ServiceError("Enter why the document is being withdrawn", field="reason")
    with transaction.atomic():
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
    AccessLog.objects.create(user=user, case=case, child_id=case.child_id, action=action, path=path[:300])


def council_of(user: User) -> Organisation | None:
    if user.organisation and user.organisation.kind == OrganisationKind.COUNCIL:
        return user.organisation
    return None
