"""Reminder rules, the sweep and the daily digest (cases/reminders.py).

Statutory time limits count calendar days, so every worked date below lands where the arithmetic says, whatever
the day of the week: weekends, bank holidays, month ends, leap days and the clocks changing move nothing.
"""

import importlib
import sqlite3
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases import reminders, services, statutory, tasks
from cases.models import AdviceClock, Deadline, ReminderRule, ReminderSent
from notifications import templates_registry
from notifications.models import Channel, Message, State
from tests import factories

pytestmark = pytest.mark.django_db

Status = statutory.DeadlineStatus


@pytest.fixture(autouse=True)
def default_rules(db):
    # migrate installs them (0003); put back any a transactional test elsewhere flushed away.
    reminders.install_default_rules()


@pytest.fixture
def family_case(case, manager, parent):
    """The conftest case, with a family member who has an account; make_case also gave it a contact without one."""
    factories.add_family_member(case, parent)
    return case


def only_deadline(case, code, due_on, *, status=Status.OPEN, met_on=None, ref=""):
    """Make `code` the case's only live deadline, due on `due_on`, as the deadline service would leave it."""
    case.deadlines.update(status=Status.CANCELLED)
    kind = (
        statutory.DeadlineKind.WINDOW if code in statutory.WINDOW_CODES else statutory.DeadlineKind.DUTY
    ).value
    deadline, _ = Deadline.objects.update_or_create(
        case=case,
        code=code,
        ref=ref,
        defaults={
            "kind": kind,
            "starts_on": due_on - timedelta(weeks=6),
            "due_on": due_on,
            "met_on": met_on,
            "status": status,
        },
    )
    return deadline


def rule(code, offset_days, audience="responsible"):
    return ReminderRule.objects.get(
        council=None, deadline_code=code, offset_days=offset_days, audience=audience
    )


def messages(deadline=None, *, template=None):
    """Reminders in the outbox (not their in-app copies, nor the case's other messages), optionally narrowed."""
    qs = Message.objects.filter(idempotency_key__startswith="reminder:").exclude(channel=Channel.IN_APP)
    qs = qs.order_by("id")
    if deadline is not None:
        qs = qs.filter(idempotency_key__startswith=f"reminder:{deadline.pk}:")
    if template is not None:
        qs = qs.filter(template=template)
    return list(qs)


def who(rows):
    return sorted(m.recipient.email if m.recipient else m.to_address for m in rows)


# --- every default rule, with worked dates ---------------------------------------------------------------

# (code, offset, audience, due on, the day the reminder goes). Dates worked by hand with a calendar.
WORKED = [
    ("assessment_decision", -7, "responsible", date(2026, 3, 6), date(2026, 2, 27)),  # back across February
    ("assessment_decision", 0, "responsible", date(2026, 2, 28), date(2026, 2, 28)),  # a Saturday
    ("advice", -7, "responsible", date(2028, 3, 2), date(2028, 2, 24)),  # across 29 February 2028
    ("advice", 0, "responsible", date(2026, 11, 1), date(2026, 11, 1)),  # a Sunday
    ("advice", 3, "responsible", date(2026, 1, 31), date(2026, 2, 3)),  # Saturday 31 January -> Tuesday
    ("advice", -7, "adviser", date(2026, 12, 7), date(2026, 11, 30)),
    ("advice", 0, "adviser", date(2026, 2, 28), date(2026, 2, 28)),  # a Saturday
    ("advice", 1, "adviser", date(2026, 3, 31), date(2026, 4, 1)),  # into next month
    ("advice", 10, "adviser", date(2026, 12, 28), date(2027, 1, 7)),  # across the year end, to the manager
    ("issue_decision", -7, "responsible", date(2026, 5, 4), date(2026, 4, 27)),  # due on a bank holiday
    ("draft_response", -3, "family", date(2026, 4, 1), date(2026, 3, 29)),  # the clocks go forward that day
    ("draft_response", 1, "responsible", date(2026, 12, 31), date(2027, 1, 1)),  # New Year's Day
    ("final_plan", -14, "responsible", date(2026, 6, 1), date(2026, 5, 18)),
    ("final_plan", -7, "responsible", date(2026, 6, 1), date(2026, 5, 25)),  # spring bank holiday
    ("final_plan", 0, "responsible", date(2026, 6, 1), date(2026, 6, 1)),
    ("final_plan", 1, "responsible", date(2026, 7, 31), date(2026, 8, 1)),  # a Saturday, next month
    ("annual_review", -28, "responsible", date(2027, 3, 2), date(2027, 2, 2)),  # February has 28 days
    ("annual_review", -7, "responsible", date(2028, 2, 29), date(2028, 2, 22)),  # due on a leap day
    ("review_notice", -7, "responsible", date(2026, 10, 5), date(2026, 9, 28)),
    ("review_notice", 0, "responsible", date(2026, 10, 31), date(2026, 10, 31)),  # a Saturday
    ("review_advice", -7, "responsible", date(2026, 12, 1), date(2026, 11, 24)),
    ("review_advice", 0, "responsible", date(2026, 12, 26), date(2026, 12, 26)),  # Boxing Day
    ("review_report", -7, "responsible", date(2026, 9, 3), date(2026, 8, 27)),
    ("review_report", 0, "responsible", date(2026, 9, 6), date(2026, 9, 6)),  # a Sunday
    ("review_decision", -7, "responsible", date(2026, 8, 31), date(2026, 8, 24)),  # due on a bank holiday
    ("review_decision", 0, "responsible", date(2026, 8, 29), date(2026, 8, 29)),
    ("amendment_response", -3, "family", date(2026, 3, 2), date(2026, 2, 27)),  # back across February
    ("amendment_response", 1, "responsible", date(2026, 4, 30), date(2026, 5, 1)),
    ("amended_plan", -14, "responsible", date(2026, 1, 13), date(2025, 12, 30)),  # back into last year
    ("amended_plan", -7, "responsible", date(2026, 12, 3), date(2026, 11, 26)),
    ("amended_plan", 0, "responsible", date(2026, 12, 25), date(2026, 12, 25)),  # Christmas Day
    ("phase_transfer", -60, "responsible", date(2027, 2, 14), date(2026, 12, 16)),  # before 15 February
    ("phase_transfer", -14, "responsible", date(2027, 3, 30), date(2027, 3, 16)),  # before 31 March
    ("reassessment_decision", -7, "responsible", date(2026, 7, 6), date(2026, 6, 29)),
    ("reassessment_decision", 0, "responsible", date(2026, 7, 5), date(2026, 7, 5)),
    ("reassessment_plan", -14, "responsible", date(2026, 10, 29), date(2026, 10, 15)),
    ("reassessment_plan", -7, "responsible", date(2027, 1, 4), date(2026, 12, 28)),  # across the year end
    ("reassessment_plan", 0, "responsible", date(2026, 5, 2), date(2026, 5, 2)),
]


def test_the_worked_examples_cover_every_default_rule():
    worked = {(code, offset, audience) for code, offset, audience, _, _ in WORKED}
    defaults = {(r.code, r.offset_days, r.audience) for r in reminders.DEFAULT_RULES}
    assert worked == defaults
    installed = set(
        ReminderRule.objects.filter(council=None).values_list("deadline_code", "offset_days", "audience")
    )
    assert installed == defaults


def test_every_statutory_deadline_has_a_default_reminder():
    assert {r.code for r in reminders.DEFAULT_RULES} == {c.value for c in statutory.DeadlineCode}


def test_the_migrations_install_the_same_defaults():
    first = importlib.import_module("cases.migrations.0003_reminders")
    advisers = importlib.import_module("cases.migrations.0008_advice_clock")
    installed = list(first.DEFAULT_RULES) + [
        ("advice", offset, "adviser", template, escalate)
        for offset, template, escalate in advisers.ADVISER_RULES
    ]
    assert sorted(installed) == sorted(
        (r.code, r.offset_days, r.audience, r.template, r.escalate) for r in reminders.DEFAULT_RULES
    )


@pytest.mark.parametrize(("code", "offset", "audience", "due_on", "sends_on"), WORKED)
def test_each_default_rule_fires_on_its_worked_date(
    family_case, coordinator, manager, code, offset, audience, due_on, sends_on
):
    assert sends_on - due_on == timedelta(days=offset)  # the table itself is consistent
    fired = rule(code, offset, audience)
    ref = ""
    if code == "advice":
        # As the advice app leaves a request for advice: its clock names the adviser and their manager.
        ref = "advice:1"
        AdviceClock.objects.create(
            case=family_case,
            ref=ref,
            label="Psychological advice from the educational psychology service",
            requested_on=due_on - timedelta(weeks=6),
            adviser=factories.UserFactory(
                role=Role.SPECIALIST, discipline="educational_psychology", email="howard@ep.example"
            ),
            adviser_manager=factories.UserFactory(
                role=Role.SPECIALIST, discipline="educational_psychology", email="lead@ep.example"
            ),
            link="/advice/",
        )
    if offset <= 0:
        deadline = only_deadline(family_case, code, due_on, ref=ref)
    elif code in statutory.WINDOW_CODES:
        # The family's window ran its course: the deadline service marks it met on its last day.
        deadline = only_deadline(family_case, code, due_on, status=Status.MET, met_on=due_on)
    else:
        # Past its day a duty is reminded about once refresh_deadline_statuses has marked it missed.
        deadline = only_deadline(family_case, code, due_on, status=Status.MISSED, ref=ref)

    reminders.sweep_reminders(today=sends_on - timedelta(days=1))
    assert not ReminderSent.objects.filter(deadline=deadline, rule=fired).exists()

    reminders.sweep_reminders(today=sends_on)
    sent = ReminderSent.objects.get(deadline=deadline, rule=fired)
    assert sent.occurrence == sends_on

    mine = [
        m for m in messages(deadline) if m.idempotency_key.startswith(f"reminder:{deadline.pk}:{fired.pk}:")
    ]
    if audience == "family":
        assert who(mine) == ["meera@example.org", "parent@example.org"]
    elif audience == "adviser" and fired.escalate:
        # Ten days late, the adviser's own service manager hears, not the council's.
        assert who(mine) == ["howard@ep.example", "lead@ep.example"]
        assert {m.template for m in mine if m.recipient.email == "lead@ep.example"} == {"reminder.escalation"}
        mine = [m for m in mine if m.recipient.email == "howard@ep.example"]
    elif audience == "adviser":
        assert who(mine) == ["howard@ep.example"]
    elif fired.escalate:
        assert who(mine) == ["laura@council.example", "susan@council.example"]
        assert {m.template for m in mine if m.recipient == manager} == {"reminder.escalation"}
    else:
        assert who(mine) == ["laura@council.example"]
    assert {m.template for m in mine if m.recipient != manager} == {fired.template}
    for message in mine:
        assert message.data["reference"] == family_case.reference
        assert message.data["due_on"] == f"{due_on:%A %-d %B %Y}"
        if audience == "adviser":
            # The adviser's link is to where they give the advice, and says what to do.
            assert message.link.endswith("/advice/")
            assert message.data["action"] == reminders.ADVISER_ACTION
        else:
            assert message.link.endswith(f"/cases/{family_case.reference}/")
        rendered = templates_registry.render(message.template, message.data, link=message.link)
        assert family_case.reference in rendered.body
        assert "{{" not in rendered.subject + rendered.body + rendered.sms


# --- the brief's worked examples through the real services -----------------------------------------------


def test_final_plan_reminder_a_week_before_goes_on_the_bank_holiday(business_support, coordinator):
    # Received Monday 12 January 2026: the final plan is due 20 weeks later, Monday 1 June 2026.
    case = factories.make_case(
        council=coordinator.organisation,
        by=business_support,
        coordinator=coordinator,
        received_on=date(2026, 1, 12),
    )
    services.recompute_deadlines(case=case, by=None, today=date(2026, 5, 24))
    final = case.deadlines.get(code="final_plan")
    assert final.due_on == date(2026, 6, 1)

    assert reminders.sweep_reminders(today=date(2026, 5, 24)) == 0  # the Sunday before: nothing yet
    # Monday 25 May 2026 is the spring bank holiday; the limit counts calendar days, so the reminder goes.
    assert reminders.sweep_reminders(today=date(2026, 5, 25)) == 1
    [email] = messages(final)
    assert email.recipient == coordinator
    assert email.template == "reminder.due_soon"
    assert email.channel == Channel.EMAIL and email.state == State.QUEUED
    assert email.data["due_on"] == "Monday 1 June 2026"
    assert email.data["when"] == "in 7 days"
    assert email.data["child_first_name"] == case.child.known_as
    rendered = templates_registry.render(email.template, email.data, link=email.link)
    assert rendered.subject == f"{case.reference}: Issue the final plan by Monday 1 June 2026 (in 7 days)"
    assert "What to do: Issue the final EHC plan." in rendered.body
    assert f"/cases/{case.reference}/" in rendered.body
    # The coordinator also sees it in the service.
    in_app = Message.objects.get(idempotency_key=f"{email.idempotency_key.rsplit(':', 1)[0]}:in_app")
    assert in_app.recipient == coordinator and in_app.state == State.DELIVERED


def test_advice_overdue_3_days_after_31_january_is_escalated_to_the_service_manager(
    case, coordinator, manager, other_council
):
    factories.staff(Role.SERVICE_MANAGER, other_council)  # another council's manager hears nothing
    factories.staff(Role.SERVICE_MANAGER, case.council, is_active=False)  # nor does one who has left
    factories.staff(Role.BUSINESS_SUPPORT, case.council)  # nor business support
    advice = only_deadline(case, "advice", date(2026, 1, 31), ref="advice-7")
    # Due today: the coordinator's reminder and the adviser's (this request has no clock, so no adviser hears).
    assert reminders.sweep_reminders(today=date(2026, 1, 31)) == 2
    advice.status = Status.MISSED  # as refresh_deadline_statuses leaves it on 1 February
    advice.save()
    before = {m.pk for m in messages(advice)}

    # The adviser's "a day late" (1 February) catches up; it has nobody to go to.
    assert reminders.sweep_reminders(today=date(2026, 2, 2)) == 1
    assert reminders.sweep_reminders(today=date(2026, 2, 3)) == 1
    sent = [m for m in messages(advice) if m.pk not in before]
    assert [(m.recipient, m.template) for m in sent] == [
        (coordinator, "reminder.overdue"),
        (manager, "reminder.escalation"),
    ]
    escalation = sent[1]
    assert escalation.data["coordinator_name"] == "Laura Coordinator"
    assert escalation.data["when"] == "3 days ago"
    assert escalation.data["due_on"] == "Saturday 31 January 2026"
    body = templates_registry.render(escalation.template, escalation.data, link=escalation.link).body
    assert "Coordinator: Laura Coordinator" in body
    overdue = templates_registry.render(sent[0].template, sent[0].data, link=sent[0].link).body
    assert "service managers have also been told" in overdue


# --- no duplicates, no stale or wrong reminders -----------------------------------------------------------


def test_a_second_sweep_the_same_day_sends_nothing(case, manager):
    deadline = only_deadline(case, "final_plan", date(2026, 7, 31))
    assert reminders.sweep_reminders(today=date(2026, 7, 31)) == 1  # due today
    deadline.status = Status.MISSED  # as refresh_deadline_statuses leaves it the next morning
    deadline.save()
    assert reminders.sweep_reminders(today=date(2026, 8, 1)) == 1
    reminder_messages = Message.objects.filter(idempotency_key__startswith="reminder:")
    before = reminder_messages.count()
    assert before == 6  # due today, overdue and the escalation, each by email and in the service
    assert reminders.sweep_reminders(today=date(2026, 7, 31)) == 0
    assert reminders.sweep_reminders(today=date(2026, 8, 1)) == 0
    assert reminders.sweep_reminders(today=date(2026, 8, 2)) == 0  # nor does the catch-up the next day
    assert reminder_messages.count() == before
    assert ReminderSent.objects.filter(deadline=deadline).count() == 2


def test_a_missed_sweep_catches_up_for_3_days_then_drops_the_reminder(case, coordinator):
    first = only_deadline(case, "final_plan", date(2026, 6, 1))
    # Beat was down on 25 May: the sweep on the 27th still sends the "7 days before" reminder, dated truthfully.
    assert reminders.sweep_reminders(today=date(2026, 5, 27)) == 1
    [email] = messages(first)
    assert email.data["when"] == "in 5 days"
    assert ReminderSent.objects.get().occurrence == date(2026, 5, 25)

    later = factories.make_case(council=case.council, by=coordinator, coordinator=coordinator)
    stale = only_deadline(later, "final_plan", date(2026, 6, 1))
    # Four days late the reminder is stale and dropped, but the next one still comes on its day.
    assert reminders.sweep_reminders(today=date(2026, 5, 29)) == 0
    assert messages(stale) == []
    assert reminders.sweep_reminders(today=date(2026, 6, 1)) == 2  # "due today" for both cases


@pytest.mark.parametrize(
    ("status", "met_on"),
    [
        (Status.MET, date(2026, 5, 20)),
        (Status.EXCUSED, None),
        (Status.CANCELLED, None),
        (Status.OPEN, date(2026, 5, 20)),  # met, even if the status has not caught up yet
    ],
)
def test_met_excused_or_cancelled_deadlines_produce_nothing(case, manager, status, met_on):
    only_deadline(case, "final_plan", date(2026, 6, 1), status=status, met_on=met_on)
    for day in (date(2026, 5, 18), date(2026, 5, 25), date(2026, 6, 1), date(2026, 6, 2)):
        assert reminders.sweep_reminders(today=day) == 0
    assert messages() == []


def test_a_duty_past_its_date_waits_until_it_is_marked_missed(case, manager):
    # refresh_deadline_statuses decides missed or excused; until it has, nothing is escalated.
    deadline = only_deadline(case, "final_plan", date(2026, 7, 31), status=Status.OPEN)
    reminders.sweep_reminders(today=date(2026, 8, 1))
    assert not ReminderSent.objects.filter(rule=rule("final_plan", 1)).exists()
    deadline.status = Status.MISSED
    deadline.save()
    assert reminders.sweep_reminders(today=date(2026, 8, 1)) >= 1
    assert ReminderSent.objects.filter(rule=rule("final_plan", 1)).exists()


def test_a_closed_case_produces_nothing(case, coordinator, manager):
    only_deadline(case, "advice", date(2026, 6, 1))
    services.case_transition(case=case, name="withdraw", by=coordinator, reason="The family moved away.")
    case.refresh_from_db()
    assert case.closed_on is not None
    # The service cancels a closed case's deadlines; even a row left open is ignored once the case is closed.
    Deadline.objects.filter(case=case, code="advice").update(status=Status.OPEN)
    assert reminders.sweep_reminders(today=date(2026, 5, 25)) == 0
    assert reminders.sweep_reminders(today=date(2026, 6, 1)) == 0
    assert messages() == []


def test_a_recorded_exception_keeps_the_reminders_until_the_breach_is_excused(
    business_support, coordinator, manager
):
    council = coordinator.organisation
    with_exception, without = (
        factories.make_case(
            council=council, by=business_support, coordinator=coordinator, received_on=date(2026, 1, 12)
        )
        for _ in range(2)
    )
    services.record_exception(
        case=with_exception,
        kind="personal_circumstances",
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 5, 31),
        reason="The family were bereaved and asked us to pause.",
        by=coordinator,
        codes=["final_plan"],
    )
    # Before the due date the duty remains, exception or not: both cases are reminded.
    for case in (with_exception, without):
        services.recompute_deadlines(case=case, by=None, today=date(2026, 5, 25))
    assert reminders.sweep_reminders(today=date(2026, 5, 25)) == 2
    # The day after, the deadline service marks one breach excused and the other missed.
    for case in (with_exception, without):
        services.recompute_deadlines(case=case, by=None, today=date(2026, 6, 2))
    assert with_exception.deadlines.get(code="final_plan").status == Status.EXCUSED
    assert without.deadlines.get(code="final_plan").status == Status.MISSED
    reminders.sweep_reminders(today=date(2026, 6, 2))
    assert messages(with_exception.deadlines.get(code="final_plan"), template="reminder.escalation") == []
    assert who(messages(without.deadlines.get(code="final_plan"), template="reminder.escalation")) == [
        "susan@council.example"
    ]


# --- who hears -----------------------------------------------------------------------------------------------


def test_family_reminders_reach_a_family_user_and_a_contact_without_an_account(family_case, parent):
    deadline = only_deadline(family_case, "draft_response", date(2026, 4, 1))
    assert reminders.sweep_reminders(today=date(2026, 3, 29)) == 1
    sent = messages(deadline)
    assert who(sent) == ["meera@example.org", "parent@example.org"]
    account, contact = sorted(sent, key=lambda m: m.recipient is None)
    assert account.recipient == parent and account.template == "reminder.family_draft_window"
    assert contact.recipient is None and contact.to_name == "Parent Okafor"
    # Only what the family message needs: no coordinator, no staff instructions.
    assert set(contact.data) == {"reference", "child_first_name", "code", "due_on", "when"}
    rendered = templates_registry.render(contact.template, contact.data, link=contact.link)
    assert "Wednesday 1 April 2026 (in 3 days)" in rendered.body
    assert "which school or college" in rendered.body
    # A family member with an account also sees it in the service; a contact without one cannot.
    assert Message.objects.filter(recipient=parent, channel=Channel.IN_APP).count() == 1


def test_family_reminders_follow_each_persons_channel_and_language(family_case, parent):
    parent.language = "pl"
    parent.save()
    family_case.child.contacts.filter(user__isnull=True).update(
        email="", phone="07700 900456", preferred_channel="sms", language="ur"
    )
    deadline = only_deadline(family_case, "draft_response", date(2026, 4, 1))
    reminders.sweep_reminders(today=date(2026, 3, 29))
    account, contact = sorted(messages(deadline), key=lambda m: m.recipient is None)
    assert (account.recipient, account.language) == (parent, "pl")
    # A contact with no email is no longer left out: they asked for texts, and a text goes to their phone.
    assert (contact.channel, contact.to_address, contact.language) == (Channel.SMS, "07700 900456", "ur")


def test_family_members_who_left_the_team_or_replied_hear_nothing(family_case, parent, business_support):
    services.end_team_membership(member=family_case.team.get(user=parent), by=business_support)
    family_case.child.contacts.update(is_archived=True)
    only_deadline(family_case, "draft_response", date(2026, 4, 1))
    assert reminders.sweep_reminders(today=date(2026, 3, 29)) == 1  # recorded, but nobody left to tell
    assert messages() == []

    replied = only_deadline(
        family_case, "draft_response", date(2026, 5, 1), status=Status.MET, met_on=date(2026, 4, 20)
    )
    assert reminders.sweep_reminders(today=date(2026, 4, 28)) == 0
    assert reminders.sweep_reminders(today=date(2026, 5, 2)) == 0  # and the coordinator already has the reply
    assert messages(replied) == []


def test_window_closed_tells_the_coordinator_they_may_issue_the_final_plan(case, coordinator):
    deadline = only_deadline(
        case, "draft_response", date(2026, 12, 31), status=Status.MET, met_on=date(2026, 12, 31)
    )
    assert reminders.sweep_reminders(today=date(2027, 1, 1)) == 1
    [email] = messages(deadline)
    assert email.recipient == coordinator and email.template == "reminder.window_closed"
    body = templates_registry.render(email.template, email.data, link=email.link).body
    assert "ended on Thursday 31 December 2026" in body
    assert "you may now issue the final plan" in body


def test_an_unallocated_case_reminds_the_service_managers(business_support, manager, council):
    case = factories.make_case(council=council, by=business_support)
    assert case.coordinator is None
    deadline = only_deadline(case, "assessment_decision", date(2026, 3, 6))
    assert reminders.sweep_reminders(today=date(2026, 2, 27)) == 1
    assert [(m.recipient, m.template) for m in messages(deadline)] == [(manager, "reminder.due_soon")]
    assert messages(deadline)[0].data["coordinator_name"] == "no coordinator allocated"


def test_a_coordinator_who_chose_text_messages_gets_a_text(case, coordinator):
    coordinator.preferred_channel = "sms"
    coordinator.phone = "07700 900123"
    coordinator.save()
    deadline = only_deadline(case, "final_plan", date(2026, 6, 1))
    reminders.sweep_reminders(today=date(2026, 6, 1))
    [text] = messages(deadline)
    assert text.channel == Channel.SMS
    sms = templates_registry.render(text.template, text.data, link=text.link).sms
    assert sms.startswith(f"{case.reference}: Issue the final plan is due today (Monday 1 June 2026).")


# --- councils' own rules ----------------------------------------------------------------------------------


def test_a_council_rule_replaces_or_adds_to_the_defaults_for_that_council_only(
    case, coordinator, manager, other_council, business_support
):
    other_coordinator = factories.staff(Role.COORDINATOR, other_council)
    elsewhere = factories.make_case(council=other_council, coordinator=other_coordinator)
    here = only_deadline(case, "final_plan", date(2026, 6, 1))
    there = only_deadline(elsewhere, "final_plan", date(2026, 6, 1))
    # This council switches off the default "7 days before" and adds a "10 days before" for its managers.
    ReminderRule.objects.create(
        council=case.council,
        deadline_code="final_plan",
        offset_days=-7,
        audience="responsible",
        template="reminder.due_soon",
        is_active=False,
    )
    ReminderRule.objects.create(
        council=case.council,
        deadline_code="final_plan",
        offset_days=-10,
        audience="manager",
        template="reminder.due_soon",
    )
    reminders.sweep_reminders(today=date(2026, 5, 22))
    assert [(m.recipient, m.data["when"]) for m in messages(here)] == [(manager, "in 10 days")]
    assert messages(there) == []
    reminders.sweep_reminders(today=date(2026, 5, 25))
    assert len(messages(here)) == 1  # still only the managers' one
    assert [m.recipient for m in messages(there)] == [other_coordinator]  # the default, elsewhere


def test_an_inactive_default_sends_nothing(case):
    ReminderRule.objects.filter(council=None, deadline_code="final_plan").update(is_active=False)
    only_deadline(case, "final_plan", date(2026, 6, 1))
    assert reminders.sweep_reminders(today=date(2026, 6, 1)) == 0


# --- cost -----------------------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_variable_limit(monkeypatch):
    """Let bulk inserts use SQLite's real limit on query parameters, as Django 6 does and PostgreSQL always has.

    Django 5.2 assumes SQLite's pre-3.32 limit of 999 parameters and splits a bulk insert of more than about 37
    outbox rows into several statements; SQLite 3.32+ allows 32,766, and PostgreSQL is not split at all. Without
    this the test would count Django's batching on SQLite rather than the sweep's queries.
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)


@pytest.mark.parametrize("how_many", [3, 30])
def test_the_sweep_costs_the_same_queries_for_3_or_30_reminders(
    how_many,
    council,
    coordinator,
    business_support,
    manager,
    parent,
    sqlite_variable_limit,
    django_assert_max_num_queries,
):
    for n in range(how_many):
        case = factories.make_case(council=council, by=business_support, coordinator=coordinator)
        if n % 3 == 0:
            factories.add_family_member(case, parent)
            only_deadline(case, "draft_response", date(2026, 4, 1))  # family: a user and a contact
        elif n % 3 == 1:
            only_deadline(case, "advice", date(2026, 3, 26), status=Status.MISSED)  # escalated
        else:
            only_deadline(case, "final_plan", date(2026, 4, 5))  # 7 days before
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as captured:
        # Each three cases: the family's reminder; the advice overdue and (catching up) its "due today", with the
        # adviser's "due today" and "a day late" (this request has no clock: nobody to send them to); the final
        # plan's "7 days before".
        assert reminders.sweep_reminders(today=date(2026, 3, 29)) == how_many // 3 * 6
    # Family: a user and a contact; advice: due today, overdue, the escalation; final plan: the coordinator.
    assert len(messages()) == how_many // 3 * 6
    # insert-select, read back, managers, family members, contacts, advisers, the messages (and a savepoint pair)
    assert len(captured) == 9
    with django_assert_max_num_queries(3):  # the same sweep again: one insert-select that inserts nothing
        assert reminders.sweep_reminders(today=date(2026, 3, 29)) == 0


# --- the daily digest ---------------------------------------------------------------------------------------


def _digests():
    return list(
        Message.objects.filter(template="digest.daily").exclude(channel=Channel.IN_APP).order_by("id")
    )


def test_the_daily_digest_lists_what_is_due_this_week(
    council, coordinator, manager, business_support, other_council
):
    coordinator.wants_daily_digest = True
    coordinator.save()
    manager.wants_daily_digest = True
    manager.save()
    colleague = factories.staff(Role.COORDINATOR, council)
    mine = factories.make_case(
        council=council, by=business_support, coordinator=coordinator, first_name="Amara"
    )
    theirs = factories.make_case(
        council=council, by=business_support, coordinator=colleague, first_name="Daniel"
    )
    elsewhere = factories.make_case(council=other_council)
    only_deadline(mine, "final_plan", date(2026, 6, 2))
    Deadline.objects.create(
        case=mine,
        code="advice",
        ref="ep",
        kind="duty",
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 5, 20),
        status=Status.MISSED,
    )  # overdue
    only_deadline(theirs, "advice", date(2026, 6, 8))  # the last day of the week ahead
    only_deadline(elsewhere, "advice", date(2026, 6, 3))
    Deadline.objects.create(
        case=theirs,
        code="annual_review",
        ref="x",
        kind="duty",
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 6, 9),
        status=Status.OPEN,
    )  # next week: not yet

    assert reminders.send_daily_digests(today=date(2026, 6, 1)) == 2
    for_coordinator, for_manager = _digests()
    assert for_coordinator.recipient == coordinator and for_coordinator.channel == Channel.EMAIL
    assert for_coordinator.data["due_count"] == 1 and for_coordinator.data["overdue_count"] == 1
    assert for_coordinator.data["items"] == [
        {
            "due_on": "Tue 2 Jun",
            "reference": mine.reference,
            "child_first_name": "Amara",
            "label": "Issue the final plan",
        }
    ]
    assert for_coordinator.link.endswith("/cases/caseload/")
    rendered = templates_registry.render("digest.daily", for_coordinator.data, link=for_coordinator.link)
    assert rendered.subject == "Your EHC time limits: 1 due by Monday 8 June 2026, 1 overdue"
    assert f"- Tue 2 Jun: {mine.reference} (Amara), Issue the final plan" in rendered.body
    assert "1 time limit has passed and is still to be met." in rendered.body

    assert for_manager.recipient == manager and for_manager.link.endswith("/cases/")
    assert [i["reference"] for i in for_manager.data["items"]] == [mine.reference, theirs.reference]
    assert for_manager.data["overdue_count"] == 1

    # Once a day: a second run sends nothing new.
    assert reminders.send_daily_digests(today=date(2026, 6, 1)) == 2
    assert len(_digests()) == 2


def test_no_digest_for_someone_with_nothing_due_or_who_did_not_ask(case, coordinator, manager):
    coordinator.wants_daily_digest = True
    coordinator.save()
    only_deadline(case, "final_plan", date(2026, 6, 20))
    assert reminders.send_daily_digests(today=date(2026, 6, 1)) == 0
    only_deadline(case, "final_plan", date(2026, 6, 5))
    coordinator.wants_daily_digest = False
    coordinator.save()
    assert reminders.send_daily_digests(today=date(2026, 6, 1)) == 0
    assert _digests() == []


def test_the_digest_lists_at_most_30_and_counts_the_rest(council, coordinator, business_support):
    coordinator.wants_daily_digest = True
    coordinator.save()
    case = factories.make_case(council=council, by=business_support, coordinator=coordinator)
    only_deadline(case, "final_plan", date(2026, 6, 3))
    for n in range(34):
        Deadline.objects.create(
            case=case,
            code="advice",
            ref=f"a{n}",
            kind="duty",
            starts_on=date(2026, 1, 1),
            due_on=date(2026, 6, 2),
            status=Status.OPEN,
        )
    reminders.send_daily_digests(today=date(2026, 6, 1))
    [digest] = _digests()
    assert digest.data["due_count"] == 35 and len(digest.data["items"]) == 30 and digest.data["more"] == 5
    assert "- and 5 more" in templates_registry.render("digest.daily", digest.data, link=digest.link).body


# --- templates and tasks --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [t.value for t in reminders.Template] + [reminders.DIGEST_TEMPLATE])
def test_every_reminder_template_renders_its_example(code):
    template = templates_registry.get(code)
    rendered = templates_registry.render(
        code, template.example, link="https://ehcp.example/cases/EHC-2026-00042/"
    )
    assert rendered.subject and rendered.body and rendered.sms
    assert "EHC-2026-00042" in rendered.subject + rendered.body
    assert "{" not in rendered.subject + rendered.body + rendered.sms
    assert len(rendered.sms) <= 306  # two text messages at most


def test_the_beat_tasks_call_the_services(case, coordinator, monkeypatch):
    calls = []
    monkeypatch.setattr(reminders, "sweep_reminders", lambda **kw: calls.append("sweep") or 0)
    monkeypatch.setattr(reminders, "send_daily_digests", lambda **kw: calls.append("digest") or 0)
    tasks.sweep_reminders.apply()
    tasks.send_daily_digests.apply()
    assert calls == ["sweep", "digest"]


def test_the_sweep_runs_for_today_by_default(case, coordinator):
    from cases import selectors

    today = selectors.today()
    only_deadline(case, "final_plan", today)
    assert tasks.sweep_reminders() == 1
    assert [m.template for m in messages()] == ["reminder.due_today"]


def test_a_rule_for_the_family_must_use_a_family_message():
    from django.core.exceptions import ValidationError

    wrong = ReminderRule(
        deadline_code="final_plan", offset_days=-5, audience="family", template="reminder.due_soon"
    )
    with pytest.raises(ValidationError, match="written for the family"):
        wrong.full_clean()
    wrong = ReminderRule(
        deadline_code="final_plan",
        offset_days=-5,
        audience="coordinator",
        template="reminder.family_draft_window",
    )
    with pytest.raises(ValidationError, match="choose one for staff"):
        wrong.full_clean()
    ReminderRule(
        deadline_code="final_plan", offset_days=-5, audience="coordinator", template="reminder.due_soon"
    ).full_clean()


def test_support_staff_can_see_and_switch_off_rules_in_the_admin(admin_client, case):
    only_deadline(case, "final_plan", date(2026, 6, 1))
    reminders.sweep_reminders(today=date(2026, 6, 1))
    assert admin_client.get(reverse("admin:cases_reminderrule_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:cases_remindersent_changelist")).status_code == 200
    fired = rule("final_plan", 0)
    change = reverse("admin:cases_reminderrule_change", args=[fired.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    response = admin_client.post(
        change,
        {
            "council": "",
            "deadline_code": "final_plan",
            "offset_days": "0",
            "audience": "responsible",
            "template": "reminder.due_today",
            "escalate": "",
            "is_active": "",
        },
    )
    assert response.status_code == 302
    fired.refresh_from_db()
    assert not fired.is_active
    assert fired.history.count() >= 1
