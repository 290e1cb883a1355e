import pytest

from accounts.models import Organisation, OrganisationKind, Role
from tests import factories


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at production strength makes every factory user cost ~0.1 s; these tests are not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def nhs_trust(council):
    return Organisation.objects.create(name="Riverside NHS Trust", kind=OrganisationKind.NHS, council=council)


@pytest.fixture
def charity(council):
    return Organisation.objects.create(
        name="Riverside SENDIASS", kind=OrganisationKind.CHARITY, council=council
    )


@pytest.fixture
def other_school(other_council):
    return factories.SchoolFactory(name="Hilltop Academy", council=other_council)


@pytest.fixture
def other_administrator(other_council):
    return factories.staff(
        Role.ADMINISTRATOR, other_council, full_name="Other Admin", email="admin@hilltop.example"
    )


@pytest.fixture
def support_user(db):
    """Someone who runs the service and uses /support-admin/."""
    return factories.UserFactory(
        role=Role.ADMINISTRATOR,
        organisation=None,
        is_staff=True,
        is_superuser=True,
        email="support@service.example",
    )
