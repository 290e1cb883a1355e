"""Add an online request to the demo council, sent through the form's own services, so "New requests" shows one.

Run by `make run` after `seed_demo`. It names two professionals already involved, agrees to share with some of the
named agencies and not others, and asks for text messages in Polish, so the case page shows each of those. Running
it again does nothing.
"""

import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import Organisation, OrganisationKind
from cases import selectors as case_selectors
from demo import people as demo
from demo.management.commands.seed_demo import COUNCIL_NAME, TOWN
from forms_ersa import selectors, services
from forms_ersa.models import RequestDraft

SEED = 2027
EMAIL = "online.request@family.example"


def answers(rng: random.Random, *, today) -> dict:
    family = demo.family(rng)
    street, postcode = demo.address(rng, town=TOWN)
    born = demo.date_of_birth(rng, age=7, on=today)
    return {
        "child": {
            "first_name": family.first_name,
            "last_name": family.last_name,
            "date_of_birth": born.isoformat(),
            "address": street,
            "postcode": postcode,
            "home_languages": "Polish and English",
            "interpreter_needed": "yes",
            "setting_name": "Little Acorns Nursery (out of area)",
        },
        "family": {
            "full_name": family.parent_name,
            "relationship": "mother",
            "phone": demo.phone(rng),
            "parental_responsibility": "yes",
            "looked_after": "no",
        },
        "needs": {
            "areas": ["communication_interaction", "sensory_physical"],
            "description": "Hardly speaks at school and covers her ears in busy rooms. Melts down after school.",
            "support_in_place": "SEN support since reception: a quiet space, visual timetable, small-group work.",
            "tried": "Speech and language therapy sessions and ear defenders",
            "tried_for": "Three terms",
        },
        "professionals": {
            "finished": "yes",
            "people": [
                {
                    "id": "demo1",
                    "name": demo.staff_name(rng),
                    "role": "Speech and language therapist",
                    "service": "Riverside Children's Therapy Service",
                    "email": "slt.team@nhs.example",
                    "phone": "",
                },
                {
                    "id": "demo2",
                    "name": demo.staff_name(rng),
                    "role": "Community paediatrician",
                    "service": "Riverside Hospital child development centre",
                    "email": "",
                    "phone": "0117 496 0511",
                },
            ],
        },
        "views": {
            "child_views": "I like drawing cats. School is too loud.",
            "parent_views": "She needs adults who understand her and a calm place to learn.",
        },
        "evidence": {"finished": "yes"},
        "contact": {"channel": "sms", "phone": demo.phone(rng), "language": "pl"},
        "consent": {"declaration": "yes", "share_with": ["setting", "ep", "health", "named"]},
    }


class Command(BaseCommand):
    help = "Send one online request to the demo council through the request form's services (idempotent)."

    def handle(self, *args, **options):
        council = Organisation.objects.filter(name=COUNCIL_NAME, kind=OrganisationKind.COUNCIL).first()
        if council is None:
            self.stdout.write("No demo council: run seed_demo first.")
            return
        if RequestDraft.objects.filter(council=council, email=EMAIL).exists():
            self.stdout.write("The demo online request is already there: nothing to do.")
            return
        today = case_selectors.today()
        rng = random.Random(SEED)
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            draft = services.start_draft(council=council, route="parent", email=EMAIL, send_link=False)
            for section, values in answers(rng, today=today).items():
                draft = services.save_answers(
                    draft=draft, section=section, values=values, expected_version=None
                )
            found = services.problems_for(draft, today=today)
            if found:
                raise RuntimeError(f"The demo request is not complete: {found}")
            case = services.submit_request(draft=draft, today=today)
        decision = selectors.decision_date(case)
        self.stdout.write(
            f"Online request {case.reference} sent for {case.child.full_name}; decision due {decision:%-d %B %Y}."
        )
