"""A case whose advice is in: two advisers (an educational psychologist and a speech and language therapist), the
plan assembled by the worker when the last advice arrived, and the council agreed to issue a plan."""

import datetime

import pytest

from accounts.models import Discipline, Organisation, OrganisationKind, Role
from advice import services as advice_services
from advice.models import RasScheme
from cases import services as case_services
from cases.models import FamilyContact
from drafting import selectors, services
from tests import factories
from tests.advice.conftest import full_advice


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
def salt(council):
    nhs = Organisation.objects.create(name="Riverside NHS Trust", kind=OrganisationKind.NHS, council=council)
    return factories.UserFactory(
        role=Role.SPECIALIST,
        discipline=Discipline.SPEECH_AND_LANGUAGE,
        organisation=nhs,
        full_name="Sam Therapist",
        email="sam@nhs.example",
    )


@pytest.fixture
def scheme(council, administrator):
    return RasScheme.objects.create(
        council=council,
        name="Riverside RAS",
        effective_from="2020-01-01",
        config=advice_services.default_ras_config(),
        created_by=administrator,
    )


SALT_ADVICE = {
    "answers": {
        "receptive": "Two-part instructions",
        "expressive": "Short sentences",
        "social_communication": "With support",
        "assessed_on": "2026-01-12",
        "methods": "CELF-5",
        "family_summary": "Keep instructions short.",
    },
    "needs": [
        {
            "id": "n1",
            "area": "communication_interaction",
            "description": "Difficulty following spoken instructions",
            "evidence": "CELF-5",
        },
        # The EP reports this need too, in the same words: assembly merges the two.
        {"id": "n2", "area": "semh", "description": "Anxiety at transitions", "evidence": "Therapy sessions"},
    ],
    "outcomes": [
        {
            "id": "o1",
            "description": "Amara will follow two-step instructions in class",
            "by_when": "July 2027",
            "measure": "Termly observation by the therapist",
            "needs": ["n1"],
        }
    ],
    "provision": [
        {
            "id": "p1",
            "section": "F",
            "what": "Language group work on following instructions",
            "who": "Speech and language therapist",
            "frequency": "Once a week",
            "duration": "30 minutes, for a year",
            "group_size": "Group of 4",
            "need": "n1",
            "outcome": "o1",
        },
        {
            "id": "p2",
            "section": "F",
            "what": "Precision teaching of reading",
            "who": "Trained teaching assistant",
            "frequency": "Twice a week",
            "duration": "20 minutes, for 2 terms",
            "group_size": "1:1",
            "need": "n1",
            "outcome": "o1",
        },
    ],
    "ras": {"communication_interaction": 3},
    "declaration": True,
}


@pytest.fixture
def advised_case(case, coordinator, ep, salt, scheme, parent, django_capture_on_commit_callbacks):
    """Both advices in (the plan assembled by the task), the family on the team, then the decision to issue."""
    case_services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    case_services.case_transition(case=case, name="agree_to_assess", by=coordinator)
    case.refresh_from_db()
    factories.add_family_member(case, parent)
    ask = (
        advice_services.request_advice
    )  # both asked before either answers, so the last one triggers assembly
    a = ask(case=case, kind="psychological", asked_user=ep, by=coordinator)
    b = ask(case=case, kind="speech_and_language", asked_user=salt, by=coordinator)
    advice_services.save_advice(request=a, by=ep, changes=full_advice())
    advice_services.save_advice(request=b, by=salt, changes=SALT_ADVICE)
    with django_capture_on_commit_callbacks(execute=True):
        advice_services.submit_advice(request=a, by=ep)
    with django_capture_on_commit_callbacks(execute=True):
        advice_services.submit_advice(request=b, by=salt)
    case_services.case_transition(case=case, name="start_issue_decision", by=coordinator)
    case_services.case_transition(case=case, name="agree_to_issue", by=coordinator)
    case.refresh_from_db()
    return case


@pytest.fixture
def draft(advised_case):
    return selectors.latest_version(case=advised_case)


@pytest.fixture
def letter_contact(advised_case):
    """A parent with no account who asked for letters."""
    return FamilyContact.objects.create(
        child=advised_case.child,
        name="Dad Okafor",
        relationship="father",
        parental_responsibility=True,
        address="1 River Road\nRiverside\nRV1 1AA",
        preferred_channel="letter",
    )


TODAY = datetime.date.today()


def make_clean(version, by):
    """What a coordinator does to the assembled draft before sending it: the views in A, the second need given an
    outcome and provision, each conflict settled (one version kept, the other taken out)."""
    content = selectors.content_of(version)
    services.add_item(
        version=version,
        section="A",
        fields={"whose": "child", "heading": "What I like", "text": "I like drawing and football."},
        by=by,
        expected_version=None,
    )
    bare = [n for n in content.active("B") if not any(n.key in o.need_keys for o in content.active("E"))]
    for need in bare:
        version = services.add_item(
            version=version,
            section="E",
            fields={
                "description": f"Manages: {need.description}",
                "by_when": "July 2027",
                "measure": "Termly review with the class teacher",
                "need_keys": [need.key],
            },
            by=by,
            expected_version=None,
        )
        outcome = selectors.content_of(version).active("E")[-1]
        version = services.add_item(
            version=version,
            section="F",
            fields={
                "what": f"Support for: {need.description}",
                "who": "Class teaching assistant",
                "frequency": "Every morning",
                "duration": "15 minutes, for the school year",
                "group_size": "1:1",
                "need_keys": [need.key],
                "outcome_keys": [outcome.key],
            },
            by=by,
            expected_version=None,
        )
    content = selectors.content_of(version)
    dropped = set()
    for section, item, flag in content.open_flags():
        if item.key in dropped:
            continue
        version = services.resolve_flag(
            version=version,
            section=section,
            key=item.key,
            code=flag.code,
            resolution="Settled",
            by=by,
            expected_version=None,
        )
        if flag.code == "conflict":
            for other in flag.with_keys:
                if other not in dropped:
                    dropped.add(other)
                    version = services.delete_item(
                        version=version,
                        section=section,
                        key=other,
                        reason="The other recommendation is kept",
                        by=by,
                        expected_version=None,
                    )
    return version
