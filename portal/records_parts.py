"""The family portal's part of a subject access export about a child, and of a disposal (registered in
portal.apps).

Sign-in links hold an email address and a token's hash, about the account rather than the child, so they are not
part of the child's record."""

from django.db import transaction

from core.redaction import REDACTED, scrub
from portal.models import CaseShare, Conversation, ConversationMessage
from records.archive import csv_file, history_rows, rows
from records.contributors import File


def export(child) -> list[File]:
    """The conversation on each of the child's cases, every message in it, and who the family let see the case."""
    messages = ConversationMessage.objects.filter(conversation__case__child=child).order_by("sent_at", "id")
    return [
        csv_file("conversations.csv", rows(Conversation.objects.filter(case__child=child).order_by("id"))),
        csv_file("messages.csv", rows(messages)),
        csv_file(
            "messages_history.csv", history_rows(ConversationMessage, messages.values_list("pk", flat=True))
        ),
        csv_file("shares.csv", rows(CaseShare.objects.filter(case__child=child).order_by("id"))),
    ]


def dispose(child, method: str, by) -> list[str]:
    """Redact the family's and the council's messages and the names of those the family let in; the rows and
    their dates stay. Inside the records app's disposal transaction."""
    if method != "anonymise":
        return []
    lines = []
    with transaction.atomic():
        count = scrub(
            ConversationMessage,
            ConversationMessage.objects.filter(conversation__case__child_id=child.pk),
            {"body": REDACTED},
        )
        if count:
            lines.append(f"{count} portal messages redacted")
        count = scrub(
            CaseShare,
            CaseShare.objects.filter(case__child_id=child.pk),
            {"full_name": REDACTED, "email": ""},
        )
        if count:
            lines.append(f"{count} people the family let see the case: names and email addresses removed")
    return lines
