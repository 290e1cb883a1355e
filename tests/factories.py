"""Factories with states: `CaseFactory(stage=...)` builds a consistent case through the services."""

import datetime

import factory
from django.conf import settings

from accounts.models import Discipline, Organisation, OrganisationKind, Role, User
from cases import services
from cases.models import Case, TeamRole

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


def add_family_member(case: Case, user: User) -> None:
    services.add_team_member(case=case, role=TeamRole.FAMILY, user=user, by=_council_admin(case))


def _council_admin(case: Case) -> User:
    admin = User.objects.filter(organisation=case.council, role=Role.SERVICE_MANAGER).first()
    return admin or staff(Role.SERVICE_MANAGER, case.council)


assert settings.AUTH_USER_MODEL == "accounts.User"
