"""The case team: a role is chosen (never defaulted) and must fit the person's account; removal is confirmed, and
the coordinator leaves the team only when someone else is allocated."""

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind, Role
from cases import selectors, services
from cases.models import CaseTeamMember, TeamRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def specialist(council):
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=council, name="Riverside NHS Trust")
    return factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Howard Specialist")


def _members(case, user):
    return CaseTeamMember.objects.filter(case=case, user=user, ends_on__isnull=True)


def test_the_role_is_not_chosen_for_you(case, coordinator, client):
    client.force_login(coordinator)
    html = client.get(reverse("cases:add_team_member", args=[case.reference])).content.decode()
    role_select = html[html.index('name="role"') : html.index("</select>", html.index('name="role"'))]
    assert '<option value="" selected>' in role_select
    assert 'value="family" selected' not in role_select
    # The coordinator is chosen with "Change coordinator", not here.
    assert 'value="coordinator"' not in role_select


def test_leaving_the_role_empty_says_to_choose_it(case, coordinator, specialist, client):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:add_team_member", args=[case.reference]), {"user": specialist.pk, "role": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["role"] == ["Select their role on the case"]
    assert not _members(case, specialist).exists()


def test_council_staff_cannot_join_as_the_family(case, coordinator, business_support, client):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:add_team_member", args=[case.reference]),
        {"user": business_support.pk, "role": "family"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Corinne Support is council staff" in errors["user"][0]
    assert not _members(case, business_support).exists()


def test_a_role_that_does_not_fit_the_account_names_the_one_that_does(case, coordinator, specialist, client):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:add_team_member", args=[case.reference]), {"user": specialist.pk, "role": "family"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["role"] == [
        "Howard Specialist has a specialist account, so their role on the case can only be specialist"
    ]


def test_a_fitting_role_joins_the_team(case, coordinator, specialist, client):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:add_team_member", args=[case.reference]), {"user": specialist.pk, "role": "specialist"}
    )
    assert response.status_code == 302
    assert _members(case, specialist).get().role == TeamRole.SPECIALIST


@pytest.mark.parametrize(
    ("role", "team_role", "fits"),
    [
        (Role.PARENT, TeamRole.FAMILY, True),
        (Role.PARENT, TeamRole.SCHOOL, False),
        (Role.YOUNG_PERSON, TeamRole.YOUNG_PERSON, True),
        (Role.SENCO, TeamRole.SCHOOL, True),
        (Role.SENCO, TeamRole.FAMILY, False),
        (Role.SUPPORTER, TeamRole.SUPPORTER, True),
        (Role.SPECIALIST, TeamRole.SPECIALIST, True),
        (Role.PANEL_MEMBER, TeamRole.PANEL, True),
        (Role.COORDINATOR, TeamRole.COORDINATOR, False),
        (Role.BUSINESS_SUPPORT, TeamRole.FAMILY, False),
        (Role.ADMINISTRATOR, TeamRole.SUPPORTER, False),
    ],
)
def test_the_one_rule_for_which_roles_fit_which_accounts(role, team_role, fits):
    person = factories.UserFactory.build(role=role, full_name="Pat")
    assert (services.team_role_problem(user=person, role=team_role) is None) is fits


def test_removal_is_confirmed_first(case, coordinator, specialist, client):
    member = services.add_team_member(case=case, role=TeamRole.SPECIALIST, user=specialist, by=coordinator)
    client.force_login(coordinator)
    detail = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    url = reverse("cases:end_team_member", args=[case.reference, member.pk])
    assert f'href="{url}"' in detail  # a link to a question, not a one-click form

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Remove Howard Specialist from the team?" in confirm.content.decode()
    assert _members(case, specialist).exists()

    done = client.post(url)
    assert done.status_code == 302
    assert not _members(case, specialist).exists()


def test_the_coordinator_changes_through_allocation_only(case, coordinator, client):
    member = CaseTeamMember.objects.get(case=case, user=coordinator, ends_on__isnull=True)
    client.force_login(coordinator)
    detail = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    url = reverse("cases:end_team_member", args=[case.reference, member.pk])
    assert url not in detail
    assert "Change coordinator" in detail

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "To change who it is, use Change coordinator" in html
    assert reverse("cases:allocate", args=[case.reference]) in html

    refused = client.post(url)
    assert refused.status_code == 400
    assert _members(case, coordinator).exists()
    assert selectors.caseload(user=coordinator, filters=selectors.CaseFilters()).filter(pk=case.pk).exists()

    with pytest.raises(services.ServiceError, match="Change coordinator"):
        services.end_team_membership(member=member, by=coordinator)
