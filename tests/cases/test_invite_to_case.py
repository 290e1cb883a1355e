"""Inviting a family member or supporter onto a case: the link, the acceptance, the team."""

import re

import pytest
from django.core import mail

from accounts.models import Invitation, Role
from cases.models import CaseTeamMember, TimelineEvent
from tests import factories

pytestmark = pytest.mark.django_db


def invite(client, case, **data):
    values = {
        "role": "parent",
        "full_name": "Daniel Mensah",
        "email": "daniel@example.org",
        "organisation": "",
    }
    values.update(data)
    return client.post(f"/cases/{case.reference}/team/invite/", values)


def test_an_invited_parent_joins_the_case_when_they_accept(
    login, case, coordinator, client, django_capture_on_commit_callbacks
):
    login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, case)
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="daniel@example.org")
    assert invitation.purpose == {"kind": "join_case", "case_id": case.pk, "team_role": "family"}
    # The invitation leaves through the outbox, with whatever else was waiting there (the case's own messages).
    (email,) = [message for message in mail.outbox if message.to == ["daniel@example.org"]]
    assert email.subject == "Create your account for Education, health and care plans"
    link = re.search(r"https?://\S+/accounts/invitations/\S+/", email.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    client.logout()
    accept = client.post(
        "/" + path,
        {
            "full_name": "Daniel Mensah",
            "password1": "a-long-family-passphrase",
            "password2": "a-long-family-passphrase",
        },
    )
    assert accept.status_code == 302, accept.content.decode()[:2000]
    member = CaseTeamMember.objects.get(case=case, user__email="daniel@example.org")
    assert member.role == "family"
    # Families read their case in the portal; the old address takes them there.
    assert client.get(f"/cases/{case.reference}/", follow=True).status_code == 200
    assert TimelineEvent.objects.filter(
        case=case, summary="Daniel Mensah accepted the invitation and joined the team"
    ).exists()


def test_someone_with_an_account_joins_straight_away(login, case, coordinator, parent, client):
    login(coordinator)
    response = invite(client, case, email=parent.email, full_name=parent.full_name)
    assert response.status_code == 302
    assert CaseTeamMember.objects.filter(case=case, user=parent, role="family").exists()
    assert not Invitation.objects.exists()


def test_council_staff_cannot_be_invited_as_family(login, case, coordinator, manager, client):
    login(coordinator)
    response = invite(client, case, email=manager.email)
    assert response.status_code == 400
    assert "belongs to council staff" in response.content.decode()


def test_bad_email_keeps_the_name(login, case, coordinator, client):
    login(coordinator)
    response = invite(client, case, email="not-an-email")
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and 'value="Daniel Mensah"' in html


@pytest.mark.parametrize("role", [Role.PARENT, Role.SENCO, Role.SPECIALIST])
def test_only_council_staff_may_invite(login, case, role, client, council, school):
    user = factories.UserFactory(role=role, organisation=school if role == Role.SENCO else None)
    if role == Role.PARENT:
        factories.add_family_member(case, user)
    login(user)
    assert invite(client, case).status_code == 404
