"""Specialist advice for `seed_scale`: the same fast path as its cases, planned in memory and written in bulk.

For each case the council agreed to assess, the specialists who joined the team that day are asked for advice
through their discipline's service (an `AdviceTeam` per discipline, its first specialist the lead who allocates),
each request with the `AdviceClock` and `advice` deadline row that `advice.services.request_advice` and
`cases.services.record_advice_clock` would leave (the clocks are put on the simulated case, and `DeadlineBook`
keeps the rows as `recompute_deadlines` does). On cases past the assessment most advice was sent, with its needs,
outcomes, provision and RAS levels as `advice.services.submit_advice` materialises them; on cases still being
assessed requests are sent, accepted, in progress (a draft) or overdue. Each case with levels gets the current
`RasScore` that `advice.services.score_case` stores, computed by `advice.ras` with the council's `RasScheme`.

tests/demo/test_seed_scale.py holds this to the services: the deadline rows are what `recompute_deadlines` gives
from the clocks, each submission passes `advice.checks.errors`, and each stored score is what `score_case` gives.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from accounts.models import Discipline, Organisation, User
from advice import definitions, ras
from advice import selectors as advice_selectors
from advice.models import (
    KIND_CHOICES,
    AdviceSettings,
    AdviceTeam,
    RasScheme,
    RequestStatus,
)
from advice.services import default_ras_config
from cases import statutory
from cases.models import AdviceClock
from demo.advice import content as advice_content

# The discipline each seeded specialist writes advice for (specialist teachers are on teams but give none here).
KIND_OF = {
    Discipline.EDUCATIONAL_PSYCHOLOGY: definitions.Kind.PSYCHOLOGICAL.value,
    Discipline.SPEECH_AND_LANGUAGE: definitions.Kind.SPEECH_AND_LANGUAGE.value,
    Discipline.OCCUPATIONAL_THERAPY: definitions.Kind.OCCUPATIONAL_THERAPY.value,
    Discipline.HEALTH: definitions.Kind.MEDICAL.value,
    Discipline.SOCIAL_CARE: definitions.Kind.SOCIAL_CARE.value,
}
TEAM_NAMES = {
    definitions.Kind.PSYCHOLOGICAL.value: "Educational Psychology Service",
    definitions.Kind.SPEECH_AND_LANGUAGE.value: "Speech and language therapy",
    definitions.Kind.OCCUPATIONAL_THERAPY.value: "Children's occupational therapy",
    definitions.Kind.MEDICAL.value: "Community paediatrics",
    definitions.Kind.SOCIAL_CARE.value: "Children with disabilities social work team",
}
KIND_LABELS = dict(KIND_CHOICES)
# A complex case: twelve advices (several from some disciplines), as the case-page benchmark reads.
COMPLEX_SHARE = 0.01
COMPLEX_REQUESTS = 12
DECLINE_REASON = "The child is not known to this service; the referral should go to the early help team."
WITHDRAW_REASON = "An existing report from this service is being reused instead."
# Level weights 0-4: most children in assessment score in the middle of the scale.
LEVEL_WEIGHTS = (1, 3, 4, 3, 1)
# What an adviser keeps after their request closes (AdviceSettings' default), so the team row ends then.
ACCESS_DAYS = AdviceSettings._meta.get_field("access_days_after_close").default


@dataclass
class AdviceStaff:
    teams: dict[str, AdviceTeam]  # kind -> team
    leads: dict[str, int]  # kind -> the user id of the team's lead (who hears of its requests)
    scheme: RasScheme
    ras_scheme: ras.Scheme


@dataclass
class PlannedRequest:
    """One request for advice on one case; days are counted from the case's receipt."""

    kind: str
    team: AdviceTeam
    adviser: User
    sent: int
    status: str
    allocated: bool
    closed: int | None = None  # the day it was submitted, declined or withdrawn
    content: dict | None = None  # the draft or the advice sent
    placeholder: str = ""  # the clock's ref until the request has its id
    rows: dict = field(default_factory=dict)  # filled in when written


def setup(*, council: Organisation, specialists: list[User], admin: User, today: date) -> AdviceStaff:
    """The council's advice settings, one service per discipline (its first specialist leads it) and a RAS."""
    AdviceSettings.objects.get_or_create(council=council)
    scheme, _ = RasScheme.objects.get_or_create(
        council=council,
        effective_from=date(today.year - 8, 4, 1),
        defaults={"name": f"{council.name} RAS", "config": default_ras_config(), "created_by": admin},
    )
    teams, leads = {}, {}
    for kind, name in TEAM_NAMES.items():
        staff = [s for s in specialists if KIND_OF.get(s.discipline) == kind]
        if not staff:
            continue
        team, created = AdviceTeam.objects.get_or_create(
            council=council,
            name=name,
            defaults={"organisation": staff[0].organisation, "kinds": [kind]},
        )
        if created:
            team.leads.add(staff[0])
            team.members.add(*staff[1:])
        teams[kind] = team
        leads[kind] = team.leads.order_by("id").values_list("id", flat=True).first()
    return AdviceStaff(
        teams=teams, leads=leads, scheme=scheme, ras_scheme=advice_selectors.scheme_from(scheme)
    )


def advisers_for(rng: random.Random, specialists: list[User], *, complex_case: bool) -> list[User]:
    """Who is asked on one case: the specialists who join its team (twelve requests' worth on a complex case)."""
    if not complex_case:
        return rng.sample(specialists, k=min(len(specialists), rng.randint(1, 3)))
    giving = [s for s in specialists if s.discipline in KIND_OF]
    return [rng.choice(giving) for _ in range(COMPLEX_REQUESTS)]


def plan_requests(
    rng: random.Random,
    advisers: list[User],
    *,
    staff: AdviceStaff,
    decided: int,
    left: int | None,
    ago: int,
    child: str,
    received: date,
    complex_case: bool,
) -> list[PlannedRequest]:
    """The requests made after the decision to assess on day `decided`; `left` is the day the assessment ended
    (None while it goes on, `ago` being today)."""
    planned = []
    end = left if left is not None else ago
    for index, adviser in enumerate(advisers):
        kind = KIND_OF.get(adviser.discipline)
        if kind is None or kind not in staff.teams:
            continue
        sent = min(decided + rng.randint(0, 6), end)
        request = PlannedRequest(
            kind=kind,
            team=staff.teams[kind],
            adviser=adviser,
            sent=sent,
            status=RequestStatus.SENT,
            allocated=True,
            placeholder=f"advice:#{index}",
        )
        roll = rng.random()
        if left is not None:
            if complex_case or roll < 0.9:
                request.status = RequestStatus.SUBMITTED
                request.closed = min(sent + rng.randint(14, 56), left)
            else:
                request.status = RequestStatus.DECLINED if roll < 0.95 else RequestStatus.WITHDRAWN
                request.closed = min(sent + rng.randint(1, 10), left)
        else:
            age = ago - sent
            if roll < 0.35 and age >= 7:
                request.status = RequestStatus.SUBMITTED
                request.closed = sent + rng.randint(7, min(age, 56))
            elif roll < 0.55:
                # Waiting for the service's lead to allocate it.
                request.allocated = rng.random() < 0.5
            elif roll < 0.7:
                request.status = RequestStatus.ACCEPTED
            else:
                request.status = RequestStatus.IN_PROGRESS
        if request.status in (RequestStatus.SUBMITTED, RequestStatus.IN_PROGRESS):
            assessed = received + timedelta(days=min(sent + 7, request.closed if request.closed else ago))
            full = advice_content(kind, assessed_on=assessed, child=child)
            areas = definitions.definition(kind).ras_areas
            full["ras"] = {area: rng.choices(range(5), weights=LEVEL_WEIGHTS)[0] for area in areas}
            if request.status == RequestStatus.IN_PROGRESS:
                # Saved halfway, as `save_advice` keeps a draft: the first answers and the needs.
                full = {
                    "answers": dict(list(full["answers"].items())[:3]),
                    "needs": full["needs"],
                    "outcomes": [],
                    "provision": [],
                    "ras": {},
                }
            request.content = full
        planned.append(request)
    return planned


def clock(request: PlannedRequest, *, received: date) -> AdviceClock:
    """The clock `record_advice_clock` keeps for the request (ref still a placeholder)."""
    return AdviceClock(
        ref=request.placeholder,
        requested_on=received + timedelta(days=request.sent),
        received_on=received + timedelta(days=request.closed)
        if request.status == RequestStatus.SUBMITTED
        else None,
        cancelled=request.status in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN),
    )


def label(request: PlannedRequest) -> str:
    """Who was asked, as `advice.services._label` words it."""
    return f"{KIND_LABELS[request.kind]} from {request.team.name}"


def score_row(staff: AdviceStaff, levels: list[tuple[str, int, str, str, int]], *, scored_on: date) -> dict:
    """The current `RasScore` that `score_case` stores, from (area, level, discipline, author, submission id)
    in the order `current_ras_levels` reads them (area, then submission)."""
    opinions = [
        ras.Opinion(area=area, level=level, discipline=kind, author=author, source=f"advice:{submission_id}")
        for area, level, kind, author, submission_id in sorted(levels, key=lambda lv: (lv[0], lv[4]))
    ]
    result = ras.score(scheme=staff.ras_scheme, opinions=opinions, setting_type="mainstream")
    # The same stored form as advice.services.score_case keeps.
    return {"scheme_id": staff.scheme.pk, "scored_on": scored_on, **result.stored(), "is_current": True}


def due_on(requested_on: date) -> date:
    return statutory.add_weeks(requested_on, 6)
