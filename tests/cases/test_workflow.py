"""The stages and the moves between them: pure, no database."""

from datetime import date

import pytest

from cases import workflow
from cases.workflow import CaseFacts, Stage, TransitionRefused, check

TODAY = date(2026, 11, 24)
RECEIVED = date(2026, 6, 1)


def facts(stage: Stage, **kwargs) -> CaseFacts:
    return CaseFacts(stage=stage, received_on=RECEIVED, **kwargs)


@pytest.mark.parametrize(
    ("stage", "name", "target"),
    [
        (Stage.REQUEST_RECEIVED, "start_assessment_decision", Stage.DECIDING_TO_ASSESS),
        (Stage.DECIDING_TO_ASSESS, "agree_to_assess", Stage.ASSESSING),
        (Stage.DECIDING_TO_ASSESS, "refuse_assessment", Stage.NOT_ASSESSED),
        (Stage.ASSESSING, "start_issue_decision", Stage.DECIDING_TO_ISSUE),
        (Stage.DECIDING_TO_ISSUE, "agree_to_issue", Stage.DRAFT_PLAN),
        (Stage.DECIDING_TO_ISSUE, "refuse_plan", Stage.NOT_ISSUED),
        (Stage.FINAL_ISSUED, "start_annual_review", Stage.UNDER_REVIEW),
        (Stage.UNDER_REVIEW, "complete_annual_review", Stage.FINAL_ISSUED),
        (Stage.ASSESSING, "withdraw", Stage.WITHDRAWN),
        (Stage.UNDER_REVIEW, "cease_plan", Stage.CEASED),
        (Stage.DRAFT_PLAN, "transfer_out", Stage.TRANSFERRED_OUT),
    ],
)
def test_allowed_moves_lead_to_their_stage(stage, name, target):
    transition = check(
        name,
        facts=facts(stage, final_issued_on=date(2026, 7, 1)),
        role="coordinator",
        on=date(2026, 8, 1),
        today=TODAY,
        reason="Recorded reason",
    )
    assert transition.target == target


@pytest.mark.parametrize(
    ("stage", "name"),
    [
        (Stage.REQUEST_RECEIVED, "agree_to_assess"),
        (Stage.ASSESSING, "agree_to_issue"),
        (Stage.FINAL_ISSUED, "withdraw"),
        (Stage.NOT_ASSESSED, "agree_to_assess"),
        (Stage.WITHDRAWN, "transfer_out"),
        (Stage.DRAFT_PLAN, "start_annual_review"),
    ],
)
def test_a_move_from_the_wrong_stage_is_refused_naming_the_stage(stage, name):
    with pytest.raises(TransitionRefused, match=workflow.STAGE_LABELS[stage]):
        check(name, facts=facts(stage), role="coordinator", on=date(2026, 8, 1), today=TODAY, reason="x")


def test_unknown_step_is_refused():
    with pytest.raises(TransitionRefused, match="no step called 'teleport'"):
        check("teleport", facts=facts(Stage.ASSESSING), role="coordinator", on=TODAY, today=TODAY)


@pytest.mark.parametrize(
    "role", ["parent", "senco", "specialist", "panel_member", "supporter", "business_support"]
)
def test_decisions_belong_to_coordinators_and_managers(role):
    with pytest.raises(TransitionRefused, match="Your role cannot 'agree to assess'"):
        check("agree_to_assess", facts=facts(Stage.DECIDING_TO_ASSESS), role=role, on=TODAY, today=TODAY)


def test_business_support_may_route_a_request_and_record_a_withdrawal():
    f = facts(Stage.REQUEST_RECEIVED)
    assert check("start_assessment_decision", facts=f, role="business_support", on=TODAY, today=TODAY)
    assert check("withdraw", facts=f, role="business_support", on=TODAY, today=TODAY, reason="Family moved")


@pytest.mark.parametrize("name", ["refuse_assessment", "withdraw", "transfer_out"])
def test_ending_a_case_needs_a_reason(name):
    stage = Stage.DECIDING_TO_ASSESS
    with pytest.raises(TransitionRefused, match="Enter the reason"):
        check(name, facts=facts(stage), role="coordinator", on=TODAY, today=TODAY, reason="   ")


def test_a_decision_cannot_be_dated_in_the_future():
    with pytest.raises(TransitionRefused, match="cannot be in the future"):
        check(
            "agree_to_assess",
            facts=facts(Stage.DECIDING_TO_ASSESS),
            role="coordinator",
            on=date(2026, 11, 25),
            today=TODAY,
        )


def test_a_review_meeting_may_be_scheduled_in_the_future():
    transition = check(
        "start_annual_review",
        facts=facts(Stage.FINAL_ISSUED, final_issued_on=date(2026, 7, 1)),
        role="coordinator",
        on=date(2027, 1, 15),
        today=TODAY,
    )
    assert transition.sets_date == "next_review_meeting_on"


def test_a_decision_cannot_be_dated_before_the_request_arrived():
    with pytest.raises(TransitionRefused, match="before the request was received on 1 June 2026"):
        check(
            "agree_to_assess",
            facts=facts(Stage.DECIDING_TO_ASSESS),
            role="coordinator",
            on=date(2026, 5, 31),
            today=TODAY,
        )


def test_the_draft_window_is_15_days_beginning_with_the_day_served():
    # Served Friday 2 October 2026 = day 1, so day 15 is Friday 16 October 2026.
    assert workflow.draft_window_closes_on(date(2026, 10, 2)) == date(2026, 10, 16)


def test_final_plan_cannot_be_issued_while_the_family_is_still_within_their_15_days():
    f = facts(Stage.DRAFT_PLAN, draft_served_on=date(2026, 10, 2))
    with pytest.raises(TransitionRefused, match="until 16 October 2026"):
        check("issue_final_plan", facts=f, role="coordinator", on=date(2026, 10, 16), today=TODAY)
    assert check("issue_final_plan", facts=f, role="coordinator", on=date(2026, 10, 17), today=TODAY)


def test_final_plan_may_be_issued_early_once_the_family_has_commented():
    f = facts(Stage.DRAFT_PLAN, draft_served_on=date(2026, 10, 2), family_responded_on=date(2026, 10, 6))
    assert check("issue_final_plan", facts=f, role="coordinator", on=date(2026, 10, 7), today=TODAY)


def test_final_plan_needs_a_draft_first():
    with pytest.raises(TransitionRefused, match="Send the draft plan to the family before issuing"):
        check("issue_final_plan", facts=facts(Stage.DRAFT_PLAN), role="coordinator", on=TODAY, today=TODAY)


def test_the_draft_is_served_once():
    f = facts(Stage.DRAFT_PLAN, draft_served_on=date(2026, 10, 2))
    with pytest.raises(TransitionRefused, match="already sent on 2 October 2026"):
        check("serve_draft", facts=f, role="coordinator", on=TODAY, today=TODAY)


def test_family_comments_need_a_served_draft_and_cannot_predate_it():
    with pytest.raises(TransitionRefused, match="Send the draft plan"):
        check(
            "record_family_response", facts=facts(Stage.DRAFT_PLAN), role="coordinator", on=TODAY, today=TODAY
        )
    f = facts(Stage.DRAFT_PLAN, draft_served_on=date(2026, 10, 2))
    with pytest.raises(TransitionRefused, match="cannot be dated before the draft was sent"):
        check("record_family_response", facts=f, role="coordinator", on=date(2026, 10, 1), today=TODAY)


def test_allowed_transitions_lists_only_this_roles_moves_from_this_stage():
    names = [
        t.name
        for t in workflow.allowed_transitions(facts=facts(Stage.DECIDING_TO_ASSESS), role="coordinator")
    ]
    assert names == ["agree_to_assess", "refuse_assessment", "withdraw", "transfer_out"]
    assert workflow.allowed_transitions(facts=facts(Stage.DECIDING_TO_ASSESS), role="parent") == []


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (facts(Stage.REQUEST_RECEIVED), "Allocate a coordinator"),
        (
            facts(Stage.REQUEST_RECEIVED, has_coordinator=True),
            "Check the request and start the decision whether to assess",
        ),
        (facts(Stage.DECIDING_TO_ASSESS), "Decide whether to assess"),
        (facts(Stage.DRAFT_PLAN), "Write the draft plan and send it to the family"),
        (facts(Stage.DRAFT_PLAN, draft_served_on=date(2026, 10, 2)), "Family comments due by 16 Oct 2026"),
        (
            facts(Stage.DRAFT_PLAN, draft_served_on=date(2026, 10, 2), family_responded_on=date(2026, 10, 9)),
            "Issue the final plan",
        ),
        (facts(Stage.FINAL_ISSUED), "Arrange the annual review meeting"),
        (facts(Stage.WITHDRAWN), ""),
    ],
)
def test_next_step(f, expected):
    assert workflow.next_step(facts=f) == expected


def test_open_and_closed_stages_cover_every_stage_once():
    assert set(workflow.OPEN_STAGES) | set(workflow.CLOSED_STAGES) == set(Stage)
    assert not set(workflow.OPEN_STAGES) & set(workflow.CLOSED_STAGES)
    assert set(workflow.STAGE_LABELS) == set(Stage) == set(workflow.STAGE_DESCRIPTIONS)
