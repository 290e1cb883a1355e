"""Recording that a failed message was dealt with another way: only the council's own support staff, once."""

import pytest

from accounts.models import Role
from notifications import services
from notifications.models import Message
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(council):
    return Message.objects.create(
        to_address="bounced@example.org",
        channel="email",
        template="case.allocated",
        idempotency_key="failed-1",
        state="failed",
        needs_follow_up=True,
        organisation=council,
    )


def test_business_support_records_a_follow_up_once(failed, business_support):
    done = services.record_follow_up(message=failed, by=business_support)
    assert (done.needs_follow_up, done.followed_up_by) == (False, business_support)
    again = services.record_follow_up(message=failed, by=business_support)
    assert again.followed_up_at == done.followed_up_at


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PARENT, Role.SPECIALIST])
def test_other_roles_may_not(failed, council, role):
    with pytest.raises(services.NotAllowed):
        services.record_follow_up(message=failed, by=factories.staff(role, council))


def test_another_councils_staff_may_not(failed, other_council):
    with pytest.raises(services.NotAllowed):
        services.record_follow_up(message=failed, by=factories.staff(Role.BUSINESS_SUPPORT, other_council))
