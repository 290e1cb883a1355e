"""Who a new online request goes to: the council's rule (lightest caseload, or by school patch) and, if set, an EP."""

import pytest

from accounts.models import Discipline, Role
from cases import services as case_services
from cases.models import CaseTeamMember, TeamRole
from forms_ersa import services
from forms_ersa.allocation import allocation_for
from forms_ersa.models import AllocationRule, FormSettings, RequestDraft
from tests import factories
from tests.forms_ersa.conftest import PARENT_PAGES, TODAY, fill, start

pytestmark = pytest.mark.django_db


def _submit(client, council, school=None):
    pages = PARENT_PAGES
    if school is not None:
        pages = [
            (s, p, {**d, "school_id": str(school.pk), "setting_name": ""}) if p == "setting" else (s, p, d)
            for s, p, d in PARENT_PAGES
        ]
    draft = start(client, council)
    fill(client, draft, pages)
    return services.submit_request(draft=RequestDraft.objects.get(pk=draft.pk))


@pytest.fixture
def busy(council):
    """A coordinator who already has an open case, so is never the lightest."""
    person = factories.staff(Role.COORDINATOR, council, full_name="Aaron Busy")
    factories.make_case(council=council, coordinator=person, received_on=TODAY)
    return person


def _team(case, role):
    return {m.user for m in CaseTeamMember.objects.filter(case=case, role=role, user__isnull=False)}


def test_by_default_the_lightest_caseload_gets_the_request(client, council, coordinator, busy):
    case = _submit(client, council)
    assert case.coordinator == coordinator
    assert _team(case, TeamRole.COORDINATOR) == {coordinator}
    assert _team(case, TeamRole.SPECIALIST) == set()


def test_by_school_patch_the_patch_coordinator_gets_the_request(client, council, coordinator, busy, school):
    FormSettings.objects.create(
        council=council, allocation_rule=AllocationRule.SCHOOL_PATCH, school_patches={str(school.pk): busy.pk}
    )
    case = _submit(client, council, school=school)
    assert case.coordinator == busy
    assert _team(case, TeamRole.COORDINATOR) == {busy}


def test_a_school_without_a_patch_coordinator_falls_back_to_the_lightest(
    client, council, coordinator, busy, school
):
    other = factories.SchoolFactory(name="Hill Park School", council=council)
    FormSettings.objects.create(
        council=council, allocation_rule=AllocationRule.SCHOOL_PATCH, school_patches={str(other.pk): busy.pk}
    )
    case = _submit(client, council, school=school)
    assert case.coordinator == coordinator


def test_a_patch_coordinator_who_left_or_is_elsewhere_falls_back(
    council, other_council, coordinator, busy, school
):
    stranger = factories.staff(Role.COORDINATOR, other_council)
    row = FormSettings.objects.create(
        council=council,
        allocation_rule=AllocationRule.SCHOOL_PATCH,
        school_patches={str(school.pk): stranger.pk},
    )
    assert allocation_for(council_id=council.pk, school_id=school.pk).coordinator == coordinator
    busy.is_active = False
    busy.save()
    row.school_patches = {str(school.pk): busy.pk}
    row.save()
    assert allocation_for(council_id=council.pk, school_id=school.pk).coordinator == coordinator


def test_the_patch_rule_is_ignored_when_the_rule_is_lightest(council, coordinator, busy, school):
    FormSettings.objects.create(council=council, school_patches={str(school.pk): busy.pk})
    assert allocation_for(council_id=council.pk, school_id=school.pk).coordinator == coordinator


def test_an_ep_with_the_lightest_load_joins_the_team_when_set(client, council, coordinator, business_support):
    nhs = factories.SchoolFactory(name="Riverside Psychology Service", kind="nhs", council=council)
    loaded = factories.UserFactory(role=Role.SPECIALIST, organisation=council, full_name="Anna Loaded")
    free = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Zoe Free")
    factories.UserFactory(
        role=Role.SPECIALIST,
        organisation=council,
        full_name="Al Speech",
        discipline=Discipline.SPEECH_AND_LANGUAGE,
    )
    other = factories.make_case(council=council, by=business_support, received_on=TODAY)
    case_services.add_team_member(case=other, role=TeamRole.SPECIALIST, user=loaded, by=business_support)
    FormSettings.objects.create(council=council, allocate_ep=True)

    case = _submit(client, council)
    assert _team(case, TeamRole.SPECIALIST) == {free}
    assert case.coordinator == coordinator
    assert case.timeline.filter(summary__contains="Zoe Free joined the team").exists()


def test_no_ep_unless_set(client, council, coordinator):
    factories.UserFactory(role=Role.SPECIALIST, organisation=council, full_name="Zoe Free")
    FormSettings.objects.create(council=council, allocate_ep=False)
    case = _submit(client, council)
    assert _team(case, TeamRole.SPECIALIST) == set()


def test_bad_patches_are_refused_in_the_admin(council):
    from django.core.exceptions import ValidationError

    row = FormSettings(council=council, school_patches={"a school": "someone"})
    with pytest.raises(ValidationError) as error:
        row.clean()
    assert "school_patches" in error.value.message_dict
