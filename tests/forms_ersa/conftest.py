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
    ("contact", "preferences", {"channel": "email", "phone": "", "language": ""}),
    ("consent", "declaration", {"declaration": "on", "share": "on"}),
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
