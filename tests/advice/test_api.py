"""The advice API: the same scoping, checks and answers as the pages, for a trust sending advice from its system."""

import pytest
from rest_framework.test import APIClient

from advice import services
from advice.models import RequestStatus
from tests.advice.conftest import full_advice

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(assessing_case, coordinator, salt, scheme):
    return services.request_advice(
        case=assessing_case, kind="speech_and_language", asked_user=salt, by=coordinator
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def salt_advice() -> dict:
    content = full_advice(levels={"communication_interaction": 3})
    content["answers"] = {
        "receptive": "Understands two-part instructions only",
        "expressive": "Short sentences",
        "social_communication": "Takes turns with adult support",
        "assessed_on": "2026-01-12",
        "methods": "CELF-5 and classroom observation",
        "family_summary": "Amara understands more when we keep instructions short.",
    }
    return content


def test_the_adviser_lists_and_reads_their_requests(asked, salt, ep):
    listed = api(salt).get("/api/v1/advice-requests/")
    assert listed.status_code == 200
    row = listed.json()["results"][0]
    assert (row["id"], row["kind"], row["due_on"]) == (asked.pk, "speech_and_language", f"{asked.due_on}")
    assert row["areas_to_score"] == ["communication_interaction"]
    assert api(salt).get(f"/api/v1/advice-requests/{asked.pk}/").status_code == 200
    assert api(ep).get(f"/api/v1/advice-requests/{asked.pk}/").status_code == 404
    assert api(ep).get("/api/v1/advice-requests/").json()["results"] == []


def test_sending_advice_with_problems_names_each_and_sends_nothing(asked, salt):
    body = salt_advice()
    body["ras"] = {"communication_interaction": 9}
    body["needs"] = []
    response = api(salt).post(f"/api/v1/advice-requests/{asked.pk}/advice/", body, format="json")
    assert response.status_code == 400
    problems = {(p["part"], p["field"]): p["message"] for p in response.json()["problems"]}
    assert problems[("ras", "communication_interaction")] == (
        "The level for communication and interaction must be from 0 to 4"
    )
    assert problems[("needs", "needs")] == "Add at least one need you found"
    asked.refresh_from_db()
    assert asked.status == RequestStatus.IN_PROGRESS  # saved, not sent


def test_sending_complete_advice_then_again(asked, salt):
    url = f"/api/v1/advice-requests/{asked.pk}/advice/"
    response = api(salt).post(url, salt_advice(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 1
    asked.refresh_from_db()
    assert asked.status == RequestStatus.SUBMITTED
    again = api(salt).post(url, salt_advice(), format="json")
    assert again.status_code == 409
    assert "already been sent" in again.json()["detail"]


def test_malformed_bodies_are_400s_naming_the_field(asked, salt):
    url = f"/api/v1/advice-requests/{asked.pk}/advice/"
    response = api(salt).post(url, {"answers": "not a dict", "declaration": True}, format="json")
    assert response.status_code == 400
    assert response.json()["problems"][0]["field"] == "answers"
    assert api(salt).post("/api/v1/advice-requests/99999999999/advice/", {}, format="json").status_code == 404
