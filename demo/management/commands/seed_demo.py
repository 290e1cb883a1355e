"""`python manage.py seed_demo`: one made-up council with people in every role and ~45 families' cases.

Every case is built through the services (log_request, allocate_coordinator, case_transition with the date
each step happened, record_exception, add_team_member), acting as the demo user whose job it is, so history,
timeline and deadlines are exactly what the service would have produced. Dates are relative to today, so the
demo always has deadlines missed, due this week (red), within three weeks (amber) and later (green).

Idempotent: if the council already exists the command only prints the demo logins.
"""

import dataclasses
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Discipline, Organisation, OrganisationKind, Role, User
from cases import selectors, services, statutory, workflow
from cases.models import Case, CaseTeamMember, FamilyContact, TeamRole, TimelineEvent
from demo import advice as advice_demo
from demo import people as demo
from demo import portal as portal_demo

COUNCIL_NAME = "Riverside Borough Council"
DOMAIN = "riverside.example"
TOWN = "Riverside"
SEED = 2026


@dataclass(frozen=True)
class Account:
    key: str  # the part of the email before @riverside.example
    role: str
    # The persona's first name where the account plays one (Laura the coordinator, Corinne in business support...);
    # every surname, and every other name, is drawn at run time from the name lists in cases/demo.py.
    first_name: str
    job_title: str
    org: str
    discipline: str = ""


# Meera, the vocal parent, and Daniel, who is new to the country and less confident in English.
PARENT_PERSONAS = {
    "parent": ("Meera", FamilyContact.Relationship.MOTHER, ""),
    "parent2": ("Daniel", FamilyContact.Relationship.FATHER, "Portuguese, English"),  # or the family's own
}

# The people who work on cases. Family logins (parent@, youngperson@...) are made with their family's case.
ACCOUNTS: tuple[Account, ...] = (
    Account("coordinator", Role.COORDINATOR, "Laura", "EHC coordinator", "council"),
    Account("coordinator2", Role.COORDINATOR, "", "EHC coordinator", "council"),
    Account("coordinator3", Role.COORDINATOR, "", "Senior EHC coordinator", "council"),
    Account("manager", Role.SERVICE_MANAGER, "Susan", "Head of SEND assessment and review", "council"),
    Account("support", Role.BUSINESS_SUPPORT, "Corinne", "SEND business support officer", "council"),
    Account("support2", Role.BUSINESS_SUPPORT, "", "SEND business support assistant", "council"),
    Account("admin", Role.ADMINISTRATOR, "", "SEND systems administrator", "council"),
    Account(
        "ep",
        Role.SPECIALIST,
        "Howard",
        "Senior educational psychologist",
        "council",
        Discipline.EDUCATIONAL_PSYCHOLOGY,
    ),
    Account(
        "ep2",
        Role.SPECIALIST,
        "",
        "Educational psychologist",
        "council",
        Discipline.EDUCATIONAL_PSYCHOLOGY,
    ),
    Account(
        "salt",
        Role.SPECIALIST,
        "",
        "Speech and language therapist",
        "nhs",
        Discipline.SPEECH_AND_LANGUAGE,
    ),
    Account(
        "ot",
        Role.SPECIALIST,
        "",
        "Occupational therapist",
        "nhs",
        Discipline.OCCUPATIONAL_THERAPY,
    ),
    Account("health", Role.SPECIALIST, "", "Community paediatrician", "nhs", Discipline.HEALTH),
    Account(
        "socialcare",
        Role.SPECIALIST,
        "",
        "Social worker, children with disabilities team",
        "social_care",
        Discipline.SOCIAL_CARE,
    ),
    Account(
        "other",
        Role.SPECIALIST,
        "",
        "Specialist teacher, sensory support service",
        "council",
        Discipline.OTHER,
    ),
    Account("panel", Role.PANEL_MEMBER, "Sonia", "SEND panel chair", "council"),
    Account("panel2", Role.PANEL_MEMBER, "", "Designated clinical officer", "nhs"),
    Account("panel3", Role.PANEL_MEMBER, "", "Headteacher representative", "council"),
    Account("senco", Role.SENCO, "Leo", "SENCo", "primary"),
    Account("senco2", Role.SENCO, "", "SENCo and assistant headteacher", "secondary"),
    Account("senco3", Role.SENCO, "", "Deputy headteacher and SENCo", "special"),
    Account("senco4", Role.SENCO, "", "Setting SENCo", "nursery"),
    Account("supporter", Role.SUPPORTER, "Pamela", "SENDIASS adviser", "sendiass"),
)

ORGANISATIONS = {
    # key: (name, kind, URN or ODS code)
    "nhs": ("Riverside Community Health NHS Trust", OrganisationKind.NHS, "RVX"),
    "social_care": ("Riverside Children's Social Care", OrganisationKind.SOCIAL_CARE, ""),
    "sendiass": ("Riverside SENDIASS", OrganisationKind.CHARITY, ""),
    "primary": ("St Anne's Church of England Primary School", OrganisationKind.SCHOOL, "148213"),
    "secondary": ("Riverside Academy", OrganisationKind.SCHOOL, "142907"),
    "special": ("Oakfield School", OrganisationKind.SCHOOL, "131554"),
    "nursery": ("Little Acorns Day Nursery", OrganisationKind.SCHOOL, "EY562341"),
}
AGES = {"nursery": (2, 4), "primary": (4, 10), "secondary": (11, 15), "special": (5, 16)}

Step = tuple[str, int]  # a transition and the number of days after receipt it happened


@dataclass(frozen=True)
class Story:
    """One family's case: where it should end up and the steps that got it there."""

    ago: int  # days between the council receiving the request and today
    stage: str
    steps: tuple[Step, ...] = ()
    coordinator: int | None = 0  # index into the three coordinators; None = waiting for allocation
    setting: str = "primary"
    age: int | None = None
    route: str = "email"
    requested_by: str = "parent"
    # (kind, from, to, why) with from/to in days after receipt
    exceptions: tuple[tuple[str, int, int, str], ...] = ()
    specialists: tuple[str, ...] = ()  # join the team the day the assessment is agreed
    panel: tuple[str, ...] = ()  # join the team when the case goes to panel
    login: str = ""  # a parent (or young person) login for this family
    supporter: bool = False
    reallocate: tuple[int, int] | None = None  # (coordinator index, day)
    extra: dict = field(default_factory=dict)


START = ("start_assessment_decision", 3)


def assessed(agree: int = 38, start: int = 3) -> tuple[Step, ...]:
    return (("start_assessment_decision", start), ("agree_to_assess", agree))


def issued(
    issue: int, *, agree: int = 104, serve: int = 112, respond: int | None = None, assess: int = 38
) -> tuple[Step, ...]:
    steps = assessed(assess) + (
        ("start_issue_decision", min(agree - 12, 92)),
        ("agree_to_issue", agree),
        ("serve_draft", serve),
    )
    if respond is not None:
        steps += (("record_family_response", respond),)
    return (*steps, ("issue_final_plan", issue))


def reviewed(meeting: int) -> tuple[Step, ...]:
    return (("start_annual_review", meeting), ("complete_annual_review", meeting))


ABSENT = statutory.ExceptionKind.ABSENT_FROM_AREA.value
PERSONAL = statutory.ExceptionKind.PERSONAL_CIRCUMSTANCES.value
CLOSURE = statutory.ExceptionKind.SCHOOL_CLOSURE.value

STORIES: tuple[Story, ...] = (
    # New requests waiting for business support to allocate a coordinator.
    Story(1, "request_received", coordinator=None, route="letter", age=6),
    Story(4, "request_received", coordinator=None, requested_by="school", setting="secondary"),
    Story(9, "request_received", coordinator=None, route="online"),
    Story(16, "request_received", coordinator=None, setting="nursery"),
    Story(24, "request_received", coordinator=0),
    Story(37, "request_received", coordinator=1, setting="secondary"),
    # Deciding whether to assess (6 weeks from receipt).
    Story(14, "deciding_to_assess", (START,), coordinator=0),
    Story(30, "deciding_to_assess", (START,), coordinator=0, setting="special"),
    Story(39, "deciding_to_assess", (START,), coordinator=1, panel=("panel", "panel2")),
    Story(49, "deciding_to_assess", (START,), coordinator=0, setting="secondary"),
    Story(
        63,
        "deciding_to_assess",
        (START,),
        coordinator=2,
        exceptions=(
            (
                ABSENT,
                7,
                49,
                "The family were in Pakistan caring for a seriously ill grandparent; school confirmed the absence.",
            ),
        ),
    ),
    Story(33, "deciding_to_assess", (START,), coordinator=2, panel=("panel", "panel3"), setting="nursery"),
    # Assessing: advice being gathered (decision whether to issue due at 16 weeks).
    Story(60, "assessing", assessed(37), coordinator=0, specialists=("ep", "salt"), login="parent4"),
    Story(
        95, "assessing", assessed(40), coordinator=0, specialists=("ep", "ot", "health"), setting="special"
    ),
    Story(106, "assessing", assessed(41), coordinator=1, specialists=("ep2", "socialcare")),
    Story(125, "assessing", assessed(42), coordinator=0, specialists=("ep", "salt"), supporter=True),
    Story(
        84,
        "assessing",
        assessed(35, start=2),
        coordinator=2,
        setting="secondary",
        age=17,
        route="online",
        requested_by="young_person",
        specialists=("ep2", "other"),
        login="youngperson",
        supporter=True,
    ),
    Story(
        70,
        "assessing",
        assessed(50, start=6),
        coordinator=1,
        specialists=("ep",),
        exceptions=(
            (
                PERSONAL,
                55,
                100,
                "Mum is in hospital after major surgery; the family asked us to pause appointments until she is home.",
            ),
        ),
    ),
    Story(45, "assessing", assessed(41, start=2), coordinator=2, specialists=("ep", "socialcare")),
    # Deciding whether to issue a plan (16 weeks).
    Story(
        105,
        "deciding_to_issue",
        (*assessed(39), ("start_issue_decision", 92)),
        coordinator=0,
        specialists=("ep", "salt"),
        panel=("panel", "panel2", "panel3"),
    ),
    Story(
        98,
        "deciding_to_issue",
        (*assessed(36, start=2), ("start_issue_decision", 85)),
        coordinator=1,
        specialists=("ep2",),
        panel=("panel",),
        login="parent5",
        setting="secondary",
    ),
    Story(
        126,
        "deciding_to_issue",
        (*assessed(40), ("start_issue_decision", 100)),
        coordinator=2,
        specialists=("ep",),
        setting="special",
        exceptions=(
            (
                CLOSURE,
                53,
                97,
                "Oakfield School was closed for the summer holidays when its advice was requested "
                "(closed for 6 weeks; window from one week before closing to one week before re-opening).",
            ),
        ),
    ),
    Story(
        118,
        "deciding_to_issue",
        (*assessed(41, start=4), ("start_issue_decision", 95)),
        coordinator=0,
        specialists=("ep", "ot"),
    ),
    # Draft plan: being written, with the family, or with their comments back (final plan at 20 weeks).
    Story(
        112,
        "draft_plan",
        (*assessed(38), ("start_issue_decision", 88), ("agree_to_issue", 104)),
        coordinator=0,
        specialists=("ep",),
    ),
    Story(
        128,
        "draft_plan",
        (*assessed(38), ("start_issue_decision", 88), ("agree_to_issue", 100)),
        coordinator=1,
        specialists=("ep2", "health"),
        setting="special",
    ),
    Story(
        126,
        "draft_plan",
        (*assessed(38), ("start_issue_decision", 90), ("agree_to_issue", 105), ("serve_draft", 123)),
        coordinator=0,
        specialists=("ep", "salt"),
        login="parent",
        supporter=True,
    ),
    Story(
        135,
        "draft_plan",
        (*assessed(40), ("start_issue_decision", 90), ("agree_to_issue", 102), ("serve_draft", 118)),
        coordinator=1,
        specialists=("ep2",),
        login="parent2",
        setting="secondary",
    ),
    Story(
        152,
        "draft_plan",
        (
            *assessed(40),
            ("start_issue_decision", 95),
            ("agree_to_issue", 110),
            ("serve_draft", 125),
            ("record_family_response", 136),
        ),
        coordinator=2,
        specialists=("ep", "ot"),
    ),
    # Final plans: on time, late, reviewed, review overdue, review coming up.
    Story(200, "final_issued", issued(133, respond=121), coordinator=0, specialists=("ep", "salt")),
    Story(
        260,
        "final_issued",
        issued(176, agree=150, serve=158, respond=170),
        coordinator=0,
        reallocate=(1, 60),
        specialists=("ep2",),
    ),
    Story(560, "final_issued", issued(131, agree=100, serve=110), coordinator=0, specialists=("ep",)),
    Story(480, "final_issued", issued(127), coordinator=2, specialists=("ep", "health"), setting="special"),
    Story(700, "final_issued", issued(138) + reviewed(478), coordinator=0, specialists=("ep",)),
    Story(
        650,
        "final_issued",
        issued(139) + reviewed(489),
        coordinator=1,
        specialists=("ep2", "salt"),
        login="parent3",
    ),
    # Annual reviews under way (meeting dates ahead).
    Story(
        480,
        "under_review",
        (*issued(128), ("start_annual_review", 480 + 18)),
        coordinator=0,
        specialists=("ep",),
        setting="secondary",
    ),
    Story(440, "under_review", (*issued(140), ("start_annual_review", 440 + 35)), coordinator=1),
    Story(
        720,
        "under_review",
        (*issued(140), *reviewed(500), ("start_annual_review", 720 + 50)),
        coordinator=2,
        setting="special",
    ),
    # Closed.
    Story(
        160,
        "not_assessed",
        (START, ("refuse_assessment", 40)),
        coordinator=1,
        supporter=True,
        extra={
            "reason": "The school's SEN support has not yet been tried for two terms; needs can be met at SEN support."
        },
    ),
    Story(
        400,
        "not_assessed",
        (("start_assessment_decision", 5), ("refuse_assessment", 44)),
        coordinator=2,
        extra={"reason": "Evidence shows good progress with the support already in place."},
    ),
    Story(
        300,
        "not_issued",
        (*assessed(39, start=2), ("start_issue_decision", 88), ("refuse_plan", 110)),
        coordinator=0,
        specialists=("ep",),
        extra={
            "reason": "The assessment found needs can be met from the school's resources with an SEN support plan."
        },
    ),
    Story(
        75,
        "withdrawn",
        (START, ("withdraw", 20)),
        coordinator=1,
        extra={
            "reason": "The family withdrew the request: the school has added daily speech and language support."
        },
    ),
    Story(
        230,
        "withdrawn",
        (*assessed(40), ("withdraw", 70)),
        coordinator=2,
        setting="secondary",
        extra={"reason": "The family moved to a school in Wales and withdrew the request."},
    ),
    Story(
        690,
        "ceased",
        (*issued(135), ("cease_plan", 660)),
        coordinator=0,
        setting="secondary",
        age=17,
        extra={
            "reason": "Young person started an apprenticeship and no longer needs special educational provision."
        },
    ),
    Story(
        600,
        "transferred_out",
        (*issued(138), ("transfer_out", 400)),
        coordinator=1,
        extra={
            "reason": "The family moved to Hilltop County Council; the plan was transferred under reg 15."
        },
    ),
    Story(
        90,
        "transferred_out",
        (*assessed(40, start=2), ("transfer_out", 70)),
        coordinator=2,
        extra={"reason": "The family moved to Hilltop County Council during the assessment."},
    ),
)

# Who does each step: business support route and record, coordinators decide.
ROUTER_STEPS = {"start_assessment_decision", "record_family_response"}
NEEDS_REASON = {"refuse_assessment", "refuse_plan", "withdraw", "cease_plan", "transfer_out"}
FAMILY_LOGINS = ("parent", "parent2", "parent3", "parent4", "parent5", "youngperson")


class Command(BaseCommand):
    help = (
        "Create the Riverside Borough Council demo: staff, specialists, schools, a SENDIASS, and about 45 families "
        "with cases at every stage, built through the services. Does nothing if the council already exists."
    )

    def handle(self, *args, **options):
        existing = Organisation.objects.filter(name=COUNCIL_NAME, kind=OrganisationKind.COUNCIL).first()
        if existing is not None:
            self.stdout.write(f"{COUNCIL_NAME} already exists: nothing to do.")
        elif User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
            raise CommandError(
                f"Accounts @{DOMAIN} exist but {COUNCIL_NAME} does not: remove them or use a fresh database."
            )
        else:
            started = timezone.now()
            # The demo's messages are written to the outbox and marked sent, but no mail leaves the machine and
            # none is printed over the login table.
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
                transaction.atomic(),
            ):
                Seeder(rng=random.Random(SEED), today=selectors.today()).run()
            seconds = (timezone.now() - started).total_seconds()
            self.stdout.write(self.style.SUCCESS(f"Seeded {COUNCIL_NAME} in {seconds:.1f}s."))
        self.print_logins()

    def print_logins(self) -> None:
        users = User.objects.filter(email__endswith=f"@{DOMAIN}").select_related("organisation")
        order = {key: i for i, key in enumerate([a.key for a in ACCOUNTS] + list(FAMILY_LOGINS))}
        rows = sorted(users, key=lambda u: (order.get(u.email.split("@")[0], len(order)), u.email))
        if not rows:
            return
        labels = dict(Role.choices)
        width = max(len(u.email) for u in rows)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every one: {settings.DEMO_PASSWORD})")
        self.stdout.write("")
        self.stdout.write(f"  {'role':<20} {'email':<{width}}  who")
        cases = {
            m.user_id: m.case
            for m in CaseTeamMember.objects.filter(
                user__in=rows, role__in=[TeamRole.FAMILY, TeamRole.YOUNG_PERSON]
            ).select_related("case__child")
        }
        for user in rows:
            who = user.full_name
            where = [part for part in (user.job_title, _org_name(user)) if part]
            if user.pk in cases:
                case = cases[user.pk]
                stage = workflow.STAGE_LABELS[workflow.Stage(case.stage)].lower()
                whose = "own case" if user.role == Role.YOUNG_PERSON else f"{case.child.known_as}'s family"
                where.append(f"{whose}, {case.reference}, {stage}")
            if where:
                who += f" ({', '.join(where)})"
            self.stdout.write(f"  {str(labels.get(user.role, user.role)):<20} {user.email:<{width}}  {who}")
        self.stdout.write("")
        self.print_second_factor()

    def print_second_factor(self) -> None:
        """Staff sign-ins ask for a code from an authenticator app after the password: say how the demo passes."""
        self.stdout.write(
            "Second factor: council staff and administrators enter a code from an authenticator app."
        )
        if settings.DEMO_TOTP_BYPASS:
            self.stdout.write(
                f"  Demo: DEMO_TOTP_BYPASS is on, so anyone without an app set up enters {settings.DEMO_TOTP_CODE}."
            )
        else:
            self.stdout.write(
                f"  `make run` turns on DEMO_TOTP_BYPASS (with DEBUG), so demo staff enter {settings.DEMO_TOTP_CODE};"
            )
            self.stdout.write(
                "  without it, each sets up an authenticator app on first sign-in (QR code and key)."
            )
        self.stdout.write("  A service with DEBUG off refuses to start with DEMO_TOTP_BYPASS on.")
        self.stdout.write("")


def _org_name(user: User) -> str:
    if user.organisation is None or user.organisation.kind == OrganisationKind.COUNCIL:
        return ""
    return user.organisation.name


class Seeder:
    def __init__(self, *, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.users: dict[str, User] = {}
        self.orgs: dict[str, Organisation] = {}
        self.minute = 0

    # --- people and places ---------------------------------------------------------------------------

    def run(self) -> None:
        self.make_organisations()
        for account in ACCOUNTS:
            self.make_user(
                account.key,
                role=account.role,
                full_name=demo.staff_name(self.rng, first=account.first_name),
                job_title=account.job_title,
                organisation=self.orgs[account.org],
                discipline=account.discipline,
            )
        self.coordinators = [
            self.users["coordinator"],
            self.users["coordinator2"],
            self.users["coordinator3"],
        ]
        for index, story in enumerate(STORIES):
            case = self.tell(story, index)
            case.refresh_from_db()
            if case.stage != story.stage:
                raise CommandError(f"Story {index} ended at {case.stage}, not {story.stage}")
        advice_demo.seed(users=self.users, orgs=self.orgs, council=self.orgs["council"], today=self.today)
        portal_demo.seed(users=self.users)

    def make_organisations(self) -> None:
        council = Organisation.objects.create(
            name=COUNCIL_NAME,
            kind=OrganisationKind.COUNCIL,
            email=f"send@{DOMAIN}",
            phone="0117 496 0000",
            address=f"Town Hall\nMarket Street\n{TOWN}\nRV1 1AA",
        )
        self.orgs["council"] = council
        for key, (name, kind, code) in ORGANISATIONS.items():
            address, postcode = demo.address(self.rng, town=TOWN)
            self.orgs[key] = Organisation.objects.create(
                name=name,
                kind=kind,
                council=council,
                urn=code,
                email=f"{key.replace('_', '')}@{DOMAIN}",
                phone=demo.phone(self.rng),
                address=f"{address}\n{postcode}",
            )

    def make_user(self, key: str, *, role: str, full_name: str, organisation=None, **extra) -> User:
        user = User(
            email=f"{key}@{DOMAIN}",
            full_name=full_name,
            role=role,
            organisation=organisation,
            password=demo.demo_password_hash(),
            phone=demo.phone(self.rng),
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
            **extra,
        )
        user.save()
        self.users[key] = user
        return user

    # --- one family's case -------------------------------------------------------------------------------

    def tell(self, story: Story, index: int) -> Case:
        rng = self.rng
        received = self.today - timedelta(days=story.ago)
        young_person = story.requested_by == "young_person"
        fam = demo.family(rng)
        persona = PARENT_PERSONAS.get(story.login)
        if persona:
            first, relationship, languages = persona
            fam = dataclasses.replace(
                fam,
                parent_name=f"{first} {fam.last_name}",
                parent_relationship=relationship,
                home_languages=(fam.home_languages if fam.home_languages != "English" else languages)
                if languages
                else fam.home_languages,
                interpreter_needed=bool(languages),
            )
        low, high = AGES[story.setting]
        age = story.age if story.age is not None else rng.randint(low, high)
        dob = demo.date_of_birth(rng, age=age, on=received)
        primary, secondary, summary = demo.need(rng)
        address, postcode = demo.address(rng, town=TOWN)
        setting = self.orgs[story.setting]
        support = self.users["support" if index % 3 else "support2"]
        coordinator = self.coordinators[story.coordinator] if story.coordinator is not None else None

        login_email = f"{story.login}@{DOMAIN}" if story.login else ""
        child_name = f"{fam.first_name} {fam.last_name}"
        contacts = []
        if young_person:
            contacts.append(
                services.ContactDetails(
                    name=child_name,
                    relationship=FamilyContact.Relationship.SELF,
                    parental_responsibility=False,
                    email=login_email or f"{demo.email_local(child_name)}@example.com",
                    phone=demo.phone(rng),
                    address=address,
                )
            )
        contacts.append(
            services.ContactDetails(
                name=fam.parent_name,
                relationship=fam.parent_relationship,
                parental_responsibility=fam.parent_relationship
                in (FamilyContact.Relationship.MOTHER, FamilyContact.Relationship.FATHER),
                email=(login_email if story.login and not young_person else "")
                or f"{demo.email_local(fam.parent_name)}@example.com",
                phone=demo.phone(rng),
                address=address,
            )
        )
        in_school = story.setting != "nursery"
        details = services.ChildDetails(
            legal_first_name=fam.first_name,
            legal_last_name=fam.last_name,
            date_of_birth=dob,
            gender=fam.gender,
            ethnicity=fam.ethnicity,
            home_languages=fam.home_languages,
            interpreter_needed=fam.interpreter_needed,
            address=address,
            postcode=postcode,
            upn=demo.upn(rng) if in_school else "",
            uln=demo.uln(rng) if age >= 14 else "",
            nhs_number=demo.nhs_number(rng),
            current_setting_id=setting.pk,
        )
        if story.requested_by == "school":
            summary = f"Request from {setting.name}. {summary}"
        self.minute = 0
        case = self.stamped(
            received,
            services.log_request,
            council=self.orgs["council"],
            child=details,
            contacts=contacts,
            received_on=received,
            route=story.route,
            requested_by=story.requested_by,
            primary_need=primary,
            secondary_need=secondary,
            summary=summary,
            by=support,
        )

        # Everything else that happened, in date order.
        actions: list[tuple[int, int, str, tuple]] = []
        if coordinator is not None:
            actions.append((min(1, story.ago), 0, "allocate", (story.coordinator, support)))
        if story.reallocate:
            actions.append((story.reallocate[1], 0, "allocate", (story.reallocate[0], support)))
        if story.login:
            actions.append((min(3, story.ago), 1, "login", (fam,)))
        if story.supporter:
            actions.append((min(5, story.ago), 1, "team", ("supporter", TeamRole.SUPPORTER)))
        for order, (name, day) in enumerate(story.steps):
            actions.append((day, 2 + order, "step", (name,)))
            if name == "agree_to_assess":
                for key in story.specialists:
                    actions.append((day, 2 + order, "team", (key, TeamRole.SPECIALIST)))
            if name in ("start_assessment_decision", "start_issue_decision"):
                for key in story.panel:
                    actions.append((day, 2 + order, "team", (key, TeamRole.PANEL)))
        for kind, start, end, why in story.exceptions:
            actions.append((min(end + 1, story.ago), 50, "exception", (kind, start, end, why)))
        actions.sort(key=lambda a: (a[0], a[1]))

        current = coordinator
        for day, _, what, args in actions:
            on = received + timedelta(days=day)
            actor = current or self.users["manager"]
            if what == "allocate":
                current = self.coordinators[args[0]]
                case = self.stamped(
                    on, services.allocate_coordinator, case=case, coordinator=current, by=args[1]
                )
            elif what == "team":
                self.stamped(
                    on, services.add_team_member, case=case, role=args[1], user=self.users[args[0]], by=actor
                )
            elif what == "login":
                self.stamped(on, self.family_login, case=case, key=story.login, fam=args[0], by=actor)
            elif what == "exception":
                kind, start, end, why = args
                self.stamped(
                    on,
                    services.record_exception,
                    case=case,
                    kind=kind,
                    starts_on=received + timedelta(days=start),
                    ends_on=received + timedelta(days=end),
                    reason=why,
                    by=actor,
                )
            else:
                name = args[0]
                recorded = on
                if on > self.today:  # a review meeting booked ahead: booked about six weeks before it
                    recorded = max(min(on - timedelta(days=42), self.today), received)
                case = self.stamped(
                    recorded,
                    services.case_transition,
                    case=case,
                    name=name,
                    by=support if name in ROUTER_STEPS else actor,
                    on=on,
                    reason=story.extra.get("reason", "") if name in NEEDS_REASON else "",
                )
        return case

    def family_login(self, *, case: Case, key: str, fam: demo.Family, by: User):
        young_person = case.requested_by == "young_person"
        child_name = case.child.full_name
        role = Role.YOUNG_PERSON if young_person else Role.PARENT
        user = self.make_user(key, role=role, full_name=child_name if young_person else fam.parent_name)
        relationship = FamilyContact.Relationship.SELF if young_person else fam.parent_relationship
        contact = case.child.contacts.get(relationship=relationship)
        contact.user = user
        contact._history_user = by
        contact.save(update_fields=["user"])
        team_role = TeamRole.YOUNG_PERSON if young_person else TeamRole.FAMILY
        return services.add_team_member(case=case, role=team_role, user=user, by=by)

    def stamped(self, at: date, action, /, **kwargs):
        """Run a service call and date its timeline entries to the day it happened, not the day we seeded.

        The services stamp timeline events with the clock; backdating them (a plain update: timeline events
        carry no history) makes the demo's timeline read in the order the story happened.
        """
        last = TimelineEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        result = action(**kwargs)
        self.minute += 7
        when = timezone.make_aware(datetime.combine(at, time(9, 0))) + timedelta(minutes=self.minute)
        TimelineEvent.objects.filter(pk__gt=last).update(occurred_at=when)
        return result
