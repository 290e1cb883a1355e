"""Invitation links and what an accepted invitation is for.

Accounts sits at the bottom of the layers, so it cannot know about cases. An app that invites someone "to join
case 5" stores `{"kind": "join_case", ...}` in `Invitation.purpose` and registers a handler for that kind at start-up
(in its `AppConfig.ready()`):

    from accounts.invitations import register_purpose
    register_purpose("join_case", add_invited_user_to_case)

`accounts.services.accept_invitation` calls the handler inside the transaction that creates the account, so the
account and whatever the invitation was for are created together or not at all.
"""

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User

logger = logging.getLogger(__name__)

PurposeHandler = Callable[[Invitation, User], None]

_handlers: dict[str, PurposeHandler] = {}


def register_purpose(kind: str, handler: PurposeHandler) -> None:
    """Call `handler(invitation, user)` when an invitation whose purpose has this kind is accepted."""
    existing = _handlers.get(kind)
    if existing is not None and existing is not handler:
        raise ValueError(f"A handler for invitation purpose {kind!r} is already registered")
    _handlers[kind] = handler


def unregister_purpose(kind: str) -> None:
    """For tests: forget a handler."""
    _handlers.pop(kind, None)


def run_purpose(invitation: Invitation, user: User) -> None:
    """Run the handler for the invitation's purpose, if it has one. Unknown kinds are logged and ignored."""
    purpose = invitation.purpose or {}
    kind = purpose.get("kind") if isinstance(purpose, dict) else None
    if not kind:
        return
    handler = _handlers.get(kind)
    if handler is None:
        logger.warning(
            "Invitation %s has purpose %r with no registered handler; ignored", invitation.pk, kind
        )
        return
    handler(invitation, user)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def expiry_from(now=None):
    return (now or timezone.now()) + timedelta(days=settings.INVITATION_VALID_DAYS)


def link_for(token: str) -> str:
    """The absolute link emailed to the invited person (the token itself is never stored)."""
    return settings.SITE_URL.rstrip("/") + reverse("accounts:accept_invitation", kwargs={"token": token})


def find(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
