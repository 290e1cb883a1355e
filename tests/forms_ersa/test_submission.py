import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseDocument, TimelineEvent
from forms_ersa import services
from forms_ersa.models import RequestDraft
from notifications.models import Message
from tests import factories
from tests.forms_ersa.conftest import fill, return_link_in_outbox, start

pytestmark = pytest.mark.django_db


def completed_draft(client, council) -> RequestDraft:
    draft = start(client, council)
    fill(client, draft)
    return RequestDraft.objects.get(pk=draft.pk)


def test_two_clicks_and_two_tabs_make_one_case(client, council, coordinator):
    draft = completed_draft(client, council)
    other_tab = Client()
    other_tab.get(return_link_in_outbox(draft))
    url = reverse("forms_ersa:check", args=[draft.public_id])
    first = client.post(url)
    second = client.post(url)
    third = other_tab.post(url)
    for response in (first, second, third):
        assert response["Location"] == reverse("forms_ersa:confirmation", args=[draft.public_id])
    assert Case.objects.count() == 1
    assert Message.objects.filter(template="ersa.submitted").count() == 1


def test_a_retry_of_the_service_returns_the_same_case(client, council, coordinator):
    draft = completed_draft(client, council)
    stale = RequestDraft.objects.get(pk=draft.pk)
    case = services.submit_request(draft=draft)
    # A second call holding an out-of-date copy of the draft still finds it sent.
    assert services.submit_request(draft=stale) == case
    assert Case.objects.count() == 1


def test_the_same_child_with_an_open_case_is_linked_not_duplicated(
    client, council, coordinator, business_support
):
    import datetime

    existing = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        first_name="Amara",
        last_name="Okafor",
        date_of_birth=datetime.date(2016, 5, 14),
        received_on=datetime.date(2026, 1, 5),
    )
    draft = completed_draft(client, council)
    response = client.post(reverse("forms_ersa:check", args=[draft.public_id]))
    assert response.status_code == 302
    assert Case.objects.count() == 1
    draft.refresh_from_db()
    assert draft.case == existing and draft.linked_to_existing
    assert TimelineEvent.objects.filter(case=existing, summary__contains="Another request").exists()
    assert Message.objects.filter(template="case.repeat_request", recipient=coordinator).exists()
    html = client.get(response["Location"]).content.decode()
    assert existing.reference in html and "already an open request" in html


def test_the_same_upn_is_the_same_child(client, council, coordinator, business_support):
    import datetime

    existing = factories.make_case(
        council=council, by=business_support, first_name="Different", received_on=datetime.date(2026, 1, 5)
    )
    existing.child.upn = "A123456789012"
    existing.child.save()
    draft = completed_draft(client, council)
    answers = draft.answers
    answers["child"]["upn"] = "A123456789012"
    RequestDraft.objects.filter(pk=draft.pk).update(answers=answers)
    draft.refresh_from_db()
    assert services.submit_request(draft=draft) == existing


def test_the_pdf_copy_is_filed_once_after_commit(
    client, council, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    rendered = []

    def fake_pdf(html):
        rendered.append(html)
        return b"%PDF-1.4 copy"

    monkeypatch.setattr(services, "render_pdf", fake_pdf)
    draft = completed_draft(client, council)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.submit_request(draft=draft)
    copy = CaseDocument.objects.get(case=case, category="request")
    assert copy.content_type == "application/pdf"
    assert "Amara" in rendered[0] and case.reference in rendered[0]
    services.file_request_copy(draft_id=draft.pk)
    assert CaseDocument.objects.filter(case=case, category="request").count() == 1


def test_the_pdf_renders_with_weasyprint(client, council, coordinator):
    pytest.importorskip("weasyprint")
    draft = completed_draft(client, council)
    services.submit_request(draft=draft)
    document = services.file_request_copy(draft_id=draft.pk)
    with document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_a_failed_pdf_never_loses_the_case_and_a_retry_files_it(
    client, council, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(html):
        raise OSError("font cache unavailable")

    monkeypatch.setattr(services, "render_pdf", broken)
    draft = completed_draft(client, council)
    with django_capture_on_commit_callbacks() as callbacks:
        case = services.submit_request(draft=draft)
    assert callbacks  # the copy is queued after commit, with the outbox relay
    with pytest.raises(OSError):
        services.file_request_copy(draft_id=draft.pk)
    assert Case.objects.get() == case and not CaseDocument.objects.filter(category="request").exists()
    monkeypatch.setattr(services, "render_pdf", lambda html: b"%PDF-1.4 copy")
    services.file_request_copy(draft_id=draft.pk)
    services.file_request_copy(draft_id=draft.pk)
    assert CaseDocument.objects.filter(case=case, category="request").count() == 1


def test_a_family_account_with_the_confirmed_email_joins_the_team(client, council, coordinator, parent):
    from cases.models import CaseTeamMember, TeamRole

    draft = start(client, council, email=parent.email)
    Client().get(return_link_in_outbox(draft))
    fill(client, draft)
    case = services.submit_request(draft=RequestDraft.objects.get(pk=draft.pk))
    assert CaseTeamMember.objects.filter(case=case, user=parent, role=TeamRole.FAMILY).exists()


def test_a_failure_after_the_case_is_made_leaves_no_case_and_no_filed_copies(
    client, council, coordinator, settings, tmp_path, pdf_upload, monkeypatch
):
    import datetime
    from pathlib import Path

    settings.MEDIA_ROOT = tmp_path
    draft = completed_draft(client, council)
    services.add_evidence(
        draft=draft, upload=pdf_upload(), kind="school_report", report_date=datetime.date(2026, 1, 10)
    )
    real_notify = services.notifications.notify

    def failing(**kwargs):
        if kwargs.get("template") == "ersa.submitted":
            raise RuntimeError("outbox unavailable")
        return real_notify(**kwargs)

    monkeypatch.setattr(services.notifications, "notify", failing)

    with pytest.raises(RuntimeError):
        services.submit_request(draft=RequestDraft.objects.get(pk=draft.pk))

    assert not Case.objects.exists()
    assert not CaseDocument.objects.exists()
    assert not [p for p in (Path(tmp_path) / "cases").rglob("*") if p.is_file()]
    # The family's own draft and its evidence are kept, so they can send it again.
    draft.refresh_from_db()
    assert not draft.is_submitted and draft.evidence.filter(removed_at__isnull=True).count() == 1
    monkeypatch.setattr(services.notifications, "notify", real_notify)
    case = services.submit_request(draft=RequestDraft.objects.get(pk=draft.pk))
    assert CaseDocument.objects.filter(case=case).count() == 1
