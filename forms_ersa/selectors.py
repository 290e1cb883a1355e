"""Reads for the request form: a draft only for the person it belongs to, the council's rules with defaults."""

from dataclasses import dataclass

from django.http import Http404

from accounts.models import Organisation, OrganisationKind
from cases import selectors as case_selectors
from forms_ersa import sections
from forms_ersa.models import DraftEvidence, DraftStatus, FormSettings, RequestDraft
from notifications import selectors as notification_selectors

SESSION_KEY = "ersa_drafts"


@dataclass(frozen=True)
class Contacts:
    email: str
    phone: str
    hours: str


def councils():
    return Organisation.objects.filter(kind=OrganisationKind.COUNCIL, is_active=True).order_by("name")


def council(council_id: int) -> Organisation:
    found = councils().filter(pk=council_id).first()
    if found is None:
        raise Http404
    return found


def settings_row(council_id: int) -> FormSettings | None:
    return FormSettings.objects.filter(council_id=council_id).first()


def rules_for(council_id: int) -> sections.Rules:
    row = settings_row(council_id)
    if row is None:
        return sections.Rules()
    known = set(sections.BY_KEY)
    return sections.Rules(
        required_sections=tuple(k for k in (row.required_sections or []) if k in known),
        # A route the council has not configured keeps the default (a school request: the SEN support plan).
        required_evidence={
            **{k: list(v) for k, v in sections.DEFAULT_REQUIRED_EVIDENCE.items()},
            **{k: list(v) for k, v in (row.required_evidence or {}).items()},
        },
        max_report_age_months=row.max_report_age_months or 12,
    )


def share_agencies(council_id: int | None) -> list[dict]:
    """The named agencies the family is asked about: the council's own list, else the defaults."""
    row = settings_row(council_id) if council_id else None
    agencies = (
        row.share_agencies if row is not None and row.share_agencies else sections.DEFAULT_SHARE_AGENCIES
    )
    return [{"key": str(a["key"]), "name": str(a["name"])} for a in agencies]


def contacts_for(council: Organisation) -> Contacts:
    row = settings_row(council.pk)
    return Contacts(
        email=(row.contact_email if row else "") or council.email,
        phone=(row.contact_phone if row else "") or council.phone,
        hours=row.contact_hours if row else "",
    )


def session_drafts(request) -> list[str]:
    return list(request.session.get(SESSION_KEY, []))


def remember(request, draft: RequestDraft) -> None:
    """The session holds pointers to drafts this browser may open; the answers are in the database."""
    ids = session_drafts(request)
    key = str(draft.public_id)
    if key not in ids:
        request.session[SESSION_KEY] = [*ids, key][-10:]


def draft_for(request, public_id) -> RequestDraft:
    """The draft, if this browser started it or came back by its link (or it is the signed-in person's); else 404."""
    draft = RequestDraft.objects.select_related("council", "case").filter(public_id=public_id).first()
    if draft is None:
        raise Http404
    user = getattr(request, "user", None)
    mine = str(draft.public_id) in session_drafts(request) or (
        user is not None and user.is_authenticated and draft.user_id == user.pk
    )
    if not mine:
        raise Http404
    return draft


def draft_by_token(token: str) -> RequestDraft | None:
    if not token or len(token) > 100:
        return None
    return RequestDraft.objects.filter(token_hash=RequestDraft.hash_token(token)).first()


def draft_by_parent_token(token: str) -> RequestDraft | None:
    if not token or len(token) > 100:
        return None
    return RequestDraft.objects.filter(parent_token_hash=RequestDraft.hash_token(token)).first()


def draft_by_idempotency_key(*, council_id: int, key: str) -> RequestDraft | None:
    if not key:
        return None
    return (
        RequestDraft.objects.select_related("case").filter(council_id=council_id, idempotency_key=key).first()
    )


def professionals_of(draft: RequestDraft) -> list[dict]:
    people = ((draft.answers or {}).get("professionals") or {}).get("people") or []
    return [p for p in people if isinstance(p, dict)]


def copy_name(draft: RequestDraft) -> str:
    return f"Online-request-{draft.case.reference}-{str(draft.public_id)[:8]}.pdf"


def request_copy(draft: RequestDraft):
    """The filed PDF copy of a sent request, once the task has made it; None until then."""
    if not draft.is_submitted:
        return None
    return case_selectors.filed_document(case_id=draft.case_id, name=copy_name(draft))


def evidence_of(draft: RequestDraft):
    return DraftEvidence.objects.filter(draft=draft, removed_at__isnull=True)


def schools_for(council_id: int):
    return case_selectors.schools_for(council_id=council_id)


def decision_date(case):
    return case_selectors.assessment_decision_due_on(case)


def unfinished_drafts_for(*, user) -> list[RequestDraft]:
    """The requests a signed-in person (a SENCo) started and has not sent yet, most recently touched first."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        RequestDraft.objects.filter(user=user, status=DraftStatus.DRAFT)
        .select_related("council")
        .order_by("-updated_at", "-id")[:50]
    )


def pupil_name(draft: RequestDraft) -> str:
    """The child's name as typed so far, or "" before the first page."""
    child = (draft.answers or {}).get("child") or {}
    return " ".join(
        part for part in (child.get("first_name", ""), child.get("last_name", "")) if part
    ).strip()


def confirmation_key(draft: RequestDraft) -> str:
    """The outbox key of the messages confirming a request was sent (the family's, and the parent's on the
    school route)."""
    return f"ersa:{draft.pk}:submitted"


def confirmations_sent(draft: RequestDraft):
    """The confirmations really queued for a sent request, each with its channel and address."""
    return notification_selectors.sent_for_key(key=confirmation_key(draft))
