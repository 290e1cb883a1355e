"""`python manage.py seed_scale --cases N [--council NAME]`: realistic volume for benchmarks.

A documented fast path, not the services: each case's life is planned as dated steps and replayed in memory on an
unsaved `Case` (`workflow.check` allows every step, `apply_transition` stamps it as `services.case_transition`
does, `DeadlineBook` keeps the deadline rows as `services.recompute_deadlines` does after every step), then written
in batches of `--batch` cases, one transaction each: COPY on PostgreSQL, bulk_create / bulk_create_with_history
elsewhere (see `Rows`). tests/demo/test_seed_scale.py replays every case of a small seed through the services and
finds the same stage, dates and deadline rows; bench/README.md says more.

* stages in the proportions of a mature service (most cases are issued plans; a few thousand in assessment at
  50,000) with received dates spread over six years;
* deadline rows computed by `cases.statutory` (statuses from `deadline_status` with the recorded exceptions), rows
  the law stopped asking for kept as the service keeps them, and `next_due_on` / `next_deadline_code` as
  `_update_next_due` sets them;
* timeline events for every step (the services' wording), team changes, exceptions and notes;
* history rows (simple-history) for the audited models, attributed to the staff member who acted and dated when
  they acted, unless --no-history;
* one coordinator per 120 cases, so a coordinator has a typical caseload of about 90-100 open cases;
* specialist advice on every case the council agreed to assess (`demo.scale_advice`): requests with their clocks
  and `advice` deadline rows (the clocks sit on the simulated case, so `DeadlineBook` keeps those rows too), the
  advice sent with its items and RAS levels, and each case's current RAS score.
"""

import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import JSONField
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Discipline, Organisation, OrganisationKind, Role, User
from advice import definitions
from advice.models import (
    AdviceNeed,
    AdviceOutcome,
    AdviceProvision,
    AdviceRequest,
    AdviceSubmission,
    RasLevel,
    RasScore,
)
from cases import selectors, services, statutory, workflow
from cases.models import (
    AdviceClock,
    Case,
    CaseReferenceCounter,
    CaseTeamMember,
    Child,
    Deadline,
    DeadlineException,
    FamilyContact,
    Requester,
    RequestRoute,
    TeamRole,
    TimelineEvent,
)
from cases.services import search_name_for
from demo import people as demo
from demo import scale_advice

Stage = workflow.Stage
TRANSITIONS = workflow.TRANSITIONS
MAX_AGO = 6 * 365
CASES_PER_COORDINATOR = 120
DEFAULT_COUNCIL = "Northshire County Council"

# Share of all cases at each stage: a mature service holds mostly issued plans.
STAGE_WEIGHTS: dict[Stage, float] = {
    Stage.REQUEST_RECEIVED: 1.5,
    Stage.DECIDING_TO_ASSESS: 3,
    Stage.ASSESSING: 6,
    Stage.DECIDING_TO_ISSUE: 2,
    Stage.DRAFT_PLAN: 3,
    Stage.FINAL_ISSUED: 52,
    Stage.UNDER_REVIEW: 12,
    Stage.NOT_ASSESSED: 7,
    Stage.NOT_ISSUED: 2,
    Stage.WITHDRAWN: 3,
    Stage.CEASED: 7,
    Stage.TRANSFERRED_OUT: 1.5,
}
REASONS = {
    "refuse_assessment": (
        "Needs can be met through SEN support; the graduated approach has not yet been tried for two terms.",
        "Evidence shows good progress with the support already in place.",
    ),
    "refuse_plan": (
        "The assessment found needs can be met from the school's resources with an SEN support plan.",
    ),
    "withdraw": (
        "The family withdrew the request: the school has put extra support in place.",
        "The family moved out of the area before the assessment started.",
    ),
    "cease_plan": (
        "Young person started an apprenticeship and no longer needs special educational provision.",
        "Young person left education and does not wish to continue.",
        "Needs are now met without an EHC plan, agreed at annual review.",
    ),
    "transfer_out": ("The family moved to another council; the plan was transferred under reg 15.",),
}
NOTES = (
    ("Phone call with the family about next steps", True),
    ("Email from the SENCo with the updated provision map", False),
    ("Parent's views (section A) received", True),
    ("Child's views received (one-page profile)", True),
    ("Advice requested from educational psychology", True),
    ("Advice requested from the school (Appendix B)", True),
    ("Advice requested from health", True),
    ("Advice requested from social care", True),
    ("Advice received from the school", True),
    ("Advice received from educational psychology", True),
    ("Advice received from health", True),
    ("Advice received from social care", True),
    ("Case discussed in supervision", False),
    ("Interpreter booked for the next meeting", False),
    ("Family asked for a copy of the paperwork by post", True),
    ("School consultation sent", True),
    ("School responded to consultation", True),
    ("Transport application discussed with the family", True),
    ("Personal budget enquiry from the family", True),
    ("Mediation information sent to the family", True),
    ("Complaint received and logged", False),
    ("Review paperwork received from the school", True),
    ("Provision costs checked with finance", False),
)
SCHOOL_KINDS = (
    # kind, how many of 300, ages (low, high), name patterns
    (
        "primary",
        200,
        (4, 10),
        (
            "{p} Primary School",
            "St {s}'s CofE Primary School",
            "{p} Infant School",
            "{p} Junior School",
            "St {s}'s Catholic Primary School",
            "{p} Primary Academy",
        ),
    ),
    (
        "secondary",
        45,
        (11, 17),
        ("{p} Academy", "{p} High School", "{p} School", "St {s}'s Catholic High School"),
    ),
    ("special", 20, (4, 18), ("{p} Special School", "{p} School", "{p} Academy (special)")),
    ("nursery", 20, (2, 4), ("{p} Day Nursery", "{p} Nursery School", "Little {p} Pre-School")),
    ("college", 15, (16, 24), ("{p} College", "{p} Sixth Form College")),
)
PLACES = demo._split(
    "Oakwood Hillside Meadowbank Kingsmead Brookfield Ashford Thornbury Whitley Elmstead Fairfield Greenacres "
    "Hollybank Lowfield Marshgate Newbridge Northfield Parkside Queensway Redhill Southgate Stonebridge Sunnyside "
    "Templeton Upton Westfield Willowbrook Woodlands Ashgrove Beacon Birchwood Castleton Chestnut Coppice Dale "
    "Eastbrook Fernhill Foxley Glebe Harewood Heathfield Highcliffe Ivydale Kingfisher Lakeside Larkrise Linden "
    "Millfield Moorside Netherton Orchard Pinewood Riverside Rosewood Sandhill Springwell Stanton Sycamore "
    "Valley Wellgate Whitecross Windmill Wychwood Yewtree Abbeyfield Brambles Cherrytree Hawthorn Mapleton"
)
SAINTS = demo._split(
    "Mary Anne John Peter Paul Michael Joseph Margaret Andrew George Luke Thomas Bede Chad Hilda"
)
SPECIALIST_MIX = (
    (Discipline.EDUCATIONAL_PSYCHOLOGY, "council", "Educational psychologist", 4),
    (Discipline.SPEECH_AND_LANGUAGE, "nhs", "Speech and language therapist", 2),
    (Discipline.OCCUPATIONAL_THERAPY, "nhs", "Occupational therapist", 1),
    (Discipline.HEALTH, "nhs", "Community paediatrician", 2),
    (Discipline.SOCIAL_CARE, "social_care", "Social worker", 2),
    (Discipline.OTHER, "council", "Specialist teacher", 1),
)


@dataclass
class Plan:
    """One case's simulated life: where it is today and the steps (name, day after receipt) that got it there."""

    stage: Stage
    ago: int
    steps: list[tuple[str, int, str]]  # transition, days after receipt, reason
    booked: dict[int, int] = field(default_factory=dict)  # step index -> day it was recorded, if earlier
    reference: str = ""

    @property
    def closed_day(self) -> int | None:
        return self.steps[-1][1] if self.stage in workflow.CLOSED_STAGES else None


def _life(rng: random.Random) -> dict:
    """Days after receipt of each step of an assessment that ends in a plan (late cases run late)."""
    start = rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5, 7, 9, 12, 15, 20, 28, 45])
    decide = min(80, max(start + 1, int(rng.gauss(38, 8))))
    delay = int(rng.expovariate(1 / 40)) if rng.random() < 0.45 else 0
    issue_start = decide + rng.randint(35, 60) + delay
    issue_decided = issue_start + rng.randint(3, 20)
    served = issue_decided + rng.randint(3, 18)
    responded = served + rng.randint(4, 14) if rng.random() < 0.7 else None
    earliest = responded if responded is not None else served + 15
    issued = max(earliest, served + rng.randint(9, 24))
    return {
        "start": start,
        "decide": decide,
        "issue_start": issue_start,
        "issue_decided": issue_decided,
        "served": served,
        "responded": responded,
        "issued": issued,
    }


def _to_plan(life: dict, *, last: str) -> list[tuple[str, int, str]]:
    """The steps of an assessment that ends in a plan, up to and including ``last``."""
    order = [
        ("start_assessment_decision", life["start"]),
        ("agree_to_assess", life["decide"]),
        ("start_issue_decision", life["issue_start"]),
        ("agree_to_issue", life["issue_decided"]),
        ("serve_draft", life["served"]),
    ]
    if life["responded"] is not None:
        order.append(("record_family_response", life["responded"]))
    order.append(("issue_final_plan", life["issued"]))
    steps = []
    for name, day in order:
        steps.append((name, day, ""))
        if name == last:
            break
    return steps


def _reviews(rng: random.Random, issued: int, until: int) -> list[int]:
    """Annual review meetings (days after receipt) from the plan's issue up to ``until``."""
    meetings = []
    meeting = issued + rng.randint(290, 385)
    while meeting <= until:
        meetings.append(meeting)
        meeting += rng.randint(320, 390)
    return meetings


def _reviewed(meetings: list[int]) -> list[tuple[str, int, str]]:
    steps = []
    for meeting in meetings:
        steps += [("start_annual_review", meeting, ""), ("complete_annual_review", meeting, "")]
    return steps


def plan_case(rng: random.Random, stage: Stage) -> Plan:
    """A life for a case that is at ``stage`` today, with ``ago`` days since the council received it."""
    for _ in range(100):
        life = _life(rng)
        booked: dict[int, int] = {}
        if stage == Stage.REQUEST_RECEIVED:
            if life["start"] == 0:
                continue
            ago, steps = rng.randrange(0, life["start"]), []
        elif stage == Stage.DECIDING_TO_ASSESS:
            ago = rng.randrange(life["start"], life["decide"])
            steps = _to_plan(life, last="start_assessment_decision")
        elif stage == Stage.ASSESSING:
            ago = rng.randrange(life["decide"], life["issue_start"])
            steps = _to_plan(life, last="agree_to_assess")
        elif stage == Stage.DECIDING_TO_ISSUE:
            ago = rng.randrange(life["issue_start"], life["issue_decided"])
            steps = _to_plan(life, last="start_issue_decision")
        elif stage == Stage.DRAFT_PLAN:
            ago = rng.randrange(life["issue_decided"], life["issued"])
            steps = [s for s in _to_plan(life, last="record_family_response") if s[1] <= ago]
            steps = [s for s in steps if s[0] != "issue_final_plan"]
        elif stage == Stage.FINAL_ISSUED:
            ago = rng.randint(life["issued"], MAX_AGO)
            steps = _to_plan(life, last="issue_final_plan") + _reviewed(_reviews(rng, life["issued"], ago))
        elif stage == Stage.UNDER_REVIEW:
            meetings = _reviews(rng, life["issued"], MAX_AGO + 60)
            if not meetings:
                continue
            current = rng.randrange(len(meetings))
            meeting = meetings[current]
            ago = rng.randint(max(meeting - 45, life["issued"] + 1), meeting + 28)
            if ago > MAX_AGO:
                continue
            steps = _to_plan(life, last="issue_final_plan") + _reviewed(meetings[:current])
            booked[len(steps)] = min(ago, meeting - rng.randint(20, 45))
            steps.append(("start_annual_review", meeting, ""))
        elif stage == Stage.NOT_ASSESSED:
            steps = _to_plan(life, last="start_assessment_decision")
            steps.append(("refuse_assessment", life["decide"], rng.choice(REASONS["refuse_assessment"])))
            ago = rng.randint(life["decide"], MAX_AGO)
        elif stage == Stage.NOT_ISSUED:
            steps = _to_plan(life, last="start_issue_decision")
            steps.append(("refuse_plan", life["issue_decided"], rng.choice(REASONS["refuse_plan"])))
            ago = rng.randint(life["issue_decided"], MAX_AGO)
        elif stage == Stage.WITHDRAWN:
            day = rng.randint(1, life["issue_decided"] - 1)
            steps = [s for s in _to_plan(life, last="start_issue_decision") if s[1] <= day]
            steps.append(("withdraw", day, rng.choice(REASONS["withdraw"])))
            ago = rng.randint(day, MAX_AGO)
        elif stage in (Stage.CEASED, Stage.TRANSFERRED_OUT):
            if stage == Stage.CEASED:
                day = rng.randint(life["issued"] + 90, life["issued"] + 5 * 365)
                steps = _to_plan(life, last="issue_final_plan")
            else:
                day = rng.randint(life["start"] + 1, life["issued"] + 3 * 365)
                steps = [s for s in _to_plan(life, last="issue_final_plan") if s[1] <= day]
            if steps and steps[-1][0] == "issue_final_plan":
                # Reviews completed before the plan ended; a meeting that day would be the reason it ended.
                steps += _reviewed([m for m in _reviews(rng, life["issued"], day) if m < day])
            name = "cease_plan" if stage == Stage.CEASED else "transfer_out"
            steps.append((name, day, rng.choice(REASONS[name])))
            ago = rng.randint(day, MAX_AGO) if day <= MAX_AGO else -1
        else:  # pragma: no cover - every stage is listed above
            raise ValueError(stage)
        if 0 <= ago <= MAX_AGO:
            return Plan(stage=stage, ago=ago, steps=steps, booked=booked)
    raise RuntimeError(f"Could not plan a case at {stage}")


@dataclass
class Staff:
    council: Organisation
    manager: User
    support: list[User]
    coordinators: list[User]
    specialists: list[User]
    supporters: list[User]
    schools: list[tuple[Organisation, int, int]]  # school, lowest and highest age
    advice: scale_advice.AdviceStaff
    by_id: dict[int, User] = field(default_factory=dict)


@dataclass
class Built:
    """One case's rows, as dicts of attname -> value ("_by" and "_at" feed the history row)."""

    child: dict
    contacts: list[dict]
    case: dict
    team: list[dict]
    deadlines: list[dict]
    exceptions: list[dict]
    events: list[dict]
    advice: list[scale_advice.PlannedRequest] = field(default_factory=list)
    received: date | None = None


class Rows:
    """Insert rows given as dicts: PostgreSQL COPY (ids taken from the table's sequence), bulk_create elsewhere.

    COPY is what makes 50,000 cases (about 4 million rows with history) fit in minutes: Django's bulk_create
    spends most of its time building model instances and SQL. Both paths write the same columns and the same
    simple-history rows ("+", attributed to the acting user, dated when the step happened).
    """

    def __init__(self, *, history: bool, users: dict[int, User], timings: Counter):
        self.history = history
        self.users = users
        self.timings = timings
        self.copy = connection.vendor == "postgresql"

    def insert(self, model, rows: list[dict], *, ids: bool = True) -> list[int]:
        if not rows:
            return []
        started = time.perf_counter()
        audited = self.history and hasattr(model, "history")
        if self.copy:
            result = self._copy(model, rows, ids=ids or audited, audited=audited)
        else:
            result = self._bulk_create(model, rows, audited=audited)
        self.timings[model.__name__] += time.perf_counter() - started
        return result

    def _bulk_create(self, model, rows: list[dict], *, audited: bool) -> list[int]:
        objs = []
        for row in rows:
            obj = model(**{k: v for k, v in row.items() if not k.startswith("_")})
            if "_by" in row:
                obj._history_user = self.users.get(row["_by"])
            if row.get("_at") is not None:
                obj._history_date = row["_at"]
            objs.append(obj)
        if audited:
            created = bulk_create_with_history(objs, model, batch_size=2000)
        else:
            created = model.objects.bulk_create(objs, batch_size=2000)
        return [obj.pk for obj in created]

    def _copy(self, model, rows: list[dict], *, ids: bool, audited: bool) -> list[int]:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        json = {f.attname for f in fields if isinstance(f, JSONField)}
        defaults = {f.attname: f.get_default() for f in fields}
        with connection.cursor() as cursor:
            pks: list[int] = []
            if ids:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(rows)],
                )
                pks = [pk for (pk,) in cursor.fetchall()]
                for row, pk in zip(rows, pks, strict=True):
                    row[meta.pk.attname] = pk
            columns = ([meta.pk] if ids else []) + fields
            names = [f.attname for f in columns]
            self._write(
                cursor,
                meta.db_table,
                [f.column for f in columns],
                ([_plain(row.get(n, defaults.get(n)), n in json) for n in names] for row in rows),
            )
            if audited:
                history = model.history.model
                tracked = [f.attname for f in history.tracked_fields]
                now = timezone.now()
                self._write(
                    cursor,
                    history._meta.db_table,
                    [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"],
                    (
                        [
                            *(_plain(row.get(n, defaults.get(n)), n in json) for n in tracked),
                            row.get("_at") or now,
                            None,
                            "+",
                            row.get("_by"),
                        ]
                        for row in rows
                    ),
                )
        return pks

    @staticmethod
    def _write(cursor, table: str, columns: list[str], values) -> None:
        quote = connection.ops.quote_name
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in values:
                copy.write_row(row)


def _plain(value, is_json: bool):
    if is_json:
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    if isinstance(value, str) and type(value) is not str:
        return str(value)  # TextChoices / StrEnum members
    return value


class Command(BaseCommand):
    help = (
        "Seed N synthetic cases for benchmarks: children, contacts, cases, team, deadlines, exceptions, "
        "timeline and specialist advice (requests, advice sent, RAS scores), with history rows for the audited models (simple-history, attributed to the acting staff "
        "member). Batches of --batch cases, each in one transaction; on PostgreSQL rows are written with COPY "
        "(about 4 million rows for 50,000 cases), elsewhere with bulk_create / bulk_create_with_history. "
        "--no-history skips the history rows of this synthetic data. Re-running adds N more cases."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="How many cases to create")
        parser.add_argument(
            "--council", default=DEFAULT_COUNCIL, help=f"Council name (default {DEFAULT_COUNCIL})"
        )
        parser.add_argument(
            "--batch", type=int, default=5000, help="Cases per batch/transaction (default 5000)"
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1)")
        parser.add_argument("--schools", type=int, default=300, help="Schools and settings (default 300)")
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Do not write simple-history rows for the synthetic data",
        )

    def handle(self, *args, **options):
        n = options["cases"]
        if n < 1:
            raise CommandError("--cases must be at least 1")
        self.verbosity = options["verbosity"]
        rng = random.Random(options["seed"])
        self.today = selectors.today()
        self.tz = ZoneInfo(settings.TIME_ZONE)
        started = time.perf_counter()
        timings: Counter = Counter()

        staff = self.setup(options["council"], n=n, schools=options["schools"], rng=rng)
        rows = Rows(history=not options["no_history"], users=staff.by_id, timings=timings)
        self.advice = staff.advice
        self.say(f"{len(staff.coordinators)} coordinators and {len(staff.schools)} schools ready")

        stages = list(STAGE_WEIGHTS)
        weights = [STAGE_WEIGHTS[s] for s in stages]
        plans = [plan_case(rng, rng.choices(stages, weights=weights)[0]) for _ in range(n)]
        self.assign_references(plans)
        self.say(f"Planned {n:,} cases ({time.perf_counter() - started:.1f}s)")

        totals: Counter = Counter()
        batch = max(1, options["batch"])
        for first in range(0, n, batch):
            chunk = plans[first : first + batch]
            with transaction.atomic():
                tick = time.perf_counter()
                built = [self.build(plan, staff=staff, rng=rng) for plan in chunk]
                timings["simulation"] += time.perf_counter() - tick
                totals.update(self.write(built, rows=rows))
            elapsed = time.perf_counter() - started
            done = first + len(chunk)
            self.say(f"  {done:>7,}/{n:,} cases  {elapsed:6.1f}s  ({done / elapsed:,.0f} cases/s)")

        if connection.vendor == "postgresql":
            tick = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            timings["analyze"] += time.perf_counter() - tick
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{v:,} {k}" for k, v in totals.items())
        self.say(f"Seeded {n:,} cases in {elapsed:.1f}s: {summary}", style=self.style.SUCCESS)
        if self.verbosity > 1:
            self.say("Time spent: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.most_common()))

    def say(self, message: str, style=None) -> None:
        if self.verbosity:
            self.stdout.write(style(message) if style else message)

    # --- people and places --------------------------------------------------------------------------------

    def setup(self, name: str, *, n: int, schools: int, rng: random.Random) -> Staff:
        council = Organisation.objects.filter(name=name, kind=OrganisationKind.COUNCIL).first()
        if council is None:
            council = Organisation.objects.create(
                name=name, kind=OrganisationKind.COUNCIL, email="send@council.example"
            )
        place = name.split()[0]
        domain = f"{''.join(ch for ch in place.lower() if ch.isalnum()) or 'council'}.example"

        def org(kind: str, label: str) -> Organisation:
            found, _ = Organisation.objects.get_or_create(name=f"{place} {label}", kind=kind, council=council)
            return found

        orgs = {
            "council": council,
            "nhs": org(OrganisationKind.NHS, "Community Health NHS Trust"),
            "social_care": org(OrganisationKind.SOCIAL_CARE, "Children's Social Care"),
            "charity": org(OrganisationKind.CHARITY, "SENDIASS"),
        }
        school_rows = self.ensure_schools(council, schools, rng, town=place)

        wanted: list[tuple[str, dict]] = [
            ("manager", {"role": Role.SERVICE_MANAGER, "job_title": "Head of SEND", "organisation": council}),
            ("admin", {"role": Role.ADMINISTRATOR, "job_title": "Administrator", "organisation": council}),
        ]
        support_keys = [f"support{i or ''}" for i in range(4)]
        wanted += [(key, {"role": Role.BUSINESS_SUPPORT, "organisation": council}) for key in support_keys]
        coordinator_keys = [
            f"coordinator{i or ''}" for i in range(max(1, math.ceil(n / CASES_PER_COORDINATOR)))
        ]
        wanted += [
            (key, {"role": Role.COORDINATOR, "job_title": "EHC coordinator", "organisation": council})
            for key in coordinator_keys
        ]
        specialist_keys = []
        total_specialists = max(len(SPECIALIST_MIX), n // 1000)
        weight_sum = sum(m[3] for m in SPECIALIST_MIX)
        for discipline, where, title, weight in SPECIALIST_MIX:
            for i in range(max(1, round(total_specialists * weight / weight_sum))):
                key = f"{discipline.replace('_', '')}{i or ''}"
                specialist_keys.append(key)
                fields = {"role": Role.SPECIALIST, "discipline": discipline, "job_title": title}
                wanted.append((key, {**fields, "organisation": orgs[where]}))
        supporter_keys = [f"supporter{i or ''}" for i in range(3)]
        wanted += [
            (key, {"role": Role.SUPPORTER, "job_title": "SENDIASS adviser", "organisation": orgs["charity"]})
            for key in supporter_keys
        ]
        wanted += [
            (f"senco{i or ''}", {"role": Role.SENCO, "job_title": "SENCo", "organisation": school})
            for i, (school, _, _) in enumerate(school_rows)
        ]
        users = self.ensure_users(wanted, domain=domain, rng=rng)
        specialists = [users[k] for k in specialist_keys]
        advice = scale_advice.setup(
            council=council, specialists=specialists, admin=users["admin"], today=self.today
        )
        return Staff(
            council=council,
            manager=users["manager"],
            support=[users[k] for k in support_keys],
            coordinators=[users[k] for k in coordinator_keys],
            specialists=specialists,
            supporters=[users[k] for k in supporter_keys],
            schools=school_rows,
            advice=advice,
            by_id={u.pk: u for u in users.values()},
        )

    def ensure_schools(self, council: Organisation, count: int, rng: random.Random, *, town: str):
        total = sum(k[1] for k in SCHOOL_KINDS)
        rows, names = [], set()
        for kind, share, ages, patterns in SCHOOL_KINDS:
            for _ in range(max(1, round(count * share / total))):
                while True:
                    name = rng.choice(patterns).format(p=rng.choice(PLACES), s=rng.choice(SAINTS))
                    if name not in names:
                        names.add(name)
                        break
                rows.append((kind, name, ages))
        by_name = {
            o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.SCHOOL, council=council)
        }
        missing = []
        for kind, name, _ in rows:
            if name in by_name:
                continue
            address, postcode = demo.address(rng, town=town)
            missing.append(
                Organisation(
                    name=name,
                    kind=OrganisationKind.SCHOOL,
                    council=council,
                    urn=f"EY{rng.randint(100000, 999999)}"
                    if kind == "nursery"
                    else str(rng.randint(100000, 149999)),
                    phone=demo.phone(rng),
                    address=f"{address}\n{postcode}",
                )
            )
        for school in bulk_create_with_history(missing, Organisation) if missing else []:
            by_name[school.name] = school
        return [(by_name[name], ages[0], ages[1]) for _, name, ages in rows]

    def ensure_users(self, wanted, *, domain: str, rng: random.Random) -> dict[str, User]:
        emails = {f"{key}@{domain}": key for key, _ in wanted}
        found = {u.email: u for u in User.objects.filter(email__in=list(emails))}
        password = demo.demo_password_hash()
        missing = [
            User(email=f"{key}@{domain}", full_name=demo.staff_name(rng), password=password, **fields)
            for key, fields in wanted
            if f"{key}@{domain}" not in found
        ]
        for user in bulk_create_with_history(missing, User, batch_size=1000) if missing else []:
            found[user.email] = user
        return {emails[email]: user for email, user in found.items()}

    def assign_references(self, plans: list[Plan]) -> None:
        """Bump each year's counter by that year's number of cases in one locked step, then number in order."""
        by_year: dict[int, list[Plan]] = defaultdict(list)
        for plan in sorted(plans, key=lambda p: -p.ago):
            by_year[(self.today - timedelta(days=plan.ago)).year].append(plan)
        with transaction.atomic():
            for year, year_plans in sorted(by_year.items()):
                counter, _ = CaseReferenceCounter.objects.select_for_update().get_or_create(year=year)
                start = counter.last_number
                counter.last_number = start + len(year_plans)
                counter.save(update_fields=["last_number"])
                for number, plan in enumerate(year_plans, start=start + 1):
                    plan.reference = f"EHC-{year}-{number:05d}"

    # --- one batch of cases -------------------------------------------------------------------------------

    def write(self, built: list[Built], *, rows: Rows) -> Counter:
        child_ids = rows.insert(Child, [b.child for b in built])
        contacts = []
        for b, child_id in zip(built, child_ids, strict=True):
            b.case["child_id"] = child_id
            for contact in b.contacts:
                contact["child_id"] = child_id
                contacts.append(contact)
        rows.insert(FamilyContact, contacts, ids=False)
        case_ids = rows.insert(Case, [b.case for b in built])
        team, deadlines, exceptions, events = [], [], [], []
        for b, case_id in zip(built, case_ids, strict=True):
            for row in (*b.team, *b.deadlines, *b.exceptions, *b.events):
                row["case_id"] = case_id
            team += b.team
            deadlines += b.deadlines
            exceptions += b.exceptions
            events += b.events
        advice = self.write_advice(built, case_ids, rows=rows)
        rows.insert(CaseTeamMember, team, ids=False)
        rows.insert(Deadline, deadlines, ids=False)
        rows.insert(DeadlineException, exceptions, ids=False)
        rows.insert(TimelineEvent, events, ids=False)
        return Counter(
            {
                "children": len(built),
                "contacts": len(contacts),
                "cases": len(built),
                "team members": len(team),
                "deadlines": len(deadlines),
                "exceptions": len(exceptions),
                "timeline events": len(events),
                **advice,
            }
        )

    def write_advice(self, built: list[Built], case_ids: list[int], *, rows: Rows) -> dict:
        """The batch's requests for advice, then what needs their ids: the clock refs (also in the deadline rows
        and links), the advice sent with its items, and each case's current RAS score."""
        requests: list[scale_advice.PlannedRequest] = []
        for b, case_id in zip(built, case_ids, strict=True):
            for request in b.advice:
                request.rows["request"]["case_id"] = case_id
                requests.append(request)
        if not requests:
            return {}
        request_ids = rows.insert(AdviceRequest, [r.rows["request"] for r in requests])
        link = reverse("advice:request", kwargs={"request_id": 0}).removesuffix("0/")
        clocks, submitted = [], []
        for request, pk in zip(requests, request_ids, strict=True):
            request.rows["request"]["id"] = pk
            clock = request.rows["clock"]
            clock.update(case_id=request.rows["request"]["case_id"], ref=f"advice:{pk}", link=f"{link}{pk}/")
            clocks.append(clock)
            if "submission" in request.rows:
                request.rows["submission"]["request_id"] = pk
                submitted.append(request)
        for b in built:
            refs = {r.placeholder: f"advice:{r.rows['request']['id']}" for r in b.advice}
            for row in b.deadlines:
                if row["code"] == statutory.DeadlineCode.ADVICE:
                    row["ref"] = refs[row["ref"]]
        rows.insert(AdviceClock, clocks, ids=False)

        submission_ids = rows.insert(AdviceSubmission, [r.rows["submission"] for r in submitted])
        sent = []
        for request, pk in zip(submitted, submission_ids, strict=True):
            request.rows["submission"]["id"] = pk
            if request.status == scale_advice.RequestStatus.SUBMITTED:
                sent.append(request)
        # What `submit_advice` materialises: needs, outcomes (with the needs they meet), provision, RAS levels.
        needs, outcomes, links, provision, levels = [], [], [], [], []
        for request in sent:
            definition = definitions.definition(request.kind)
            submission = request.rows["submission"]
            at = {"_by": submission["_by"], "_at": submission["_at"]}
            for position, item in enumerate(request.content["needs"]):
                item_row = {
                    "submission_id": submission["id"],
                    "position": position,
                    "section": definition.needs_section,
                    "area": item.get("area", "") or "",
                    "sen2_type": item.get("sen2_type", "")[:5],
                    "description": item["description"].strip(),
                    "evidence": (item.get("evidence") or "").strip(),
                    **at,
                }
                request.rows.setdefault("needs", {})[item["id"]] = item_row
                needs.append(item_row)
        need_ids = rows.insert(AdviceNeed, needs)
        for row, pk in zip(needs, need_ids, strict=True):
            row["id"] = pk
        for request in sent:
            submission = request.rows["submission"]
            at = {"_by": submission["_by"], "_at": submission["_at"]}
            for position, item in enumerate(request.content["outcomes"]):
                item_row = {
                    "submission_id": submission["id"],
                    "position": position,
                    "description": item["description"].strip(),
                    "by_when": item["by_when"].strip(),
                    "measure": item["measure"].strip(),
                    **at,
                }
                request.rows.setdefault("outcomes", {})[item["id"]] = item_row
                outcomes.append((request, item, item_row))
        outcome_ids = rows.insert(AdviceOutcome, [o[2] for o in outcomes])
        for (request, item, row), pk in zip(outcomes, outcome_ids, strict=True):
            row["id"] = pk
            known = request.rows.get("needs", {})
            links += [
                {"adviceoutcome_id": pk, "adviceneed_id": known[n]["id"]}
                for n in item.get("needs", [])
                if n in known
            ]
        rows.insert(AdviceOutcome.needs.through, links, ids=False)
        scores = {}
        for request in sent:
            definition = definitions.definition(request.kind)
            submission = request.rows["submission"]
            at = {"_by": submission["_by"], "_at": submission["_at"]}
            known_needs, known_outcomes = request.rows.get("needs", {}), request.rows.get("outcomes", {})
            for position, item in enumerate(request.content["provision"]):
                provision.append(
                    {
                        "submission_id": submission["id"],
                        "position": position,
                        "section": item.get("section") or (definition.provision_sections or ("F",))[0],
                        "what": item["what"].strip(),
                        "who": (item.get("who") or "").strip()[:200],
                        "frequency": (item.get("frequency") or "").strip()[:200],
                        "duration": (item.get("duration") or "").strip()[:200],
                        "group_size": (item.get("group_size") or "").strip()[:100],
                        "need_id": known_needs.get(item.get("need"), {}).get("id"),
                        "outcome_id": known_outcomes.get(item.get("outcome"), {}).get("id"),
                        **at,
                    }
                )
            case_id = request.rows["request"]["case_id"]
            score = scores.setdefault(case_id, {"levels": [], "last": None})
            for area, level in request.content.get("ras", {}).items():
                if area in definition.ras_areas:
                    levels.append(
                        {"submission_id": submission["id"], "area": area, "level": int(level), **at}
                    )
                    score["levels"].append(
                        (area, int(level), request.kind, submission["author_name"], submission["id"])
                    )
            if score["last"] is None or submission["submitted_at"] > score["last"]["submitted_at"]:
                score["last"] = submission
        rows.insert(AdviceProvision, provision, ids=False)
        rows.insert(RasLevel, levels, ids=False)
        # `score_case` runs at every submission; the current score is the one the last submission left.
        ras_rows = []
        for case_id, score in scores.items():
            if not score["levels"]:
                continue
            last = score["last"]
            on = timezone.localdate(last["submitted_at"])
            row = scale_advice.score_row(self.advice, score["levels"], scored_on=on)
            ras_rows.append(
                {
                    **row,
                    "case_id": case_id,
                    "created_at": last["submitted_at"],
                    "_by": last["author_id"],
                    "_at": last["submitted_at"],
                }
            )
        rows.insert(RasScore, ras_rows, ids=False)
        return {
            "advice requests": len(requests),
            "advice sent": len(sent),
            "advice items": len(needs) + len(outcomes) + len(provision) + len(levels),
            "RAS scores": len(ras_rows),
        }

    def advice_rows(
        self, request: scale_advice.PlannedRequest, *, book, on, rng: random.Random, by: User, leads: dict
    ) -> None:
        """The rows of one request for advice that need no ids yet: the request, its clock and its advice."""
        Status = scale_advice.RequestStatus
        sent_on = on(request.sent)
        closed_at = self.at(on(request.closed), rng) if request.closed is not None else None
        created_at = self.at(sent_on, rng)
        allocated = request.adviser.pk if request.allocated else None
        # Created, allocated, then each step the adviser took (accept, start, submit) or the close.
        steps = {Status.SENT: 0, Status.ACCEPTED: 1, Status.IN_PROGRESS: 2, Status.SUBMITTED: 2}
        last_by = request.adviser.pk if request.status != Status.SENT else by.pk
        request.rows["request"] = {
            "kind": request.kind,
            "asked_team_id": request.team.pk,
            "allocated_to_id": allocated,
            "status": request.status.value,
            "sent_on": sent_on,
            "due_on": book.rows[(statutory.DeadlineCode.ADVICE.value, request.placeholder)]["due_on"],
            "declined_reason": scale_advice.DECLINE_REASON if request.status == Status.DECLINED else "",
            "withdrawn_reason": scale_advice.WITHDRAW_REASON if request.status == Status.WITHDRAWN else "",
            "created_by_id": by.pk,
            "created_at": created_at,
            "closed_at": closed_at,
            "version": 1 + (allocated is not None) + steps.get(request.status, 1),
            "_by": by.pk if request.status == Status.WITHDRAWN else last_by,
            "_at": closed_at or created_at,
        }
        clock = scale_advice.clock(request, received=on(0))
        request.rows["clock"] = {
            "label": scale_advice.label(request)[:200],
            "requested_on": clock.requested_on,
            "received_on": clock.received_on,
            "cancelled": clock.cancelled,
            "adviser_id": allocated,
            "adviser_manager_id": leads[request.kind],
            "_by": request.rows["request"]["_by"],
            "_at": request.rows["request"]["_at"],
        }
        if request.content is None:
            return
        submitted = request.status == Status.SUBMITTED
        answers = {k: v for k, v in request.content.items() if k != "declaration"}
        assessed = answers["answers"].get("assessed_on")
        request.rows["submission"] = {
            "number": 1,
            "author_id": request.adviser.pk,
            "author_name": request.adviser.full_name,
            "author_role": request.adviser.job_title,
            "answers": answers,
            "assessed_on": date.fromisoformat(assessed) if assessed else None,
            "family_summary": answers["answers"].get("family_summary", ""),
            "declaration": submitted,
            "submitted_at": closed_at if submitted else None,
            # Started, saved, and sent.
            "version": 3 if submitted else 2,
            "_by": request.adviser.pk,
            "_at": closed_at if submitted else created_at,
        }

    def at(self, day: date, rng: random.Random) -> datetime:
        minute = int(rng.random() * 540)
        return datetime(day.year, day.month, day.day, 8 + minute // 60, minute % 60, tzinfo=self.tz)

    def build(self, plan: Plan, *, staff: Staff, rng: random.Random) -> Built:  # noqa: C901
        today = self.today
        received = today - timedelta(days=plan.ago)

        def on(day: int) -> date:
            return received + timedelta(days=day)

        # The child and family.
        fam = demo.family(rng)
        band = rng.choices(AGE_BANDS, cum_weights=AGE_CUM_WEIGHTS)[0]
        age = rng.randint(*band)
        dob = demo.date_of_birth(rng, age=age, on=received)
        age_now = statutory.age_on(dob, today)
        fitting = [s for s in staff.schools if s[1] <= age_now <= s[2]]
        setting = rng.choice(fitting)[0] if fitting and rng.random() < 0.93 else None
        address, postcode = demo.address(rng, town=staff.council.name.split()[0])
        support = rng.choice(staff.support)
        created = self.at(received, rng)
        child = {
            "council_id": staff.council.pk,
            "legal_first_name": fam.first_name,
            "legal_last_name": fam.last_name,
            "preferred_name": fam.first_name[:3] if rng.random() < 0.03 else "",
            "date_of_birth": dob,
            "gender": fam.gender,
            "ethnicity": fam.ethnicity,
            "home_languages": fam.home_languages,
            "interpreter_needed": fam.interpreter_needed,
            "address": address,
            "postcode": postcode,
            "upn": demo.upn(rng) if 4 <= age_now <= 16 else "",
            "uln": demo.uln(rng) if age_now >= 14 else "",
            "nhs_number": demo.nhs_number(rng) if rng.random() < 0.8 else "",
            "current_setting_id": setting.pk if setting else None,
            "created_at": created,
            "_by": support.pk,
            "_at": created,
        }
        child["search_name"] = search_name_for(SimpleNamespace(**child))

        young_person = age >= 16 and rng.random() < 0.5
        requested_by = (
            Requester.YOUNG_PERSON
            if young_person
            else rng.choices(REQUESTERS, cum_weights=REQUESTER_CUM_WEIGHTS)[0]
        )
        route = rng.choices(ROUTES, cum_weights=ROUTE_CUM_WEIGHTS)[0]
        contacts = []
        if young_person:
            name = f"{fam.first_name} {fam.last_name}"
            contacts.append(
                {
                    "name": name,
                    "relationship": FamilyContact.Relationship.SELF,
                    "email": f"{demo.email_local(name)}@example.com",
                    "phone": demo.phone(rng),
                    "is_main_contact": True,
                }
            )
        contacts.append(
            {
                "name": fam.parent_name,
                "relationship": fam.parent_relationship,
                "parental_responsibility": fam.parent_relationship in ("mother", "father"),
                "email": f"{demo.email_local(fam.parent_name)}@example.com",
                "phone": demo.phone(rng),
                "address": address,
                "is_main_contact": not young_person,
            }
        )
        if rng.random() < 0.3:
            other = "father" if fam.parent_relationship == "mother" else "mother"
            first = rng.choice(demo.PARENT_FIRST["male" if other == "father" else "female"])
            contacts.append(
                {
                    "name": f"{first} {fam.last_name}",
                    "relationship": other,
                    "parental_responsibility": True,
                    "phone": demo.phone(rng),
                }
            )
        for contact in contacts:
            contact.update(_by=support.pk, _at=created)

        # Who works on it.
        coordinator = None
        if plan.stage != Stage.REQUEST_RECEIVED or rng.random() < 0.6:
            coordinator = rng.choice(staff.coordinators)
        end_day = plan.closed_day if plan.closed_day is not None else plan.ago
        events: list[dict] = []
        team: list[dict] = []

        def event(day, kind, summary, actor, *, detail="", family=True, when=None):
            events.append(
                {
                    "kind": kind,
                    "summary": summary[:300],
                    "detail": detail,
                    "actor_id": actor.pk if actor else None,
                    "occurred_at": when or self.at(on(min(day, plan.ago)), rng),
                    "visible_to_family": family,
                }
            )

        def member(day, role, *, by, user=None, organisation=None, ends=None):
            starts = on(min(day, plan.ago))
            team.append(
                {
                    "user_id": user.pk if user else None,
                    "organisation_id": organisation.pk if organisation else None,
                    "role": role,
                    "starts_on": starts,
                    "ends_on": on(ends) if ends is not None else None,
                    "added_by_id": by.pk if by else None,
                    "_by": by.pk if by else None,
                    "_at": self.at(starts, rng),
                }
            )

        event(
            0,
            TimelineEvent.Kind.CREATED,
            f"Request received on {received:%-d %B %Y} by {RequestRoute(route).label.lower()}",
            support,
            when=created,
        )
        if setting is not None:
            member(0, TeamRole.SCHOOL, organisation=setting, by=support)
        previous = handover = None
        if coordinator is not None:
            allocated = min(rng.randint(0, 5), plan.ago)
            if end_day > 400 and rng.random() < 0.2:
                candidate = rng.choice(staff.coordinators)
                if candidate.pk != coordinator.pk:
                    previous, handover = candidate, rng.randint(allocated + 1, end_day)
            first = previous or coordinator
            member(allocated, TeamRole.COORDINATOR, user=first, by=support, ends=handover)
            event(
                allocated, TimelineEvent.Kind.ALLOCATED, f"{first.full_name} is now the coordinator", support
            )
            if previous is not None:
                member(handover, TeamRole.COORDINATOR, user=coordinator, by=support)
                event(
                    handover,
                    TimelineEvent.Kind.ALLOCATED,
                    f"{coordinator.full_name} is now the coordinator (was {previous.full_name})",
                    support,
                )
        versions = 1 + (coordinator is not None) + (previous is not None)

        def coordinator_on(day: int) -> User | None:
            if previous is not None and day < handover:
                return previous
            return coordinator

        # Replay the steps on an unsaved Case: the workflow's own guard decides whether each step could be taken,
        # its Transition says what it stamps, `selectors.case_facts` and `Case.statutory_dates` read the case as
        # the services do, and the deadline rows are kept as recompute_deadlines keeps them after every step.
        sim = Case(
            received_on=received, coordinator_id=coordinator.pk if coordinator else None, **INITIAL_STATE
        )
        sim.child = Child(date_of_birth=dob)

        # Advice: asked of the specialists who join the team when the council agrees to assess. Each request's
        # clock is on the simulated case from the start, in its final state: an advice row never stops arising,
        # so every later recompute leaves it as the services' last recompute does.
        names = [step[0] for step in plan.steps]
        advisers: list[User] = []
        requests: list[scale_advice.PlannedRequest] = []
        if "agree_to_assess" in names:
            at = names.index("agree_to_assess")
            decided = plan.steps[at][1]
            left = plan.steps[at + 1][1] if at + 1 < len(plan.steps) else None
            complex_case = left is not None and rng.random() < scale_advice.COMPLEX_SHARE
            advisers = scale_advice.advisers_for(rng, staff.specialists, complex_case=complex_case)
            requests = scale_advice.plan_requests(
                rng,
                advisers,
                staff=staff.advice,
                decided=decided,
                left=left,
                ago=plan.ago,
                child=fam.first_name,
                received=received,
                complex_case=complex_case,
            )
        simulate_clocks(sim, [scale_advice.clock(r, received=received) for r in requests])
        book = DeadlineBook(today=today)
        book.recompute(sim)  # logging the request

        specialists_added = False
        for index, (name, day, reason) in enumerate(plan.steps):
            when = on(day)
            actor = coordinator_on(day) or staff.manager
            step = workflow.check(
                name,
                facts=selectors.case_facts(sim),
                role=Role.COORDINATOR,
                on=when,
                today=today,
                reason=reason,
            )
            before = workflow.Stage(sim.stage)
            apply_transition(sim, step, on=when, reason=reason)
            book.recompute(sim)
            versions += 1
            summary = step.label
            if step.target is not None and step.target != before:
                summary = (
                    f"{step.label}: {workflow.STAGE_LABELS[before]} → {workflow.STAGE_LABELS[step.target]}"
                )
            by = rng.choice(staff.support) if name in ROUTER_STEPS else actor
            recorded = plan.booked.get(index, day)
            event(recorded, TimelineEvent.Kind.TRANSITION, f"{summary} ({when:%-d %B %Y})", by, detail=reason)
            if name == "agree_to_assess" and not specialists_added:
                specialists_added = True
                for specialist in dict.fromkeys(advisers):
                    # Access ends a set time after their last request closes, as `_end_access` records it.
                    mine = [r for r in requests if r.adviser.pk == specialist.pk]
                    ends = None
                    if mine and all(r.closed is not None for r in mine):
                        ends = max(r.closed for r in mine) + scale_advice.ACCESS_DAYS
                    member(day, TeamRole.SPECIALIST, user=specialist, by=actor, ends=ends)
                    event(
                        day,
                        TimelineEvent.Kind.TEAM,
                        f"{specialist.full_name} joined the team as specialist",
                        actor,
                    )
        if plan.stage != sim.stage:
            raise CommandError(f"Simulated case ended at {sim.stage}, not {plan.stage}")
        current = coordinator or staff.manager
        if rng.random() < 0.03:
            supporter = rng.choice(staff.supporters)
            day = rng.randint(0, end_day)
            member(day, TeamRole.SUPPORTER, user=supporter, by=coordinator_on(day) or staff.manager)
            event(
                day, TimelineEvent.Kind.TEAM, f"{supporter.full_name} joined the team as supporter", current
            )

        # A lawful exception for some of the late decisions, so KPIs have breaches "with exceptions" too
        # (recorded after the steps, as record_exception does: it recomputes the deadlines once more).
        exceptions = []
        late = [
            spec
            for spec in statutory.compute_deadlines(sim.statutory_dates())
            if spec.code in EXCUSABLE and statutory.deadline_status(spec, today=today) == MISSED
        ]
        if late and rng.random() < 0.25:
            spec = rng.choice(late)
            kind = rng.choice(EXCEPTION_KINDS)
            starts = spec.starts_on + timedelta(days=rng.randint(7, 30))
            ends = starts + timedelta(days=rng.randint(28, 60))
            recorded_at = self.at(min(ends, today), rng)
            reason = EXCEPTION_REASONS[kind]
            exceptions.append(
                {
                    "kind": kind.value,
                    "codes": [],
                    "starts_on": starts,
                    "ends_on": ends,
                    "reason": reason,
                    "recorded_by_id": current.pk,
                    "recorded_at": recorded_at,
                    "_by": current.pk,
                    "_at": recorded_at,
                }
            )
            event(
                (min(ends, today) - received).days,
                TimelineEvent.Kind.EXCEPTION,
                f"Exception recorded: {statutory.EXCEPTION_LABELS[kind]} ({starts:%-d %b %Y} to {ends:%-d %b %Y})",
                current,
                detail=reason,
                family=False,
                when=recorded_at,
            )
            book.recompute(
                sim, exceptions=[statutory.RecordedException(kind=kind, starts_on=starts, ends_on=ends)]
            )

        deadlines = [
            {"code": code, "ref": ref, **row, "_by": current.pk, "_at": created}
            for (code, ref), row in book.rows.items()
        ]
        nearest = book.next_due()

        for request in requests:
            self.advice_rows(
                request,
                book=book,
                on=on,
                rng=rng,
                by=coordinator_on(request.sent) or staff.manager,
                leads=staff.advice.leads,
            )
            kind = scale_advice.KIND_LABELS[request.kind]
            sent_by = coordinator_on(request.sent) or staff.manager
            due = request.rows["request"]["due_on"]
            event(
                request.sent,
                TimelineEvent.Kind.NOTE,
                f"Asked for {kind.lower()} from {request.team.name}, due {due:%-d %B %Y}",
                sent_by,
            )
            if request.status == scale_advice.RequestStatus.SUBMITTED:
                event(
                    request.closed,
                    TimelineEvent.Kind.NOTE,
                    f"{kind} received from {request.adviser.full_name}",
                    request.adviser,
                )
            elif request.status == scale_advice.RequestStatus.DECLINED:
                event(
                    request.closed,
                    TimelineEvent.Kind.NOTE,
                    f"{kind}: {request.adviser.full_name} cannot give this advice",
                    request.adviser,
                    detail=scale_advice.DECLINE_REASON,
                    family=False,
                )
            elif request.status == scale_advice.RequestStatus.WITHDRAWN:
                event(
                    request.closed,
                    TimelineEvent.Kind.NOTE,
                    f"{kind} request withdrawn",
                    sent_by,
                    detail=scale_advice.WITHDRAW_REASON,
                )

        # Notes: the everyday work between the statutory steps, more of it the longer the case has run.
        years = end_day / 365
        for _ in range(max(0, int(rng.gauss(7 + 4 * years, 3)))):
            text, family = rng.choice(NOTES)
            event(rng.randint(0, end_day), TimelineEvent.Kind.NOTE, text, current, family=family)

        primary, secondary, summary = demo.need(rng)
        case = {
            "reference": plan.reference,
            "council_id": staff.council.pk,
            "received_on": received,
            "route": route,
            "requested_by": requested_by,
            "coordinator_id": coordinator.pk if coordinator else None,
            "primary_need": primary,
            "secondary_need": secondary,
            "summary": summary,
            **{name: getattr(sim, name) for name in INITIAL_STATE},
            "next_due_on": nearest[0] if nearest else None,
            "next_deadline_code": nearest[1] if nearest else "",
            "version": versions,
            "created_at": created,
            "created_by_id": support.pk,
            "_by": current.pk,
            "_at": max(e["occurred_at"] for e in events),
        }
        return Built(child, contacts, case, team, deadlines, exceptions, events, requests, received)


# The fast path's two copies of service code, kept to the letter of the service and proved equal to it by
# tests/demo/test_seed_scale.py (which replays every seeded case through the services): what case_transition does to
# the case beyond what its Transition declares, and how recompute_deadlines keeps rows. Everything else is decided
# by cases.workflow (check, TRANSITIONS) and cases.statutory (compute_deadlines, deadline_status).


def apply_transition(case: Case, step: workflow.Transition, *, on: date, reason: str) -> None:
    """What `services.case_transition` does to the case once `workflow.check` allowed the step: the service's own."""
    services.apply_transition(case, step, on=on, reason=reason)


def simulate_clocks(case: Case, clocks: list) -> None:
    """Give an unsaved case its advice clocks, as a prefetch would: `Case.statutory_dates` reads them through the
    related manager, which wants a primary key before it looks at the prefetched rows."""
    case.pk = 0
    case._prefetched_objects_cache = {"advice_clocks": clocks}


class DeadlineBook:
    """A case's deadline rows in memory, kept as `services.recompute_deadlines` keeps them in the database."""

    def __init__(self, *, today: date):
        self.today = today
        self.rows: dict[tuple[str, str], dict] = {}

    def recompute(self, case: Case, *, exceptions: list[statutory.RecordedException] = ()) -> None:
        seen = set()
        for spec in statutory.compute_deadlines(case.statutory_dates()):
            key = (spec.code.value, spec.ref)
            seen.add(key)
            status = statutory.deadline_status(spec, today=self.today, exceptions=exceptions).value
            met_on = spec.met_on
            if spec.kind == WINDOW and met_on is None and status == MET:
                met_on = spec.due_on
            self.rows[key] = {
                "kind": spec.kind.value,
                "starts_on": spec.starts_on,
                "due_on": spec.due_on,
                "met_on": met_on,
                "status": status,
            }
        for key, row in self.rows.items():
            if key in seen or row["met_on"] is not None or row["status"] == CANCELLED:
                continue
            held = case.last_review_meeting_on
            if key[0] == statutory.DeadlineCode.ANNUAL_REVIEW and held and held >= row["starts_on"]:
                row["met_on"] = held
                row["status"] = MET if held <= row["due_on"] else MISSED.value
            else:
                row["status"] = CANCELLED

    def next_due(self) -> tuple[date, str] | None:
        """(due_on, code) of the nearest deadline still to meet, as `_update_next_due` picks it."""
        pending = [
            (row["due_on"], code)
            for (code, _), row in self.rows.items()
            if row["met_on"] is None and row["status"] != CANCELLED
        ]
        return min(pending, default=None)


# Every case field a transition stamps (its date and flags), the stage and the closure, as a new request has them.
INITIAL_STATE = {
    "stage": Stage.REQUEST_RECEIVED.value,
    **{t.sets_date: None for t in TRANSITIONS.values() if t.sets_date},
    **{flag: None for t in TRANSITIONS.values() for flag, _ in t.sets_flags},
    "last_review_meeting_on": None,
    "closed_on": None,
    "closure_reason": "",
}
ROUTER_STEPS = frozenset({"start_assessment_decision", "record_family_response"})
AGE_BANDS = ((2, 4), (5, 10), (11, 15), (16, 19), (20, 24))
AGE_CUM_WEIGHTS = list(accumulate((14, 46, 30, 8, 2)))
REQUESTERS = (Requester.PARENT, Requester.SCHOOL, Requester.OTHER)
REQUESTER_CUM_WEIGHTS = list(accumulate((62, 34, 4)))
ROUTES = (RequestRoute.ONLINE, RequestRoute.EMAIL, RequestRoute.LETTER, RequestRoute.API)
ROUTE_CUM_WEIGHTS = list(accumulate((50, 30, 12, 8)))
EXCUSABLE = frozenset({statutory.DeadlineCode.ASSESSMENT_DECISION, statutory.DeadlineCode.ISSUE_DECISION})
EXCEPTION_KINDS = (
    statutory.ExceptionKind.ABSENT_FROM_AREA,
    statutory.ExceptionKind.PERSONAL_CIRCUMSTANCES,
    statutory.ExceptionKind.SCHOOL_CLOSURE,
)
EXCEPTION_REASONS = {
    statutory.ExceptionKind.ABSENT_FROM_AREA: "The family were abroad for a family emergency for over four weeks.",
    statutory.ExceptionKind.PERSONAL_CIRCUMSTANCES: "Serious illness in the family; the family asked us to pause.",
    statutory.ExceptionKind.SCHOOL_CLOSURE: "The school was closed for the summer holidays when its advice was asked for.",
}
MISSED = statutory.DeadlineStatus.MISSED
CANCELLED = statutory.DeadlineStatus.CANCELLED.value
MET = statutory.DeadlineStatus.MET.value
WINDOW = statutory.DeadlineKind.WINDOW
