"""Deny by default: who may open which case page, checked for every page and every kind of user.

Outsiders get 404, never 403: a case that is not yours does not exist, as far as you can tell.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from cases import services
from cases import urls as case_urls
from cases.models import AccessLog, CaseTeamMember, TeamRole
from tests import factories
from tests.cases.test_views import Page

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fast_and_private(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    case: object
    other_case: object
    document: object
    staff_document: object
    member: object
    professional: object
    users: dict


@pytest.fixture
def world(council, other_council, school, coordinator, manager, business_support, parent, senco):
    """One case, and one person of every kind who might try to open it."""
    case = factories.make_case(
        council=council, by=business_support, coordinator=coordinator, school=school, first_name="Amara"
    )
    factories.add_family_member(case, parent)

    other_parent = factories.UserFactory(role=Role.PARENT, organisation=None, full_name="Daniel Otherparent")
    other_case = factories.make_case(
        council=council, by=business_support, coordinator=coordinator, first_name="Bola", last_name="Adeyemi"
    )
    factories.add_family_member(other_case, other_parent)

    other_school = factories.SchoolFactory(name="Hill Park School", council=council)
    nhs = factories.SchoolFactory(name="Riverside NHS Trust", kind=OrganisationKind.NHS, council=council)
    specialist = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Howard Specialist")
    former = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Fiona Former")
    today = timezone.localdate()
    CaseTeamMember.objects.create(
        case=case,
        user=former,
        role=TeamRole.SPECIALIST,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=1),
    )

    # Taken off the team today through the page's own service: no access from that moment.
    removed = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Rita Removed")
    membership = services.add_team_member(case=case, role=TeamRole.SPECIALIST, user=removed, by=manager)
    services.end_team_membership(member=membership, by=manager)

    upload = SimpleUploadedFile("school report.pdf", PDF_BYTES, content_type="application/pdf")
    document = services.add_document(case=case, upload=upload, category="school_report", by=coordinator)
    upload = SimpleUploadedFile("staff notes.pdf", PDF_BYTES, content_type="application/pdf")
    staff_document = services.add_document(
        case=case, upload=upload, category="other", by=coordinator, visible_to_family=False
    )
    member = CaseTeamMember.objects.get(case=case, organisation=school)
    professional = services.add_involved_professional(
        case=case,
        details=services.ProfessionalDetails(name="Priya Shah", role="SLT", service="Riverside NHS Trust"),
        by=coordinator,
    )

    services.record_exception(
        case=case,
        kind="personal_circumstances",
        starts_on=today,
        ends_on=None,
        reason="Ongoing",
        by=coordinator,
    )

    deactivated = factories.staff(Role.COORDINATOR, council, full_name="Gone Coordinator")
    deactivated.is_active = False
    deactivated.save()

    users = {
        "anonymous": None,
        "coordinator": coordinator,
        "manager": manager,
        "business_support": business_support,
        "other_council_coordinator": factories.staff(Role.COORDINATOR, other_council, full_name="Hilda Hill"),
        "other_council_manager": factories.staff(Role.SERVICE_MANAGER, other_council, full_name="Hal Hill"),
        "parent_on_team": parent,
        "other_parent": other_parent,
        "senco_on_team": senco,
        "other_senco": factories.UserFactory(
            role=Role.SENCO, organisation=other_school, full_name="Sam Senco"
        ),
        "specialist_not_on_team": specialist,
        "panel_not_on_team": factories.staff(Role.PANEL_MEMBER, council, full_name="Sonia Panel"),
        "ended_member": former,
        "removed_today": removed,
        "deactivated": deactivated,
    }
    return World(case, other_case, document, staff_document, member, professional, users)


def _ongoing(w) -> int:
    return w.case.exceptions.get(ends_on__isnull=True).pk


# (method, url) for every page in cases/urls.py.
PAGES = {
    "list": ("get", lambda w: reverse("cases:list")),
    "caseload": ("get", lambda w: reverse("cases:caseload")),
    "unallocated": ("get", lambda w: reverse("cases:unallocated")),
    "log_request_get": ("get", lambda w: reverse("cases:log_request")),
    "log_request_post": ("post", lambda w: reverse("cases:log_request")),
    "detail": ("get", lambda w: reverse("cases:detail", args=[w.case.reference])),
    "transition_get": (
        "get",
        lambda w: reverse("cases:transition", args=[w.case.reference, "start_assessment_decision"]),
    ),
    "transition_post": (
        "post",
        lambda w: reverse("cases:transition", args=[w.case.reference, "start_assessment_decision"]),
    ),
    "allocate_get": ("get", lambda w: reverse("cases:allocate", args=[w.case.reference])),
    "allocate_post": ("post", lambda w: reverse("cases:allocate", args=[w.case.reference])),
    "upload_get": ("get", lambda w: reverse("cases:upload_document", args=[w.case.reference])),
    "upload_post": ("post", lambda w: reverse("cases:upload_document", args=[w.case.reference])),
    "download": (
        "get",
        lambda w: reverse("cases:download_document", args=[w.case.reference, w.document.pk]),
    ),
    "withdraw_get": (
        "get",
        lambda w: reverse("cases:withdraw_document", args=[w.case.reference, w.document.pk]),
    ),
    "withdraw_post": (
        "post",
        lambda w: reverse("cases:withdraw_document", args=[w.case.reference, w.document.pk]),
    ),
    "record_exception_get": ("get", lambda w: reverse("cases:record_exception", args=[w.case.reference])),
    "record_exception_post": ("post", lambda w: reverse("cases:record_exception", args=[w.case.reference])),
    "end_exception_get": (
        "get",
        lambda w: reverse("cases:end_exception", args=[w.case.reference, _ongoing(w)]),
    ),
    "end_exception_post": (
        "post",
        lambda w: reverse("cases:end_exception", args=[w.case.reference, _ongoing(w)]),
    ),
    "edit_child_get": ("get", lambda w: reverse("cases:edit_child", args=[w.case.reference])),
    "edit_child_post": ("post", lambda w: reverse("cases:edit_child", args=[w.case.reference])),
    "invite_to_case_get": ("get", lambda w: reverse("cases:invite_to_case", args=[w.case.reference])),
    "invite_to_case_post": ("post", lambda w: reverse("cases:invite_to_case", args=[w.case.reference])),
    "add_team_member_get": ("get", lambda w: reverse("cases:add_team_member", args=[w.case.reference])),
    "add_team_member_post": ("post", lambda w: reverse("cases:add_team_member", args=[w.case.reference])),
    "request_incomplete_get": ("get", lambda w: reverse("cases:request_incomplete", args=[w.case.reference])),
    "request_incomplete_post": (
        "post",
        lambda w: reverse("cases:request_incomplete", args=[w.case.reference]),
    ),
    "end_team_member_post": (
        "post",
        lambda w: reverse("cases:end_team_member", args=[w.case.reference, w.member.pk]),
    ),
    "add_professional_get": ("get", lambda w: reverse("cases:add_professional", args=[w.case.reference])),
    "add_professional_post": ("post", lambda w: reverse("cases:add_professional", args=[w.case.reference])),
    "withdraw_professional_post": (
        "post",
        lambda w: reverse("cases:withdraw_professional", args=[w.case.reference, w.professional.pk]),
    ),
}
# Pages that change what the others need, so they go last.
LAST = ("end_team_member_post", "withdraw_professional_post")
LIST_PAGES = {"list", "caseload", "unallocated", "log_request_get", "log_request_post"}
CASE_PAGES = set(PAGES) - LIST_PAGES

# What an allowed person gets: the page (GET), the form back with errors (an empty POST), or done (302).
ALLOWED = {name: 400 if method == "post" else 200 for name, (method, _) in PAGES.items()}
ALLOWED["end_team_member_post"] = 302
ALLOWED["withdraw_professional_post"] = 302
LOGIN = "login"
NOT_FOUND = 404


def expect(allowed: set[str]) -> dict[str, object]:
    return {page: ALLOWED[page] if page in allowed else NOT_FOUND for page in PAGES}


EVERY_PAGE = set(PAGES)
FAMILY_PAGES = {"list", "detail", "download", "upload_get", "upload_post"}
OUTSIDER_PAGES = {"list"}

EXPECTED = {
    "anonymous": dict.fromkeys(PAGES, LOGIN),
    "coordinator": expect(EVERY_PAGE),
    "manager": expect(EVERY_PAGE - {"caseload"}),
    "business_support": expect(
        EVERY_PAGE
        - {
            "caseload",
            "record_exception_get",
            "record_exception_post",
            "end_exception_get",
            "end_exception_post",
        }
    ),
    # Their own council's lists work for them; nothing of this council's case does.
    "other_council_coordinator": expect(LIST_PAGES),
    "other_council_manager": expect(LIST_PAGES - {"caseload"}),
    "parent_on_team": expect(FAMILY_PAGES),
    "other_parent": expect(OUTSIDER_PAGES),
    "senco_on_team": expect(FAMILY_PAGES),
    "other_senco": expect(OUTSIDER_PAGES),
    "specialist_not_on_team": expect(OUTSIDER_PAGES),
    "panel_not_on_team": expect(OUTSIDER_PAGES),
    "ended_member": expect(OUTSIDER_PAGES),
    "removed_today": expect(OUTSIDER_PAGES),
    "deactivated": dict.fromkeys(PAGES, LOGIN),
}

# A browser always sends the CSRF token, so even a form submitted blank is bound and answered with errors.
BLANK_FORM = {"csrfmiddlewaretoken": "sent-by-every-browser"}


def _visit(client, world, page: str) -> tuple[object, str]:
    method, url_for = PAGES[page]
    url = url_for(world)
    if method == "post":
        return client.post(url, BLANK_FORM), url
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith("/portal/"):
        # Families' pages moved to the portal: the old address takes them there, and the portal answers.
        response = client.get(response["Location"])
    return response, url


def _outcome_problem(response, url: str, outcome) -> str | None:
    if outcome == LOGIN:
        wanted = f"/accounts/login/?next={quote(url)}"
        if response.status_code != 302 or response.get("Location") != wanted:
            return f"wanted a redirect to {wanted}, got {response.status_code} {response.get('Location', '')}"
    elif response.status_code != outcome:
        return f"wanted {outcome}, got {response.status_code}"
    if response.status_code in (302, 403, 404):
        body = b"".join(getattr(response, "streaming_content", [response.content]))
        if b"Amara" in body:
            return "the refusal shows the child's name"
    return None


@pytest.mark.parametrize("role", list(EXPECTED))
def test_who_may_open_what(client, world, role):
    """Every page for one kind of user; every page that is wrong is listed in the failure."""
    user = world.users[role]
    problems = []
    for page in sorted(PAGES, key=lambda name: name in LAST):
        if user is not None:
            client.force_login(user)
        response, url = _visit(client, world, page)
        problem = _outcome_problem(response, url, EXPECTED[role][page])
        if problem:
            problems.append(f"{page}: {problem}")
    assert problems == []


def test_the_matrix_covers_every_case_page(world):
    """A page added to cases/urls.py without a row here would go untested: fail instead."""
    covered = {resolve(url_for(world)).url_name for _, url_for in PAGES.values()}

    assert covered == {pattern.name for pattern in case_urls.urlpatterns}


def test_outsiders_get_not_found_never_forbidden_for_a_staff_only_document(client, world):
    """A family-visible document opens for the family; a staff-only one does not exist for them."""
    url = reverse("cases:download_document", args=[world.case.reference, world.staff_document.pk])
    for role in ("parent_on_team", "senco_on_team", "other_parent", "other_council_coordinator"):
        client.force_login(world.users[role])
        assert client.get(url).status_code == 404, role
    client.force_login(world.users["coordinator"])
    assert client.get(url).status_code == 200


def test_a_document_of_another_case_cannot_be_reached_through_your_own_case(client, world):
    other_doc = services.add_document(
        case=world.other_case,
        upload=SimpleUploadedFile("bola.pdf", PDF_BYTES, content_type="application/pdf"),
        category="other",
        by=world.users["coordinator"],
    )
    client.force_login(world.users["parent_on_team"])

    response = client.get(reverse("cases:download_document", args=[world.case.reference, other_doc.pk]))

    assert response.status_code == 404


def test_a_deactivated_user_cannot_sign_in(client, world):
    deactivated = world.users["deactivated"]
    assert not client.login(email=deactivated.email, password=factories.PASSWORD)
    assert client.login(email=world.users["coordinator"].email, password=factories.PASSWORD)


def test_a_user_deactivated_while_signed_in_is_shut_out_at_once(client, world, coordinator):
    client.force_login(coordinator)
    url = reverse("cases:detail", args=[world.case.reference])
    assert client.get(url).status_code == 200

    coordinator.is_active = False
    coordinator.save()

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _references(page: Page) -> set[str]:
    return {ref for row in page.table("case-table") for ref in re.findall(r"EHC-\d{4}-\d{5}", row[0])}


def test_a_parent_sees_only_their_own_familys_cases(client, world):
    client.force_login(world.users["parent_on_team"])

    page = Page(client.get(reverse("cases:list"), follow=True))

    assert page.status == 200
    # Families get plain cards, one a case, rather than the staff table.
    assert set(re.findall(r"EHC-\d{4}-\d{5}", page.text)) == {world.case.reference}
    assert "Bola Adeyemi" not in page.text
    assert "Amara Okafor" in page.text
    assert "Where it is now" in page.text


def test_staff_lists_never_show_another_councils_cases(client, world):
    theirs = factories.make_case(council=world.users["other_council_coordinator"].organisation)
    client.force_login(world.users["other_council_manager"])

    page = Page(client.get(reverse("cases:list")))

    assert _references(page) == {theirs.reference}
    assert "Amara" not in page.text


def test_each_view_of_a_case_is_logged(client, world):
    parent = world.users["parent_on_team"]
    client.force_login(parent)
    url = reverse("portal:case", args=[world.case.reference])

    client.get(reverse("cases:detail", args=[world.case.reference]), follow=True)
    client.get(url)
    client.get(reverse("cases:download_document", args=[world.case.reference, world.document.pk]))

    logged = list(
        AccessLog.objects.order_by("at", "id").values_list("user", "case", "child", "action", "path")
    )
    child = world.case.child_id
    assert logged == [
        (parent.pk, world.case.pk, child, "view_case", url),
        (parent.pk, world.case.pk, child, "view_case", url),
        (
            parent.pk,
            world.case.pk,
            child,
            f"download_document:{world.document.pk}",
            reverse("cases:download_document", args=[world.case.reference, world.document.pk]),
        ),
    ]


def test_a_refused_look_is_not_logged_as_a_view(client, world):
    client.force_login(world.users["other_parent"])

    client.get(reverse("cases:detail", args=[world.case.reference]))

    assert not AccessLog.objects.exists()


def test_one_click_allocation_does_not_redirect_off_site(client, world, business_support):
    """The allocate form's `next` must be a page of this service, or anyone can craft a phishing hop."""
    unallocated = factories.make_case(council=world.case.council, by=business_support, first_name="Chidi")
    client.force_login(business_support)

    response = client.post(
        reverse("cases:allocate", args=[unallocated.reference]),
        {
            "coordinator": world.users["coordinator"].pk,
            "version": unallocated.version,
            "next": "https://evil.example/login",
        },
    )

    assert response.status_code == 302
    assert not response["Location"].startswith(("http://", "https://", "//"))


def test_ids_from_another_councils_case_cannot_be_used_through_your_own_case(client, world):
    """Staff of another council put our document and team-member ids behind their own case's reference."""
    intruder = world.users["other_council_coordinator"]
    theirs = factories.make_case(council=intruder.organisation, coordinator=intruder, first_name="Theirs")
    client.force_login(intruder)

    download = client.get(reverse("cases:download_document", args=[theirs.reference, world.document.pk]))
    withdraw = client.post(
        reverse("cases:withdraw_document", args=[theirs.reference, world.document.pk]),
        {"reason": "Not ours"},
    )
    end = client.post(reverse("cases:end_team_member", args=[theirs.reference, world.member.pk]))

    assert (download.status_code, withdraw.status_code, end.status_code) == (404, 404, 404)
    world.document.refresh_from_db()
    world.member.refresh_from_db()
    assert world.document.withdrawn_at is None
    assert world.member.ends_on is None


def test_a_case_cannot_be_given_to_another_councils_coordinator(client, world, manager):
    outsider = world.users["other_council_coordinator"]
    client.force_login(manager)

    response = client.post(
        reverse("cases:allocate", args=[world.case.reference]),
        {"coordinator": outsider.pk, "version": world.case.version},
    )

    assert response.status_code == 400
    world.case.refresh_from_db()
    assert world.case.coordinator == world.users["coordinator"]


def test_another_councils_staff_cannot_be_added_to_the_team(client, world, manager):
    outsider = world.users["other_council_manager"]
    client.force_login(manager)

    response = client.post(
        reverse("cases:add_team_member", args=[world.case.reference]),
        {"user": outsider.pk, "role": TeamRole.SPECIALIST},
    )

    assert response.status_code == 400
    assert not CaseTeamMember.objects.filter(case=world.case, user=outsider).exists()
    client.force_login(outsider)
    assert client.get(reverse("cases:detail", args=[world.case.reference])).status_code == 404
