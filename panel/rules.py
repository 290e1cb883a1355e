"""The panel's rules: quorum, the tally, the majority with the chair's casting vote, when reasons are required, the
papers deadline in working days, and the order of the agenda. Pure: no Django imports, tested in milliseconds.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum


class Question(StrEnum):
    """What a panel is asked on one agenda item; a panel's terms of reference say which it decides."""

    ASSESS = "assess"
    ISSUE = "issue"
    BAND = "band"
    PLACEMENT = "placement"
    ANNUAL_REVIEW = "annual_review"


QUESTION_LABELS = {
    Question.ASSESS: "Whether to carry out an EHC needs assessment",
    Question.ISSUE: "Whether to issue an EHC plan, and the funding band",
    Question.BAND: "The funding band",
    Question.PLACEMENT: "The school or setting to name",
    Question.ANNUAL_REVIEW: "The outcome of an annual review",
}

# Questions whose answer moves the case through the workflow: (transition if yes, transition if no).
TRANSITIONS = {
    Question.ASSESS: ("agree_to_assess", "refuse_assessment"),
    Question.ISSUE: ("agree_to_issue", "refuse_plan"),
}
# The statutory time limit each question's decision meets (cases.statutory.DeadlineCode values).
DEADLINE_FOR = {Question.ASSESS: "assessment_decision", Question.ISSUE: "issue_decision"}


class Agency(StrEnum):
    EDUCATION = "education"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology"
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    PARENT_CARER_FORUM = "parent_carer_forum"
    OTHER = "other"


AGENCY_LABELS = {
    Agency.EDUCATION: "Education",
    Agency.EDUCATIONAL_PSYCHOLOGY: "Educational psychology",
    Agency.HEALTH: "Health",
    Agency.SOCIAL_CARE: "Social care",
    Agency.PARENT_CARER_FORUM: "Parent carer forum",
    Agency.OTHER: "Other",
}


class Mode(StrEnum):
    # Most councils: the chair records one accountable decision with reasons, informed by the votes.
    CHAIR = "chair"
    # The majority of votes cast decides; a tie is settled by the chair's casting vote.
    MAJORITY = "majority"


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


# --- quorum ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    members: int
    # How many members of each agency must be present, e.g. {"educational_psychology": 1, "health": 1}.
    agencies: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class QuorumResult:
    met: bool
    present: int
    needed: int
    missing_agencies: tuple[str, ...] = ()

    @property
    def explanation(self) -> str:
        if self.met:
            return f"Quorate: {self.present} members present"
        parts = []
        if self.present < self.needed:
            parts.append(f"{self.present} of the {self.needed} members needed are present")
        if self.missing_agencies:
            names = ", ".join(AGENCY_LABELS.get(a, a).lower() for a in self.missing_agencies)
            parts.append(f"nobody present from {names}")
        return "Not quorate: " + "; ".join(parts)


def check_quorum(quorum: Quorum, present_agencies: Iterable[str]) -> QuorumResult:
    """Whether the members present (each given by their agency) make the panel quorate, by number and by agency."""
    present = list(present_agencies)
    counts = Counter(present)
    missing = tuple(sorted(a for a, n in quorum.agencies.items() if counts[a] < n))
    met = len(present) >= quorum.members and not missing
    return QuorumResult(met=met, present=len(present), needed=quorum.members, missing_agencies=missing)


# --- votes -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain


def tally(choices: Iterable[str]) -> Tally:
    counts = Counter(choices)
    return Tally(yes=counts[Choice.YES], no=counts[Choice.NO], abstain=counts[Choice.ABSTAIN])


def majority(result: Tally, *, chair_vote: str | None = None) -> str | None:
    """The majority of votes cast for or against ("yes" / "no"); a tie goes the way the chair voted (the casting
    vote). None when there is no way to tell: nobody voted for or against, or a tie with no casting vote."""
    if result.yes > result.no:
        return Choice.YES.value
    if result.no > result.yes:
        return Choice.NO.value
    if result.yes and chair_vote in (Choice.YES, Choice.NO):
        return str(chair_vote)
    return None


def reasons_required(
    *, outcome: str, majority_of_votes: str | None, decided_band: str = "", suggested_band: str = ""
) -> bool:
    """A decision must give its reasons when it differs from the members' majority or from the RAS band.

    Refusals always carry reasons too: the family are told why, with their right to appeal (regs 5(3), 10(2)).
    """
    if outcome == Choice.NO:
        return True
    if majority_of_votes is not None and outcome != majority_of_votes:
        return True
    return bool(decided_band and suggested_band and decided_band != suggested_band)


# --- dates -----------------------------------------------------------------------------------------------------


def is_working_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays


def papers_deadline(meeting_on: date, working_days: int, holidays: Iterable[date] = ()) -> date:
    """The day papers close: `working_days` working days before the meeting (weekends and holidays skipped)."""
    closed = frozenset(holidays)
    day = meeting_on
    left = working_days
    while left > 0:
        day -= timedelta(days=1)
        if is_working_day(day, closed):
            left -= 1
    return day


def weekly_dates(first_on: date, *, after: date, count: int, every_weeks: int = 1) -> list[date]:
    """The next `count` meeting days on or after `after`, repeating every `every_weeks` weeks from `first_on`."""
    step = timedelta(weeks=every_weeks)
    day = first_on
    if day < after:
        periods = -(-(after - day).days // step.days)
        day = first_on + periods * step
    return [day + n * step for n in range(count)]


# --- the agenda ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaEntry:
    key: int
    due_on: date | None
    minutes: int
    added_order: int = 0


def agenda_order(entries: Iterable[AgendaEntry], *, on: date) -> list[AgendaEntry]:
    """Statutory urgency first: fewest days left on the deadline the decision meets; then in the order added.
    Items with no deadline come last."""
    return sorted(
        entries,
        key=lambda e: (e.due_on is None, (e.due_on - on).days if e.due_on else 0, e.added_order, e.key),
    )


def time_boxes(minutes: Iterable[int], *, starts_at_minute: int) -> list[tuple[int, int]]:
    """Each item's (start, end) in minutes from midnight, one after another from the meeting's start."""
    boxes = []
    start = starts_at_minute
    for length in minutes:
        boxes.append((start, start + length))
        start += length
    return boxes


# --- papers ----------------------------------------------------------------------------------------------------

# Advice a decision to issue needs before it can go to panel (reg 6(1)): at least the psychological advice.
REQUIRED_ADVICE = {Question.ISSUE: ("psychological",)}
ADVICE_WORDS = {
    "family": "the family's advice",
    "educational": "educational advice",
    "medical": "health advice",
    "psychological": "educational psychology advice",
    "social_care": "social care advice",
    "speech_and_language": "speech and language therapy advice",
    "occupational_therapy": "occupational therapy advice",
    "preparation_for_adulthood": "preparing for adulthood advice",
    "other": "other advice",
}
RECEIVED = frozenset({"submitted", "reused"})
GONE = frozenset({"withdrawn", "declined"})


def missing_papers(question: str, advice: Iterable[tuple[str, str]]) -> list[str]:
    """Why a case's papers are not complete for this question, in words for the agenda ("educational psychology
    advice not received"); empty when they are. `advice` is each request for advice as (kind, status)."""
    requests = list(advice)
    missing = []
    for kind in REQUIRED_ADVICE.get(Question(question), ()):
        if not any(k == kind and status in RECEIVED for k, status in requests):
            missing.append(kind)
    if question == Question.ISSUE:
        for kind, status in requests:
            # Another request still open: another report is still to come (unless that kind already arrived).
            received = any(k == kind and s in RECEIVED for k, s in requests)
            if status not in RECEIVED | GONE and kind not in missing and not received:
                missing.append(kind)
    return [f"{ADVICE_WORDS.get(kind, kind + ' advice')} not received" for kind in missing]
