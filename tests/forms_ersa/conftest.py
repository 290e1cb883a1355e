import re
from datetime import date

import pytest
from django.urls import reverse

from cases import selectors as case_selectors
from forms_ersa.models import RequestDraft
from notifications.models import Message

TODAY = date(2026, 3, 2)

# Every page of the parent route, with good answers, in order.
PARENT_PAGES = [
    ("child", "name", {"first_name": "Amara", "last_name": "Okafor", "preferred_name": ""}),
    ("child", "date_of_birth", {"date_of_birth_0": "14", "date_of_birth_1": "5", "date_of_birth_2": "2016"}),
    ("child", "address", {"address": "1 High Street\nRiverside", "postcode": "RV1 1AA"}),
    ("child", "language", {"home_languages": "English and Yoruba", "interpreter_needed": "no"}),
    ("child", "setting", {"school_id": "", "setting_name": "Little Acorns Nursery", "upn": ""}),
    ("family", "you", {"full_name": "Meera Parent", "relationship": "mother", "phone": "07700 900123"}),
    ("family", "responsibility", {"parental_responsibility": "yes", "looked_after": "no"}),
    ("needs", "areas", {"areas": ["semh", "communication_interaction"]}),
    ("needs", "description", {"description": "Finds noise very hard."}),
    (
        "needs",
        "support",
        {"support_in_place": "SEN support", "tried": "Ear defenders", "tried_for": "2 terms"},
    ),
    ("views", "child_views", {"child_views": "I like trains."}),
    ("views", "parent_views", {"parent_views": "She needs a calm place."}),
    ("contact", "preferences", {"channel": "email", "phone": "", "language": "en"}),
    (
        "consent",
        "declaration",
        {"declaration": "on", "share_with": ["setting", "ep", "health", "social_care"]},
    ),
]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(case_selectors, "today", lambda: TODAY)
    return TODAY


def start(client, council, route="parent", email="meera@example.org") -> RequestDraft:
    response = client.post(reverse("forms_ersa:email", args=[council.pk, route]), {"email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    return RequestDraft.objects.latest("pk")


def page_url(draft, section, page):
    return reverse("forms_ersa:page", args=[draft.public_id, section, page])


def post_page(client, draft, section, page, data):
    draft.refresh_from_db()
    return client.post(page_url(draft, section, page), {**data, "version": draft.version})


def fill(client, draft, pages=PARENT_PAGES):
    for section, page, data in pages:
        response = post_page(client, draft, section, page, data)
        assert response.status_code == 302, (section, page, response.content.decode()[:3000])
    response = client.post(reverse("forms_ersa:evidence", args=[draft.public_id]), {"action": "finished"})
    assert response.status_code == 302
    response = client.post(
        reverse("forms_ersa:professionals", args=[draft.public_id]), {"action": "finished"}
    )
    assert response.status_code == 302


def return_link_in_outbox(draft) -> str:
    message = Message.objects.filter(template="ersa.return_link", to_address=draft.email).latest("pk")
    return re.sub(r"^https?://[^/]+", "", message.link)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def _make(name="report.pdf", content=PDF_BYTES):
        return SimpleUploadedFile(name, content, content_type="application/pdf")

    return _make


# Every page of the school route, with good answers, in order (the parent's consent given).
SCHOOL_PAGES = [
    ("child", "name", {"first_name": "Sami", "last_name": "Rahman", "preferred_name": ""}),
    ("child", "date_of_birth", {"date_of_birth_0": "3", "date_of_birth_1": "9", "date_of_birth_2": "2017"}),
    ("child", "address", {"address": "4 Mill Lane\nRiverside", "postcode": "RV2 2BB"}),
    ("child", "language", {"home_languages": "English", "interpreter_needed": "no"}),
    ("child", "setting", {"school_id": "", "setting_name": "", "upn": ""}),
    ("needs", "areas", {"areas": ["cognition_learning"]}),
    ("needs", "description", {"description": "Reading is two years behind."}),
    (
        "needs",
        "support",
        {
            "support_in_place": "Three assess-plan-do-review cycles",
            "tried": "Daily phonics",
            "tried_for": "1 year",
        },
    ),
    ("views", "child_views", {"child_views": "I like maths."}),
    ("views", "parent_views", {"parent_views": ""}),
    ("contact", "preferences", {"channel": "email", "phone": "", "language": "en"}),
    (
        "parent_consent",
        "parent",
        {
            "parent_name": "Nadia Rahman",
            "relationship": "mother",
            "parent_email": "nadia@example.org",
            "parent_phone": "",
            "parental_responsibility": "yes",
        },
    ),
    (
        "parent_consent",
        "consent",
        {
            "consent": "yes",
            "consent_date_0": "20",
            "consent_date_1": "2",
            "consent_date_2": "2026",
            "consent_how": "meeting",
            "parent_involved": "yes",
        },
    ),
    ("parent_consent", "care", {"others_with_responsibility": "", "looked_after": "no", "social_worker": ""}),
    ("consent", "declaration", {"declaration": "on", "share_with": ["setting", "ep", "health"]}),
]


def start_as_senco(client, council, senco) -> RequestDraft:
    client.force_login(senco)
    response = client.post(reverse("forms_ersa:senco", args=[council.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    return RequestDraft.objects.latest("pk")
