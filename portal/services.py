"""Every write the portal makes: one function per use case, keyword-only, one transaction, the policy asked first,
history with the acting person, the case timeline and the outbox in the same transaction."""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts import services as account_services
from accounts.models import Role, User
from cases import policy, statutory
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case, CaseTeamMember, TeamRole
from core.errors import ServiceError
from core.history import save_with_history as _save
from drafting import selectors as drafting_selectors
from drafting import services as drafting_services
from forms_ersa.models import RequestDraft
from notifications import services as notifications
from notifications.templates_registry import MessageTemplate, register
from portal.models import AccessNeeds, CaseShare, Conversation, ConversationMessage, ShareRole, SignInLink

MAX_MESSAGE_LENGTH = 5000

# A one-time sign-in link lasts this long, and each address or account may ask this often in an hour.
LINK_MINUTES = 30
LINKS_PER_HOUR = 3


def register_templates() -> None:
    case = {"reference": "EHC-2026-00042", "child_first_name": "Amara"}
    register(
        MessageTemplate(
            "portal.family_message",
            "To the coordinator when the family writes to them in the portal",
            example={**case, "author": "Meera Okafor", "preview": "Can we meet before the panel?"},
            title="Message from the family",
        )
    )
    register(
        MessageTemplate(
            "portal.council_reply",
            "To the family when the council answers their message in the portal",
            example={**case, "author": "Laura Hughes"},
            title="Answer to the family",
        )
    )
    register(
        MessageTemplate(
            "portal.share_requested",
            "To the coordinator when a family asks for someone without an account to see their case",
            example={**case, "who": "Pamela Supporter", "email": "pamela@example.org", "role": "A supporter"},
            title="The family asked to let someone see the case",
        )
    )
    register(
        MessageTemplate(
            "portal.case_shared",
            "To a supporter or parent when a family lets them see their case",
            example={**case, "by": "Meera Okafor"},
            title="A family let you see their case",
        )
    )
    register(
        MessageTemplate(
            "portal.sign_in_link",
            "To a family member who asks for a one-time link to sign in",
            example={"minutes": LINK_MINUTES},
            secret=("account_link",),
            title="Sign-in link",
        )
    )


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _first_name(case: Case) -> str:
    return case.child.preferred_name or case.child.legal_first_name


# --- messages -----------------------------------------------------------------------------------------------------


def send_message(*, case: Case, body: str, by: User) -> ConversationMessage:
    """The family writes to the coordinator, or the council answers. Kept for good; the other side is told."""
    from_family = by.role not in policy.COUNCIL_STAFF
    policy.require(by, "message_council" if from_family else "answer_family", case)
    body = (body or "").strip()
    if not body:
        raise ServiceError(_("Enter your message"), field="body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ServiceError(
            _("Your message must be %(limit)s characters or fewer") % {"limit": MAX_MESSAGE_LENGTH},
            field="body",
        )
    now = timezone.now()
    with transaction.atomic():
        conversation, _created = Conversation.objects.select_for_update().get_or_create(case=case)
        message = ConversationMessage(
            conversation=conversation, author=by, from_family=from_family, body=body
        )
        _save(message, by=by)
        if from_family:
            conversation.last_from_family_at = now
        else:
            conversation.last_from_council_at = now
        _save(conversation, by=by)
        case_services.add_case_note(
            case=case,
            summary=(
                f"Message from {by.full_name} in the portal"
                if from_family
                else f"{by.full_name} answered the family"
            ),
            detail=body,
            by=by,
        )
        _tell_the_other_side(case=case, message=message, by=by)
    return message


def _tell_the_other_side(*, case: Case, message: ConversationMessage, by: User) -> None:
    data = {"reference": case.reference, "child_first_name": _first_name(case), "author": by.full_name}
    key = f"portal:message:{message.pk}"
    if message.from_family:
        link = _site(reverse("cases:detail", args=[case.reference])) + "#family-messages"
        preview = message.body if len(message.body) <= 200 else message.body[:197] + "..."
        if case.coordinator_id and case.coordinator.is_active:
            notifications.notify(
                template="portal.family_message",
                data={**data, "preview": preview},
                key=f"{key}:user:{case.coordinator_id}",
                recipient=case.coordinator,
                link=link,
                subject_ref=f"case:{case.pk}",
                organisation_id=case.council_id,
                by=by,
            )
        elif case.council.email:
            # Nobody allocated yet: the SEN team's shared inbox hears, so the message is not left unread.
            notifications.notify(
                template="portal.family_message",
                data={**data, "preview": preview},
                key=f"{key}:council",
                to_address=case.council.email,
                to_name=case.council.name,
                link=link,
                subject_ref=f"case:{case.pk}",
                organisation_id=case.council_id,
                by=by,
            )
        return
    link = _site(reverse("portal:messages", args=[case.reference]))
    for person in _family_side(case):
        notifications.notify(
            template="portal.council_reply",
            data=data,
            key=f"{key}:user:{person.pk}",
            recipient=person,
            link=link,
            subject_ref=f"case:{case.pk}",
            organisation_id=case.council_id,
            by=by,
            language=person.language,
        )


def _family_side(case: Case) -> list[User]:
    """The parents, young person and supporters on the case today, each by the channel they chose."""
    members = (
        case_selectors.active_memberships(on=case_selectors.today())
        .filter(
            case=case,
            role__in=[TeamRole.FAMILY, TeamRole.YOUNG_PERSON, TeamRole.SUPPORTER],
            user__isnull=False,
            user__is_active=True,
        )
        .select_related("user")
    )
    return list({member.user_id: member.user for member in members}.values())


def mark_read(*, case: Case, by: User) -> int:
    """The reader has seen the other side's messages: they stop showing as new (one update, kept in history)."""
    from_family = by.role not in policy.COUNCIL_STAFF
    policy.require(by, "message_council" if from_family else "answer_family", case)
    unread = list(
        ConversationMessage.objects.filter(
            conversation__case=case, from_family=not from_family, read_at__isnull=True
        )
    )
    if not unread:
        return 0
    now = timezone.now()
    for message in unread:
        message.read_at = now
    with transaction.atomic():
        bulk_update_with_history(unread, ConversationMessage, ["read_at"], default_user=by)
    return len(unread)


# --- documents ----------------------------------------------------------------------------------------------------


def add_family_document(*, case: Case, upload, category: str, description: str, by: User):
    """A family adds a document: checked like every upload (cases.documents), shown to the family and the council."""
    policy.require(by, "add_family_document", case)
    return case_services.add_document(
        case=case, upload=upload, category=category, description=description, by=by
    )


# --- preferences --------------------------------------------------------------------------------------------------


def save_preferences(
    *,
    user: User,
    channel: str,
    phone: str,
    postal_address: str,
    language: str,
    needs: str,
    interpreter: bool,
) -> User:
    """How this person hears from the service, in which language, and what helps them take part."""
    if not policy.role_may(user, "use_portal"):
        raise policy.NotAllowed("use_portal")
    with transaction.atomic():
        account_services.update_contact_preferences(
            user=user, channel=channel, phone=phone, postal_address=postal_address, language=language or None
        )
        row = AccessNeeds.objects.select_for_update().filter(user=user).first() or AccessNeeds(user=user)
        row.needs = (needs or "").strip()
        row.interpreter = bool(interpreter)
        row.updated_at = timezone.now()
        _save(row, by=user)
    return user


# --- the people a family lets see the case --------------------------------------------------------------------------

_ACCOUNT_ROLE = {ShareRole.SUPPORTER: Role.SUPPORTER, ShareRole.OTHER_PARENT: Role.PARENT}


def share_case(*, case: Case, email: str, full_name: str, role: str, by: User) -> CaseShare:
    """Let a supporter or the other parent see the case. Someone with an account joins at once; for anyone else
    the coordinator is asked to send the council's invitation, and they join when they accept it."""
    policy.require(by, "share_case", case)
    email = account_services.normalise_email(email or "")
    full_name = (full_name or "").strip()
    if role not in ShareRole.values:
        raise ServiceError(_("Select who you want to let see the case"), field="role")
    if not full_name:
        raise ServiceError(_("Enter their full name"), field="full_name")
    if not email:
        raise ServiceError(_("Enter their email address"), field="email")
    if email == account_services.normalise_email(by.email):
        raise ServiceError(_("Enter someone else's email address, not your own"), field="email")
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and (existing.role != _ACCOUNT_ROLE[role] or not existing.is_active):
        raise ServiceError(
            _("This email address belongs to someone who cannot be added this way. Ask your coordinator."),
            field="email",
        )
    with transaction.atomic():
        if (
            CaseShare.objects.select_for_update()
            .filter(case=case, email=email, ended_at__isnull=True)
            .exists()
        ):
            raise ServiceError(_("You have already let this person see the case"), field="email")
        share = CaseShare(case=case, email=email, full_name=full_name, role=role, requested_by=by)
        data = {"reference": case.reference, "child_first_name": _first_name(case)}
        if existing is not None:
            share.member = case_services.grant_case_access(
                case=case,
                role=TeamRole.SUPPORTER if role == ShareRole.SUPPORTER else TeamRole.FAMILY,
                user=existing,
                by=by,
                reason=f"Let in by {by.full_name} from the portal",
            )
            _save(share, by=by, reason="Let in by the family")
            notifications.notify(
                template="portal.case_shared",
                data={**data, "by": by.full_name},
                key=f"portal:share:{share.pk}",
                recipient=existing,
                link=_site(reverse("portal:case", args=[case.reference])),
                subject_ref=f"case:{case.pk}",
                organisation_id=case.council_id,
                by=by,
                language=existing.language,
            )
        else:
            _save(share, by=by, reason="Asked the council to invite")
            target = case.coordinator if case.coordinator_id else None
            notifications.notify(
                template="portal.share_requested",
                data={**data, "who": full_name, "email": email, "role": str(ShareRole(role).label)},
                key=f"portal:share:{share.pk}",
                recipient=target,
                to_address="" if target else case.council.email or settings.DEFAULT_FROM_EMAIL,
                to_name="" if target else case.council.name,
                link=_site(reverse("cases:invite_to_case", args=[case.reference]))
                + "?"
                + urlencode(
                    {
                        "role": "supporter" if role == ShareRole.SUPPORTER else "parent",
                        "full_name": full_name,
                        "email": email,
                    }
                ),
                subject_ref=f"case:{case.pk}",
                organisation_id=case.council_id,
                by=by,
            )
        case_services.add_case_note(
            case=case,
            summary=f"{by.full_name} let {full_name} ({ShareRole(role).label.lower()}) see the case",
            by=by,
        )
    return share


def end_share(*, case: Case, by: User, share: CaseShare | None = None, member: CaseTeamMember | None = None):
    """Take back someone's access: it ends at once (today), and stays in the history."""
    policy.require(by, "share_case", case)
    today = case_selectors.today()
    with transaction.atomic():
        if share is not None:
            share = CaseShare.objects.select_for_update().get(pk=share.pk, case=case)
            if share.ended_at is not None:
                return share
            # Someone the council invited at the family's request joined through the invitation, not this row.
            member = member or share.member or _joined_by_invitation(case, share)
            share.ended_at = timezone.now()
            share.ended_by = by
            _save(share, by=by, reason="Access taken back by the family")
        if member is not None:
            if member.case_id != case.pk or member.role not in (TeamRole.SUPPORTER, TeamRole.FAMILY):
                raise policy.NotAllowed("share_case")
            if member.user_id == by.pk:
                raise ServiceError(_("You cannot take away your own access"))
            if member.role == TeamRole.FAMILY and share is None:
                # Another parent the council added has their own right to see the case; only the council ends it.
                raise policy.NotAllowed("share_case")
            # Ended today means gone today: a membership is active only before the day it ends.
            case_services.end_case_access(
                member=member, on=today, by=by, reason="Access taken back by the family"
            )
            who = member.user.full_name if member.user_id else share.full_name if share else ""
            case_services.add_case_note(
                case=case, summary=f"{by.full_name} stopped {who} seeing the case", by=by
            )
    return share or member


def _joined_by_invitation(case: Case, share: CaseShare) -> CaseTeamMember | None:
    return (
        case_selectors.active_memberships(on=case_selectors.today())
        .filter(case=case, user__email__iexact=share.email, role__in=[TeamRole.SUPPORTER, TeamRole.FAMILY])
        .select_related("user")
        .first()
    )


# --- one-time sign-in links ------------------------------------------------------------------------------------------


class TooManyLinks(ServiceError):
    def __init__(self, *, retry_at):
        local = timezone.localtime(retry_at)
        super().__init__(
            _("You have asked for too many links. Try again after %(time)s.") % {"time": f"{local:%H:%M}"},
            field="email",
        )
        self.retry_at = retry_at


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_sign_in_link(*, email: str) -> SignInLink:
    """Email a one-time link to sign in. Nobody learns whether an account exists: an unknown address gets the same
    answer and nothing is sent. Asking is throttled per address and per account."""
    email = account_services.normalise_email(email or "")
    if not email:
        raise ServiceError(_("Enter your email address"), field="email")
    now = timezone.now()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None and not policy.role_may(user, "use_portal"):
        user = None  # staff sign in with a password and a second step, never by a link
    since = now - timedelta(hours=1)
    with transaction.atomic():
        by_email = SignInLink.objects.select_for_update().filter(email=email, created_at__gte=since)
        asked = list(by_email.order_by("created_at").values_list("created_at", flat=True))
        if user is not None:
            asked_by_user = list(
                SignInLink.objects.filter(user=user, created_at__gte=since)
                .order_by("created_at")
                .values_list("created_at", flat=True)
            )
            asked = asked if len(asked) >= len(asked_by_user) else asked_by_user
        if len(asked) >= LINKS_PER_HOUR:
            raise TooManyLinks(retry_at=asked[0] + timedelta(hours=1))
        token = secrets.token_urlsafe(32) if user is not None else None
        link = SignInLink(
            email=email,
            user=user,
            token_hash=hash_token(token) if token else None,
            created_at=now,
            expires_at=now + timedelta(minutes=LINK_MINUTES),
        )
        link.save()
        if user is not None:
            notifications.notify(
                template="portal.sign_in_link",
                data={
                    "minutes": LINK_MINUTES,
                    "account_link": _site(reverse("portal:use_link", args=[token])),
                },
                key=f"portal:sign_in_link:{link.pk}",
                recipient=user,
                channel="email",
                language=user.language,
            )
    return link


class LinkUnusable(ServiceError):
    def __init__(self):
        super().__init__(_("This link has expired or has already been used. Ask for a new one."))


def use_sign_in_link(*, token: str) -> User:
    """Spend a link once: the row is locked, so a second tab or a forwarded copy cannot use it again."""
    with transaction.atomic():
        link = SignInLink.objects.select_for_update().filter(token_hash=hash_token(token or "")).first()
        if link is None or link.used_at is not None or link.expires_at <= timezone.now() or link.user is None:
            raise LinkUnusable()
        if not link.user.is_active:
            raise LinkUnusable()
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return link.user


# --- claiming a request sent without an account ------------------------------------------------------------------------


def claim_request(*, draft: RequestDraft, password: str) -> User:
    """A family who sent the online request without an account turns it into one: the name, email, channel and
    language they gave are used as they are; only a password is asked for. They join the case team at once."""
    if (
        not draft.is_submitted
        or draft.case_id is None
        or draft.route == "school"
        or not draft.email_confirmed
    ):
        raise ServiceError(_("This request cannot be followed this way. Contact the SEN team."))
    email = account_services.normalise_email(draft.email)
    if User.objects.filter(email__iexact=email).exists():
        raise ServiceError(
            _("There is already an account for this email address. Sign in to see the request."),
            field="password1",
        )
    answers = draft.answers or {}
    family = answers.get("family") or {}
    contact = answers.get("contact") or {}
    young_person = draft.route == "young_person"
    child = answers.get("child") or {}
    full_name = (family.get("full_name") or "").strip() or (
        f"{child.get('first_name', '')} {child.get('last_name', '')}".strip() if young_person else ""
    )
    user = User(
        email=email,
        full_name=full_name or email,
        role=Role.YOUNG_PERSON if young_person else Role.PARENT,
        phone=(contact.get("phone") or "").strip(),
        preferred_channel=contact.get("channel")
        if contact.get("channel") in ("email", "sms", "letter")
        else "email",
        language=contact.get("language") or "en",
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages), field="password1") from None
    user.set_password(password)
    with transaction.atomic():
        _save(user, by=None, reason="Account made from an online request")
        case = Case.objects.get(pk=draft.case_id)
        case_services.grant_case_access(
            case=case,
            role=TeamRole.YOUNG_PERSON if young_person else TeamRole.FAMILY,
            user=user,
            by=user,
            reason="Made an account from their online request",
        )
    return user


# --- the family's comments on the draft plan ------------------------------------------------------------------


def _window_open(case: Case) -> None:
    """The portal takes comments during the 15 days the law gives (reg 13(1)); after that the family write to
    their coordinator, who may still record a late comment."""
    version = drafting_selectors.served_draft(case=case)
    if version is None:
        raise ServiceError(_("No draft plan has been sent to you yet"))
    closes_on = statutory.draft_comments_close_on(version.sent_on)
    if case_selectors.today() > closes_on or version.status != version.Status.SENT:
        raise ServiceError(
            _("The time to comment on this draft ended on %(date)s. Send your coordinator a message instead")
            % {"date": f"{closes_on:%-d %B %Y}"}
        )


def save_draft_comment(
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
    comment=None,
    expected_version: int | None = None,
):
    """A comment saved from the portal, while the 15 days last: the plan's service keeps it (unsent) until the
    family send their response."""
    policy.require(by, "comment_on_draft", case)
    with transaction.atomic():
        _window_open(case)
        return drafting_services.save_family_comment(
            case=case,
            by=by,
            section=section,
            text=text,
            item_key=item_key,
            school_wanted=school_wanted,
            school_reason=school_reason,
            wants_meeting=wants_meeting,
            evidence=evidence,
            comment=comment,
            expected_version=expected_version,
        )


def send_draft_response(*, case: Case, by: User) -> list:
    """Send every comment this person saved on the draft, while the 15 days last."""
    policy.require(by, "comment_on_draft", case)
    with transaction.atomic():
        _window_open(case)
        return drafting_services.send_family_response(case=case, by=by)
