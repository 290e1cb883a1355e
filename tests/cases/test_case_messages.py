"""Staff see on the case page what the service told people about the case, and whether it went."""

import pytest

from cases import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_staff_see_the_messages_a_step_sent(
    login, case, coordinator, parent, django_capture_on_commit_callbacks
):
    factories.add_family_member(case, parent)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    html = login(coordinator).get(f"/cases/{case.reference}/").content.decode()
    section = html.split('data-testid="messages"', 1)[1].split("</table>", 1)[0]
    # The parent with an account and the contact known only by email each got one email.
    assert "Meera Parent" in section
    assert "Parent Okafor" in section
    assert section.count("We are deciding whether to carry out an EHC needs assessment") == 2
    assert "Sent" in section


def test_families_do_not_see_the_message_log(login, case, coordinator, parent):
    factories.add_family_member(case, parent)
    services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    html = login(parent).get(f"/cases/{case.reference}/").content.decode()
    assert 'data-testid="messages"' not in html


def test_messages_sent_are_named_by_their_title_not_their_internal_code(login, case, coordinator):
    # Logging the request told the family and allocating it told Laura: neither message has a headline.
    html = login(coordinator).get(f"/cases/{case.reference}/").content.decode()
    section = html.split('data-testid="messages"', 1)[1].split("</table>", 1)[0]
    assert "Request for assessment received" in section
    assert "Case allocated to a coordinator" in section
    assert "case.allocated" not in section
    assert "case.request_received" not in section
