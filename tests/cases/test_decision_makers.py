"""A feature that decides for the council (the panel): cases offers its steps to nobody else while the council has
chosen it, lets the feature's own service take them, and files the outcome letter once; cases imports none of it."""

import pytest
from django.urls import reverse

from cases import decisions, panels, services
from cases.models import CaseDocument

pytestmark = pytest.mark.django_db

DECIDING = {"on": False}


@pytest.fixture
def maker():
    maker = decisions.DecisionMaker(
        key="test-board",
        name="The test board",
        may_take=frozenset({"agree_to_assess", "refuse_assessment"}),
        claims=frozenset({"agree_to_assess", "refuse_assessment"}),
        decides=lambda case: (
            frozenset({"agree_to_assess", "refuse_assessment"}) if DECIDING["on"] else frozenset()
        ),
    )
    decisions.register(maker)
    yield maker
    decisions._makers.pop("test-board", None)
    DECIDING["on"] = False


@pytest.fixture
def deciding(case, coordinator):
    return services.case_transition(case=case, name="start_assessment_decision", by=coordinator)


def test_while_off_the_coordinator_decides_as_before(maker, deciding, coordinator, client):
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[deciding.reference])).content.decode()
    assert reverse("cases:transition", args=[deciding.reference, "agree_to_assess"]) in page
    assert "The test board decides" not in page


def test_while_on_the_coordinator_is_told_who_decides_and_cannot(maker, deciding, coordinator, client):
    DECIDING["on"] = True
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[deciding.reference])).content.decode()
    assert "The test board decides: agree to assess" in page
    assert reverse("cases:transition", args=[deciding.reference, "agree_to_assess"]) not in page
    assert (
        client.get(reverse("cases:transition", args=[deciding.reference, "agree_to_assess"])).status_code
        == 404
    )
    with pytest.raises(services.ServiceError, match="The test board makes this decision"):
        services.case_transition(case=deciding, name="agree_to_assess", by=coordinator)
    # Steps it does not decide stay the coordinator's.
    assert reverse("cases:transition", args=[deciding.reference, "withdraw"]) in page


def test_the_makers_service_takes_its_steps_and_no_others(
    maker, deciding, council, django_capture_on_commit_callbacks, settings, tmp_path
):
    from accounts.models import Role
    from tests import factories

    settings.MEDIA_ROOT = tmp_path
    DECIDING["on"] = True
    chair = factories.UserFactory(role=Role.PANEL_MEMBER, organisation=council)
    with pytest.raises(services.ServiceError, match="does not take the step"):
        services.case_transition(
            case=deciding, name="withdraw", by=chair, reason="x", decided_by="test-board"
        )
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_transition(
            case=deciding,
            name="agree_to_assess",
            by=chair,
            reason="Needs not met by SEN support",
            decided_by="test-board",
        )
    assert case.stage == "assessing"
    # A decision to go ahead from a decision maker is given in writing too, once, with its reasons.
    letter = CaseDocument.objects.get(case=case, category="letter")
    assert letter.uploaded_by == chair
    event = case.timeline.filter(kind="transition").first()
    services.file_decision_letter(case_id=case.pk, event_id=event.pk)
    assert CaseDocument.objects.filter(case=case, category="letter").count() == 1


def test_a_coordinators_decision_to_assess_files_no_letter_as_before(
    deciding, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=deciding, name="agree_to_assess", by=coordinator)
    assert not CaseDocument.objects.filter(case=deciding, category="letter").exists()


def test_bundle_panels_are_asked_for_separately(case, coordinator):
    panels.register(
        panels.Panel("test-plan", "x.html", lambda c, u: {"ok": True}, in_bundle=True, on_case_page=False)
    )
    try:
        assert "test-plan" in [p.key for p in panels.for_case(case=case, user=coordinator, bundle=True)]
        assert "test-plan" not in [p.key for p in panels.for_case(case=case, user=coordinator)]
        assert "advice" not in [p.key for p in panels.for_case(case=case, user=coordinator, bundle=True)]
    finally:
        panels._panels.pop("test-plan", None)
