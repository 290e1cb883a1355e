"""The plan API: the same services, scoping and messages as the pages."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from drafting import services
from drafting.models import FamilyComment
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def test_council_staff_list_and_read_plans_with_sources_and_findings(
    client, coordinator, advised_case, draft
):
    client.force_login(coordinator)
    listed = client.get(reverse("api:plan-list")).json()
    assert listed["results"][0]["case_reference"] == advised_case.reference
    detail = client.get(reverse("api:plan-detail", args=[advised_case.reference])).json()
    assert detail["versions"][0]["number"] == 1
    version = client.get(reverse("api:plan-version", args=[advised_case.reference, 1])).json()
    sections = version["content"]["sections"]
    assert sections["F"]["provision"][0]["sources"][0]["kind"] == "advice"
    assert version["findings"] and version["grade"]


def test_other_people_get_not_found(client, advised_case, draft, parent, other_council):
    url = reverse("api:plan-detail", args=[advised_case.reference])
    for person in (parent, factories.staff(Role.COORDINATOR, other_council)):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (401, 403)


def test_the_family_comment_through_the_api_and_send(client, coordinator, parent, advised_case, draft):
    url = reverse("api:plan-comments", args=[advised_case.reference])
    client.force_login(parent)
    assert client.post(url, {"section": "F", "text": "x"}, content_type="application/json").status_code == 400
    services.send_draft(version=draft, by=coordinator, override_reason="Agreed")
    bad = client.post(url, {"section": "F", "text": ""}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "text"
    bad = client.post(url, {"section": "Q", "text": "x"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "section"
    made = client.post(
        url,
        {"section": "I", "school_wanted": "Riverside Primary", "send": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["sent_at"]
    assert [c["school_wanted"] for c in client.get(url).json()] == ["Riverside Primary"]


def test_the_council_records_a_letter_and_answers_it(client, coordinator, advised_case, draft):
    services.send_draft(version=draft, by=coordinator, override_reason="Agreed")
    client.force_login(coordinator)
    url = reverse("api:plan-comments", args=[advised_case.reference])
    bad = client.post(url, {"section": "F", "text": "Twice"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "received_on"
    made = client.post(
        url,
        {"section": "F", "text": "Twice", "received_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["route"] == "api"
    comment = FamilyComment.objects.get()
    answer_url = reverse("api:plan-answer", args=[advised_case.reference, comment.pk])
    bad = client.post(answer_url, {"outcome": "agreed", "reason": ""}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "reason"
    ok = client.post(
        answer_url, {"outcome": "agreed", "reason": "Changed in F"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["answer"]["reason"] == "Changed in F"


def test_the_family_may_not_answer_or_read_staff_views(client, parent, coordinator, advised_case, draft):
    services.send_draft(version=draft, by=coordinator, override_reason="Agreed")
    comment = services.record_family_comment(
        case=advised_case, by=coordinator, section="F", text="x", received_on=TODAY
    )
    client.force_login(parent)
    answer_url = reverse("api:plan-answer", args=[advised_case.reference, comment.pk])
    assert (
        client.post(
            answer_url, {"outcome": "agreed", "reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(reverse("api:plan-version", args=[advised_case.reference, 1])).status_code == 404


def test_one_provision_sentence_is_checked(client, coordinator):
    client.force_login(coordinator)
    url = reverse("api:plan-provision-check")
    vague = client.post(
        url, {"text": "Access to speech therapy as required", "section": "F"}, content_type="application/json"
    ).json()
    assert vague["findings"]
    specific = client.post(
        url,
        {"text": "A teaching assistant will support him for 25 hours a week, all year", "section": "F"},
        content_type="application/json",
    ).json()
    assert len(specific["findings"]) < len(vague["findings"])
