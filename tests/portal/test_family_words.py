"""What a family, or a young person about themselves, reads on their case cards and case page in the portal (the
old family addresses in cases take them there)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services, statutory
from cases.models import TeamRole
from tests import factories
from tests.cases.test_views import Page

pytestmark = pytest.mark.django_db


def _late_case(council, business_support, coordinator=None):
    """A request received 60 days ago: the 6-week decision whether to assess is late and not made."""
    return factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        received_on=timezone.localdate() - datetime.timedelta(days=60),
    )


def _due(case) -> str:
    due = case.deadlines.get(code=statutory.DeadlineCode.ASSESSMENT_DECISION).due_on
    return f"{due:%-d %B %Y}"


def test_a_familys_case_card_says_when_the_next_step_is_late_and_what_happens_now(
    login, council, business_support, coordinator, parent
):
    case = _late_case(council, business_support, coordinator)
    factories.add_family_member(case, parent)

    page = Page(login(parent).get(reverse("cases:list"), follow=True))

    card = page.root.find(data_testid="next-step").text()
    assert f"Decide whether to assess. This is late: it was due on {_due(case)}." in card
    assert "Late" in card
    assert "Your coordinator has been told." in card
    assert "SENDIASS" in card


def test_the_familys_case_page_says_the_step_is_late_too(
    login, council, business_support, coordinator, parent
):
    case = _late_case(council, business_support, coordinator)
    factories.add_family_member(case, parent)

    page = Page(login(parent).get(reverse("cases:detail", args=[case.reference]), follow=True))

    step = page.root.find(data_testid="step-assessment_decision").find(data_testid="late").text()
    assert f"This is late. It was due on {_due(case)}." in step
    assert f"The council has reminded {coordinator.full_name} and their manager" in step


def test_with_nobody_allocated_the_family_hears_the_sen_team_was_told(
    login, council, business_support, parent
):
    case = _late_case(council, business_support)
    factories.add_family_member(case, parent)

    client = login(parent)
    card = Page(client.get(reverse("portal:home"))).root.find(data_testid="next-step").text()
    assert "The council's SEN team has been told." in card
    page = Page(client.get(reverse("portal:case", args=[case.reference])))
    late = page.root.find(data_testid="step-assessment_decision").find(data_testid="late").text()
    assert "The council's SEN team has been told and is working on it." in late


def test_a_step_not_yet_due_reads_as_a_plain_date(login, council, business_support, coordinator, parent):
    case = factories.make_case(council=council, by=business_support, coordinator=coordinator)
    factories.add_family_member(case, parent)

    card = Page(login(parent).get(reverse("portal:home"))).root.find(data_testid="next-step").text()

    assert card == f"Decide whether to assess by {_due(case)}"


def test_a_young_persons_own_pages_say_you_not_the_child(
    login, council, business_support, coordinator, manager
):
    young_person = factories.UserFactory(role=Role.YOUNG_PERSON, organisation=None, full_name="Daniel Young")
    case = factories.make_case(council=council, by=business_support, coordinator=coordinator)
    services.add_team_member(case=case, role=TeamRole.YOUNG_PERSON, user=young_person, by=manager)
    for step in ("start_assessment_decision", "agree_to_assess"):
        services.case_transition(case=case, name=step, by=coordinator)

    client = login(young_person)
    cards = Page(client.get(reverse("cases:list"), follow=True)).text
    detail = Page(client.get(reverse("cases:detail", args=[case.reference]), follow=True)).text
    involved = Page(client.get(reverse("portal:involved", args=[case.reference]))).text

    for where, text in (("case card", cards), ("case page", detail), ("who is involved", involved)):
        assert "the child" not in text, f"the young person's {where} calls them 'the child': {text}"
    for where, text in (("case card", cards), ("case page", detail)):
        assert "We are gathering advice from the people who know you." in text, where
    assert "Your case" in detail
    assert "Advice from the people who know you" in detail
