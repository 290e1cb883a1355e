"""What the family portal keeps: one conversation per case between the family and the council, the people a family
let see their case, their access needs, and one-time sign-in links.

Nothing a person wrote is deleted or edited: a message is sent once and kept with its history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Conversation(models.Model):
    """The one thread about a case between the family (and those they let in) and the council."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # When each side last wrote, so lists and the case page read one row, never the messages.
    last_from_family_at = models.DateTimeField(null=True, blank=True)
    last_from_council_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Conversation on case {self.case_id}"


class ConversationMessage(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Written by the family side (a parent, the young person, their supporter) rather than council staff.
    from_family = models.BooleanField()
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(default=timezone.now)
    # Read by the other side: the family reading the council's reply, or the council reading the family's message.
    read_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["conversation", "sent_at"], name="portal_msg_conv_sent")]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.author_id}"


class ShareRole(models.TextChoices):
    SUPPORTER = "supporter", _("A supporter, such as SENDIASS")
    OTHER_PARENT = "other_parent", _("The other parent or carer")


class CaseShare(models.Model):
    """Someone the family let see their case. Ended (never deleted) when the family takes it back."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("who they are"), max_length=20, choices=ShareRole.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # The team membership that lets them in: set at once for someone with an account, else when the council's
    # invitation is accepted.
    member = models.ForeignKey(
        "cases.CaseTeamMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["case", "ended_at"], name="portal_share_case")]

    def __str__(self) -> str:
        return f"{self.full_name} on case {self.case_id}"


class AccessNeeds(models.Model):
    """What a family member needs to use the service: kept beside their account's channel and language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    needs = models.TextField(_("what would help you"), blank=True)
    interpreter = models.BooleanField(_("I need an interpreter at meetings"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Access needs of {self.user_id}"


class SignInLink(models.Model):
    """A one-time sign-in link asked for by email. Only the token's hash is kept; every request is a row, so that
    asking is throttled per address and per account."""

    email = models.EmailField()
    # Empty when nobody has an account with that address: nothing is sent, but the asking still counts.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["email", "created_at"], name="portal_link_email"),
            models.Index(fields=["user", "created_at"], name="portal_link_user"),
        ]

    def __str__(self) -> str:
        return f"Sign-in link for {self.email}"
