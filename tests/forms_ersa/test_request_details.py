"""Professionals already involved, consent to share with named agencies, how the family wants to hear from us,
a setting not in the list, the school's social care questions, who may send a school's request, and the PDF copy."""

import datetime
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseDocument, InvolvedProfessional
from forms_ersa import services
from forms_ersa.models import FormSettings, RequestDraft
from notifications.models import Message
from tests import factories
from tests.forms_ersa.conftest import (
    PARENT_PAGES,
    SCHOOL_PAGES,
    fill,
    page_url,
    post_page,
    start,
    start_as_senco,
)

pytestmark = pytest.mark.django_db

SALT = {
    "name": "Priya Shah",
    "role": "Speech and language therapist",
    "service": "Riverside Children's Therapy Service",
    "email": "priya.shah@nhs.example",
    "phone": "",
}


def professionals_url(draft):
    return reverse("forms_ersa:professionals", args=[draft.public_id])


def pages_with(section, page, data, pages=PARENT_PAGES):
    return [(s, p, data if (s, p) == (section, page) else d) for s, p, d in pages]


def send(client, draft):
    response = client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Case.objects.get(pk=RequestDraft.objects.get(pk=draft.pk).case_id)


# Professionals already involved


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({**SALT, "name": ""}, "name", "Enter their name"),
        ({**SALT, "role": " "}, "role", "Enter what they do, for example speech and language therapist"),
        ({**SALT, "service": ""}, "service", "Enter the service or organisation they work for"),
        ({**SALT, "email": "", "phone": ""}, "email", "Enter an email address or a phone number for them"),
        (
            {**SALT, "email": "priya at nhs"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
    ],
)
def test_each_bad_professional_is_explained_and_the_input_kept(client, council, data, field, message):
    draft = start(client, council)
    response = client.post(professionals_url(draft), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert f'href="#id_{field}"' in html
    for name in ("name", "role", "service"):
        if data[name].strip():
            assert f'value="{data[name]}"'.replace("'", "&#x27;") in html
    draft.refresh_from_db()
    assert (draft.answers.get("professionals") or {}).get("people") is None


def test_professionals_are_added_removed_and_the_section_completed(client, council):
    draft = start(client, council)
    assert client.post(professionals_url(draft), SALT).status_code == 302
    other = {
        "name": "Dr Omar Aziz",
        "role": "Paediatrician",
        "service": "Riverside Hospital",
        "phone": "0161 496 0000",
    }
    assert client.post(professionals_url(draft), {**other, "email": ""}).status_code == 302
    page = client.get(professionals_url(draft)).content.decode()
    assert "You have added 2 people" in page
    assert "Priya Shah" in page and "Dr Omar Aziz" in page and "0161 496 0000" in page

    draft.refresh_from_db()
    omar = next(p for p in draft.answers["professionals"]["people"] if p["name"] == "Dr Omar Aziz")
    response = client.post(reverse("forms_ersa:remove_professional", args=[draft.public_id, omar["id"]]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert [p["name"] for p in draft.answers["professionals"]["people"]] == ["Priya Shah"]
    # Removing is recorded: the draft's history still holds the person as entered.
    assert any(
        "Dr Omar Aziz" in str(h.answers)
        for h in draft.history.filter(history_change_reason="Professional added")
    )

    tasks = client.get(reverse("forms_ersa:tasks", args=[draft.public_id])).content.decode()
    assert re.search(r'data-testid="status-professionals"[^>]*>(\s|<[^>]+>)*In progress', tasks)
    client.post(professionals_url(draft), {"action": "finished"})
    tasks = client.get(reverse("forms_ersa:tasks", args=[draft.public_id])).content.decode()
    assert re.search(r'data-testid="status-professionals"[^>]*>(\s|<[^>]+>)*Completed', tasks)


def test_someone_elses_draft_professionals_page_is_not_found(client, council):
    draft = start(client, council)
    stranger = Client()
    assert stranger.get(professionals_url(draft)).status_code == 404
    assert stranger.post(professionals_url(draft), SALT).status_code == 404
    assert (
        stranger.post(reverse("forms_ersa:remove_professional", args=[draft.public_id, "abcd"])).status_code
        == 404
    )


def test_an_unfinished_professionals_list_is_named_on_check_your_answers(client, council, coordinator):
    draft = start(client, council)
    for section, page, data in PARENT_PAGES:
        post_page(client, draft, section, page, data)
    client.post(reverse("forms_ersa:evidence", args=[draft.public_id]), {"action": "finished"})
    response = client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Complete the section ‘Professionals already involved’" in html
    assert f'href="{professionals_url(draft)}"' in html
    assert Case.objects.count() == 0


def test_the_professionals_named_go_onto_the_case_and_its_page(client, council, coordinator):
    draft = start(client, council)
    client.post(professionals_url(draft), SALT)
    fill(client, draft)
    check = client.get(reverse("forms_ersa:check", args=[draft.public_id])).content.decode()
    assert "Priya Shah" in check and "Speech and language therapist" in check
    case = send(client, draft)
    person = InvolvedProfessional.objects.get(case=case)
    assert (person.name, person.role, person.service, person.email) == (
        "Priya Shah",
        "Speech and language therapist",
        "Riverside Children's Therapy Service",
        "priya.shah@nhs.example",
    )
    assert person.source == "request"
    assert case.timeline.filter(summary="1 professional(s) already involved named in the request").exists()

    staff = Client()
    staff.force_login(coordinator)
    page = staff.get(reverse("cases:detail", args=[case.reference])).content.decode()
    section = page[page.index('data-testid="professionals"') :][:800]
    assert "Priya Shah" in section and "priya.shah@nhs.example" in section


def test_a_repeat_request_adds_only_professionals_the_case_does_not_have(
    client, council, coordinator, business_support
):
    existing = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        first_name="Amara",
        last_name="Okafor",
        date_of_birth=datetime.date(2016, 5, 14),
        received_on=datetime.date(2026, 1, 5),
    )
    InvolvedProfessional.objects.create(
        case=existing, name="Priya Shah", role="SLT", service="Riverside Children's Therapy Service"
    )
    draft = start(client, council)
    client.post(professionals_url(draft), SALT)
    client.post(professionals_url(draft), {**SALT, "name": "Dr Omar Aziz", "role": "Paediatrician"})
    fill(client, draft)
    assert send(client, draft) == existing
    assert sorted(existing.professionals.values_list("name", flat=True)) == ["Dr Omar Aziz", "Priya Shah"]


# Consent to share with named agencies


def test_consent_needs_at_least_one_agency_and_keeps_what_was_ticked(client, council):
    draft = start(client, council)
    response = post_page(client, draft, "consent", "declaration", {"declaration": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select at least one service we may share the request with" in html
    assert 'href="#id_share_with' in html
    assert re.search(r'name="declaration"[^>]*checked', html)
    response = post_page(
        client, draft, "consent", "declaration", {"declaration": "on", "share_with": ["nobody"]}
    )
    assert "Select a valid choice" in response.content.decode()


def test_the_council_names_its_own_agencies_and_the_case_records_each_answer(client, council, coordinator):
    FormSettings.objects.create(
        council=council,
        share_agencies=[
            {"key": "health", "name": "Riverside NHS Foundation Trust"},
            {"key": "social_care", "name": "Riverside Children's Services"},
        ],
    )
    draft = start(client, council)
    page = client.get(page_url(draft, "consent", "declaration")).content.decode()
    assert (
        "Riverside NHS Foundation Trust" in page
        and "Riverside Children's Services".replace("'", "&#x27;") in page
    )
    assert "The educational psychology service" not in page
    fill(client, draft, pages_with("consent", "declaration", {"declaration": "on", "share_with": ["health"]}))
    case = send(client, draft)
    assert case.share_consent == [
        {"key": "health", "name": "Riverside NHS Foundation Trust", "agreed": True},
        {"key": "social_care", "name": "Riverside Children's Services", "agreed": False},
    ]
    staff = Client()
    staff.force_login(coordinator)
    page = staff.get(reverse("cases:detail", args=[case.reference])).content.decode()
    section = page[page.index('data-testid="share-consent"') :][:900]
    assert re.search(r"Agreed</strong>\s*Riverside NHS Foundation Trust", section)
    assert re.search(r"Not agreed</strong>\s*Riverside Children", section)


def test_the_family_does_not_see_the_consent_record_on_their_case_page(client, council, coordinator):
    draft = start(client, council)
    fill(client, draft)
    case = send(client, draft)
    parent_user = factories.UserFactory(role="parent", organisation=None, email="dad@example.org")
    factories.add_family_member(case, parent_user)
    family = Client()
    family.force_login(parent_user)
    page = family.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert 'data-testid="share-consent"' not in page
    assert 'data-testid="contact-preferences"' not in page


# How the family wants to hear from us, and a setting not in the list


def test_phone_call_needs_a_number(client, council):
    draft = start(client, council)
    response = post_page(
        client, draft, "contact", "preferences", {"channel": "phone", "phone": "", "language": "en"}
    )
    html = response.content.decode()
    assert "Enter a phone number, or choose another way for us to contact you" in html
    assert 'value="phone" checked' in html or re.search(r'value="phone"[^>]*checked', html)


def test_channel_language_and_a_typed_setting_reach_the_case(client, council, coordinator):
    draft = start(client, council)
    pages = pages_with(
        "contact", "preferences", {"channel": "sms", "phone": "07700 900456", "language": "pl"}
    )
    fill(client, draft, pages)
    case = send(client, draft)
    contact = case.child.contacts.get()
    assert (contact.preferred_channel, contact.language, contact.phone) == ("sms", "pl", "07700 900456")
    # A letter needs the postcode as the last line of the address.
    assert contact.address == "1 High Street\nRiverside\nRV1 1AA"
    assert Message.objects.get(template="ersa.submitted").language == "pl"
    assert case.child.setting_name == "Little Acorns Nursery"
    assert case.child.current_setting is None
    staff = Client()
    staff.force_login(coordinator)
    page = staff.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Little Acorns Nursery" in page
    assert "Contact by: Text message. Language: Polish (Polski)" in page


# The school route: social care questions, and only the SENCo sends


def test_the_school_route_asks_whether_the_pupil_is_looked_after(client, council, senco):
    draft = start_as_senco(client, council, senco)
    response = post_page(client, draft, "parent_consent", "care", {"looked_after": ""})
    html = response.content.decode()
    assert "Is the pupil looked after by a council (in care)?" in html
    assert "Select yes if the pupil is looked after by a council" in html
    fill(client, draft, [p for p in SCHOOL_PAGES if p[1] != "care"])
    response = client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    html = unescape(response.content.decode())
    assert "Complete the section ‘Parent's consent’" in html
    assert "Add the SEN support plan" in html
    assert page_url(draft, "parent_consent", "care") + "?next=check" in html


def test_the_parent_adds_to_a_school_request_but_only_the_senco_sends_it(client, council, senco, pdf_upload):
    draft = start_as_senco(client, council, senco)
    fill(client, draft, SCHOOL_PAGES)
    client.post(
        reverse("forms_ersa:evidence", args=[draft.public_id]),
        {
            "file": pdf_upload("support-plan.pdf"),
            "kind": "sen_support_plan",
            "report_date_0": "10",
            "report_date_1": "1",
            "report_date_2": "2026",
        },
    )
    link = Message.objects.get(template="ersa.senco_parent_link").link
    parent = Client()
    parent.get(re.sub(r"^https?://[^/]+", "", link))
    check_url = reverse("forms_ersa:check", args=[draft.public_id])
    page = parent.get(check_url).content.decode()
    assert "Send request" not in page
    assert "The school will check the request and send it to the council" in page
    response = parent.post(check_url)
    assert response.status_code == 302 and response["Location"] == check_url
    with pytest.raises(services.ServiceError, match="Only the school can send this request"):
        services.submit_request(draft=draft, by=None)
    assert Case.objects.count() == 0

    assert "Send request" in client.get(check_url).content.decode()
    assert client.post(check_url).status_code == 302
    assert Case.objects.count() == 1


# The PDF copy on the confirmation page


def test_the_family_downloads_the_pdf_copy_from_the_confirmation_page(
    client, council, coordinator, django_capture_on_commit_callbacks
):
    draft = start(client, council)
    fill(client, draft)
    with django_capture_on_commit_callbacks(execute=True):
        case = send(client, draft)
    confirmation = client.get(reverse("forms_ersa:confirmation", args=[draft.public_id])).content.decode()
    copy_url = reverse("forms_ersa:copy", args=[draft.public_id])
    assert f'href="{copy_url}"' in confirmation
    assert "Download a copy of your request (PDF" in confirmation
    response = client.get(copy_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"Online-request-{case.reference}" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Another browser, or a signed-in stranger, gets nothing.
    assert Client().get(copy_url).status_code == 404
    stranger = Client()
    stranger.force_login(factories.UserFactory(role="parent", organisation=None, email="x@example.org"))
    assert stranger.get(copy_url).status_code == 404


def test_while_the_copy_is_being_made_the_page_says_so(
    client, council, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    def fails(html):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(services, "render_pdf", fails)
    draft = start(client, council)
    fill(client, draft)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, draft)
    assert not CaseDocument.objects.filter(category=CaseDocument.Category.REQUEST).exists()
    page = client.get(reverse("forms_ersa:confirmation", args=[draft.public_id])).content.decode()
    assert "We are making a PDF copy of your request" in page
    assert client.get(reverse("forms_ersa:copy", args=[draft.public_id])).status_code == 404
