"""The security events log: what happened at each door is recorded, and a service manager reads their council's
events by person and date, a page at a time, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import two_factor
from accounts.models import Role, SecurityEvent
from tests import factories
from tests.accounts.pages import page_text
from tests.accounts.test_two_factor import set_up_factor

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
EVENTS = reverse("accounts:security_events")
Kind = SecurityEvent.Kind


def kinds(**filters) -> list[str]:
    return list(SecurityEvent.objects.filter(**filters).order_by("at", "id").values_list("kind", flat=True))


def test_a_sign_in_and_a_wrong_password_are_recorded_with_the_address(client, coordinator):
    client.post(LOGIN, {"username": coordinator.email, "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    client.post(LOGIN, {"username": "Nobody@Example.org", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    client.post(
        LOGIN, {"username": coordinator.email, "password": factories.PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )

    failed = SecurityEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).order_by("id")
    assert [(e.user, e.email, e.ip_address) for e in failed] == [
        (coordinator, coordinator.email, "203.0.113.9"),
        (None, "nobody@example.org", "203.0.113.9"),
    ]
    assert failed[0].council == coordinator.organisation and failed[1].council is None
    signed_in = SecurityEvent.objects.get(kind=Kind.SIGNED_IN)
    assert (signed_in.user, signed_in.ip_address) == (coordinator, "203.0.113.9")


def test_a_lockout_and_each_try_refused_during_it_are_recorded(client, coordinator):
    for n in range(12):
        client.post(
            LOGIN, {"username": coordinator.email, "password": f"guess-{n}"}, REMOTE_ADDR="203.0.113.9"
        )

    # The tenth wrong password starts the pause; the two after it are refused while it lasts.
    assert kinds(kind=Kind.LOCKED_OUT, user=coordinator) == [Kind.LOCKED_OUT] * 3
    assert kinds(kind=Kind.SIGN_IN_FAILED, user=coordinator)[:9] == [Kind.SIGN_IN_FAILED] * 9


def test_factor_set_up_reset_and_wrong_codes_are_recorded(council, coordinator):
    administrator = factories.staff(Role.ADMINISTRATOR, council)
    set_up_factor(coordinator)
    with pytest.raises(two_factor.ServiceError):
        two_factor.verify(user=coordinator, code="000001")
    two_factor.reset(person=coordinator, by=administrator)

    assert kinds(user=coordinator) == [Kind.FACTOR_SET_UP, Kind.SECOND_FACTOR_FAILED, Kind.FACTOR_RESET]
    assert SecurityEvent.objects.get(kind=Kind.FACTOR_RESET).by == administrator


def test_a_refused_case_that_exists_is_recorded_and_a_made_up_one_is_not(client, case, other_council):
    outsider = factories.staff(Role.COORDINATOR, other_council)
    client.force_login(outsider)

    assert client.get(reverse("cases:detail", args=[case.reference]), follow=True).status_code == 404
    assert client.get(reverse("cases:detail", args=["NOPE-0000"])).status_code == 404
    api = client.get(f"/api/v1/cases/{case.reference}/")
    assert api.status_code == 404

    refused = SecurityEvent.objects.filter(kind=Kind.ACCESS_REFUSED)
    assert [(e.user, e.detail) for e in refused] == [(outsider, f"case {case.reference}")] * 2


def test_a_family_refused_a_case_is_in_the_cases_councils_log(client, case, parent):
    client.force_login(parent)
    assert client.get(reverse("cases:detail", args=[case.reference]), follow=True).status_code == 404
    assert SecurityEvent.objects.get(kind=Kind.ACCESS_REFUSED).council == case.council


@pytest.fixture
def events(council, other_council, coordinator, business_support):
    """Events of two people of this council on two days, and one of another council's person."""
    outsider = factories.staff(Role.COORDINATOR, other_council, full_name="Hilltop Person")
    at = timezone.now().replace(hour=12)
    rows = [
        SecurityEvent(kind=Kind.SIGNED_IN, user=coordinator, council=council, email=coordinator.email, at=at),
        SecurityEvent(
            kind=Kind.SIGN_IN_FAILED,
            user=business_support,
            council=council,
            email=business_support.email,
            at=at - datetime.timedelta(days=3),
        ),
        SecurityEvent(kind=Kind.SIGNED_IN, user=outsider, council=other_council, email=outsider.email, at=at),
    ]
    SecurityEvent.objects.bulk_create(rows)
    return rows


def test_the_manager_reads_their_councils_events_and_no_other(client, manager, events):
    client.force_login(manager)
    text = page_text(client.get(EVENTS))

    assert "Laura Coordinator" in text and "Corinne Support" in text
    assert "Hilltop Person" not in text


def test_filtered_by_person_and_by_date(client, manager, events, coordinator):
    client.force_login(manager)

    by_person = client.get(EVENTS, {"person": coordinator.pk})
    assert [e.user for e in by_person.context["page"].object_list] == [coordinator]

    day = timezone.localdate(events[1].at)
    by_date = client.get(
        EVENTS,
        {
            "date_from_0": day.day,
            "date_from_1": day.month,
            "date_from_2": day.year,
            "date_to_0": day.day,
            "date_to_1": day.month,
            "date_to_2": day.year,
        },
    )
    assert [e.kind for e in by_date.context["page"].object_list] == [Kind.SIGN_IN_FAILED]


def test_a_bad_filter_names_the_field_and_keeps_what_was_typed(client, manager, events):
    client.force_login(manager)
    response = client.get(
        EVENTS,
        {
            "date_from_0": "5",
            "date_from_1": "3",
            "date_from_2": "2026",
            "date_to_0": "1",
            "date_to_1": "3",
            "date_to_2": "2026",
        },
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "There is a problem" in text
    assert "The last date must be the same as or after the first date" in text
    assert 'value="5"' in response.content.decode()


def test_another_councils_person_is_not_a_choice(client, manager, events):
    client.force_login(manager)
    outsider = events[2].user
    response = client.get(EVENTS, {"person": outsider.pk})
    assert response.status_code == 400
    assert f'value="{outsider.pk}"' not in response.content.decode()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMINISTRATOR, Role.BUSINESS_SUPPORT, Role.PARENT])
def test_nobody_but_the_service_manager_reads_it(client, council, role):
    client.force_login(
        factories.UserFactory(role=role, organisation=council if role != Role.PARENT else None)
    )
    assert client.get(EVENTS).status_code == 404


def test_the_page_is_paginated_and_its_queries_do_not_grow(
    client, manager, council, coordinator, django_assert_max_num_queries
):
    client.force_login(manager)

    def add(n):
        SecurityEvent.objects.bulk_create(
            SecurityEvent(kind=Kind.SIGNED_IN, user=coordinator, council=council, email=coordinator.email)
            for _ in range(n)
        )

    add(3)
    with django_assert_max_num_queries(20) as captured:
        assert client.get(EVENTS).status_code == 200
    few = len(captured.captured_queries)
    add(120)
    with django_assert_max_num_queries(few):
        response = client.get(EVENTS, {"page": 2})
    assert len(response.context["page"].object_list) == 50
    assert "Next" in page_text(response)
