"""Staff forms refuse phone numbers and postcodes that are not, and say every problem at once."""

import datetime

import pytest
from django.urls import reverse

from cases.models import Case, FamilyContact, InvolvedProfessional
from tests.cases.test_views import date_fields, request_data

pytestmark = pytest.mark.django_db


def test_logging_a_request_refuses_a_phone_and_a_postcode_that_are_not(login, business_support):
    response = login(business_support).post(
        reverse("cases:log_request"), request_data(contact_phone="abc", postcode="NOTAPOSTCODE")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter their phone number in the correct format, like 01632 960 001 or 07700 900 982" in html
    assert "Enter a real UK postcode, like SW1A 1AA" in html
    assert 'value="abc"' in html and 'value="NOTAPOSTCODE"' in html
    assert not Case.objects.exists()


def test_logging_a_request_stores_the_number_and_postcode_in_one_format(login, business_support):
    response = login(business_support).post(
        reverse("cases:log_request"), request_data(contact_phone="+44 7700 900 123", postcode="rv12ab")
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.child.postcode == "RV1 2AB"
    assert FamilyContact.objects.get(child=case.child).phone == "07700 900123"


def test_too_old_is_said_with_every_other_problem_at_once(login, business_support):
    data = request_data(legal_first_name="", contact_phone="12ab")
    data.update(date_fields("received_on", "", "", ""))
    data.update(date_fields("date_of_birth", datetime.date(1990, 1, 1)))
    response = login(business_support).post(reverse("cases:log_request"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter the child&#x27;s first name" in html or "Enter the child's first name" in html
    assert "Enter the date the council received the request" in html
    assert "must be under 25" in html
    assert "Enter their phone number in the correct format" in html


def test_a_professionals_phone_that_is_not_one_is_refused(client, case, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:add_professional", args=[case.reference]),
        {
            "name": "Dr Aziz",
            "role": "Paediatrician",
            "service": "Riverside Hospital",
            "email": "",
            "phone": "abc",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter their phone number in the correct format" in html and 'value="abc"' in html
    assert not InvolvedProfessional.objects.exists()


def test_a_case_upload_whose_content_does_not_match_its_name_is_refused_saying_why(client, case, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import CaseDocument

    client.force_login(coordinator)
    response = client.post(
        reverse("cases:upload_document", args=[case.reference]),
        {"file": SimpleUploadedFile("fake-report.pdf", b"#!/bin/sh\necho hi\n"), "category": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The selected file is called fake-report.pdf, but it is not really a PDF" in html
    # Said with the other problem on the page, not after it is fixed.
    assert "Select the type of document" in html
    assert not CaseDocument.objects.filter(name__startswith="fake-report").exists()
