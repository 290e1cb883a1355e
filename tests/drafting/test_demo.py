"""seed_demo's plans: a draft being edited, one with the family's comments, and a final plan, built through the
services from the demo's advice."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from cases.models import Deadline
from drafting.models import CommentAnswer, FamilyComment, IssueRecord, PlanVersion

pytestmark = pytest.mark.django_db
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_has_a_draft_being_edited_with_flags_to_resolve(demo):
    editing = PlanVersion.objects.filter(kind="draft", status="editing", plan__case__stage="draft_plan")
    assert editing.exists()
    assert any(v.flag_count and v.grade for v in editing)


def test_the_demo_has_a_draft_with_the_familys_comments_one_answered(demo):
    sent = PlanVersion.objects.get(status="sent", plan__case__stage="draft_plan")
    comments = FamilyComment.objects.filter(plan_version=sent, sent_at__isnull=False)
    assert comments.filter(route="portal").count() == 2 and comments.filter(route="letter").count() == 1
    assert CommentAnswer.objects.filter(comment__plan_version=sent).count() == 1
    assert comments.filter(school_wanted__gt="").exists()


def test_the_demo_has_a_final_plan_issued_on_time_with_its_funding(demo):
    record = IssueRecord.objects.select_related("plan_version", "placement").get()
    assert record.plan_version.status == "issued" and record.placement is not None
    assert record.decided_band and record.actual_cost and record.ras_band
    final = Deadline.objects.get(case=record.case, code="final_plan")
    assert final.status == "met"
    assert Deadline.objects.filter(case=record.case, code="annual_review").exists()
