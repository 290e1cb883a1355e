"""The specialist's inbox and the case page cost the same queries however many requests and advices they show
(the page budgets: under 15 queries, the same at 1,000 and 50,000 cases; bench/run.py measures them at scale)."""

import datetime

import pytest
from django.urls import reverse

from advice import services as advice_services
from advice.models import RequestStatus
from cases import selectors
from cases.workflow import Stage
from demo.advice import content as advice_content
from tests import factories

pytestmark = pytest.mark.django_db

BUDGET = 15


def _queries(client, url: str, bound: int, django_assert_max_num_queries) -> tuple[int, str]:
    """One view of the page within `bound` queries (after a warm-up view): the count and the page."""
    client.get(url)
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _assessing_case(council, coordinator):
    return factories.CaseFactory(stage=Stage.ASSESSING, council=council, coordinator=coordinator)


def test_the_inbox_costs_the_same_queries_for_3_requests_as_for_30(
    client, django_assert_max_num_queries, council, coordinator, ep, ep_lead, ep_team
):
    states = [RequestStatus.SENT, RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS]

    def ask(n, start):
        for i in range(start, start + n):
            case = _assessing_case(council, coordinator)
            request = advice_services.request_advice(
                case=case, kind="psychological", asked_team=ep_team, by=coordinator
            )
            request = advice_services.allocate_request(request=request, to=ep, by=ep_lead)
            if states[i % 3] != RequestStatus.SENT:
                request = advice_services.accept_request(request=request, by=ep)
            if states[i % 3] == RequestStatus.IN_PROGRESS:
                advice_services.save_advice(
                    request=request, by=ep, changes={"answers": {"methods": "Observed in class"}}
                )

    ask(3, 0)
    client.force_login(ep)
    url = reverse("advice:inbox")
    few, page = _queries(client, url, BUDGET - 1, django_assert_max_num_queries)
    assert "3 requests are waiting for you" in page

    ask(27, 3)
    many, page = _queries(client, url, few, django_assert_max_num_queries)
    assert "30 requests are waiting for you" in page
    assert many == few


def _give(case, kind: str, *, team, adviser, coordinator):
    request = advice_services.request_advice(case=case, kind=kind, asked_team=team, by=coordinator)
    request = advice_services.allocate_request(request=request, to=adviser, by=team.leads.first())
    assessed = selectors.today() - datetime.timedelta(days=3)
    full = advice_content(kind, assessed_on=assessed, child=case.child.legal_first_name)
    advice_services.save_advice(
        request=request, by=adviser, changes={k: v for k, v in full.items() if k != "declaration"}
    )
    advice_services.save_advice(request=request, by=adviser, changes={"declaration": True})
    advice_services.submit_advice(request=request, by=adviser)


def test_the_case_page_costs_the_same_queries_with_2_advices_as_with_12(
    client,
    django_assert_max_num_queries,
    council,
    coordinator,
    ep,
    ep_team,
    salt,
    salt_team,
    scheme,
):
    case = _assessing_case(council, coordinator)

    def give(n):
        for i in range(n):
            if i % 2:
                _give(case, "speech_and_language", team=salt_team, adviser=salt, coordinator=coordinator)
            else:
                _give(case, "psychological", team=ep_team, adviser=ep, coordinator=coordinator)

    give(2)
    client.force_login(coordinator)
    url = reverse("cases:detail", kwargs={"reference": case.reference})
    few, page = _queries(client, url, BUDGET - 1, django_assert_max_num_queries)

    give(10)
    many, page = _queries(client, url, few, django_assert_max_num_queries)
    assert page.count("Speech and language therapy advice") >= 6
    assert page.count("Psychological advice") >= 6
    assert many == few


def test_the_case_page_costs_the_same_queries_with_2_open_requests_as_with_12(
    client, django_assert_max_num_queries, council, coordinator, ep, ep_team, scheme
):
    """Open requests show "Record an exception" for each: the links must not cost a query each."""
    case = _assessing_case(council, coordinator)

    def ask(n):
        for _ in range(n):
            advice_services.request_advice(
                case=case,
                kind="psychological",
                asked_user=factories.UserFactory(
                    role="specialist", discipline="educational_psychology", organisation=council
                ),
                by=coordinator,
            )

    ask(2)
    client.force_login(coordinator)
    url = reverse("cases:detail", kwargs={"reference": case.reference})
    few, page = _queries(client, url, BUDGET - 1, django_assert_max_num_queries)
    assert page.count("Record an exception<span") == 2
    ask(10)
    many, page = _queries(client, url, few, django_assert_max_num_queries)
    assert page.count("Record an exception<span") == 12
    assert many == few
