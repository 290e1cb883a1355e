from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Channel, Message, State


def unread_count(*, user: User) -> int:
    return Message.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True).count()


def in_app_for(*, user: User) -> QuerySet[Message]:
    return Message.objects.filter(recipient=user, channel=Channel.IN_APP).order_by("-created_at", "-id")


def for_subject(*, subject_ref: str) -> QuerySet[Message]:
    """Messages an owning app tagged with its reference (e.g. "case:42"), newest first."""
    return (
        Message.objects.filter(subject_ref=subject_ref)
        .exclude(channel=Channel.IN_APP)
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )


def failures_for(*, organisation) -> QuerySet[Message]:
    """An organisation's messages that failed for good and nobody has followed up yet, oldest failure first."""
    return (
        Message.objects.filter(organisation=organisation, state=State.FAILED, needs_follow_up=True)
        .exclude(channel=Channel.IN_APP)
        .select_related("recipient")
        .order_by("failed_at", "id")
    )


def sent_for_key(*, key: str) -> list[Message]:
    """What one event queued to people outside the service (email, text, letter), whatever channel each went by.

    `key` is the one given to `services.notify` (rows are keyed "<key>:<channel>", and "<key>:<more>:<channel>"
    for further people of the same event), so a page can say truthfully what was sent and how."""
    return list(
        Message.objects.filter(idempotency_key__startswith=f"{key}:")
        .exclude(channel=Channel.IN_APP)
        .order_by("id")
    )
