"""The demo's plans, built through the drafting services from advice given through the advice services.

Three families: a draft the coordinator is editing (the advisers' reading recommendations still in conflict), a
draft with the family for their 15 days with their comments back (one answered, one waiting), and a final plan
issued with its placement, sign-off and the funding handed to finance.
"""

from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Organisation, Role, User
from advice import services as advice_services
from cases import services as case_services
from cases.models import Case, FamilyContact, TeamRole
from demo import advice as advice_demo
from demo import people as demo
from drafting import selectors, services
from drafting.models import SettingType, SignOffRule

DOMAIN = "riverside.example"


def seed(
    *, users: dict[str, User], orgs: dict[str, Organisation], council: Organisation, today: date
) -> None:
    # Coordinators sign off plans up to band C and £12,000 a year; the service manager signs off any plan.
    SignOffRule.objects.create(
        council=council, role=Role.COORDINATOR, bands=["A", "B", "C"], max_annual_cost=Decimal("12000")
    )
    SignOffRule.objects.create(council=council, role=Role.SERVICE_MANAGER)
    coordinator, manager = users["coordinator"], users["manager"]
    editing = _advised_case(
        "Kofi", "Mensah", received=today - timedelta(weeks=16), users=users, orgs=orgs, council=council
    )
    _editing(editing, coordinator)
    family = _family_login(users, key="parent6", full_name="Grace Adeyemi")
    commented = _advised_case(
        "Tobi",
        "Adeyemi",
        received=today - timedelta(weeks=17, days=3),
        users=users,
        orgs=orgs,
        council=council,
        parent=family,
    )
    _commented(commented, coordinator, family, today=today)
    final = _advised_case(
        "Isla", "Morgan", received=today - timedelta(weeks=21), users=users, orgs=orgs, council=council
    )
    _final(final, coordinator, manager, orgs["primary"], today=today)


def _family_login(users: dict[str, User], *, key: str, full_name: str) -> User:
    user = User(
        email=f"{key}@{DOMAIN}",
        full_name=full_name,
        role=Role.PARENT,
        password=demo.demo_password_hash(),
    )
    user.save()
    users[key] = user
    return user


def _advised_case(first, last, *, received, users, orgs, council, parent: User | None = None) -> Case:
    """A request taken through the decision to assess, advice from the EP and the SALT, and the decision to issue."""
    coordinator = users["coordinator"]
    case = case_services.log_request(
        council=council,
        child=case_services.ChildDetails(
            legal_first_name=first,
            legal_last_name=last,
            date_of_birth=received - timedelta(days=365 * 8 + 40),
            current_setting_id=orgs["primary"].pk,
        ),
        contacts=[
            case_services.ContactDetails(
                name=parent.full_name if parent else f"Sam {last}",
                relationship="mother",
                parental_responsibility=True,
                email=parent.email if parent else f"{first.lower()}.family@example.com",
            )
        ],
        received_on=received,
        route="email",
        requested_by="parent",
        coordinator=coordinator,
        primary_need="communication_interaction",
        summary=f"{first} finds spoken instructions and changes of routine hard.",
        by=users["support"],
    )
    case_services.case_transition(
        case=case, name="start_assessment_decision", by=coordinator, on=received + timedelta(days=3)
    )
    decided = received + timedelta(weeks=5)
    case = case_services.case_transition(case=case, name="agree_to_assess", by=coordinator, on=decided)
    if parent is not None:
        contact = case.child.contacts.get(relationship=FamilyContact.Relationship.MOTHER)
        contact.user = parent
        contact._history_user = coordinator
        contact.save(update_fields=["user"])
        case_services.add_team_member(case=case, role=TeamRole.FAMILY, user=parent, by=coordinator)
    requests = []
    for kind, adviser in (("psychological", users["ep"]), ("speech_and_language", users["salt"])):
        requests.append(
            (
                advice_services.request_advice(
                    case=case,
                    kind=kind,
                    asked_user=adviser,
                    by=coordinator,
                    sent_on=decided + timedelta(days=1),
                ),
                adviser,
            )
        )
    for request, adviser in requests:
        content = advice_demo.content(request.kind, assessed_on=decided + timedelta(days=10), child=first)
        if request.kind == "speech_and_language":
            # Both advisers recommend the same small-group work at different frequencies: a conflict to settle.
            content["provision"].append({**_EP_GROUP, "id": "p1", "frequency": "Twice a week"})
        else:
            content["provision"].append({**_EP_GROUP, "id": "p1"})
        advice_services.save_advice(request=request, by=adviser, changes=content)
        advice_services.submit_advice(request=request, by=adviser)
    case = Case.objects.get(pk=case.pk)
    case_services.case_transition(
        case=case, name="start_issue_decision", by=coordinator, on=received + timedelta(weeks=12)
    )
    case = case_services.case_transition(
        case=case, name="agree_to_issue", by=coordinator, on=received + timedelta(weeks=14)
    )
    services.assemble_plan(case=case, by=coordinator)
    return case


_EP_GROUP = {
    "section": "F",
    "what": "Small-group work on listening and following instructions",
    "who": "Teaching assistant trained by the speech and language therapist",
    "frequency": "3 times a week",
    "duration": "20 minutes, for 2 terms",
    "group_size": "Group of 4",
    "need": "",
    "outcome": "o0",
}


def _editing(case: Case, coordinator: User) -> None:
    """Half-way through: the views written up in A, one provision made specific; the conflict still open."""
    version = selectors.latest_version(case=case)
    services.add_item(
        version=version,
        section="A",
        fields={
            "whose": "child",
            "heading": "What Kofi says",
            "text": "I like building things and being with my friends at break. I do not like it when it is noisy.",
        },
        by=coordinator,
        expected_version=None,
    )


def _clean(version, coordinator: User):
    """Everything the checks ask for before the draft goes: views, an outcome and provision for each need, each
    flag settled."""
    content = selectors.content_of(version)
    if not content.active("A"):
        version = services.add_item(
            version=version,
            section="A",
            fields={
                "whose": "family",
                "heading": "What we want",
                "text": "To be settled and happy at school.",
            },
            by=coordinator,
            expected_version=None,
        )
    content = selectors.content_of(version)
    for need in content.active("B") + content.active("C") + content.active("D"):
        if not any(need.key in o.need_keys for o in content.active("E")):
            version = services.add_item(
                version=version,
                section="E",
                fields={
                    "description": f"Progress with: {need.description.lower()}",
                    "by_when": "By the end of the school year",
                    "measure": "The class teacher's termly review, shared with the family",
                    "need_keys": [need.key],
                },
                by=coordinator,
                expected_version=None,
            )
        if not any(need.key in p.need_keys for p in selectors.content_of(version).provision):
            outcome = selectors.content_of(version).active("E")[-1]
            section = {"B": "F", "C": "G", "D": "H2"}[need.section]
            version = services.add_item(
                version=version,
                section=section,
                fields={
                    "what": f"Support with {need.description.lower()}",
                    "who": "Class teaching assistant",
                    "frequency": "Every morning",
                    "duration": "15 minutes, for the school year",
                    "group_size": "1 to 1",
                    "need_keys": [need.key],
                    "outcome_keys": [outcome.key],
                    **(
                        {
                            "commissioner_agreed_by": "Riverside Integrated Care Board",
                            "commissioner_agreed_on": None,
                        }
                        if section == "G"
                        else {}
                    ),
                },
                by=coordinator,
                expected_version=None,
            )
    dropped: set[str] = set()
    for section, item, flag in selectors.content_of(version).open_flags():
        if item.key in dropped:
            continue
        version = services.resolve_flag(
            version=version,
            section=section,
            key=item.key,
            code=flag.code,
            resolution="Kept the therapist's frequency"
            if flag.code == "conflict"
            else "Accepted: the same need",
            by=coordinator,
            expected_version=None,
        )
        if flag.code == "conflict":
            for other in flag.with_keys:
                if other not in dropped:
                    dropped.add(other)
                    version = services.delete_item(
                        version=version,
                        section=section,
                        key=other,
                        reason="The plan keeps one frequency",
                        by=coordinator,
                        expected_version=None,
                    )
    return version


def _commented(case: Case, coordinator: User, family: User, *, today: date) -> None:
    """Sent 8 days ago; the family commented online and by letter; one comment answered."""
    version = _clean(selectors.latest_version(case=case), coordinator)
    services.send_draft(version=version, by=coordinator, on=today - timedelta(days=8))
    case = Case.objects.get(pk=case.pk)
    services.save_family_comment(
        case=case,
        by=family,
        section="F",
        text="Tobi needs the listening group every day, not three times a week: he forgets by the next session.",
    )
    services.save_family_comment(
        case=case,
        by=family,
        section="I",
        school_wanted="St Anne's Church of England Primary School",
        school_reason="His sister is there and he already knows the staff.",
        wants_meeting=True,
    )
    services.send_family_response(case=case, by=family)
    # The council is giving the listening group every day: the next version says so, and the family see it marked.
    working = selectors.latest_version(case=case)
    services.add_item(
        version=working,
        section="F",
        fields={
            "what": "Listening group with a trained teaching assistant",
            "who": "Trained teaching assistant",
            "frequency": "Every day",
            "duration": "20 minutes, for the school year",
            "group_size": "Group of 4",
        },
        by=coordinator,
        expected_version=None,
    )
    letter = services.record_family_comment(
        case=case,
        by=coordinator,
        section="A",
        text="His grandmother wrote to add that he loves swimming on Saturdays.",
        author_name="Grace Adeyemi",
        received_on=today - timedelta(days=2),
    )
    services.answer_comment(
        comment=letter,
        outcome="agreed",
        reason="Added to section A: what Tobi enjoys outside school.",
        by=coordinator,
    )


def _final(case: Case, coordinator: User, manager: User, school: Organisation, *, today: date) -> None:
    """Served at week 15, the family's comment answered, the school consulted and named, signed off, issued."""
    version = _clean(selectors.latest_version(case=case), coordinator)
    served_on = case.received_on + timedelta(weeks=15)
    services.send_draft(version=version, by=coordinator, on=served_on)
    case = Case.objects.get(pk=case.pk)
    comment = services.record_family_comment(
        case=case,
        by=coordinator,
        section="I",
        school_wanted=school.name,
        school_reason="It is our local school.",
        author_name="Sam Morgan",
        received_on=served_on + timedelta(days=6),
        response_complete=True,
    )
    services.answer_comment(
        comment=comment, outcome="agreed", reason=f"{school.name} is named in section I.", by=coordinator
    )
    consultation = services.record_consultation(
        case=case,
        by=coordinator,
        school=school,
        school_name="",
        family_named=True,
        sent_on=served_on + timedelta(days=7),
    )
    services.record_consultation_response(
        consultation=consultation,
        response="can_meet",
        response_on=served_on + timedelta(days=15),
        response_text="We can meet Isla's needs and have a place in Year 4.",
        by=coordinator,
    )
    working = selectors.latest_version(case=case)
    services.name_placement(
        version=working,
        by=coordinator,
        name="",
        setting_type=SettingType.SCHOOL,
        school=school,
        consultation=consultation,
    )
    working = _clean(selectors.latest_version(case=case), coordinator)
    services.sign_off(version=working, by=manager, band="C", annual_cost=Decimal("9500"))
    score = case.ras_scores.filter(is_current=True).first()
    services.issue_final_plan(
        version=working,
        by=coordinator,
        on=min(today, case.received_on + timedelta(weeks=19)),
        decided_band=score.band if score else "C",
        decided_amount=score.annual_amount if score else Decimal("9000"),
        actual_cost=Decimal("11200"),
    )
