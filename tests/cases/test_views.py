import datetime
import pytest
from django.urls import reverse
from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path


def test_explore(login, coordinator, business_support, council, school):
    c = login(coordinator)
    r = c.post(reverse("cases:log_request"), {"received_on_0": "31", "received_on_1": "2", "received_on_2": "2026", "legal_first_name": "", "upn": "A12"})
    open("/tmp/explore/logreq.html", "w").write(r.content.decode())
    print(r.status_code)
    for i in range(30):
        factories.make_case(council=council, by=business_support, coordinator=coordinator, school=school)
    r = c.get(reverse("cases:caseload") + "?stage=request_received&page=2")
    open("/tmp/explore/caseload.html", "w").write(r.content.decode())
    case = factories.make_case(council=council, by=business_support, coordinator=coordinator, received_on=datetime.date(2026,3,2))
    r = c.get(reverse("cases:detail", args=[case.reference]))
    open("/tmp/explore/detail.html", "w").write(r.content.decode())
