"""The access matrix, read from the one policy (accounts.policy.ACTIONS).

For every action and every role the policy's answer is checked; for every case page (cases/urls.py) and the staff
pages of notifications and accounts, each person gets the page exactly when `can()` says so, and "not found"
(404, never 403) otherwise, including council staff of another council and another child's family. A new action
or a new page fails here until it is in the table and in PAGES below.
"""

import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse

from accounts import policy as account_policy
from accounts.models import OrganisationKind, Role
from cases import policy, selectors, services, workflow
from cases import urls as case_urls
from cases.models import CaseTeamMember, TeamRole
from tests import factories

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

# The casework an administrator is never shown (issue: three links that led to "Page not found").
CASEWORK = {"allocate", "edit_child", "invite_to_case", "manage_team", "withdraw_document", "mark_incomplete"}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- the table itself ------------------------------------------------------------------------------------------


def test_every_action_is_described_and_names_only_known_roles():
    for name, rule in account_policy.ACTIONS.items():
        assert rule.description.strip(), name
        assert rule.roles <= set(Role), name


@pytest.mark.parametrize("action", sorted(account_policy.ACTIONS))
@pytest.mark.parametrize("role", list(Role))
def test_the_policy_answers_for_every_action_and_role(action, role, council):
    rule = account_policy.ACTIONS[action]
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=council)
    home = council if role in account_policy.COUNCIL_STAFF else nhs
    person = factories.UserFactory(role=role, organisation=home)
    assert account_policy.role_may(person, action) is (role in rule.roles)

    # The same role employed outside a council never takes a council-staff action.
    elsewhere = factories.UserFactory(role=role, organisation=nhs)
    assert account_policy.role_may(elsewhere, action) is (role in rule.roles and not rule.council_staff)

    person.is_active = False
    assert account_policy.role_may(person, action) is False


def test_the_administrator_manages_staff_and_does_no_casework():
    for action in CASEWORK | {"transition", "record_exception", "record_professionals", "upload_document"}:
        assert Role.ADMINISTRATOR not in account_policy.ACTIONS[action].roles, action
    assert Role.ADMINISTRATOR in account_policy.ACTIONS["manage_staff"].roles
    assert Role.ADMINISTRATOR in account_policy.ACTIONS["view_case"].roles


def test_the_workflow_names_deciders_only_among_those_the_policy_lets_move_cases():
    for step in workflow.TRANSITIONS.values():
        assert step.roles <= account_policy.ACTIONS["transition"].roles, step.name


def test_an_unknown_action_is_an_error_not_a_quiet_no(coordinator):
    with pytest.raises(account_policy.UnknownAction):
        account_policy.role_may(coordinator, "delete_everything")


# --- one world: a case, and one person of every role and every kind of outsider --------------------------------


@dataclass
class World:
    case: object
    document: object
    professional: object
    member: object
    people: dict
    exception: object = None


def _world(
    council, other_council, school, coordinator, business_support, manager, administrator, parent, senco
):
    case = factories.make_case(council=council, by=business_support, coordinator=coordinator, school=school)
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=council, name="Riverside NHS Trust")
    charity = factories.SchoolFactory(
        kind=OrganisationKind.CHARITY, council=council, name="Parent Partnership"
    )
    specialist = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Howard Specialist")
    panel = factories.staff(Role.PANEL_MEMBER, council, full_name="Pamela Panel")
    young_person = factories.UserFactory(role=Role.YOUNG_PERSON, organisation=None, full_name="Young Okafor")
    supporter = factories.UserFactory(role=Role.SUPPORTER, organisation=charity, full_name="Sonia Supporter")
    for user, role in (
        (parent, TeamRole.FAMILY),
        (young_person, TeamRole.YOUNG_PERSON),
        (specialist, TeamRole.SPECIALIST),
        (panel, TeamRole.PANEL),
        (supporter, TeamRole.SUPPORTER),
    ):
        services.add_team_member(case=case, role=role, user=user, by=manager)
    upload = SimpleUploadedFile("school report.pdf", PDF_BYTES, content_type="application/pdf")
    document = services.add_document(case=case, upload=upload, category="school_report", by=coordinator)
    professional = services.add_involved_professional(
        case=case,
        details=services.ProfessionalDetails(name="Priya Shah", role="SLT", service="Riverside NHS Trust"),
        by=coordinator,
    )
    member = CaseTeamMember.objects.get(case=case, user=supporter)

    other_family = factories.UserFactory(role=Role.PARENT, organisation=None, full_name="Daniel Otherparent")
    other_case = factories.make_case(council=council, by=business_support, first_name="Bola")
    factories.add_family_member(other_case, other_family)

    people = {
        Role.COORDINATOR: coordinator,
        Role.BUSINESS_SUPPORT: business_support,
        Role.SERVICE_MANAGER: manager,
        Role.ADMINISTRATOR: administrator,
        Role.SPECIALIST: specialist,
        Role.PANEL_MEMBER: panel,
        Role.PARENT: parent,
        Role.YOUNG_PERSON: young_person,
        Role.SENCO: senco,
        Role.SUPPORTER: supporter,
        "other_council_coordinator": factories.staff(Role.COORDINATOR, other_council, full_name="Hilda Hill"),
        "other_council_manager": factories.staff(Role.SERVICE_MANAGER, other_council, full_name="Hal Hill"),
        "other_council_administrator": factories.staff(
            Role.ADMINISTRATOR, other_council, full_name="Al Hill"
        ),
        "other_family": other_family,
        "other_senco": factories.UserFactory(
            role=Role.SENCO,
            organisation=factories.SchoolFactory(name="Hill Park School", council=council),
            full_name="Sam Senco",
        ),
    }
    # An ongoing exception, for the page that ends one.
    exception = services.record_exception(
        case=case,
        kind="personal_circumstances",
        starts_on=case.received_on,
        ends_on=None,
        reason="The family are in hospital with the child",
        by=coordinator,
    )
    return World(case, document, professional, member, people, exception)


@pytest.fixture
def world(
    council, other_council, school, coordinator, business_support, manager, administrator, parent, senco
):
    return _world(
        council, other_council, school, coordinator, business_support, manager, administrator, parent, senco
    )


WHO = [*Role, "other_council_coordinator", "other_council_manager", "other_council_administrator"]
WHO += ["other_family", "other_senco"]

# Every page in cases/urls.py: (the policy action that opens it, its URL, how to ask for it).
STEP = "start_assessment_decision"
CASE_PAGES = {
    "list": ("list_cases", lambda w: reverse("cases:list"), "get"),
    "caseload": ("view_caseload", lambda w: reverse("cases:caseload"), "get"),
    "unallocated": ("view_new_requests", lambda w: reverse("cases:unallocated"), "get"),
    "log_request": ("log_request", lambda w: reverse("cases:log_request"), "get"),
    "detail": ("view_case", lambda w: reverse("cases:detail", args=[w.case.reference]), "get"),
    "transition": ("transition", lambda w: reverse("cases:transition", args=[w.case.reference, STEP]), "get"),
    "edit_child": ("edit_child", lambda w: reverse("cases:edit_child", args=[w.case.reference]), "get"),
    "allocate": ("allocate", lambda w: reverse("cases:allocate", args=[w.case.reference]), "get"),
    "request_incomplete": (
        "mark_incomplete",
        lambda w: reverse("cases:request_incomplete", args=[w.case.reference]),
        "get",
    ),
    "upload_document": (
        "upload_document",
        lambda w: reverse("cases:upload_document", args=[w.case.reference]),
        "get",
    ),
    "download_document": (
        "view_case",
        lambda w: reverse("cases:download_document", args=[w.case.reference, w.document.pk]),
        "get",
    ),
    "withdraw_document": (
        "withdraw_document",
        lambda w: reverse("cases:withdraw_document", args=[w.case.reference, w.document.pk]),
        "get",
    ),
    "record_exception": (
        "record_exception",
        lambda w: reverse("cases:record_exception", args=[w.case.reference]),
        "get",
    ),
    "end_exception": (
        "record_exception",
        lambda w: reverse("cases:end_exception", args=[w.case.reference, w.exception.pk]),
        "get",
    ),
    "invite_to_case": (
        "invite_to_case",
        lambda w: reverse("cases:invite_to_case", args=[w.case.reference]),
        "get",
    ),
    "add_team_member": (
        "manage_team",
        lambda w: reverse("cases:add_team_member", args=[w.case.reference]),
        "get",
    ),
    "add_professional": (
        "record_professionals",
        lambda w: reverse("cases:add_professional", args=[w.case.reference]),
        "get",
    ),
    "withdraw_professional": (
        "record_professionals",
        lambda w: reverse("cases:withdraw_professional", args=[w.case.reference, w.professional.pk]),
        "post",
    ),
    "end_team_member": (
        "manage_team",
        lambda w: reverse("cases:end_team_member", args=[w.case.reference, w.member.pk]),
        "get",
    ),
}
# Staff pages of the apps below cases, which read the same table.
STAFF_PAGES = {
    "notifications:templates": ("preview_templates", lambda w: reverse("notifications:templates"), "get"),
    "notifications:failures": ("follow_up_failures", lambda w: reverse("notifications:failures"), "get"),
    "accounts:staff_list": ("manage_staff", lambda w: reverse("accounts:staff_list"), "get"),
    "accounts:staff_add": ("manage_staff", lambda w: reverse("accounts:staff_add"), "get"),
    "accounts:invite": ("invite_people", lambda w: reverse("accounts:invite"), "get"),
}
PAGES = {**CASE_PAGES, **STAFF_PAGES}


def test_every_case_page_is_in_the_matrix():
    names = {p.name for p in case_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(CASE_PAGES), "add the new page to CASE_PAGES with the action that opens it"
    for action, _url, _method in PAGES.values():
        assert action in account_policy.ACTIONS


def _expected(user, page: str, world: World) -> bool:
    action = PAGES[page][0]
    if not policy.can(user, action, world.case):
        return False
    if page == "transition":
        # The policy says who may move cases; the workflow says who decides this step.
        facts = selectors.case_facts(world.case)
        return STEP in {t.name for t in workflow.allowed_transitions(facts=facts, role=user.role)}
    return True


def test_each_person_gets_exactly_the_pages_the_policy_allows(world, client):
    # One world for everyone (building it is the slow part); POST-only pages last, as they change it.
    answers, wanted = {}, {}
    for who in WHO:
        user = world.people[who]
        # Someone allowed takes the professional off the case: each person gets one to try with.
        world.professional = services.add_involved_professional(
            case=world.case,
            details=services.ProfessionalDetails(
                name="Priya Shah", role="SLT", service="Riverside NHS Trust"
            ),
            by=world.people[Role.COORDINATOR],
        )
        client.force_login(user)
        answers[who], wanted[who] = _pages_for(user, world, client)
    assert answers == wanted


def _pages_for(user, world, client) -> tuple[dict, dict]:
    answers, wanted = {}, {}
    for page, (_action, url, method) in sorted(PAGES.items(), key=lambda item: item[1][2] == "post"):
        response = getattr(client, method)(url(world))
        if method == "get" and response.status_code == 302 and response["Location"].startswith("/portal/"):
            # Families' pages moved to the portal: the old address takes them there, and the portal decides.
            response = client.get(response["Location"])
        status = response.status_code
        # A page answers (200); a POST-only action is done (302) or explains what is missing (400).
        answers[page] = "answers" if status in ((200,) if method == "get" else (302, 400)) else status
        wanted[page] = "answers" if _expected(user, page, world) else 404
    return answers, wanted


def test_the_api_answers_a_case_exactly_when_the_policy_allows(world, client):
    url = reverse("api:case-detail", kwargs={"reference": world.case.reference})
    answers, wanted = {}, {}
    for who in WHO:
        user = world.people[who]
        client.force_login(user)
        answers[who] = client.get(url).status_code
        wanted[who] = 200 if policy.can(user, "view_case", world.case) else 404
    assert answers == wanted


def test_every_service_refuses_what_the_policy_refuses(world):
    """The services ask the same table as the pages: the two can never disagree."""
    for who in WHO:
        _check_services(world.people[who], world)


def _check_services(user, world):
    checks = {
        "allocate": lambda: services.allocate_coordinator(
            case=world.case, coordinator=world.people[Role.COORDINATOR], by=user
        ),
        "mark_incomplete": lambda: services.mark_request_incomplete(case=world.case, reason="", by=user),
        "record_professionals": lambda: services.add_involved_professional(
            case=world.case,
            details=services.ProfessionalDetails(name="", role="", service=""),
            by=user,
        ),
        "withdraw_document": lambda: services.withdraw_document(document=world.document, reason="", by=user),
        "manage_team": lambda: services.add_team_member(case=world.case, role="", by=user),
        "invite_to_case": lambda: services.invite_to_case(
            case=world.case, email="x@example.org", full_name="X", role="", by=user
        ),
    }
    for action, attempt in checks.items():
        allowed = policy.can(user, action, world.case)
        try:
            attempt()
        except policy.NotAllowed:
            assert not allowed, action
        except services.ServiceError:
            # Allowed in, then refused for the (deliberately empty) input.
            assert allowed, action
        else:
            assert allowed, action


# --- every link a person is shown answers -------------------------------------------------------------------

FOLLOWED = ("/cases/", "/notifications/", "/accounts/staff", "/accounts/invite")
HREF = re.compile(r'href="(/[^"#]*)"')


def _links(html: str) -> set[str]:
    return {href.replace("&amp;", "&") for href in HREF.findall(html)}


def test_every_link_on_the_case_page_answers(world, client):
    broken = {}
    for who in Role:
        client.force_login(world.people[who])
        # Families land on the portal's page about the case; its links must answer too.
        page = client.get(reverse("cases:detail", args=[world.case.reference]), follow=True)
        assert page.status_code == 200, who
        links = [href for href in sorted(_links(page.content.decode())) if href.startswith(FOLLOWED)]
        assert links, "the page links at least the navigation"
        for href in links:
            status = client.get(href).status_code
            if status >= 400:
                broken[(str(who), href)] = status
    assert broken == {}


def test_no_casework_link_is_shown_to_people_who_may_not_do_casework(world, client):
    for who in (Role.ADMINISTRATOR, Role.SPECIALIST, Role.PANEL_MEMBER, Role.PARENT, Role.SENCO):
        client.force_login(world.people[who])
        html = client.get(reverse("cases:detail", args=[world.case.reference])).content.decode()
        for name in ("allocate", "edit_child", "invite_to_case", "add_team_member", "request_incomplete"):
            assert reverse(f"cases:{name}", args=[world.case.reference]) not in html, (who, name)
        assert "/withdraw/" not in html, who
        assert "/team/" not in html, who


def test_the_navigation_links_only_pages_the_person_may_open(world, client):
    for who in Role:
        user = world.people[who]
        client.force_login(user)
        html = client.get(reverse("cases:list")).content.decode()
        for href in _links(html):
            if href.startswith(FOLLOWED):
                assert client.get(href).status_code < 400, (who, href)


def test_an_ended_membership_loses_every_page_the_same_day(world, client):
    supporter = world.people[Role.SUPPORTER]
    services.end_team_membership(member=world.member, by=world.people[Role.SERVICE_MANAGER])
    assert not policy.can(supporter, "view_case", world.case)
    client.force_login(supporter)
    assert client.get(reverse("cases:detail", args=[world.case.reference]), follow=True).status_code == 404
