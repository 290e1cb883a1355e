import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forms_ersa.models import DraftEvidence
from tests.forms_ersa.conftest import start

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(client, draft, **data):
    return client.post(reverse("forms_ersa:evidence", args=[draft.public_id]), data)


def test_a_renamed_program_is_refused_and_the_rest_of_the_page_kept(client, council):
    draft = start(client, council)
    response = upload(
        client,
        draft,
        file=SimpleUploadedFile("report.pdf", EXE, content_type="application/pdf"),
        kind="ep_report",
        report_date_0="3",
        report_date_1="1",
        report_date_2="2025",
        old_reason="It is the latest one we have",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "whatever its name says" in html
    assert 'value="2025"' in html and "It is the latest one we have" in html
    assert 'value="ep_report" id="id_kind_2" checked' in html or (
        'value="ep_report"' in html and "checked" in html
    )
    assert not DraftEvidence.objects.exists()


def test_an_oversized_file_is_refused(client, council, settings, pdf_upload):
    settings.DOCUMENT_MAX_BYTES = 20
    draft = start(client, council)
    response = upload(
        client,
        draft,
        file=pdf_upload(),
        kind="medical",
        report_date_0="3",
        report_date_1="1",
        report_date_2="2026",
    )
    html = response.content.decode()
    assert "must be smaller than" in html and 'value="2026"' in html
    assert not DraftEvidence.objects.exists()


def test_an_old_report_needs_a_reason(client, council, pdf_upload):
    draft = start(client, council)
    response = upload(
        client,
        draft,
        file=pdf_upload(),
        kind="ep_report",
        report_date_0="1",
        report_date_1="3",
        report_date_2="2025",
    )
    assert "more than 12 months old. Say why" in response.content.decode()
    response = upload(
        client,
        draft,
        file=pdf_upload(),
        kind="ep_report",
        report_date_0="1",
        report_date_1="3",
        report_date_2="2025",
        old_reason="Latest EP report",
    )
    assert response.status_code == 302
    evidence = DraftEvidence.objects.get()
    assert evidence.old_reason == "Latest EP report" and evidence.content_type == "application/pdf"
    page = client.get(reverse("forms_ersa:evidence", args=[draft.public_id])).content.decode()
    assert "More than 12 months old" in page


def test_a_report_needs_its_date_but_a_drawing_does_not(client, council, pdf_upload):
    draft = start(client, council)
    response = upload(client, draft, file=pdf_upload(), kind="school_report")
    assert "Enter the date of the report" in response.content.decode()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = upload(client, draft, file=SimpleUploadedFile("drawing.png", png), kind="child_views")
    assert response.status_code == 302
    assert DraftEvidence.objects.get().kind == "child_views"


def test_removed_evidence_is_hidden_not_deleted(client, council, pdf_upload):
    draft = start(client, council)
    upload(
        client,
        draft,
        file=pdf_upload(),
        kind="medical",
        report_date_0="3",
        report_date_1="1",
        report_date_2="2026",
    )
    evidence = DraftEvidence.objects.get()
    client.post(reverse("forms_ersa:remove_evidence", args=[draft.public_id, evidence.pk]))
    evidence.refresh_from_db()
    assert evidence.removed_at is not None
    assert (
        "report.pdf"
        not in client.get(reverse("forms_ersa:evidence", args=[draft.public_id])).content.decode()
    )


def test_a_script_renamed_to_pdf_is_refused_saying_why_not_kept_as_text(client, council):
    draft = start(client, council)
    response = upload(
        client,
        draft,
        file=SimpleUploadedFile(
            "fake-report.pdf", b"#!/bin/sh\necho hello\n", content_type="application/pdf"
        ),
        kind="other",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and 'href="#id_file"' in html
    assert "The selected file is called fake-report.pdf, but it is not really a PDF" in html
    assert "its content is plain text" in html
    assert not DraftEvidence.objects.exists()
