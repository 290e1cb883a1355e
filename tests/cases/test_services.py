"""The write paths: each use case checks permission, stamps who and when, and keeps the deadlines right."""

import dataclasses
import datetime
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from accounts.models import Role
from cases import services, statutory
from cases.models import Case, CaseDocument, CaseTeamMember, Child, Deadline, TimelineEvent
from cases.tasks import refresh_deadline_statuses
from tests import factories

pytestmark = pytest.mark.django_db

RECEIVED = date(2026, 3, 2)


def deadlines(case) -> dict[str, Deadline]:
    return {d.code: d for d in Deadline.objects.filter(case=case)}


def log(council, by, **overrides):
    values = {
        "council": council,
        "child": factories.child_details(),
        "contacts": [
            services.ContactDetails(name="Meera Okafor", relationship="mother", email="m@example.org")
        ],
        "received_on": RECEIVED,
        "route": "letter",
        "requested_by": "parent",
        "by": by,
    }
    values.update(overrides)
    return services.log_request(**values)


class TestLogRequest:
    def test_creates_the_case_with_reference_deadlines_team_and_timeline(
        self, council, business_support, coordinator, school
    ):
        case = log(
            council,
            business_support,
            coordinator=coordinator,
            child=factories.child_details(current_setting_id=school.pk),
        )
        assert case.reference == "EHC-2026-00001"
        assert case.stage == "request_received"
        assert case.received_on == RECEIVED
        due = {code: d.due_on for code, d in deadlines(case).items()}
        # 6, 16 and 20 weeks from the day the council received the request.
        assert due == {
            "assessment_decision": date(2026, 4, 13),
            "issue_decision": date(2026, 6, 22),
            "final_plan": date(2026, 7, 20),
        }
        roles = set(CaseTeamMember.objects.filter(case=case).values_list("role", flat=True))
        assert roles == {"coordinator", "school"}
        event = TimelineEvent.objects.get(case=case)
        assert event.summary == "Request received on 2 March 2026 by letter"
        assert event.actor == business_support
        assert case.child.contacts.get().is_main_contact
        assert case.history.first().history_user == business_support
        assert case.child.history.first().history_user == business_support

    def test_references_count_up_within_the_received_year(self, council, business_support):
        first = log(council, business_support)
        second = log(council, business_support, child=factories.child_details(legal_first_name="Zain"))
        third = log(
            council,
            business_support,
            child=factories.child_details(legal_first_name="Ava"),
            received_on=date(2025, 12, 30),
        )
        assert [first.reference, second.reference, third.reference] == [
            "EHC-2026-00001",
            "EHC-2026-00002",
            "EHC-2025-00001",
        ]

    def test_the_clock_starts_on_the_received_date_not_today(self, council, business_support):
        case = log(council, business_support, received_on=date(2025, 12, 19))
        # 20 weeks from Friday 19 December 2025 crosses the year end: Friday 8 May 2026.
        assert deadlines(case)["final_plan"].due_on == date(2026, 5, 8)
        assert deadlines(case)["final_plan"].starts_on == date(2025, 12, 19)

    def test_future_received_date_is_refused(self, council, business_support):
        tomorrow = datetime.date.today() + datetime.timedelta(days=2)
        with pytest.raises(services.ServiceError) as error:
            log(council, business_support, received_on=tomorrow)
        assert error.value.field == "received_on"
        assert "today or in the past" in error.value.message
        assert not Case.objects.exists()

    def test_a_young_person_of_25_cannot_be_assessed(self, council, business_support):
        with pytest.raises(services.ServiceError) as error:
            log(council, business_support, child=factories.child_details(date_of_birth=date(2001, 3, 2)))
        assert error.value.field == "date_of_birth"
        assert "must be under 25 on the date the request was received" in error.value.message

    def test_a_young_person_the_day_before_their_25th_birthday_can(self, council, business_support):
        case = log(council, business_support, child=factories.child_details(date_of_birth=date(2001, 3, 3)))
        assert case.child.date_of_birth == date(2001, 3, 3)

    def test_date_of_birth_after_receipt_is_refused(self, council, business_support):
        with pytest.raises(services.ServiceError, match="on or before the date the request was received"):
            log(council, business_support, child=factories.child_details(date_of_birth=date(2026, 3, 3)))

    def test_duplicate_open_case_for_the_same_child_is_refused_and_named(self, council, business_support):
        first = log(council, business_support)
        with pytest.raises(services.DuplicateOpenCase) as error:
            log(council, business_support, child=factories.child_details(legal_first_name="amara "))
        assert error.value.case == first
        assert first.reference in error.value.message
        assert Case.objects.count() == 1
        assert Child.objects.count() == 1

    def test_duplicate_detected_by_upn_even_with_a_different_name(self, council, business_support):
        log(council, business_support, child=factories.child_details(upn="A123456789012"))
        with pytest.raises(services.DuplicateOpenCase):
            log(
                council,
                business_support,
                child=factories.child_details(legal_first_name="Amy", upn="A123456789012"),
            )

    def test_the_same_child_may_return_once_the_earlier_case_is_closed(
        self, council, business_support, coordinator
    ):
        first = log(council, business_support, received_on=date(2026, 1, 5))
        services.case_transition(
            case=first, name="withdraw", by=coordinator, on=date(2026, 1, 20), reason="Moved away"
        )
        second = log(council, business_support)
        assert second.reference == "EHC-2026-00002"

    def test_the_database_itself_refuses_a_second_open_case(self, case):
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.create(
                reference="EHC-2026-99999",
                child=case.child,
                council=case.council,
                received_on=RECEIVED,
                route="email",
                requested_by="parent",
            )

    @pytest.mark.parametrize(
        "role", [Role.PARENT, Role.SENCO, Role.SPECIALIST, Role.PANEL_MEMBER, Role.ADMINISTRATOR]
    )
    def test_only_council_request_handlers_may_log(self, council, role):
        user = factories.staff(role, council)
        with pytest.raises(services.ServiceError, match="permission"):
            log(council, user)

    def test_staff_of_another_council_may_not_log_here(self, council, other_council):
        outsider = factories.staff(Role.BUSINESS_SUPPORT, other_council)
        with pytest.raises(services.ServiceError, match="permission"):
            log(council, outsider)


class TestTransitions:
    def test_agreeing_to_assess_meets_the_6_week_deadline(self, case, coordinator):
        services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
        decided = case.received_on + datetime.timedelta(days=5)
        case = services.case_transition(case=case, name="agree_to_assess", by=coordinator, on=decided)
        decision = deadlines(case)["assessment_decision"]
        assert (decision.status, decision.met_on) == ("met", decided)
        assert case.stage == "assessing"
        assert case.assessment_agreed is True
        assert case.version == 3
        assert case.history.first().history_user == coordinator
        assert case.history.first().history_change_reason == "Agree to assess"
        summaries = list(TimelineEvent.objects.filter(case=case).values_list("summary", flat=True))
        assert summaries[0].startswith("Agree to assess: Deciding whether to assess → Assessing (")

    def test_deciding_not_to_assess_closes_the_case_and_cancels_later_deadlines(self, case, coordinator):
        services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
        case = services.case_transition(
            case=case, name="refuse_assessment", by=coordinator, reason="Needs can be met at SEN support"
        )
        assert case.stage == "not_assessed"
        assert case.closed_on == datetime.date.today()
        assert case.closure_reason == "Needs can be met at SEN support"
        rows = deadlines(case)
        assert rows["assessment_decision"].status == "met"
        assert rows["issue_decision"].status == "cancelled"
        assert rows["final_plan"].status == "cancelled"
        assert case.next_due_on is None
        assert Deadline.objects.filter(case=case).count() == 3  # cancelled, never deleted

    def test_a_refused_move_changes_nothing(self, case, coordinator):
        with pytest.raises(services.ServiceError, match="while the case is at 'Request received'"):
            services.case_transition(case=case, name="agree_to_issue", by=coordinator)
        case.refresh_from_db()
        assert case.stage == "request_received"
        assert case.version == 1

    def test_a_stale_version_is_refused(self, case, coordinator):
        services.case_transition(
            case=case, name="start_assessment_decision", by=coordinator, expected_version=1
        )
        with pytest.raises(services.StaleVersion, match="Someone else changed this case"):
            services.case_transition(
                case=case, name="withdraw", by=coordinator, reason="x", expected_version=1
            )

    def test_staff_of_another_council_cannot_move_the_case(self, case, other_council):
        outsider = factories.staff(Role.COORDINATOR, other_council)
        with pytest.raises(services.ServiceError, match="permission"):
            services.case_transition(case=case, name="start_assessment_decision", by=outsider)

    def test_the_whole_path_to_a_final_plan_and_its_annual_review(
        self, council, business_support, coordinator
    ):
        case = log(council, business_support, coordinator=coordinator)
        steps = [
            ("start_assessment_decision", date(2026, 3, 9)),
            ("agree_to_assess", date(2026, 4, 10)),
            ("start_issue_decision", date(2026, 5, 29)),
            ("agree_to_issue", date(2026, 6, 5)),
            ("serve_draft", date(2026, 6, 8)),
            ("issue_final_plan", date(2026, 6, 29)),
        ]
        for name, on in steps:
            case = services.case_transition(case=case, name=name, by=coordinator, on=on)
        rows = deadlines(case)
        assert case.stage == "final_issued"
        assert {code: (d.status, d.met_on) for code, d in rows.items()} == {
            "assessment_decision": ("met", date(2026, 4, 10)),
            "issue_decision": ("met", date(2026, 6, 5)),
            # 15 days beginning with Monday 8 June: the window closed on Monday 22 June, no comments recorded.
            "draft_response": ("met", date(2026, 6, 22)),
            "final_plan": ("met", date(2026, 6, 29)),
            # 12 months starting with the day of issue: the review is due by 28 June 2027.
            "annual_review": ("open", None),
            # Born 14 May 2017: moves to secondary school (Year 7) in September 2028.
            "phase_transfer": ("open", None),
        }
        assert rows["phase_transfer"].due_on == date(2028, 2, 14)
        assert rows["phase_transfer"].ref == "year-7"
        assert rows["draft_response"].due_on == date(2026, 6, 22)
        assert rows["annual_review"].due_on == date(2027, 6, 28)
        assert case.next_due_on == date(2027, 6, 28)
        assert case.next_deadline_code == "annual_review"

    def test_a_late_final_plan_is_recorded_as_missed_with_its_date(
        self, council, business_support, coordinator
    ):
        case = log(council, business_support, coordinator=coordinator, received_on=date(2025, 9, 1))
        for name, on in [
            ("start_assessment_decision", date(2025, 9, 2)),
            ("agree_to_assess", date(2025, 10, 1)),
            ("start_issue_decision", date(2025, 12, 1)),
            ("agree_to_issue", date(2025, 12, 10)),
            ("serve_draft", date(2026, 1, 5)),
            ("record_family_response", date(2026, 1, 12)),
            ("issue_final_plan", date(2026, 2, 2)),
        ]:
            case = services.case_transition(case=case, name=name, by=coordinator, on=on)
        final = deadlines(case)["final_plan"]
        # Due 19 January 2026 (20 weeks from 1 September 2025); issued two weeks late.
        assert (final.due_on, final.met_on, final.status) == (date(2026, 1, 19), date(2026, 2, 2), "missed")


class TestDeadlineStatuses:
    def test_a_passed_deadline_is_missed_and_an_exception_excuses_it(
        self, council, business_support, coordinator
    ):
        case = log(council, business_support, coordinator=coordinator, received_on=date(2026, 1, 5))
        assert deadlines(case)["assessment_decision"].status == "missed"  # due 16 February 2026, not decided
        services.record_exception(
            case=case,
            kind=statutory.ExceptionKind.ABSENT_FROM_AREA,
            starts_on=date(2026, 1, 10),
            ends_on=date(2026, 2, 20),
            reason="Family abroad caring for a relative",
            by=coordinator,
        )
        rows = deadlines(case)
        assert rows["assessment_decision"].status == "excused"
        assert rows["assessment_decision"].due_on == date(2026, 2, 16)  # the date never moves
        event = TimelineEvent.objects.filter(case=case, kind="exception").get()
        assert event.visible_to_family is False
        assert event.summary == (
            "Exception recorded: Away from the area for 4 weeks or more (10 Jan 2026 to 20 Feb 2026)"
        )

    def test_a_short_absence_is_not_a_lawful_exception(self, case, coordinator):
        with pytest.raises(services.ServiceError, match="4"):
            services.record_exception(
                case=case,
                kind=statutory.ExceptionKind.ABSENT_FROM_AREA,
                starts_on=date(2026, 1, 10),
                ends_on=date(2026, 1, 30),
                reason="Holiday",
                by=coordinator,
            )
        assert not case.exceptions.exists()

    def test_an_exception_needs_a_reason_and_a_coordinator(self, case, coordinator, business_support):
        with pytest.raises(services.ServiceError, match="Enter why"):
            services.record_exception(
                case=case,
                kind="personal_circumstances",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 2, 1),
                reason=" ",
                by=coordinator,
            )
        with pytest.raises(services.ServiceError, match="permission"):
            services.record_exception(
                case=case,
                kind="personal_circumstances",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 2, 1),
                reason="Bereavement",
                by=business_support,
            )

    def test_the_sweep_marks_deadlines_that_passed_overnight(self, case):
        decision = deadlines(case)["assessment_decision"]
        assert decision.status == "open"
        day_after = decision.due_on + datetime.timedelta(days=1)
        changed = services.refresh_deadline_statuses(today=day_after)
        assert changed == 1
        assert deadlines(case)["assessment_decision"].status == "missed"
        assert services.refresh_deadline_statuses(today=day_after) == 0  # a second run finds nothing to do

    def test_the_beat_task_runs_the_sweep(self, council, business_support):
        case = log(council, business_support, received_on=date(2026, 1, 5))
        # As the rows stood the evening before the day passed.
        Deadline.objects.filter(case=case).update(status="open")
        refresh_deadline_statuses.delay()
        rows = deadlines(case)
        assert rows["assessment_decision"].status == "missed"
        assert rows["final_plan"].status == "missed"  # due 25 May 2026
        case.refresh_from_db()
        assert case.next_due_on == date(2026, 2, 16)


class TestAllocation:
    def test_allocation_moves_the_coordinator_and_ends_the_old_membership(
        self, case, coordinator, business_support, council
    ):
        other = factories.staff(Role.COORDINATOR, council, full_name="Ravi Coordinator")
        case = services.allocate_coordinator(case=case, coordinator=other, by=business_support)
        assert case.coordinator == other
        old = CaseTeamMember.objects.get(case=case, user=coordinator)
        assert old.ends_on == datetime.date.today()
        assert CaseTeamMember.objects.filter(case=case, user=other, ends_on__isnull=True).exists()
        event = TimelineEvent.objects.filter(case=case, kind="allocated").get()
        assert event.summary == "Ravi Coordinator is now the coordinator (was Laura Coordinator)"

    def test_the_lightest_caseload_is_suggested(self, council, business_support):
        busy = factories.staff(Role.COORDINATOR, council, full_name="Busy Coordinator")
        light = factories.staff(Role.COORDINATOR, council, full_name="Light Coordinator")
        for n in range(2):
            factories.make_case(council=council, by=business_support, coordinator=busy, first_name=f"Busy{n}")
        factories.make_case(council=council, by=business_support, coordinator=light, first_name="Light0")
        from cases import selectors

        assert selectors.suggested_coordinator(council_id=council.pk) == light

    def test_only_a_coordinator_of_this_council_can_be_allocated(self, case, business_support, other_council):
        outsider = factories.staff(Role.COORDINATOR, other_council)
        with pytest.raises(services.ServiceError, match="coordinator from this council"):
            services.allocate_coordinator(case=case, coordinator=outsider, by=business_support)


class TestDocuments:
    def test_a_renamed_program_is_refused(self, case, coordinator):
        upload = SimpleUploadedFile(
            "report.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf"
        )
        with pytest.raises(services.ServiceError) as error:
            services.add_document(case=case, upload=upload, category="school_report", by=coordinator)
        assert error.value.field == "file"
        assert not CaseDocument.objects.exists()

    def test_withdrawing_keeps_the_document(self, case, coordinator, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        upload = SimpleUploadedFile(
            "EP report.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", content_type="text/plain"
        )
        document = services.add_document(case=case, upload=upload, category="ep_report", by=coordinator)
        assert (document.name, document.content_type) == ("EP report.pdf", "application/pdf")
        services.withdraw_document(document=document, reason="Wrong child", by=coordinator)
        document.refresh_from_db()
        assert document.withdrawn_at is not None
        assert document.file.storage.exists(document.file.name)
        assert document.history.first().history_user == coordinator


class TestChildDetails:
    def test_correcting_details_keeps_history_and_moves_the_school(self, case, coordinator, council, school):
        new_school = factories.SchoolFactory(council=council, name="Hill Rise Academy")
        details = dataclasses.replace(
            services_child(case), legal_first_name="Amarachi", current_setting_id=new_school.pk
        )
        services.update_child_details(case=case, details=details, by=coordinator)
        case.refresh_from_db()
        assert case.child.legal_first_name == "Amarachi"
        assert case.child.history.first().history_user == coordinator
        assert case.child.history.last().legal_first_name != "Amarachi"
        schools = CaseTeamMember.objects.filter(case=case, role="school")
        assert {(m.organisation_id, m.ends_on is None) for m in schools} == {
            (school.pk, False),
            (new_school.pk, True),
        }
        event = TimelineEvent.objects.filter(case=case, kind="details").get()
        assert event.summary == "Child's details corrected: first name, current school or setting"

    def test_a_date_of_birth_making_them_25_is_refused(self, case, coordinator):
        details = dataclasses.replace(services_child(case), date_of_birth=date(1990, 1, 1))
        with pytest.raises(services.ServiceError, match="under 25"):
            services.update_child_details(case=case, details=details, by=coordinator)

    def test_families_cannot_edit(self, case, parent):
        with pytest.raises(services.ServiceError, match="permission"):
            services.update_child_details(case=case, details=services_child(case), by=parent)


def services_child(case) -> services.ChildDetails:
    child = case.child
    return services.ChildDetails(
        legal_first_name=child.legal_first_name,
        legal_last_name=child.legal_last_name,
        date_of_birth=child.date_of_birth,
        current_setting_id=child.current_setting_id,
    )


class TestReviewCycle:
    def issued(self, council, business_support, coordinator):
        case = log(council, business_support, coordinator=coordinator, received_on=date(2025, 1, 6))
        for name, on in [
            ("start_assessment_decision", date(2025, 1, 7)),
            ("agree_to_assess", date(2025, 2, 10)),
            ("start_issue_decision", date(2025, 4, 1)),
            ("agree_to_issue", date(2025, 4, 8)),
            ("serve_draft", date(2025, 4, 14)),
            ("record_family_response", date(2025, 4, 20)),
            ("issue_final_plan", date(2025, 5, 12)),
        ]:
            case = services.case_transition(case=case, name=name, by=coordinator, on=on)
        return case

    def test_a_held_review_meets_the_cycle_and_starts_the_next(self, council, business_support, coordinator):
        case = self.issued(council, business_support, coordinator)
        assert deadlines(case)["annual_review"].due_on == date(2026, 5, 11)
        for name, on in [
            ("start_annual_review", date(2026, 4, 20)),  # the meeting date
            ("record_review_notice", date(2026, 3, 30)),
            ("record_review_advice", date(2026, 4, 2)),
            ("record_review_report", date(2026, 4, 27)),
            ("complete_annual_review", date(2026, 5, 5)),
        ]:
            case = services.case_transition(case=case, name=name, by=coordinator, on=on)
        rows = {(d.code, d.ref): (d.due_on, d.met_on, d.status) for d in Deadline.objects.filter(case=case)}
        meeting = "2026-04-20"
        assert rows[("annual_review", "2025-05-12")] == (date(2026, 5, 11), date(2026, 4, 20), "met")
        assert rows[("review_notice", meeting)] == (date(2026, 4, 6), date(2026, 3, 30), "met")
        assert rows[("review_advice", meeting)] == (date(2026, 4, 6), date(2026, 4, 2), "met")
        assert rows[("review_report", meeting)] == (date(2026, 5, 4), date(2026, 4, 27), "met")
        assert rows[("review_decision", meeting)] == (date(2026, 5, 18), date(2026, 5, 5), "met")
        # The next review: within 12 months starting with the day of this meeting.
        assert rows[("annual_review", "2026-04-20")] == (date(2027, 4, 19), None, "open")
        case.refresh_from_db()
        assert case.stage == "final_issued"
        assert case.last_review_meeting_on == date(2026, 4, 20)

    def test_the_decision_cannot_come_before_the_meeting(self, council, business_support, coordinator):
        case = self.issued(council, business_support, coordinator)
        case = services.case_transition(
            case=case, name="start_annual_review", by=coordinator, on=date(2026, 4, 20)
        )
        with pytest.raises(services.ServiceError) as error:
            services.case_transition(
                case=case, name="complete_annual_review", by=coordinator, on=date(2026, 4, 19)
            )
        assert error.value.field == "on"
        assert "after the review meeting on 20 April 2026" in error.value.message

    def test_recording_the_phase_transfer_review_moves_the_clock_to_the_next_move(
        self, council, business_support, coordinator
    ):
        case = self.issued(
            council, business_support, coordinator
        )  # born 14 May 2017: Year 7 in September 2028
        assert deadlines(case)["phase_transfer"].due_on == date(2028, 2, 14)
        Case.objects.filter(pk=case.pk).update(final_issued_on=date(2025, 5, 12))
        services.case_transition(
            case=case, name="record_phase_transfer_review", by=coordinator, on=date(2026, 11, 2)
        )
        rows = {
            d.ref: (d.due_on, d.met_on, d.status)
            for d in Deadline.objects.filter(case=case, code="phase_transfer")
        }
        # Recorded before the Year 7 window opened (1 September 2027), so it does not meet that transfer.
        assert rows == {"year-7": (date(2028, 2, 14), None, "open")}


def test_an_excused_deadline_still_orders_the_caseload(council, business_support, coordinator):
    case = log(council, business_support, coordinator=coordinator, received_on=date(2026, 1, 5))
    services.record_exception(
        case=case,
        kind="personal_circumstances",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 7, 1),
        reason="Serious illness in the family",
        by=coordinator,
    )
    case.refresh_from_db()
    statuses = {code: d.status for code, d in deadlines(case).items()}
    assert statuses == {
        "assessment_decision": "excused",
        "issue_decision": "excused",
        "final_plan": "excused",
    }
    # Excused is not done: the decision whether to assess is still owed, so it still leads the caseload.
    assert (case.next_due_on, case.next_deadline_code) == (date(2026, 2, 16), "assessment_decision")


def test_a_transfer_review_in_its_window_meets_it_and_opens_the_post_16_move(
    council, business_support, coordinator
):
    case = log(
        council,
        business_support,
        coordinator=coordinator,
        received_on=date(2024, 9, 2),
        child=factories.child_details(date_of_birth=date(2015, 3, 15)),
    )
    for name, on in [
        ("start_assessment_decision", date(2024, 9, 3)),
        ("agree_to_assess", date(2024, 10, 7)),
        ("start_issue_decision", date(2024, 12, 2)),
        ("agree_to_issue", date(2024, 12, 9)),
        ("serve_draft", date(2024, 12, 16)),
        ("issue_final_plan", date(2025, 1, 20)),
        ("record_phase_transfer_review", date(2026, 2, 10)),
    ]:
        case = services.case_transition(case=case, name=name, by=coordinator, on=on)
    rows = {
        d.ref: (d.due_on, d.met_on, d.status)
        for d in Deadline.objects.filter(case=case, code="phase_transfer")
    }
    assert rows == {
        "year-7": (date(2026, 2, 14), date(2026, 2, 10), "met"),
        "year-12": (date(2031, 3, 30), None, "open"),
    }
