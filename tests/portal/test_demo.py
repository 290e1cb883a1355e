"""The demo shows the portal as families would use it: conversations, a supporter let in, one family in Polish."""

import io

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from accounts.models import User
from demo.management.commands import seed_demo
from portal import selectors
from portal.models import AccessNeeds, CaseShare, ConversationMessage

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_seed_demo_builds_the_portal_through_its_services():
    call_command("seed_demo", stdout=io.StringIO())
    domain = seed_demo.DOMAIN
    parent = User.objects.get(email=f"parent@{domain}")
    case = selectors.home_cases(user=parent)[0]
    conversation = selectors.messages_of(case=case)
    assert [m.from_family for m in conversation] == [True, False]
    assert ConversationMessage.objects.filter(from_family=True, read_at__isnull=True).exists()
    polish = User.objects.get(email=f"parent4@{domain}")
    assert polish.language == "pl" and AccessNeeds.objects.get(user=polish).interpreter
    shares = CaseShare.objects.filter(requested_by__email=f"parent2@{domain}")
    assert {(s.role, s.member_id is not None) for s in shares} == {
        ("supporter", True),
        ("other_parent", False),
    }
    supporter = User.objects.get(email=f"supporter@{domain}")
    assert shares.get(role="supporter").case in selectors.home_cases(user=supporter)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_the_demo_parent_with_a_draft_lands_on_it_with_an_answer_and_the_next_version(client):
    call_command("seed_demo", stdout=io.StringIO())
    parent = User.objects.get(email=f"parent6@{seed_demo.DOMAIN}")
    client.force_login(parent)
    home = client.get("/portal/").content.decode()
    assert 'data-testid="draft-link"' in home and "Read the draft plan and tell us what you think" in home
    case = selectors.home_cases(user=parent)[0]
    page = client.get(f"/portal/cases/{case.reference}/draft-plan/").content.decode()
    assert "Agreed and changed" in page and "Waiting for an answer" in page
    assert 'data-testid="what-changed"' in page and "Comment on section F" in page
