"""A council's panel: a chair from education, an educational psychologist, health, social care and a headteacher
who will be conflicted; next week's meeting with its papers closed, and a case waiting for a decision to assess."""

import datetime
from dataclasses import dataclass

import pytest

from accounts.models import Role
from cases import selectors as case_selectors
from cases import services as case_services
from panel import services
from panel.models import AgendaItem, Meeting
from tests import factories


@dataclass
class PanelWorld:
    panel: object
    chair: object
    ep: object
    health: object
    social: object
    head: object
    members: dict
    meeting: object


def panel_user(council, name, email):
    return factories.UserFactory(role=Role.PANEL_MEMBER, organisation=council, full_name=name, email=email)


def settings_for(**overrides) -> services.PanelSettings:
    values = {
        "name": "Riverside SEND panel",
        "questions": ["assess", "issue", "band"],
        "decides_for_council": True,
        "mode": "chair",
        "quorum_members": 3,
        "quorum_agencies": {"educational_psychology": 1, "health": 1},
        "papers_working_days": 5,
        "first_meeting_on": case_selectors.today(),
    }
    values.update(overrides)
    return services.PanelSettings(**values)


def build_panel(council, manager, **overrides) -> PanelWorld:
    panel = services.configure_panel(council=council, values=settings_for(**overrides), by=manager)
    chair = panel_user(council, "Sonia Chair", "sonia@council.example")
    ep = panel_user(council, "Petra Psychologist", "petra@council.example")
    health = panel_user(council, "Hugh Health", "hugh@nhs.example")
    social = panel_user(council, "Sadia Social", "sadia@council.example")
    head = panel_user(council, "Hari Head", "hari@school.example")
    members = {
        "chair": services.add_member(panel=panel, user=chair, agency="education", is_chair=True, by=manager),
        "ep": services.add_member(panel=panel, user=ep, agency="educational_psychology", by=manager),
        "health": services.add_member(panel=panel, user=health, agency="health", by=manager),
        "social": services.add_member(panel=panel, user=social, agency="social_care", by=manager),
        "head": services.add_member(panel=panel, user=head, agency="education", by=manager),
    }
    today = case_selectors.today()
    # Today's meeting: its papers closed last week, so bundles are open and votes can be taken.
    meeting = Meeting.objects.create(
        panel=panel,
        held_on=today,
        starts_at=datetime.time(10),
        papers_close_on=today - datetime.timedelta(days=7),
    )
    return PanelWorld(panel, chair, ep, health, social, head, members, meeting)


@pytest.fixture
def world(council, manager):
    return build_panel(council, manager)


@pytest.fixture
def deciding_case(council, coordinator, business_support, school):
    case = factories.make_case(council=council, by=business_support, coordinator=coordinator, school=school)
    return case_services.case_transition(case=case, name="start_assessment_decision", by=coordinator)


@pytest.fixture
def item(world, deciding_case):
    return AgendaItem.objects.create(
        meeting=world.meeting, case=deciding_case, question="assess", position=1, minutes=15
    )


def everyone_present(world, *, but=()):
    present = [m.pk for key, m in world.members.items() if key not in but]
    services.record_presence(meeting=world.meeting, present=present, by=world.chair)


def vote_all(item, world, choices: dict):
    for key, choice in choices.items():
        services.cast_vote(item=item, choice=choice, by=getattr(world, key))
