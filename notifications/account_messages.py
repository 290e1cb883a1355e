"""Account emails (password set-up, invitations, password resets) as outbox messages.

`accounts` sits below this app and cannot call `notify()`, so its services hand each email to the writer registered
here at start-up (`accounts.mail`). The email goes to the address the person gave, by email only: a link to set a
password is useless by text message or post, and it is never copied to an in-app message.
"""

from accounts import mail
from notifications import services
from notifications.models import Channel
from notifications.templates_registry import MessageTemplate, register

EXAMPLE_LINK = "https://ehcp.example.gov.uk/accounts/example-link/"


def write(email: mail.AccountEmail) -> None:
    services.notify(
        template=email.template,
        data=email.data,
        key=email.key,
        to_address=email.to_address,
        to_name=email.to_name,
        channel=Channel.EMAIL,
        organisation_id=email.organisation_id,
        by=email.by,
        language=email.language,
    )


def register_templates() -> None:
    # The link lets whoever holds it into an account: the outbox forgets it once the email has gone.
    secret = (mail.LINK,)
    register(
        MessageTemplate(
            mail.STAFF_WELCOME,
            "New member of staff: a link to set their password",
            example={
                "name": "Howard Specialist",
                "added_by": "Admin Person",
                "council": "Riverside Borough Council",
                "role": "EHC coordinator",
                "email": "howard@council.example",
                mail.LINK: EXAMPLE_LINK,
                "valid_hours": 24,
                "reset_url": "https://ehcp.example.gov.uk/accounts/password-reset/",
            },
            secret=secret,
        )
    )
    register(
        MessageTemplate(
            mail.INVITATION,
            "Invitation to create an account (family, young person, SENCo, supporter, or a specialist asked for advice)",
            example={
                "name": "Meera Okafor",
                "invited_by": "Laura Coordinator",
                "council": "Riverside Borough Council",
                "role": "Parent or carer",
                mail.LINK: EXAMPLE_LINK,
                "expires_on": "14 December 2026",
            },
            secret=secret,
        )
    )
    register(
        MessageTemplate(
            mail.RESET_REQUESTED,
            "Password reset link, sent when someone asks for one",
            example={"name": "Laura Coordinator", mail.LINK: EXAMPLE_LINK, "valid_hours": 24},
            secret=secret,
        )
    )


def register_all() -> None:
    register_templates()
    mail.register_writer(write)
