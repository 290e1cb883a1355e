"""The support admin as a council's administrator would try to misuse it: another council's children, people and
tokens, every one refused (404 for a row, 403 for something nobody may do) with nothing changed."""

import io

import pytest
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import ApiToken, Organisation, Role, SecurityEvent, User
from accounts.support_admin import CouncilScopedAdmin
from cases.models import AccessLog, Case, CaseTeamMember, Child, Deadline, FamilyContact, TimelineEvent
from notifications.models import Message
from tests import factories

pytestmark = pytest.mark.django_db


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def password_url(person):
    # Django's admin names this page for its own user model, whatever the project's is.
    return reverse("admin:auth_user_password_change", args=[person.pk])


@pytest.fixture
def council_admin(council):
    """A council's administrator as the demo and a real council have them: support admin, no superuser."""
    return factories.staff(
        Role.ADMINISTRATOR,
        council,
        full_name="Riverside Admin",
        email="admin@riverside.example",
        is_staff=True,
    )


@pytest.fixture
def theirs(other_council):
    """Another council's coordinator and case, with a child whose name must never show."""
    coordinator = factories.staff(
        Role.COORDINATOR, other_council, full_name="Hilltop Coordinator", email="coord@hilltop.example"
    )
    support = factories.staff(Role.BUSINESS_SUPPORT, other_council)
    school = factories.SchoolFactory(name="Hilltop Academy", council=other_council)
    case = factories.make_case(
        council=other_council, by=support, coordinator=coordinator, school=school, first_name="Zanthippe"
    )
    return case


def test_a_council_administrator_lists_only_their_own_councils_children_even_filtering_by_another(
    login, council_admin, case, theirs, other_council
):
    client = login(council_admin)

    own = client.get(admin_url(Child, "changelist"))
    assert own.status_code == 200
    assert case.child.legal_last_name in own.content.decode()
    assert "Zanthippe" not in own.content.decode()

    for model in (Case, Child):
        response = client.get(admin_url(model, "changelist") + f"?council__id__exact={other_council.pk}")
        # The council filter is not offered to them: the lookup is refused (400) or shows nothing of theirs.
        assert response.status_code in (200, 400), model
        assert "Zanthippe" not in response.content.decode()
        assert theirs.reference not in response.content.decode()


def test_every_scoped_list_holds_only_their_own_councils_rows(
    council_admin, case, theirs, council, other_council
):
    request = RequestFactory().get("/support-admin/")
    request.user = council_admin
    case_council = {
        Case: "council",
        Child: "council",
        FamilyContact: "child__council",
        CaseTeamMember: "case__council",
        Deadline: "case__council",
        TimelineEvent: "case__council",
    }
    for model, path in case_council.items():
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, CouncilScopedAdmin), model
        assert model.objects.filter(**{path: other_council}).exists(), model  # there is something to leak
        seen = model_admin.get_queryset(request)
        assert seen.exists(), model
        assert not seen.exclude(**{path: council}).exists(), model

    people = admin.site._registry[User].get_queryset(request)
    assert theirs.coordinator not in people
    assert case.coordinator in people


def test_every_model_a_council_administrator_sees_is_scoped_and_the_rest_are_closed(
    login, council_admin, case
):
    client = login(council_admin)
    for model, model_admin in admin.site._registry.items():
        status = client.get(admin_url(model, "changelist")).status_code
        if isinstance(model_admin, CouncilScopedAdmin):
            assert status == 200, model
        else:  # two-factor devices, lockout records, groups: the operator's alone
            assert status == 403, model


def test_opening_or_changing_another_councils_child_is_not_found_and_nothing_changes(
    login, council_admin, theirs
):
    client = login(council_admin)
    child = theirs.child

    assert client.get(admin_url(Child, "change", child.pk)).status_code == 404
    assert client.get(admin_url(Case, "change", theirs.pk)).status_code == 404
    assert client.get(admin_url(Child, "history", child.pk)).status_code == 404
    response = client.post(
        admin_url(Child, "change", child.pk), {"legal_first_name": "Changed", "legal_last_name": "Changed"}
    )
    assert response.status_code == 404
    child.refresh_from_db()
    assert child.legal_first_name == "Zanthippe"


def test_changing_another_councils_person_is_not_found_and_nothing_changes(login, council_admin, theirs):
    client = login(council_admin)
    person = theirs.coordinator

    assert client.get(admin_url(User, "change", person.pk)).status_code == 404
    response = client.post(
        admin_url(User, "change", person.pk),
        {
            "email": "taken@over.example",
            "full_name": "Taken Over",
            "role": Role.COORDINATOR,
            "is_active": "on",
        },
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert (person.email, person.full_name) == ("coord@hilltop.example", "Hilltop Coordinator")
    # Nor can they send that person a password link.
    assert client.post(password_url(person)).status_code == 404
    assert not Message.objects.filter(to_address=person.email).exists()


def test_they_cannot_make_anyone_a_superuser_or_move_someone_to_another_council(
    login, council_admin, coordinator, other_council
):
    client = login(council_admin)
    page = client.get(admin_url(User, "change", coordinator.pk)).content.decode()
    assert 'name="is_superuser"' not in page
    assert f'value="{other_council.pk}"' not in page

    response = client.post(
        admin_url(User, "change", coordinator.pk),
        {
            "email": coordinator.email,
            "full_name": coordinator.full_name,
            "role": Role.COORDINATOR,
            "organisation": other_council.pk,
            "is_active": "on",
            "is_superuser": "on",
            "preferred_channel": "email",
            "language": coordinator.language,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 200  # the form explains: that organisation is not a choice
    coordinator.refresh_from_db()
    assert coordinator.organisation.kind == "council" and coordinator.organisation_id != other_council.pk
    assert not coordinator.is_superuser


def test_nobody_creates_a_token_in_the_support_admin_not_even_for_their_own_council(
    login, council_admin, theirs, support_user
):
    for user in (council_admin, support_user):
        client = login(user)
        assert client.get(admin_url(ApiToken, "add")).status_code == 403
        response = client.post(admin_url(ApiToken, "add"), {"user": theirs.coordinator.pk})
        assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_a_token_is_never_shown_in_plain_and_another_councils_is_not_found(
    login, council_admin, coordinator, theirs, support_user
):
    own = factories.api_token(coordinator)
    foreign = factories.api_token(theirs.coordinator)
    foreign_row = ApiToken.objects.get(user=theirs.coordinator)

    client = login(council_admin)
    listing = client.get(admin_url(ApiToken, "changelist")).content.decode()
    assert own[:15] in listing and own not in listing
    assert foreign[:15] not in listing
    assert client.get(admin_url(ApiToken, "change", foreign_row.pk)).status_code == 404
    # Revoking another council's token through the list's action does nothing.
    client.post(admin_url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [foreign_row.pk]})
    assert ApiToken.objects.filter(pk=foreign_row.pk).exists()

    operator = login(support_user).get(admin_url(ApiToken, "change", foreign_row.pk)).content.decode()
    # The operator sees the first characters and a hash; the token itself was never stored.
    assert foreign not in operator


def test_a_council_administrator_revokes_a_token_of_their_own_council(login, council_admin, coordinator):
    factories.api_token(coordinator)
    row = ApiToken.objects.get(user=coordinator)

    login(council_admin).post(
        admin_url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [row.pk]}
    )

    assert not ApiToken.objects.filter(pk=row.pk).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TOKEN_REVOKED)
    assert (event.user, event.by) == (coordinator, council_admin)


def test_set_password_is_replaced_by_sending_a_reset_link(
    login, council_admin, coordinator, django_capture_on_commit_callbacks
):
    before = User.objects.get(pk=coordinator.pk).password
    client = login(council_admin)

    page = client.get(password_url(coordinator))
    assert page.status_code == 200
    assert "link" in page.content.decode() and 'name="password1"' not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(password_url(coordinator), {"password1": "x", "password2": "x"})

    assert response.status_code == 302
    assert User.objects.get(pk=coordinator.pk).password == before
    assert Message.objects.filter(to_address=coordinator.email).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [coordinator.email]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.PASSWORD_LINK_SENT, user=coordinator, by=council_admin
    ).exists()


def test_a_person_added_in_the_admin_gets_a_link_and_no_password(
    login, council_admin, council, other_council
):
    client = login(council_admin)
    data = {
        "email": "new@riverside.example",
        "full_name": "New Person",
        "role": Role.COORDINATOR,
        "discipline": "",
    }

    refused = client.post(admin_url(User, "add"), {**data, "organisation": other_council.pk})
    assert refused.status_code == 200
    assert not User.objects.filter(email="new@riverside.example").exists()

    assert client.post(admin_url(User, "add"), {**data, "organisation": council.pk}).status_code == 302
    person = User.objects.get(email="new@riverside.example")
    assert not person.has_usable_password() and not person.is_superuser
    assert Message.objects.filter(to_address=person.email).exists()


def test_reading_a_childs_record_in_the_admin_is_in_the_access_log(login, council_admin, case):
    client = login(council_admin)

    assert client.get(admin_url(Child, "change", case.child.pk)).status_code == 200
    assert client.get(admin_url(Case, "change", case.pk)).status_code == 200
    contact = FamilyContact.objects.filter(child=case.child).first()
    if contact is not None:
        assert client.get(admin_url(FamilyContact, "change", contact.pk)).status_code == 200

    logged = AccessLog.objects.filter(user=council_admin).order_by("at", "id")
    actions = [row.action for row in logged]
    assert actions[:2] == ["admin_view_child", "admin_view_case"]
    assert all(row.child_id == case.child_id for row in logged)
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ADMIN_READ, user=council_admin
    ).count() == len(actions)


def test_staff_who_are_not_administrators_get_nothing_even_with_the_box_ticked(login, council):
    coordinator = factories.staff(Role.COORDINATOR, council, is_staff=True)
    client = login(coordinator)
    assert client.get(admin_url(Child, "changelist")).status_code == 403
    assert client.get(admin_url(User, "changelist")).status_code == 403


def test_the_operator_sees_every_council(login, support_user, case, theirs):
    content = login(support_user).get(admin_url(Child, "changelist")).content.decode()
    assert "Zanthippe" in content and case.child.legal_last_name in content


def test_create_operator_makes_the_only_platform_wide_login_and_prints_a_link():
    out = io.StringIO()
    call_command("create_operator", "--email", "Ops@Service.example", stdout=out)

    operator = User.objects.get(email="ops@service.example")
    assert operator.is_superuser and operator.is_staff and operator.organisation is None
    assert not operator.has_usable_password()
    assert "/accounts/reset/" in out.getvalue()


def test_create_operator_refuses_a_council_login(council_admin):
    with pytest.raises(Exception, match="must not be a council"):
        call_command("create_operator", "--email", council_admin.email, stdout=io.StringIO())
    council_admin.refresh_from_db()
    assert not council_admin.is_superuser


def test_organisations_outside_the_council_are_not_listed(login, council_admin, council, other_council):
    content = login(council_admin).get(admin_url(Organisation, "changelist")).content.decode()
    assert council.name in content and other_council.name not in content


def test_opening_a_request_for_assessment_in_the_admin_is_logged_against_its_case(login, council_admin, case):
    from forms_ersa.models import RequestDraft

    draft = RequestDraft.objects.create(
        council=case.council, route="parent", email="meera@example.org", case=case
    )
    response = login(council_admin).get(admin_url(RequestDraft, "change", draft.pk))

    assert response.status_code == 200
    assert AccessLog.objects.filter(user=council_admin, case=case, action="admin_view_requestdraft").exists()
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ADMIN_READ, detail=f"request {draft.public_id}"
    ).exists()


def test_messages_are_their_councils_only_and_opening_one_is_a_logged_read(
    login, council_admin, council, other_council
):
    ours = Message.objects.create(
        to_address="a@example.org",
        channel="email",
        template="t",
        idempotency_key="ours",
        organisation=council,
    )
    theirs = Message.objects.create(
        to_address="b@example.org",
        channel="email",
        template="t",
        idempotency_key="theirs",
        organisation=other_council,
    )
    client = login(council_admin)

    assert client.get(admin_url(Message, "change", theirs.pk)).status_code == 404
    assert client.get(admin_url(Message, "change", ours.pk)).status_code == 200
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ADMIN_READ, detail=f"message {ours.pk}"
    ).exists()
