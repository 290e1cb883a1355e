"""A service manager exports everything held about a child for a subject access request.

The archive is built by a task, never on the page's request; the request is logged (who, when, which child); only
the manager who asked downloads it; another council's child cannot be asked for.
"""

import io
import json
import os
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog
from forms_ersa.models import RequestDraft
from records import services
from records.models import SubjectAccessExport

pytestmark = pytest.mark.django_db


def _ask(client, manager, reference, captured, **extra):
    client.force_login(manager)
    with captured(execute=True):
        return client.post(reverse("records:export_new"), {"reference": reference, **extra})


def _archive(client, export) -> zipfile.ZipFile:
    response = client.get(reverse("records:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_a_manager_exports_everything_held_about_a_child(
    client, manager, amara_case, django_capture_on_commit_callbacks
):
    response = _ask(
        client,
        manager,
        amara_case.reference.lower(),
        django_capture_on_commit_callbacks,
        request_reference="SAR-14",
    )
    export = SubjectAccessExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("records:export", args=[export.pk])
    assert (export.status, export.requested_by, export.child, export.request_reference) == (
        "ready",
        manager,
        amara_case.child,
        "SAR-14",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Ready to download" in page and "Download the archive (ZIP)" in page

    archive = _archive(client, export)
    names = set(archive.namelist())
    folder = f"cases/{amara_case.reference}/"
    assert {
        "index.pdf",
        "cases/child.json",
        "cases/child_history.csv",
        "cases/family_contacts.csv",
        folder + "case.json",
        folder + "case_history.csv",
        folder + "timeline.csv",
        folder + "deadlines.csv",
        folder + "documents.csv",
        folder + "documents_history.csv",
        folder + "messages.csv",
        folder + "access_log.csv",
        "advice/requests.csv",
        "advice/submissions.json",
    } <= names
    assert archive.read("index.pdf").startswith(b"%PDF")
    child = json.loads(archive.read("cases/child.json"))
    assert (child["legal_first_name"], child["date_of_birth"]) == ("Amara", "2017-05-14")
    case = json.loads(archive.read(folder + "case.json"))
    assert case["summary"] == "Amara finds it hard to follow spoken instructions."
    # The staff-only document is in it too: the law gives the child the record, and the council redacts third
    # parties before sending (the archive is the council's working copy).
    stored = [name for name in names if name.startswith(folder + "documents/")]
    assert len(stored) == 1 and stored[0].endswith("amara school report.pdf")
    assert "assessment_decision" in archive.read(folder + "deadlines.csv").decode("utf-8-sig")
    assert len(export.sha256) == 64


def test_the_request_and_each_download_are_logged(
    client, manager, amara_case, django_capture_on_commit_callbacks
):
    _ask(client, manager, amara_case.reference, django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    _archive(client, export)
    actions = list(
        AccessLog.objects.filter(user=manager, child=amara_case.child).values_list("action", flat=True)
    )
    assert f"subject_access_export:{export.pk}" in actions
    assert f"subject_access_download:{export.pk}" in actions
    export.refresh_from_db()
    assert export.last_downloaded_at is not None
    assert [h.history_change_reason for h in export.history.order_by("history_id")] == [
        "Subject access export asked for",
        "Archive built",
        "Downloaded",
    ]
    index = client.get(reverse("records:index")).content.decode()
    assert "Susan Manager" in index and amara_case.child.full_name in index


def test_the_archive_is_built_by_a_task_never_on_the_request(client, manager, amara_case, monkeypatch):
    def no_pdf_here(*args, **kwargs):
        raise AssertionError("a PDF was rendered on the request path")

    monkeypatch.setattr("records.services.render_pdf", no_pdf_here)
    client.force_login(manager)
    # Without running the on-commit callbacks, the request only writes the row.
    response = client.post(reverse("records:export_new"), {"reference": amara_case.reference})
    assert response.status_code == 302
    export = SubjectAccessExport.objects.get()
    assert export.status == "queued" and not export.file
    page = client.get(reverse("records:export", args=[export.pk])).content.decode()
    assert "Waiting to be built" in page and 'hx-trigger="every 5s"' in page


def test_only_the_manager_who_asked_downloads_it(
    client, manager, other_manager, coordinator, amara_case, django_capture_on_commit_callbacks
):
    _ask(client, manager, amara_case.reference, django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    url = reverse("records:export_download", args=[export.pk])
    client.force_login(other_manager)
    assert client.get(url).status_code == 404
    page = client.get(reverse("records:export", args=[export.pk])).content.decode()
    assert "Only the manager who asked for it can download it." in page and url not in page
    client.force_login(coordinator)
    assert client.get(url).status_code == 404
    assert client.get(reverse("records:export", args=[export.pk])).status_code == 404


def test_another_councils_child_cannot_be_asked_for_or_read(
    client, manager, other_council_manager, amara_case, django_capture_on_commit_callbacks
):
    response = _ask(client, other_council_manager, amara_case.reference, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "No case of your council has that reference" in response.content.decode()
    assert not SubjectAccessExport.objects.exists()
    _ask(client, manager, amara_case.reference, django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    client.force_login(other_council_manager)
    assert client.get(reverse("records:export", args=[export.pk])).status_code == 404
    assert client.get(reverse("records:export_download", args=[export.pk])).status_code == 404
    assert amara_case.child.full_name not in client.get(reverse("records:index")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reference": ""}, "Enter the case reference, like EHC-2026-00042"),
        ({"reference": "EHC-1999-99999"}, "No case of your council has that reference"),
        ({"reference": "x" * 21}, "Case reference must be 20 characters or fewer"),
        ({"reference": "EHC-2026-00001", "request_reference": "r" * 61}, "must be 60 characters or fewer"),
    ],
)
def test_bad_input_is_named_and_kept(client, manager, data, message):
    client.force_login(manager)
    response = client.post(reverse("records:export_new"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and message in html
    if data["reference"]:
        assert f'value="{data["reference"]}"' in html


def test_a_failed_build_says_so_and_a_retry_builds_nothing_twice(
    client, manager, amara_case, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("records.services.render_pdf", lambda html: (_ for _ in ()).throw(OSError("disk")))
    client.force_login(manager)
    response = client.post(reverse("records:export_new"), {"reference": amara_case.reference})
    export = SubjectAccessExport.objects.get()
    with pytest.raises(OSError):
        services.build_export(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == "failed"
    assert services.build_export(export_id=export.pk).status == "failed"
    assert "Could not be built" in client.get(response["Location"]).content.decode()


def test_archives_are_removed_after_30_days_and_the_log_stays(
    client, manager, amara_case, django_capture_on_commit_callbacks
):
    _ask(client, manager, amara_case.reference, django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    path = export.file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_exports(now=timezone.now() + timedelta(days=29)) == 0
        assert services.expire_exports(now=timezone.now() + timedelta(days=31)) == 1
    export.refresh_from_db()
    assert export.status == "expired" and not export.file
    assert not os.path.exists(path)
    assert client.get(reverse("records:export_download", args=[export.pk])).status_code == 404


def test_the_list_keeps_its_query_count(client, manager, amara_case, django_assert_max_num_queries):
    client.force_login(manager)
    for _ in range(3):
        SubjectAccessExport.objects.create(
            council=manager.organisation, child=amara_case.child, requested_by=manager
        )
    client.get(reverse("records:index"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("records:index"))
    for _ in range(10):
        SubjectAccessExport.objects.create(
            council=manager.organisation, child=amara_case.child, requested_by=manager
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("records:index")).status_code == 200


def test_the_online_request_is_in_the_archive_without_the_keys_to_it(
    client, manager, amara_case, django_capture_on_commit_callbacks
):
    RequestDraft.objects.create(
        council=amara_case.council,
        route="parent",
        email="meera@example.org",
        token_hash="a" * 64,
        answers={"child": {"first_name": "Amara"}},
        status="submitted",
        submitted_at=timezone.now(),
        case=amara_case,
    )
    _ask(client, manager, amara_case.reference, django_capture_on_commit_callbacks)
    archive = _archive(client, SubjectAccessExport.objects.get())
    (request,) = json.loads(archive.read("online_request/requests.json"))
    assert (
        request["answers"] == {"child": {"first_name": "Amara"}} and request["email"] == "meera@example.org"
    )
    assert (
        "token_hash" not in request and "a" * 64 not in archive.read("online_request/requests.json").decode()
    )
