"""Two people (or a person and beat) changing one case at once: nothing either of them did is lost.

The race itself needs two real PostgreSQL connections; the rest works from a copy read before someone else's
change, as the second of two requests would, and runs anywhere.
"""

import datetime
import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction

from accounts import services as account_services
from accounts.models import Role, User
from cases import selectors, services
from cases.models import Case, CaseDocument, CaseTeamMember, InvolvedProfessional, TimelineEvent
from cases.workflow import Stage
from tests import factories
from tests.tiers import require_postgres

pytestmark = pytest.mark.django_db

WAIT = 20  # seconds; far more than either side needs, so a hang fails the test instead of the run


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
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


def stale(instance):
    """A second copy of a row, read now: what another request is holding while the first one saves."""
    return type(instance).objects.get(pk=instance.pk)


def test_a_document_withdrawn_twice_at_once_keeps_the_first_reason(
    case, coordinator, manager, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document = services.file_document(
        case=case,
        name="EP report.pdf",
        content=ContentFile(b"%PDF-1.4\n", name="EP report.pdf"),
        category="ep_report",
        content_type="application/pdf",
        by=coordinator,
    )
    laura, susan = stale(document), stale(document)
    services.withdraw_document(document=laura, reason="Filed on the wrong child", by=coordinator)
    services.withdraw_document(document=susan, reason="Duplicate", by=manager)
    document.refresh_from_db()
    assert (document.withdrawn_reason, document.history.first().history_user) == (
        "Filed on the wrong child",
        coordinator,
    )
    assert case.timeline.filter(kind=TimelineEvent.Kind.DOCUMENT_WITHDRAWN).count() == 1


def test_someone_taken_off_the_team_twice_at_once_leaves_it_once(case, coordinator, manager, parent):
    member = services.add_team_member(case=case, role="family", user=parent, by=coordinator)
    laura, susan = stale(member), stale(member)
    services.end_team_membership(member=laura, by=coordinator)
    again = services.end_team_membership(member=susan, by=manager)
    assert again.ends_on == selectors.today()
    assert CaseTeamMember.objects.get(pk=member.pk).history.first().history_user == coordinator
    assert case.timeline.filter(summary=f"{parent.full_name} left the team").count() == 1


def test_a_professional_marked_no_longer_involved_twice_at_once_is_recorded_once(case, coordinator, manager):
    person = services.add_involved_professional(
        case=case,
        details=services.ProfessionalDetails(
            name="Dr Omar Aziz", role="Community paediatrician", service="Riverside Hospital"
        ),
        by=coordinator,
    )
    laura, susan = stale(person), stale(person)
    first = services.withdraw_involved_professional(professional=laura, by=coordinator)
    second = services.withdraw_involved_professional(professional=susan, by=manager)
    assert second.withdrawn_at == first.withdrawn_at
    assert InvolvedProfessional.objects.get(pk=person.pk).history.first().history_user == coordinator
    assert case.timeline.filter(summary__endswith="is no longer involved").count() == 1


def test_contact_preferences_saved_from_an_old_copy_keep_the_account_as_it_is_now(parent, administrator):
    mine = stale(parent)
    User.objects.filter(pk=parent.pk).update(is_active=False)  # deactivated meanwhile, in another tab
    account_services.update_contact_preferences(
        user=mine, channel="letter", phone="", postal_address="1 High Street\nRiverside\nRV1 1AA"
    )
    parent.refresh_from_db()
    assert (parent.is_active, parent.preferred_channel) == (False, "letter")
    latest = parent.history.first()
    assert (latest.is_active, latest.preferred_channel, latest.history_user) == (False, "letter", parent)
    assert mine.preferred_channel == "letter"  # the caller's copy shows what was saved


@pytest.mark.django_db(transaction=True)
def test_a_document_is_filed_with_its_timeline_entry_or_not_at_all(
    case, coordinator, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path

    def timeline_down(**kwargs):
        raise RuntimeError("the timeline could not be written")

    monkeypatch.setattr("cases.services.documents._timeline", timeline_down)
    with pytest.raises(RuntimeError):
        services.file_document(
            case=case,
            name="Decision letter.pdf",
            content=ContentFile(b"%PDF-1.4\n", name="Decision letter.pdf"),
            category="letter",
            content_type="application/pdf",
            by=coordinator,
            timeline_summary="Decision letter filed",
        )
    assert not CaseDocument.objects.filter(case=case).exists()
