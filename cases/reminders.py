"""Reminders before and after statutory deadlines, and the staff's daily digest.

Rules (`ReminderRule`) say, for a deadline code, when (days from the due date), whom and with which message.
The sweep runs every few minutes (beat) and is set-based: one `INSERT ... SELECT ... ON CONFLICT DO NOTHING`
joins the open deadlines to the rules and records each reminder now due as a `ReminderSent` row; the unique
key (deadline, rule, occurrence) makes a second sweep, a second beat or two workers at once a no-op. Only the
rows this run inserted are read back, with everything the messages need in a fixed number of queries, and the
messages go to the outbox in the same transaction, with idempotency keys built from the same key.

What fires, on the day ``today``:

* a rule fires for a deadline when ``due_on + offset_days`` (the *occurrence*) falls between
  ``today - CATCH_UP_DAYS`` and ``today``. The catch-up means a sweep that did not run (beat down over a
  weekend, a deploy) still sends within 3 days; after that a reminder is stale and is dropped. A late reminder
  still states the due date and how far off it is ("in 5 days"), counted from the day it is sent. So the first
  sweep after an outage (or after installing) may send two reminders for one deadline, such as a late "due
  today" and the "day after" escalation; each says truthfully when the deadline was due;
* the deadline's case is open, the deadline is not met, cancelled or excused. Before and on the due date the
  deadline must be open (or already marked missed, when catching up); after it, a duty must have been marked
  *missed* by `refresh_deadline_statuses`, so an exception that excuses the breach stops the reminder without the
  sweep having to judge exceptions itself. A recorded exception does not stop the reminders before the due date:
  the duty remains;
* the family's windows (draft plan, proposed amendments) are never missed: a rule *after* a window fires once the
  window has run its course (not when the family replied early, because the coordinator has recorded the reply
  and may already go ahead);
* statutory limits count calendar days: weekends and bank holidays move nothing, reminders go out on them too.

Who gets it (`ReminderAudience`): the responsible person is the coordinator (the council's service managers when
the case has none, so an unallocated case is not forgotten); managers are the council's active service
managers; the family are the active family and young-person members of the case team plus the family contacts
without an account who have parental responsibility (or are the young person) and an email address. A rule
with ``escalate`` also tells the service managers, naming the coordinator.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import COUNCIL_ROLES, Role, User
from cases import notices, selectors, statutory
from cases.models import (
    AdviceClock,
    Case,
    Deadline,
    FamilyContact,
    ReminderAudience,
    ReminderRule,
    ReminderSent,
    ReminderTemplate,
    TeamRole,
)
from notifications import services as notifications
from notifications.models import Channel
from notifications.templates_registry import MessageTemplate, register

CATCH_UP_DAYS = 3
DIGEST_TEMPLATE = "digest.daily"
DIGEST_DAYS = 7
DIGEST_MAX_ITEMS = 30

Code = statutory.DeadlineCode
Audience = ReminderAudience
Template = ReminderTemplate
_RESPONSIBLE = Audience.RESPONSIBLE.value
_FAMILY = Audience.FAMILY.value


@dataclass(frozen=True)
class DefaultRule:
    code: str
    offset_days: int
    audience: str
    template: str
    escalate: bool = False


def _staff_rules(code: Code, *before: int, on_the_day: bool = True, overdue: int | None = None):
    rules = [DefaultRule(code, -days, _RESPONSIBLE, Template.DUE_SOON) for days in before]
    if on_the_day:
        rules.append(DefaultRule(code, 0, _RESPONSIBLE, Template.DUE_TODAY))
    if overdue is not None:
        rules.append(DefaultRule(code, overdue, _RESPONSIBLE, Template.OVERDUE, escalate=True))
    return rules


# The person asked for advice hears before it is due, on the day and the day after; ten days late, their
# service's manager is told (the coordinator's own reminders above escalate to the council's managers).
ADVISER_RULES: tuple[DefaultRule, ...] = (
    DefaultRule(Code.ADVICE, -7, Audience.ADVISER.value, Template.DUE_SOON),
    DefaultRule(Code.ADVICE, 0, Audience.ADVISER.value, Template.DUE_TODAY),
    DefaultRule(Code.ADVICE, 1, Audience.ADVISER.value, Template.OVERDUE),
    DefaultRule(Code.ADVICE, 10, Audience.ADVISER.value, Template.OVERDUE, escalate=True),
)

# Every statutory deadline in DOMAIN.md. The 0003 data migration installs the same list (a frozen copy, as
# migrations must be); `install_default_rules` restores it on a database whose rows were flushed.
DEFAULT_RULES: tuple[DefaultRule, ...] = (
    *_staff_rules(Code.ASSESSMENT_DECISION, 7),
    *_staff_rules(Code.ADVICE, 7, overdue=3),
    *ADVISER_RULES,
    *_staff_rules(Code.ISSUE_DECISION, 7, on_the_day=False),
    DefaultRule(Code.DRAFT_RESPONSE, -3, _FAMILY, Template.FAMILY_DRAFT_WINDOW),
    DefaultRule(Code.DRAFT_RESPONSE, 1, _RESPONSIBLE, Template.WINDOW_CLOSED),
    *_staff_rules(Code.FINAL_PLAN, 14, 7, overdue=1),
    *_staff_rules(Code.ANNUAL_REVIEW, 28, 7, on_the_day=False),
    *_staff_rules(Code.REVIEW_NOTICE, 7),
    *_staff_rules(Code.REVIEW_ADVICE, 7),
    *_staff_rules(Code.REVIEW_REPORT, 7),
    *_staff_rules(Code.REVIEW_DECISION, 7),
    DefaultRule(Code.AMENDMENT_RESPONSE, -3, _FAMILY, Template.FAMILY_AMENDMENT_WINDOW),
    DefaultRule(Code.AMENDMENT_RESPONSE, 1, _RESPONSIBLE, Template.WINDOW_CLOSED),
    *_staff_rules(Code.AMENDED_PLAN, 14, 7),
    *_staff_rules(Code.PHASE_TRANSFER, 60, 14, on_the_day=False),
    *_staff_rules(Code.REASSESSMENT_DECISION, 7),
    *_staff_rules(Code.REASSESSMENT_PLAN, 14, 7),
)

ADVISER_ACTION = (
    "Send your advice through the online form by this date. If something stops you (the child missed an "
    "appointment, you are not the right service), say so in the form now so the coordinator can act."
)

# What a member of staff should do about each time limit: the "what to do" line of the staff reminders.
ACTIONS: dict[Code, str] = {
    Code.ASSESSMENT_DECISION: "Decide whether to carry out an EHC needs assessment and tell the family. If the "
    "answer is no, the letter must give their right to appeal.",
    Code.ADVICE: "Check whether the advice has arrived. If not, contact the person it was asked of and record "
    "any exception that applies (such as a missed appointment).",
    Code.ISSUE_DECISION: "Decide whether to issue an EHC plan. If no plan will be issued, the family must be told "
    "by this date, with their right to appeal.",
    Code.DRAFT_RESPONSE: "Check whether the family have sent their comments on the draft plan and named a school.",
    Code.FINAL_PLAN: "Issue the final EHC plan.",
    Code.ANNUAL_REVIEW: "Hold the annual review meeting. Invitations go out at least 2 weeks before it, with the "
    "advice.",
    Code.REVIEW_NOTICE: "Send notice of the review meeting to everyone who must be invited.",
    Code.REVIEW_ADVICE: "Send the advice and information for the review meeting to everyone invited.",
    Code.REVIEW_REPORT: "Send the report of the review meeting to everyone invited.",
    Code.REVIEW_DECISION: "Decide whether to keep, amend or cease the plan, and tell the family with their right to "
    "appeal.",
    Code.AMENDMENT_RESPONSE: "Check whether the family have sent their comments on the proposed changes.",
    Code.AMENDED_PLAN: "Issue the amended EHC plan.",
    Code.PHASE_TRANSFER: "Review the plan and amend it to name the school or college for the move.",
    Code.REASSESSMENT_DECISION: "Decide whether to carry out a re-assessment and tell the family.",
    Code.REASSESSMENT_PLAN: "Issue the EHC plan after the re-assessment.",
}


def install_default_rules() -> int:
    """Create any missing default rule (never changes one a person edited). Returns how many were created."""
    created = 0
    for rule in DEFAULT_RULES:
        _, made = ReminderRule.objects.get_or_create(
            council=None,
            deadline_code=rule.code,
            offset_days=rule.offset_days,
            audience=rule.audience,
            defaults={"template": rule.template, "escalate": rule.escalate, "is_active": True},
        )
        created += made
    return created


# --- message templates ------------------------------------------------------------------------------------

_STAFF_EXAMPLE = {
    "reference": "EHC-2026-00042",
    "child_first_name": "Amara",
    "code": "final_plan",
    "label": "Issue the final plan",
    "due_on": "Monday 1 June 2026",
    "when": "in 7 days",
    "action": ACTIONS[Code.FINAL_PLAN],
    "coordinator_name": "Laura Coordinator",
    "escalated": False,
}
_FAMILY_EXAMPLE = {
    "reference": "EHC-2026-00042",
    "child_first_name": "Amara",
    "code": "draft_response",
    "due_on": "Friday 29 May 2026",
    "when": "in 3 days",
}


def register_templates() -> None:
    """Called from CasesConfig.ready(): the reminder and digest messages staff can preview."""
    descriptions = {
        Template.DUE_SOON: (
            "To staff when a statutory time limit is coming up",
            {**_STAFF_EXAMPLE, "when": "in 7 days"},
        ),
        Template.DUE_TODAY: ("To staff on the day a time limit is due", {**_STAFF_EXAMPLE, "when": "today"}),
        Template.OVERDUE: (
            "To staff when a time limit has passed without being met",
            {**_STAFF_EXAMPLE, "when": "1 day ago", "escalated": True},
        ),
        Template.ESCALATION: (
            "To the council's service managers when a time limit has passed without being met",
            {**_STAFF_EXAMPLE, "when": "1 day ago"},
        ),
        Template.WINDOW_CLOSED: (
            "To the coordinator the day after the family's time to comment ended",
            {**_STAFF_EXAMPLE, "code": "draft_response", "label": "Family's comments on the draft plan"},
        ),
        Template.FAMILY_DRAFT_WINDOW: (
            "To the family 3 days before their time to comment on the draft plan ends",
            _FAMILY_EXAMPLE,
        ),
        Template.FAMILY_AMENDMENT_WINDOW: (
            "To the family 3 days before their time to comment on proposed changes to the plan ends",
            {**_FAMILY_EXAMPLE, "code": "amendment_response"},
        ),
    }
    for template, (description, example) in descriptions.items():
        register(MessageTemplate(template.value, description, example=example, title=str(template.label)))
    register(
        MessageTemplate(
            DIGEST_TEMPLATE,
            "To staff who asked for it: each morning, what is due in the next 7 days across their caseload",
            example={
                "scope": "your cases",
                "until": "Monday 8 June 2026",
                "due_count": 2,
                "overdue_count": 1,
                "more": 0,
                "preferences_link": "http://127.0.0.1:8000/accounts/contact/",
                "items": [
                    {
                        "due_on": "Tue 2 Jun",
                        "reference": "EHC-2026-00042",
                        "child_first_name": "Amara",
                        "label": "Issue the final plan",
                    },
                    {
                        "due_on": "Fri 5 Jun",
                        "reference": "EHC-2026-00057",
                        "child_first_name": "Daniel",
                        "label": "Advice due back",
                    },
                ],
            },
        )
    )


# --- the sweep ----------------------------------------------------------------------------------------------


def sweep_reminders(*, today: date | None = None) -> int:
    """Write every reminder due now (or missed in the last CATCH_UP_DAYS) to the outbox. Returns how many fired.

    The query count does not depend on how many reminders fire: one insert-select, then (only if it inserted
    anything) one read of what it inserted, one of the staff and two of the families it may go to, and one
    insert of the messages; with the savepoint pair, 8 queries, or 3 when nothing is due.
    """
    today = today or selectors.today()
    run = uuid.uuid4()
    with transaction.atomic():
        if not _record_due_reminders(today=today, run=run):
            return 0
        # Plain rows, not six model instances per reminder: on a busy day there are thousands.
        sent = list(
            ReminderSent.objects.filter(run=run)
            .values_list(
                "occurrence",
                "rule_id",
                "rule__template",
                "rule__audience",
                "rule__escalate",
                "deadline_id",
                "deadline__code",
                "deadline__ref",
                "deadline__due_on",
                "deadline__case_id",
                "deadline__case__reference",
                "deadline__case__council_id",
                "deadline__case__coordinator_id",
                "deadline__case__child_id",
                "deadline__case__child__legal_first_name",
                "deadline__case__child__preferred_name",
                named=True,
            )
            .order_by("id")
        )
        people = _People.load(run=run)
        case_url = _case_url_builder()
        outgoing = [message for row in sent for message in _messages_for(row, people, today, case_url)]
        notifications.notify_many(outgoing)
    return len(sent)


def _record_due_reminders(*, today: date, run: uuid.UUID) -> int:
    """The one set-based query: insert a ReminderSent row for every (deadline, rule, occurrence) now due."""
    vendor = connection.vendor
    if vendor == "postgresql":
        day = "%s::date"

        def plus(day_sql: str, days_sql: str) -> str:
            return f"({day_sql} + {days_sql})"

    elif vendor == "sqlite":
        day = "%s"

        def plus(day_sql: str, days_sql: str) -> str:
            return f"date({day_sql}, ({days_sql}) || ' days')"

    else:  # pragma: no cover - the project runs on PostgreSQL, and SQLite in development and tests
        raise NotImplementedError(f"The reminder sweep has no SQL for {vendor}")

    q = connection.ops.quote_name
    sent_table = q(ReminderSent._meta.db_table)
    rule_table = q(ReminderRule._meta.db_table)
    deadline_table = q(Deadline._meta.db_table)
    case_table = q(Case._meta.db_table)
    status = statutory.DeadlineStatus
    sql = f"""
        INSERT INTO {sent_table} (deadline_id, rule_id, occurrence, run, sent_at)
        SELECT d.id, r.id, {plus("d.due_on", "r.offset_days")}, %s, %s
        FROM {rule_table} r
        JOIN {deadline_table} d ON d.code = r.deadline_code
        JOIN {case_table} c ON c.id = d.case_id
        WHERE r.is_active
          AND d.due_on BETWEEN {plus(day, "-r.offset_days")} AND {plus(day, "-r.offset_days")}
          AND d.status IN (%s, %s, %s)
          AND c.closed_on IS NULL
          AND (
            r.council_id = c.council_id
            OR (
              r.council_id IS NULL
              AND NOT EXISTS (
                SELECT 1 FROM {rule_table} o
                WHERE o.council_id = c.council_id AND o.deadline_code = r.deadline_code
                  AND o.offset_days = r.offset_days AND o.audience = r.audience
              )
            )
          )
          AND (
            (d.met_on IS NULL AND (r.offset_days <= 0 OR d.status = %s OR d.kind = %s))
            OR (r.offset_days > 0 AND d.kind = %s AND d.met_on >= d.due_on)
          )
        ON CONFLICT (deadline_id, rule_id, occurrence) DO NOTHING
    """  # noqa: S608 - only quoted table names and fixed SQL are formatted in; every value is a parameter
    ops = connection.ops
    params = [
        ReminderSent._meta.get_field("run").get_db_prep_value(run, connection),
        ops.adapt_datetimefield_value(timezone.now()),
        ops.adapt_datefield_value(today - timedelta(days=CATCH_UP_DAYS)),
        ops.adapt_datefield_value(today),
        status.OPEN.value,
        status.MISSED.value,
        status.MET.value,
        status.MISSED.value,
        statutory.DeadlineKind.WINDOW.value,
        statutory.DeadlineKind.WINDOW.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@dataclass
class _People:
    """Everyone the reminders of one run may go to, loaded once for the whole run."""

    # user id -> the cases' coordinators (active or not) and the councils' active service managers
    staff: dict[int, User]
    managers: dict[int, list[User]]  # council id -> active service managers
    family_users: dict[int, list[User]]  # case id -> active family / young person members with accounts
    contacts: dict[int, list[FamilyContact]]  # child id -> family contacts without accounts
    # (case id, deadline ref) -> the clock of a request for advice, with its adviser and their manager
    advisers: dict[tuple[int, str], AdviceClock]

    @classmethod
    def load(cls, *, run: uuid.UUID) -> _People:
        this_run = ReminderSent.objects.filter(run=run)
        staff = {
            user.pk: user
            for user in User.objects.filter(
                Q(pk__in=this_run.values("deadline__case__coordinator_id"))
                | Q(
                    role=Role.SERVICE_MANAGER,
                    is_active=True,
                    organisation_id__in=this_run.values("deadline__case__council_id"),
                )
            )
            .only("full_name", "email", "phone", "preferred_channel", "role", "organisation_id", "is_active")
            .order_by("id")
        }
        managers: dict[int, list[User]] = defaultdict(list)
        for user in staff.values():
            if user.role == Role.SERVICE_MANAGER and user.is_active:
                managers[user.organisation_id].append(user)

        family_users: dict[int, list[User]] = defaultdict(list)
        contacts: dict[int, list[FamilyContact]] = defaultdict(list)
        # Asked every time, even when no family reminder fired, so the sweep's query count is always the same.
        for_family = this_run.filter(rule__audience=_FAMILY)
        # Whoever is on the team now (the reminder goes out now, whatever day it was due).
        members = (
            selectors.active_memberships(on=selectors.today())
            .filter(
                case_id__in=for_family.values("deadline__case_id"),
                role__in=[TeamRole.FAMILY, TeamRole.YOUNG_PERSON],
                user__isnull=False,
                user__is_active=True,
            )
            .select_related("user")
            .order_by("id")
        )
        for member in members:
            if member.user not in family_users[member.case_id]:
                family_users[member.case_id].append(member.user)
        for contact in (
            FamilyContact.objects.filter(
                child_id__in=for_family.values("deadline__case__child_id"),
                is_archived=False,
                user__isnull=True,
            )
            .filter(Q(parental_responsibility=True) | Q(relationship=FamilyContact.Relationship.SELF))
            .only("child_id", "name", "email", "phone", "address", "preferred_channel", "language")
            .order_by("id")
        ):
            contacts[contact.child_id].append(contact)
        # Asked every time too, for the same reason: the advisers of this run's requests for advice.
        advisers = {
            (clock.case_id, clock.ref): clock
            for clock in AdviceClock.objects.filter(
                case_id__in=this_run.filter(deadline__code=Code.ADVICE).values("deadline__case_id")
            )
            .select_related("adviser", "adviser_manager")
            .order_by("id")
        }
        return cls(
            staff=staff, managers=managers, family_users=family_users, contacts=contacts, advisers=advisers
        )


def _messages_for(row, people: _People, today: date, case_url) -> list[notifications.Outgoing]:
    """The messages for one reminder (a row of the sweep's read-back), to whoever its rule's audience is."""
    code = statutory.DeadlineCode(row.deadline__code)
    coordinator = people.staff.get(row.deadline__case__coordinator_id)
    active_coordinator = coordinator if coordinator is not None and coordinator.is_active else None
    managers = people.managers.get(row.deadline__case__council_id, [])
    common = {
        "reference": row.deadline__case__reference,
        "child_first_name": row.deadline__case__child__preferred_name
        or row.deadline__case__child__legal_first_name,
        "code": code.value,
        "due_on": f"{row.deadline__due_on:%A %-d %B %Y}",
        "when": when_phrase(row.deadline__due_on, today=today),
    }
    staff_data = {
        **common,
        "label": statutory.DEADLINE_LABELS[code],
        "action": ACTIONS[code],
        "coordinator_name": coordinator.full_name if coordinator else "no coordinator allocated",
        "escalated": row.rule__escalate,
    }
    key = f"reminder:{row.deadline_id}:{row.rule_id}:{row.occurrence:%Y%m%d}"
    base = {
        "link": case_url(row.deadline__case__reference),
        "subject_ref": f"case:{row.deadline__case_id}",
        "organisation_id": row.deadline__case__council_id,
    }
    template, audience = row.rule__template, row.rule__audience

    out: list[notifications.Outgoing] = []
    staff: list[User] = []
    if audience == Audience.FAMILY:
        users = people.family_users.get(row.deadline__case_id, [])
        for user in users:
            out.append(
                notifications.Outgoing(
                    template, common, f"{key}:user:{user.pk}", recipient=user, language=user.language, **base
                )
            )
        emails = {user.email.lower() for user in users}
        for contact in people.contacts.get(row.deadline__case__child_id, []):
            if contact.email and contact.email.lower() in emails:
                continue
            # As every family message: the way they chose, else the next we hold details for.
            route = notices.contact_route(contact)
            if route is None:
                continue
            out.append(
                notifications.Outgoing(
                    template,
                    common,
                    f"{key}:contact:{contact.pk}",
                    to_address=route.address,
                    to_name=contact.name,
                    channel=route.channel,
                    language=contact.language,
                    **base,
                )
            )
    elif audience == Audience.ADVISER:
        clock = people.advisers.get((row.deadline__case_id, row.deadline__ref))
        adviser, manager = (clock.adviser, clock.adviser_manager) if clock else (None, None)
        adviser = adviser if adviser is not None and adviser.is_active else None
        manager = manager if manager is not None and manager.is_active else None
        staff = [adviser or manager] if (adviser or manager) else []
        # An adviser's overdue request is escalated to their own service's manager, who allocates the work.
        managers = [manager] if manager else []
        staff_data = {
            **staff_data,
            "label": clock.label if clock else staff_data["label"],
            "action": ADVISER_ACTION,
        }
        if clock is not None and clock.link:
            base = {**base, "link": settings.SITE_URL.rstrip("/") + clock.link}
    elif audience == Audience.COORDINATOR:
        staff = [active_coordinator] if active_coordinator else []
    elif audience == Audience.MANAGER:
        staff = managers
    else:  # the responsible person
        staff = [active_coordinator] if active_coordinator else managers
    for user in staff:
        out.append(
            notifications.Outgoing(template, staff_data, f"{key}:user:{user.pk}", recipient=user, **base)
        )
    if row.rule__escalate:
        told = {user.pk for user in staff}
        for manager in managers:
            if manager.pk not in told:
                out.append(
                    notifications.Outgoing(
                        Template.ESCALATION,
                        staff_data,
                        f"{key}:escalation:user:{manager.pk}",
                        recipient=manager,
                        **base,
                    )
                )
    return out


def when_phrase(due_on: date, *, today: date) -> str:
    """How far the due date is from today, in words: "in 7 days", "today", "3 days ago"."""
    days = (due_on - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "1 day ago"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def _case_url_builder():
    """The case link for a reference, reversing the URL once per run rather than once per message."""
    placeholder = "REFERENCE-PLACEHOLDER"
    pattern = settings.SITE_URL.rstrip("/") + reverse("cases:detail", kwargs={"reference": placeholder})
    return lambda reference: pattern.replace(placeholder, reference)


# --- the daily digest ----------------------------------------------------------------------------------------


def send_daily_digests(*, today: date | None = None) -> int:
    """One message per member of staff who asked for it, listing what is due in the next 7 days.

    Coordinators (and any other staff) get the cases they coordinate; service managers get every open case of
    their council. Each also hears how many deadlines are overdue and still to meet. Nobody with nothing due
    gets a message; the key (person, day) makes a second run the same day write nothing new. Returns how many
    people had something due.
    """
    today = today or selectors.today()
    until = today + timedelta(days=DIGEST_DAYS)
    users = list(
        User.objects.filter(
            is_active=True, wants_daily_digest=True, role__in=COUNCIL_ROLES, organisation__isnull=False
        ).order_by("id")
    )
    if not users:
        return 0
    councils = {u.organisation_id for u in users if u.role == Role.SERVICE_MANAGER}
    coordinators = {u.pk for u in users if u.role != Role.SERVICE_MANAGER}
    scope = Q(case__council_id__in=councils) | Q(case__coordinator_id__in=coordinators)
    pending = Deadline.objects.filter(
        scope,
        status__in=[statutory.DeadlineStatus.OPEN, statutory.DeadlineStatus.MISSED],
        met_on__isnull=True,
        case__closed_on__isnull=True,
    )
    due = (
        pending.filter(due_on__gte=today, due_on__lte=until)
        .select_related("case__child")
        .only(
            "code",
            "due_on",
            "case__reference",
            "case__council_id",
            "case__coordinator_id",
            "case__child__legal_first_name",
            "case__child__preferred_name",
        )
        .order_by("due_on", "case__reference", "code")
    )
    by_council: dict[int, list[Deadline]] = defaultdict(list)
    by_coordinator: dict[int, list[Deadline]] = defaultdict(list)
    for deadline in due:
        if deadline.case.council_id in councils:
            by_council[deadline.case.council_id].append(deadline)
        if deadline.case.coordinator_id in coordinators:
            by_coordinator[deadline.case.coordinator_id].append(deadline)
    overdue = pending.filter(due_on__lt=today)
    overdue_by_council = dict(
        overdue.filter(case__council_id__in=councils)
        .values_list("case__council_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    overdue_by_coordinator = dict(
        overdue.filter(case__coordinator_id__in=coordinators)
        .values_list("case__coordinator_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    site = settings.SITE_URL.rstrip("/")
    preferences = site + reverse("accounts:contact_preferences")
    outgoing = []
    for user in users:
        if user.role == Role.SERVICE_MANAGER:
            items, overdue_count = (
                by_council[user.organisation_id],
                overdue_by_council.get(user.organisation_id, 0),
            )
            scope_text, link = "your council's open cases", site + reverse("cases:list")
        else:
            items, overdue_count = by_coordinator[user.pk], overdue_by_coordinator.get(user.pk, 0)
            scope_text, link = "your cases", site + reverse("cases:caseload")
        if not items and not overdue_count:
            continue
        data = {
            "scope": scope_text,
            "until": f"{until:%A %-d %B %Y}",
            "due_count": len(items),
            "overdue_count": overdue_count,
            "more": max(len(items) - DIGEST_MAX_ITEMS, 0),
            "preferences_link": preferences,
            "items": [
                {
                    "due_on": f"{d.due_on:%a %-d %b}",
                    "reference": d.case.reference,
                    "child_first_name": d.case.child.known_as,
                    "label": statutory.DEADLINE_LABELS[statutory.DeadlineCode(d.code)],
                }
                for d in items[:DIGEST_MAX_ITEMS]
            ],
        }
        outgoing.append(
            notifications.Outgoing(
                DIGEST_TEMPLATE,
                data,
                f"digest:{user.pk}:{today:%Y%m%d}",
                recipient=user,
                # "A morning email": the digest is a summary to read at a desk, not a text message or a letter.
                channel=Channel.EMAIL,
                link=link,
                organisation_id=user.organisation_id,
            )
        )
    with transaction.atomic():
        notifications.notify_many(outgoing)
    return len(outgoing)
