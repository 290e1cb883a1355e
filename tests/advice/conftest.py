import pytest

from accounts.models import Discipline, Organisation, OrganisationKind, Role
from advice import services as advice_services
from advice.models import AdviceTeam, RasScheme
from cases import services
from tests import factories


@pytest.fixture
def assessing_case(case, coordinator):
    """The conftest case after the council agreed to assess: advice can be asked for."""
    services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    services.case_transition(case=case, name="agree_to_assess", by=coordinator)
    case.refresh_from_db()
    return case


@pytest.fixture
def ep(council):
    return factories.UserFactory(
        role=Role.SPECIALIST,
        discipline=Discipline.EDUCATIONAL_PSYCHOLOGY,
        organisation=council,
        full_name="Howard Psychologist",
        email="howard@council.example",
    )


@pytest.fixture
def ep_lead(council):
    return factories.UserFactory(
        role=Role.SPECIALIST,
        discipline=Discipline.EDUCATIONAL_PSYCHOLOGY,
        organisation=council,
        full_name="Principal Psychologist",
        email="lead@council.example",
    )


@pytest.fixture
def nhs(council):
    return Organisation.objects.create(name="Riverside NHS Trust", kind=OrganisationKind.NHS, council=council)


@pytest.fixture
def salt(nhs):
    return factories.UserFactory(
        role=Role.SPECIALIST,
        discipline=Discipline.SPEECH_AND_LANGUAGE,
        organisation=nhs,
        full_name="Sam Therapist",
        email="sam@nhs.example",
    )


@pytest.fixture
def ep_team(council, ep, ep_lead):
    team = AdviceTeam.objects.create(
        council=council, name="Educational psychology service", organisation=council, kinds=["psychological"]
    )
    team.leads.add(ep_lead)
    team.members.add(ep)
    return team


@pytest.fixture
def salt_team(council, nhs, salt):
    team = AdviceTeam.objects.create(
        council=council,
        name="Community speech and language therapy",
        organisation=nhs,
        kinds=["speech_and_language"],
    )
    team.leads.add(salt)
    return team


@pytest.fixture
def scheme(council, administrator):
    return RasScheme.objects.create(
        council=council,
        name="Riverside RAS",
        effective_from="2020-01-01",
        config=advice_services.default_ras_config(),
        created_by=administrator,
    )


def full_advice(*, levels=None, provision=None):
    """A complete psychological advice, as the form saves it."""
    return {
        "answers": {
            "assessed_on": "2026-01-10",
            "methods": "Observed in class and met Amara with her mother",
            "cognitive_profile": "Strong verbal reasoning; slow processing",
            "consultation": "Met the class teacher and the SENCo",
            "family_summary": "Amara learns well when tasks are broken into small steps.",
        },
        "needs": [
            {
                "id": "n1",
                "area": "cognition_learning",
                "description": "Slow processing speed",
                "evidence": "WISC",
            },
            {"id": "n2", "area": "semh", "description": "Anxiety at transitions", "evidence": "Observation"},
        ],
        "outcomes": [
            {
                "id": "o1",
                "description": "Amara will read 40 words a minute",
                "by_when": "July 2027",
                "measure": "Termly reading fluency check",
                "needs": ["n1"],
            }
        ],
        "provision": provision
        if provision is not None
        else [
            {
                "id": "p1",
                "section": "F",
                "what": "Precision teaching of reading",
                "who": "Trained teaching assistant",
                "frequency": "4 times a week",
                "duration": "20 minutes, for 2 terms",
                "group_size": "1:1",
                "need": "n1",
                "outcome": "o1",
            }
        ],
        "ras": levels
        if levels is not None
        else {
            "communication_interaction": 1,
            "cognition_learning": 3,
            "semh": 2,
            "sensory_physical": 0,
        },
        "declaration": True,
    }
