"""A page with errors says so once at the start of its title ("Error: …"), as GOV.UK asks, never twice."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_the_incomplete_request_page_with_an_error_says_error_once(client, case, business_support):
    client.force_login(business_support)
    response = client.post(reverse("cases:request_incomplete", args=[case.reference]), {"reason": " "})
    assert response.status_code == 400
    assert _title(response).startswith("Error: Mark the request as incomplete")
    assert "Error: Error:" not in _title(response)


def test_a_page_without_errors_has_no_prefix(client, case, business_support):
    client.force_login(business_support)
    response = client.get(reverse("cases:request_incomplete", args=[case.reference]))
    assert _title(response).startswith("Mark the request as incomplete")


def test_no_template_adds_its_own_error_prefix_to_the_title():
    """The base template adds the prefix (pages without a `form` say when through `title_error`)."""
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for block in re.findall(r"{% block title %}(.*?){% endblock %}", path.read_text(), re.S):
            if "Error" in block:
                offenders.append(str(path))
    assert offenders == []
