"""The plan's pages read a fixed number of queries, however many items, versions or comments the plan has."""

import datetime

import pytest
from django.urls import reverse

from drafting import selectors, services

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _grow(case, coordinator, *, items: int, comments: int):
    version = selectors.latest_version(case=case)
    for n in range(items):
        version = services.add_item(
            version=version,
            section="F",
            fields={
                "what": f"Extra support {n}",
                "who": "Teaching assistant",
                "frequency": "Daily",
                "duration": "1 hour, for a year",
                "group_size": "1:1",
            },
            by=coordinator,
            expected_version=None,
        )
    if comments:
        if version.sent_on is None and version.kind == "draft":
            services.send_draft(version=version, by=coordinator, override_reason="Agreed")
        for n in range(comments):
            comment = services.record_family_comment(
                case=case, by=coordinator, section="F", text=f"Comment {n}", received_on=TODAY
            )
            services.answer_comment(comment=comment, outcome="agreed", reason="Changed", by=coordinator)


@pytest.mark.parametrize(
    "page",
    ["plan", "section", "comments", "case", "panel"],
)
def test_plan_pages_do_not_grow_with_the_plan(
    client, coordinator, advised_case, draft, page, django_assert_max_num_queries
):
    client.force_login(coordinator)
    ref = advised_case.reference

    def url():
        version = selectors.latest_version(case=advised_case)
        return {
            "plan": reverse("drafting:plan", args=[ref]),
            "section": reverse("drafting:section", args=[version.pk, "F"]),
            "comments": reverse("drafting:comments", args=[ref]),
            "case": reverse("cases:detail", args=[ref]),
            "panel": reverse("drafting:panel", args=[ref]),
        }[page]

    _grow(advised_case, coordinator, items=1, comments=1)
    client.get(url())
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as small:
        assert client.get(url()).status_code == 200
    _grow(advised_case, coordinator, items=8, comments=6)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url()).status_code == 200


def test_the_api_list_does_not_grow_with_plans(
    client, coordinator, advised_case, draft, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("api:plan-list")).status_code == 200


def test_the_plan_panel_adds_no_query_to_the_case_page(client, coordinator, advised_case, draft):
    """The case page keeps its budget: the panel's detail is fetched by the page once shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases import panels

    with CaptureQueriesContext(connection) as queries:
        context = [p for p in panels.for_case(case=advised_case, user=coordinator) if p.key == "plan"]
    assert context and not [q for q in queries if "drafting_" in q["sql"]]


def test_the_quality_report_is_counted_in_the_database(
    client, manager, advised_case, draft, coordinator, django_assert_max_num_queries
):
    _grow(advised_case, coordinator, items=3, comments=0)
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("drafting:quality"))
    assert page.status_code == 200 and "Laura Coordinator" in page.content.decode()
