import base64
import copy
import datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from cases.models import Case, CaseDocument
from forms_ersa.models import DraftStatus, RequestDraft
from tests import factories
from tests.forms_ersa.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/"

# As the pages store them (see tests/forms_ersa/conftest.PARENT_PAGES): ISO dates, yes/no, areas as a list.
ANSWERS = {
    "child": {
        "first_name": "Amara",
        "last_name": "Okafor",
        "preferred_name": "",
        "date_of_birth": "2016-05-14",
        "address": "1 High Street\nRiverside",
        "postcode": "RV1 1AA",
        "home_languages": "English and Yoruba",
        "interpreter_needed": "no",
        "school_id": "",
        "setting_name": "Little Acorns Nursery",
        "upn": "",
    },
    "family": {
        "full_name": "Meera Parent",
        "relationship": "mother",
        "phone": "07700 900123",
        "parental_responsibility": "yes",
        "looked_after": "no",
    },
    "needs": {
        "areas": ["semh", "communication_interaction"],
        "description": "Finds noise very hard.",
        "support_in_place": "SEN support",
        "tried": "Ear defenders",
        "tried_for": "2 terms",
    },
    "views": {"child_views": "I like trains.", "parent_views": "She needs a calm place."},
    "evidence": {"finished": "yes"},
    "contact": {"channel": "email", "phone": "", "language": ""},
    "consent": {"declaration": "yes", "share_with": ["setting", "ep", "health", "social_care"]},
    "professionals": {"finished": "yes"},
}


def payload(**changes) -> dict:
    body = {"route": "parent", "email": "meera@example.org", "answers": copy.deepcopy(ANSWERS)}
    body.update(changes)
    return body


@pytest.fixture
def api(coordinator):
    client = APIClient()
    client.force_authenticate(user=coordinator)
    return client


def post(client, body):
    return client.post(URL, body, format="json")


def problems(response) -> set[tuple]:
    assert response.status_code == 400, response.content
    return {(p["section"], p["field"]) for p in response.json()["problems"]}


def test_a_complete_request_creates_the_case_and_starts_the_clock(api, council, fixed_today):
    response = post(api, payload())

    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get()
    assert body["reference"] == case.reference
    assert body["received_on"] == "2026-03-02"
    assert body["decision_by"] == "2026-04-13"  # received + 6 weeks
    assert body["linked"] is False
    draft = RequestDraft.objects.get(public_id=body["request_id"])
    assert draft.status == DraftStatus.SUBMITTED and draft.case == case
    assert case.council == council and case.received_on == fixed_today
    assert case.child.legal_first_name == "Amara"


def test_evidence_is_attached_to_the_case(api):
    evidence = [
        {
            "name": "school-report.pdf",
            "content": base64.b64encode(PDF_BYTES).decode(),
            "kind": "school_report",
            "report_date": "2026-01-10",
        }
    ]

    response = post(api, payload(evidence=evidence))

    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert CaseDocument.objects.filter(case=case, category="school_report").count() == 1


def test_evidence_that_is_not_an_allowed_file_is_refused(api):
    evidence = [
        {"name": "report.pdf", "content": base64.b64encode(b"MZ\x90\x00binary").decode(), "kind": "other"}
    ]

    response = post(api, payload(evidence=evidence))

    assert ("evidence", "evidence[0].file") in problems(response)
    assert not Case.objects.exists() and not RequestDraft.objects.exists()


def test_a_missing_section_is_named_and_nothing_is_kept(api):
    body = payload()
    del body["answers"]["views"]

    response = post(api, body)

    assert problems(response) == {("views", "")}
    assert "Views" in response.json()["problems"][0]["message"]
    assert not Case.objects.exists() and not RequestDraft.objects.exists()


def test_a_missing_field_leaves_its_section_incomplete(api):
    body = payload()
    body["answers"]["child"]["postcode"] = ""

    response = post(api, body)

    assert problems(response) == {("child", "postcode")}
    assert response.json()["problems"][0]["message"] == "Enter their postcode"


def test_each_page_is_checked_as_the_form_checks_it(api):
    body = payload()
    body["answers"]["child"]["upn"] = "not a upn"
    body["answers"]["contact"] = {"channel": "sms", "phone": ""}
    body["answers"]["consent"]["declaration"] = ""

    response = post(api, body)

    assert problems(response) == {("child", "upn"), ("contact", "phone"), ("consent", "declaration")}
    assert not Case.objects.exists() and not RequestDraft.objects.exists()


def test_answers_are_saved_as_the_pages_save_them(api):
    body = payload()
    body["answers"]["child"]["upn"] = "a123456789012"

    assert post(api, body).status_code == 201
    draft = RequestDraft.objects.get()
    assert draft.answers["child"]["upn"] == "A123456789012"
    assert draft.answers["consent"]["declaration"] == "yes"
    assert Case.objects.get().child.upn == "A123456789012"


def test_a_date_of_birth_that_is_not_a_date_is_refused(api):
    body = payload()
    body["answers"]["child"]["date_of_birth"] = "2016-13-45"

    assert problems(post(api, body)) == {("child", "date_of_birth")}
    assert not Case.objects.exists()


def test_a_date_of_birth_in_the_future_is_refused(api):
    body = payload()
    body["answers"]["child"]["date_of_birth"] = "2026-06-01"

    assert ("child", "date_of_birth") in problems(post(api, body))


def test_a_young_person_of_25_is_refused(api):
    body = payload()
    body["answers"]["child"]["date_of_birth"] = "2001-03-01"  # 25 the day before the request

    response = post(api, body)

    assert ("child", "date_of_birth") in problems(response)
    assert any("under 25" in p["message"] for p in response.json()["problems"])
    assert not Case.objects.exists()


def test_a_young_person_under_16_cannot_request_for_themselves(api):
    response = post(api, payload(route="young_person"))

    assert ("child", "date_of_birth") in problems(response)
    assert any("16 or over" in p["message"] for p in response.json()["problems"])


def test_a_young_person_of_16_with_their_consent_is_accepted(api):
    body = payload(route="young_person")
    body["answers"]["child"]["date_of_birth"] = "2009-01-10"
    body["answers"]["consent"]["young_person_consent"] = "yes"

    response = post(api, body)

    assert response.status_code == 201, response.content


def test_a_young_person_without_their_consent_is_refused(api):
    body = payload(route="young_person")
    body["answers"]["child"]["date_of_birth"] = "2009-01-10"

    assert ("consent", "young_person_consent") in problems(post(api, body))


@pytest.mark.parametrize("email", ["not-an-email", "", "meera@"])
def test_a_bad_email_is_refused(api, email):
    assert ("", "email") in problems(post(api, payload(email=email)))
    assert not RequestDraft.objects.exists()


def test_an_unknown_route_or_section_is_refused(api):
    body = payload(route="senco")
    body["answers"]["pets"] = {"name": "Rex"}

    assert problems(post(api, body)) == {("", "route"), ("", "answers")}


def test_a_child_with_an_open_case_is_linked_not_duplicated(api, council, coordinator, business_support):
    existing = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        first_name="Amara",
        last_name="Okafor",
        date_of_birth=datetime.date(2016, 5, 14),
        received_on=datetime.date(2026, 1, 5),
    )

    response = post(api, payload())

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["linked"] is True and body["reference"] == existing.reference
    assert body["decision_by"] == "2026-02-16"  # the open case's clock, not a new one
    assert Case.objects.count() == 1


def test_sending_the_same_request_twice_makes_one_case(api):
    first = post(api, payload())
    second = post(api, payload())

    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["reference"] == first.json()["reference"] and second.json()["linked"] is True
    assert Case.objects.count() == 1


@pytest.mark.parametrize("role", [Role.BUSINESS_SUPPORT, Role.SERVICE_MANAGER])
def test_other_council_staff_roles_may_send(council, role):
    client = APIClient()
    client.force_authenticate(user=factories.staff(role, council))

    assert post(client, payload()).status_code == 201


def test_a_token_for_a_coordinator_works(coordinator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_token(coordinator)}")

    assert post(client, payload()).status_code == 201


def test_anonymous_is_401():
    response = post(APIClient(), payload())

    assert response.status_code == 401
    assert not RequestDraft.objects.exists()


def test_a_parent_is_403(parent):
    client = APIClient()
    client.force_authenticate(user=parent)

    assert post(client, payload()).status_code == 403
    assert not RequestDraft.objects.exists()


def test_another_councils_id_is_403(api, other_council):
    response = post(api, payload(council=other_council.pk))

    assert response.status_code == 403
    assert not RequestDraft.objects.exists()


def test_staff_of_another_council_create_in_their_own_council_only(other_council, council):
    client = APIClient()
    client.force_authenticate(user=factories.staff(Role.COORDINATOR, other_council))

    assert post(client, payload(council=council.pk)).status_code == 403
    response = post(client, payload())
    assert response.status_code == 201
    assert Case.objects.get().council == other_council


def test_a_request_sent_whole_by_another_system_emails_no_return_link(api):
    from notifications.models import Message

    response = api.post(URL, payload(), format="json")
    assert response.status_code == 201, response.json()
    assert not Message.objects.filter(template="ersa.return_link").exists()
    assert Message.objects.filter(template="ersa.submitted").exists()


# --- evidence files of a refused request ----------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored_names(monkeypatch):
    """The names each add_evidence call stored its file under, to check they were written and then removed."""
    from forms_ersa import services

    names = []
    real = services.add_evidence

    def recording(**kwargs):
        evidence = real(**kwargs)
        names.append(evidence.file.name)
        return evidence

    monkeypatch.setattr(services, "add_evidence", recording)
    return names


def files_under(path: str) -> list[str]:
    from django.core.files.storage import default_storage

    if not default_storage.exists(path):
        return []
    folders, files = default_storage.listdir(path)
    return [f"{path}/{name}" for name in files] + [
        name for folder in folders for name in files_under(f"{path}/{folder}")
    ]


def pdf_evidence(name="school-report.pdf") -> dict:
    return {
        "name": name,
        "content": base64.b64encode(PDF_BYTES).decode(),
        "kind": "school_report",
        "report_date": "2026-01-10",
    }


def test_a_refused_request_leaves_no_evidence_files_in_storage(api, media, stored_names):
    body = payload(evidence=[pdf_evidence(), pdf_evidence("speech-therapy.pdf")])
    del body["answers"]["views"]

    response = post(api, body)

    assert problems(response) == {("views", "")}
    assert len(stored_names) == 2 and all(name.startswith("ersa/") for name in stored_names)
    assert files_under("ersa") == []
    assert not RequestDraft.objects.exists()


def test_a_good_file_sent_with_a_bad_one_is_not_left_in_storage(api, media, stored_names):
    bad = {"name": "report.pdf", "content": base64.b64encode(b"MZ\x90\x00binary").decode(), "kind": "other"}

    response = post(api, payload(evidence=[pdf_evidence(), bad]))

    assert ("evidence", "evidence[1].file") in problems(response)
    assert len(stored_names) == 1
    assert files_under("ersa") == []


def test_an_unexpected_error_also_removes_the_files_it_stored(api, media, stored_names, monkeypatch):
    from forms_ersa import services

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "submit_request", broken)

    with pytest.raises(RuntimeError):
        post(api, payload(evidence=[pdf_evidence()]))

    assert len(stored_names) == 1
    assert files_under("ersa") == []
    assert not RequestDraft.objects.exists()


def test_the_files_of_a_sent_request_stay(api, media, stored_names):
    from django.core.files.storage import default_storage

    response = post(api, payload(evidence=[pdf_evidence()]))

    assert response.status_code == 201, response.content
    draft = RequestDraft.objects.get()
    assert files_under(f"ersa/{draft.public_id}") == stored_names
    assert default_storage.exists(stored_names[0])
    assert CaseDocument.objects.filter(case=draft.case).count() == 1


def test_professionals_consent_and_preferences_are_checked_and_recorded(api, council, coordinator):
    body = payload()
    body["answers"]["professionals"] = {
        "finished": "yes",
        "people": [
            {"name": "Priya Shah", "role": "Speech and language therapist", "service": "Riverside SLT"}
        ],
    }
    body["answers"]["consent"]["share_with"] = ["health", "the moon"]
    body["answers"]["contact"] = {"channel": "phone", "phone": "", "language": "pl"}
    response = post(api, body)
    assert response.status_code == 400
    found = {(p["section"], p["field"], p["message"]) for p in response.json()["problems"]}
    assert (
        "professionals",
        "people[0].email",
        "Professional 1: Enter an email address or a phone number for them",
    ) in found
    assert any(s == "consent" and f == "share_with" and "valid choice" in m for s, f, m in found)
    assert ("contact", "phone", "Enter a phone number, or choose another way for us to contact you") in found
    assert Case.objects.count() == 0

    body["answers"]["professionals"]["people"][0]["phone"] = "0161 496 0000"
    body["answers"]["consent"]["share_with"] = ["health"]
    body["answers"]["contact"]["phone"] = "07700 900456"
    response = post(api, body)
    assert response.status_code == 201, response.json()
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.professionals.get().phone == "0161 496 0000"
    assert [a["key"] for a in case.share_consent if a["agreed"]] == ["health"]
    contact = case.child.contacts.get()
    assert (contact.preferred_channel, contact.language) == ("phone", "pl")
