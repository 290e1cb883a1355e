"""Two people (or a person and beat) changing one case at once, on two real PostgreSQL connections."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction

from accounts.models import Role
from cases import selectors, services
from cases.models import Case
from cases.workflow import Stage
from tests import factories
from tests.tiers import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 20  # seconds; far more than either side needs, so a hang fails the test instead of the run


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def test_the_overnight_sweep_never_undoes_a_decision_being_recorded():
    """Laura records the decision to assess while beat's sweep reaches the same case: her decision stands.

    Received 20 days ago; the sweep runs as on the day after the 6-week limit (so it has the case to refresh).
    Laura's transaction holds the case while the sweep starts; the sweep must wait for it and then work from
    her dates: the decision met on time, the case at "Assessing", the next deadline the 16-week one.
    """
    require_postgres()
    today = selectors.today()
    case = factories.CaseFactory(
        stage=Stage.DECIDING_TO_ASSESS, received_on=today - datetime.timedelta(days=20)
    )
    laura = case.coordinator
    assert laura.role == Role.COORDINATOR
    decision_due = case.deadlines.get(code="assessment_decision").due_on
    sweep_day = decision_due + datetime.timedelta(days=1)

    holding = threading.Event()
    outcome: dict[str, object] = {}

    def laura_decides():
        try:
            with transaction.atomic():
                services.case_transition(case=case, name="agree_to_assess", by=laura, on=today)
                holding.set()
                # Keep the case until the sweep is waiting for it, as a slow request would.
                deadline = time.monotonic() + WAIT
                while not _waiting_for_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.05)
                outcome["sweep_waited"] = _waiting_for_a_lock()
        except Exception as error:  # noqa: BLE001 - reported by the test below
            outcome["error"] = error
        finally:
            holding.set()
            connection.close()

    def sweep():
        try:
            outcome["refreshed"] = services.refresh_deadline_statuses(today=sweep_day)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            outcome["error"] = error
        finally:
            connection.close()

    coordinator_thread = threading.Thread(target=laura_decides)
    coordinator_thread.start()
    assert holding.wait(WAIT)
    sweep_thread = threading.Thread(target=sweep)
    sweep_thread.start()
    coordinator_thread.join(WAIT)
    sweep_thread.join(WAIT)
    assert not coordinator_thread.is_alive() and not sweep_thread.is_alive()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["sweep_waited"], "the sweep never had to wait for the case Laura was changing"
    assert outcome["refreshed"] == 1

    case = Case.objects.get(pk=case.pk)
    assert case.stage == Stage.ASSESSING
    assert (case.assessment_decided_on, case.assessment_agreed) == (today, True)
    rows = {d.code: d for d in case.deadlines.all()}
    assert (rows["assessment_decision"].met_on, rows["assessment_decision"].status) == (today, "met")
    assert rows["issue_decision"].status == "open"
    assert (case.next_due_on, case.next_deadline_code) == (rows["issue_decision"].due_on, "issue_decision")
