import re

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Invitation, Organisation, Role, User
from cases.models import (
    AccessLog,
    Case,
    CaseDocument,
    CaseTeamMember,
    Child,
    Deadline,
    DeadlineException,
    FamilyContact,
    TimelineEvent,
)
from tests import factories
from tests.accounts.builders import make_invitation

pytestmark = pytest.mark.django_db

ACCOUNT_MODELS = [Organisation, User, Invitation]
CASE_MODELS = [
    Child,
    FamilyContact,
    Case,
    CaseTeamMember,
    Deadline,
    DeadlineException,
    TimelineEvent,
    CaseDocument,
    AccessLog,
]
WITH_HISTORY = [m for m in ACCOUNT_MODELS + CASE_MODELS if m not in (TimelineEvent, AccessLog)]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def case_data(case, coordinator, parent):
    """One row in every case table."""
    DeadlineException.objects.create(
        case=case,
        kind="c",
        starts_on=case.received_on,
        ends_on=case.received_on,
        reason="Illness",
        recorded_by=coordinator,
    )
    CaseDocument.objects.create(
        case=case,
        file="cases/x/report.pdf",
        name="report.pdf",
        category="school_report",
        content_type="application/pdf",
        size=10,
        uploaded_by=coordinator,
    )
    AccessLog.objects.create(user=coordinator, case=case, child=case.child, action="view", path="/cases/x/")
    make_invitation(coordinator)
    return case


def test_every_model_is_registered():
    for model in ACCOUNT_MODELS + CASE_MODELS:
        assert admin.site.is_registered(model), model


def test_support_staff_can_list_and_open_every_model(login, support_user, case_data):
    client = login(support_user)
    for model in ACCOUNT_MODELS + CASE_MODELS:
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model
        obj = model.objects.first()
        assert obj is not None, model
        assert client.get(admin_url(model, "change", obj.pk)).status_code == 200, model


def test_history_is_shown_for_audited_models(login, support_user, case_data):
    client = login(support_user)
    for model in WITH_HISTORY:
        obj = model.objects.first()
        assert client.get(admin_url(model, "history", obj.pk)).status_code == 200, model


def test_nothing_can_be_deleted(login, support_user, case_data):
    client = login(support_user)
    for model in ACCOUNT_MODELS + CASE_MODELS:
        obj = model.objects.first()
        assert client.get(admin_url(model, "delete", obj.pk)).status_code == 403, model
        assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403, model
        assert "delete_selected" not in client.get(admin_url(model, "changelist")).content.decode(), model
        assert model.objects.filter(pk=obj.pk).exists()


def test_workflow_rows_cannot_be_changed_behind_the_services(login, support_user, case_data):
    client = login(support_user)
    for model in (Case, Deadline, DeadlineException, CaseTeamMember, TimelineEvent, AccessLog, Invitation):
        obj = model.objects.first()
        assert client.post(admin_url(model, "change", obj.pk), {}).status_code == 403, model
        assert client.get(admin_url(model, "add")).status_code == 403, model


def test_corrections_to_a_childs_details_are_recorded_with_who_made_them(login, support_user, case_data):
    child = case_data.child
    response = login(support_user).post(
        admin_url(Child, "change", child.pk),
        {
            "legal_first_name": "Amarachi",
            "legal_last_name": child.legal_last_name,
            "preferred_name": "",
            "gender": "",
            "ethnicity": "",
            "home_languages": "",
            "address": "",
            "postcode": "",
            "upn": "",
            "uln": "",
            "nhs_number": "",
            "current_setting": child.current_setting_id or "",
        },
    )

    assert response.status_code == 302
    child.refresh_from_db()
    assert child.legal_first_name == "Amarachi"
    assert "amarachi" in child.search_name
    assert child.history.first().history_user == support_user


def test_invitation_shows_only_the_token_hash(login, support_user, coordinator):
    invitation = make_invitation(coordinator, token="secret-token-value")

    content = login(support_user).get(admin_url(Invitation, "change", invitation.pk)).content.decode()

    assert invitation.token_hash in content
    assert "secret-token-value" not in content
    assert not re.search(r'<input[^>]+name="token_hash"', content)


def test_invitations_can_be_revoked_from_the_list(login, support_user, coordinator):
    invitation = make_invitation(coordinator)

    response = login(support_user).post(
        admin_url(Invitation, "changelist"), {"action": "revoke", "_selected_action": [invitation.pk]}
    )

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_a_user_added_in_the_admin_gets_a_lower_case_unique_email(login, support_user, council, coordinator):
    client = login(support_user)
    data = {
        "email": "New.Person@Council.example",
        "full_name": "New Person",
        "role": Role.COORDINATOR,
        "discipline": "",
        "organisation": council.pk,
        "usable_password": "false",
        "password1": "",
        "password2": "",
    }

    assert client.post(admin_url(User, "add"), data).status_code == 302
    user = User.objects.get(full_name="New Person")
    assert user.email == "new.person@council.example"
    assert not user.has_usable_password()

    response = client.post(admin_url(User, "add"), {**data, "email": "LAURA@council.example"})
    assert response.status_code == 200
    assert "There is already an account with this email address" in response.content.decode()


def test_changelists_do_not_query_per_row(
    login, support_user, council, coordinator, business_support, school, django_assert_max_num_queries
):
    client = login(support_user)
    factories.make_case(council=council, by=business_support, coordinator=coordinator, school=school)
    counts = {}
    for model in (User, Case, CaseTeamMember, Deadline, TimelineEvent):
        with django_assert_max_num_queries(50) as captured:
            client.get(admin_url(model, "changelist"))
        counts[model] = len(captured.captured_queries)
    for n in range(6):
        factories.make_case(
            council=council,
            by=business_support,
            coordinator=coordinator,
            school=school,
            first_name=f"Extra{n}",
        )
        factories.staff(Role.COORDINATOR, council)
    for model, count in counts.items():
        with django_assert_max_num_queries(count):
            client.get(admin_url(model, "changelist"))


@pytest.mark.parametrize("who", ["coordinator", "administrator", "parent"])
def test_the_support_admin_is_only_for_support_staff(request, login, who):
    response = login(request.getfixturevalue(who)).get(admin_url(User, "changelist"))

    assert response.status_code == 302
    assert "/support-admin/login/" in response.url
