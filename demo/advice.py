"""The demo's advice: services that give advice, the council's RAS, and requests in every state on the cases
being assessed, built through the advice services (so deadlines, messages, PDFs and scores are the real ones)."""

from datetime import date, timedelta

from accounts.models import Organisation, User
from advice import definitions, services
from advice.models import AdviceSettings, AdviceTeam, RasScheme
from cases.models import Case

TEAMS = (
    # (name, organisation key, kinds, lead key, member keys)
    ("Riverside Educational Psychology Service", "council", ["psychological"], "ep", ["ep2"]),
    ("Community speech and language therapy", "nhs", ["speech_and_language"], "salt", []),
    ("Children's occupational therapy", "nhs", ["occupational_therapy"], "ot", []),
    ("Community paediatrics", "nhs", ["medical"], "health", []),
    ("Children with disabilities social work team", "social_care", ["social_care"], "socialcare", []),
)

NEEDS = {
    "psychological": [
        (
            "cognition_learning",
            "SPLD",
            "Reads and spells well below the level expected for their age",
            "Reading age 2 years below; WIAT-III",
        ),
        (
            "semh",
            "SEMH",
            "Becomes anxious at changes of routine and leaves the classroom",
            "Observation in class; teacher's log",
        ),
    ],
    "speech_and_language": [
        (
            "communication_interaction",
            "SLCN",
            "Understands short instructions only; loses track of longer ones",
            "CELF-5 receptive language score 72",
        ),
    ],
    "occupational_therapy": [
        (
            "sensory_physical",
            "PD",
            "Finds handwriting and dressing slow and tiring",
            "Movement ABC-2 below the 5th centile",
        ),
    ],
    "medical": [("sensory_physical", "", "Has epilepsy, controlled by medication", "Clinic letters")],
    "social_care": [
        ("", "", "The family needs short breaks to keep caring safely", "Child in need assessment")
    ],
    "educational": [
        (
            "cognition_learning",
            "MLD",
            "Working well below age-related expectations in English and maths",
            "Teacher assessment",
        )
    ],
}
PROVISION = {
    "psychological": (
        "Precision teaching of reading",
        "A teaching assistant trained in precision teaching",
        "4 times a week",
        "20 minutes, for 2 terms",
        "1:1",
        "F",
    ),
    "speech_and_language": (
        "Language group for understanding instructions",
        "A speech and language therapy assistant",
        "Once a week",
        "30 minutes, for 10 weeks",
        "Group of 4",
        "F",
    ),
    "occupational_therapy": (
        "Handwriting and fine motor programme",
        "A teaching assistant, set up by the occupational therapist",
        "3 times a week",
        "15 minutes, for a term",
        "1:1",
        "F",
    ),
    "medical": (
        "An individual healthcare plan and staff trained to give emergency medication",
        "The school nurse trains named staff",
        "Once a year",
        "Training of 2 hours",
        "",
        "G",
    ),
    "social_care": (
        "Short breaks",
        "The short breaks service",
        "One weekend a month",
        "For 12 months",
        "",
        "H2",
    ),
    "educational": (
        "Small group maths",
        "A qualified teacher",
        "3 times a week",
        "45 minutes, for the school year",
        "Group of 6",
        "F",
    ),
}
LEVELS = {
    "psychological": {
        "communication_interaction": 1,
        "cognition_learning": 3,
        "semh": 2,
        "sensory_physical": 0,
    },
    "speech_and_language": {"communication_interaction": 3},
    "occupational_therapy": {"sensory_physical": 2},
    "medical": {"sensory_physical": 2, "semh": 0},
    "educational": {"cognition_learning": 3, "semh": 1},
}


def content(kind: str, *, assessed_on: date, child: str) -> dict:
    """Complete advice of this kind for one child, as the form saves it."""
    definition = definitions.definition(kind)
    answers = {}
    for part in (*definition.parts, *definitions.CORE_PARTS):
        for question in part.questions:
            if question.kind == "date":
                answers[question.key] = assessed_on.isoformat()
            elif question.kind == "choice":
                answers[question.key] = question.choices[0][0]
            else:
                answers[question.key] = f"{question.label}: seen and recorded for {child}."
    answers["family_summary"] = (
        f"{child} does best with short tasks, clear routines and an adult nearby to check in. "
        "This advice says what help should be in place and how we will know it is working."
    )
    needs = [
        {"id": f"n{i}", "area": area, "sen2_type": sen2, "description": text, "evidence": evidence}
        for i, (area, sen2, text, evidence) in enumerate(NEEDS.get(kind, []))
    ]
    outcomes = [
        {
            "id": "o0",
            "description": f"{child} will follow a two-step instruction in class without help",
            "by_when": "By the end of this school year",
            "measure": "Teacher's termly observation, recorded in the plan review",
            "needs": [needs[0]["id"]] if needs else [],
        }
    ]
    what, who, frequency, duration, group, section = PROVISION.get(kind, PROVISION["educational"])
    provision = [
        {
            "id": "p0",
            "section": section
            if section in (definition.provision_sections or ("F",))
            else definition.provision_sections[0],
            "what": what,
            "who": who,
            "frequency": frequency,
            "duration": duration,
            "group_size": group,
            "need": needs[0]["id"] if needs else "",
            "outcome": "o0",
        }
    ]
    return {
        "answers": answers,
        "needs": needs,
        "outcomes": outcomes,
        "provision": provision,
        "ras": {area: level for area, level in LEVELS.get(kind, {}).items() if area in definition.ras_areas},
        "declaration": True,
    }


def seed(
    *, users: dict[str, User], orgs: dict[str, Organisation], council: Organisation, today: date
) -> None:
    admin = users["admin"]
    AdviceSettings.objects.create(council=council)
    RasScheme.objects.create(
        council=council,
        name="Riverside RAS",
        effective_from=date(today.year - 3, 4, 1),
        config=services.default_ras_config(),
        created_by=admin,
    )
    places = orgs
    teams = {}
    for name, org_key, kinds, lead, members in TEAMS:
        team = AdviceTeam.objects.create(
            council=council, name=name, organisation=places[org_key], kinds=kinds
        )
        team.leads.add(users[lead])
        team.members.add(*[users[m] for m in members])
        teams[kinds[0]] = team

    assessing = list(
        Case.objects.filter(council=council, stage="assessing")
        .select_related("child", "coordinator")
        .order_by("received_on")
    )
    for index, case in enumerate(assessing):
        _case(index, case, users=users, teams=teams, today=today)


def _send(case, kind, *, by, team=None, person=None, days_after_decision=0):
    sent_on = case.assessment_decided_on + timedelta(days=days_after_decision)
    return services.request_advice(
        case=case, kind=kind, by=by, asked_team=team, asked_user=person, sent_on=sent_on
    )


def _give(request, adviser: User, *, finish: bool = True) -> None:
    child = request.case.child.preferred_name or request.case.child.legal_first_name
    full = content(request.kind, assessed_on=request.sent_on + timedelta(days=7), child=child)
    if not finish:
        full = {"answers": dict(list(full["answers"].items())[:3]), "needs": full["needs"]}
    services.save_advice(request=request, by=adviser, changes=full)
    if finish:
        services.submit_advice(request=request, by=adviser)


def _case(index: int, case: Case, *, users, teams, today: date) -> None:
    coordinator = case.coordinator or users["coordinator"]
    howard, ep2 = users["ep"], users["ep2"]
    if index % 4 == 0:
        # Advice coming in: the EP is halfway, the SALT has sent theirs with levels, the family is asked.
        ep = _send(case, "psychological", by=coordinator, team=teams["psychological"])
        services.allocate_request(request=ep, to=howard, by=howard)
        services.accept_request(request=ep, by=howard)
        _give(ep, howard, finish=False)
        salt = _send(case, "speech_and_language", by=coordinator, team=teams["speech_and_language"])
        _give(salt, users["salt"])
        family = case.team.filter(role__in=["family", "young_person"], user__isnull=False).first()
        if family is not None:
            _send(case, "family", by=coordinator, person=family.user)
    elif index % 4 == 1:
        # Late: the EP and the OT sent theirs, the paediatrician has not (an escalation is due).
        ep = _send(case, "psychological", by=coordinator, team=teams["psychological"])
        services.allocate_request(request=ep, to=ep2, by=howard)
        _give(ep, ep2)
        ot = _send(case, "occupational_therapy", by=coordinator, team=teams["occupational_therapy"])
        _give(ot, users["ot"])
        _send(case, "medical", by=coordinator, team=teams["medical"], days_after_decision=1)
    elif index % 4 == 2:
        # Sent to the wrong team and passed on (still due the same day); social care declined; one withdrawn.
        wrong = _send(case, "speech_and_language", by=coordinator, team=teams["psychological"])
        services.pass_on_request(
            request=wrong,
            to_team=teams["speech_and_language"],
            reason="Speech and language therapy is the community team's, not ours",
            by=howard,
        )
        social = _send(case, "social_care", by=coordinator, team=teams["social_care"])
        services.decline_request(
            request=social,
            reason="The family is not known to the disabilities team; ask the early help team",
            by=users["socialcare"],
        )
        extra = _send(case, "other", by=coordinator, person=users["other"])
        services.withdraw_request(
            request=extra, reason="The sensory support report from March is being reused", by=coordinator
        )
        ep = _send(case, "psychological", by=coordinator, team=teams["psychological"])
        services.allocate_request(request=ep, to=howard, by=howard)
    else:
        # Waiting for the EP service to allocate: Howard, the service's lead, sees it in his inbox to allocate.
        _send(case, "psychological", by=coordinator, team=teams["psychological"], days_after_decision=2)
        ot = _send(case, "occupational_therapy", by=coordinator, team=teams["occupational_therapy"])
        services.accept_request(request=ot, by=users["ot"])
