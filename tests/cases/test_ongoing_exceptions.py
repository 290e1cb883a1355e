"""An exception to a time limit can be recorded while it is still going on, and ended later from the case page."""

import datetime

import pytest
from django.urls import reverse

from cases import services, statutory
from cases.models import DeadlineException, TimelineEvent
from tests.cases.test_views import date_fields

pytestmark = pytest.mark.django_db

STARTED = datetime.date(2026, 3, 10)


def _record(client, case, **extra):
    data = {
        "kind": statutory.ExceptionKind.PERSONAL_CIRCUMSTANCES.value,
        **date_fields("starts_on", STARTED),
        **date_fields("ends_on", "", "", ""),
        "reason": "The family are in hospital with the child",
        **extra,
    }
    return client.post(reverse("cases:record_exception", args=[case.reference]), data)


def test_a_coordinator_records_an_ongoing_exception_and_the_case_page_says_so(client, case, coordinator):
    client.force_login(coordinator)
    response = _record(client, case)
    assert response.status_code == 302, response.content.decode()[:3000]
    exception = DeadlineException.objects.get(case=case)
    assert exception.ends_on is None and exception.is_ongoing
    assert exception.history.first().history_user == coordinator
    timeline = TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.EXCEPTION).latest("pk")
    assert "from 10 Mar 2026, ongoing" in timeline.summary
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    section = page[page.index('data-testid="exceptions"') :][:1500]
    assert "ongoing" in section and "End this exception" in section


def test_ending_it_later_records_the_day_with_history_and_timeline(client, case, coordinator):
    client.force_login(coordinator)
    _record(client, case)
    exception = DeadlineException.objects.get(case=case)
    url = reverse("cases:end_exception", args=[case.reference, exception.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, date_fields("ends_on", datetime.date(2026, 4, 20)))
    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.ends_on == datetime.date(2026, 4, 20)
    assert exception.history.first().history_change_reason == "Exception ended"
    assert TimelineEvent.objects.filter(case=case, summary__startswith="Exception ended").exists()
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    section = page[page.index('data-testid="exceptions"') :][:1500]
    assert "20 Apr 2026" in section and "End this exception" not in section
    # Once ended, the page to end it is gone.
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("ends_on", "message"),
    [
        (
            datetime.date(2026, 3, 1),
            "The end date must be the same as or after the start date, 10 March 2026",
        ),
        (datetime.date(2099, 1, 1), "The end date must be today or in the past"),
    ],
)
def test_a_wrong_end_date_is_explained(client, case, coordinator, ends_on, message):
    client.force_login(coordinator)
    _record(client, case)
    exception = DeadlineException.objects.get(case=case)
    response = client.post(
        reverse("cases:end_exception", args=[case.reference, exception.pk]), date_fields("ends_on", ends_on)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'href="#id_ends_on_0"' in html
    exception.refresh_from_db()
    assert exception.ends_on is None


def test_only_coordinators_and_managers_end_one(client, case, coordinator, business_support):
    exception = services.record_exception(
        case=case,
        kind="personal_circumstances",
        starts_on=STARTED,
        ends_on=None,
        reason="Illness",
        by=coordinator,
    )
    with pytest.raises(services.ServiceError):
        services.end_exception(exception=exception, ends_on=datetime.date(2026, 4, 1), by=business_support)
    client.force_login(business_support)
    response = client.get(reverse("cases:end_exception", args=[case.reference, exception.pk]))
    assert response.status_code in (403, 404)


def test_an_exception_is_ended_only_once(case, coordinator):
    exception = services.record_exception(
        case=case,
        kind="personal_circumstances",
        starts_on=STARTED,
        ends_on=None,
        reason="Illness",
        by=coordinator,
    )
    services.end_exception(exception=exception, ends_on=datetime.date(2026, 4, 1), by=coordinator)
    with pytest.raises(services.ServiceError, match="already ended on 1 April 2026"):
        services.end_exception(exception=exception, ends_on=datetime.date(2026, 4, 2), by=coordinator)
