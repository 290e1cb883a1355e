"""Every write to a plan: one function per use case, keyword-only, one transaction, permission check first.

The plan's content is `drafting.content` data stored section by section; every save re-runs the quality checks
(`drafting.quality`) and caches the findings and grade on the version. The workflow's steps go through
`cases.services.case_transition` (serving the draft starts the family's 15 days; issuing the final plan meets the
20 weeks and starts the annual review's clock), messages go through the outbox in the same transaction, and PDFs
are rendered by a task once it commits.
"""

import csv
import hashlib
import io
import json
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from cases import policy, statutory
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case, CaseDocument
from core.errors import ServiceError, StaleVersion
from core.history import save_with_history as _save
from core.pdf import render_pdf
from core.queue import enqueue_on_commit
from core.redaction import REDACTED, redacted, scrub
from drafting import assembly, diffing, quality, selectors
from drafting import content as plan_content
from drafting.models import (
    SECTIONS,
    CommentAnswer,
    FamilyComment,
    IssueRecord,
    NamedPlacement,
    OverrideReason,
    PlacementConsultation,
    Plan,
    PlanPdf,
    PlanSection,
    PlanVersion,
    SettingType,
    SignOff,
    SignOffRule,
)
from notifications import services as notifications
from notifications.models import Channel

__all__ = [
    "ServiceError",
    "StaleVersion",
    "add_item",
    "answer_comment",
    "assemble_plan",
    "delete_item",
    "edit_item",
    "finance_csv",
    "issue_final_plan",
    "name_placement",
    "record_consultation",
    "record_consultation_response",
    "record_family_comment",
    "render_plan_pdf",
    "resolve_flag",
    "save_family_comment",
    "send_draft",
    "send_family_response",
    "sign_off",
    "split_merge",
]

# Reg 13(1) gives the family 15 days beginning with the day served; schools consulted (s39) get the same.
CONSULTATION_DAYS = 15


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _plan_link(case: Case) -> str:
    return _url(reverse("drafting:plan", kwargs={"reference": case.reference}))


def _name(user: User | None) -> str:
    return (user.full_name or user.email) if user is not None else ""


# --- content: reading, writing, checking ----------------------------------------------------------------------


def _write_content(
    version: PlanVersion, content: plan_content.PlanContent, *, by: User | None, reason: str = ""
) -> list[str]:
    """Store each section that changed (its counter moves on) and return their codes."""
    rows = {row.code: row for row in version.sections.all()}
    changed = []
    now = timezone.now()
    for code in SECTIONS:
        data = content.section_to_dict(code)
        row = rows.get(code)
        if row is None:
            row = PlanSection(plan_version=version, code=code, content=data, updated_by=by, updated_at=now)
            _save(row, by=by, reason=reason)
            changed.append(code)
        elif row.content != data:
            row.content = data
            row.version += 1
            row.updated_by = by
            row.updated_at = now
            _save(row, by=by, reason=reason)
            changed.append(code)
    # The prefetch cache (if any) must not serve the old rows to the checks that follow.
    if hasattr(version, "_prefetched_objects_cache"):
        version._prefetched_objects_cache.pop("sections", None)
    return changed


def _advice_age_limit_months(case: Case) -> int:
    from advice import selectors as advice_selectors

    return advice_selectors.settings_for(council_id=case.council_id).reuse_max_age_months


def _check(version: PlanVersion, content: plan_content.PlanContent) -> None:
    """Run the quality checks on the content as saved and cache what they found, and the grade, on the version."""
    findings = quality.check(
        content,
        today=case_selectors.today(),
        advice_age_limit_months=_advice_age_limit_months(version.plan.case),
        final=version.kind != PlanVersion.Kind.DRAFT,
    )
    result = quality.grade(content, findings)
    version.findings = [f.to_dict() for f in findings]
    version.grade = result.label
    version.score = result.score
    version.error_count = result.errors
    version.flag_count = len(content.open_flags())
    version.updated_at = timezone.now()


def _locked_version(version: PlanVersion) -> PlanVersion:
    return (
        PlanVersion.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__case", "plan__case__child", "plan__case__council")
        .get(pk=version.pk)
    )


def _editable(version: PlanVersion) -> None:
    if version.status != PlanVersion.Status.EDITING:
        raise ServiceError(
            "This version can no longer be changed: "
            + (
                "it has been sent to the family. Work on the latest version."
                if version.status in (PlanVersion.Status.SENT, PlanVersion.Status.SUPERSEDED)
                else f"it is {version.get_status_display().lower()}."
            )
        )


# --- assembly -------------------------------------------------------------------------------------------------


def assemble_plan(*, case: Case, by: User | None = None) -> PlanVersion | None:
    """Assemble the draft from the submitted advice: the same inputs give no new version; new advice gives a new
    version that keeps every person's edit and records what changed.

    `by` is the coordinator who asked; None when the worker runs it because the last advice arrived.
    """
    if by is not None:
        policy.require(by, "edit_draft", case)
    inputs = selectors.assembly_inputs(case=case)
    if not inputs.advice:
        if by is not None:
            raise ServiceError("No advice has been sent yet: the draft is assembled from the advice")
        return None
    print_ = selectors.fingerprint(inputs)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(case=case).first()
        if plan is None:
            plan = Plan(case=case, council_id=case.council_id)
            _save(plan, by=by, reason="Plan started")
        latest = plan.versions.order_by("-number").first()
        if latest is not None and latest.inputs_fingerprint == print_:
            return latest
        if latest is not None and latest.status == PlanVersion.Status.ISSUED:
            if by is not None:
                raise ServiceError(
                    "The final plan has been issued. Changes to it come through the annual review."
                )
            return latest
        previous = selectors.content_of(latest) if latest is not None else None
        content = assembly.assemble(inputs, previous=previous)
        kind = latest.kind if latest is not None else PlanVersion.Kind.DRAFT
        version = PlanVersion(
            plan=plan,
            number=(latest.number + 1) if latest else 1,
            kind=kind,
            inputs_fingerprint=print_,
            previous=latest,
            created_by=by,
            changes=_changes(previous, content),
        )
        if latest is not None and latest.status in (
            PlanVersion.Status.EDITING,
            PlanVersion.Status.SIGNED_OFF,
        ):
            latest.status = PlanVersion.Status.SUPERSEDED
            latest.version += 1
            _save(latest, by=by, reason="Replaced by a newly assembled version")
        _save(version, by=by, reason="Assembled from the advice")
        _write_content(version, content, by=by, reason="Assembled from the advice")
        _check(version, content)
        _save(version, by=by)
        case_services.add_case_note(
            case=case,
            summary=(
                f"Draft plan assembled from {len(inputs.advice)} pieces of advice"
                if latest is None
                else f"Plan version {version.number} assembled: the advice changed"
            ),
            by=by,
            family=False,
        )
        enqueue_on_commit("drafting.tasks.render_plan_pdf", version.pk)
    return version


def _changes(old, new) -> list:
    """What changed from the previous version, kept short: the page that shows the detail compares again."""
    if old is None:
        return []
    return [
        {
            "section": c.section,
            "key": c.key,
            "change": c.change,
            "text": c.text[:300],
            "fields": list(c.fields),
        }
        for c in diffing.diff(old, new).changes
    ]


# --- editing ---------------------------------------------------------------------------------------------------


def item_stamp(item) -> str:
    """A short fingerprint of one item as stored, for the optimistic check of an edit to that item alone."""
    return hashlib.sha256(json.dumps(item.to_dict(), sort_keys=True, default=str).encode()).hexdigest()[:16]


def _edit(
    *,
    version: PlanVersion,
    section: str,
    expected: int | None,
    by: User,
    reason: str,
    change,
    key: str = "",
    expected_item: str = "",
) -> PlanVersion:
    """One person's change to one section, refused if someone saved that section since they opened it."""
    policy.require(by, "edit_draft", version.plan.case)
    if section not in SECTIONS:
        raise ServiceError("There is no such section of the plan")
    with transaction.atomic():
        version = _locked_version(version)
        _editable(version)
        row = version.sections.select_for_update().filter(code=section).first()
        if row is None:
            raise ServiceError("There is no such section of the plan")
        content = selectors.content_of(version)
        if (
            expected is not None
            and row.version != expected
            and not _item_unchanged(content, key, expected_item)
        ):
            raise StaleVersion(
                f"Someone else saved section {section} while you were editing it. Your changes are below: "
                "check them against theirs and save again."
            )
        try:
            changed = change(content, timezone.now())
        except plan_content.ContentError as error:
            raise ServiceError(str(error)) from None
        _write_content(version, changed, by=by, reason=reason)
        _check(version, changed)
        version.version += 1
        _save(version, by=by, reason=reason)
    return version


def _item_unchanged(content, key: str, expected_item: str) -> bool:
    if not key or not expected_item:
        return False
    try:
        return item_stamp(content.item(key)) == expected_item
    except plan_content.ContentError:
        return False


def edit_item(
    *,
    version: PlanVersion,
    section: str,
    key: str,
    changes: dict,
    by: User,
    expected_version: int | None,
    expected_item: str = "",
) -> PlanVersion:
    """A person's change to one item, refused if that item (or, without its stamp, its section) changed since."""
    return _edit(
        version=version,
        section=section,
        expected=expected_version,
        key=key,
        expected_item=expected_item,
        by=by,
        reason=f"Edited in section {section}",
        change=lambda content, at: plan_content.edit_item(
            content, key, changes=changes, by_id=by.pk, by_name=_name(by), at=at
        ),
    )


_NEW_ITEM = {
    "A": (
        "view-A",
        lambda key, fields: plan_content.View(key=key, whose=fields.pop("whose", "family"), **fields),
    ),
    "E": ("outcome-E", lambda key, fields: plan_content.Outcome(key=key, **fields)),
}


def add_item(
    *, version: PlanVersion, section: str, fields: dict, by: User, expected_version: int | None
) -> PlanVersion:
    """A person adds a need, outcome, provision item or view; its source is them."""
    fields = {name: tuple(value) if isinstance(value, list) else value for name, value in fields.items()}

    def change(content, at):
        if section in plan_content.NEED_SECTIONS:
            item = plan_content.Need(
                key=plan_content.person_key(f"need-{section}", by_id=by.pk, at=at), section=section, **fields
            )
        elif section in plan_content.PROVISION_SECTIONS:
            item = plan_content.Provision(
                key=plan_content.person_key(f"provision-{section}", by_id=by.pk, at=at),
                section=section,
                **fields,
            )
        elif section in _NEW_ITEM:
            prefix, build = _NEW_ITEM[section]
            item = build(plan_content.person_key(prefix, by_id=by.pk, at=at), fields)
        else:
            raise plan_content.ContentError(f"Items cannot be added to section {section}")
        return plan_content.add_item(content, item, by_id=by.pk, by_name=_name(by), at=at)

    return _edit(
        version=version,
        section=section,
        expected=expected_version,
        by=by,
        reason=f"Added to section {section}",
        change=change,
    )


def delete_item(
    *, version: PlanVersion, section: str, key: str, reason: str, by: User, expected_version: int | None
) -> PlanVersion:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why this is taken out of the plan", field="reason")
    return _edit(
        version=version,
        section=section,
        expected=expected_version,
        by=by,
        reason=f"Taken out of section {section}",
        change=lambda content, at: plan_content.delete_item(
            content, key, by_id=by.pk, by_name=_name(by), at=at, reason=reason
        ),
    )


def resolve_flag(
    *,
    version: PlanVersion,
    section: str,
    key: str,
    code: str,
    resolution: str,
    by: User,
    expected_version: int | None,
) -> PlanVersion:
    """Accept or reject a merge, settle a conflict, or confirm an item whose source changed: kept as a record."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise ServiceError("Say what you decided", field="resolution")
    return _edit(
        version=version,
        section=section,
        expected=expected_version,
        by=by,
        reason=f"Flag resolved in section {section}",
        change=lambda content, at: plan_content.resolve_flag(
            content, key, code, resolution=resolution, by_id=by.pk, by_name=_name(by), at=at
        ),
    )


def split_merge(
    *, version: PlanVersion, section: str, key: str, reason: str, by: User, expected_version: int | None
) -> PlanVersion:
    """Reject a merge: the item becomes one per adviser again, each with its own source, and stays split."""
    return _edit(
        version=version,
        section=section,
        expected=expected_version,
        by=by,
        reason=f"Merge split in section {section}",
        change=lambda content, at: plan_content.split_merged(
            content, key, by_id=by.pk, by_name=_name(by), at=at, reason=(reason or "").strip()
        ),
    )


# --- sending the draft to the family ------------------------------------------------------------------------


def send_draft(
    *, version: PlanVersion, by: User, on: date | None = None, override_reason: str = ""
) -> PlanVersion:
    """Serve the draft (reg 13(1)): the family's 15 days start, with the notice of their right to ask for a school
    and a meeting, by their chosen channel. Refused with unresolved errors unless the override is recorded.

    The served version is frozen as the family's copy; work goes on in a new version (the proposed final plan).
    """
    case = version.plan.case
    policy.require(by, "send_draft", case)
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        version = _locked_version(version)
        _editable(version)
        if version.kind != PlanVersion.Kind.DRAFT:
            raise ServiceError("The draft has already been sent to the family")
        content = selectors.content_of(version)
        _check(version, content)
        errors = [f for f in version.findings if f.get("severity") == "error"]
        if errors and not override_reason:
            raise ServiceError(
                f"The draft still has {len(errors)} error{'s' if len(errors) != 1 else ''}. Fix them, or enter "
                "why it must go to the family now",
                field="override_reason",
            )
        if errors:
            _save(OverrideReason(plan_version=version, reason=override_reason, errors=errors, by=by), by=by)
        # The draft-served notice below is the family's one message about it (with their 15 days).
        case = case_services.case_transition(
            case=version.plan.case, name="serve_draft", by=by, on=on, announce=False
        )
        version.status = PlanVersion.Status.SENT
        version.sent_on = case.draft_served_on
        version.sent_by = by
        version.version += 1
        _save(version, by=by, reason="Sent to the family")
        working = PlanVersion(
            plan=version.plan,
            number=version.number + 1,
            kind=PlanVersion.Kind.FINAL,
            inputs_fingerprint=version.inputs_fingerprint,
            previous=version,
            created_by=by,
        )
        _save(working, by=by, reason="The proposed final plan, from the draft sent")
        _write_content(working, content, by=by, reason="Copied from the draft sent")
        _check(working, content)
        _save(working, by=by)
        _tell_family_draft_served(case=case, version=version, by=by)
        enqueue_on_commit("drafting.tasks.render_plan_pdf", version.pk)
        enqueue_on_commit("drafting.tasks.render_plan_pdf", working.pk)
    return version


def _family_recipients(case: Case):
    """The family's accounts, and the contacts with parental responsibility who have none (each by their channel)."""
    users = case_selectors.family_accounts(case=case)
    emails = {u.email.lower() for u in users}
    contacts = [
        c
        for c in case.child.contacts.filter(is_archived=False, user__isnull=True)
        if (c.parental_responsibility or c.relationship == "self")
        and not (c.email and c.email.lower() in emails)
    ]
    return users, contacts


_CONTACT_CHANNELS = {
    "email": (Channel.EMAIL, Channel.LETTER, Channel.SMS),
    "sms": (Channel.SMS, Channel.EMAIL, Channel.LETTER),
    "letter": (Channel.LETTER, Channel.EMAIL, Channel.SMS),
    "phone": (Channel.EMAIL, Channel.LETTER, Channel.SMS),
}


def _tell_family(*, case: Case, template: str, data: dict, key: str, link: str, by: User | None) -> None:
    users, contacts = _family_recipients(case)
    common = {
        "template": template,
        "data": data,
        "link": link,
        "subject_ref": f"case:{case.pk}",
        "organisation_id": case.council_id,
        "by": by,
    }
    for user in users:
        notifications.notify(recipient=user, key=f"{key}:user:{user.pk}", language=user.language, **common)
    for contact in contacts:
        addresses = {
            Channel.EMAIL: contact.email.strip(),
            Channel.SMS: contact.phone.strip(),
            Channel.LETTER: contact.address.strip(),
        }
        channel = next(
            (
                c
                for c in _CONTACT_CHANNELS.get(contact.preferred_channel, _CONTACT_CHANNELS["email"])
                if addresses[c]
            ),
            None,
        )
        if channel is None:
            continue
        notifications.notify(
            to_address=addresses[channel],
            to_name=contact.name,
            channel=channel,
            key=f"{key}:contact:{contact.pk}",
            language=contact.language,
            **common,
        )


def _tell_family_draft_served(*, case: Case, version: PlanVersion, by: User) -> None:
    closes = statutory.draft_comments_close_on(version.sent_on)
    _tell_family(
        case=case,
        template="drafting.draft_served",
        data={
            "reference": case.reference,
            "child_first_name": case.child.known_as,
            "served_on": f"{version.sent_on:%-d %B %Y}",
            "closes_on": f"{closes:%-d %B %Y}",
        },
        key=f"plan:{version.pk}:served",
        link=_url(reverse("cases:detail", kwargs={"reference": case.reference})),
        by=by,
    )


# --- the family's comments -----------------------------------------------------------------------------------


def _served(case: Case) -> PlanVersion:
    version = selectors.served_draft(case=case)
    if version is None:
        raise ServiceError("No draft plan has been sent to the family yet")
    return version


def _comment_fields(*, section: str, text: str, school_wanted: str, school_reason: str) -> dict:
    if section not in SECTIONS:
        raise ServiceError("Choose the part of the plan your comment is about", field="section")
    text, school_wanted, school_reason = (
        (text or "").strip(),
        (school_wanted or "").strip(),
        (school_reason or "").strip(),
    )
    if not text and not school_wanted:
        raise ServiceError("Enter your comment", field="text")
    if school_wanted and section != "I":
        raise ServiceError("Name a school in your comment on section I (placement)", field="school_wanted")
    if len(school_wanted) > 200:
        raise ServiceError("The school's name must be 200 characters or fewer", field="school_wanted")
    return {"text": text, "school_wanted": school_wanted, "school_reason": school_reason}


def save_family_comment(
    *,
    case: Case,
    by: User,
    section: str,
    text: str = "",
    item_key: str = "",
    school_wanted: str = "",
    school_reason: str = "",
    wants_meeting: bool = False,
    evidence=None,
    comment: FamilyComment | None = None,
    expected_version: int | None = None,
) -> FamilyComment:
    """The family's comment on one section (or item) of the draft, saved as they go; sent later, all together."""
    policy.require(by, "comment_on_draft", case)
    fields = _comment_fields(
        section=section, text=text, school_wanted=school_wanted, school_reason=school_reason
    )
    with transaction.atomic():
        version = _served(case)
        if comment is None:
            comment = FamilyComment(
                plan_version=version,
                case=case,
                author=by,
                author_name=_name(by),
                recorded_by=by,
                route=FamilyComment.Route.PORTAL,
            )
        else:
            comment = FamilyComment.objects.select_for_update().get(pk=comment.pk)
            if comment.author_id != by.pk or comment.case_id != case.pk:
                raise policy.NotAllowed("comment_on_draft")
            if comment.sent_at is not None:
                raise ServiceError("This comment has been sent. Add another comment instead")
            if expected_version is not None and comment.version != expected_version:
                raise StaleVersion(
                    "This comment was saved somewhere else since you opened it. Check it and save again"
                )
            comment.version += 1
        comment.section = section
        comment.item_key = (item_key or "")[:80]
        comment.wants_meeting = bool(wants_meeting)
        for name, value in fields.items():
            setattr(comment, name, value)
        if evidence is not None:
            comment.evidence = case_services.add_document(
                case=case,
                upload=evidence,
                category=CaseDocument.Category.OTHER,
                by=by,
                description=f"Evidence with a comment on section {section} of the draft plan",
            )
        _save(comment, by=by, reason="Saved")
    return comment


def send_family_response(*, case: Case, by: User) -> list[FamilyComment]:
    """The family send the comments they saved: the coordinator is told, and the family's response is recorded on
    the case (so the final plan may be issued before the 15 days end)."""
    policy.require(by, "comment_on_draft", case)
    with transaction.atomic():
        version = _served(case)
        saved = list(
            FamilyComment.objects.select_for_update()
            .filter(plan_version=version, author=by, sent_at__isnull=True)
            .order_by("created_at", "id")
        )
        if not saved:
            raise ServiceError("You have not written any comments yet")
        now = timezone.now()
        for comment in saved:
            comment.sent_at = now
            comment.received_on = case_selectors.today()
            comment.version += 1
            _save(comment, by=by, reason="Sent")
        _record_response(case=case, on=case_selectors.today(), who=_name(by))
        _tell_coordinator(
            case=case, count=len(saved), key=f"plan:{version.pk}:comments:{by.pk}:{now:%Y%m%d%H%M%S}", by=by
        )
    return saved


def _record_response(*, case: Case, on: date, who: str) -> None:
    """The family's response, recorded once on the case by its coordinator (the workflow's step for it)."""
    case = Case.objects.select_related("coordinator").get(pk=case.pk)
    if case.family_responded_on is not None:
        return
    actor = (
        case.coordinator
        or User.objects.filter(organisation_id=case.council_id, role=Role.SERVICE_MANAGER, is_active=True)
        .order_by("pk")
        .first()
    )
    if actor is None:
        return
    case_services.case_transition(
        case=case, name="record_family_response", by=actor, on=on, reason=f"Comments sent by {who}"
    )


def _tell_coordinator(*, case: Case, count: int, key: str, by: User | None) -> None:
    if case.coordinator_id is None:
        return
    notifications.notify(
        recipient=case.coordinator,
        template="drafting.family_commented",
        data={"reference": case.reference, "child_first_name": case.child.known_as, "count": count},
        key=key,
        link=_url(reverse("drafting:comments", kwargs={"reference": case.reference})),
        subject_ref=f"case:{case.pk}",
        organisation_id=case.council_id,
        by=by,
    )


def record_family_comment(
    *,
    case: Case,
    by: User,
    section: str,
    received_on: date,
    text: str = "",
    author_name: str = "",
    item_key: str = "",
    school_wanted: str = "",
    school_reason: str = "",
    wants_meeting: bool = False,
    evidence=None,
    response_complete: bool = False,
    route: str = FamilyComment.Route.LETTER,
) -> FamilyComment:
    """A comment the family sent by letter or email (or through another system), recorded as received."""
    policy.require(by, "record_family_comment", case)
    fields = _comment_fields(
        section=section, text=text, school_wanted=school_wanted, school_reason=school_reason
    )
    today = case_selectors.today()
    if received_on is None:
        raise ServiceError("Enter the date the comment was received", field="received_on")
    if received_on > today:
        raise ServiceError("The date received cannot be in the future", field="received_on")
    with transaction.atomic():
        version = _served(case)
        if received_on < version.sent_on:
            raise ServiceError(
                f"The date received cannot be before the draft was sent on {version.sent_on:%-d %B %Y}",
                field="received_on",
            )
        comment = FamilyComment(
            plan_version=version,
            case=case,
            section=section,
            item_key=(item_key or "")[:80],
            wants_meeting=bool(wants_meeting),
            route=route,
            author_name=(author_name or "").strip()[:200],
            recorded_by=by,
            received_on=received_on,
            sent_at=timezone.now(),
            **fields,
        )
        if evidence is not None:
            comment.evidence = case_services.add_document(
                case=case,
                upload=evidence,
                category=CaseDocument.Category.OTHER,
                by=by,
                description=f"Evidence with the family's comment on section {section} of the draft plan",
            )
        _save(comment, by=by, reason="Recorded from a letter or email")
        case_services.add_case_note(
            case=case, summary=f"The family's comment on section {section} of the draft plan recorded", by=by
        )
        if response_complete and case.family_responded_on is None:
            case_services.case_transition(
                case=case,
                name="record_family_response",
                by=by,
                on=received_on,
                reason="The family's comments received by letter or email",
            )
    return comment


def answer_comment(*, comment: FamilyComment, outcome: str, reason: str, by: User) -> CommentAnswer:
    """Agreed and changed, or not agreed with a reason the family reads. A later answer replaces it (history)."""
    policy.require(by, "answer_comment", comment.case)
    reason = (reason or "").strip()
    if outcome not in CommentAnswer.Outcome.values:
        raise ServiceError("Choose whether you agreed and changed the plan", field="outcome")
    if not reason:
        raise ServiceError(
            "Enter what you changed"
            if outcome == CommentAnswer.Outcome.AGREED
            else "Enter why you did not agree",
            field="reason",
        )
    with transaction.atomic():
        comment = FamilyComment.objects.select_for_update().select_related("case").get(pk=comment.pk)
        if comment.sent_at is None:
            raise ServiceError("This comment has not been sent yet")
        answer = CommentAnswer.objects.filter(comment=comment).first() or CommentAnswer(
            comment=comment, by=by
        )
        answer.outcome, answer.reason, answer.by, answer.at = outcome, reason, by, timezone.now()
        _save(answer, by=by, reason="Answered")
        case_services.add_case_note(
            case=comment.case,
            summary=f"The family's comment on section {comment.section} answered: {answer.get_outcome_display()}",
            detail=reason,
            by=by,
        )
    return answer


# --- placement ------------------------------------------------------------------------------------------------


def _plan(case: Case) -> Plan:
    plan = Plan.objects.filter(case=case).first()
    if plan is None:
        raise ServiceError("The case has no plan yet")
    return plan


def record_consultation(
    *, case: Case, by: User, school_name: str, sent_on: date, school=None, family_named: bool = False
) -> PlacementConsultation:
    """A school consulted about being named: its 15 days to reply start on the day sent."""
    policy.require(by, "consult_placement", case)
    school_name = (school_name or (school.name if school else "")).strip()
    if not school_name:
        raise ServiceError("Choose the school or enter its name", field="school")
    if sent_on is None:
        raise ServiceError("Enter the date the consultation was sent", field="sent_on")
    if sent_on > case_selectors.today():
        raise ServiceError("The date sent cannot be in the future", field="sent_on")
    if school is not None and school.council_id not in (None, case.council_id):
        raise ServiceError("Choose a school from the list", field="school")
    with transaction.atomic():
        row = PlacementConsultation(
            plan=_plan(case),
            school=school,
            school_name=school_name[:200],
            family_named=family_named,
            sent_on=sent_on,
            reply_due_on=statutory.days_beginning_with(sent_on, CONSULTATION_DAYS),
            recorded_by=by,
        )
        _save(row, by=by, reason="Consulted")
        case_services.add_case_note(case=case, summary=f"{school_name} consulted about a place", by=by)
    return row


def record_consultation_response(
    *,
    consultation: PlacementConsultation,
    response: str,
    response_on: date,
    by: User,
    response_text: str = "",
) -> PlacementConsultation:
    case = consultation.plan.case
    policy.require(by, "consult_placement", case)
    if response not in (PlacementConsultation.Response.CAN_MEET, PlacementConsultation.Response.CANNOT_MEET):
        raise ServiceError("Choose what the school said", field="response")
    if response_on is None:
        raise ServiceError("Enter the date of the reply", field="response_on")
    if response_on > case_selectors.today() or response_on < consultation.sent_on:
        raise ServiceError(
            "The date of the reply must be between the date sent and today", field="response_on"
        )
    with transaction.atomic():
        row = PlacementConsultation.objects.select_for_update().get(pk=consultation.pk)
        row.response, row.response_on, row.response_text = (
            response,
            response_on,
            (response_text or "").strip(),
        )
        row.version += 1
        _save(row, by=by, reason="Reply recorded")
    return row


def name_placement(
    *,
    version: PlanVersion,
    by: User,
    name: str,
    setting_type: str,
    school=None,
    urn: str = "",
    sen_unit: bool = False,
    resourced_provision: bool = False,
    consultation: PlacementConsultation | None = None,
    expected_version: int | None = None,
) -> NamedPlacement:
    """Name the placement in section I of the proposed final plan, in SEN2's terms."""
    case = version.plan.case
    policy.require(by, "consult_placement", case)
    name = (name or (school.name if school else "")).strip()
    if setting_type not in SettingType.values:
        raise ServiceError("Choose the type of placement", field="setting_type")
    if setting_type == SettingType.SCHOOL and school is None and not name:
        raise ServiceError("Choose the school or college", field="school")
    if not name:
        raise ServiceError("Enter the name of the placement", field="name")
    urn = (urn or (school.urn if school else "")).strip()
    if version.kind == PlanVersion.Kind.DRAFT:
        raise ServiceError(
            "The law leaves the placement out of the draft: send the draft to the family first"
        )
    with transaction.atomic():
        locked = _locked_version(version)
        for old in locked.placements.filter(withdrawn_at__isnull=True):
            old.withdrawn_at = timezone.now()
            _save(old, by=by, reason="Another placement named")
        placement = NamedPlacement(
            plan=locked.plan,
            plan_version=locked,
            school=school,
            name=name[:200],
            setting_type=setting_type,
            urn=urn[:20],
            sen_unit=sen_unit,
            resourced_provision=resourced_provision,
            consultation=consultation,
            named_by=by,
        )
        _save(placement, by=by, reason="Placement named")
        # Section I says the same, in the same transaction: the plan and the SEN2 record never disagree.
        _edit(
            version=version,
            section="I",
            expected=expected_version,
            by=by,
            reason="Placement named",
            change=lambda content, at: plan_content.edit_item(
                content,
                plan_content.PLACEMENT_KEY,
                changes={
                    "name": placement.name,
                    "type": placement.get_setting_type_display(),
                    "urn": placement.urn,
                },
                by_id=by.pk,
                by_name=_name(by),
                at=at,
            ),
        )
    return placement


# --- sign-off and issue ---------------------------------------------------------------------------------------


def rule_for(*, user: User, council_id: int, band: str, annual_cost: Decimal | None) -> SignOffRule | None:
    """The council's rule letting this person's role sign off this band and cost; with no rules configured, a
    service manager signs off everything."""
    rules = selectors.sign_off_rules(council_id=council_id)
    if not rules:
        return (
            SignOffRule(council_id=council_id, role=Role.SERVICE_MANAGER)
            if user.role == Role.SERVICE_MANAGER
            else None
        )
    for rule in rules:
        if rule.role != user.role:
            continue
        if rule.bands and band not in rule.bands:
            continue
        if rule.max_annual_cost is not None and (annual_cost is None or annual_cost > rule.max_annual_cost):
            continue
        return rule
    return None


def sign_off(
    *, version: PlanVersion, by: User, band: str = "", annual_cost: Decimal | None = None
) -> SignOff:
    """A senior person signs off the proposed final plan within the band and cost the council lets their role."""
    case = version.plan.case
    policy.require(by, "sign_off_plan", case)
    with transaction.atomic():
        version = _locked_version(version)
        _editable(version)
        if version.kind == PlanVersion.Kind.DRAFT:
            raise ServiceError("Send the draft to the family before the plan is signed off")
        content = selectors.content_of(version)
        if content.placement.is_blank:
            raise ServiceError("Name the placement in section I before the plan is signed off")
        if version.error_count:
            raise ServiceError("Fix the errors the checks found before the plan is signed off")
        rule = rule_for(user=by, council_id=case.council_id, band=band, annual_cost=annual_cost)
        if rule is None:
            raise ServiceError(
                "Your role cannot sign off a plan at this band or cost. Ask a senior manager to sign it off"
            )
        row = SignOff(
            plan_version=version, by=by, band=band, annual_cost=annual_cost, rule=rule if rule.pk else None
        )
        _save(row, by=by, reason="Signed off")
        version.status = PlanVersion.Status.SIGNED_OFF
        version.version += 1
        _save(version, by=by, reason="Signed off")
        case_services.add_case_note(case=case, summary="The plan was signed off", by=by, family=False)
        enqueue_on_commit("drafting.tasks.render_plan_pdf", version.pk)
    return row


def issue_final_plan(
    *,
    version: PlanVersion,
    by: User,
    on: date | None = None,
    decided_band: str = "",
    decided_amount: Decimal | None = None,
    actual_cost: Decimal | None = None,
    budget_organised: bool = False,
    budget_direct_payments: bool = False,
) -> IssueRecord:
    """Issue the final plan (reg 13(2)): the 20 weeks met and the annual review's clock started (cases.statutory),
    the funding recorded beside the RAS suggestion, and the family (with their right of appeal), the school and
    finance told."""
    case = version.plan.case
    policy.require(by, "issue_final_plan", case)
    for field, value in (("decided_amount", decided_amount), ("actual_cost", actual_cost)):
        if value is not None and value < 0:
            raise ServiceError("Enter an amount of £0 or more", field=field)
    with transaction.atomic():
        version = _locked_version(version)
        if version.status != PlanVersion.Status.SIGNED_OFF:
            raise ServiceError("The plan must be signed off before it is issued")
        had_final = case.final_issued_on is not None
        # The final-plan letter below (with the right of appeal) is the family's one message about it.
        case = case_services.case_transition(case=case, name="issue_final_plan", by=by, on=on, announce=False)
        content = selectors.content_of(version)
        version.kind = PlanVersion.Kind.AMENDED if had_final else PlanVersion.Kind.FINAL
        version.status = PlanVersion.Status.ISSUED
        version.issued_on = case.final_issued_on
        version.version += 1
        _check(version, content)
        _save(version, by=by, reason="Issued")
        score = selectors.ras_suggestion(case=case, user=by)
        # Left blank (an API caller, say), the funding is what the panel decided, if it has.
        decided_band = (decided_band or "").strip()
        panel_decision = selectors.panel_band(case=case) if not decided_band else None
        if panel_decision is not None:
            decided_band = panel_decision.band
            if decided_amount is None:
                decided_amount = panel_decision.amount
        placement = selectors.named_placement(version=version)
        record = IssueRecord(
            plan_version=version,
            case=case,
            council_id=case.council_id,
            issued_on=version.issued_on,
            ras_points=score.points if score else None,
            ras_band=score.band if score else "",
            ras_amount=score.annual_amount if score else None,
            decided_band=decided_band[:20],
            decided_amount=decided_amount,
            actual_cost=actual_cost,
            budget_organised=budget_organised,
            budget_direct_payments=budget_direct_payments,
            need_types=list(content.need_types),
            placement=placement,
            by=by,
        )
        _save(record, by=by, reason="Issued")
        data = {
            "reference": case.reference,
            "child_first_name": case.child.known_as,
            "issued_on": f"{version.issued_on:%-d %B %Y}",
            "placement": placement.name if placement else "",
        }
        _tell_family(
            case=case,
            template="drafting.final_issued",
            data=data,
            key=f"plan:{version.pk}:issued",
            link=_url(reverse("cases:detail", kwargs={"reference": case.reference})),
            by=by,
        )
        if placement is not None and placement.school_id:
            for person in User.objects.filter(
                organisation_id=placement.school_id, role=Role.SENCO, is_active=True
            ):
                notifications.notify(
                    recipient=person,
                    template="drafting.school_named",
                    data=data,
                    key=f"plan:{version.pk}:issued:school:{person.pk}",
                    link=_url(reverse("cases:detail", kwargs={"reference": case.reference})),
                    subject_ref=f"case:{case.pk}",
                    organisation_id=case.council_id,
                    by=by,
                    language=person.language,
                )
        case_services.add_case_note(
            case=case,
            summary="Funding handed to finance: "
            + f"band {record.decided_band or '—'}, actual cost £{record.actual_cost or 0:,.0f} a year",
            by=by,
            family=False,
        )
        enqueue_on_commit("drafting.tasks.render_plan_pdf", version.pk)
    return record


FINANCE_COLUMNS = [
    "Case reference",
    "Child",
    "Issued on",
    "Placement",
    "URN",
    "RAS points",
    "RAS band",
    "RAS amount",
    "Band decided",
    "Amount decided",
    "Actual cost",
    "Gap (actual minus decided)",
    "Personal budget: organised",
    "Personal budget: direct payments",
]


def finance_csv(*, by: User) -> str:
    """The funding hand-off as CSV for finance; each row exported is stamped so finance knows what is new."""
    if not policy.role_may(by, "export_finance"):
        raise policy.NotAllowed("export_finance")
    rows = list(selectors.finance_handoff(user=by))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FINANCE_COLUMNS)
    for row in rows:
        gap = (
            (row.actual_cost - row.decided_amount)
            if row.actual_cost is not None and row.decided_amount is not None
            else ""
        )
        writer.writerow(
            [
                row.case.reference,
                _csv_safe(row.case.child.full_name),
                row.issued_on.isoformat(),
                _csv_safe(row.placement.name if row.placement else ""),
                row.placement.urn if row.placement else "",
                row.ras_points if row.ras_points is not None else "",
                row.ras_band,
                row.ras_amount if row.ras_amount is not None else "",
                row.decided_band,
                row.decided_amount if row.decided_amount is not None else "",
                row.actual_cost if row.actual_cost is not None else "",
                gap,
                "yes" if row.budget_organised else "no",
                "yes" if row.budget_direct_payments else "no",
            ]
        )
    with transaction.atomic():
        now = timezone.now()
        for row in rows:
            if row.finance_exported_at is None:
                row.finance_exported_at = now
                _save(row, by=by, reason="Exported to finance")
    return out.getvalue()


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# --- the PDF --------------------------------------------------------------------------------------------------


def render_plan_pdf(*, version_id: int) -> PlanPdf | None:
    """Render a version to an accessible, tagged PDF and file it with the case; idempotent per content."""
    version = selectors.version_for_pdf(version_id=version_id)
    if version is None:
        return None
    stamp = _stamp(version)
    if version.pdfs.filter(content_stamp=stamp).exists():
        return None
    case = version.plan.case
    html = render_to_string("drafting/pdf/plan.html", pdf_context(version=version))
    pdf = render_pdf(html, pdf_variant="pdf/ua-1")
    name = f"Plan-{case.reference}-v{version.number}-{version.kind}.pdf"
    with transaction.atomic():
        locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if locked.pdfs.filter(content_stamp=stamp).exists():
            return None
        family = locked.sent_on is not None or locked.status == PlanVersion.Status.ISSUED
        document = case_services.file_document(
            case=case,
            name=name,
            content=ContentFile(pdf, name=name),
            category=CaseDocument.Category.OTHER,
            content_type="application/pdf",
            by=None,
            description=f"{locked.get_kind_display()} (version {locked.number})",
            # A draft not yet sent is for the case team (the panel reads it too); the family's once it is theirs.
            visibility=CaseDocument.Visibility.FAMILY if family else CaseDocument.Visibility.TEAM,
            timeline_summary=(f"{locked.get_kind_display()} filed as a PDF" if family else ""),
        )
        row = PlanPdf(plan_version=locked, document=document, content_stamp=stamp)
        _save(row, by=None, reason="Rendered")
    return row


def _stamp(version: PlanVersion) -> str:
    counters = ",".join(f"{row.code}{row.version}" for row in version.sections.all())
    return f"{version.status}:{version.kind}:{counters}"[:64]


def pdf_context(*, version: PlanVersion) -> dict:
    from drafting.models import SECTION_TITLES

    content = selectors.content_of(version)
    case = version.plan.case
    return {
        "version": version,
        "case": case,
        "child": case.child,
        "is_final": version.status == PlanVersion.Status.ISSUED,
        "sections": [
            {"code": code, "title": SECTION_TITLES[code], "items": content.section_items(code)}
            for code in SECTIONS
        ],
        "content": content,
        "area_labels": plan_content.AREA_OF_NEED_LABELS,
        "today": case_selectors.today(),
    }


# --- disposal under the council's retention schedule (records app) ---------------------------------------------


def redact_for_disposal(*, child_id: int) -> list[str]:
    """Redact the plans written about a child whose records a manager approved for disposal.

    Called by the records app inside its disposal transaction: the plans, their versions, dates and grades stay
    (what was issued, when, how good it was), the words about the child go, in every history row too. The plans'
    PDFs are case documents, disposed of with the case. Returns lines for the destruction record.
    """
    versions = PlanVersion.objects.filter(plan__case__child_id=child_id)
    lines = []
    count = scrub(
        PlanSection, PlanSection.objects.filter(plan_version__plan__case__child_id=child_id), {"content": {}}
    )
    scrub(PlanVersion, versions, {"findings": [], "changes": []})
    scrub(
        OverrideReason,
        OverrideReason.objects.filter(plan_version__plan__case__child_id=child_id),
        {"reason": REDACTED, "errors": []},
    )
    if count:
        lines.append(f"{count} plan sections in {versions.count()} plan versions: content removed")
    count = scrub(
        FamilyComment,
        FamilyComment.objects.filter(case__child_id=child_id),
        {
            "text": redacted("text"),
            "school_reason": redacted("school_reason"),
            "school_wanted": redacted("school_wanted"),
            "author_name": redacted("author_name"),
        },
    )
    if count:
        lines.append(f"{count} family comments on the draft plan redacted")
    count = scrub(
        CommentAnswer, CommentAnswer.objects.filter(comment__case__child_id=child_id), {"reason": REDACTED}
    )
    if count:
        lines.append(f"{count} answers to the family's comments redacted")
    count = scrub(
        PlacementConsultation,
        PlacementConsultation.objects.filter(plan__case__child_id=child_id),
        {"response_text": redacted("response_text")},
    )
    if count:
        lines.append(f"{count} placement consultations: schools' replies redacted")
    return lines
