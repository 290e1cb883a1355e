"""The OpenAPI schema documents every endpoint, and drf-spectacular generates it without a warning."""

import io

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{reference}/": {"get"},
    "/api/v1/cases/{reference}/transitions/": {"post"},
    "/api/v1/requests/": {"post"},
    "/api/v1/advice-requests/": {"get"},
    "/api/v1/advice-requests/{id}/": {"get"},
    "/api/v1/advice-requests/{id}/advice/": {"post"},
    "/api/v1/plans/": {"get"},
    "/api/v1/plans/{reference}/": {"get"},
    "/api/v1/plans/{reference}/versions/{number}/": {"get"},
    "/api/v1/plans/{reference}/comments/": {"get", "post"},
    "/api/v1/plans/{reference}/comments/{comment_id}/answer/": {"post"},
    "/api/v1/plans/provision-check/": {"post"},
    "/api/v1/panel-meetings/": {"get"},
    "/api/v1/panel-meetings/{id}/": {"get"},
    "/api/v1/panel-items/{id}/": {"get"},
    "/api/v1/panel-items/{id}/votes/": {"post"},
    "/api/v1/panel-items/{id}/tally/": {"get"},
    "/api/v1/panel-items/{id}/decision/": {"post"},
    "/api/v1/panel-decisions/": {"get"},
}


@pytest.fixture
def schema(coordinator):
    client = APIClient()
    client.force_authenticate(user=coordinator)
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_openapi_3_with_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    assert {path: set(ops) for path, ops in schema["paths"].items()} == PATHS


def test_every_operation_documents_its_responses_and_requests(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            assert any(code.startswith("2") for code in operation["responses"]), (method, path)
            if method == "post":
                assert operation["requestBody"]["required"], (method, path)
    cases = schema["paths"]["/api/v1/cases/"]
    assert {p["name"] for p in cases["get"]["parameters"]} >= {"stage", "rag", "school", "q", "open", "page"}
    assert set(cases["post"]["responses"]) >= {"201", "400", "403", "409"}
    assert set(schema["paths"]["/api/v1/cases/{reference}/transitions/"]["post"]["responses"]) >= {
        "200",
        "400",
        "404",
        "409",
    }


def test_token_endpoint_documents_username_as_the_email(schema):
    body = schema["components"]["schemas"]["EmailAuthToken"]
    assert "email" in body["properties"]["username"]["description"]
    # No security requirement on the operation and none at the top level: it is called without a token.
    assert schema["paths"]["/api/v1/auth/token/"]["post"].get("security", [{}]) == [{}]
    assert "security" not in schema
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


def test_detail_documents_deadlines_transitions_and_team(schema):
    detail = schema["components"]["schemas"]["CaseDetail"]["properties"]
    assert {"deadlines", "transitions", "team", "version", "rag"} <= set(detail)
    deadline = schema["components"]["schemas"]["Deadline"]["properties"]
    assert set(deadline) == {"code", "label", "ref", "starts_on", "due_on", "met_on", "status"}


def test_spectacular_generates_and_validates_without_warnings():
    out, err = io.StringIO(), io.StringIO()

    # --fail-on-warn turns any warning or error into a CommandError; --validate checks against OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=err)

    assert err.getvalue() == ""
    generated = yaml.safe_load(out.getvalue())
    assert set(generated["paths"]) == set(PATHS)


def test_swagger_ui_loads_for_a_signed_in_user(client, coordinator):
    client.force_login(coordinator)

    response = client.get("/api/v1/docs/try/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    # Everything comes from our own origin, with no inline script for the content security policy to block.
    assert "cdn.jsdelivr.net" not in html
    assert "<script>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    script = client.get("/api/v1/docs/try/?script=")
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()


def test_the_documentation_is_our_own_page_listing_every_endpoint(client, coordinator):
    client.force_login(coordinator)

    html = client.get("/api/v1/docs/").content.decode()

    assert '<html lang="en"' in html and '<main class="govuk-main-wrapper"' in html
    assert '<h1 class="govuk-heading-l">API documentation</h1>' in html
    for path in PATHS:
        assert f">{path}</code>" in html, f"{path} is not documented"
    assert "Log a request for an EHC needs assessment" in html
    assert 'href="/api/v1/schema/"' in html and 'href="/api/v1/docs/try/"' in html


def test_the_footer_links_the_api_documentation_for_council_staff_only(client, coordinator, parent, senco):
    for user, shown in ((coordinator, True), (parent, False), (senco, False), (None, False)):
        client.logout()
        if user is not None:
            client.force_login(user)
        html = client.get("/accessibility/").content.decode()
        assert ('href="/api/v1/docs/"' in html) is shown, f"API link shown={not shown} for {user}"
