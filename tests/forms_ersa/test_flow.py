import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseDocument, CaseTeamMember, TeamRole, TimelineEvent
from forms_ersa.models import DraftStatus, FormSettings, RequestDraft
from notifications.models import Message
from tests.forms_ersa.conftest import PARENT_PAGES, fill, page_url, post_page, return_link_in_outbox, start

pytestmark = pytest.mark.django_db


def test_start_page_routes_each_kind_of_person(client, council):
    url = reverse("forms_ersa:start", args=[council.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {})
    assert "Select who is making the request" in response.content.decode()
    assert client.post(url, {"who": "parent"})["Location"] == reverse(
        "forms_ersa:email", args=[council.pk, "parent"]
    )
    senco = client.post(url, {"who": "senco"})["Location"]
    assert senco == reverse("forms_ersa:senco", args=[council.pk])
    # SENCos have accounts: someone not signed in is sent to sign in first, and comes back here.
    response = client.get(senco)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login")) and "next=" in response["Location"]


def test_index_goes_straight_to_the_only_council(client, council):
    assert client.get(reverse("forms_ersa:index"))["Location"] == reverse(
        "forms_ersa:start", args=[council.pk]
    )


def test_bad_email_is_explained_and_kept(client, council):
    response = client.post(reverse("forms_ersa:email", args=[council.pk, "parent"]), {"email": "meera@"})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter an email address in the correct format" in page
    assert 'value="meera@"' in page
    assert not RequestDraft.objects.exists()


def test_start_sends_a_link_and_the_person_carries_on(client, council):
    draft = start(client, council)
    message = Message.objects.get(template="ersa.return_link")
    assert message.to_address == "meera@example.org"
    # Only a hash of the token is stored; the link carries the token.
    token = message.link.rstrip("/").rsplit("/", 1)[-1]
    assert draft.token_hash == RequestDraft.hash_token(token) and token not in draft.token_hash
    response = client.get(reverse("forms_ersa:tasks", args=[draft.public_id]))
    assert response.status_code == 200
    assert "Not started" in response.content.decode()


def test_answers_are_saved_to_the_database_and_statuses_move(client, council):
    draft = start(client, council)
    post_page(client, draft, "child", "name", {"first_name": "Amara", "last_name": "Okafor"})
    draft.refresh_from_db()
    assert draft.answers["child"]["first_name"] == "Amara"
    page = client.get(reverse("forms_ersa:tasks", args=[draft.public_id])).content.decode()
    assert "In progress" in page
    for section, name, data in PARENT_PAGES[:5]:
        post_page(client, draft, section, name, data)
    tasks = client.get(reverse("forms_ersa:tasks", args=[draft.public_id])).content.decode()
    assert 'data-testid="status-child">Completed' in tasks
    # Nothing but a pointer is in the session.
    session_values = dict(client.session.items())
    assert "Amara" not in str(session_values)


def test_return_by_the_emailed_link_in_another_browser(client, council):
    draft = start(client, council)
    post_page(client, draft, "child", "name", {"first_name": "Amara", "last_name": "Okafor"})
    other = Client()
    assert other.get(reverse("forms_ersa:tasks", args=[draft.public_id])).status_code == 404
    response = other.get(return_link_in_outbox(draft))
    assert response["Location"] == reverse("forms_ersa:tasks", args=[draft.public_id])
    page = other.get(page_url(draft, "child", "name")).content.decode()
    assert 'value="Amara"' in page
    draft.refresh_from_db()
    assert draft.email_confirmed


def test_a_wrong_link_is_refused(client, council):
    start(client, council)
    response = client.get(reverse("forms_ersa:return", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_someone_elses_draft_is_not_found(client, council):
    draft = start(client, council)
    stranger = Client()
    for url in [
        reverse("forms_ersa:tasks", args=[draft.public_id]),
        page_url(draft, "child", "name"),
        reverse("forms_ersa:evidence", args=[draft.public_id]),
        reverse("forms_ersa:check", args=[draft.public_id]),
        reverse("forms_ersa:confirmation", args=[draft.public_id]),
    ]:
        assert stranger.get(url).status_code == 404, url
    assert (
        stranger.post(page_url(draft, "child", "name"), {"first_name": "X", "last_name": "Y"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("section", "page", "data", "message", "kept"),
    [
        (
            "child",
            "name",
            {"first_name": "", "last_name": "Okafor"},
            "Enter their first name",
            'value="Okafor"',
        ),
        (
            "child",
            "date_of_birth",
            {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "2016"},
            "Date of birth must be a real date",
            'value="31"',
        ),
        (
            "child",
            "date_of_birth",
            {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2000"},
            "must be under 25",
            'value="2000"',
        ),
        (
            "child",
            "date_of_birth",
            {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2030"},
            "must be today or in the past",
            'value="2030"',
        ),
        (
            "child",
            "date_of_birth",
            {"date_of_birth_0": "1", "date_of_birth_2": "2016"},
            "must include a month",
            'value="2016"',
        ),
        (
            "child",
            "address",
            {"address": "1 High Street", "postcode": ""},
            "Enter their postcode",
            "1 High Street",
        ),
        (
            "child",
            "language",
            {"home_languages": "Polish"},
            "Select yes if you need an interpreter",
            'value="Polish"',
        ),
        (
            "child",
            "setting",
            {"upn": "123", "setting_name": "Acorns"},
            "Enter a UPN in the correct format",
            'value="Acorns"',
        ),
        ("family", "you", {"full_name": "Meera"}, "Select your relationship", 'value="Meera"'),
        (
            "family",
            "responsibility",
            {"looked_after": "no"},
            "Select yes if you have parental responsibility",
            "checked",
        ),
        ("needs", "areas", {}, "Select at least one area", ""),
        (
            "needs",
            "support",
            {"support_in_place": "SEN support", "tried": "x"},
            "Enter how long",
            "SEN support",
        ),
        ("views", "parent_views", {}, "Enter your views", ""),
        (
            "contact",
            "preferences",
            {"channel": "sms", "language": "pl"},
            "Enter a phone number, or choose another way",
            '<option value="pl" selected>',
        ),
        (
            "consent",
            "declaration",
            {"share_with": ["health"]},
            "Confirm that the information is correct",
            "checked",
        ),
    ],
)
def test_each_bad_input_is_explained_and_the_input_kept(client, council, section, page, data, message, kept):
    draft = start(client, council)
    response = post_page(client, draft, section, page, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert message in html
    assert "govuk-error-message" in html
    assert kept in html
    draft.refresh_from_db()
    assert section not in draft.answers


def test_an_out_of_date_page_does_not_overwrite_a_newer_save(client, council):
    draft = start(client, council)
    stale_version = draft.version
    post_page(client, draft, "child", "name", {"first_name": "Amara", "last_name": "Okafor"})
    response = client.post(
        page_url(draft, "child", "name"), {"first_name": "Old", "last_name": "Tab", "version": stale_version}
    )
    html = response.content.decode()
    assert "changed in another window" in html and 'value="Old"' in html
    draft.refresh_from_db()
    assert draft.answers["child"]["first_name"] == "Amara"


def test_check_answers_lists_what_is_missing_with_links(client, council):
    draft = start(client, council)
    post_page(client, draft, "child", "name", {"first_name": "Amara", "last_name": "Okafor"})
    response = client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Complete the section ‘About the child or young person’" in html
    assert "Complete the section ‘Consent and declaration’" in html
    assert page_url(draft, "consent", "declaration") in html
    assert not Case.objects.exists()


def test_full_journey_submits_one_case_with_its_clock(client, council, coordinator, school):
    draft = start(client, council)
    fill(client, draft)
    check = client.get(reverse("forms_ersa:check", args=[draft.public_id]))
    html = check.content.decode()
    assert "Amara" in html and "14 May 2016" in html and "Social, emotional and mental health" in html
    assert page_url(draft, "child", "name") + "?next=check" in html
    # A change link returns to "Check your answers".
    response = post_page(
        client,
        draft,
        "child",
        "name",
        {"first_name": "Amara", "last_name": "Okafor", "preferred_name": "Mara"},
    )
    response = client.post(
        page_url(draft, "child", "name") + "?next=check",
        {
            "first_name": "Amara",
            "last_name": "Okafor",
            "preferred_name": "Mara",
            "version": RequestDraft.objects.get().version,
        },
    )
    assert response["Location"] == reverse("forms_ersa:check", args=[draft.public_id])

    response = client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    assert response["Location"] == reverse("forms_ersa:confirmation", args=[draft.public_id])
    case = Case.objects.get()
    assert case.received_on.isoformat() == "2026-03-02"
    assert case.route == "online" and case.requested_by == "parent" and case.stage == "request_received"
    assert case.coordinator == coordinator
    assert case.child.legal_first_name == "Amara" and case.child.preferred_name == "Mara"
    assert case.child.contacts.get().email == "meera@example.org"
    assert CaseTeamMember.objects.filter(case=case, role=TeamRole.COORDINATOR, user=coordinator).exists()
    assert TimelineEvent.objects.filter(case=case, kind="created", summary__contains="online").exists()
    confirmation = client.get(response["Location"]).content.decode()
    assert case.reference in confirmation
    assert "13 April 2026" in confirmation
    submitted = Message.objects.get(template="ersa.submitted")
    assert submitted.to_address == "meera@example.org"
    assert submitted.data["reference"] == case.reference and submitted.data["decision_by"] == "13 April 2026"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED and draft.case == case
    # A sent request cannot be edited, and its pages lead to the confirmation.
    assert client.get(page_url(draft, "child", "name"))["Location"] == reverse(
        "forms_ersa:confirmation", args=[draft.public_id]
    )


def test_confirmation_shows_the_councils_contacts(client, council, coordinator):
    FormSettings.objects.create(
        council=council, contact_email="send@riverside.example", contact_phone="0300 123 4567"
    )
    draft = start(client, council)
    fill(client, draft)
    client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    html = client.get(reverse("forms_ersa:confirmation", args=[draft.public_id])).content.decode()
    assert "send@riverside.example" in html and "0300 123 4567" in html


def test_a_signed_in_parent_joins_the_team(client, council, coordinator, parent):
    client.force_login(parent)
    draft = start(client, council, email=parent.email)
    assert draft.user == parent
    fill(client, draft)
    client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    case = Case.objects.get()
    assert CaseTeamMember.objects.filter(case=case, user=parent, role=TeamRole.FAMILY).exists()


def test_young_person_route(client, council, coordinator):
    draft = start(client, council, route="young_person", email="sam@example.org")
    pages = [
        ("child", "name", {"first_name": "Sam", "last_name": "Lee"}),
        (
            "child",
            "date_of_birth",
            {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2008"},
        ),
        *[p for p in PARENT_PAGES if p[0] == "child" and p[1] in ("address", "language", "setting")],
        ("family", "you", {"full_name": "Sam Lee"}),
        ("family", "responsibility", {"looked_after": "no"}),
        *[p for p in PARENT_PAGES if p[0] in ("needs", "views", "contact")],
    ]
    fill(client, draft, pages)
    # Their own consent is asked for and required.
    response = post_page(
        client, draft, "consent", "declaration", {"declaration": "on", "share_with": ["health"]}
    )
    assert "Select yes if you agree to this request" in response.content.decode()
    post_page(
        client,
        draft,
        "consent",
        "declaration",
        {"declaration": "on", "share_with": ["health"], "young_person_consent": "yes"},
    )
    client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    case = Case.objects.get()
    assert case.requested_by == "young_person"
    assert case.child.contacts.get().relationship == "self"


def test_young_person_under_16_is_sent_to_the_parent_route(client, council):
    draft = start(client, council, route="young_person")
    response = post_page(
        client,
        draft,
        "child",
        "date_of_birth",
        {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2012"},
    )
    assert "only request for yourself if you are 16 or over" in response.content.decode()


def test_a_parent_of_a_16_year_old_is_asked_for_their_agreement(client, council):
    draft = start(client, council)
    post_page(
        client,
        draft,
        "child",
        "date_of_birth",
        {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2009"},
    )
    response = post_page(
        client, draft, "consent", "declaration", {"declaration": "on", "share_with": ["health"]}
    )
    assert "Select yes if the young person agrees" in response.content.decode()
    response = post_page(
        client,
        draft,
        "consent",
        "declaration",
        {"declaration": "on", "share_with": ["health"], "young_person_consent": "no"},
    )
    assert "needs their agreement" in response.content.decode()


def test_evidence_rules_from_council_settings(client, council, coordinator):
    FormSettings.objects.create(council=council, required_evidence={"parent": ["school_report"]})
    draft = start(client, council)
    fill(client, draft)
    html = client.post(reverse("forms_ersa:check", args=[draft.public_id])).content.decode()
    assert "Add the school report" in html
    assert not Case.objects.exists()


def test_evidence_is_attached_to_the_case(client, council, coordinator, pdf_upload):
    draft = start(client, council)
    response = client.post(
        reverse("forms_ersa:evidence", args=[draft.public_id]),
        {
            "file": pdf_upload("school report.pdf"),
            "kind": "school_report",
            "report_date_0": "1",
            "report_date_1": "2",
            "report_date_2": "2026",
        },
    )
    assert response.status_code == 302
    fill(client, draft)
    client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    document = CaseDocument.objects.get(category="school_report")
    assert document.case == Case.objects.get() and document.name == "school report.pdf"


def test_form_settings_are_checked_before_saving(council):
    from django.core.exceptions import ValidationError

    row = FormSettings(
        council=council, required_sections=["child", "pets"], required_evidence={"parent": ["x"]}
    )
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert set(refused.value.message_dict) == {"required_sections", "required_evidence"}
    FormSettings(council=council).full_clean()


def _sent_with_contact(client, council, contact: dict) -> tuple[str, Message]:
    draft = start(client, council)
    pages = [
        (section, page, contact if (section, page) == ("contact", "preferences") else data)
        for section, page, data in PARENT_PAGES
    ]
    fill(client, draft, pages)
    response = client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    html = client.get(response["Location"]).content.decode()
    return " ".join(html.split()), Message.objects.get(template="ersa.submitted")


def test_a_family_who_chose_texts_is_confirmed_by_text_and_the_page_says_so(client, council, coordinator):
    html, sent = _sent_with_contact(
        client, council, {"channel": "sms", "phone": "07700 900123", "language": "en"}
    )
    assert sent.channel == "sms" and sent.to_address == "07700 900123"
    assert "We have sent a text message to 07700 900123 to confirm we have the request." in html
    assert "confirmation email" not in html


def test_a_family_who_chose_email_is_told_of_the_email(client, council, coordinator):
    html, sent = _sent_with_contact(client, council, {"channel": "email", "phone": "", "language": "en"})
    assert sent.channel == "email"
    assert "We have sent a confirmation email to meera@example.org." in html
    assert "text message" not in html
