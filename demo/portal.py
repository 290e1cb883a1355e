"""The demo's family portal: conversations between families and their coordinators, a family who let the
SENDIASS adviser see their case, one reading in Polish, built through the portal's services."""

from accounts.models import User
from cases.models import Case
from portal import selectors, services

# (family login, what they wrote, the coordinator's answer or "" while it waits)
CONVERSATIONS = (
    (
        "parent",
        "Hello. Can I see the draft before the meeting? I would like to compare it with what the school does now.",
        "Yes. I will send it to you by the end of the week, and we can go through it together.",
    ),
    (
        "parent4",
        "Dzień dobry. I do not understand the letter about advice. Who will see my son?",
        "Hello. An educational psychologist and a speech and language therapist will see him at school. I have "
        "booked an interpreter for our next call.",
    ),
    ("youngperson", "Can I bring my support worker to the review meeting?", ""),
    ("parent3", "Thank you for the final plan. When is the first review?", ""),
)


def _case_of(user: User) -> Case | None:
    """The family's open case they follow today (a closed one, or one they have left, takes no new messages)."""
    return next((case for case in selectors.home_cases(user=user) if case.is_open), None)


def seed(*, users: dict[str, User]) -> None:
    for key, question, answer in CONVERSATIONS:
        family = users.get(key)
        case = _case_of(family) if family else None
        if case is None or case.coordinator is None:
            continue
        services.send_message(case=case, body=question, by=family)
        if answer:
            services.mark_read(case=case, by=case.coordinator)
            services.send_message(case=case, body=answer, by=case.coordinator)

    # One family reads the service in Polish and needs an interpreter at meetings.
    if "parent4" in users:
        services.save_preferences(
            user=users["parent4"],
            channel="email",
            phone="",
            postal_address="",
            language="pl",
            needs="Please write short sentences. I read English slowly.",
            interpreter=True,
        )

    # One family lets the SENDIASS adviser see their case, and asks for the other parent to be invited.
    parent2 = users.get("parent2")
    case = _case_of(parent2) if parent2 else None
    if case is not None and "supporter" in users:
        supporter = users["supporter"]
        services.share_case(
            case=case, email=supporter.email, full_name=supporter.full_name, role="supporter", by=parent2
        )
        services.share_case(
            case=case,
            email="other.parent@example.org",
            full_name="Sam Okoro",
            role="other_parent",
            by=parent2,
        )
