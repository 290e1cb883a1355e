"""Account emails (a link to set a password, an invitation, a password reset) go through the outbox like every other
message: a row written in the same transaction as the account or invitation it is about.

The outbox belongs to `notifications`, which sits above `accounts`, so accounts cannot import it. Instead
notifications registers its writer here at start-up (`NotificationsConfig.ready`), the way cases registers what an
accepted invitation is for, and the account services call `send(...)` inside their own transaction
(docs/decisions/0007-account-emails-through-the-outbox.md). The wording lives with the other message templates,
under templates/notifications/<template>/.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from accounts.models import User

# The message templates, registered by notifications with the rest.
STAFF_WELCOME = "account.staff_welcome"
INVITATION = "account.invitation"
RESET_REQUESTED = "account.password_reset"

# The data key holding the single-use link: a credential, so the outbox forgets it once the email has gone.
LINK = "account_link"


@dataclass(frozen=True)
class AccountEmail:
    """One email to one address. `data` is what the template needs, as JSON (strings and numbers only)."""

    template: str
    to_address: str
    to_name: str
    data: dict
    # Names the event, so that a retry of the same cause writes nothing new.
    key: str
    organisation_id: int | None = None
    by: User | None = None
    language: str = "en"


Writer = Callable[[AccountEmail], None]

# One writer per process, set once at start-up.
_writers: list[Writer] = []


def register_writer(writer: Writer) -> None:
    if _writers and _writers[0] is not writer:
        raise ValueError("An account email writer is already registered")
    _writers[:] = [writer]


def send(email: AccountEmail) -> None:
    """Write the email to the outbox inside the caller's transaction; it leaves after the commit."""
    if not _writers:
        # Failing here rolls the account back with it: an account whose email was never written is the bug.
        raise ImproperlyConfigured("No account email writer: is notifications in INSTALLED_APPS?")
    _writers[0](email)
