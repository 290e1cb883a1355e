"""Only service managers reach the records pages, and only their own council's rows: everyone else gets 404.

Every page (records/urls.py) for every role and for another council's manager, GET and POST.
"""

import datetime

import pytest
from django.urls import URLPattern, reverse

from accounts import policy
from accounts.models import OrganisationKind, Role
from cases import services as case_services
from cases.models import TeamRole
from cases.workflow import Stage
from records import services
from records import urls as record_urls
from records.models import Disposal, RetentionRule, SubjectAccessExport
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    council, other_council, school, coordinator, business_support, manager, administrator, parent, senco
):
    case = factories.CaseFactory(
        stage=Stage.WITHDRAWN,
        council=council,
        logged_by=business_support,
        coordinator=coordinator,
        received_on=datetime.date.today() - datetime.timedelta(days=8 * 365),
        first_name="Bola",
    )
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=council)
    specialist = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs)
    panel = factories.staff(Role.PANEL_MEMBER, council)
    young_person = factories.UserFactory(role=Role.YOUNG_PERSON, organisation=None)
    supporter = factories.UserFactory(role=Role.SUPPORTER, organisation=None)
    export = SubjectAccessExport.objects.create(council=council, child=case.child, requested_by=manager)
    services.sweep_retention()
    hold = services.place_hold(reference=case.reference, kind="tribunal", reason="Appeal", by=manager)
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
        "other_council_manager": factories.staff(Role.SERVICE_MANAGER, other_council),
    }
    return {
        "case": case,
        "export": export,
        "hold": hold,
        "disposal": Disposal.objects.get(),
        "rule": RetentionRule.objects.get(council=council, record_type="no_plan"),
        "people": people,
    }


PAGES = {
    "index": ("export_subject_access", lambda w: reverse("records:index"), False),
    "export_new": ("export_subject_access", lambda w: reverse("records:export_new"), False),
    "export": ("export_subject_access", lambda w: reverse("records:export", args=[w["export"].pk]), True),
    # Not ready: nobody downloads it, whoever they are.
    "export_download": (None, lambda w: reverse("records:export_download", args=[w["export"].pk]), True),
    "retention": ("manage_retention", lambda w: reverse("records:retention"), False),
    "sweep_now": ("manage_retention", lambda w: reverse("records:sweep_now"), False),
    "rule": ("manage_retention", lambda w: reverse("records:rule", args=[w["rule"].pk]), True),
    "disposal": ("manage_retention", lambda w: reverse("records:disposal", args=[w["disposal"].pk]), True),
    "hold_new": ("place_legal_hold", lambda w: reverse("records:hold_new"), False),
    "hold_lift": ("place_legal_hold", lambda w: reverse("records:hold_lift", args=[w["hold"].pk]), True),
    # The holds part of the case page: every member of the council's staff sees a hold on their council's case.
    "case_holds": ("list_all_cases", lambda w: reverse("records:case_holds", args=[w["case"].reference]), True),
}


FORMS = {"export_new", "rule", "disposal", "hold_new", "hold_lift"}


def test_every_records_page_is_here():
    assert {p.name for p in record_urls.urlpatterns if isinstance(p, URLPattern)} == set(PAGES)


def test_only_managers_of_the_council_reach_the_records_pages(
    world, client, council, django_capture_on_commit_callbacks
):
    answers, wanted = {}, {}
    for who, user in world["people"].items():
        client.force_login(user)
        for page, (action, url, own_council_row) in PAGES.items():
            may = action is not None and policy.role_may(user, action) and policy.council_of(user) is not None
            if own_council_row and policy.council_of(user) != council:
                may = False
            get = client.get(url(world)).status_code
            if page == "sweep_now":
                with django_capture_on_commit_callbacks(execute=True):
                    get = client.post(url(world)).status_code
                answers[(str(who), page)] = get
                wanted[(str(who), page)] = 302 if may else 404
                continue
            answers[(str(who), page)] = get
            wanted[(str(who), page)] = 200 if may else 404
            if not may and page in FORMS:
                data = {
                    "reason": "x",
                    "decision": "approve",
                    "version": 1,
                    "reference": world["case"].reference,
                }
                assert client.post(url(world), data).status_code == 404, (who, page)
    assert answers == wanted


def test_the_records_actions_are_for_managers_only():
    for action in ("export_subject_access", "manage_retention", "place_legal_hold"):
        assert policy.ACTIONS[action].roles == {Role.SERVICE_MANAGER}, action


def test_services_refuse_everyone_else(world):
    for who, user in world["people"].items():
        if who == Role.SERVICE_MANAGER:
            continue
        with pytest.raises(case_services.ServiceError):
            services.request_export(reference=world["case"].reference, by=user)
        with pytest.raises(case_services.ServiceError):
            services.place_hold(reference=world["case"].reference, kind="tribunal", reason="x", by=user)
        with pytest.raises(case_services.ServiceError):
            services.lift_hold(hold=world["hold"], reason="x", by=user)
        with pytest.raises(case_services.ServiceError):
            services.decide_disposal(
                disposal=world["disposal"], approve=True, note="", expected_version=1, by=user
            )
        with pytest.raises(case_services.ServiceError):
            services.change_rule(
                rule=world["rule"],
                years=5,
                basis="closure",
                method="anonymise",
                source="",
                expected_version=1,
                by=user,
            )


def test_a_manager_of_the_team_is_not_enough_for_a_specialist(world):
    """Being on the case team gives no records access: only the role does."""
    specialist = world["people"][Role.SPECIALIST]
    case_services.add_team_member(
        case=world["case"],
        role=TeamRole.SPECIALIST,
        user=specialist,
        by=world["people"][Role.SERVICE_MANAGER],
    )
    with pytest.raises(case_services.ServiceError):
        services.request_export(reference=world["case"].reference, by=specialist)
