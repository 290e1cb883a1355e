"""`python manage.py seed_reminder_rules`: put back any default reminder rule that is missing.

`migrate` installs the defaults (migration cases 0003); this restores them on a database whose rows were flushed
or deleted by hand. It never changes a rule that exists, so a default someone edited or switched off stays so.
"""

from django.core.management.base import BaseCommand

from cases import reminders


class Command(BaseCommand):
    help = "Create any missing default reminder rule (existing rules are left as they are)."

    def handle(self, *args, **options):
        created = reminders.install_default_rules()
        self.stdout.write(
            f"{created} default reminder rule(s) created; {len(reminders.DEFAULT_RULES)} defaults in all."
        )
