"""`make run` adds one online request to the demo, sent through the form's services."""

import io

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse

from accounts.models import User
from cases import selectors as case_selectors
from cases.models import Case
from cases.selectors import today as real_today

pytestmark = pytest.mark.django_db


def test_the_demo_online_request_is_sent_once_and_shows_what_the_form_collects(client, monkeypatch):
    # The demo is dated from the real today; the form tests' fixed today would put its team memberships ahead.
    monkeypatch.setattr(case_selectors, "today", real_today)
    out = io.StringIO()
    call_command("seed_demo_request", stdout=out)
    assert "run seed_demo first" in out.getvalue()

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("seed_demo", stdout=io.StringIO())
    before = Case.objects.count()
    out = io.StringIO()
    call_command("seed_demo_request", stdout=out)
    assert Case.objects.count() == before + 1
    case = Case.objects.get(route="online", reference=out.getvalue().split()[2])
    assert case.stage == "request_received" and case.coordinator is not None
    assert case.professionals.count() == 2
    assert [a["key"] for a in case.share_consent if not a["agreed"]] == ["social_care"]
    contact = case.child.contacts.get()
    assert (contact.preferred_channel, contact.language) == ("sms", "pl")

    call_command("seed_demo_request", stdout=io.StringIO())
    assert Case.objects.count() == before + 1

    client.force_login(User.objects.get(email="support@riverside.example"))
    page = client.get(reverse("cases:unallocated")).content.decode()
    assert case.reference in page
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Community paediatrician" in page
    assert "Language: Polish (Polski)" in page
