"""Two-factor sign-in: an authenticator app (TOTP) with single-use recovery codes, on django-otp's devices.

Council staff and administrators must use it; everyone else may. A person has at most one confirmed
authenticator and one set of recovery codes. Setting up, and an administrator's reset, are written to the
person's history with who did it.
"""

import base64
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security_events
from accounts.models import Role, User
from accounts.security import second_factor_required
from core.errors import ServiceError

# The session remembers how this sign-in passed its second step; absent means it has not yet.
SESSION_KEY = "second_factor"
VERIFIED = "verified"  # a code from the authenticator, a recovery code, or the demo code
NOT_SET_UP = "not_set_up"  # someone for whom it is optional, who has not set one up
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"

WRONG_CODE = _("Enter the 6-digit code shown in your authenticator app, or one of your recovery codes")
WAIT = _("Too many wrong codes. Wait %(seconds)s seconds, then enter the newest code from your app")


@dataclass(frozen=True)
class Setup:
    device: TOTPDevice
    secret: str  # base32, as an authenticator app takes it when typed in
    uri: str  # otpauth://, what the QR code holds


def confirmed_authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def state_after_password(user: User) -> str | None:
    """What the session holds once the password is right: None (ask for a code, or set one up) or NOT_SET_UP."""
    if has_second_factor(user) or second_factor_required(user):
        return None
    return NOT_SET_UP


def start_setup(*, user: User) -> Setup:
    """A new secret for the person's app; not used to sign in until they confirm it with a code from the app."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    return Setup(device=device, secret=secret, uri=device.config_url)


def pending_setup(*, user: User, device_id: int | None) -> Setup | None:
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first() if device_id else None
    )
    if device is None:
        return None
    return Setup(device=device, secret=base64.b32encode(device.bin_key).decode(), uri=device.config_url)


def confirm_setup(*, user: User, device_id: int, code: str) -> list[str]:
    """The first code from the app proves it holds the secret: switch it on and issue fresh recovery codes."""
    code = _clean(code)
    # A wrong code must still count against the device (its throttle), so refusals leave the block committed.
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, pk=device_id, confirmed=False).first()
        )
        if device is None:
            refusal = _("Start setting up again: that QR code is no longer in use")
        else:
            refusal = _throttled(device)
        if refusal is None and not (code.isdigit() and len(code) == 6 and device.verify_token(code)):
            refusal = _("Enter the 6-digit code your authenticator app shows for this service")
        if refusal is None:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(user)
            _history(user, by=user, reason="Two-factor sign-in set up")
            security_events.record(security_events.Kind.FACTOR_SET_UP, user=user)
    if refusal is not None:
        raise ServiceError(refusal, field="code")
    return codes


def verify(*, user: User, code: str) -> str:
    """Check a code at sign-in: the authenticator's, or a recovery code (used up). Returns which it was."""
    code = _clean(code)
    with transaction.atomic():
        # Locked, so the same code sent twice at once is accepted once (django-otp remembers the last step).
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        kind, refusal = _check(user=user, device=device, code=code)
        if refusal is not None:
            security_events.record(security_events.Kind.SECOND_FACTOR_FAILED, user=user)
    if refusal is not None:
        raise ServiceError(refusal, field="code")
    return kind


def _check(*, user: User, device: TOTPDevice | None, code: str) -> tuple[str | None, str | None]:
    if device is None:
        if settings.DEMO_TOTP_BYPASS and code and hmac.compare_digest(code, settings.DEMO_TOTP_CODE):
            return AUTHENTICATOR, None
        return None, WRONG_CODE if settings.DEMO_TOTP_BYPASS else _("Set up your authenticator app first")
    throttled = _throttled(device)
    if throttled is not None:
        return None, throttled
    if code.isdigit() and len(code) == 6:
        return (AUTHENTICATOR, None) if device.verify_token(code) else (None, WRONG_CODE)
    recovery = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if code and recovery is not None and recovery.verify_token(code.lower()):
        return RECOVERY, None
    # A wrong recovery code slows the authenticator too, so guessing cannot switch between the two.
    device.throttle_increment(commit=True)
    return None, WRONG_CODE


def check_for_token(*, user: User, code: str) -> None:
    """The API's token door asks for the same second factor as the sign-in pages."""
    if state_after_password(user) is not None:
        return
    if not has_second_factor(user) and not settings.DEMO_TOTP_BYPASS:
        raise ServiceError(
            _(
                "Set up two-factor sign-in on the website first, then send the code from your authenticator app"
            ),
            field="code",
        )
    if not _clean(code):
        raise ServiceError(_("Enter the 6-digit code from your authenticator app as code"), field="code")
    verify(user=user, code=code)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def may_reset(*, person: User, by: User) -> bool:
    """The person's own council's administrator, or the service's support admin (a superuser)."""
    if by.pk == person.pk or not by.is_active:
        return False
    if by.is_superuser:
        return True
    if by.role != Role.ADMINISTRATOR or by.council_id is None:
        return False
    return person.council_id == by.council_id


def reset(*, person: User, by: User) -> None:
    """An administrator removes a person's authenticator and recovery codes: they set up again at next sign-in."""
    if not may_reset(person=person, by=by):
        raise ServiceError(
            _("Only an administrator of their council can reset this person's two-factor sign-in")
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        _history(person, by=by, reason="Two-factor sign-in reset by an administrator")
        security_events.record(security_events.Kind.FACTOR_RESET, user=person, by=by)


# --- private ------------------------------------------------------------------------------------------------


def _clean(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "")


def _throttled(device) -> str | None:
    """django-otp doubles the wait after each wrong code (1, 2, 4 ... seconds): say how long is left."""
    allowed, details = device.verify_is_allowed()
    if allowed or not details or not details.get("locked_until"):
        return None
    seconds = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
    return WAIT % {"seconds": seconds}


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _history(user: User, *, by: User, reason: str) -> None:
    """A row in the person's history (who, when, what) without changing anything else about them."""
    user._history_user = by
    user._change_reason = reason
    user.save(update_fields=["email"])  # a no-op change that still writes the history row
