"""The lists staff work from: the coordinator's caseload, new requests waiting, and all of a council's cases.

A case's nearest deadline here is the 6-week decision whether to assess, so a case "due in N days" is one
received 42 - N days ago. Today is `timezone.localdate()`, the date the pages themselves use.
"""

import datetime
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from cases import services
from cases.models import Case
from tests import factories
from tests.cases.test_views import Page

pytestmark = pytest.mark.django_db

DECISION_WEEKS_IN_DAYS = 42
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fast_and_private(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def new_case(council, business_support, coordinator, today):
    """A case whose decision whether to assess falls due in `due_in` days (negative: already missed)."""

    def _make(due_in: int = 30, *, coordinator=coordinator, **kwargs):
        received = today + datetime.timedelta(days=due_in - DECISION_WEEKS_IN_DAYS)
        return factories.make_case(
            council=kwargs.pop("council", council),
            by=kwargs.pop("by", business_support),
            coordinator=coordinator,
            received_on=received,
            **kwargs,
        )

    return _make


def step(case, name, *, by, on, reason=""):
    services.case_transition(case=case, name=name, by=by, on=on, reason=reason)
    return Case.objects.get(pk=case.pk)


def close(case, *, by):
    return step(case, "withdraw", by=by, on=timezone.localdate(), reason="The family withdrew the request")


def rows(page: Page) -> list[dict]:
    """The case table as the user reads it: one dict per row, keyed by column heading."""
    assert page.status == 200
    table = page.root.find("table", data_testid="case-table")
    headings = [th.text() for th in table.find("thead").find_all("th")]
    out = []
    for cells in page.table("case-table"):
        if len(cells) == 1:  # "No cases match"
            continue
        row = dict(zip(headings, cells, strict=True))
        row["reference"] = re.search(r"EHC-\d{4}-\d{5}", row["Child"]).group()
        out.append(row)
    return out


def refs(page: Page) -> list[str]:
    return [row["reference"] for row in rows(page)]


def get(client, name: str, query: str = "") -> Page:
    return Page(client.get(reverse(name) + query))


# --- the coordinator's caseload --------------------------------------------------------------------------


def test_caseload_holds_only_my_open_cases_nearest_deadline_first(
    login, coordinator, council, manager, new_case, today
):
    someone_else = factories.staff(Role.COORDINATOR, council, full_name="Omar Other")
    green = new_case(30, first_name="Gina")
    missed = new_case(-8, first_name="Mo")
    amber = new_case(12, first_name="Abi")
    soon = new_case(4, first_name="Sol")
    new_case(1, coordinator=someone_else, first_name="Theirs")
    new_case(2, coordinator=None, first_name="Nobodys")
    close(new_case(0, first_name="Closed"), by=manager)

    page = get(login(coordinator), "cases:caseload")

    assert page.title.startswith("My caseload")
    assert refs(page) == [missed.reference, soon.reference, amber.reference, green.reference]
    assert [row["Urgency"] for row in rows(page)] == ["Red", "Red", "Amber", "Green"]
    first = rows(page)[0]
    missed_on = today - datetime.timedelta(days=8)
    assert first["Next deadline"] == f"{missed_on.day} {missed_on:%b %Y} Decide whether to assess"
    assert first["Stage"] == "Request received"
    assert "Coordinator" not in first
    assert page.root.find("caption").text() == "4 cases"


@pytest.mark.parametrize(
    ("due_in", "rag"),
    [(-1, "Red"), (0, "Red"), (7, "Red"), (8, "Amber"), (21, "Amber"), (22, "Green"), (40, "Green")],
)
def test_urgency_tag_per_row(login, coordinator, new_case, due_in, rag):
    case = new_case(due_in)

    (row,) = rows(get(login(coordinator), "cases:caseload"))

    assert (row["reference"], row["Urgency"]) == (case.reference, rag)


def test_next_step_says_what_has_to_happen_next(login, coordinator, new_case, today):
    def days_ago(n):
        return today - datetime.timedelta(days=n)

    received = new_case(30, first_name="Rina")
    deciding = step(
        new_case(20, first_name="Dara"), "start_assessment_decision", by=coordinator, on=days_ago(15)
    )
    assessing = step(
        step(new_case(10, first_name="Ade"), "start_assessment_decision", by=coordinator, on=days_ago(30)),
        "agree_to_assess",
        by=coordinator,
        on=days_ago(25),
    )
    draft = new_case(-60, first_name="Dami")
    for name, ago in [
        ("start_assessment_decision", 100),
        ("agree_to_assess", 90),
        ("start_issue_decision", 40),
        ("agree_to_issue", 30),
        ("serve_draft", 3),
    ]:
        draft = step(draft, name, by=coordinator, on=days_ago(ago))
    closes = days_ago(3) + datetime.timedelta(days=14)

    next_steps = {
        row["reference"]: row["Next step"] for row in rows(get(login(coordinator), "cases:caseload"))
    }

    assert next_steps == {
        received.reference: "Check the request and start the decision whether to assess",
        deciding.reference: "Decide whether to assess",
        assessing.reference: "Gather the advice and complete the assessment",
        draft.reference: f"Family comments due by {closes.day} {closes:%b %Y}",
    }


@pytest.fixture
def varied(new_case, coordinator, school):
    """Four of the coordinator's cases that differ in stage, urgency, school, name and date of birth."""
    other_school = factories.SchoolFactory(name="Hill Park School", council=school.council)
    amara = new_case(3, first_name="Amara", last_name="Okafor", school=school)
    bola = new_case(
        12,
        first_name="Bola",
        last_name="Adeyemi",
        date_of_birth=datetime.date(2016, 1, 2),
        school=other_school,
    )
    chidi = new_case(
        30,
        first_name="Chidi",
        last_name="Nwosu",
        date_of_birth=datetime.date(2015, 9, 9),
        school=other_school,
    )
    dayo = new_case(35, first_name="Dayo", last_name="Bello", date_of_birth=datetime.date(2018, 2, 3))
    dayo = step(dayo, "start_assessment_decision", by=coordinator, on=timezone.localdate())
    return {"amara": amara, "bola": bola, "chidi": chidi, "dayo": dayo, "other_school": other_school}


FILTERS = [
    pytest.param(lambda v: "?stage=deciding_to_assess", ["dayo"], id="stage"),
    pytest.param(lambda v: "?rag=red", ["amara"], id="rag-red"),
    pytest.param(lambda v: "?rag=amber", ["bola"], id="rag-amber"),
    pytest.param(lambda v: "?rag=green", ["chidi", "dayo"], id="rag-green"),
    pytest.param(lambda v: f"?school={v['other_school'].pk}", ["bola", "chidi"], id="school"),
    pytest.param(lambda v: "?q=aMa", ["amara"], id="first-name-prefix-any-case"),
    pytest.param(lambda v: "?q=bola+ade", ["bola"], id="full-name-prefix"),
    pytest.param(lambda v: "?q=ADEYEMI", ["bola"], id="whole-surname-any-case"),
    pytest.param(lambda v: "?q=adey", ["bola"], id="surname-prefix"),
    pytest.param(lambda v: f"?q={v['chidi'].reference.lower()}", ["chidi"], id="reference"),
    pytest.param(lambda v: "?q=14/05/2017", ["amara"], id="date-of-birth"),
    pytest.param(lambda v: "?q=+02/01/2016+", ["bola"], id="date-of-birth-with-spaces"),
    pytest.param(lambda v: f"?rag=green&school={v['other_school'].pk}", ["chidi"], id="filters-combine"),
    pytest.param(lambda v: "?q=zebedee", [], id="no-match"),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_caseload_filters_and_search(login, coordinator, varied, query, expected):
    page = get(login(coordinator), "cases:caseload", query(varied))

    assert refs(page) == [varied[name].reference for name in expected]
    if not expected:
        assert "No cases match. Try clearing the filters." in page.text


def test_caseload_pages_keep_the_filters(login, coordinator, new_case):
    cases = [new_case(40 - n, first_name=f"Pupil{n:02d}") for n in range(30)]
    nearest_first = [c.reference for c in reversed(cases)]
    client = login(coordinator)

    first = get(client, "cases:caseload", "?stage=request_received")
    second = get(client, "cases:caseload", "?stage=request_received&page=2")

    assert first.root.find("caption").text() == "30 cases"
    assert refs(first) == nearest_first[:25]
    assert refs(second) == nearest_first[25:]
    page_links = [href for href, _ in first.links() if "page=" in href]
    assert page_links, "no pagination links"
    for href in page_links:
        assert parse_qs(urlparse(href).query)["stage"] == ["request_received"], href
    assert any(parse_qs(urlparse(href).query)["page"] == ["2"] for href in page_links)


def test_caseload_is_only_for_coordinators(login, manager, business_support):
    assert login(manager).get(reverse("cases:caseload")).status_code == 404
    assert login(business_support).get(reverse("cases:caseload")).status_code == 404


# --- new requests waiting for a coordinator --------------------------------------------------------------


@pytest.fixture
def two_coordinators(council, new_case, manager):
    """Zara has the lighter open caseload (1 open, 3 closed); Bella has 2 open. Names sort the other way.

    Laura, the fixture coordinator, has no cases but has left: she must never be suggested.
    """
    zara = factories.staff(Role.COORDINATOR, council, full_name="Zara Light")
    bella = factories.staff(Role.COORDINATOR, council, full_name="Bella Busy")
    new_case(20, coordinator=zara, first_name="Zone")
    for n in range(3):
        close(new_case(20, coordinator=zara, first_name=f"Gone{n}"), by=manager)
    new_case(20, coordinator=bella, first_name="Busy1")
    new_case(20, coordinator=bella, first_name="Busy2")
    User.objects.filter(role=Role.COORDINATOR, full_name="Laura Coordinator").update(is_active=False)
    return zara, bella


def _unallocated_refs(page: Page) -> list[str]:
    found = (re.search(r"EHC-\d{4}-\d{5}", row[0]) for row in page.table("unallocated-table"))
    return [match.group() for match in found if match]


def test_new_requests_lists_unallocated_cases_first_and_suggests_the_lightest_caseload(
    login, business_support, coordinator, new_case, two_coordinators
):
    later = new_case(30, coordinator=None, first_name="Later")
    sooner = new_case(5, coordinator=None, first_name="Sooner")

    page = get(login(business_support), "cases:unallocated")

    assert page.status == 200
    # Waiting for a coordinator first, nearest deadline first; then requests still being checked.
    assert _unallocated_refs(page)[:2] == [sooner.reference, later.reference]
    assert "Suggested coordinator: Zara Light, who has the lightest caseload (1 open cases)." in page.text


def test_one_click_allocation_gives_the_case_to_the_suggested_coordinator(
    login, business_support, new_case, two_coordinators
):
    zara, _ = two_coordinators
    case = new_case(10, coordinator=None, first_name="Waiting")
    client = login(business_support)
    page = get(client, "cases:unallocated")
    action = reverse("cases:allocate", args=[case.reference])
    form = page.root.find("form", action=action)
    data = {i.attrs["name"]: i.attrs.get("value", "") for i in form.find_all("input")}
    assert data["coordinator"] == str(zara.pk)
    assert f"Allocate to Zara Light {case.reference}" in form.text()

    response = client.post(action, data)

    assert response.status_code == 302
    after = Page(client.get(response["Location"]))
    assert f"Zara Light is now the coordinator for {case.reference}." in after.success_banner
    # Still a new request until it is checked, but now with its coordinator and no one-click allocation.
    assert after.root.find("form", action=action) is None
    assert f"Change coordinator for {case.reference}" in after.text
    case.refresh_from_db()
    assert case.coordinator == zara
    assert case.reference in refs(get(login(zara), "cases:caseload"))


# --- the service manager's view of every case ------------------------------------------------------------


@pytest.fixture
def council_cases(new_case, council, other_council, manager, school, coordinator):
    omar = factories.staff(Role.COORDINATOR, council, full_name="Omar Other")
    mine = new_case(10, first_name="Laura1", school=school)
    omars = new_case(25, coordinator=omar, first_name="Omar1")
    nobody = new_case(3, coordinator=None, first_name="Nobody1")
    closed = close(new_case(30, first_name="Closed1"), by=manager)
    elsewhere = factories.make_case(council=other_council, first_name="Elsewhere")
    return {"mine": mine, "omars": omars, "nobody": nobody, "closed": closed, "elsewhere": elsewhere}


def test_all_cases_shows_every_open_case_of_the_council(login, manager, council_cases):
    page = get(login(manager), "cases:list")

    assert page.title.startswith("All cases")
    assert refs(page) == [council_cases[k].reference for k in ("nobody", "mine", "omars")]
    coordinators = {row["reference"]: row["Coordinator"] for row in rows(page)}
    assert coordinators == {
        council_cases["nobody"].reference: "Not allocated",
        council_cases["mine"].reference: "Laura Coordinator",
        council_cases["omars"].reference: "Omar Other",
    }
    assert ("?closed=1", "Include closed cases") in page.links()


def test_all_cases_can_include_closed_cases(login, manager, council_cases):
    client = login(manager)

    page = get(client, "cases:list", "?closed=1")

    assert set(refs(page)) == {council_cases[k].reference for k in ("nobody", "mine", "omars", "closed")}
    assert ("?closed=0", "Show open cases only") in page.links()
    withdrawn = get(client, "cases:list", "?closed=1&stage=withdrawn")
    assert refs(withdrawn) == [council_cases["closed"].reference]
    # Switching back keeps the other filters.
    assert ("?closed=0&stage=withdrawn", "Show open cases only") in withdrawn.links()
    assert [row["Urgency"] for row in rows(withdrawn)] == ["No deadline"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?rag=red", ["nobody"]),
        ("?rag=green", ["omars"]),
        ("?q=omar1", ["omars"]),
        ("?stage=withdrawn", []),
        ("SCHOOL", ["mine"]),
    ],
)
def test_all_cases_has_the_same_filters(login, manager, council_cases, school, query, expected):
    query = f"?school={school.pk}" if query == "SCHOOL" else query

    page = get(login(manager), "cases:list", query)

    assert refs(page) == [council_cases[name].reference for name in expected]


# --- the number of queries does not grow with the number of cases ----------------------------------------


def _queries_at_most(client, url: str, bound: int, django_assert_max_num_queries) -> int:
    """One view of the page within `bound` queries; returns how many it took."""
    client.get(url)  # warm the session and caches, so the count is what every later view costs
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# (page, who looks, who coordinates the cases it lists: the viewer, a mix, or nobody)
LISTS = [
    pytest.param("cases:caseload", "coordinator", "viewer", id="caseload"),
    pytest.param("cases:list", "manager", "mixed", id="all-cases"),
    pytest.param("cases:unallocated", "business_support", "nobody", id="unallocated"),
]


@pytest.mark.parametrize(("url_name", "viewer", "owner"), LISTS)
def test_list_pages_cost_the_same_queries_for_3_cases_as_for_40(
    request, client, django_assert_max_num_queries, new_case, school, url_name, viewer, owner
):
    user = request.getfixturevalue(viewer)
    omar = factories.staff(Role.COORDINATOR, school.council, full_name="Omar Other")
    other_school = factories.SchoolFactory(council=school.council)

    def add(n, start):
        for i in range(start, start + n):
            who = {"viewer": user, "nobody": None, "mixed": omar if i % 2 else None}[owner]
            new_case(i % 40, coordinator=who, first_name=f"Kid{i}", school=(school, other_school)[i % 2])

    add(3, 0)
    client.force_login(user)
    url = reverse(url_name)
    few = _queries_at_most(client, url, 15, django_assert_max_num_queries)

    add(37, 3)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
    shown = rows(Page(response)) if url_name != "cases:unallocated" else _unallocated_refs(Page(response))
    assert len(shown) == 25


def test_the_case_page_costs_the_same_queries_however_much_the_case_holds(
    client, django_assert_max_num_queries, coordinator, manager, new_case, school
):
    case = new_case(20, school=school)

    def add(n, start):
        for i in range(start, start + n):
            new_case(i % 40, first_name=f"Other{i}")
            services.add_document(
                case=case,
                upload=SimpleUploadedFile(f"report {i}.pdf", PDF_BYTES, content_type="application/pdf"),
                category="school_report",
                by=(coordinator, manager)[i % 2],
            )
            member = factories.UserFactory(role=Role.SENCO, organisation=factories.SchoolFactory())
            services.add_team_member(case=case, role="school", user=member, by=manager)
            services.record_exception(
                case=case,
                kind="personal_circumstances",
                starts_on=case.received_on,
                ends_on=case.received_on,
                reason=f"Reason {i}",
                by=(coordinator, manager)[i % 2],
            )

    add(3, 0)
    client.force_login(coordinator)
    url = reverse("cases:detail", args=[case.reference])
    few = _queries_at_most(client, url, 15, django_assert_max_num_queries)

    add(37, 3)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    page = Page(response)
    assert len(page.list_items("documents")) == 40
    assert len(page.list_items("exceptions")) == 40


def test_an_allocated_request_still_being_checked_is_a_new_request(
    login, business_support, new_case, coordinator
):
    allocated = new_case(10, coordinator=coordinator, first_name="Allocated")
    page = get(login(business_support), "cases:unallocated")
    assert allocated.reference in _unallocated_refs(page)
    services.case_transition(case=allocated, name="start_assessment_decision", by=coordinator)
    page = get(login(business_support), "cases:unallocated")
    assert allocated.reference not in _unallocated_refs(page)


def test_the_school_filter_is_a_govuk_select_like_the_others(login, manager, council_cases):
    response = login(manager).get(reverse("cases:list"))
    html = response.content.decode()
    school = re.search(r'<select name="school"[^>]*>', html)
    stage = re.search(r'<select name="stage"[^>]*>', html)
    assert school and stage, "the school and stage filters should both be on the page"
    assert 'class="govuk-select"' in stage.group(0)
    assert "govuk-select" in school.group(0), f"the school filter has no GOV.UK style: {school.group(0)}"
