"""The demo's subject access and retention: a legal hold on a case refused a plan (the family appealed), one
export done for a subject access request, and one child's record due for disposal waiting for the manager.

Built through the services, acting as the demo service manager, so the log, history and timeline are real.
"""

import random
from datetime import date, timedelta

from accounts.models import Organisation, User
from cases import services as case_services
from cases.models import Case
from demo import people
from records import services

# The one demo case older than two years: withdrawn this long ago, so six years after closure have passed.
LONG_AGO_DAYS = 8 * 365


def _closed_long_ago(
    *, council: Organisation, users: dict[str, User], today: date, rng: random.Random
) -> Case:
    """A request the family withdrew eight years ago: six years after closure have passed."""
    family = people.family(rng)
    received = today - timedelta(days=LONG_AGO_DAYS)
    case = case_services.log_request(
        council=council,
        child=case_services.ChildDetails(
            legal_first_name=family.first_name,
            legal_last_name=family.last_name,
            date_of_birth=people.date_of_birth(rng, age=6, on=received),
            gender=family.gender,
        ),
        contacts=[
            case_services.ContactDetails(
                name=family.parent_name,
                relationship=family.parent_relationship,
                email="old.family@example.org",
            )
        ],
        received_on=received,
        route="email",
        requested_by="parent",
        summary="The family asked for an assessment of their child's speech.",
        by=users["support"],
    )
    coordinator = users["coordinator"]
    case_services.allocate_coordinator(case=case, coordinator=coordinator, by=users["manager"])
    case_services.case_transition(
        case=case, name="start_assessment_decision", by=coordinator, on=received + timedelta(days=7)
    )
    return case_services.case_transition(
        case=case,
        name="withdraw",
        by=coordinator,
        on=received + timedelta(days=14),
        reason="The family withdrew the request: the school's support was enough",
    )


def seed(*, users: dict[str, User], council: Organisation, today: date) -> None:
    rng = random.Random(31)
    manager = users["manager"]
    services.ensure_schedule(council=council)

    appealed = (
        Case.objects.filter(council=council, stage__in=["not_issued", "not_assessed"])
        .order_by("received_on")
        .first()
        or Case.objects.filter(council=council).order_by("received_on").first()
    )
    services.place_hold(
        reference=appealed.reference,
        kind="tribunal",
        reason="The family appealed to the SEND Tribunal against the decision (appeal EH873/26/00012).",
        by=manager,
    )

    asked = Case.objects.filter(council=council, closed_on__isnull=True).order_by("-received_on").first()
    export = services.request_export(reference=asked.reference, by=manager, request_reference="SAR-2026-007")
    services.build_export(export_id=export.pk)

    _closed_long_ago(council=council, users=users, today=today, rng=rng)
    services.sweep_retention(on=today, council_ids=[council.pk])
