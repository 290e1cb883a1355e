"""Retention: the sweep lists what the council's schedule says is due; nothing is disposed of without a manager's
approval or while a legal hold is on; disposal anonymises (or deletes the files) and leaves a destruction record.
"""

import datetime
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case, CaseDocument, Child, FamilyContact, TimelineEvent
from cases.workflow import Stage
from forms_ersa.models import RequestDraft
from notifications.models import Message
from records import services
from records.models import DestructionRecord, Disposal, LegalHold, RetentionRule
from tests import factories
from tests.records.conftest import upload

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def refused(council, business_support, coordinator):
    """A request withdrawn eight years ago: six years after closure have passed."""
    case = factories.CaseFactory(
        stage=Stage.WITHDRAWN,
        council=council,
        logged_by=business_support,
        coordinator=coordinator,
        received_on=TODAY - datetime.timedelta(days=8 * 365),
        first_name="Bola",
        summary="Bola's family asked because of his reading.",
    )
    Child.objects.filter(pk=case.child_id).update(upn="H801200001001", nhs_number="9434765919")
    case_services.add_document(
        case=case, upload=upload("bola report.pdf"), category="school_report", by=coordinator
    )
    return case


@pytest.fixture
def plan_child(council, business_support, coordinator):
    """A plan issued and ceased long ago, for a young person now past their 31st birthday."""
    return factories.CaseFactory(
        stage=Stage.CEASED,
        council=council,
        logged_by=business_support,
        coordinator=coordinator,
        received_on=datetime.date(2005, 3, 1),
        date_of_birth=datetime.date(1993, 2, 1),
        first_name="Chidi",
    )


def _sweep(django_capture_on_commit_callbacks=None):
    return services.sweep_retention()


def test_the_sweep_lists_what_is_due_and_disposes_of_nothing(
    refused, plan_child, amara_case, manager, client
):
    assert services.sweep_retention() == 2
    due = {d.references: d for d in Disposal.objects.all()}
    assert set(due) == {refused.reference, plan_child.reference}
    assert due[refused.reference].record_type == "no_plan"
    assert due[refused.reference].due_on == refused.closed_on.replace(year=refused.closed_on.year + 6)
    assert due[plan_child.reference].record_type == "ehc_plan"
    assert due[plan_child.reference].due_on == datetime.date(2024, 2, 1)
    # A second run adds nothing; nothing was disposed of.
    assert services.sweep_retention() == 0
    assert Child.objects.get(pk=refused.child_id).legal_first_name == "Bola"
    assert not DestructionRecord.objects.exists()
    client.force_login(manager)
    page = client.get(reverse("records:retention")).content.decode()
    assert refused.reference in page and plan_child.reference in page and amara_case.reference not in page
    assert "6 years after the child&#x27;s last case closed" in page
    assert "31 years after the child&#x27;s date of birth" in page


def test_a_case_still_open_or_not_yet_due_is_not_listed(amara_case, council, business_support, coordinator):
    recent = factories.CaseFactory(
        stage=Stage.NOT_ASSESSED, council=council, logged_by=business_support, coordinator=coordinator
    )
    assert services.sweep_retention() == 0
    assert recent.closed_on is not None


def _decide(client, manager, disposal, captured, **data):
    client.force_login(manager)
    url = reverse("records:disposal", args=[disposal.pk])
    with captured(execute=True):
        return client.post(url, {"version": disposal.version, **data})


def test_approved_disposal_anonymises_the_child_and_writes_what_was_destroyed(
    refused, manager, client, django_capture_on_commit_callbacks, settings
):
    draft = RequestDraft.objects.create(
        council=refused.council,
        route="parent",
        email="bola.family@example.org",
        token_hash="b" * 64,
        answers={"child": {"first_name": "Bola"}},
        status="submitted",
        submitted_at=timezone.now(),
        case=refused,
    )
    services.sweep_retention()
    disposal = Disposal.objects.get()
    document = CaseDocument.objects.get(case=refused)
    path = document.file.path
    assert os.path.exists(path)
    response = _decide(client, manager, disposal, django_capture_on_commit_callbacks, decision="approve")
    assert response.status_code == 302

    child = Child.objects.get(pk=refused.child_id)
    assert (child.legal_first_name, child.legal_last_name) == ("Anonymised", f"child {child.pk}")
    assert child.date_of_birth == datetime.date(2017, 1, 1)
    assert (child.upn, child.nhs_number, child.address, child.postcode) == ("", "", "", "")
    # The history holds no copy of what was destroyed.
    assert {h.legal_first_name for h in child.history.all()} == {"Anonymised"}
    case = Case.objects.get(pk=refused.pk)
    assert case.summary == "[redacted]" and case.closure_reason == "[redacted]"
    assert {h.summary for h in case.history.all()} <= {"[redacted]"}
    assert set(FamilyContact.objects.filter(child=child).values_list("name", "email")) == {("[redacted]", "")}
    assert not os.path.exists(path)
    document.refresh_from_db()
    assert (document.file.name, document.name) == ("", "document")
    assert not TimelineEvent.objects.filter(case=refused, summary__icontains="bola").exists()
    sent = Message.objects.filter(subject_ref=f"case:{refused.pk}")
    assert sent.exists() and not sent.filter(to_address__contains="@").exists()
    assert all(message.data == {} for message in sent)
    # The reference, dates and stage stay: the council can still count what it did.
    assert (case.reference, case.stage, case.received_on) == (
        refused.reference,
        "withdrawn",
        refused.received_on,
    )

    note = TimelineEvent.objects.filter(case=refused).first()
    assert (note.summary, note.actor, note.visible_to_family) == (
        "Records anonymised under the council's retention schedule",
        manager,
        False,
    )
    draft.refresh_from_db()
    assert (draft.answers, draft.email) == ({}, "[redacted]")
    assert {h.email for h in draft.history.all()} <= {"[redacted]"}

    record = DestructionRecord.objects.get()
    assert (record.approved_by, record.references, record.method) == (manager, refused.reference, "anonymise")
    assert "1 online requests: answers and email addresses removed" in record.destroyed
    assert (
        record.rule_text
        == "A request refused, an assessment that ended with no plan, or a request withdrawn: 6 years after the child's last case closed"
    )
    assert "1 document files deleted (1 school report)" in record.destroyed
    assert any("name, date of birth" in line for line in record.destroyed)
    assert "Bola" not in str(record.destroyed)
    disposal.refresh_from_db()
    assert disposal.status == "disposed"
    page = client.get(reverse("records:retention")).content.decode()
    assert "Destruction records" in page and "1 document files deleted" in page and "Susan Manager" in page


def test_the_delete_files_rule_keeps_the_case_data(
    refused, manager, client, django_capture_on_commit_callbacks
):
    rule = services.ensure_schedule(council=refused.council)["no_plan"]
    RetentionRule.objects.filter(pk=rule.pk).update(method="delete_files")
    services.sweep_retention()
    _decide(client, manager, Disposal.objects.get(), django_capture_on_commit_callbacks, decision="approve")
    assert Child.objects.get(pk=refused.child_id).legal_first_name == "Bola"
    assert CaseDocument.objects.get(case=refused).file.name == ""
    assert DestructionRecord.objects.get().destroyed == ["1 document files deleted (1 school report)"]


def test_a_legal_hold_stops_approval(refused, manager, client, django_capture_on_commit_callbacks):
    services.sweep_retention()
    client.force_login(manager)
    response = client.post(
        reverse("records:hold_new"),
        {
            "reference": refused.reference,
            "kind": "tribunal",
            "reason": "Appeal SE123/45 to the SEND Tribunal",
        },
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.placed_by, hold.kind, hold.active) == (manager, "tribunal", True)
    page = client.get(reverse("records:retention")).content.decode()
    assert "Legal hold" in page and "Appeal SE123/45" in page
    disposal = Disposal.objects.get()
    response = _decide(client, manager, disposal, django_capture_on_commit_callbacks, decision="approve")
    assert response.status_code == 400
    assert "A legal hold is on this child" in response.content.decode()
    assert Child.objects.get(pk=refused.child_id).legal_first_name == "Bola"

    response = client.post(reverse("records:hold_lift", args=[hold.pk]), {"reason": "The tribunal decided"})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason) == (manager, "The tribunal decided")
    assert [h.history_change_reason for h in hold.history.order_by("history_id")] == [
        "Legal hold placed",
        "Legal hold lifted",
    ]
    notes = TimelineEvent.objects.filter(case=refused, summary__startswith="Legal hold")
    assert {n.visible_to_family for n in notes} == {False} and notes.count() == 2
    response = _decide(client, manager, disposal, django_capture_on_commit_callbacks, decision="approve")
    assert response.status_code == 302
    assert DestructionRecord.objects.exists()


def test_a_hold_placed_after_the_approval_stops_the_disposal(refused, manager):
    services.sweep_retention()
    disposal = Disposal.objects.get()
    services.decide_disposal(disposal=disposal, approve=True, note="", expected_version=1, by=manager)
    services.place_hold(
        reference=refused.reference, kind="complaint", reason="Ombudsman complaint", by=manager
    )
    assert services.carry_out_disposal(disposal_id=disposal.pk) is None
    disposal.refresh_from_db()
    assert disposal.status == "deferred" and "legal hold" in disposal.decision_note
    assert Child.objects.get(pk=refused.child_id).legal_first_name == "Bola"


def test_keeping_for_now_needs_a_reason_and_comes_back_in_a_year(
    refused, manager, client, django_capture_on_commit_callbacks
):
    services.sweep_retention()
    disposal = Disposal.objects.get()
    response = _decide(
        client, manager, disposal, django_capture_on_commit_callbacks, decision="keep", note=""
    )
    assert response.status_code == 400
    assert "Enter why the records are kept for now" in response.content.decode()
    response = _decide(
        client,
        manager,
        disposal,
        django_capture_on_commit_callbacks,
        decision="keep",
        note="Sibling's case open",
    )
    assert response.status_code == 302
    disposal.refresh_from_db()
    assert (disposal.status, disposal.decided_by, disposal.decision_note) == (
        "deferred",
        manager,
        "Sibling's case open",
    )
    assert services.sweep_retention() == 0
    assert services.sweep_retention(on=case_selectors.today() + datetime.timedelta(days=366)) == 1


def test_two_managers_deciding_at_once_do_not_overrule_each_other(refused, manager, other_manager):
    services.sweep_retention()
    disposal = Disposal.objects.get()
    services.decide_disposal(
        disposal=disposal, approve=False, note="Complaint expected", expected_version=1, by=other_manager
    )
    with pytest.raises(services.StaleVersion):
        services.decide_disposal(disposal=disposal, approve=True, note="", expected_version=1, by=manager)


def test_nothing_is_disposed_of_without_the_approval(refused):
    services.sweep_retention()
    disposal = Disposal.objects.get()
    assert services.carry_out_disposal(disposal_id=disposal.pk) is None
    assert Child.objects.get(pk=refused.child_id).legal_first_name == "Bola"


def test_a_manager_changes_the_schedule_with_history(client, manager, refused):
    client.force_login(manager)
    client.get(reverse("records:retention"))
    rule = RetentionRule.objects.get(council=manager.organisation, record_type="no_plan")
    url = reverse("records:rule", args=[rule.pk])
    response = client.post(
        url, {"years": "10", "basis": "closure", "method": "anonymise", "source": "", "version": 1}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.years, rule.version) == (10, 2)
    assert rule.history.first().history_user == manager
    assert services.sweep_retention() == 0  # eight years after closure is not ten
    # The page was open twice: the second save is told, and what was typed stays.
    response = client.post(url, {"years": "7", "basis": "closure", "method": "anonymise", "version": 1})
    assert response.status_code == 400
    assert "Someone else changed this rule" in response.content.decode()


@pytest.mark.parametrize(
    ("years", "message"),
    [
        ("0", "Enter a number of years from 1 to 100"),
        ("abc", "Enter the number of years as a whole number"),
        ("", "Enter the number of years"),
    ],
)
def test_bad_years_are_named(client, manager, years, message):
    client.force_login(manager)
    client.get(reverse("records:retention"))
    rule = RetentionRule.objects.get(council=manager.organisation, record_type="no_plan")
    response = client.post(
        reverse("records:rule", args=[rule.pk]),
        {"years": years, "basis": "closure", "method": "anonymise", "version": 1},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html and 'href="#id_years"' in html


def test_a_hold_needs_a_case_of_your_council_a_kind_and_details(
    client, manager, other_council_manager, refused
):
    client.force_login(other_council_manager)
    response = client.post(
        reverse("records:hold_new"), {"reference": refused.reference, "kind": "tribunal", "reason": "x"}
    )
    assert response.status_code == 400 and "No case of your council" in response.content.decode()
    client.force_login(manager)
    response = client.post(
        reverse("records:hold_new"), {"reference": refused.reference, "kind": "", "reason": ""}
    )
    html = response.content.decode()
    assert "Select why the records must be kept" in html and "Enter the details" in html
    assert f'value="{refused.reference}"' in html
    assert not LegalHold.objects.exists()


def test_another_councils_manager_gets_not_found(client, manager, other_council_manager, refused):
    services.sweep_retention()
    hold = services.place_hold(reference=refused.reference, kind="tribunal", reason="Appeal", by=manager)
    disposal = Disposal.objects.get()
    rule = RetentionRule.objects.get(council=manager.organisation, record_type="no_plan")
    client.force_login(other_council_manager)
    for url in (
        reverse("records:disposal", args=[disposal.pk]),
        reverse("records:hold_lift", args=[hold.pk]),
        reverse("records:rule", args=[rule.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "decision": "approve", "version": 1}).status_code == 404, url
    page = client.get(reverse("records:retention")).content.decode()
    assert refused.reference not in page


def test_the_retention_page_keeps_its_query_count(
    client, manager, council, business_support, coordinator, django_assert_max_num_queries
):
    def closed_long_ago(name):
        return factories.CaseFactory(
            stage=Stage.WITHDRAWN,
            council=council,
            logged_by=business_support,
            coordinator=coordinator,
            received_on=TODAY - datetime.timedelta(days=8 * 365),
            first_name=name,
        )

    closed_long_ago("One")
    services.sweep_retention()
    client.force_login(manager)
    client.get(reverse("records:retention"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("records:retention"))
    for name in ("Two", "Three", "Four"):
        case = closed_long_ago(name)
        services.place_hold(reference=case.reference, kind="complaint", reason="Complaint", by=manager)
    services.sweep_retention()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("records:retention")).status_code == 200


def test_the_case_page_shows_a_hold_to_council_staff_only(client, amara_case, manager, coordinator, parent):
    services.place_hold(reference=amara_case.reference, kind="tribunal", reason="Appeal SE1/26", by=manager)
    case_page = reverse("cases:detail", args=[amara_case.reference])
    # The case page loads its holds part once shown (htmx); without scripts the same address is a page.
    holds = reverse("records:case_holds", args=[amara_case.reference])
    client.force_login(coordinator)
    assert holds in client.get(case_page).content.decode()
    html = client.get(holds, HTTP_HX_REQUEST="true").content.decode()
    assert "Appeal SE1/26" in html and "Place a legal hold" not in html and "/lift/" not in html
    assert "Appeal SE1/26" in client.get(holds).content.decode()
    client.force_login(manager)
    html = client.get(holds, HTTP_HX_REQUEST="true").content.decode()
    assert "Appeal SE1/26" in html and f"/records/holds/new/?reference={amara_case.reference}" in html
    client.force_login(parent)
    assert "Appeal SE1/26" not in client.get(case_page, follow=True).content.decode()
    assert client.get(holds).status_code == 404


def test_the_case_service_refuses_a_disposal_by_anyone_but_a_manager(refused, coordinator):
    with pytest.raises(case_services.ServiceError):
        case_services.dispose_child_records(child_id=refused.child_id, method="anonymise", by=coordinator)
    assert Child.objects.get(pk=refused.child_id).legal_first_name == "Bola"
