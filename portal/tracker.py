"""The family's tracker: every step of the journey, what happened and when, what happens next, by when, and who
is responsible, honest when the council is late and plain about a lawful exception.

Pure: plain facts in (the case's dates and its statutory deadline rows, read by `portal.selectors`), steps out. No
Django import, so each rule is checked with worked dates in milliseconds. Every sentence is a message id with
named values (`Line`); the portal translates it into the reader's language and writes the dates in it, so the
wording here is marked with `gettext_noop` for the catalogues and never formatted here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from cases import statutory


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogues (makemessages reads this name); the portal translates it when shown."""
    return message


@dataclass(frozen=True)
class Line:
    """One sentence: a message id with `%(name)s` values. Dates stay dates until the reader's language writes them;
    a value that is itself a Line is translated too."""

    text: str
    values: dict = field(default_factory=dict)


class State(StrEnum):
    DONE = "done"
    NOW = "now"  # happening now, on time
    LATE = "late"  # its time limit has passed and it is not done
    LATER = "later"  # not started yet
    NOT_NEEDED = "not_needed"  # the journey ended before it, or it does not apply


class Key(StrEnum):
    REQUEST = "request"
    ASSESSMENT_DECISION = "assessment_decision"
    ADVICE = "advice"
    PANEL = "panel"
    DRAFT = "draft"
    YOUR_15_DAYS = "your_15_days"
    FINAL_PLAN = "final_plan"
    ANNUAL_REVIEW = "annual_review"


# The titles of the steps, in the order of the journey.
TITLES: dict[Key, str] = {
    Key.REQUEST: gettext_noop("Request for an assessment"),
    Key.ASSESSMENT_DECISION: gettext_noop("Decision whether to assess"),
    Key.ADVICE: gettext_noop("Advice from the people who know the child"),
    Key.PANEL: gettext_noop("Panel and decision whether to make a plan"),
    Key.DRAFT: gettext_noop("Draft plan"),
    Key.YOUR_15_DAYS: gettext_noop("Your 15 days to comment on the draft"),
    Key.FINAL_PLAN: gettext_noop("Final plan"),
    Key.ANNUAL_REVIEW: gettext_noop("Annual review"),
}
# A young person reads about themselves: "you", never "the child".
YOUNG_PERSON_TITLES: dict[Key, str] = {
    Key.ADVICE: gettext_noop("Advice from the people who know you"),
}

# An exception in plain words: why the law allows a time limit to pass.
EXCEPTION_WORDS: dict[str, str] = {
    statutory.ExceptionKind.SCHOOL_CLOSURE: gettext_noop(
        "the school or college was closed for 4 weeks or more"
    ),
    statutory.ExceptionKind.EARLY_YEARS_CLOSURE: gettext_noop(
        "the nursery or early years setting was closed for 4 weeks or more"
    ),
    statutory.ExceptionKind.PERSONAL_CIRCUMSTANCES: gettext_noop(
        "there were exceptional personal circumstances in the family"
    ),
    statutory.ExceptionKind.ABSENT_FROM_AREA: gettext_noop(
        "the family was away from the area for 4 weeks or more"
    ),
    statutory.ExceptionKind.MISSED_APPOINTMENT: gettext_noop("an appointment for the advice was missed"),
}


@dataclass(frozen=True)
class DeadlineFact:
    """One statutory deadline row of the case (cases.models.Deadline), as the family may read it."""

    code: str
    due_on: date
    status: str  # cases.statutory.DeadlineStatus
    met_on: date | None = None
    ref: str = ""


@dataclass(frozen=True)
class ExceptionFact:
    kind: str
    starts_on: date
    ends_on: date | None = None
    # The time limits it was recorded against (empty: every one the law allows it for).
    codes: frozenset[str] = frozenset()
    ref: str = ""


@dataclass(frozen=True)
class AdviceFact:
    ref: str
    who: str  # who was asked, as the council wrote it ("Educational psychology service")
    asked_on: date
    replied_on: date | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class Facts:
    stage: str  # cases.workflow.Stage
    received_on: date
    today: date
    coordinator: str = ""  # the coordinator's name, empty while nobody is allocated
    deadlines: tuple[DeadlineFact, ...] = ()
    exceptions: tuple[ExceptionFact, ...] = ()
    advice: tuple[AdviceFact, ...] = ()
    assessment_decided_on: date | None = None
    assessment_agreed: bool | None = None
    issue_decided_on: date | None = None
    plan_to_be_issued: bool | None = None
    panel_on: date | None = None
    draft_served_on: date | None = None
    family_responded_on: date | None = None
    final_issued_on: date | None = None
    last_review_meeting_on: date | None = None
    next_review_meeting_on: date | None = None
    review_decided_on: date | None = None
    closed_on: date | None = None
    young_person: bool = False  # the reader is the young person the case is about


@dataclass(frozen=True)
class Step:
    key: Key
    title: str
    state: State
    happened: tuple[Line, ...] = ()  # what has happened, with dates
    next: Line | None = None  # what happens next
    due_on: date | None = None  # by when (the statutory last day)
    who: Line | None = None  # who is responsible for the next part
    late: Line | None = None  # honest: late, since when, and what the council is doing
    exception: Line | None = None  # a lawful exception, in plain words
    items: tuple[Line, ...] = ()  # one line per request for advice

    @property
    def is_current(self) -> bool:
        return self.state in (State.NOW, State.LATE)


@dataclass(frozen=True)
class Tracker:
    steps: tuple[Step, ...]

    @property
    def current(self) -> Step | None:
        """The step the family is waiting on now (the first one happening or late), if any."""
        return next((step for step in self.steps if step.is_current), None)

    def step(self, key: Key) -> Step:
        return next(step for step in self.steps if step.key == key)


_NOT_ASSESSED = "not_assessed"
_NOT_ISSUED = "not_issued"
_WITHDRAWN = "withdrawn"
_PLAN_STAGES = {"final_issued", "under_review", "ceased"}


def _council(facts: Facts) -> Line:
    if facts.coordinator:
        return Line(gettext_noop("Your coordinator, %(name)s"), {"name": facts.coordinator})
    return Line(gettext_noop("The council's SEN team"))


def _deadline(facts: Facts, code: str, ref: str = "") -> DeadlineFact | None:
    return next(
        (
            d
            for d in facts.deadlines
            if d.code == code and (not ref or d.ref == ref) and d.status != statutory.DeadlineStatus.CANCELLED
        ),
        None,
    )


def _late_line(facts: Facts, due_on: date) -> Line:
    if facts.coordinator:
        return Line(
            gettext_noop(
                "This is late. It was due on %(due)s. The council has reminded %(name)s and their manager, and "
                "they are working on it. You can ask them when it will happen."
            ),
            {"due": due_on, "name": facts.coordinator},
        )
    return Line(
        gettext_noop(
            "This is late. It was due on %(due)s. The council's SEN team has been told and is working on it. "
            "You can ask them when it will happen."
        ),
        {"due": due_on},
    )


def _late_done_line(met_on: date, due_on: date) -> Line:
    return Line(
        gettext_noop("This was late: it was due on %(due)s and happened on %(met)s."),
        {"due": due_on, "met": met_on},
    )


def _exception_line(facts: Facts, code: str, row: DeadlineFact | None, ref: str = "") -> Line | None:
    """A lawful exception recorded against this time limit, in plain words. It never moves the date."""
    if row is None:
        return None
    allowed = statutory.EXCEPTIONS_ALLOWED[statutory.DeadlineCode(code)]
    for exc in facts.exceptions:
        if exc.kind not in allowed or (exc.codes and code not in exc.codes):
            continue
        if code == statutory.DeadlineCode.ADVICE and exc.ref and exc.ref != ref:
            continue
        runs_to = exc.ends_on or facts.today
        if exc.starts_on > row.due_on or runs_to < exc.starts_on:
            continue
        reason = EXCEPTION_WORDS.get(exc.kind, "")
        if exc.ends_on is None:
            return Line(
                gettext_noop(
                    "The law allows this to take longer because %(reason)s (since %(from)s). The date above "
                    "does not change, but a delay for this reason is lawful."
                ),
                {"reason": Line(reason), "from": exc.starts_on},
            )
        return Line(
            gettext_noop(
                "The law allows this to take longer because %(reason)s (from %(from)s to %(to)s). The date above "
                "does not change, but a delay for this reason is lawful."
            ),
            {"reason": Line(reason), "from": exc.starts_on, "to": exc.ends_on},
        )
    return None


def _duty(
    facts: Facts, code: str, *, done_lines: tuple[Line, ...], waiting: Line, ref: str = ""
) -> tuple[State, tuple[Line, ...], Line | None, date | None, Line | None, Line | None]:
    """A duty on the council: done (on time or late), happening now, or late and not done."""
    row = _deadline(facts, code, ref)
    exception = _exception_line(facts, code, row, ref)
    if row is None:
        return State.LATER, (), None, None, None, exception
    if row.met_on is not None or done_lines:
        lines = done_lines
        if row.met_on is not None and row.met_on > row.due_on:
            lines = (*lines, _late_done_line(row.met_on, row.due_on))
        return State.DONE, lines, None, None, None, exception
    if facts.today > row.due_on or row.status == statutory.DeadlineStatus.MISSED:
        return State.LATE, (), waiting, row.due_on, _late_line(facts, row.due_on), exception
    return State.NOW, (), waiting, row.due_on, None, exception


def _request(facts: Facts) -> Step:
    return Step(
        Key.REQUEST,
        TITLES[Key.REQUEST],
        State.DONE,
        happened=(
            Line(gettext_noop("The council received the request on %(date)s."), {"date": facts.received_on}),
        ),
    )


def _assessment_decision(facts: Facts) -> Step:
    code = statutory.DeadlineCode.ASSESSMENT_DECISION
    done: tuple[Line, ...] = ()
    if facts.assessment_decided_on is not None and facts.assessment_agreed is not None:
        done = (
            Line(
                gettext_noop("On %(date)s the council decided to assess."),
                {"date": facts.assessment_decided_on},
            )
            if facts.assessment_agreed
            else Line(
                gettext_noop(
                    "On %(date)s the council decided not to assess. You can appeal: see Decisions and your rights."
                ),
                {"date": facts.assessment_decided_on},
            ),
        )
    if facts.stage == _WITHDRAWN and not done:
        return Step(Key.ASSESSMENT_DECISION, TITLES[Key.ASSESSMENT_DECISION], State.NOT_NEEDED)
    state, happened, next_line, due_on, late, exception = _duty(
        facts,
        code,
        done_lines=done,
        waiting=Line(gettext_noop("The council decides whether to assess and writes to tell you why.")),
    )
    return Step(
        Key.ASSESSMENT_DECISION,
        TITLES[Key.ASSESSMENT_DECISION],
        state,
        happened=happened,
        next=next_line,
        due_on=due_on,
        who=_council(facts) if state in (State.NOW, State.LATE) else None,
        late=late,
        exception=exception,
    )


def _advice(facts: Facts) -> Step:
    title = (YOUNG_PERSON_TITLES if facts.young_person else TITLES)[Key.ADVICE]
    if facts.assessment_agreed is False or (facts.stage == _WITHDRAWN and not facts.advice):
        return Step(Key.ADVICE, title, State.NOT_NEEDED)
    asked = [a for a in facts.advice if not (a.cancelled and a.replied_on is None)]
    if not asked:
        if facts.issue_decided_on is not None or facts.draft_served_on is not None:
            # Advice gathered before this service kept each request (or reused): the step is behind the family.
            return Step(Key.ADVICE, title, State.DONE)
        if facts.assessment_agreed:
            return Step(
                Key.ADVICE,
                title,
                State.NOW,
                next=Line(
                    gettext_noop("The council asks professionals for advice about your needs.")
                    if facts.young_person
                    else gettext_noop("The council asks professionals for advice about the child's needs.")
                ),
                who=_council(facts),
            )
        return Step(
            Key.ADVICE,
            title,
            State.LATER,
            next=Line(
                gettext_noop(
                    "If the council assesses, it asks you and professionals for advice. Each has 6 weeks to reply."
                )
            ),
        )
    items, late_dues, open_dues, exception = [], [], [], None
    for request in asked:
        row = _deadline(facts, statutory.DeadlineCode.ADVICE, request.ref)
        due_on = row.due_on if row else statutory.add_weeks(request.asked_on, 6)
        exception = exception or _exception_line(facts, statutory.DeadlineCode.ADVICE, row, request.ref)
        if request.replied_on is not None:
            items.append(
                Line(
                    gettext_noop("%(who)s: replied on %(date)s."),
                    {"who": request.who, "date": request.replied_on},
                )
            )
        elif facts.today > due_on:
            late_dues.append(due_on)
            items.append(
                Line(
                    gettext_noop("%(who)s: asked on %(asked)s. Late: it was due on %(due)s."),
                    {"who": request.who, "asked": request.asked_on, "due": due_on},
                )
            )
        else:
            open_dues.append(due_on)
            items.append(
                Line(
                    gettext_noop("%(who)s: asked on %(asked)s. Due by %(due)s."),
                    {"who": request.who, "asked": request.asked_on, "due": due_on},
                )
            )
    if not late_dues and not open_dues:
        return Step(Key.ADVICE, title, State.DONE, items=tuple(items), exception=exception)
    waiting = Line(gettext_noop("The professionals asked send their advice to the council."))
    who = Line(gettext_noop("The professionals asked for advice. The council chases them."))
    if late_dues:
        due_on = min(late_dues)
        late = Line(
            gettext_noop(
                "Some advice is late. It was due on %(due)s. The council has reminded the people asked and is "
                "chasing them."
            ),
            {"due": due_on},
        )
        return Step(
            Key.ADVICE,
            title,
            State.LATE,
            next=waiting,
            due_on=due_on,
            who=who,
            late=late,
            exception=exception,
            items=tuple(items),
        )
    return Step(
        Key.ADVICE,
        title,
        State.NOW,
        next=waiting,
        due_on=max(open_dues),
        who=who,
        exception=exception,
        items=tuple(items),
    )


def _panel(facts: Facts) -> Step:
    title = TITLES[Key.PANEL]
    if facts.assessment_agreed is False or (facts.stage == _WITHDRAWN and facts.issue_decided_on is None):
        return Step(Key.PANEL, title, State.NOT_NEEDED)
    happened: list[Line] = []
    if facts.panel_on is not None and facts.panel_on <= facts.today:
        happened.append(Line(gettext_noop("The panel met on %(date)s."), {"date": facts.panel_on}))
    if facts.issue_decided_on is not None and facts.plan_to_be_issued is not None:
        happened.append(
            Line(
                gettext_noop("On %(date)s the council decided to make a plan."),
                {"date": facts.issue_decided_on},
            )
            if facts.plan_to_be_issued
            else Line(
                gettext_noop(
                    "On %(date)s the council decided not to make a plan. You can appeal: see Decisions and "
                    "your rights."
                ),
                {"date": facts.issue_decided_on},
            )
        )
    if facts.panel_on is not None and facts.panel_on > facts.today:
        waiting = Line(
            gettext_noop("A panel of professionals meets on %(date)s to help the council decide."),
            {"date": facts.panel_on},
        )
    else:
        waiting = Line(
            gettext_noop(
                "A panel of professionals helps the council decide whether to make a plan. If the council decides "
                "not to, it must tell you by the date shown."
            )
        )
    code = statutory.DeadlineCode.ISSUE_DECISION
    done = tuple(happened) if facts.issue_decided_on is not None else ()
    if not done and facts.assessment_agreed is not True:
        return Step(Key.PANEL, title, State.LATER, happened=tuple(happened), next=waiting)
    state, lines, next_line, due_on, late, exception = _duty(facts, code, done_lines=done, waiting=waiting)
    return Step(
        Key.PANEL,
        title,
        state,
        happened=lines or tuple(happened),
        next=next_line,
        due_on=due_on,
        who=_council(facts) if state in (State.NOW, State.LATE) else None,
        late=late,
        exception=exception,
    )


def _no_plan(facts: Facts) -> bool:
    return (
        facts.assessment_agreed is False
        or facts.plan_to_be_issued is False
        or facts.stage
        in (
            _NOT_ASSESSED,
            _NOT_ISSUED,
        )
    )


def _draft(facts: Facts) -> Step:
    title = TITLES[Key.DRAFT]
    if facts.draft_served_on is not None:
        return Step(
            Key.DRAFT,
            title,
            State.DONE,
            happened=(
                Line(
                    gettext_noop("The council sent you the draft plan on %(date)s."),
                    {"date": facts.draft_served_on},
                ),
            ),
        )
    if _no_plan(facts) or facts.stage == _WITHDRAWN:
        return Step(Key.DRAFT, title, State.NOT_NEEDED)
    if facts.plan_to_be_issued:
        return Step(
            Key.DRAFT,
            title,
            State.NOW,
            next=Line(
                gettext_noop("Your coordinator writes the draft plan from the advice and sends it to you.")
            ),
            who=_council(facts),
        )
    return Step(
        Key.DRAFT,
        title,
        State.LATER,
        next=Line(gettext_noop("If the council makes a plan, you get a draft to read first.")),
    )


def _your_15_days(facts: Facts) -> Step:
    title = TITLES[Key.YOUR_15_DAYS]
    if facts.draft_served_on is None:
        if _no_plan(facts) or facts.stage == _WITHDRAWN:
            return Step(Key.YOUR_15_DAYS, title, State.NOT_NEEDED)
        return Step(
            Key.YOUR_15_DAYS,
            title,
            State.LATER,
            next=Line(
                gettext_noop(
                    "When you get the draft, you have 15 days to comment and to say which school or setting you want."
                )
            ),
        )
    row = _deadline(facts, statutory.DeadlineCode.DRAFT_RESPONSE)
    last_day = row.due_on if row else statutory.draft_comments_close_on(facts.draft_served_on)
    if facts.family_responded_on is not None:
        return Step(
            Key.YOUR_15_DAYS,
            title,
            State.DONE,
            happened=(
                Line(
                    gettext_noop("You sent your comments on %(date)s."), {"date": facts.family_responded_on}
                ),
            ),
        )
    if facts.today > last_day:
        return Step(
            Key.YOUR_15_DAYS,
            title,
            State.DONE,
            happened=(Line(gettext_noop("Your 15 days ended on %(date)s."), {"date": last_day}),),
        )
    return Step(
        Key.YOUR_15_DAYS,
        title,
        State.NOW,
        next=Line(
            gettext_noop(
                "Read the draft. Tell the council what you think, and which school or setting you want. You can "
                "ask for a meeting."
            )
        ),
        due_on=last_day,
        who=Line(gettext_noop("You")),
    )


def _final_plan(facts: Facts) -> Step:
    title = TITLES[Key.FINAL_PLAN]
    code = statutory.DeadlineCode.FINAL_PLAN
    if facts.final_issued_on is None and (_no_plan(facts) or facts.stage == _WITHDRAWN):
        return Step(Key.FINAL_PLAN, title, State.NOT_NEEDED)
    done = (
        (
            Line(
                gettext_noop("The council issued the final plan on %(date)s."),
                {"date": facts.final_issued_on},
            ),
        )
        if facts.final_issued_on is not None
        else ()
    )
    waiting = Line(
        gettext_noop(
            "The council issues the final plan, naming the school or setting. You can appeal against it."
        )
    )
    state, lines, next_line, due_on, late, exception = _duty(facts, code, done_lines=done, waiting=waiting)
    if state == State.NOW and facts.draft_served_on is None:
        # The 20 weeks run from the request, but nothing can be issued before the draft: it is the date to
        # expect, not something happening now.
        state = State.LATER
    return Step(
        Key.FINAL_PLAN,
        title,
        state,
        happened=lines,
        next=next_line or (waiting if state == State.LATER else None),
        due_on=due_on,
        who=_council(facts) if state in (State.NOW, State.LATE) else None,
        late=late,
        exception=exception,
    )


def _annual_review(facts: Facts) -> Step:
    title = TITLES[Key.ANNUAL_REVIEW]
    if facts.final_issued_on is None:
        if _no_plan(facts) or facts.stage == _WITHDRAWN:
            return Step(Key.ANNUAL_REVIEW, title, State.NOT_NEEDED)
        return Step(
            Key.ANNUAL_REVIEW,
            title,
            State.LATER,
            next=Line(
                gettext_noop("Once there is a plan, it is reviewed with you at least every 12 months.")
            ),
        )
    if facts.stage not in _PLAN_STAGES or facts.closed_on is not None:
        return Step(Key.ANNUAL_REVIEW, title, State.NOT_NEEDED)
    happened: list[Line] = []
    if facts.last_review_meeting_on is not None:
        happened.append(
            Line(
                gettext_noop("The last review meeting was on %(date)s."),
                {"date": facts.last_review_meeting_on},
            )
        )
    if facts.review_decided_on is not None:
        happened.append(
            Line(
                gettext_noop("The council decided after the review on %(date)s."),
                {"date": facts.review_decided_on},
            )
        )
    meeting = facts.next_review_meeting_on
    if meeting is not None and meeting >= facts.today:
        decision = _deadline(facts, statutory.DeadlineCode.REVIEW_NOTICE, meeting.isoformat())
        return Step(
            Key.ANNUAL_REVIEW,
            title,
            State.NOW,
            happened=tuple(happened),
            next=Line(
                gettext_noop(
                    "The review meeting is on %(date)s. You get the advice for it 2 weeks before. Your views count."
                ),
                {"date": meeting},
            ),
            due_on=decision.due_on if decision else meeting,
            who=_council(facts),
        )
    if meeting is not None:
        happened.append(Line(gettext_noop("The review meeting was on %(date)s."), {"date": meeting}))
        decision = _deadline(facts, statutory.DeadlineCode.REVIEW_DECISION, meeting.isoformat())
        if decision is not None and decision.met_on is None:
            waiting = Line(
                gettext_noop("The council decides whether to keep, change or end the plan, and tells you.")
            )
            late = facts.today > decision.due_on
            return Step(
                Key.ANNUAL_REVIEW,
                title,
                State.LATE if late else State.NOW,
                happened=tuple(happened),
                next=waiting,
                due_on=decision.due_on,
                who=_council(facts),
                late=_late_line(facts, decision.due_on) if late else None,
            )
    row = _deadline(facts, statutory.DeadlineCode.ANNUAL_REVIEW)
    base = max(d for d in (facts.final_issued_on, facts.last_review_meeting_on) if d is not None)
    due_on = row.due_on if row else statutory.months_beginning_with(base, 12)
    late = facts.today > due_on
    return Step(
        Key.ANNUAL_REVIEW,
        title,
        State.LATE if late else State.LATER,
        happened=tuple(happened),
        next=Line(gettext_noop("The plan must be reviewed with you, at a meeting, by the date shown.")),
        due_on=due_on,
        who=_council(facts),
        late=_late_line(facts, due_on) if late else None,
    )


def build(facts: Facts) -> Tracker:
    """Every step of the journey for one case, in order."""
    return Tracker(
        steps=(
            _request(facts),
            _assessment_decision(facts),
            _advice(facts),
            _panel(facts),
            _draft(facts),
            _your_15_days(facts),
            _final_plan(facts),
            _annual_review(facts),
        )
    )


# --- decisions and the right to appeal ---------------------------------------------------------------------

# Appeals to the SEND Tribunal: within 2 months of the date of the decision letter (or 1 month from a mediation
# certificate, if that is later). Before appealing, the family must contact a mediation adviser, except about the
# school or setting named alone.
APPEAL_MONTHS = 2
MEDIATION_CERTIFICATE_MONTHS = 1


@dataclass(frozen=True)
class Decision:
    key: str  # the workflow step that made it: "agree_to_assess", "refuse_assessment", ...
    title: str
    decided_on: date
    outcome: Line
    appealable: bool
    appeal_by: date | None = None
    rights: tuple[Line, ...] = ()


_RIGHTS = (
    Line(
        gettext_noop(
            "First talk to your coordinator. Many disagreements are sorted out this way. You can also get free, "
            "impartial advice from your local SENDIASS."
        )
    ),
    Line(
        gettext_noop(
            "Mediation: a free meeting with an independent mediator. Before you can appeal, you must contact a "
            "mediation adviser. They give you a certificate, whether or not you choose mediation."
        )
    ),
    Line(
        gettext_noop(
            "Appeal: you can appeal to the SEND Tribunal, which is independent of the council. Appeal by the date "
            "shown, or within 1 month of your mediation certificate if that is later."
        )
    ),
)


def appeal_by(decided_on: date) -> date:
    """The last day to appeal: 2 months from the decision letter (the decision's date here)."""
    return statutory.add_months(decided_on, APPEAL_MONTHS)


def decisions(facts: Facts) -> tuple[Decision, ...]:
    """Each decision made on the case, newest first, with the right to appeal where the law gives one."""
    out: list[Decision] = []
    if facts.assessment_decided_on is not None and facts.assessment_agreed is not None:
        if facts.assessment_agreed:
            out.append(
                Decision(
                    "agree_to_assess",
                    gettext_noop("Decision to assess"),
                    facts.assessment_decided_on,
                    Line(gettext_noop("The council agreed to carry out an assessment.")),
                    appealable=False,
                )
            )
        else:
            out.append(
                Decision(
                    "refuse_assessment",
                    gettext_noop("Decision not to assess"),
                    facts.assessment_decided_on,
                    Line(gettext_noop("The council decided not to carry out an assessment.")),
                    appealable=True,
                    appeal_by=appeal_by(facts.assessment_decided_on),
                    rights=_RIGHTS,
                )
            )
    if facts.issue_decided_on is not None and facts.plan_to_be_issued is not None:
        if facts.plan_to_be_issued:
            out.append(
                Decision(
                    "agree_to_issue",
                    gettext_noop("Decision to make a plan"),
                    facts.issue_decided_on,
                    Line(gettext_noop("The council decided to make an EHC plan. A draft comes first.")),
                    appealable=False,
                )
            )
        else:
            out.append(
                Decision(
                    "refuse_plan",
                    gettext_noop("Decision not to make a plan"),
                    facts.issue_decided_on,
                    Line(gettext_noop("The council decided not to make an EHC plan.")),
                    appealable=True,
                    appeal_by=appeal_by(facts.issue_decided_on),
                    rights=_RIGHTS,
                )
            )
    if facts.final_issued_on is not None:
        out.append(
            Decision(
                "issue_final_plan",
                gettext_noop("Final plan"),
                facts.final_issued_on,
                Line(
                    gettext_noop(
                        "The council issued the final plan. You can appeal against the needs it describes, the "
                        "help it sets out, and the school or setting it names."
                    )
                ),
                appealable=True,
                appeal_by=appeal_by(facts.final_issued_on),
                rights=_RIGHTS,
            )
        )
    return tuple(sorted(out, key=lambda d: d.decided_on, reverse=True))
