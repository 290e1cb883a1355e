"""Asking someone with no account for advice: they are invited by email, and the request is theirs once they join."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Invitation, Role, User
from advice import services
from advice.models import AdviceRequest
from cases.models import AdviceClock, CaseTeamMember, InvolvedProfessional
from notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def involved(assessing_case):
    return InvolvedProfessional.objects.create(
        case=assessing_case,
        name="Pamela Okoro",
        role="Educational psychologist",
        service="Riverside NHS Trust",
        email="pamela@trust.example",
    )


def ask(client, case, **data):
    today = case.assessment_decided_on
    values = {
        "kind": "psychological",
        "asked_name": "Pamela Okoro",
        "asked_email": "pamela@trust.example",
        "asked_organisation": "",
        "sent_on_0": today.day,
        "sent_on_1": today.month,
        "sent_on_2": today.year,
    }
    values.update(data)
    return client.post(reverse("advice:ask", args=[case.reference]), values)


def accept_link(address: str) -> str:
    (email,) = [m for m in mail.outbox if m.to == [address] and "/accounts/invitations/" in m.body]
    link = re.search(r"https?://\S+/accounts/invitations/\S+/", email.body).group(0)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_ask_them_fills_in_the_professional_already_involved(login, assessing_case, coordinator, involved):
    client = login(coordinator)
    url = reverse("advice:ask", args=[assessing_case.reference])
    page = client.get(f"{url}?kind=psychological&professional={involved.pk}")
    assert page.status_code == 200
    assert 'value="Pamela Okoro"' in page.text
    assert 'value="pamela@trust.example"' in page.text


def test_asking_an_unknown_email_invites_them_and_accepting_makes_the_request_theirs(
    login, client, assessing_case, coordinator, involved, nhs, django_capture_on_commit_callbacks
):
    login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, assessing_case, professional=str(involved.pk), asked_organisation=str(nhs.pk))
    assert response.status_code == 302, response.text[:3000]
    request = AdviceRequest.objects.get(case=assessing_case)
    assert (request.asked_user, request.asked_email, request.asked_name) == (
        None,
        "pamela@trust.example",
        "Pamela Okoro",
    )
    due = request.due_on
    assert due is not None
    invitation = Invitation.objects.get(email="pamela@trust.example")
    assert invitation.purpose == {"kind": "advice_request", "request_id": request.pk}
    assert (invitation.role, invitation.discipline, invitation.organisation) == (
        Role.SPECIALIST,
        "educational_psychology",
        nhs,
    )
    # Both emails wait in the outbox, written with the request: the link to create an account, and what is asked.
    templates = set(
        Message.objects.filter(to_address="pamela@trust.example").values_list("template", flat=True)
    )
    assert templates == {"account.invitation", "advice.requested"}
    (asked,) = [m for m in mail.outbox if m.to == ["pamela@trust.example"] and "asked for" in m.body]
    assert f"it is due by {due:%-d %B %Y}" in asked.body
    assert "separate email with a link to create one" in asked.body
    plan = client.get(reverse("advice:plan", args=[assessing_case.reference]))
    assert "Pamela Okoro (invited)" in plan.text

    client.logout()
    accepted = client.post(
        accept_link("pamela@trust.example"),
        {
            "full_name": "Pamela Okoro",
            "password1": "a-long-specialist-passphrase",
            "password2": "a-long-specialist-passphrase",
        },
    )
    assert accepted.status_code == 302, accepted.content.decode()[:2000]
    pamela = User.objects.get(email="pamela@trust.example")
    assert (pamela.role, pamela.discipline, pamela.organisation) == (
        Role.SPECIALIST,
        "educational_psychology",
        nhs,
    )
    request.refresh_from_db()
    assert request.asked_user == pamela
    assert request.due_on == due and request.sent_on == assessing_case.assessment_decided_on
    # The reminders go to her now: the deadline row in cases names her as the adviser.
    clock = AdviceClock.objects.get(case=assessing_case, ref=request.clock_ref)
    assert clock.adviser == pamela
    assert CaseTeamMember.objects.filter(case=assessing_case, user=pamela, role="specialist").exists()
    inbox = client.get(reverse("advice:inbox"))
    assert inbox.status_code == 200
    assert "Psychological advice (educational psychologist)" in inbox.text
    assert f"{due:%-d %b %Y}" in inbox.text
    page = client.get(reverse("advice:request", args=[request.pk]))
    assert page.status_code == 200
    assert "Your advice: fill it in and send it" in page.text


def test_educational_advice_from_a_school_invites_its_senco(
    assessing_case, coordinator, school, django_capture_on_commit_callbacks
):
    request = services.request_advice(
        case=assessing_case,
        kind="educational",
        asked_email="head@school.example",
        asked_name="Sonia Head",
        asked_organisation=school,
        by=coordinator,
    )
    invitation = Invitation.objects.get(email="head@school.example")
    assert (invitation.role, invitation.organisation, invitation.discipline) == (Role.SENCO, school, "")
    assert invitation.purpose["request_id"] == request.pk


def test_an_email_that_has_an_account_asks_that_person(login, client, assessing_case, coordinator, ep):
    login(coordinator)
    response = ask(client, assessing_case, asked_email="HOWARD@council.example", asked_name="Howard")
    assert response.status_code == 302
    request = AdviceRequest.objects.get(case=assessing_case)
    assert (request.asked_user, request.asked_email) == (ep, "")
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("email", "name", "field", "message"),
    [
        ("pamela@", "Pamela Okoro", "asked_email", "Enter an email address in the correct format"),
        ("pamela at trust", "Pamela Okoro", "asked_email", "Enter an email address in the correct format"),
        ("susan@council.example", "Susan", "asked_email", "belongs to council staff"),
        ("pamela@trust.example", "", "asked_name", "Enter the name of the person you are asking"),
    ],
)
def test_bad_emails_and_council_staff_are_refused_naming_the_field(
    login, client, assessing_case, coordinator, manager, email, name, field, message
):
    login(coordinator)
    response = ask(
        client, assessing_case, asked_email=email, asked_name=name, note="Please see her at school"
    )
    assert response.status_code == 400
    html = response.text
    assert "There is a problem" in html
    error = re.search(rf'<p id="id_{field}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert error and message in error.group(1)
    # What was typed is kept.
    assert f'value="{email}"' in html
    assert "Please see her at school" in html
    assert not AdviceRequest.objects.exists() and not Invitation.objects.exists()


def test_a_service_and_an_email_together_are_refused(login, client, assessing_case, coordinator, ep_team):
    login(coordinator)
    response = ask(client, assessing_case, team=str(ep_team.pk))
    assert response.status_code == 400
    assert "Choose one: a service, a named person or someone to invite" in response.text


def test_the_same_person_cannot_be_invited_twice_for_the_same_advice(assessing_case, coordinator):
    services.request_advice(
        case=assessing_case,
        kind="psychological",
        asked_email="pamela@trust.example",
        asked_name="Pamela",
        by=coordinator,
    )
    with pytest.raises(services.ServiceError) as error:
        services.request_advice(
            case=assessing_case,
            kind="psychological",
            asked_email="Pamela@Trust.example",
            asked_name="Pamela",
            by=coordinator,
        )
    assert error.value.field == "asked_email"


def test_a_request_withdrawn_before_they_join_stays_withdrawn(
    client, assessing_case, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_advice(
            case=assessing_case,
            kind="psychological",
            asked_email="pamela@trust.example",
            asked_name="Pamela Okoro",
            by=coordinator,
        )
        services.withdraw_request(request=request, reason="The family moved away", by=coordinator)
    assert Message.objects.filter(to_address="pamela@trust.example", template="advice.withdrawn").exists()
    accepted = client.post(
        accept_link("pamela@trust.example"),
        {
            "full_name": "Pamela Okoro",
            "password1": "a-long-specialist-passphrase",
            "password2": "a-long-specialist-passphrase",
        },
    )
    assert accepted.status_code == 302
    request.refresh_from_db()
    assert request.asked_user is None and request.status == "withdrawn"
    assert not CaseTeamMember.objects.filter(case=assessing_case, user__email="pamela@trust.example").exists()


def test_a_request_passed_on_before_they_join_stays_with_the_service(
    client, assessing_case, coordinator, ep_team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_advice(
            case=assessing_case,
            kind="psychological",
            asked_email="pamela@trust.example",
            asked_name="Pamela Okoro",
            by=coordinator,
        )
        due = request.due_on
        services.pass_on_request(
            request=request, to_team=ep_team, reason="Our own service will see her", by=coordinator
        )
    client.post(
        accept_link("pamela@trust.example"),
        {
            "full_name": "Pamela Okoro",
            "password1": "a-long-specialist-passphrase",
            "password2": "a-long-specialist-passphrase",
        },
    )
    request.refresh_from_db()
    assert (request.asked_team, request.asked_user, request.asked_email) == (ep_team, None, "")
    assert request.due_on == due


def test_a_specialist_is_invited_only_with_their_discipline(coordinator):
    with pytest.raises(account_services.ServiceError) as error:
        account_services.create_invitation(
            email="pamela@trust.example", full_name="Pamela", role=Role.SPECIALIST, by=coordinator
        )
    assert error.value.field == "discipline"
    assert not Invitation.objects.exists()
