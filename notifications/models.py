"""The outbox: every message is a row written in the same transaction as the event that causes it.

The notifications app knows people (users, addresses), never cases. An owning app tags its messages with an opaque
`subject_ref` (such as "case:42") so it can list them later; nothing here reads what the reference means.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    LETTER = "letter", _("Letter")
    IN_APP = "in_app", _("In this service")


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed permanently")
    CANCELLED = "cancelled", _("Cancelled")


class Message(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    # For people without an account (a parent known only by the email on a request).
    to_name = models.CharField(max_length=200, blank=True)
    to_address = models.TextField(blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    template = models.CharField(max_length=80)
    language = models.CharField(max_length=10, default="en")
    # Only what the template needs: never more personal data than the message shows.
    data = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    subject_ref = models.CharField(max_length=60, blank=True, db_index=True)
    # The council on whose behalf it was sent: scopes the failures list for its staff.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=200, unique=True)

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    provider_id = models.CharField(max_length=100, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # A permanent failure needs a person: business support sends a letter or phones instead.
    needs_follow_up = models.BooleanField(default=False)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The relay's claim: queued rows whose time has come, oldest first.
            models.Index(fields=["next_attempt_at", "id"], condition=Q(state="queued"), name="message_due"),
            # The bell: a person's unread in-app messages.
            models.Index(
                fields=["recipient", "-created_at"], condition=Q(channel="in_app"), name="message_in_app"
            ),
            models.Index(fields=["needs_follow_up", "followed_up_at"], name="message_follow_up"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(to_address=""), name="message_has_a_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.recipient_id or self.to_address} ({self.state})"
