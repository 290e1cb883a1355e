"""Make (or renew) the operator's account: the one login with platform-wide rights in the support admin.

Council logins never have them (a council's administrator sees only their own council). Run it on the server:

    python manage.py create_operator --email ops@example.org [--name "Service operator"]

or with OPERATOR_EMAIL (and OPERATOR_NAME) set in the environment. No password is typed or stored here: the command
prints a single-use link to choose one, and the operator sets up two-factor sign-in on first sign-in.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.models import Role, User


class Command(BaseCommand):
    help = "Create or renew the operator account (platform-wide support admin) and print a link to set its password"

    def add_arguments(self, parser):
        parser.add_argument("--email", default=settings.OPERATOR_EMAIL)
        parser.add_argument("--name", default=settings.OPERATOR_NAME)

    def handle(self, *args, email: str, name: str, **options):
        email = services.normalise_email(email)
        if not email or "@" not in email:
            raise CommandError("Give the operator's email address: --email or OPERATOR_EMAIL")
        with transaction.atomic():
            user = User.objects.select_for_update().filter(email__iexact=email).first()
            if user is not None and user.organisation_id is not None:
                raise CommandError(
                    f"{email} belongs to {user.organisation}: the operator must not be a council's login"
                )
            created = user is None
            if created:
                user = User(email=email, full_name=name, role=Role.ADMINISTRATOR)
                user.set_unusable_password()
            user.is_active = user.is_staff = user.is_superuser = True
            user._history_user = None
            user._change_reason = "Operator account made by manage.py create_operator"
            user.save()
        self.stdout.write(f"{'Created' if created else 'Renewed'} the operator account {email}.")
        self.stdout.write("Choose its password with this single-use link (then set up two-factor sign-in):")
        self.stdout.write(f"  {services.password_setup_link(user)}")
