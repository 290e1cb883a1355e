"""The workflow and the statutory clock: transitions, deadlines, exceptions, incomplete requests."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases import decisions, letters, notices, policy, selectors, statutory, workflow
from cases.models import (
    AdviceClock,
    Case,
    Deadline,
    DeadlineException,
    TimelineEvent,
)
from cases.services._common import _lock, _save_with_history, _timeline
from core.errors import ServiceError
from core.queue import enqueue_on_commit


def recompute_deadlines(*, case: Case, by: User | None, today: date | None = None) -> list[Deadline]:
    """Bring the case's deadline rows in line with its dates: create, move, meet, cancel; never delete.

    The rows follow the dates on `case` as given, so the caller passes the case it has locked (`_lock`) in its
    own transaction: computed from a copy read before someone else's change, they would undo that change.
    """
    with transaction.atomic(savepoint=False):
        return _recompute_deadlines(case=case, by=by, today=today or selectors.today())


def _recompute_deadlines(*, case: Case, by: User | None, today: date) -> list[Deadline]:
    computed = statutory.compute_deadlines(case.statutory_dates())
    exceptions = [e.as_recorded() for e in case.exceptions.filter(withdrawn_at__isnull=True)]
    existing = {(d.code, d.ref): d for d in case.deadlines.all()}
    seen = set()
    for spec in computed:
        key = (spec.code.value, spec.ref)
        seen.add(key)
        status = statutory.deadline_status(spec, today=today, exceptions=exceptions).value
        met_on = spec.met_on
        if (
            spec.kind == statutory.DeadlineKind.WINDOW
            and met_on is None
            and status == statutory.DeadlineStatus.MET
        ):
            met_on = spec.due_on
        values = {
            "kind": spec.kind.value,
            "starts_on": spec.starts_on,
            "due_on": spec.due_on,
            "met_on": met_on,
            "status": status,
        }
        row = existing.get(key)
        if row is None:
            row = Deadline(case=case, code=key[0], ref=key[1], **values)
            _save_with_history(row, by=by)
            existing[key] = row
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            _save_with_history(row, by=by)
    # A deadline that no longer arises is never deleted. One already met keeps its record; a review cycle that has
    # been held is met by its meeting; anything else the law no longer asks for is cancelled.
    for key, row in existing.items():
        if key in seen or row.met_on is not None or row.status == statutory.DeadlineStatus.CANCELLED:
            continue
        held = case.last_review_meeting_on
        if row.code == statutory.DeadlineCode.ANNUAL_REVIEW and held and held >= row.starts_on:
            row.met_on = held
            row.status = (
                statutory.DeadlineStatus.MET if held <= row.due_on else statutory.DeadlineStatus.MISSED
            ).value
        else:
            row.status = statutory.DeadlineStatus.CANCELLED
        _save_with_history(row, by=by)
    _update_next_due(case=case, rows=existing.values())
    return sorted(existing.values(), key=lambda d: (d.due_on, d.code))


def _update_next_due(*, case: Case, rows) -> None:
    # Excused deadlines still have to be met: an exception explains the delay, it does not end the duty.
    pending = [d for d in rows if d.met_on is None and d.status != statutory.DeadlineStatus.CANCELLED]
    nearest = min(pending, key=lambda d: (d.due_on, d.code), default=None)
    due = nearest.due_on if nearest else None
    code = nearest.code if nearest else ""
    if (case.next_due_on, case.next_deadline_code) != (due, code):
        case.next_due_on, case.next_deadline_code = due, code
        # Written through the caller's locked row, and only these two columns, so it can never put back a stage
        # or a date someone else has just changed. They are a sort key derived from the deadline rows, which keep
        # their own history with who changed them, so they add no history row of the case's own.
        case.save_without_historical_record(update_fields=["next_due_on", "next_deadline_code"])


def refresh_deadline_statuses(*, today: date | None = None) -> int:
    """Mark open deadlines whose day has passed; run by beat. Returns how many cases changed.

    Only cases with a deadline that just went past due (or a window that just closed) are recomputed, so the
    sweep reads a handful of rows a day, not every case.

    Each case is locked and read again in a short transaction of its own, the same lock a transition takes: a
    coordinator's transition that is under way finishes first and the sweep then works from its dates, so the
    sweep can never put back deadlines or a stage from before it; and one case never holds up the others.
    """
    today = today or selectors.today()
    case_ids = set(
        Deadline.objects.filter(status=statutory.DeadlineStatus.OPEN, due_on__lt=today).values_list(
            "case_id", flat=True
        )
    )
    # An ongoing absence can reach its 4 weeks after the deadline it covers was missed: look again each day.
    case_ids |= set(
        DeadlineException.objects.filter(
            ends_on__isnull=True,
            withdrawn_at__isnull=True,
            case__deadlines__status=statutory.DeadlineStatus.MISSED,
        ).values_list("case_id", flat=True)
    )
    for case_id in case_ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("child").filter(pk=case_id).first()
            if case is not None:
                _recompute_deadlines(case=case, by=None, today=today)
    return len(case_ids)


def apply_transition(case: Case, step: workflow.Transition, *, on: date, reason: str = "") -> None:
    """What a step the workflow allowed does to the case's own fields (not saved here).

    One definition, used by `case_transition` and by the scale seed's fast path, so a seeded case is exactly what
    the service would have made.
    """
    if step.sets_date:
        setattr(case, step.sets_date, on)
    for flag, value in step.sets_flags:
        setattr(case, flag, value)
    if step.target is not None:
        case.stage = step.target.value
        if step.target in workflow.CLOSED_STAGES:
            case.closed_on = on
            case.closure_reason = reason
    if step.name == "start_annual_review":
        # A new cycle: the last cycle's steps stay on its deadline rows, not on the case.
        case.review_notice_sent_on = case.review_advice_circulated_on = None
        case.review_report_on = case.review_decided_on = None
    if step.name == "complete_annual_review":
        case.last_review_meeting_on = case.next_review_meeting_on or on


def case_transition(
    *,
    case: Case,
    name: str,
    by: User,
    on: date | None = None,
    reason: str = "",
    expected_version: int | None = None,
    decided_by: str = "",
    announce: bool = True,
) -> Case:
    """Move a case through an allowed step, stamping its date, recording who and why, recomputing deadlines.

    `announce=False` is for a feature that tells the family itself, in the same transaction, with the statutory
    notice the step calls for (the draft plan served, the final plan issued): the family gets that one message,
    not a second, generic one about the stage.

    `decided_by` names a registered decision maker (`cases.decisions`) whose service takes the step for the
    council, having asked the access policy itself: the panel's chair records a decision about a case whose team
    they are not on, in a role the workflow does not name.
    """
    maker = decisions.get(decided_by) if decided_by else None
    if maker is None:
        # Someone who cannot see the case learns nothing more; someone who can is told by the workflow which step
        # they may not take and who decides it (its roles sit inside the policy's "transition" roles: a test checks).
        policy.require(by, "view_case", case)
        elsewhere = decisions.decided_elsewhere(case=case, names=[name]).get(name)
        if elsewhere is not None:
            raise ServiceError(f"{elsewhere.name} makes this decision for this council.")
    elif name not in maker.may_take:
        raise ServiceError(f"{maker.name} does not take the step '{name}'.")
    today = selectors.today()
    on = on or today
    with transaction.atomic():
        case = _lock(case, expected_version=expected_version)
        step = workflow.TRANSITIONS.get(name)
        # The maker's service has checked who may record it; the workflow still checks when and from where.
        role = min(step.roles) if maker is not None and step is not None else by.role
        try:
            transition = workflow.check(
                name, facts=selectors.case_facts(case), role=role, on=on, today=today, reason=reason
            )
        except workflow.TransitionRefused as refused:
            raise ServiceError(str(refused), field=refused.field) from None
        before = case.stage
        apply_transition(case, transition, on=on, reason=reason)
        case.version += 1
        _save_with_history(case, by=by, reason=transition.label)
        summary = transition.label
        if transition.target is not None and transition.target.value != before:
            summary = (
                f"{transition.label}: {workflow.STAGE_LABELS[workflow.Stage(before)]} → "
                + (workflow.STAGE_LABELS[transition.target])
            )
        event = _timeline(
            case=case,
            kind=TimelineEvent.Kind.TRANSITION,
            summary=f"{summary} ({on:%-d %B %Y})",
            detail=reason,
            by=by,
        )
        recompute_deadlines(case=case, by=by, today=today)
        if announce:
            notices.transition_happened(case=case, transition=transition, event=event, reason=reason, by=by)
        stage = workflow.Stage(case.stage)
        outcome_letter = maker is not None and stage != before and stage in letters.OUTCOME_LETTERS
        if stage in letters.DECISION_LETTERS or outcome_letter:
            enqueue_on_commit("cases.tasks.file_decision_letter", case.pk, event.pk)
    return case


def record_exception(
    *,
    case: Case,
    kind: str,
    starts_on: date,
    ends_on: date | None,
    reason: str,
    by: User,
    codes: list[str] | None = None,
    ref: str = "",
) -> DeadlineException:
    """Record a lawful exception; with no `ends_on` it is ongoing, and `end_exception` closes it later."""
    policy.require(by, "record_exception", case)
    if not reason.strip():
        raise ServiceError("Enter why the exception applies", field="reason")
    recorded = statutory.RecordedException(
        kind=statutory.ExceptionKind(kind),
        starts_on=starts_on,
        ends_on=ends_on,
        codes=frozenset(codes) if codes else None,
        ref=ref,
    )
    try:
        statutory.validate_exception(recorded)
    except statutory.StatutoryError as error:
        raise ServiceError(
            str(error), field="ends_on" if ends_on is not None and ends_on < starts_on else "kind"
        ) from None
    with transaction.atomic():
        case = _lock(case, expected_version=None)
        exception = DeadlineException(
            case=case,
            kind=kind,
            codes=list(codes or []),
            ref=ref,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            recorded_by=by,
        )
        _save_with_history(exception, by=by)
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.EXCEPTION,
            summary=f"Exception recorded: {exception.get_kind_display()} ({_period(starts_on, ends_on)})",
            detail=reason,
            by=by,
            family=False,
        )
        recompute_deadlines(case=case, by=by)
    return exception


def _period(starts_on: date, ends_on: date | None) -> str:
    if ends_on is None:
        return f"from {starts_on:%-d %b %Y}, ongoing"
    return f"{starts_on:%-d %b %Y} to {ends_on:%-d %b %Y}"


def end_exception(*, exception: DeadlineException, ends_on: date, by: User) -> DeadlineException:
    """Close an ongoing exception on the day it ended; the deadlines it covered are worked out again."""
    case = exception.case
    policy.require(by, "record_exception", case)
    if ends_on < exception.starts_on:
        raise ServiceError(
            f"The end date must be the same as or after the start date, {exception.starts_on:%-d %B %Y}",
            field="ends_on",
        )
    if ends_on > selectors.today():
        raise ServiceError("The end date must be today or in the past", field="ends_on")
    with transaction.atomic():
        case = _lock(case, expected_version=None)
        exception = DeadlineException.objects.select_for_update().get(pk=exception.pk)
        if exception.withdrawn_at is not None:
            raise ServiceError("This exception was withdrawn, so it cannot be ended")
        if exception.ends_on is not None:
            raise ServiceError(f"This exception already ended on {exception.ends_on:%-d %B %Y}")
        exception.ends_on = ends_on
        _save_with_history(exception, by=by, reason="Exception ended")
        summary = f"Exception ended: {exception.get_kind_display()} ({_period(exception.starts_on, ends_on)})"
        try:
            statutory.validate_exception(exception.as_recorded())
        except statutory.StatutoryError as error:
            # What happened is recorded as it happened; the law then decides it excuses nothing.
            summary += f". {error} It does not excuse any time limit"
        _timeline(case=case, kind=TimelineEvent.Kind.EXCEPTION, summary=summary, by=by, family=False)
        recompute_deadlines(case=case, by=by)
    return exception


def mark_request_incomplete(*, case: Case, reason: str, by: User) -> Case:
    """Ask the family for what is missing. Nothing is lost and the clock keeps running: the request was received."""
    policy.require(by, "mark_incomplete", case)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter what is missing from the request", field="reason")
    with transaction.atomic():
        case = _lock(case, expected_version=None)
        if case.closed_on is not None:
            raise ServiceError("This case is closed")
        case.incomplete_reason = reason
        case.incomplete_since = timezone.now()
        case.version += 1
        _save_with_history(case, by=by, reason="Request marked incomplete")
        event = _timeline(
            case=case,
            kind=TimelineEvent.Kind.NOTE,
            summary="Request marked as incomplete: the family has been asked for what is missing",
            detail=reason,
            by=by,
        )
        notices.request_incomplete(case=case, reason=reason, event=event, by=by)
    return case


def mark_request_complete(*, case: Case, by: User) -> Case:
    """What was missing has arrived (or was not needed after all): the request is complete again."""
    policy.require(by, "mark_incomplete", case)
    with transaction.atomic():
        case = _lock(case, expected_version=None)
        if not case.incomplete_since:
            return case
        case.incomplete_reason = ""
        case.incomplete_since = None
        case.version += 1
        _save_with_history(case, by=by, reason="Request marked complete")
        _timeline(
            case=case,
            kind=TimelineEvent.Kind.NOTE,
            summary="Request marked as complete: nothing is missing now",
            by=by,
        )
    return case


def record_advice_clock(
    *,
    case: Case,
    ref: str,
    label: str,
    requested_on: date,
    by: User | None,
    received_on: date | None = None,
    cancelled: bool = False,
    adviser: User | None = None,
    adviser_manager: User | None = None,
    link: str = "",
) -> Deadline:
    """Start, move on, meet or cancel the time limit of one request for advice; returns its deadline row.

    Called by the advice app with the whole state of the request each time it changes (sent, allocated, passed
    on, submitted, withdrawn), inside its own transaction: the case is locked, the clock and the deadline rows
    change together, and `requested_on` never moves once set (reg 8(1) runs from the first receipt).
    """
    with transaction.atomic():
        case = _lock(case, expected_version=None)
        clock = AdviceClock.objects.select_for_update().filter(case=case, ref=ref).first()
        if clock is None:
            clock = AdviceClock(case=case, ref=ref, requested_on=requested_on)
        values = {
            "label": label[:200],
            "received_on": received_on,
            "cancelled": cancelled,
            "adviser": adviser,
            "adviser_manager": adviser_manager,
            "link": link,
        }
        if clock.pk is None or any(getattr(clock, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(clock, name, value)
            _save_with_history(clock, by=by)
        rows = recompute_deadlines(case=case, by=by)
    return next(row for row in rows if row.code == statutory.DeadlineCode.ADVICE and row.ref == ref)
