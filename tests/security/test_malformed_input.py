"""Malformed input, sent as an attacker would: bodies of the wrong JSON type and integers out of range.

Each is a 400 naming the field (or, on a page, the filter is ignored with an error message), never a 500.
"""

import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TOO_BIG = "9223372036854775808"  # one more than the largest 64-bit integer (SQLite's INTEGER)
WRONG_TYPES = ["false", "true", "null", "0", '"text"', "[null, null]", "[]", '[{"username": "x"}]']


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient(raise_request_exception=False)


@pytest.mark.parametrize("body", WRONG_TYPES)
def test_token_endpoint_refuses_a_body_that_is_not_an_object_naming_the_fields(api, body):
    response = api.post(TOKEN_URL, data=body, content_type="application/json")
    assert response.status_code == 400, response.content
    message = " ".join(response.json()["non_field_errors"])
    assert "username" in message and "password" in message


def test_token_endpoint_refuses_fields_of_the_wrong_type(api):
    response = api.post(
        TOKEN_URL, data=json.dumps({"username": ["a"], "password": {"x": 1}}), content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_token_endpoint_still_throttles_whatever_the_body(api):
    answers = [
        api.post(TOKEN_URL, data="false", content_type="application/json").status_code for _ in range(12)
    ]
    assert answers[:10] == [400] * 10
    assert answers[-1] == 429


@pytest.mark.parametrize("body", WRONG_TYPES)
def test_case_create_and_online_request_refuse_a_body_that_is_not_an_object(api, coordinator, body):
    api.force_authenticate(coordinator)
    for url in ("/api/v1/cases/", "/api/v1/requests/"):
        response = api.post(url, data=body, content_type="application/json")
        assert response.status_code == 400, (url, response.content)


@pytest.mark.parametrize("body", WRONG_TYPES)
def test_a_transition_refuses_a_body_that_is_not_an_object(api, coordinator, case, body):
    api.force_authenticate(coordinator)
    response = api.post(
        f"/api/v1/cases/{case.reference}/transitions/", data=body, content_type="application/json"
    )
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("value", [TOO_BIG, "-" + TOO_BIG, "1e400", "99999999999999999999999999"])
def test_api_list_refuses_an_out_of_range_school_naming_the_field(api, coordinator, case, value):
    api.force_authenticate(coordinator)
    response = api.get("/api/v1/cases/", {"school": value})
    assert response.status_code == 400, response.content
    assert "school" in response.json()


@pytest.mark.parametrize("value", [TOO_BIG, "1" * 40])
def test_api_list_page_out_of_range_is_a_404_not_a_500(api, coordinator, case, value):
    api.force_authenticate(coordinator)
    response = api.get("/api/v1/cases/", {"page": value})
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/cases/", "/cases/caseload/", "/cases/unallocated/"])
@pytest.mark.parametrize("param", ["school", "page", "stage", "rag"])
def test_case_list_pages_ignore_an_out_of_range_filter_with_an_error_message(
    client, coordinator, case, url, param
):
    client.raise_request_exception = False
    client.force_login(coordinator)
    response = client.get(url, {param: TOO_BIG})
    assert response.status_code == 200, (url, param)
    if param == "school":
        assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/cases/{ref}/documents/{big}/"),
        ("post", "/cases/{ref}/team/{big}/end/"),
        ("get", "/notifications/{big}/"),
        ("post", "/notifications/failures/{big}/follow-up/"),
    ],
)
def test_an_out_of_range_id_in_a_page_address_is_a_404(client, manager, case, method, path):
    client.raise_request_exception = False
    client.force_login(manager)
    response = getattr(client, method)(path.format(ref=case.reference, big=TOO_BIG + "0"))
    assert response.status_code == 404


@pytest.mark.parametrize("field", ["current_setting", "coordinator"])
def test_logging_a_request_with_an_out_of_range_id_names_the_field(api, coordinator, field):
    api.force_authenticate(coordinator)
    child = {"legal_first_name": "Amara", "legal_last_name": "Okafor", "date_of_birth": "2017-05-14"}
    if field == "current_setting":
        child[field] = int(TOO_BIG)
    body = {
        "child": child,
        "contacts": [{"name": "Ngozi Okafor", "relationship": "mother", "email": "ngozi@example.org"}],
        "received_on": "2026-01-05",
        "requested_by": "parent",
        "primary_need": "communication_interaction",
    }
    if field == "coordinator":
        body[field] = int(TOO_BIG)
    response = api.post("/api/v1/cases/", data=body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors.get("child", errors)


def test_a_transition_with_an_out_of_range_version_is_a_conflict_not_a_500(api, coordinator, case):
    api.force_authenticate(coordinator)
    response = api.post(
        f"/api/v1/cases/{case.reference}/transitions/",
        data={"name": "withdraw", "reason": "Family moved away", "version": int(TOO_BIG)},
        format="json",
    )
    assert response.status_code in (400, 409), response.content
    assert response.status_code != 500
