"""Factories with states: `CaseFactory(stage=...)` builds a consistent case through the services."""

import dataclasses
import datetime

import factory
from django.conf import settings

from accounts import services as account_services
from accounts.models import Discipline, Organisation, OrganisationKind, Role, User
from cases import selectors, services
from cases.models import Case, TeamRole
from cases.workflow import Stage

PASSWORD = "correct-horse-battery-staple"


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Borough Council {n}")
    kind = OrganisationKind.COUNCIL


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Park Lane Primary School {n}")
    kind = OrganisationKind.SCHOOL
    council = factory.SubFactory(CouncilFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.COORDINATOR
    organisation = factory.SubFactory(CouncilFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.lazy_attribute
    def discipline(self):
        return Discipline.EDUCATIONAL_PSYCHOLOGY if self.role == Role.SPECIALIST else ""


def staff(role: str, council: Organisation, **kwargs) -> User:
    return UserFactory(role=role, organisation=council, **kwargs)


def child_details(**overrides) -> services.ChildDetails:
    values = {
        "legal_first_name": "Amara",
        "legal_last_name": "Okafor",
        "date_of_birth": datetime.date(2017, 5, 14),
    }
    values.update(overrides)
    return services.ChildDetails(**values)


_counter = {"n": 0}


def make_case(
    *,
    council: Organisation | None = None,
    by: User | None = None,
    received_on: datetime.date | None = None,
    coordinator: User | None = None,
    school: Organisation | None = None,
    first_name: str | None = None,
    last_name: str = "Okafor",
    date_of_birth: datetime.date = datetime.date(2017, 5, 14),
    **kwargs,
) -> Case:
    """Log a request through the service (so deadlines, team and timeline are real)."""
    council = council or (by.organisation if by else CouncilFactory())
    by = by or staff(Role.BUSINESS_SUPPORT, council)
    _counter["n"] += 1
    received_on = received_on or datetime.date.today() - datetime.timedelta(days=10)
    return services.log_request(
        council=council,
        child=child_details(
            legal_first_name=first_name or f"Child{_counter['n']}",
            legal_last_name=last_name,
            date_of_birth=date_of_birth,
            current_setting_id=school.pk if school else None,
        ),
        contacts=[
            services.ContactDetails(name="Parent Okafor", relationship="mother", email="parent@example.org")
        ],
        received_on=received_on,
        route="email",
        requested_by="parent",
        coordinator=coordinator,
        by=by,
        **kwargs,
    )


@dataclasses.dataclass(frozen=True)
class Step:
    """One real transition on the way to a stage, dated `weeks` after the request was received."""

    name: str
    weeks: int
    reason: str = ""


_TO_ASSESSING = (Step("start_assessment_decision", 1), Step("agree_to_assess", 5))
_TO_DECIDING_TO_ISSUE = (*_TO_ASSESSING, Step("start_issue_decision", 12))
_TO_DRAFT_PLAN = (*_TO_DECIDING_TO_ISSUE, Step("agree_to_issue", 14))
# Served in week 15, the family reply in week 16 (inside their 15 days), the plan issued in week 19: on time.
_TO_FINAL_ISSUED = (
    *_TO_DRAFT_PLAN,
    Step("serve_draft", 15),
    Step("record_family_response", 16),
    Step("issue_final_plan", 19),
)

# How a case reaches each stage of `cases.workflow`, the way a council would take it there, on sensible dates.
JOURNEYS: dict[Stage, tuple[Step, ...]] = {
    Stage.REQUEST_RECEIVED: (),
    Stage.DECIDING_TO_ASSESS: (Step("start_assessment_decision", 1),),
    Stage.ASSESSING: _TO_ASSESSING,
    Stage.NOT_ASSESSED: (
        Step("start_assessment_decision", 1),
        Step("refuse_assessment", 5, "The support the school already gives meets the child's needs"),
    ),
    Stage.DECIDING_TO_ISSUE: _TO_DECIDING_TO_ISSUE,
    Stage.DRAFT_PLAN: _TO_DRAFT_PLAN,
    Stage.NOT_ISSUED: (
        *_TO_DECIDING_TO_ISSUE,
        Step("refuse_plan", 14, "The needs can be met from the school's own resources"),
    ),
    Stage.FINAL_ISSUED: _TO_FINAL_ISSUED,
    # The first review meeting is arranged for about 11 months after the plan: it may be in the future.
    Stage.UNDER_REVIEW: (*_TO_FINAL_ISSUED, Step("start_annual_review", 67)),
    Stage.CEASED: (*_TO_FINAL_ISSUED, Step("cease_plan", 30, "The family moved to Scotland")),
    Stage.WITHDRAWN: (
        Step("start_assessment_decision", 1),
        Step("withdraw", 2, "The family withdrew the request"),
    ),
    Stage.TRANSFERRED_OUT: (*_TO_ASSESSING, Step("transfer_out", 8, "The family moved to another council")),
}

# Only a review meeting may be dated ahead; every other step records something that has happened.
_MAY_BE_AHEAD = {"start_annual_review"}


def journey(stage: Stage | str, *, draft_served: bool = False) -> tuple[Step, ...]:
    steps = JOURNEYS[Stage(stage)]
    if draft_served and Stage(stage) == Stage.DRAFT_PLAN:
        steps = (*steps, Step("serve_draft", 15))
    return steps


class CaseFactory(factory.django.DjangoModelFactory):
    """`CaseFactory(stage=Stage.DRAFT_PLAN)`: a case logged and taken to that stage through the real services.

    The request is logged by business support and each step is a real `case_transition` by the coordinator, on
    the dates in `JOURNEYS`, so the deadline rows, the timeline, the history and the messages are exactly what
    the services produce. By default the request was received long enough ago for the last step to have
    happened ten days ago; give `received_on` to place it yourself. `draft_served=True` also sends the draft at
    the draft plan stage. Create only (a case is never built without saving).
    """

    class Meta:
        model = Case

    stage = Stage.REQUEST_RECEIVED
    council = factory.SubFactory(CouncilFactory)
    coordinator = factory.LazyAttribute(lambda o: staff(Role.COORDINATOR, o.council))
    logged_by = factory.LazyAttribute(lambda o: staff(Role.BUSINESS_SUPPORT, o.council))
    school = None
    received_on = None
    draft_served = False
    first_name = None
    date_of_birth = datetime.date(2017, 5, 14)

    @classmethod
    def _create(cls, model_class, *, stage, coordinator, logged_by, received_on, draft_served, **kwargs):
        steps = journey(stage, draft_served=draft_served)
        today = selectors.today()
        done = [step.weeks for step in steps if step.name not in _MAY_BE_AHEAD]
        received_on = received_on or today - datetime.timedelta(weeks=max(done, default=0), days=10)
        for step in steps:
            on = received_on + datetime.timedelta(weeks=step.weeks)
            if on > today and step.name not in _MAY_BE_AHEAD:
                raise ValueError(
                    f"received_on={received_on} is too recent for {stage}: '{step.name}' would be on {on}, "
                    "after today"
                )
        case = make_case(by=logged_by, received_on=received_on, coordinator=coordinator, **kwargs)
        for step in steps:
            case = services.case_transition(
                case=case,
                name=step.name,
                by=coordinator,
                on=received_on + datetime.timedelta(weeks=step.weeks),
                reason=step.reason,
            )
        return case


def add_family_member(case: Case, user: User) -> None:
    services.add_team_member(case=case, role=TeamRole.FAMILY, user=user, by=_council_admin(case))


def _council_admin(case: Case) -> User:
    admin = User.objects.filter(organisation=case.council, role=Role.SERVICE_MANAGER).first()
    return admin or staff(Role.SERVICE_MANAGER, case.council)


assert settings.AUTH_USER_MODEL == "accounts.User"


def api_token(user: User) -> str:
    """A working API token for `user`, as the token door issues it (only its hash is stored)."""
    return account_services.create_api_token(user=user, name="test")[1]
