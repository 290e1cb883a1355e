"""Statutory time limits for EHC needs assessments and plans in England.

Pure date arithmetic over the Children and Families Act 2014 Part 3 and the SEND Regulations 2014
(SI 2014/1530). Nothing here reads the clock, the database or settings: every date is an argument, so the
same inputs always give the same deadlines and the rules can be tested with worked dates.

Counting rules used throughout (the ordinary English reading of statutory periods):

* "within N weeks of X": the day of X is not counted, so the last day is X + N weeks.
* "N days beginning with X": X is day 1, so the last day is X + (N - 1) days.
* "the period of 12 months starting with X": X is the first day, so the last day is the day before the
  corresponding date 12 months on (or the last day of that month when it has no corresponding date).
* "before D": the last day on which the duty is met is the day before D.

A deadline's ``due_on`` is always the last day on which acting is still on time.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class StatutoryError(ValueError):
    """A date or record the law does not allow; the message is written to be shown to a user."""


class DeadlineCode(StrEnum):
    ASSESSMENT_DECISION = "assessment_decision"
    ADVICE = "advice"
    ISSUE_DECISION = "issue_decision"
    DRAFT_RESPONSE = "draft_response"
    FINAL_PLAN = "final_plan"
    ANNUAL_REVIEW = "annual_review"
    REVIEW_NOTICE = "review_notice"
    REVIEW_ADVICE = "review_advice"
    REVIEW_REPORT = "review_report"
    REVIEW_DECISION = "review_decision"
    AMENDMENT_RESPONSE = "amendment_response"
    AMENDED_PLAN = "amended_plan"
    PHASE_TRANSFER = "phase_transfer"
    REASSESSMENT_DECISION = "reassessment_decision"
    REASSESSMENT_PLAN = "reassessment_plan"


class DeadlineStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    EXCUSED = "excused"
    CANCELLED = "cancelled"


class DeadlineKind(StrEnum):
    DUTY = "duty"
    WINDOW = "window"


class ExceptionKind(StrEnum):
    SCHOOL_CLOSURE = "school_closure"
    EARLY_YEARS_CLOSURE = "early_years_closure"
    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    ABSENT_FROM_AREA = "absent_from_area"
    MISSED_APPOINTMENT = "missed_appointment"


DEADLINE_LABELS: dict[DeadlineCode, str] = {
    DeadlineCode.ASSESSMENT_DECISION: "Decide whether to assess",
    DeadlineCode.ADVICE: "Advice due back",
    DeadlineCode.ISSUE_DECISION: "Decide whether to issue a plan",
    DeadlineCode.DRAFT_RESPONSE: "Family's comments on the draft plan",
    DeadlineCode.FINAL_PLAN: "Issue the final plan",
    DeadlineCode.ANNUAL_REVIEW: "Hold the annual review",
    DeadlineCode.REVIEW_NOTICE: "Give notice of the review meeting",
    DeadlineCode.REVIEW_ADVICE: "Send out advice before the review meeting",
    DeadlineCode.REVIEW_REPORT: "Send the review meeting report",
    DeadlineCode.REVIEW_DECISION: "Decide to keep, change or end the plan",
    DeadlineCode.AMENDMENT_RESPONSE: "Family's comments on proposed changes",
    DeadlineCode.AMENDED_PLAN: "Issue the amended plan",
    DeadlineCode.PHASE_TRANSFER: "Review and amend the plan before the move to a new school",
    DeadlineCode.REASSESSMENT_DECISION: "Decide whether to re-assess",
    DeadlineCode.REASSESSMENT_PLAN: "Issue the plan after re-assessment",
}

DEADLINE_REGULATIONS: dict[DeadlineCode, str] = {
    DeadlineCode.ASSESSMENT_DECISION: "SEND Regulations 2014, reg 5(1)",
    DeadlineCode.ADVICE: "SEND Regulations 2014, reg 8(1)",
    DeadlineCode.ISSUE_DECISION: "SEND Regulations 2014, reg 10(1)",
    DeadlineCode.DRAFT_RESPONSE: "SEND Regulations 2014, reg 13(1)",
    DeadlineCode.FINAL_PLAN: "SEND Regulations 2014, reg 13(2)",
    DeadlineCode.ANNUAL_REVIEW: "Children and Families Act 2014, s44(1); SEND Regulations 2014, reg 20",
    DeadlineCode.REVIEW_NOTICE: "SEND Regulations 2014, reg 20(3)",
    DeadlineCode.REVIEW_ADVICE: "SEND Regulations 2014, reg 20(4)",
    DeadlineCode.REVIEW_REPORT: "SEND Regulations 2014, reg 20(7)",
    DeadlineCode.REVIEW_DECISION: "SEND Regulations 2014, reg 20(10)",
    DeadlineCode.AMENDMENT_RESPONSE: "SEND Regulations 2014, reg 22(2)(c)",
    DeadlineCode.AMENDED_PLAN: "SEND Regulations 2014, reg 20(10) and 22(3)",
    DeadlineCode.PHASE_TRANSFER: "SEND Regulations 2014, reg 18(1)",
    DeadlineCode.REASSESSMENT_DECISION: "SEND Regulations 2014, reg 25(1)",
    DeadlineCode.REASSESSMENT_PLAN: "SEND Regulations 2014, reg 27(2)",
}

EXCEPTION_LABELS: dict[ExceptionKind, str] = {
    ExceptionKind.SCHOOL_CLOSURE: "School or college closed for 4 weeks or more",
    ExceptionKind.EARLY_YEARS_CLOSURE: "Early years setting closed for 4 weeks or more",
    ExceptionKind.PERSONAL_CIRCUMSTANCES: "Exceptional personal circumstances",
    ExceptionKind.ABSENT_FROM_AREA: "Away from the area for 4 weeks or more",
    ExceptionKind.MISSED_APPOINTMENT: "Missed an appointment for the advice",
}

_CORE_EXCEPTIONS = frozenset(
    {
        ExceptionKind.SCHOOL_CLOSURE,
        ExceptionKind.EARLY_YEARS_CLOSURE,
        ExceptionKind.PERSONAL_CIRCUMSTANCES,
        ExceptionKind.ABSENT_FROM_AREA,
    }
)

# Only the regulations that list exceptions get them: reg 5(4), 8(2), 10(4), 13(3) (which borrows 10(4)) and
# 27(3) for the plan after re-assessment. The review, amendment and re-assessment-decision limits have none,
# and the family's windows are not duties on anyone.
EXCEPTIONS_ALLOWED: dict[DeadlineCode, frozenset[ExceptionKind]] = {
    code: frozenset() for code in DeadlineCode
} | {
    DeadlineCode.ASSESSMENT_DECISION: _CORE_EXCEPTIONS,
    DeadlineCode.ADVICE: _CORE_EXCEPTIONS | {ExceptionKind.MISSED_APPOINTMENT},
    DeadlineCode.ISSUE_DECISION: _CORE_EXCEPTIONS,
    DeadlineCode.FINAL_PLAN: _CORE_EXCEPTIONS,
    DeadlineCode.REASSESSMENT_PLAN: _CORE_EXCEPTIONS,
}

EXCEPTION_REGULATIONS: dict[ExceptionKind, str] = {
    ExceptionKind.SCHOOL_CLOSURE: "SEND Regulations 2014, reg 5(4)(a), 8(2)(a), 10(4)(a), 27(3)(a)",
    ExceptionKind.EARLY_YEARS_CLOSURE: "SEND Regulations 2014, reg 5(4)(b), 8(2)(b), 10(4)(b), 27(3)(b)",
    ExceptionKind.PERSONAL_CIRCUMSTANCES: "SEND Regulations 2014, reg 5(4)(c), 8(2)(c), 10(4)(c), 27(3)(c)",
    ExceptionKind.ABSENT_FROM_AREA: "SEND Regulations 2014, reg 5(4)(d), 8(2)(d), 10(4)(d), 27(3)(d)",
    ExceptionKind.MISSED_APPOINTMENT: "SEND Regulations 2014, reg 8(2)(e)",
}

# The family is given these periods; nobody can breach them, so they are never "missed".
WINDOW_CODES: frozenset[DeadlineCode] = frozenset(
    {DeadlineCode.DRAFT_RESPONSE, DeadlineCode.AMENDMENT_RESPONSE}
)

MIN_CLOSURE_DAYS = 28
MIN_ABSENCE_DAYS = 28

# Reg 18(1) says the plan must be reviewed and amended *before* 31 March (secondary to post-16) and *before*
# 15 February (every other transfer), so the last day on which the duty is met is the day before each.
# The SEND Code of Practice says "by"; the regulation governs, and the earlier date never hides a breach.
PHASE_TRANSFER_BEFORE = (2, 15)
POST_16_TRANSFER_BEFORE = (3, 31)
POST_16_YEAR_GROUP = 12
DEFAULT_TRANSFER_YEAR_GROUPS: tuple[int, ...] = (0, 7, 12)

# Children start Reception in the September after their fourth birthday (School Admissions Code).
_RECEPTION_AGE = 4


# --- date arithmetic -------------------------------------------------------------------------------------


def add_weeks(start: date, weeks: int) -> date:
    """The last day of a period of ``weeks`` weeks from ``start`` ("within N weeks of")."""
    return start + timedelta(weeks=weeks)


def assessment_decision_due(received_on: date) -> date:
    """Reg 5(1): tell the family whether the council will assess within 6 weeks of receiving the request."""
    return add_weeks(received_on, 6)


def draft_comments_close_on(served_on: date) -> date:
    """Reg 13(1): at least 15 days, beginning with the day the draft plan is served, for comments and a school."""
    return days_beginning_with(served_on, 15)


def days_beginning_with(start: date, days: int) -> date:
    """The last day of a period of ``days`` days whose day 1 is ``start``."""
    if days < 1:
        raise StatutoryError("A period of days must be at least 1 day long.")
    return start + timedelta(days=days - 1)


def add_months(start: date, months: int) -> date:
    """The same day ``months`` calendar months on; clipped to the month's last day when it has no such day."""
    month_index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def months_beginning_with(start: date, months: int) -> date:
    """The last day of a period of ``months`` calendar months whose first day is ``start``.

    That is the day before the corresponding date; where the later month has no corresponding date
    (31 January + 1 month, 29 February + 12 months) the period runs to the end of that month.
    """
    if months < 1:
        raise StatutoryError("A period of months must be at least 1 month long.")
    corresponding = add_months(start, months)
    if corresponding.day != start.day:
        return corresponding
    return corresponding - timedelta(days=1)


# --- age and school year ---------------------------------------------------------------------------------


def _birthday_in(date_of_birth: date, year: int) -> date:
    if date_of_birth.month == 2 and date_of_birth.day == 29 and not calendar.isleap(year):
        # Family Law Reform Act 1969 s9: an age is reached at the start of the anniversary, and in England a
        # 29 February birthday has its anniversary on 1 March in a common year.
        return date(year, 3, 1)
    return date_of_birth.replace(year=year)


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on ``on``."""
    if on < date_of_birth:
        raise StatutoryError("The date is before the date of birth.")
    years = on.year - date_of_birth.year
    if on < _birthday_in(date_of_birth, on.year):
        years -= 1
    return years


# Children and Families Act 2014 s83(2): a young person is "over compulsory school age but under 25", and an EHC
# needs assessment can be asked for anyone under 25 on the day the request is received.
MAX_AGE_AT_REQUEST = 25
# The request form lets a young person ask for themselves, and asks for their agreement, from their 16th birthday.
YOUNG_PERSON_FROM = 16


class AgeProblem(StrEnum):
    """Why a date of birth cannot belong to a request received on a given day; each layer words it for its page."""

    NOT_YET_BORN = "not_yet_born"
    TOO_OLD = "too_old"


def age_problem(date_of_birth: date, on: date) -> AgeProblem | None:
    """The 0–25 rule for a request received ``on``: born on or before that day, and not yet 25 on it.

    The 25th birthday itself is too late (reached at the start of the day); 29 February birthdays are
    reached on 1 March in a common year, as ``age_on`` counts them.
    """
    if date_of_birth > on:
        return AgeProblem.NOT_YET_BORN
    if age_on(date_of_birth, on) >= MAX_AGE_AT_REQUEST:
        return AgeProblem.TOO_OLD
    return None


def is_young_person(date_of_birth: date, on: date) -> bool:
    """16 or over on ``on`` (False for a date of birth after ``on``, which the age rule reports)."""
    return date_of_birth <= on and age_on(date_of_birth, on) >= YOUNG_PERSON_FROM


def academic_cohort(date_of_birth: date) -> int:
    """The English school cohort: children born 1 September (Y-1) to 31 August (Y) belong to cohort Y."""
    return date_of_birth.year + 1 if date_of_birth.month >= 9 else date_of_birth.year


def academic_year_start(on: date) -> int:
    """The calendar year in which the academic year containing ``on`` began (on 1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def year_group(date_of_birth: date, on: date) -> int:
    """National Curriculum year group on ``on``: Reception = 0, Year 1 = 1; negative before Reception."""
    return academic_year_start(on) - (academic_cohort(date_of_birth) + _RECEPTION_AGE)


def transfer_year(date_of_birth: date, *, into_year_group: int) -> int:
    """The calendar year in whose September the child starts ``into_year_group``."""
    return academic_cohort(date_of_birth) + _RECEPTION_AGE + into_year_group


def phase_transfer_deadline(date_of_birth: date, *, into_year_group: int) -> date:
    """The last day to review and amend the plan before a transfer into ``into_year_group`` (reg 18(1)).

    The regulation requires this *before* 15 February of the calendar year of the transfer (before 31 March
    for secondary school to post-16, i.e. into Year 12), so the last day is 14 February (30 March).
    """
    year = transfer_year(date_of_birth, into_year_group=into_year_group)
    month, day = POST_16_TRANSFER_BEFORE if into_year_group == POST_16_YEAR_GROUP else PHASE_TRANSFER_BEFORE
    return date(year, month, day) - timedelta(days=1)


def next_phase_transfer(
    date_of_birth: date, *, on: date, transfer_year_groups: tuple[int, ...] = DEFAULT_TRANSFER_YEAR_GROUPS
) -> tuple[int, date] | None:
    """The next transfer (year group, deadline) whose deadline is on or after ``on``; None if none."""
    upcoming = sorted(
        (phase_transfer_deadline(date_of_birth, into_year_group=group), group)
        for group in set(transfer_year_groups)
    )
    for deadline, group in upcoming:
        if deadline >= on:
            return group, deadline
    return None


def closure_exception_window(*, closes_on: date, reopens_on: date) -> tuple[date, date]:
    """The period in which asking a closed school (or setting) for advice excuses a late decision.

    Reg 5(4)(a), 8(2)(a): from one week before the first day of a closure of at least 4 continuous weeks to
    one week before the day it re-opens.
    """
    if (reopens_on - closes_on).days < MIN_CLOSURE_DAYS:
        raise StatutoryError(
            "The closure must last at least 4 weeks in a row (from the day it closes to the day it re-opens)."
        )
    return closes_on - timedelta(weeks=1), reopens_on - timedelta(weeks=1)


# --- exceptions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdviceRequest:
    ref: str
    requested_on: date
    received_on: date | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class RecordedException:
    """An exception as recorded. ``ends_on`` is None while it is still going on (an illness, a family abroad):
    it is then taken to run to ``today`` wherever its status is worked out."""

    kind: ExceptionKind
    starts_on: date
    ends_on: date | None
    codes: frozenset[str] | None = None
    ref: str = ""

    def runs_to(self, today: date | None) -> date | None:
        """The last day it covers: its end, or ``today`` while it is ongoing (None if ongoing and no today)."""
        return self.ends_on if self.ends_on is not None else today


def validate_exception(exc: RecordedException, *, today: date | None = None) -> None:
    """Raise StatutoryError if the law does not allow this exception as recorded.

    An ongoing absence is checked for its 4 weeks only once it has lasted them (to ``today``): until then it is
    lawful to record but excuses nothing, which is what ``exception_applies`` asks.
    """
    if exc.ends_on is not None and exc.ends_on < exc.starts_on:
        raise StatutoryError("The exception cannot end before it starts.")
    runs_to = exc.runs_to(today)
    if (
        exc.kind == ExceptionKind.ABSENT_FROM_AREA
        and runs_to is not None
        and (runs_to - exc.starts_on).days + 1 < MIN_ABSENCE_DAYS
    ):
        raise StatutoryError("An absence from the area only counts if it lasts at least 4 weeks in a row.")
    if exc.codes is None:
        return
    if not exc.codes:
        raise StatutoryError("Choose at least one time limit for the exception to apply to.")
    for raw in sorted(exc.codes):
        try:
            code = DeadlineCode(raw)
        except ValueError:
            raise StatutoryError(f"“{raw}” is not a statutory time limit.") from None
        if exc.kind not in EXCEPTIONS_ALLOWED[code]:
            raise StatutoryError(
                f"“{EXCEPTION_LABELS[exc.kind]}” cannot excuse the time limit “{DEADLINE_LABELS[code]}”."
            )


# --- deadlines -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseDates:
    received_on: date
    assessment_decided_on: date | None = None
    assessment_agreed: bool | None = None
    issue_decided_on: date | None = None
    plan_to_be_issued: bool | None = None
    draft_served_on: date | None = None
    family_responded_on: date | None = None
    final_issued_on: date | None = None
    advice: tuple[AdviceRequest, ...] = ()
    last_review_meeting_on: date | None = None
    next_review_meeting_on: date | None = None
    review_notice_sent_on: date | None = None
    review_advice_circulated_on: date | None = None
    review_report_on: date | None = None
    review_decided_on: date | None = None
    amendment_proposed_on: date | None = None
    amendment_response_on: date | None = None
    amended_plan_issued_on: date | None = None
    date_of_birth: date | None = None
    phase_transfer_year_groups: tuple[int, ...] = DEFAULT_TRANSFER_YEAR_GROUPS
    phase_transfer_done_on: date | None = None
    reassessment_requested_on: date | None = None
    reassessment_decided_on: date | None = None
    reassessment_agreed: bool | None = None
    reassessment_plan_issued_on: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True)
class Deadline:
    code: DeadlineCode
    due_on: date
    starts_on: date
    ref: str = ""
    met_on: date | None = None
    kind: DeadlineKind = DeadlineKind.DUTY
    cancelled: bool = False


def _amendment_meeting(dates: CaseDates, proposed_on: date) -> date | None:
    """The review meeting a proposal to amend follows: the latest known meeting on or before the proposal."""
    held = [m for m in (dates.next_review_meeting_on, dates.last_review_meeting_on) if m and m <= proposed_on]
    return max(held, default=None)


def _phase_transfer_deadline(dates: CaseDates, group: int, due: date, met_on: date | None) -> Deadline:
    # Reg 18 bites once the child is within 12 months of the September move.
    window_opens = date(due.year - 1, 9, 1)
    return Deadline(
        DeadlineCode.PHASE_TRANSFER,
        due_on=due,
        starts_on=max(window_opens, dates.final_issued_on),
        ref=f"year-{group}",
        met_on=met_on,
    )


def _phase_transfers(dates: CaseDates) -> list[Deadline]:
    """The transfer now running, and the one the latest recorded review dealt with.

    `phase_transfer_done_on` is the day the latest transfer review was completed. It meets the transfer in whose
    window it falls (on time or late), and the clock moves on to the next transfer. Earlier transfers were met in
    their time; their rows stay as they were recorded.
    """

    def window_opens(due: date) -> date:
        return date(due.year - 1, 9, 1)

    def following(due: date):
        return next_phase_transfer(
            dates.date_of_birth,
            on=due + timedelta(days=1),
            transfer_year_groups=dates.phase_transfer_year_groups,
        )

    done = dates.phase_transfer_done_on
    transfer = next_phase_transfer(
        dates.date_of_birth, on=dates.final_issued_on, transfer_year_groups=dates.phase_transfer_year_groups
    )
    out: list[Deadline] = []
    while transfer is not None and done is not None and done >= window_opens(transfer[1]):
        after = following(transfer[1])
        if after is None or done < window_opens(after[1]):
            out.append(_phase_transfer_deadline(dates, *transfer, met_on=done))
            transfer = after
            break
        transfer = after
    if transfer is not None:
        out.append(_phase_transfer_deadline(dates, *transfer, met_on=None))
    return out


def compute_deadlines(dates: CaseDates) -> list[Deadline]:
    """Every statutory time limit the case's dates give rise to, ordered by due date, code, then ref.

    Rules worth knowing:

    * The 16- and 20-week limits exist from receipt so the council can plan for them; a decision not to
      assess cancels both, and a decision not to issue a plan cancels the 20-week one.
    * Only the current annual review cycle is produced: it runs for the 12 months starting with the last
      review meeting held (or with the plan's issue, before the first review). Holding a meeting moves the
      cycle on, so the cycle is never shown as met here.
    * Only the first phase transfer on or after the plan's issue is produced.
    * A closed case cancels every deadline not yet met; a deadline already met stays met.
    """
    out: list[Deadline] = []
    received = dates.received_on

    out.append(
        Deadline(
            DeadlineCode.ASSESSMENT_DECISION,
            due_on=assessment_decision_due(received),
            starts_on=received,
            met_on=dates.assessment_decided_on,
        )
    )
    not_assessed = dates.assessment_agreed is False
    issue_met = dates.issue_decided_on
    out.append(
        Deadline(
            DeadlineCode.ISSUE_DECISION,
            due_on=add_weeks(received, 16),
            starts_on=received,
            met_on=issue_met,
            cancelled=not_assessed and issue_met is None,
        )
    )
    final_met = dates.final_issued_on
    out.append(
        Deadline(
            DeadlineCode.FINAL_PLAN,
            due_on=add_weeks(received, 20),
            starts_on=received,
            met_on=final_met,
            cancelled=(not_assessed or dates.plan_to_be_issued is False) and final_met is None,
        )
    )

    for request in dates.advice:
        out.append(
            Deadline(
                DeadlineCode.ADVICE,
                due_on=add_weeks(request.requested_on, 6),
                starts_on=request.requested_on,
                ref=request.ref,
                met_on=request.received_on,
                cancelled=request.cancelled and request.received_on is None,
            )
        )

    if dates.draft_served_on is not None:
        out.append(
            Deadline(
                DeadlineCode.DRAFT_RESPONSE,
                due_on=days_beginning_with(dates.draft_served_on, 15),
                starts_on=dates.draft_served_on,
                met_on=dates.family_responded_on,
                kind=DeadlineKind.WINDOW,
            )
        )

    if dates.final_issued_on is not None:
        base = max(d for d in (dates.final_issued_on, dates.last_review_meeting_on) if d is not None)
        out.append(
            Deadline(
                DeadlineCode.ANNUAL_REVIEW,
                due_on=months_beginning_with(base, 12),
                starts_on=base,
                ref=base.isoformat(),
            )
        )

    meeting = dates.next_review_meeting_on
    if meeting is not None:
        ref = meeting.isoformat()
        before = meeting - timedelta(weeks=2)
        out += [
            Deadline(DeadlineCode.REVIEW_NOTICE, before, before, ref, met_on=dates.review_notice_sent_on),
            Deadline(
                DeadlineCode.REVIEW_ADVICE, before, before, ref, met_on=dates.review_advice_circulated_on
            ),
            Deadline(
                DeadlineCode.REVIEW_REPORT, add_weeks(meeting, 2), meeting, ref, met_on=dates.review_report_on
            ),
            Deadline(
                DeadlineCode.REVIEW_DECISION,
                add_weeks(meeting, 4),
                meeting,
                ref,
                met_on=dates.review_decided_on,
            ),
        ]

    proposed = dates.amendment_proposed_on
    if proposed is not None:
        out.append(
            Deadline(
                DeadlineCode.AMENDMENT_RESPONSE,
                due_on=days_beginning_with(proposed, 15),
                starts_on=proposed,
                met_on=dates.amendment_response_on,
                kind=DeadlineKind.WINDOW,
            )
        )
        due = add_weeks(proposed, 8)
        reviewed = _amendment_meeting(dates, proposed)
        # The proposal goes with the decision, due 4 weeks after the meeting, and the plan 8 weeks after that:
        # a late proposal must not push the plan past 12 weeks. A proposal over 12 weeks after the meeting
        # follows some other review this record does not know about.
        if reviewed is not None and proposed <= add_weeks(reviewed, 12):
            due = min(due, add_weeks(reviewed, 12))
        out.append(
            Deadline(
                DeadlineCode.AMENDED_PLAN, due_on=due, starts_on=proposed, met_on=dates.amended_plan_issued_on
            )
        )

    if dates.date_of_birth is not None and dates.final_issued_on is not None:
        out.extend(_phase_transfers(dates))

    if dates.reassessment_requested_on is not None:
        out.append(
            Deadline(
                DeadlineCode.REASSESSMENT_DECISION,
                due_on=dates.reassessment_requested_on + timedelta(days=15),
                starts_on=dates.reassessment_requested_on,
                met_on=dates.reassessment_decided_on,
            )
        )
    if dates.reassessment_agreed is True and dates.reassessment_decided_on is not None:
        out.append(
            Deadline(
                DeadlineCode.REASSESSMENT_PLAN,
                due_on=add_weeks(dates.reassessment_decided_on, 14),
                starts_on=dates.reassessment_decided_on,
                met_on=dates.reassessment_plan_issued_on,
            )
        )

    if dates.closed_on is not None:
        out = [_cancel(d) if d.met_on is None else d for d in out]
    return sorted(out, key=lambda d: (d.due_on, d.code.value, d.ref))


def _cancel(deadline: Deadline) -> Deadline:
    if deadline.cancelled:
        return deadline
    return Deadline(
        deadline.code,
        due_on=deadline.due_on,
        starts_on=deadline.starts_on,
        ref=deadline.ref,
        met_on=deadline.met_on,
        kind=deadline.kind,
        cancelled=True,
    )


def exception_applies(exc: RecordedException, deadline: Deadline, *, today: date | None = None) -> bool:
    """Whether a recorded exception excuses ``deadline`` being late.

    An exception the law would not allow as recorded (see validate_exception) never excuses anything. An ongoing
    one runs to ``today``; asked without a day, it runs on with no end.
    """
    try:
        validate_exception(exc, today=today)
    except StatutoryError:
        return False
    runs_to = exc.runs_to(today)
    if runs_to is not None and runs_to < exc.starts_on:
        return False  # ongoing, but not yet begun
    if exc.kind not in EXCEPTIONS_ALLOWED[deadline.code]:
        return False
    if exc.codes is not None and deadline.code not in exc.codes:
        return False
    if deadline.code == DeadlineCode.ADVICE and exc.ref and exc.ref != deadline.ref:
        return False
    return exc.starts_on <= deadline.due_on and (runs_to is None or runs_to >= deadline.starts_on)


def deadline_status(
    deadline: Deadline, *, today: date, exceptions: Iterable[RecordedException] = ()
) -> DeadlineStatus:
    """Where a deadline stands on ``today``. Exceptions never move ``due_on``; they only excuse a breach."""
    if deadline.cancelled:
        return DeadlineStatus.CANCELLED
    if deadline.kind == DeadlineKind.WINDOW:
        # The family's window is met by their reply, or simply by running its course.
        return (
            DeadlineStatus.MET
            if deadline.met_on is not None or today > deadline.due_on
            else DeadlineStatus.OPEN
        )
    if deadline.met_on is not None and deadline.met_on <= deadline.due_on:
        return DeadlineStatus.MET
    if deadline.met_on is None and today <= deadline.due_on:
        return DeadlineStatus.OPEN
    if any(exception_applies(exc, deadline, today=today) for exc in exceptions):
        return DeadlineStatus.EXCUSED
    return DeadlineStatus.MISSED
