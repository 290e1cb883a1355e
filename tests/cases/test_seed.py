"""The demo and benchmark seed commands build data the services themselves would have produced."""

import datetime
import io
import random
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import Organisation, Role, User
from cases import selectors, services, statutory, workflow
from cases.models import (
    Case,
    CaseReferenceCounter,
    CaseTeamMember,
    Child,
    Deadline,
    DeadlineException,
    FamilyContact,
    TeamRole,
    TimelineEvent,
)
from demo import records as records_demo
from demo.management.commands import seed_demo

pytestmark = pytest.mark.django_db

# Hashing is slow on purpose; the demo's logins are checked with a fast hasher so the module stays quick.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DOMAIN = seed_demo.DOMAIN
DEMO_ROLES = {
    "coordinator": Role.COORDINATOR,
    "coordinator2": Role.COORDINATOR,
    "coordinator3": Role.COORDINATOR,
    "manager": Role.SERVICE_MANAGER,
    "support": Role.BUSINESS_SUPPORT,
    "support2": Role.BUSINESS_SUPPORT,
    "admin": Role.ADMINISTRATOR,
    "ep": Role.SPECIALIST,
    "salt": Role.SPECIALIST,
    "ot": Role.SPECIALIST,
    "health": Role.SPECIALIST,
    "socialcare": Role.SPECIALIST,
    "other": Role.SPECIALIST,
    "panel": Role.PANEL_MEMBER,
    "panel2": Role.PANEL_MEMBER,
    "panel3": Role.PANEL_MEMBER,
    "senco": Role.SENCO,
    "senco2": Role.SENCO,
    "senco3": Role.SENCO,
    "senco4": Role.SENCO,
    "parent": Role.PARENT,
    "youngperson": Role.YOUNG_PERSON,
    "supporter": Role.SUPPORTER,
}
COUNTED = (
    Organisation,
    User,
    Child,
    FamilyContact,
    Case,
    CaseTeamMember,
    Deadline,
    DeadlineException,
    TimelineEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back at the end so other modules never see it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield {"output": out.getvalue(), "counts": counts()}
        transaction.set_rollback(True)


def test_seed_demo_is_idempotent(demo):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert counts() == demo["counts"]
    assert "already exists" in out.getvalue()
    assert Organisation.objects.filter(name=seed_demo.COUNCIL_NAME).count() == 1


def test_seed_demo_prints_the_logins_and_password(demo):
    for key in DEMO_ROLES:
        assert f"{key}@{DOMAIN}" in demo["output"]
    assert settings.DEMO_PASSWORD in demo["output"]


def test_every_demo_login_has_its_role_and_signs_in_with_the_demo_password(demo, client):
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DOMAIN}")}
    for key, role in DEMO_ROLES.items():
        assert users[key].role == role, key
    assert users["ep"].organisation.name == seed_demo.COUNCIL_NAME
    assert users["salt"].organisation.name == "Riverside Community Health NHS Trust"
    assert users["socialcare"].organisation.name == "Riverside Children's Social Care"
    assert users["supporter"].organisation.name == "Riverside SENDIASS"
    assert {users[k].discipline for k in DEMO_ROLES if DEMO_ROLES[k] == Role.SPECIALIST} == {
        "educational_psychology",
        "speech_and_language",
        "occupational_therapy",
        "health",
        "social_care",
        "other",
    }
    for user in users.values():
        assert client.login(email=user.email, password=settings.DEMO_PASSWORD), user.email
        client.logout()


def test_seed_demo_has_cases_at_every_stage_and_end(demo):
    council = Organisation.objects.get(name=seed_demo.COUNCIL_NAME)
    stages = set(Case.objects.filter(council=council).values_list("stage", flat=True))
    assert stages == {s.value for s in workflow.Stage}
    drafts = Case.objects.filter(stage=workflow.Stage.DRAFT_PLAN)
    assert drafts.filter(draft_served_on__isnull=True).exists()
    assert drafts.filter(draft_served_on__isnull=False).exists()
    assert 35 <= Case.objects.count() <= 50
    # Besides the one request closed long ago that the retention demo needs (demo/records.py).
    long_ago = selectors.today() - datetime.timedelta(days=records_demo.LONG_AGO_DAYS)
    received = Case.objects.exclude(received_on=long_ago).values_list("received_on", flat=True)
    assert (selectors.today() - min(received)).days <= 2 * 366


def test_seed_demo_deadlines_cover_every_rag_and_status(demo):
    today = selectors.today()
    open_cases = Case.objects.filter(closed_on__isnull=True)
    rags = {selectors.rag_for(next_due_on=c.next_due_on, on=today) for c in open_cases}
    assert {selectors.Rag.RED, selectors.Rag.AMBER, selectors.Rag.GREEN} <= rags
    assert open_cases.filter(next_due_on__lt=today).exists()  # overdue
    statuses = set(Deadline.objects.values_list("status", flat=True))
    assert {"missed", "excused", "open", "met", "cancelled"} <= statuses
    assert set(DeadlineException.objects.values_list("kind", flat=True)) == {
        statutory.ExceptionKind.ABSENT_FROM_AREA,
        statutory.ExceptionKind.PERSONAL_CIRCUMSTANCES,
        statutory.ExceptionKind.SCHOOL_CLOSURE,
    }


def test_seed_demo_deadlines_are_what_the_service_computes(demo):
    with transaction.atomic():
        for case in Case.objects.select_related("child"):
            before = {(d.code, d.ref): (d.due_on, d.met_on, d.status) for d in case.deadlines.all()}
            services.recompute_deadlines(case=case, by=None)
            after = {(d.code, d.ref): (d.due_on, d.met_on, d.status) for d in case.deadlines.all()}
            assert before == after, case.reference
        transaction.set_rollback(True)


def test_seed_demo_has_unallocated_requests_and_family_logins_on_their_cases(demo):
    assert Case.objects.filter(stage="request_received", coordinator__isnull=True).count() >= 3

    parent = User.objects.get(email=f"parent@{DOMAIN}")
    membership = CaseTeamMember.objects.get(user=parent)
    assert membership.role == TeamRole.FAMILY
    assert membership.case.stage == workflow.Stage.DRAFT_PLAN
    assert membership.case.draft_served_on is not None
    assert selectors.cases_for(user=parent).count() == 1

    young = User.objects.get(email=f"youngperson@{DOMAIN}")
    case = CaseTeamMember.objects.get(user=young).case
    assert case.requested_by == "young_person"
    assert statutory.age_on(case.child.date_of_birth, case.received_on) == 17
    assert case.child.contacts.get(user=young).relationship == FamilyContact.Relationship.SELF

    senco = User.objects.get(email=f"senco@{DOMAIN}")
    assert selectors.cases_for(user=senco).exists()
    assert selectors.cases_for(user=User.objects.get(email=f"supporter@{DOMAIN}")).exists()


def test_seed_scale_creates_consistent_cases():
    numbered = sum(CaseReferenceCounter.objects.values_list("last_number", flat=True))
    out = io.StringIO()
    call_command("seed_scale", cases=200, council="Testshire County Council", stdout=out)
    council = Organisation.objects.get(name="Testshire County Council")
    cases = Case.objects.filter(council=council)

    assert cases.count() == 200
    assert sum(CaseReferenceCounter.objects.values_list("last_number", flat=True)) == numbered + 200
    assert len(set(cases.values_list("reference", flat=True))) == 200
    assert Case.history.filter(council=council).count() == 200
    printed = {
        name: int(number.replace(",", ""))
        for number, name in re.findall(r"([\d,]+) (deadlines|timeline events|cases)", out.getvalue())
    }
    assert printed["deadlines"] == Deadline.objects.filter(case__council=council).count()
    assert printed["timeline events"] == TimelineEvent.objects.filter(case__council=council).count()
    assert not cases.filter(deadlines__isnull=True).exists()
    assert not cases.filter(timeline__isnull=True).exists()
    coordinators = User.objects.filter(organisation=council, role=Role.COORDINATOR).count()
    assert coordinators == 2  # one per 120 cases

    sample = random.Random(1).sample(list(cases.select_related("child")), 40)
    with transaction.atomic():
        for case in sample:
            pending = [d for d in case.deadlines.all() if d.met_on is None and d.status in ("open", "missed")]
            nearest = min(pending, key=lambda d: (d.due_on, d.code), default=None)
            assert case.next_due_on == (nearest.due_on if nearest else None), case.reference
            assert case.next_deadline_code == (nearest.code if nearest else "")
            before = {(d.code, d.ref): (d.due_on, d.met_on, d.status) for d in case.deadlines.all()}
            services.recompute_deadlines(case=case, by=None)
            after = {(d.code, d.ref): (d.due_on, d.met_on, d.status) for d in case.deadlines.all()}
            assert before == after, case.reference
        transaction.set_rollback(True)


def test_the_demos_council_administrator_is_not_a_superuser_and_the_output_says_how_the_operator_is_made(demo):
    administrator = User.objects.get(email=f"admin@{DOMAIN}")
    assert administrator.is_staff and not administrator.is_superuser
    assert not User.objects.filter(is_superuser=True, email__endswith=DOMAIN).exists()
    assert "manage.py create_operator" in demo["output"]
