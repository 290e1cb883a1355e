"""What a case event tells people, written to the outbox inside the event's own transaction.

Messages say what changed and what to do next, with a link, and carry no more personal data than that: the
child's first name and the case reference.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from accounts.models import Role, User
from cases import selectors, statutory, workflow
from cases.models import Case, CaseTeamMember, FamilyContact, TeamRole, TimelineEvent
from notifications import services as notifications
from notifications.models import Channel
from notifications.templates_registry import MessageTemplate, register

APPEALABLE = {workflow.Stage.NOT_ASSESSED, workflow.Stage.NOT_ISSUED}

# What each step means to a family, in their words rather than the caseworker's.
FAMILY_HEADLINES = {
    "start_assessment_decision": "We are deciding whether to carry out an EHC needs assessment",
    "agree_to_assess": "We have decided to carry out an EHC needs assessment",
    "refuse_assessment": "We have decided not to carry out an EHC needs assessment",
    "start_issue_decision": "The assessment is complete and we are deciding whether to issue an EHC plan",
    "agree_to_issue": "We have decided to issue an EHC plan",
    "refuse_plan": "We have decided not to issue an EHC plan",
    "serve_draft": "The draft EHC plan is ready for your comments",
    "issue_final_plan": "The final EHC plan has been issued",
    "start_annual_review": "The annual review of the EHC plan has started",
    "complete_annual_review": "The annual review is complete",
    "withdraw": "The request for an assessment has been withdrawn",
    "cease_plan": "The EHC plan has ended",
    "transfer_out": "The case has moved to another council",
}
# Steps inside a stage that the family needs to hear about.
FAMILY_STEPS = {"serve_draft", "issue_final_plan", "start_annual_review"}


def register_templates() -> None:
    register(
        MessageTemplate(
            "case.stage_changed",
            "To the family when their case moves on (with appeal rights after a refusal)",
            title="The case has moved on",
            example={
                "child_first_name": "Amara",
                "reference": "EHC-2026-00042",
                "headline": "We have decided to carry out an EHC needs assessment",
                "explanation": "We are gathering advice from the people who know the child.",
                "next_step": "We will tell you by 22 June 2026 whether we will issue a plan",
                "reason": "",
                "appeal": False,
            },
        )
    )
    register(
        MessageTemplate(
            "case.request_received",
            "To the family when a request for assessment is logged",
            title="Request for assessment received",
            example={
                "child_first_name": "Amara",
                "reference": "EHC-2026-00042",
                "received_on": "2 March 2026",
                "decision_by": "13 April 2026",
                "final_by": "20 July 2026",
            },
        )
    )
    register(
        MessageTemplate(
            "case.repeat_request",
            "To the coordinator when another request arrives for a child who already has an open case",
            title="Another request for the same child",
            example={"reference": "EHC-2026-00042", "received_on": "2 March 2026"},
        )
    )
    register(
        MessageTemplate(
            "case.request_incomplete",
            "To the family when the council needs something more for their request (the clock keeps running)",
            title="Something more is needed for the request",
            example={
                "child_first_name": "Amara",
                "reference": "EHC-2026-00042",
                "received_on": "2 March 2026",
                "reason": "The school's SEN support plan was not attached",
                "decision_by": "13 April 2026",
            },
        )
    )
    register(
        MessageTemplate(
            "case.allocated",
            "To a coordinator when a case is allocated to them",
            title="Case allocated to a coordinator",
            example={
                "reference": "EHC-2026-00042",
                "next_deadline": "Decide whether to assess by 13 April 2026",
            },
        )
    )

    register(
        MessageTemplate(
            "case.document_added",
            "To the coordinator when someone outside the council (a specialist, the school, the family) adds a "
            "document to the case",
            title="New document added by someone outside the council",
            example={
                "reference": "EHC-2026-00042",
                "uploader": "Sonia Specialist",
                "uploader_role": "Specialist",
                "document": "EP-advice.pdf",
                "category": "Advice or report",
            },
        )
    )


def case_link(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("cases:detail", kwargs={"reference": case.reference})


def _family_users(case: Case) -> list[User]:
    today = selectors.today()
    members = CaseTeamMember.objects.filter(
        case=case, role__in=[TeamRole.FAMILY, TeamRole.YOUNG_PERSON], user__isnull=False, starts_on__lte=today
    ).exclude(ends_on__lte=today)
    return [m.user for m in members.select_related("user")]


def _family_contacts_without_accounts(case: Case, *, users: list[User]) -> list[FamilyContact]:
    # Someone on the team with an account hears through it; matching by email is the only sure sign that a
    # contact is that same person (a phone or an address may be shared by a household).
    emails = {u.email.lower() for u in users}
    return [
        c
        for c in case.child.contacts.filter(is_archived=False, user__isnull=True)
        if (c.parental_responsibility or c.relationship == "self")
        and not (c.email and c.email.lower() in emails)
    ]


@dataclass(frozen=True)
class ContactRoute:
    channel: str
    address: str


# The written channels to try, in order, for what a contact asked for. A phone call is made by staff, so the
# written message goes by email or post; a text comes last there because the number may be a landline.
CONTACT_FALLBACKS = {
    "email": (Channel.EMAIL, Channel.LETTER, Channel.SMS),
    "sms": (Channel.SMS, Channel.EMAIL, Channel.LETTER),
    "letter": (Channel.LETTER, Channel.EMAIL, Channel.SMS),
    "phone": (Channel.EMAIL, Channel.LETTER, Channel.SMS),
}


def contact_route(contact: FamilyContact) -> ContactRoute | None:
    """How a written message reaches a family contact without an account: their choice, else the next way we
    have details for. None when we hold no email, phone or address (staff must get in touch another way)."""
    addresses = {
        Channel.EMAIL: contact.email.strip(),
        Channel.SMS: contact.phone.strip(),
        Channel.LETTER: contact.address.strip(),
    }
    for channel in CONTACT_FALLBACKS.get(contact.preferred_channel, CONTACT_FALLBACKS["email"]):
        if addresses[channel]:
            return ContactRoute(channel, addresses[channel])
    return None


def tell_family(*, case: Case, template: str, data: dict, event_key: str, by: User | None) -> None:
    users = _family_users(case)
    common = {
        "template": template,
        "data": data,
        "link": case_link(case),
        "subject_ref": f"case:{case.pk}",
        "organisation_id": case.council_id,
        "by": by,
    }
    for user in users:
        notifications.notify(
            recipient=user, key=f"{event_key}:user:{user.pk}", language=user.language, **common
        )
    for contact in _family_contacts_without_accounts(case, users=users):
        route = contact_route(contact)
        if route is None:
            continue
        notifications.notify(
            to_address=route.address,
            to_name=contact.name,
            channel=route.channel,
            key=f"{event_key}:contact:{contact.pk}",
            language=contact.language,
            **common,
        )


def _next_for_family(case: Case) -> str:
    if not case.next_due_on or not case.next_deadline_code:
        return ""
    label = statutory.DEADLINE_LABELS[statutory.DeadlineCode(case.next_deadline_code)]
    return f"{label} by {case.next_due_on:%-d %B %Y}"


def transition_happened(
    *, case: Case, transition: workflow.Transition, event: TimelineEvent, reason: str, by: User
):
    """After a stage change (or a step the family must know about), tell the family."""
    if transition.target is None and transition.name not in FAMILY_STEPS:
        return
    stage = workflow.Stage(case.stage)
    headline = FAMILY_HEADLINES.get(transition.name, transition.label)
    if transition.name == "serve_draft":
        closes = workflow.draft_window_closes_on(case.draft_served_on)
        next_step = f"Send us your comments and the school you would like named by {closes:%-d %B %Y}"
    else:
        next_step = _next_for_family(case)
    tell_family(
        case=case,
        template="case.stage_changed",
        data={
            "child_first_name": case.child.known_as,
            "reference": case.reference,
            "headline": headline,
            "explanation": workflow.STAGE_DESCRIPTIONS[stage],
            "next_step": next_step,
            "reason": reason if stage in APPEALABLE or transition.needs_reason else "",
            "appeal": stage in APPEALABLE,
        },
        event_key=f"case:{case.pk}:event:{event.pk}",
        by=by,
    )


def request_logged(*, case: Case, event: TimelineEvent, by: User) -> None:
    decision_by = selectors.assessment_decision_due_on(case)
    final = case.deadlines.filter(code=statutory.DeadlineCode.FINAL_PLAN).first()
    tell_family(
        case=case,
        template="case.request_received",
        data={
            "child_first_name": case.child.known_as,
            "reference": case.reference,
            "received_on": f"{case.received_on:%-d %B %Y}",
            "decision_by": f"{decision_by:%-d %B %Y}" if decision_by else "",
            "final_by": f"{final.due_on:%-d %B %Y}" if final else "",
        },
        event_key=f"case:{case.pk}:event:{event.pk}",
        by=by,
    )


def coordinator_allocated(*, case: Case, coordinator: User, event: TimelineEvent, by: User) -> None:
    notifications.notify(
        recipient=coordinator,
        template="case.allocated",
        data={"reference": case.reference, "next_deadline": _next_for_family(case) or "none open"},
        key=f"case:{case.pk}:event:{event.pk}:user:{coordinator.pk}",
        link=case_link(case),
        subject_ref=f"case:{case.pk}",
        organisation_id=case.council_id,
        by=by,
    )


def _case_owner(case: Case) -> User | None:
    """Who hears about new work on a case: its coordinator, or business support while nobody is allocated."""
    return case.coordinator or (
        User.objects.filter(organisation_id=case.council_id, role=Role.BUSINESS_SUPPORT, is_active=True)
        .order_by("pk")
        .first()
    )


def document_added(*, case: Case, document, event: TimelineEvent, by: User) -> None:
    """Someone outside the council added a document: the person running the case hears, so it is read."""
    owner = _case_owner(case)
    if owner is None or owner.pk == by.pk:
        return
    notifications.notify(
        recipient=owner,
        template="case.document_added",
        data={
            "reference": case.reference,
            "uploader": by.full_name,
            "uploader_role": by.get_role_display(),
            "document": document.name,
            "category": document.get_category_display(),
        },
        key=f"case:{case.pk}:event:{event.pk}:user:{owner.pk}",
        link=case_link(case),
        subject_ref=f"case:{case.pk}",
        organisation_id=case.council_id,
        by=by,
    )


def repeat_request(*, case: Case, event: TimelineEvent, received_on, by: User | None) -> None:
    """Tell the coordinator (or business support, if nobody is allocated) that the child's family asked again."""
    alert = _case_owner(case)
    if alert is None:
        return
    notifications.notify(
        recipient=alert,
        template="case.repeat_request",
        data={"reference": case.reference, "received_on": f"{received_on:%-d %B %Y}"},
        key=f"case:{case.pk}:event:{event.pk}:user:{alert.pk}",
        link=case_link(case),
        subject_ref=f"case:{case.pk}",
        organisation_id=case.council_id,
        by=by,
    )


def request_incomplete(*, case: Case, reason: str, event: TimelineEvent, by: User) -> None:
    """Tell the family (accounts and contacts) what is missing and what to do; the request still counts."""
    decision_by = selectors.assessment_decision_due_on(case)
    tell_family(
        case=case,
        template="case.request_incomplete",
        data={
            "child_first_name": case.child.known_as,
            "reference": case.reference,
            "received_on": f"{case.received_on:%-d %B %Y}",
            "reason": reason,
            "decision_by": f"{decision_by:%-d %B %Y}" if decision_by else "",
        },
        event_key=f"case:{case.pk}:event:{event.pk}",
        by=by,
    )
