"""The demo has a family reading the service in Polish and one in Urdu."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from demo.management.commands.seed_demo import DOMAIN

pytestmark = pytest.mark.django_db


def test_seed_demo_has_a_family_reading_in_polish_and_one_in_urdu(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=io.StringIO())
    polish = User.objects.get(email=f"parent3@{DOMAIN}")
    urdu = User.objects.get(email=f"parent5@{DOMAIN}")
    assert (polish.language, urdu.language) == ("pl", "ur")
    client.force_login(urdu)
    page = client.get(reverse("accounts:contact_preferences")).content.decode()
    assert '<html lang="ur" dir="rtl"' in page
