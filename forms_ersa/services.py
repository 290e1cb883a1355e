"""Every write of the online request: start, save a page, add evidence, submit, file the copy.

Sending hands the cases app one complete value (`cases.services.Intake`: the child, contacts, professionals,
consent, evidence, preferences) and `cases.services.intake_request` does the rest in one call. A family sending a
request is nobody the council logged in, so the case's history records their account, or nobody.
"""

import secrets
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.policy import COUNCIL_STAFF
from cases import selectors as case_selectors
from cases import services as case_services
from cases.documents import DocumentRejected, inspect_upload
from core.errors import ServiceError, StaleVersion
from core.history import save_with_history as _save
from core.languages import CODES as LANGUAGE_CODES
from core.languages import page_language, preference_for
from core.pdf import render_pdf
from core.queue import enqueue_on_commit
from core.redaction import REDACTED, scrub
from forms_ersa import sections, selectors, summary, wording
from forms_ersa.allocation import allocation_for
from forms_ersa.models import DraftEvidence, DraftStatus, RequestDraft
from notifications import services as notifications
from notifications.models import Channel
from notifications.templates_registry import MessageTemplate, register

if TYPE_CHECKING:
    from cases.models import Case, CaseDocument

__all__ = ["ServiceError", "StaleVersion", "Incomplete", "Refused", "KeyInUse"]


class Incomplete(ServiceError):
    def __init__(self, found: list[tuple]):
        super().__init__(_("The request is not finished yet"))
        self.problems = found


def register_templates() -> None:
    register(
        MessageTemplate(
            "ersa.return_link",
            "To a person who starts an online request: the link to come back to it",
            example={"link_valid_note": "", "council": "Riverside Borough Council"},
        )
    )
    register(
        MessageTemplate(
            "ersa.submitted",
            "To the family when they send an online request for assessment",
            title="Online request sent",
            example={
                "child_first_name": "Amara",
                "reference": "EHC-2026-00042",
                "received_on": "2 March 2026",
                "decision_by": "13 April 2026",
                "linked": False,
            },
        )
    )

    register(
        MessageTemplate(
            "ersa.senco_parent_link",
            "To a parent when their child's school starts a request and asks them to see and add to it",
            example={
                "school": "Riverside Primary School",
                "senco": "Leo Senco",
                "council": "Riverside Borough Council",
            },
        )
    )


def parent_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("forms_ersa:parent_return", kwargs={"token": token})


def return_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("forms_ersa:return", kwargs={"token": token})


def start_draft(
    *,
    council: Organisation,
    route: str,
    email: str,
    user: User | None = None,
    send_link: bool = True,
    idempotency_key: str = "",
    request_hash: str = "",
) -> RequestDraft:
    """Create the draft and email the save-and-return link through the outbox.

    `send_link=False` for a request another system sends whole through the API: nobody needs to come back to it.
    Such a request may carry the sender's `idempotency_key` (unique per council: a second draft with the same key
    raises IntegrityError) and `request_hash`, the hash of the body it came with.
    """
    if route not in sections.FAMILY_ROUTES:
        raise ServiceError(_("Select who is making the request"), field="route")
    account = user if user is not None and user.is_authenticated and user.role not in COUNCIL_STAFF else None
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        draft = RequestDraft(
            council=council,
            route=route,
            email=email.strip(),
            token_hash=RequestDraft.hash_token(token),
            user=account,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
        )
        _save(draft, by=account, reason="Request started")
        if not send_link:
            return draft
        notifications.notify(
            template="ersa.return_link",
            # The language they are reading the form in: the only one we know of yet.
            language=preference_for(translation.get_language()),
            data={"council": council.name},
            key=f"ersa:{draft.pk}:return_link:{draft.version}",
            to_address=draft.email,
            link=return_link(token),
            subject_ref=f"ersa:{draft.pk}",
            organisation_id=council.pk,
            by=account,
        )
    return draft


def senco_school(*, council: Organisation, user: User | None) -> Organisation | None:
    """The school a signed-in SENCo makes requests for, when it is a school of this council."""
    if user is None or not user.is_authenticated or user.role != Role.SENCO or not user.is_active:
        return None
    school = user.organisation
    if school is None or school.kind != OrganisationKind.SCHOOL or school.council_id != council.pk:
        return None
    return school


def start_school_draft(*, council: Organisation, user: User) -> RequestDraft:
    """A SENCo starts a request for a pupil: they come back through their account, so no link is emailed."""
    school = senco_school(council=council, user=user)
    if school is None:
        raise ServiceError(_("Only a SENCo at a school of this council can make a request for a pupil"))
    draft = RequestDraft(
        council=council,
        route=sections.SCHOOL,
        email=user.email,
        email_confirmed=True,
        # Nobody holds this token: the SENCo's account is their way back.
        token_hash=RequestDraft.hash_token(secrets.token_urlsafe(32)),
        user=user,
        school=school,
    )
    with transaction.atomic():
        _save(draft, by=user, reason="Request started by the school")
    return draft


def _invite_parent(draft: RequestDraft) -> None:
    """The SENCo asked for the parent to see and add: email them their own link to the same draft, once per address."""
    given = (draft.answers or {}).get("parent_consent") or {}
    email = (given.get("parent_email") or "").strip()
    if given.get("parent_involved") != "yes" or not email or email.lower() == draft.parent_email.lower():
        return
    token = secrets.token_urlsafe(32)
    draft.parent_token_hash = RequestDraft.hash_token(token)
    draft.parent_email = email
    notifications.notify(
        template="ersa.senco_parent_link",
        language=_preferences(draft)["language"],
        data={
            "school": draft.school.name if draft.school_id else "",
            "senco": draft.user.full_name if draft.user_id else "",
            "council": draft.council.name,
        },
        key=f"ersa:{draft.pk}:parent_link:{email.lower()}",
        to_address=email,
        to_name=given.get("parent_name", ""),
        link=parent_link(token),
        subject_ref=f"ersa:{draft.pk}",
        organisation_id=draft.council_id,
        by=draft.user,
    )


def confirm_email(*, draft: RequestDraft) -> RequestDraft:
    """Coming back by the emailed link proves the address."""
    if not draft.email_confirmed:
        with transaction.atomic():
            locked = RequestDraft.objects.select_for_update().get(pk=draft.pk)
            locked.email_confirmed = True
            _save(locked, by=None, reason="Came back by the emailed link")
        draft.refresh_from_db()
    return draft


def _lock_draft(draft: RequestDraft, *, expected_version: int | None) -> RequestDraft:
    locked = RequestDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.is_submitted:
        raise ServiceError(_("This request has already been sent, so it cannot be changed"))
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _(
                "This request was changed in another window since you opened this page. Your answers here have "
                "not been saved: check them and save again"
            )
        )
    return locked


# Sections of a school's request that only its SENCo may change: the school's record of the parent's consent.
SENCO_ONLY_SECTIONS = frozenset({"parent_consent"})
SENCO_ONLY_MESSAGE = gettext_lazy(
    "Only the school can change its record of your consent. If something here is wrong, contact the school"
)


def may_edit_section(*, draft: RequestDraft, section: str, user: User | None) -> bool:
    """The parent's link lets them add to a school's request, not rewrite the school's record of their consent."""
    if draft.route != sections.SCHOOL or section not in SENCO_ONLY_SECTIONS:
        return True
    return user is not None and user.is_authenticated and user.pk == draft.user_id


def save_answers(
    *,
    draft: RequestDraft,
    section: str,
    values: dict,
    expected_version: int | None,
    by: User | None = None,
) -> RequestDraft:
    """Merge one page's answers into its section; an out-of-date page is refused rather than overwriting.

    `by` is the person saving (signed in or not); leave it out only for the service's own callers (the whole
    request from another system, seed data), which are not a person at a page.
    """
    if section not in sections.BY_KEY:
        raise ServiceError("Unknown section")
    if by is not None and not may_edit_section(draft=draft, section=section, user=by):
        raise ServiceError(str(SENCO_ONLY_MESSAGE))
    with transaction.atomic():
        locked = _lock_draft(draft, expected_version=expected_version)
        answers = dict(locked.answers or {})
        answers[section] = {**(answers.get(section) or {}), **values}
        locked.answers = answers
        locked.version += 1
        locked.updated_at = timezone.now()
        if locked.route == sections.SCHOOL and section == "parent_consent":
            _invite_parent(locked)
        _save(locked, by=locked.user)
    return locked


def _save_people(locked: RequestDraft, people: list[dict], *, reason: str) -> None:
    answers = dict(locked.answers or {})
    answers["professionals"] = {**(answers.get("professionals") or {}), "people": people}
    locked.answers = answers
    locked.version += 1
    locked.updated_at = timezone.now()
    _save(locked, by=locked.user, reason=reason)


def add_professional(*, draft: RequestDraft, person: dict) -> RequestDraft:
    """Add one professional already working with the child to the request's list."""
    wrong = sections.professional_problems(person)
    if wrong:
        field, message = wrong[0]
        raise ServiceError(wording.translated(message), field=field)
    with transaction.atomic():
        locked = _lock_draft(draft, expected_version=None)
        people = list(selectors.professionals_of(locked))
        # An id of its own, so "Remove" names this person however the list changes in another tab.
        people.append(
            {"id": secrets.token_hex(4), **{k: person.get(k, "") for k in sections.PROFESSIONAL_FIELDS}}
        )
        _save_people(locked, people, reason="Professional added")
    return locked


def remove_professional(*, draft: RequestDraft, person_id: str) -> RequestDraft:
    """Take a professional off the list before sending; the draft's history keeps what was entered."""
    with transaction.atomic():
        locked = _lock_draft(draft, expected_version=None)
        before = selectors.professionals_of(locked)
        people = [p for p in before if p.get("id") != person_id]
        if len(people) == len(before):
            return locked
        _save_people(locked, people, reason="Professional removed")
    return locked


def may_send(*, draft: RequestDraft, user: User | None) -> bool:
    """A school's request is sent by the school's SENCo; the parent's link lets them see and add, not send."""
    if draft.route != sections.SCHOOL:
        return True
    return user is not None and user.is_authenticated and user.pk == draft.user_id


def add_evidence(
    *,
    draft: RequestDraft,
    upload,
    kind: str,
    report_date: date | None = None,
    old_reason: str = "",
) -> DraftEvidence:
    try:
        inspected = inspect_upload(upload)
    except DocumentRejected as rejected:
        raise ServiceError(str(rejected), field="file") from None
    if kind not in DraftEvidence.Kind.values:
        raise ServiceError(_("Select what the document is"), field="kind")
    with transaction.atomic():
        locked = _lock_draft(draft, expected_version=None)
        evidence = DraftEvidence(
            draft=locked,
            name=inspected.clean_name,
            content_type=inspected.content_type,
            size=inspected.size,
            kind=kind,
            report_date=report_date,
            old_reason=old_reason.strip(),
        )
        evidence.file.save(inspected.clean_name, upload, save=False)
        _save(evidence, by=locked.user)
        locked.version += 1
        locked.updated_at = timezone.now()
        _save(locked, by=locked.user, reason="Evidence added")
    return evidence


def remove_evidence(*, draft: RequestDraft, evidence_id: int) -> None:
    with transaction.atomic():
        locked = _lock_draft(draft, expected_version=None)
        evidence = DraftEvidence.objects.filter(draft=locked, pk=evidence_id, removed_at__isnull=True).first()
        if evidence is None:
            return
        evidence.removed_at = timezone.now()
        _save(evidence, by=locked.user, reason="Removed before sending")
        locked.version += 1
        _save(locked, by=locked.user, reason="Evidence removed")


def problems_for(draft: RequestDraft, *, today: date | None = None) -> list[tuple]:
    today = today or case_selectors.today()
    evidence = [e.as_rule_input() for e in selectors.evidence_of(draft)]
    return sections.problems(
        draft.route, draft.answers or {}, evidence, selectors.rules_for(draft.council_id), today
    )


def child_details(draft: RequestDraft) -> case_services.ChildDetails:
    child = (draft.answers or {}).get("child") or {}
    school_id = child.get("school_id") or None
    if school_id and not selectors.schools_for(draft.council_id).filter(pk=school_id).exists():
        school_id = None
    if draft.route == sections.SCHOOL and draft.school_id:
        school_id = draft.school_id
    return case_services.ChildDetails(
        legal_first_name=child.get("first_name", "").strip(),
        legal_last_name=child.get("last_name", "").strip(),
        preferred_name=child.get("preferred_name", "").strip(),
        date_of_birth=sections.parse_date(child.get("date_of_birth")),
        home_languages=child.get("home_languages", ""),
        interpreter_needed=child.get("interpreter_needed") == "yes",
        address=child.get("address", ""),
        postcode=child.get("postcode", "").upper().strip(),
        upn=child.get("upn", "").upper().strip(),
        current_setting_id=int(school_id) if school_id else None,
        # Typed when the setting is not in the list; kept beside a chosen school, as the person wrote it.
        setting_name=(child.get("setting_name") or "").strip()[:200],
    )


def _postal_address(child: case_services.ChildDetails) -> str:
    """The address a letter goes to: the lines as typed, with the postcode as the last line (as Notify needs)."""
    lines = [line.strip() for line in child.address.splitlines() if line.strip()]
    if child.postcode and (
        not lines or lines[-1].upper().replace(" ", "") != child.postcode.replace(" ", "")
    ):
        lines.append(child.postcode)
    return "\n".join(lines)


def _confirmation_route(draft: RequestDraft) -> tuple[str, str]:
    """(address, channel) for the family's confirmation: a text when they asked for texts and gave a number,
    else the email address they confirmed when they started (a letter or a call is for staff to arrange)."""
    given = (draft.answers or {}).get("contact") or {}
    phone = (given.get("phone") or "").strip()
    if _preferences(draft)["preferred_channel"] == "sms" and phone:
        return phone, Channel.SMS
    return draft.email, Channel.EMAIL


def _preferences(draft: RequestDraft) -> dict:
    given = (draft.answers or {}).get("contact") or {}
    channel = given.get("channel") if given.get("channel") in {"email", "sms", "letter", "phone"} else "email"
    language = given.get("language") if given.get("language") in LANGUAGE_CODES else "en"
    return {"preferred_channel": channel, "language": language}


def contact_details(draft: RequestDraft, child: case_services.ChildDetails) -> case_services.ContactDetails:
    family = (draft.answers or {}).get("family") or {}
    consent = (draft.answers or {}).get("parent_consent") or {}
    preferences = _preferences(draft)
    # The contact page's number is the one they asked us to text or ring.
    contact_phone = ((draft.answers or {}).get("contact") or {}).get("phone", "").strip()
    if draft.route == sections.YOUNG_PERSON:
        return case_services.ContactDetails(
            name=family.get("full_name") or f"{child.legal_first_name} {child.legal_last_name}",
            relationship=case_services.Relationship.SELF,
            parental_responsibility=False,
            email=draft.email,
            phone=contact_phone or family.get("phone", ""),
            address=_postal_address(child),
            **preferences,
        )
    if draft.route == sections.SCHOOL:
        family = {
            "full_name": consent.get("parent_name", ""),
            "relationship": consent.get("relationship", "other"),
            "parental_responsibility": consent.get("parental_responsibility", ""),
            "phone": consent.get("parent_phone", ""),
        }
    email = consent.get("parent_email", "") if draft.route == sections.SCHOOL else draft.email
    relationship = family.get("relationship", "other")
    if relationship not in case_services.Relationship.values:
        relationship = case_services.Relationship.OTHER
    return case_services.ContactDetails(
        name=family.get("full_name", ""),
        relationship=relationship,
        parental_responsibility=family.get("parental_responsibility") == "yes",
        email=email,
        phone=contact_phone or family.get("phone", ""),
        address=_postal_address(child),
        **preferences,
    )


def _evidence(draft: RequestDraft) -> tuple[case_services.EvidenceFile, ...]:
    files = []
    for item in selectors.evidence_of(draft):
        description = f"Sent with the online request{f', dated {item.report_date:%-d %B %Y}' if item.report_date else ''}"
        if item.old_reason:
            description += f". Kept although older: {item.old_reason}"
        with item.file.open("rb") as handle:
            content = handle.read()
        files.append(
            case_services.EvidenceFile(
                name=item.name,
                content=content,
                category=item.kind,
                content_type=item.content_type,
                description=description,
            )
        )
    return tuple(files)


def _share_consent(draft: RequestDraft) -> tuple[dict, ...]:
    agreed = set(((draft.answers or {}).get("consent") or {}).get("share_with") or [])
    return tuple(
        {"key": agency["key"], "name": agency["name"], "agreed": agency["key"] in agreed}
        for agency in selectors.share_agencies(draft.council_id)
    )


def _summary(draft: RequestDraft) -> str:
    needs = (draft.answers or {}).get("needs") or {}
    return needs.get("description", "")


def _family_account(draft: RequestDraft, *, by: User | None) -> User | None:
    """The family's account that joins the team: on the school route nobody (the SENCo is there for the school)."""
    if draft.route == sections.SCHOOL:
        return None
    if draft.user is not None:
        return draft.user
    if by is not None and by.is_authenticated and by.role not in COUNCIL_STAFF:
        return by
    if draft.email_confirmed:
        # The emailed link proved the address: a family account with it joins the team.
        return (
            User.objects.filter(email__iexact=draft.email, is_active=True)
            .exclude(role__in=COUNCIL_STAFF)
            .first()
        )
    return None


def intake_for(draft: RequestDraft, *, account: User | None, today: date) -> case_services.Intake:
    """The whole request as the cases app takes it in: one value, built from the draft's answers."""
    child = child_details(draft)
    allocation = allocation_for(council_id=draft.council_id, school_id=child.current_setting_id)
    also = list(allocation.also)
    senco = draft.user if draft.route == sections.SCHOOL else None
    if senco is not None and senco.organisation_id != child.current_setting_id:
        also.append((senco, case_services.TeamRole.SCHOOL))
    areas = ((draft.answers or {}).get("needs") or {}).get("areas") or []
    return case_services.Intake(
        council=draft.council,
        child=child,
        contacts=(contact_details(draft, child),),
        received_on=today,
        route=case_services.RequestRoute.ONLINE,
        requested_by={
            sections.YOUNG_PERSON: case_services.Requester.YOUNG_PERSON,
            sections.SCHOOL: case_services.Requester.SCHOOL,
        }.get(draft.route, case_services.Requester.PARENT),
        primary_need=areas[0] if areas else "",
        secondary_need=areas[1] if len(areas) > 1 else "",
        summary=_summary(draft),
        child_views=((draft.answers or {}).get("views") or {}).get("child_views", ""),
        family_views=((draft.answers or {}).get("views") or {}).get("parent_views", ""),
        coordinator=allocation.coordinator,
        coordinator_fallback=True,
        also=tuple(also),
        family_account=account,
        professionals=tuple(
            case_services.ProfessionalDetails(**{k: p.get(k, "") for k in sections.PROFESSIONAL_FIELDS})
            for p in selectors.professionals_of(draft)
        ),
        share_consent=_share_consent(draft),
        evidence=_evidence(draft),
        on_open_case=case_services.OnOpenCase.ADD,
        sent_by=draft.email,
        # The family hear from the form itself (ersa.submitted), with the reference and the decision date.
        tell_family=False,
    )


def submit_request(
    *, draft: RequestDraft, by: User | None = None, today: date | None = None, stored: list[str] | None = None
) -> "Case":
    """Send the request: exactly one case however many times it is sent, linked to an open case if there is one.

    The names of the files filed on the case are added to `stored`, for a caller whose own transaction around
    this one may still fail (`send_whole_request`); if this one fails they are deleted here, after the rollback.
    """
    stored = [] if stored is None else stored
    try:
        return _submit(draft=draft, by=by, today=today, stored=stored)
    except BaseException:
        case_services.delete_stored_files(stored)
        raise


def _submit(*, draft: RequestDraft, by: User | None, today: date | None, stored: list[str]) -> "Case":
    today = today or case_selectors.today()
    with transaction.atomic():
        draft = RequestDraft.objects.select_for_update().select_related("council").get(pk=draft.pk)
        if draft.is_submitted:
            return draft.case
        if not may_send(draft=draft, user=by):
            raise ServiceError(_("Only the school can send this request. Your additions have been saved"))
        found = problems_for(draft, today=today)
        if found:
            raise Incomplete(found)
        school_route = draft.route == sections.SCHOOL
        senco = draft.user if school_route else None
        account = _family_account(draft, by=by)
        intake = intake_for(draft, account=account, today=today)
        result = case_services.intake_request(intake=intake, by=account)
        stored += [document.file.name for document in result.documents]
        case = result.case
        draft.linked_to_existing = result.linked
        child = intake.child
        confirmation = {
            "child_first_name": child.preferred_name or child.legal_first_name,
            "reference": case.reference,
            "received_on": f"{today:%-d %B %Y}",
            "decision_by": f"{result.decision_by:%-d %B %Y}" if result.decision_by else "",
            "linked": draft.linked_to_existing,
        }
        family_language = _preferences(draft)["language"]
        if school_route:
            consent = draft.answers.get("parent_consent") or {}
            # The SENCo (their email is the draft's) and the parent both hear that it was sent.
            recipients = [
                ("", draft.user.full_name if draft.user_id else "", draft.email, "en", Channel.EMAIL)
            ]
            if consent.get("parent_email"):
                recipients.append(
                    (
                        ":parent",
                        consent.get("parent_name", ""),
                        consent["parent_email"],
                        family_language,
                        Channel.EMAIL,
                    )
                )
        else:
            name = (draft.answers.get("family") or {}).get("full_name", "")
            address, channel = _confirmation_route(draft)
            recipients = [("", name, address, family_language, channel)]
        for suffix, name, address, language, channel in recipients:
            notifications.notify(
                channel=channel,
                language=language,
                template="ersa.submitted",
                data=confirmation,
                key=f"{selectors.confirmation_key(draft)}{suffix}",
                to_address=address,
                to_name=name,
                subject_ref=f"case:{case.pk}",
                organisation_id=draft.council_id,
                by=account,
            )
        draft.status = DraftStatus.SUBMITTED
        draft.case = case
        draft.user = senco if school_route else account
        draft.submitted_at = timezone.now()
        draft.version += 1
        _save(draft, by=account, reason="Request sent")
        # robust: the case stays sent whatever happens to the copy; a failed render is logged, not raised.
        enqueue_on_commit("forms_ersa.tasks.file_request_copy", draft.pk, robust=True)
    return case


class Refused(Exception):
    """A request sent whole was refused: everything wrong, as {section, field, message}."""

    def __init__(self, found: list[dict]):
        self.found = found


class KeyInUse(Exception):
    """Another request with the same Idempotency-Key inserted its draft first."""


def send_whole_request(
    *,
    council: Organisation,
    by: User,
    route: str,
    email: str,
    answers: dict,
    evidence: list[dict],
    today: date,
    idempotency_key: str = "",
    request_hash: str = "",
) -> RequestDraft:
    """A request another system sends whole (the API): start, fill, attach and submit in one transaction.

    `answers` are already checked page by page; `evidence` items are {name, content (bytes), kind, report_date,
    old_reason}. Returns the submitted draft, or raises Refused (everything wrong) or KeyInUse (another request
    with the same idempotency key got its draft in first).

    Every evidence file stored (on the draft, and on the case) is deleted again if anything fails: the rollback
    removes the rows, not the files.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            try:
                # A savepoint of its own, so the unique key's IntegrityError leaves the transaction usable
                # (PostgreSQL refuses every later statement in a transaction with a failed one).
                with transaction.atomic():
                    draft = start_draft(
                        council=council,
                        route=route,
                        email=email,
                        send_link=False,
                        idempotency_key=idempotency_key,
                        request_hash=request_hash,
                    )
            except IntegrityError:
                if not idempotency_key:
                    raise
                raise KeyInUse from None
            for section in sections.SECTIONS:
                values = answers.get(section.key)
                if values:
                    draft = save_answers(
                        draft=draft, section=section.key, values=values, expected_version=None
                    )
            refused = []
            for index, item in enumerate(evidence):
                upload = SimpleUploadedFile(item["name"], item["content"])
                try:
                    added = add_evidence(
                        draft=draft,
                        upload=upload,
                        kind=item["kind"],
                        report_date=item["report_date"],
                        old_reason=item["old_reason"],
                    )
                except ServiceError as error:
                    refused.append(
                        {
                            "section": "evidence",
                            "field": f"evidence[{index}].{error.field or 'content'}",
                            "message": error.message,
                        }
                    )
                else:
                    stored.append(added.file.name)
            found = [
                {"section": s, "field": f, "message": str(m)} for s, f, m in problems_for(draft, today=today)
            ]
            if refused or found:
                raise Refused(refused + found)
            try:
                submit_request(draft=draft, by=by, today=today, stored=stored)
            except Incomplete as incomplete:
                raise Refused(
                    [{"section": s, "field": f, "message": str(m)} for s, f, m in incomplete.problems]
                ) from None
            except ServiceError as error:
                raise Refused(
                    [{"section": "child", "field": error.field or "", "message": error.message}]
                ) from None
            draft.refresh_from_db()
    except BaseException:
        # After the rollback (the atomic block has exited): a successful request's files are never touched.
        case_services.delete_stored_files(stored)
        raise
    return draft


def file_request_copy(*, draft_id: int) -> "CaseDocument | None":
    """Render the PDF copy of what was sent and attach it to the case, once; a second run does nothing."""
    draft = RequestDraft.objects.select_related("case", "council").get(pk=draft_id)
    if not draft.is_submitted:
        return None
    name = selectors.copy_name(draft)
    existing = case_selectors.filed_document(case_id=draft.case_id, name=name, include_withdrawn=True)
    if existing is not None:
        return existing
    # In the language the family asked us to use, where the pages are written in it; English otherwise.
    with translation.override(page_language(_preferences(draft)["language"]) or settings.LANGUAGE_CODE):
        html = render_to_string("forms_ersa/pdf.html", summary.context(draft))
    pdf = render_pdf(html)
    with transaction.atomic():
        document = case_services.file_document(
            case=draft.case,
            name=name,
            content=ContentFile(pdf, name=name),
            category=case_services.DocumentCategory.REQUEST,
            content_type="application/pdf",
            description="Copy of the online request as sent",
            by=draft.user,
            timeline_summary=f"Copy of the request filed: {name}",
        )
    return document


# --- disposal under the council's retention schedule (records app) ---------------------------------------------


def redact_for_disposal(*, child_id: int) -> list[str]:
    """Remove what the online requests for a child's cases said, and their evidence files, once a manager approved
    the disposal of the child's records. Called by the records app inside its disposal transaction; the rows and
    their dates stay, the answers and addresses go, in every history row too. Lines for the destruction record."""
    drafts = RequestDraft.objects.filter(case__child_id=child_id)
    count = scrub(RequestDraft, drafts, {"answers": {}, "email": REDACTED, "parent_email": ""})
    evidence = DraftEvidence.objects.filter(draft__case__child_id=child_id).exclude(file="")
    names = list(evidence.values_list("file", flat=True))
    files = scrub(DraftEvidence, evidence, {"file": "", "name": "evidence", "old_reason": ""})
    if names:
        storage = DraftEvidence._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    lines = []
    if count:
        lines.append(f"{count} online requests: answers and email addresses removed")
    if files:
        lines.append(f"{files} files sent with the online requests deleted")
    return lines
