"""The headers every page carries against script injection, framing and content sniffing (ASVS 14.4)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_carry_a_strict_content_security_policy_and_refuse_framing_and_sniffing(
    client, coordinator, signed_in
):
    if signed_in:
        client.force_login(coordinator)
    response = client.get(reverse("cases:list") if signed_in else reverse("accounts:login"))

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
