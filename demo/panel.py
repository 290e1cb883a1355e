"""The demo's decision panel: Sonia chairs it with health, educational psychology, social care and a headteacher;
last week's meeting decided two cases and its minutes are approved; this week's was cancelled; next week's has an
agenda built by the panel itself (cases ready, and cases held back for missing advice) with voting open on the
first case. Built through the panel's services, so the cases, deadlines, letters and messages are the real ones."""

import random
from datetime import date, time, timedelta

from accounts.models import Organisation, Role, User
from cases.models import Case
from demo import people as demo
from panel import services
from panel.models import AgendaItem, Meeting

DOMAIN = "riverside.example"
# Two more members, so the panel is quorate the way councils' terms of reference ask (EP, health, social care).
EXTRA_MEMBERS = (
    ("panel4", "Principal educational psychologist (panel)", "council"),
    ("panel5", "Team manager, children with disabilities (panel)", "social_care"),
)


def _member(key: str, job: str, organisation: Organisation, rng) -> User:
    user = User(
        email=f"{key}@{DOMAIN}",
        full_name=demo.staff_name(rng),
        role=Role.PANEL_MEMBER,
        organisation=organisation,
        job_title=job,
        password=demo.demo_password_hash(),
    )
    user.save()
    return user


def seed(*, users: dict, orgs: dict, council: Organisation, today: date) -> None:
    rng = random.Random(2026)
    manager = users["manager"]
    coordinator = users["coordinator"]
    for key, job, org in EXTRA_MEMBERS:
        users[key] = _member(key, job, orgs[org], rng)
    panel = services.configure_panel(
        council=council,
        values=services.PanelSettings(
            name="Riverside SEND decision panel",
            questions=["assess", "issue", "band"],
            # The coordinators still record decisions in the demo; the panel's own decisions move cases too.
            decides_for_council=False,
            mode="chair",
            quorum_members=3,
            quorum_agencies={"educational_psychology": 1, "health": 1},
            papers_working_days=5,
            first_meeting_on=today - timedelta(days=7),
            starts_at=time(10, 0),
            item_minutes=20,
        ),
        by=manager,
    )
    seats = {
        "panel": services.add_member(
            panel=panel, user=users["panel"], agency="education", is_chair=True, by=manager
        ),
        "panel2": services.add_member(panel=panel, user=users["panel2"], agency="health", by=manager),
        "panel3": services.add_member(panel=panel, user=users["panel3"], agency="education", by=manager),
        "panel4": services.add_member(
            panel=panel, user=users["panel4"], agency="educational_psychology", by=manager
        ),
        "panel5": services.add_member(panel=panel, user=users["panel5"], agency="social_care", by=manager),
    }
    services.schedule_meetings(panel=panel, by=manager, on=today - timedelta(days=7))
    meetings = list(Meeting.objects.filter(panel=panel).order_by("held_on"))
    past, this_week, upcoming = meetings[0], meetings[1], meetings[2]
    chair = users["panel"]

    # Last week: two requests decided (one assessment agreed, one refused with reasons), minutes approved.
    waiting = list(
        Case.objects.filter(council=council, stage="deciding_to_assess", received_on__lte=past.held_on)
        .select_related("child")
        .order_by("received_on")[:2]
    )
    outcomes = [
        ("yes", "The school's evidence and the family's account show needs that SEN support has not met."),
        (
            "no",
            "The school's SEN support plan is meeting the needs described; it should be reviewed next term.",
        ),
    ]
    for case, (outcome, reasons) in zip(waiting, outcomes, strict=False):
        item = services.add_to_agenda(
            meeting=past, case=case, question="assess", reason="Papers complete", by=coordinator
        )
        services.record_presence(meeting=past, present=[s.pk for s in seats.values()], by=chair)
        services.open_vote(item=item, by=chair)
        for key in ("panel", "panel2", "panel3", "panel4", "panel5"):
            services.cast_vote(item=item, choice=outcome, by=users[key], comment="")
        services.close_vote(item=item, by=chair)
        services.record_decision(
            item=item, values=services.DecisionInput(outcome=outcome, reasons=reasons), by=chair
        )
    services.end_meeting(meeting=past, by=chair)
    services.render_minutes(meeting_id=past.pk)
    services.approve_minutes(meeting=past, by=chair)

    services.cancel_meeting(meeting=this_week, reason="Not enough members free this week", by=manager)

    # Next week: the panel fills its own agenda; voting is open on the most urgent case so members can try it.
    services.join_cases_to_agenda(panel=panel, on=today)
    services.reply_attendance(meeting=upcoming, reply="attending", by=users["panel2"])
    services.reply_attendance(meeting=upcoming, reply="apologies", by=users["panel3"])
    first = upcoming.items.filter(status=AgendaItem.Status.LISTED).order_by("position").first()
    if first is not None:
        services.declare_conflict(
            item=first, reason="The child attends a school I govern", by=users["panel3"]
        )
        services.open_vote(item=first, by=chair)
        services.cast_vote(item=first, choice="yes", comment="The advice is clear", by=users["panel4"])
        services.add_note(
            item=first,
            text="Has the school tried the speech and language programme?",
            is_question=True,
            by=users["panel2"],
        )
