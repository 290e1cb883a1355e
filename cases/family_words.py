"""What a family reads about their case, and what a young person reads about their own: the same facts as staff
see, in words addressed to the reader, and honest when the council is late.

Pure: no Django import, so the wording is checked in milliseconds.
"""

from dataclasses import dataclass
from datetime import date

from cases import statutory, workflow

# A young person (16 to 25) is the one the case is about: their own pages say "you", never "the child".
YOUNG_PERSON_STAGE_DESCRIPTIONS: dict[workflow.Stage, str] = {
    workflow.Stage.REQUEST_RECEIVED: "We have received the request and are checking it.",
    workflow.Stage.ASSESSING: "We are gathering advice from the people who know you.",
    workflow.Stage.DECIDING_TO_ISSUE: "We are deciding whether you need a plan.",
    workflow.Stage.DRAFT_PLAN: "Your draft plan is being written or is with you for comments.",
    workflow.Stage.FINAL_ISSUED: "Your final plan has been issued.",
    workflow.Stage.UNDER_REVIEW: "Your plan is being reviewed.",
    workflow.Stage.NOT_ASSESSED: "We decided not to assess you. You can appeal.",
    workflow.Stage.NOT_ISSUED: "We decided not to issue a plan for you. You can appeal.",
    workflow.Stage.CEASED: "Your plan has ended.",
    workflow.Stage.TRANSFERRED_OUT: "Your case moved to another council.",
}

YOUNG_PERSON_DEADLINE_LABELS: dict[statutory.DeadlineCode, str] = {
    statutory.DeadlineCode.DRAFT_RESPONSE: "Your comments on the draft plan",
    statutory.DeadlineCode.AMENDMENT_RESPONSE: "Your comments on proposed changes",
}


def stage_description(stage: workflow.Stage, *, young_person: bool) -> str:
    if young_person and stage in YOUNG_PERSON_STAGE_DESCRIPTIONS:
        return YOUNG_PERSON_STAGE_DESCRIPTIONS[stage]
    return workflow.STAGE_DESCRIPTIONS[stage]


def deadline_label(code: statutory.DeadlineCode, *, young_person: bool) -> str:
    if young_person and code in YOUNG_PERSON_DEADLINE_LABELS:
        return YOUNG_PERSON_DEADLINE_LABELS[code]
    return statutory.DEADLINE_LABELS[code]


@dataclass(frozen=True)
class NextStep:
    label: str
    due_on: date
    # The time limit has passed and the step is not done: the page says so, and what the reader can do.
    late: bool
    # Who has been told: the coordinator by the overdue reminder, or the SEN team while nobody is allocated.
    has_coordinator: bool


def next_step(
    *, code: str, due_on: date | None, on: date, young_person: bool, has_coordinator: bool
) -> NextStep | None:
    if not code or due_on is None:
        return None
    return NextStep(
        label=deadline_label(statutory.DeadlineCode(code), young_person=young_person),
        due_on=due_on,
        late=due_on < on,
        has_coordinator=has_coordinator,
    )
