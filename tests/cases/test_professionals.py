"""Staff record the professionals already involved with a child, and take them off when they no longer are."""

import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import InvolvedProfessional

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Dr Omar Aziz",
    "role": "Community paediatrician",
    "service": "Riverside Hospital",
    "email": "",
    "phone": "0117 496 0511",
}


def add_url(case):
    return reverse("cases:add_professional", args=[case.reference])


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "Enter their name"),
        ("role", "", "Enter what they do, for example speech and language therapist"),
        ("service", "", "Enter the service or organisation they work for"),
        ("email", "omar at nhs", "Enter an email address in the correct format, like name@example.com"),
    ],
)
def test_each_bad_input_is_explained_and_the_rest_kept(client, case, coordinator, field, value, message):
    client.force_login(coordinator)
    response = client.post(add_url(case), {**GOOD, field: value})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and f'href="#id_{field}"' in html
    assert 'value="Riverside Hospital"' in html or field == "service"
    assert not InvolvedProfessional.objects.exists()


def test_a_coordinator_records_one_and_it_shows_on_the_case_page(client, case, coordinator):
    client.force_login(coordinator)
    response = client.post(add_url(case), GOOD)
    assert response.status_code == 302
    person = InvolvedProfessional.objects.get(case=case)
    assert (person.source, person.added_by, person.phone) == ("staff", coordinator, "0117 496 0511")
    assert person.history.get().history_user == coordinator
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    section = page[page.index('data-testid="professionals"') :][:1500]
    assert "Dr Omar Aziz" in section and "Community paediatrician" in section and "0117 496 0511" in section
    assert case.timeline.filter(
        summary="Dr Omar Aziz (Community paediatrician, Riverside Hospital) recorded as already involved"
    ).exists()


def test_no_longer_involved_takes_them_off_the_page_but_keeps_the_record(client, case, coordinator, parent):
    from tests import factories

    person = services.add_involved_professional(
        case=case, details=services.ProfessionalDetails(**GOOD), by=coordinator
    )
    factories.add_family_member(case, parent)
    client.force_login(parent)
    # The family sees who is involved, but not their contact details, and cannot change the list.
    page = client.get(reverse("portal:involved", args=[case.reference])).content.decode()
    assert "Dr Omar Aziz" in page and "0117 496 0511" not in page and "No longer involved" not in page
    withdraw = reverse("cases:withdraw_professional", args=[case.reference, person.pk])
    assert client.post(withdraw).status_code == 404

    client.force_login(coordinator)
    assert client.post(withdraw).status_code == 302
    person.refresh_from_db()
    assert person.withdrawn_at is not None
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert re.search(r'data-testid="professionals">\s*<li>None named.</li>', page)
    assert "Dr Omar Aziz (Riverside Hospital) is no longer involved" in page
    # Twice is harmless: a professional already off the case is not found.
    assert client.post(withdraw).status_code == 404


def test_the_case_page_costs_the_same_queries_with_many_professionals(
    client, case, coordinator, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    url = reverse("cases:detail", args=[case.reference])
    services.add_involved_professional(
        case=case, details=services.ProfessionalDetails(**GOOD), by=coordinator
    )
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(10):
        services.add_involved_professional(
            case=case, details=services.ProfessionalDetails(**{**GOOD, "name": f"Person {n}"}), by=coordinator
        )
    with django_assert_max_num_queries(len(one)):
        client.get(url)
