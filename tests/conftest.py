import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from accounts.models import Role
from tests import factories

# CI sets REQUIRE_ALL_TIERS=1: a tier whose server is missing fails there instead of skipping.
REQUIRE_ALL_TIERS = os.environ.get("REQUIRE_ALL_TIERS") == "1"


def skip_or_fail(reason: str) -> None:
    if REQUIRE_ALL_TIERS:
        pytest.fail(f"{reason} (REQUIRE_ALL_TIERS=1, so this tier may not be skipped)")
    pytest.skip(reason)


def pytest_sessionstart(session):
    """Builds any translation (.mo) that is missing or older than its .po, as `make install` does, so that pytest run
    on its own still shows pages in Polish and Urdu. The .mo files are not in git."""
    msgfmt = shutil.which("msgfmt")
    for po in sorted((Path(__file__).resolve().parent.parent / "locale").glob("*/LC_MESSAGES/django.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        if msgfmt is None:
            raise pytest.UsageError(f"{mo} is missing or out of date and msgfmt (GNU gettext) is not installed")
        subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """PBKDF2 costs ~0.3 s a user by design; tests create hundreds. Production settings are untouched."""
    from django.conf import settings
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def force_login_passes_the_second_factor():
    """`client.force_login` stands for a finished sign-in, the second factor included (as it skips the password).

    Tests of the second step sign in through the pages instead.
    """
    from django.test.client import ClientMixin

    from accounts import two_factor
    from accounts.security import LAST_SEEN_KEY

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[two_factor.SESSION_KEY] = two_factor.VERIFIED
        session[LAST_SEEN_KEY] = int(time.time())  # as the sign-in page notes it
        session.save()

    ClientMixin.force_login = force_login
    yield
    ClientMixin.force_login = original


@pytest.fixture(autouse=True)
def fresh_throttle_counters(monkeypatch, request):
    """Each test counts password-reset emails and wrong links from zero (accounts.throttles), cache or no cache."""
    from accounts import throttles

    monkeypatch.setattr(throttles, "KEY_PREFIX", f"throttle-test:{id(request)}:{time.monotonic_ns()}")


@pytest.fixture
def council(db):
    return factories.CouncilFactory(name="Riverside Borough Council")


@pytest.fixture
def other_council(db):
    return factories.CouncilFactory(name="Hilltop County Council")


@pytest.fixture
def school(council):
    return factories.SchoolFactory(name="Riverside Primary School", council=council)


@pytest.fixture
def coordinator(council):
    return factories.staff(
        Role.COORDINATOR, council, full_name="Laura Coordinator", email="laura@council.example"
    )


@pytest.fixture
def business_support(council):
    return factories.staff(
        Role.BUSINESS_SUPPORT, council, full_name="Corinne Support", email="corinne@council.example"
    )


@pytest.fixture
def manager(council):
    return factories.staff(
        Role.SERVICE_MANAGER, council, full_name="Susan Manager", email="susan@council.example"
    )


@pytest.fixture
def administrator(council):
    return factories.staff(
        Role.ADMINISTRATOR, council, full_name="Admin Person", email="admin@council.example"
    )


@pytest.fixture
def parent(db):
    return factories.UserFactory(
        role=Role.PARENT, organisation=None, full_name="Meera Parent", email="meera@example.org"
    )


@pytest.fixture
def senco(school):
    return factories.UserFactory(
        role=Role.SENCO, organisation=school, full_name="Leo Senco", email="leo@school.example"
    )


@pytest.fixture
def case(council, coordinator, business_support, school):
    return factories.make_case(council=council, by=business_support, coordinator=coordinator, school=school)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
