"""Rows the account tests start from."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Invitation, Role

TOKEN = "a-known-token"


def make_invitation(by, *, token=TOKEN, **fields) -> Invitation:
    values = {
        "email": "daniel@example.org",
        "full_name": "Daniel Parent",
        "role": Role.PARENT,
        "expires_at": timezone.now() + timedelta(days=3),
        "token_hash": Invitation.hash_token(token),
        "invited_by": by,
    }
    values.update(fields)
    return Invitation.objects.create(**values)
