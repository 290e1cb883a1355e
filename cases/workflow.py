"""The stages of a case and the moves allowed between them. Pure: no Django imports.

Every change of stage goes through `cases.services.case_transition`, which asks `check()` here first, so a
wrong move is refused with a message a coordinator can act on instead of being silently applied.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cases import statutory


class Stage(StrEnum):
    REQUEST_RECEIVED = "request_received"
    DECIDING_TO_ASSESS = "deciding_to_assess"
    ASSESSING = "assessing"
    DECIDING_TO_ISSUE = "deciding_to_issue"
    DRAFT_PLAN = "draft_plan"
    FINAL_ISSUED = "final_issued"
    UNDER_REVIEW = "under_review"
    NOT_ASSESSED = "not_assessed"
    NOT_ISSUED = "not_issued"
    WITHDRAWN = "withdrawn"
    CEASED = "ceased"
    TRANSFERRED_OUT = "transferred_out"


STAGE_LABELS: dict[Stage, str] = {
    Stage.REQUEST_RECEIVED: "Request received",
    Stage.DECIDING_TO_ASSESS: "Deciding whether to assess",
    Stage.ASSESSING: "Assessing",
    Stage.DECIDING_TO_ISSUE: "Deciding whether to issue a plan",
    Stage.DRAFT_PLAN: "Draft plan",
    Stage.FINAL_ISSUED: "Final plan issued",
    Stage.UNDER_REVIEW: "Annual review",
    Stage.NOT_ASSESSED: "Not assessed",
    Stage.NOT_ISSUED: "Plan not issued",
    Stage.WITHDRAWN: "Withdrawn",
    Stage.CEASED: "Plan ceased",
    Stage.TRANSFERRED_OUT: "Transferred to another council",
}

# What the family is told each stage means, in plain words.
STAGE_DESCRIPTIONS: dict[Stage, str] = {
    Stage.REQUEST_RECEIVED: "We have received the request and are checking it.",
    Stage.DECIDING_TO_ASSESS: "We are deciding whether to carry out an assessment.",
    Stage.ASSESSING: "We are gathering advice from the people who know the child.",
    Stage.DECIDING_TO_ISSUE: "We are deciding whether a plan is needed.",
    Stage.DRAFT_PLAN: "A draft plan is being written or is with the family for comments.",
    Stage.FINAL_ISSUED: "The final plan has been issued.",
    Stage.UNDER_REVIEW: "The plan is being reviewed.",
    Stage.NOT_ASSESSED: "We decided not to assess. The family can appeal.",
    Stage.NOT_ISSUED: "We decided not to issue a plan. The family can appeal.",
    Stage.WITHDRAWN: "The request was withdrawn.",
    Stage.CEASED: "The plan has ended.",
    Stage.TRANSFERRED_OUT: "The case moved to another council.",
}

OPEN_STAGES = [
    Stage.REQUEST_RECEIVED,
    Stage.DECIDING_TO_ASSESS,
    Stage.ASSESSING,
    Stage.DECIDING_TO_ISSUE,
    Stage.DRAFT_PLAN,
    Stage.FINAL_ISSUED,
    Stage.UNDER_REVIEW,
]
CLOSED_STAGES = [s for s in Stage if s not in OPEN_STAGES]
STAGE_CHOICES = [(s.value, STAGE_LABELS[s]) for s in Stage]

# Who may move a case. Business support log and route requests; decisions belong to coordinators and managers.
DECIDERS = frozenset({"coordinator", "service_manager"})
ROUTERS = frozenset({"coordinator", "service_manager", "business_support"})

# Case fields a transition stamps with its effective date, and flags it sets.


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[Stage]
    target: Stage | None  # None: a dated step that keeps the stage (serving the draft)
    roles: frozenset[str]
    sets_date: str | None = None
    sets_flags: tuple[tuple[str, bool], ...] = ()
    needs_reason: bool = False
    # The next step a coordinator sees on the caseload while the case waits for this transition.
    next_step: str = ""


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "start_assessment_decision",
            "Start the decision whether to assess",
            frozenset({Stage.REQUEST_RECEIVED}),
            Stage.DECIDING_TO_ASSESS,
            ROUTERS,
            next_step="Check the request and start the decision whether to assess",
        ),
        Transition(
            "agree_to_assess",
            "Agree to assess",
            frozenset({Stage.DECIDING_TO_ASSESS}),
            Stage.ASSESSING,
            DECIDERS,
            sets_date="assessment_decided_on",
            sets_flags=(("assessment_agreed", True),),
            next_step="Decide whether to assess",
        ),
        Transition(
            "refuse_assessment",
            "Decide not to assess",
            frozenset({Stage.DECIDING_TO_ASSESS}),
            Stage.NOT_ASSESSED,
            DECIDERS,
            sets_date="assessment_decided_on",
            sets_flags=(("assessment_agreed", False),),
            needs_reason=True,
        ),
        Transition(
            "start_issue_decision",
            "Assessment complete: decide whether to issue a plan",
            frozenset({Stage.ASSESSING}),
            Stage.DECIDING_TO_ISSUE,
            DECIDERS,
            next_step="Gather the advice and complete the assessment",
        ),
        Transition(
            "agree_to_issue",
            "Agree to issue a plan",
            frozenset({Stage.DECIDING_TO_ISSUE}),
            Stage.DRAFT_PLAN,
            DECIDERS,
            sets_date="issue_decided_on",
            sets_flags=(("plan_to_be_issued", True),),
            next_step="Decide whether to issue a plan",
        ),
        Transition(
            "refuse_plan",
            "Decide not to issue a plan",
            frozenset({Stage.DECIDING_TO_ISSUE}),
            Stage.NOT_ISSUED,
            DECIDERS,
            sets_date="issue_decided_on",
            sets_flags=(("plan_to_be_issued", False),),
            needs_reason=True,
        ),
        Transition(
            "serve_draft",
            "Send the draft plan to the family",
            frozenset({Stage.DRAFT_PLAN}),
            None,
            DECIDERS,
            sets_date="draft_served_on",
            next_step="Write the draft plan and send it to the family",
        ),
        Transition(
            "record_family_response",
            "Record the family's comments on the draft",
            frozenset({Stage.DRAFT_PLAN}),
            None,
            ROUTERS,
            sets_date="family_responded_on",
            next_step="Wait for the family's comments on the draft",
        ),
        Transition(
            "issue_final_plan",
            "Issue the final plan",
            frozenset({Stage.DRAFT_PLAN}),
            Stage.FINAL_ISSUED,
            DECIDERS,
            sets_date="final_issued_on",
            next_step="Issue the final plan",
        ),
        Transition(
            "start_annual_review",
            "Start the annual review",
            frozenset({Stage.FINAL_ISSUED}),
            Stage.UNDER_REVIEW,
            DECIDERS,
            sets_date="next_review_meeting_on",
            next_step="Arrange the annual review meeting",
        ),
        Transition(
            "record_review_notice",
            "Record that notice of the review meeting was sent",
            frozenset({Stage.UNDER_REVIEW}),
            None,
            ROUTERS,
            sets_date="review_notice_sent_on",
        ),
        Transition(
            "record_review_advice",
            "Record that advice was sent out before the meeting",
            frozenset({Stage.UNDER_REVIEW}),
            None,
            ROUTERS,
            sets_date="review_advice_circulated_on",
        ),
        Transition(
            "record_review_report",
            "Record that the review meeting report was sent",
            frozenset({Stage.UNDER_REVIEW}),
            None,
            ROUTERS,
            sets_date="review_report_on",
        ),
        Transition(
            "complete_annual_review",
            "Record the review decision (keep or amend the plan)",
            frozenset({Stage.UNDER_REVIEW}),
            Stage.FINAL_ISSUED,
            DECIDERS,
            sets_date="review_decided_on",
            next_step="Hold the review meeting and decide",
        ),
        Transition(
            "record_phase_transfer_review",
            "Record that the plan was reviewed and amended for the move to a new school",
            frozenset({Stage.FINAL_ISSUED, Stage.UNDER_REVIEW}),
            None,
            DECIDERS,
            sets_date="phase_transfer_done_on",
        ),
        Transition(
            "withdraw",
            "Record that the request was withdrawn",
            frozenset(
                {Stage.REQUEST_RECEIVED, Stage.DECIDING_TO_ASSESS, Stage.ASSESSING, Stage.DECIDING_TO_ISSUE}
            ),
            Stage.WITHDRAWN,
            ROUTERS,
            needs_reason=True,
        ),
        Transition(
            "cease_plan",
            "Cease the plan",
            frozenset({Stage.FINAL_ISSUED, Stage.UNDER_REVIEW}),
            Stage.CEASED,
            DECIDERS,
            needs_reason=True,
        ),
        Transition(
            "transfer_out",
            "Transfer to another council",
            frozenset(OPEN_STAGES),
            Stage.TRANSFERRED_OUT,
            DECIDERS,
            needs_reason=True,
        ),
    ]
}


@dataclass(frozen=True)
class CaseFacts:
    """What the guards need to know about a case, read off the model by the service."""

    stage: Stage
    received_on: date
    draft_served_on: date | None = None
    family_responded_on: date | None = None
    final_issued_on: date | None = None
    last_review_meeting_on: date | None = None
    next_review_meeting_on: date | None = None
    has_coordinator: bool = False


class TransitionRefused(Exception):
    """Carries a message fit to show the person who asked for the move, and the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def draft_window_closes_on(served_on: date) -> date:
    return statutory.draft_comments_close_on(served_on)


def check(name: str, *, facts: CaseFacts, role: str, on: date, today: date, reason: str = "") -> Transition:
    """Return the transition if it is allowed now; raise TransitionRefused with the reason otherwise."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionRefused(f"There is no step called '{name}'.")
    if role not in transition.roles:
        raise TransitionRefused(
            f"Your role cannot '{transition.label.lower()}'. Ask a coordinator or manager."
        )
    if facts.stage not in transition.sources:
        raise TransitionRefused(
            f"You cannot '{transition.label.lower()}' while the case is at '{STAGE_LABELS[facts.stage]}'."
        )
    if transition.needs_reason and not reason.strip():
        raise TransitionRefused(
            "Enter the reason. It is recorded on the case and sent to the family.", field="reason"
        )
    # A scheduled review meeting may be in the future; every other step records something that happened.
    if transition.name != "start_annual_review" and on > today:
        raise TransitionRefused("The date cannot be in the future. Enter the date it happened.", field="on")
    if on < facts.received_on:
        raise TransitionRefused(
            f"The date cannot be before the request was received on {facts.received_on:%-d %B %Y}.",
            field="on",
        )
    if name == "serve_draft" and facts.draft_served_on is not None:
        raise TransitionRefused(f"The draft was already sent on {facts.draft_served_on:%-d %B %Y}.")
    if name == "record_family_response":
        if facts.draft_served_on is None:
            raise TransitionRefused("Send the draft plan to the family before recording their comments.")
        if on < facts.draft_served_on:
            raise TransitionRefused(
                "The family's comments cannot be dated before the draft was sent.", field="on"
            )
    if name == "issue_final_plan":
        if facts.draft_served_on is None:
            raise TransitionRefused("Send the draft plan to the family before issuing the final plan.")
        closes = draft_window_closes_on(facts.draft_served_on)
        if facts.family_responded_on is None and on <= closes:
            raise TransitionRefused(
                f"The family have until {closes:%-d %B %Y} to comment on the draft (15 days from the day it was "
                "sent). Issue the final plan after that, or record their comments first."
            )
    if name == "start_annual_review" and facts.final_issued_on and on < facts.final_issued_on:
        raise TransitionRefused("The review meeting cannot be before the plan was issued.", field="on")
    meeting = facts.next_review_meeting_on
    if name in {"complete_annual_review", "record_review_report"} and meeting and on < meeting:
        raise TransitionRefused(
            f"This comes after the review meeting on {facts.next_review_meeting_on:%-d %B %Y}: enter a date on or "
            "after it.",
            field="on",
        )
    return transition


def allowed_transitions(*, facts: CaseFacts, role: str) -> list[Transition]:
    """The moves this role may offer from the case's current stage (date checks happen on submit)."""
    return [t for t in TRANSITIONS.values() if facts.stage in t.sources and role in t.roles]


def next_step(*, facts: CaseFacts) -> str:
    """The one thing that has to happen next, for the caseload's 'next step' column."""
    if facts.stage == Stage.REQUEST_RECEIVED and not facts.has_coordinator:
        return "Allocate a coordinator"
    if facts.stage == Stage.DRAFT_PLAN:
        if facts.draft_served_on is None:
            return TRANSITIONS["serve_draft"].next_step
        if facts.family_responded_on is None:
            closes = draft_window_closes_on(facts.draft_served_on)
            return f"Family comments due by {closes:%-d %b %Y}"
        return TRANSITIONS["issue_final_plan"].next_step
    for transition in TRANSITIONS.values():
        if facts.stage in transition.sources and transition.next_step and transition.target is not None:
            return transition.next_step
    return ""
