"""The demo shows subject access and retention at work: a legal hold, an export done, a record awaiting approval."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from records.models import Disposal, LegalHold, SubjectAccessExport

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_has_a_hold_an_export_and_a_record_awaiting_approval(demo):
    hold = LegalHold.objects.get()
    assert hold.active and hold.kind == "tribunal" and hold.placed_by.email == "manager@riverside.example"
    export = SubjectAccessExport.objects.get()
    assert export.status == "ready" and export.requested_by.email == "manager@riverside.example"
    due = Disposal.objects.get()
    assert (due.status, due.record_type) == ("due", "no_plan")
