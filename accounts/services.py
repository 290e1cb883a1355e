"""Every write to people and organisations: one function per use case, keyword-only, one transaction.

Mail is never sent here: each email is an outbox row written in the same transaction (`accounts.mail`), and leaves
after the commit.
"""

import logging
import uuid

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import invitations, mail, policy, security_events, selectors, tokens
from accounts.models import (
    COUNCIL_ROLES,
    EXTERNAL_ROLES,
    ApiToken,
    Discipline,
    Invitation,
    Organisation,
    Role,
    User,
)
from core.errors import ServiceError
from core.history import save_with_history as _save_with_history
from core.languages import CODES as LANGUAGE_CODES
from core.validators import normalise_uk_phone

logger = logging.getLogger(__name__)


class InvitationUnusable(ServiceError):
    """The link is unknown, expired, already used or revoked."""

    def __init__(self, *, reason: str):
        super().__init__(_("This link has expired or has already been used"))
        self.reason = reason

    @property
    def gone(self) -> bool:
        """True when the link existed once (HTTP 410); False when it never did (HTTP 404)."""
        return self.reason != "unknown"


class AccountExists(ServiceError):
    def __init__(self, *, email: str):
        super().__init__(_("There is already an account for %(email)s") % {"email": email}, field="email")
        self.email = email


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_setup_link(user: User) -> str:
    """A single-use link to choose a password (Django's reset link; valid for PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def _password_link_hours() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def email_password_reset(*, user: User) -> None:
    """Someone asked to reset their password: email them a single-use link (each request its own email).

    Nothing for a deactivated account: someone who has left cannot get back in this way.
    """
    if not user.is_active:
        return
    with transaction.atomic():
        mail.send(
            mail.AccountEmail(
                template=mail.RESET_REQUESTED,
                to_address=user.email,
                to_name=user.full_name,
                data={
                    "name": user.display_name,
                    mail.LINK: password_setup_link(user),
                    "valid_hours": _password_link_hours(),
                },
                key=f"account:user:{user.pk}:password_reset:{uuid.uuid4().hex}",
                # Whoever asked typed an email address: that is not proof they are its owner.
                by=None,
                language=user.language,
            )
        )


def _email_taken(email: str, *, field: str = "email") -> None:
    if selectors.email_in_use(email):
        raise ServiceError(
            _(
                "There is already an account with this email address. Enter a different email address, or "
                "reactivate the person from the staff list if they have come back"
            ),
            field=field,
        )


# --- Staff, created by a council administrator ------------------------------------------------------------


def create_staff_member(
    *,
    full_name: str,
    email: str,
    role: str,
    organisation: Organisation,
    by: User,
    discipline: str = "",
    job_title: str = "",
) -> User:
    """Add a professional with no password yet, and email them a link to choose one."""
    council = selectors.administered_council(by)
    if council is None:
        raise ServiceError(_("You do not have permission to do that."))
    email = normalise_email(email)
    full_name = full_name.strip()
    if not full_name:
        raise ServiceError(_("Enter their full name"), field="full_name")
    if role not in selectors.STAFF_ROLES:
        raise ServiceError(_("Select their role"), field="role")
    if role == Role.SPECIALIST and not discipline:
        raise ServiceError(_("Select the specialist's discipline"), field="discipline")
    if not selectors.staff_organisations(council=council).filter(pk=organisation.pk).exists():
        raise ServiceError(_("Select the council or one of its partner organisations"), field="organisation")
    if role in COUNCIL_ROLES and organisation.pk != council.pk:
        raise ServiceError(
            _(
                "Coordinators, business support, service managers and administrators work for the council. "
                "Select %(council)s"
            )
            % {"council": council.name},
            field="organisation",
        )
    _email_taken(email)

    with transaction.atomic():
        user = User(
            email=email,
            full_name=full_name,
            role=role,
            discipline=discipline,
            organisation=organisation,
            job_title=job_title.strip(),
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                _save_with_history(user, by=by)
        except IntegrityError:
            # Someone added the same address a moment ago.
            _email_taken(email)
            raise
        mail.send(
            mail.AccountEmail(
                template=mail.STAFF_WELCOME,
                to_address=user.email,
                to_name=user.full_name,
                data={
                    "name": user.full_name,
                    "added_by": by.display_name,
                    "council": council.name,
                    "role": str(user.get_role_display()),
                    "email": user.email,
                    mail.LINK: password_setup_link(user),
                    "valid_hours": _password_link_hours(),
                    "reset_url": settings.SITE_URL.rstrip("/") + reverse("accounts:password_reset"),
                },
                key=f"account:user:{user.pk}:welcome",
                organisation_id=council.pk,
                by=by,
                language=user.language,
            )
        )
    return user


def set_staff_active(*, member: User, active: bool, by: User) -> User:
    """Deactivate someone who has left (they can no longer sign in) or bring them back. Never deletes."""
    if selectors.get_staff_member_for(user=by, pk=member.pk) is None:
        raise ServiceError(_("You do not have permission to do that."))
    if member.pk == by.pk and not active:
        raise ServiceError(_("You cannot deactivate your own account. Ask another administrator to do it"))
    with transaction.atomic():
        member = User.objects.select_for_update().get(pk=member.pk)
        if member.is_active != active:
            member.is_active = active
            _save_with_history(member, by=by, update_fields=["is_active"])
        if not active:
            _revoke_all_api_tokens(user=member, by=by, reason="account deactivated")
    return member


# --- Invitations for families, schools and supporters -----------------------------------------------------


def create_invitation(
    *,
    email: str,
    full_name: str,
    role: str,
    by: User,
    organisation: Organisation | None = None,
    purpose: dict | None = None,
    discipline: str = "",
) -> Invitation:
    """Create a single-use, expiring invitation and email its link. Only the token's hash is stored.

    Any member of council staff may invite (the case team page lets service managers invite onto a case); the
    general "Invite someone" page is for administrators, coordinators and business support.
    """
    council = policy.council_of(by)
    if council is None:
        raise ServiceError(_("You do not have permission to do that."))
    email = normalise_email(email)
    if role == Role.SPECIALIST:
        # Invited only by a service that knows their discipline (a specialist asked for advice by email): a
        # specialist's account must name it.
        if discipline not in Discipline.values:
            raise ServiceError(_("Select the specialist's discipline"), field="discipline")
    elif role not in EXTERNAL_ROLES:
        raise ServiceError(_("Select who you are inviting"), field="role")
    else:
        discipline = ""
    if role == Role.SENCO:
        if (
            organisation is None
            or not selectors.schools_for(council=council).filter(pk=organisation.pk).exists()
        ):
            raise ServiceError(_("Select the SENCo's school"), field="organisation")
    elif role == Role.SUPPORTER:
        if (
            organisation is not None
            and not selectors.charities_for(council=council).filter(pk=organisation.pk).exists()
        ):
            raise ServiceError(_("Select a support organisation from the list"), field="organisation")
    elif role == Role.SPECIALIST:
        # A specialist outside the council works for an organisation of its area (a trust, a school), or none.
        if organisation is not None and organisation.council_id != council.pk:
            raise ServiceError(_("Select an organisation from the list"), field="organisation")
    else:
        organisation = None
    if selectors.email_in_use(email):
        raise ServiceError(
            _(
                "There is already an account with this email address. They can sign in with it, or use "
                "'Forgotten your password?' on the sign in page"
            ),
            field="email",
        )

    token = invitations.new_token()
    with transaction.atomic():
        invitation = Invitation(
            email=email,
            full_name=full_name.strip(),
            role=role,
            discipline=discipline,
            organisation=organisation,
            token_hash=Invitation.hash_token(token),
            invited_by=by,
            expires_at=invitations.expiry_from(),
            purpose=purpose or {},
        )
        _save_with_history(invitation, by=by)
        mail.send(
            mail.AccountEmail(
                template=mail.INVITATION,
                to_address=email,
                to_name=invitation.full_name,
                data={
                    "name": invitation.full_name,
                    "invited_by": by.display_name,
                    "council": council.name,
                    "role": str(invitation.get_role_display()),
                    mail.LINK: invitations.link_for(token),
                    "expires_on": format_date(timezone.localtime(invitation.expires_at), "j F Y"),
                },
                key=f"account:invitation:{invitation.pk}",
                organisation_id=council.pk,
                by=by,
            )
        )
    return invitation


def accept_invitation(*, token: str, full_name: str, password: str) -> User:
    """Create the invited person's account and use up the invitation, in one transaction.

    The invitation row is locked, so a second tab or a double click cannot use the same link twice.
    Whatever the invitation was for (its `purpose`) is done by the registered handler in the same transaction.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(token_hash=Invitation.hash_token(token)).first()
        )
        if invitation is None:
            raise InvitationUnusable(reason="unknown")
        now = timezone.now()
        if invitation.accepted_at is not None:
            raise InvitationUnusable(reason="used")
        if invitation.revoked_at is not None:
            raise InvitationUnusable(reason="revoked")
        if not invitation.is_usable(now):
            raise InvitationUnusable(reason="expired")
        if selectors.email_in_use(invitation.email):
            raise AccountExists(email=invitation.email)
        user = User(
            email=normalise_email(invitation.email),
            full_name=full_name.strip(),
            role=invitation.role,
            discipline=invitation.discipline,
            organisation=invitation.organisation,
        )
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise ServiceError(" ".join(error.messages), field="password1") from None
        user.set_password(password)
        try:
            with transaction.atomic():
                _save_with_history(user, by=None)
        except IntegrityError:
            raise AccountExists(email=invitation.email) from None
        invitation.accepted_at = now
        invitation.accepted_user = user
        _save_with_history(invitation, by=user, update_fields=["accepted_at", "accepted_user"])
        invitations.run_purpose(invitation, user)
    return user


def revoke_invitation(*, invitation: Invitation, by: User) -> Invitation:
    """Stop an unused link from working, for example when it went to the wrong address."""
    inviter_council = invitation.invited_by.council_id
    allowed = by.is_staff or (
        selectors.inviting_council(by) is not None and by.organisation_id == inviter_council
    )
    if not allowed:
        raise ServiceError(_("You do not have permission to do that."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is None and invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            _save_with_history(invitation, by=by, update_fields=["revoked_at"])
    return invitation


def update_contact_preferences(
    *,
    user: User,
    channel: str,
    phone: str,
    postal_address: str,
    wants_daily_digest: bool = False,
    language: str | None = None,
) -> User:
    """How this person hears from the service. A channel they cannot receive is refused, naming what is missing."""
    try:
        phone = normalise_uk_phone(phone, mobile=channel == "sms", what=str(_("a mobile phone number")))
    except ValidationError as error:
        raise ServiceError(error.messages[0], field="phone") from None
    postal_address = "\n".join(line.strip() for line in postal_address.splitlines() if line.strip())
    if channel == "sms" and not phone:
        raise ServiceError(_("Enter a mobile phone number, like 07700 900 982"), field="phone")
    if channel == "letter" and len(postal_address.splitlines()) < 2:
        raise ServiceError(
            _("Enter your full postal address, including the postcode"), field="postal_address"
        )
    fields = ["preferred_channel", "phone", "postal_address", "wants_daily_digest", "language"]
    with transaction.atomic():
        # Locked and read again, so the history row shows the account as it is now (say, deactivated a moment
        # ago in another tab), not as this request first read it.
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.preferred_channel = channel
        locked.phone = phone
        locked.postal_address = postal_address
        locked.wants_daily_digest = wants_daily_digest and policy.role_may(locked, "choose_digest")
        if language:
            locked.language = language
        _save_with_history(locked, by=user, update_fields=fields)
    for name in fields:
        setattr(user, name, getattr(locked, name))
    return user


# --- The security events log and API tokens -----------------------------------------------------------------

record_security_event = security_events.record
SecurityEventKind = security_events.Kind


def create_api_token(*, user: User, name: str = "", request=None) -> tuple[ApiToken, str]:
    """Issue a token (after the password and second factor were checked): returns the row and the token itself.

    The token is shown once, to the caller; only its hash is kept. It works until it expires (API_TOKEN_DAYS), its
    owner revokes it, or their password changes.
    """
    with transaction.atomic():
        token, plain = ApiToken.objects.create(
            user=user, name=name[:100], password_fingerprint=tokens.password_fingerprint(user)
        )
        security_events.record(
            security_events.Kind.TOKEN_CREATED, user=user, request=request, detail=f"token {token.token_key}"
        )
    return token, plain


def revoke_api_token(*, token_key: str, by: User, request=None) -> bool:
    """The owner stops one of their tokens. Another person's token is "not found" (False), never theirs to stop."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=by, token_key=token_key).first()
        if token is None:
            return False
        token.delete()
        security_events.record(
            security_events.Kind.TOKEN_REVOKED,
            user=by,
            request=request,
            detail=f"token {token_key} by its owner",
        )
    return True


def revoke_stale_api_tokens(*, user: User) -> int:
    """Remove the rows of tokens that no longer work (expired, or issued under an old password)."""
    stale = [
        t.pk for t in ApiToken.objects.filter(user=user).select_related("user") if not tokens.still_works(t)
    ]
    if stale:
        ApiToken.objects.filter(pk__in=stale).delete()
    return len(stale)


def _revoke_all_api_tokens(*, user: User, by: User | None, reason: str) -> None:
    keys = list(ApiToken.objects.filter(user=user).values_list("token_key", flat=True))
    if keys:
        ApiToken.objects.filter(user=user).delete()
        security_events.record(
            security_events.Kind.TOKEN_REVOKED, user=user, by=by, detail=f"{len(keys)} token(s): {reason}"
        )


def send_password_link(*, person: User, by: User) -> None:
    """A support administrator sends someone a link to choose a new password, in place of setting one for them.

    Only for a person they administer (their own council's, or anyone for the operator); others are refused.
    """
    if not selectors.may_administer(by=by, person=person):
        raise ServiceError(_("You do not have permission to do that."))
    if not person.is_active:
        raise ServiceError(
            _("%(name)s's account is deactivated: reactivate it first") % {"name": person.full_name}
        )
    with transaction.atomic():
        mail.send(
            mail.AccountEmail(
                template=mail.RESET_REQUESTED,
                to_address=person.email,
                to_name=person.full_name,
                data={
                    "name": person.display_name,
                    mail.LINK: password_setup_link(person),
                    "valid_hours": _password_link_hours(),
                },
                key=f"account:user:{person.pk}:password_link:{uuid.uuid4().hex}",
                by=by,
                language=person.language,
            )
        )
        security_events.record(security_events.Kind.PASSWORD_LINK_SENT, user=person, by=by)


def revoke_api_token_as_administrator(*, token_key: str, by: User) -> bool:
    """A support administrator stops a token of someone they administer (a lost laptop, someone who left)."""
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update().select_related("user").filter(token_key=token_key).first()
        )
        if token is None or not selectors.may_administer(by=by, person=token.user):
            return False
        token.delete()
        security_events.record(
            security_events.Kind.TOKEN_REVOKED,
            user=token.user,
            by=by,
            detail=f"token {token_key} by an administrator",
        )
    return True
def choose_language(*, user: User, language: str) -> User:
    """The language this person reads the pages and gets messages in (core/languages.py), from the switcher.

    The same field as the contact preferences page, so the two can never disagree.
    """
    if language not in LANGUAGE_CODES:
        raise ServiceError(_("Select a language from the list"), field="language")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.language != language:
            locked.language = language
            _save_with_history(locked, by=user, update_fields=["language"])
    user.language = language
    return user
