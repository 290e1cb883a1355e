"""Marking a request as incomplete: the family is told what is missing, nothing is lost, the clock keeps running."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role
from cases import services
from cases.models import Case, Requester, RequestRoute, TimelineEvent
from notifications.models import Message
from tests import factories

pytestmark = pytest.mark.django_db

REASON = "The school's SEN support plan was not attached. Please send the latest one."


def _url(case):
    return reverse("cases:request_incomplete", args=[case.reference])


def _online_case(council):
    intake = services.Intake(
        council=council,
        child=factories.child_details(legal_first_name="Bola"),
        contacts=(
            services.ContactDetails(name="Ada Parent", relationship="mother", email="ada@example.org"),
        ),
        received_on=datetime.date.today() - datetime.timedelta(days=3),
        route=RequestRoute.ONLINE,
        requested_by=Requester.PARENT,
        coordinator_fallback=True,
        on_open_case=services.OnOpenCase.ADD,
        tell_family=False,
    )
    return services.intake_request(intake=intake, by=None).case


@pytest.mark.parametrize("role", [Role.BUSINESS_SUPPORT, Role.COORDINATOR, Role.SERVICE_MANAGER])
def test_council_staff_mark_a_request_incomplete_and_the_family_is_told(client, council, case, parent, role):
    factories.add_family_member(case, parent)
    deadlines_before = list(case.deadlines.values_list("code", "due_on").order_by("code"))
    user = factories.staff(role, council)
    client.force_login(user)

    response = client.post(_url(case), {"reason": REASON})

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.reference])
    case.refresh_from_db()
    assert case.incomplete_reason == REASON
    assert case.incomplete_since is not None
    # Nothing lost, the clock untouched: same case, same received date, same deadlines, still open.
    assert Case.objects.filter(pk=case.pk, closed_on__isnull=True).exists()
    assert list(case.deadlines.values_list("code", "due_on").order_by("code")) == deadlines_before
    event = case.timeline.filter(kind=TimelineEvent.Kind.NOTE).first()
    assert "incomplete" in event.summary and event.detail == REASON and event.actor == user
    messages = Message.objects.filter(template="case.request_incomplete")
    assert {m.recipient for m in messages if m.recipient} == {parent}
    assert {m.to_address for m in messages if not m.recipient} == {"parent@example.org"}
    assert all(m.data["reason"] == REASON and m.data["reference"] == case.reference for m in messages)
    # History keeps the reason even after the request is complete again.
    services.mark_request_complete(case=case, by=user)
    case.refresh_from_db()
    assert case.incomplete_reason == "" and case.incomplete_since is None
    assert REASON in set(case.history.values_list("incomplete_reason", flat=True))


def test_the_message_says_what_is_missing_and_that_the_request_still_counts(case, business_support):
    services.mark_request_incomplete(case=case, reason=REASON, by=business_support)
    message = Message.objects.filter(template="case.request_incomplete").first()
    text = render_to_string("notifications/case.request_incomplete/body.txt", message.data)
    assert REASON in text
    assert "do not need to start again" in text
    assert f"received on {case.received_on:%-d %B %Y}" in text


def test_the_staff_page_says_the_clock_keeps_running(client, case, business_support):
    client.force_login(business_support)
    response = client.get(_url(case))
    assert response.status_code == 200
    assert "does not stop or restart the 20-week clock" in response.content.decode()


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PANEL_MEMBER, Role.SPECIALIST])
def test_other_roles_are_refused(client, council, case, role):
    client.force_login(factories.staff(role, council))
    assert client.get(_url(case)).status_code == 404
    assert client.post(_url(case), {"reason": REASON}).status_code == 404
    case.refresh_from_db()
    assert case.incomplete_since is None


def test_the_family_and_another_council_get_404(client, case, parent, other_council):
    factories.add_family_member(case, parent)
    for user in (parent, factories.staff(Role.BUSINESS_SUPPORT, other_council)):
        client.force_login(user)
        assert client.get(_url(case)).status_code == 404
        assert client.post(_url(case), {"reason": REASON}).status_code == 404
    case.refresh_from_db()
    assert case.incomplete_since is None
    assert not Message.objects.filter(template="case.request_incomplete").exists()


def test_the_service_refuses_another_council(case, other_council):
    with pytest.raises(services.ServiceError):
        services.mark_request_incomplete(
            case=case, reason=REASON, by=factories.staff(Role.BUSINESS_SUPPORT, other_council)
        )


def test_an_empty_reason_keeps_the_page(client, case, business_support):
    client.force_login(business_support)
    response = client.post(_url(case), {"reason": "   "})
    assert response.status_code == 400
    assert "Enter what is missing from the request" in response.content.decode()
    case.refresh_from_db()
    assert case.incomplete_since is None
    assert not Message.objects.filter(template="case.request_incomplete").exists()
    with pytest.raises(services.ServiceError):
        services.mark_request_incomplete(case=case, reason=" ", by=business_support)


def test_the_list_shows_the_check_on_arrival_and_links_to_the_page(client, council, business_support):
    online = _online_case(council)
    assert online.route == RequestRoute.ONLINE and online.coordinator is None
    client.force_login(business_support)

    page = client.get(reverse("cases:unallocated")).content.decode()
    assert "Checked on arrival: complete" in page
    assert _url(online) in page

    response = client.post(_url(online), {"reason": REASON, "next": reverse("cases:unallocated")})
    assert response["Location"] == reverse("cases:unallocated")
    page = client.get(reverse("cases:unallocated")).content.decode()
    assert "Incomplete" in page
    assert Message.objects.filter(template="case.request_incomplete", to_address="ada@example.org").exists()


def test_the_case_page_shows_the_status_and_marks_complete(client, case, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert _url(case) in page
    services.mark_request_incomplete(case=case, reason=REASON, by=coordinator)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Incomplete" in page and "the clock keeps running" in page
    assert "SEN support plan was not attached" in page

    response = client.post(_url(case), {"action": "complete"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.incomplete_since is None
