"""One intake for every request: a letter, an email, another system and the online form make the same case."""

import datetime
from pathlib import Path

import pytest

from accounts.models import Role
from cases import selectors, services, statutory
from cases.models import (
    Case,
    CaseDocument,
    Child,
    FamilyContact,
    InvolvedProfessional,
    RequestRoute,
    TimelineEvent,
)
from notifications.models import Message
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RECEIVED = datetime.date.today() - datetime.timedelta(days=3)
CONSENT = (
    {"key": "health", "name": "NHS health services", "agreed": True},
    {"key": "social_care", "name": "Children's social care", "agreed": False},
)
SPEECH = services.ProfessionalDetails(
    name="Priya Shah",
    role="Speech and language therapist",
    service="Riverside SLT",
    email="priya@example.org",
)
PAEDIATRICIAN = services.ProfessionalDetails(
    name="Dr Tom Reid", role="Community paediatrician", service="Riverside NHS", phone="01632 960000"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list[str]:
    root = Path(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def intake(
    council, *, route=RequestRoute.LETTER, school=None, coordinator=None, **overrides
) -> services.Intake:
    values = {
        "council": council,
        "child": factories.child_details(current_setting_id=school.pk if school else None),
        "contacts": (
            services.ContactDetails(name="Meera Okafor", relationship="mother", email="meera@example.org"),
        ),
        "received_on": RECEIVED,
        "route": route,
        "requested_by": services.Requester.PARENT,
        "primary_need": "semh",
        "summary": "Finds noise very hard.",
        "coordinator": coordinator,
        "professionals": (SPEECH,),
        "share_consent": CONSENT,
        "evidence": (
            services.EvidenceFile(
                name="school-report.pdf",
                content=PDF,
                category=services.DocumentCategory.SCHOOL_REPORT,
                content_type="application/pdf",
                description="Sent with the request",
            ),
        ),
    }
    if route == RequestRoute.ONLINE:
        values.update(
            coordinator_fallback=True,
            on_open_case=services.OnOpenCase.ADD,
            sent_by="meera@example.org",
            tell_family=False,
        )
    values.update(overrides)
    return services.Intake(**values)


def shape(case: Case) -> dict:
    """What a case is made of, leaving out how the request arrived."""
    case = Case.objects.get(pk=case.pk)
    return {
        "child": (case.child.legal_last_name, case.child.date_of_birth, case.child.current_setting_id),
        "contacts": sorted((c.name, c.is_main_contact) for c in case.child.contacts.all()),
        "received_on": case.received_on,
        "requested_by": case.requested_by,
        "stage": case.stage,
        "coordinator": case.coordinator_id,
        "needs": (case.primary_need, case.summary),
        "team": sorted((m.role, m.user_id, m.organisation_id) for m in case.team.all()),
        "deadlines": sorted((d.code, d.due_on, d.status) for d in case.deadlines.all()),
        "professionals": sorted(p.name for p in InvolvedProfessional.objects.filter(case=case)),
        "share_consent": case.share_consent,
        "documents": sorted((d.name, d.category) for d in CaseDocument.objects.filter(case=case)),
        "timeline": sorted(e.kind for e in case.timeline.all()),
    }


def test_a_letter_an_email_another_system_and_the_online_form_make_the_same_case(
    media, council, coordinator, business_support, school
):
    shapes = {}
    for route in (RequestRoute.LETTER, RequestRoute.EMAIL, RequestRoute.API, RequestRoute.ONLINE):
        by = None if route == RequestRoute.ONLINE else business_support
        # A child of its own each time: the same child again would join the first case.
        child = factories.child_details(legal_first_name=f"Amara {route}", current_setting_id=school.pk)
        result = services.intake_request(
            intake=intake(council, route=route, child=child, coordinator=coordinator), by=by
        )
        assert result.linked is False
        assert result.decision_by == statutory.assessment_decision_due(RECEIVED)
        assert result.case.route == route
        shapes[route] = shape(result.case)

    letter = shapes[RequestRoute.LETTER]
    assert letter["professionals"] == ["Priya Shah"]
    assert letter["share_consent"] == list(CONSENT)
    assert letter["documents"] == [("school-report.pdf", "school_report")]
    assert ("coordinator", coordinator.pk, None) in letter["team"]
    assert ("school", None, school.pk) in letter["team"]
    assert (statutory.DeadlineCode.ASSESSMENT_DECISION, statutory.add_weeks(RECEIVED, 6), "open") in letter[
        "deadlines"
    ]
    for route, found in shapes.items():
        assert found == letter, route


def test_staff_are_told_about_a_letter_and_the_family_hear_from_the_online_form_instead(
    media, council, coordinator, business_support
):
    services.intake_request(intake=intake(council, coordinator=coordinator), by=business_support)
    told = Message.objects.filter(template="case.request_received").count()
    assert told >= 1
    allocated = Message.objects.filter(template="case.allocated", recipient=coordinator).count()
    assert allocated >= 1

    other_child = factories.child_details(legal_first_name="Bola")
    services.intake_request(intake=intake(council, route=RequestRoute.ONLINE, child=other_child), by=None)

    assert Message.objects.filter(template="case.request_received").count() == told
    assert Message.objects.filter(template="case.allocated", recipient=coordinator).count() == 2 * allocated


def test_a_repeat_request_joins_the_open_case_with_only_what_is_new(
    media, council, coordinator, business_support
):
    first = services.intake_request(intake=intake(council, coordinator=coordinator), by=business_support).case
    before = shape(first)
    new_consent = ({"key": "health", "name": "NHS health services", "agreed": False},)

    again = services.intake_request(
        intake=intake(
            council,
            route=RequestRoute.ONLINE,
            professionals=(
                services.ProfessionalDetails(name=" priya shah ", role="SLT", service="RIVERSIDE SLT"),
                PAEDIATRICIAN,
            ),
            share_consent=new_consent,
        ),
        by=None,
    )

    assert again.linked is True and again.case == first
    assert Case.objects.count() == 1 and Child.objects.count() == 1
    after = shape(first)
    # The same child, contacts, team and clock: no second clock was started.
    for part in ("child", "contacts", "received_on", "team", "deadlines", "coordinator"):
        assert after[part] == before[part], part
    assert [p.name for p in again.professionals_added] == ["Dr Tom Reid"]
    assert after["professionals"] == ["Dr Tom Reid", "Priya Shah"]
    assert after["share_consent"] == list(new_consent)
    assert len(after["documents"]) == 2
    note = first.timeline.filter(summary__startswith="Another request for this child arrived online").get()
    assert "meera@example.org" in note.detail and not note.visible_to_family
    assert Message.objects.filter(template="case.repeat_request", recipient=coordinator).exists()
    assert again.decision_by == first.received_on + datetime.timedelta(weeks=6)


def test_a_letter_for_a_child_with_an_open_case_is_refused_and_writes_nothing(
    media, council, coordinator, business_support
):
    first = services.intake_request(intake=intake(council, coordinator=coordinator), by=business_support).case
    counts = (
        TimelineEvent.objects.count(),
        InvolvedProfessional.objects.count(),
        CaseDocument.objects.count(),
    )
    files = stored_files(media)

    with pytest.raises(services.DuplicateOpenCase) as refused:
        services.intake_request(intake=intake(council, route=RequestRoute.EMAIL), by=business_support)

    assert refused.value.case == first
    assert first.reference in refused.value.message
    assert Case.objects.count() == 1
    assert (
        TimelineEvent.objects.count(),
        InvolvedProfessional.objects.count(),
        CaseDocument.objects.count(),
    ) == counts
    assert stored_files(media) == files


def test_a_failure_in_the_middle_leaves_no_case_and_no_files(media, council, coordinator, monkeypatch):
    def broken(case):
        raise RuntimeError("database went away")

    # The last step, after the evidence has been stored.
    monkeypatch.setattr(selectors, "assessment_decision_due_on", broken)

    with pytest.raises(RuntimeError):
        services.intake_request(intake=intake(council, route=RequestRoute.ONLINE), by=None)

    assert not Case.objects.exists()
    assert not Child.objects.exists()
    assert not FamilyContact.objects.exists()
    assert not CaseDocument.objects.exists()
    assert not Message.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("role", [Role.PARENT, Role.SENCO, Role.ADMINISTRATOR, Role.SPECIALIST])
def test_only_casework_staff_log_a_request(media, council, role):
    with pytest.raises(services.ServiceError, match="permission"):
        services.intake_request(intake=intake(council), by=factories.staff(role, council))
    assert not Case.objects.exists()


def test_staff_cannot_log_a_request_for_another_council(media, council, other_council):
    with pytest.raises(services.ServiceError, match="permission"):
        services.intake_request(
            intake=intake(council), by=factories.staff(Role.BUSINESS_SUPPORT, other_council)
        )
    assert not Case.objects.exists()


def test_a_coordinator_chosen_by_staff_must_be_able_to_take_the_case(
    media, council, other_council, business_support
):
    elsewhere = factories.staff(Role.COORDINATOR, other_council)
    with pytest.raises(services.ServiceError) as refused:
        services.intake_request(intake=intake(council, coordinator=elsewhere), by=business_support)
    assert refused.value.field == "coordinator"


def test_online_a_coordinator_who_cannot_take_it_gives_way_to_the_lightest_caseload(
    media, council, other_council, coordinator
):
    elsewhere = factories.staff(Role.COORDINATOR, other_council)
    case = services.intake_request(
        intake=intake(council, route=RequestRoute.ONLINE, coordinator=elsewhere), by=None
    ).case
    assert case.coordinator == coordinator


@pytest.mark.parametrize(
    ("born", "received", "problem"),
    [
        (datetime.date(2001, 3, 10), datetime.date(2026, 3, 9), None),  # the day before the 25th birthday
        (datetime.date(2001, 3, 10), datetime.date(2026, 3, 10), services.TOO_OLD),  # the birthday itself
        (datetime.date(2000, 2, 29), datetime.date(2025, 2, 28), None),  # leap-day birthday, common year
        (datetime.date(2000, 2, 29), datetime.date(2025, 3, 1), services.TOO_OLD),
        (datetime.date(2026, 2, 1), datetime.date(2026, 1, 31), services.BORN_AFTER_RECEIVED),
    ],
)
def test_the_age_rule_at_the_25th_birthday(media, council, business_support, born, received, problem):
    given = intake(council, child=factories.child_details(date_of_birth=born), received_on=received)
    if problem is None:
        assert services.intake_request(intake=given, by=business_support).case.received_on == received
        return
    with pytest.raises(services.ServiceError) as refused:
        services.intake_request(intake=given, by=business_support)
    assert refused.value.field == "date_of_birth"
    assert refused.value.message == str(problem)
    assert not Case.objects.exists()


def test_a_date_received_in_the_future_is_refused(media, council, business_support):
    with pytest.raises(services.ServiceError) as refused:
        services.intake_request(
            intake=intake(council, received_on=datetime.date.today() + datetime.timedelta(days=1)),
            by=business_support,
        )
    assert refused.value.field == "received_on"
    assert refused.value.message == str(services.RECEIVED_IN_FUTURE)
