"""The child's and the family's own words from the request reach the case, for advisers and the plan's section A;
an exception can be recorded for one request for advice alone (reg 8(2))."""

import pytest
from django.urls import reverse

from advice import services as advice_services
from cases import selectors, services
from tests import factories

pytestmark = pytest.mark.django_db


def test_views_given_with_the_request_are_kept_on_the_case(council, business_support, coordinator):
    case = services.intake_request(
        intake=services.Intake(
            council=council,
            child=factories.child_details(legal_first_name="Amara"),
            contacts=(
                services.ContactDetails(
                    name="Meera Okafor", relationship="mother", email="meera@example.org"
                ),
            ),
            received_on=selectors.today(),
            route="email",
            requested_by="parent",
            child_views="I like drawing. I don't like the noisy hall at lunch.",
            family_views="Amara is bright but anxious; she needs things explained calmly.",
        ),
        by=business_support,
    ).case
    summary = selectors.request_summary(case=case, user=coordinator)
    assert summary.child_views == "I like drawing. I don't like the noisy hall at lunch."
    assert summary.family_views.startswith("Amara is bright")


def test_an_exception_for_one_request_for_advice_excuses_only_that_one(client, case, coordinator, council):
    services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    services.case_transition(case=case, name="agree_to_assess", by=coordinator)
    case.refresh_from_db()
    ep = factories.UserFactory(role="specialist", discipline="educational_psychology", organisation=council)
    salt = factories.UserFactory(role="specialist", discipline="speech_and_language", organisation=council)
    first = advice_services.request_advice(case=case, kind="psychological", asked_user=ep, by=coordinator)
    advice_services.request_advice(case=case, kind="speech_and_language", asked_user=salt, by=coordinator)
    client.force_login(coordinator)
    url = reverse("cases:record_exception", args=[case.reference]) + f"?ref={first.clock_ref}"
    page = client.get(url)
    assert "This exception is for one request for advice only" in page.text
    start = first.sent_on
    response = client.post(
        url,
        {
            "kind": "missed_appointment",
            "starts_on_0": start.day,
            "starts_on_1": start.month,
            "starts_on_2": start.year,
            "reason": "Amara was ill on the day of the assessment",
            "ref": first.clock_ref,
        },
    )
    assert response.status_code == 302
    exception = case.exceptions.get()
    assert (exception.codes, exception.ref) == (["advice"], first.clock_ref)
    # A ref that is not one of this case's requests for advice is not found.
    assert (
        client.get(
            reverse("cases:record_exception", args=[case.reference]) + "?ref=advice:999999"
        ).status_code
        == 404
    )
