"""The advice pages: each role reaches what it may, others get a 404; bad input is explained and kept."""

import re

import pytest
from django.urls import reverse

from advice import selectors, services
from advice.models import RequestStatus
from tests import factories
from tests.advice.conftest import full_advice

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(assessing_case, coordinator, ep, scheme):
    return services.request_advice(case=assessing_case, kind="psychological", asked_user=ep, by=coordinator)


def test_the_adviser_finds_the_request_in_their_inbox_and_opens_it(client, asked, ep):
    client.force_login(ep)
    inbox = client.get(reverse("advice:inbox"))
    assert inbox.status_code == 200
    assert "Psychological advice (educational psychologist)" in inbox.text
    assert f"{asked.due_on:%-d %b %Y}" in inbox.text
    page = client.get(reverse("advice:request", args=[asked.pk]))
    assert page.status_code == 200
    assert "Your advice: fill it in and send it" in page.text
    assert "6 weeks, SEND Regulations 2014 regulation 8(1)" in page.text
    for part in ("assessment", "psychology", "summary"):
        assert client.get(reverse("advice:part", args=[asked.pk, part])).status_code == 200
    for key in ("needs", "outcomes", "provision"):
        assert client.get(reverse("advice:items", args=[asked.pk, key])).status_code == 200
    assert client.get(reverse("advice:ras", args=[asked.pk])).status_code == 200


def test_saving_a_part_keeps_what_was_typed_and_a_bad_date_is_explained(client, asked, ep):
    client.force_login(ep)
    url = reverse("advice:part", args=[asked.pk, "assessment"])
    response = client.post(
        url,
        {
            "assessed_on_0": "31",
            "assessed_on_1": "2",
            "assessed_on_2": "2026",
            "methods": "Observed in class",
        },
    )
    assert response.status_code == 400
    assert "Observed in class" in response.text
    assert "govuk-error-summary" in response.text
    response = client.post(
        url,
        {
            "assessed_on_0": "10",
            "assessed_on_1": "1",
            "assessed_on_2": "2026",
            "methods": "Observed in class",
        },
    )
    assert response.status_code == 302
    draft = selectors.draft_of(request=asked)
    assert draft.answers["answers"]["assessed_on"] == "2026-01-10"
    assert draft.answers["answers"]["methods"] == "Observed in class"


def test_a_provision_item_without_frequency_shows_a_warning_beside_it(client, asked, ep):
    client.force_login(ep)
    url = reverse("advice:items", args=[asked.pk, "provision"])
    response = client.post(url, {"section": "F", "what": "Social skills group", "who": "Learning mentor"})
    assert response.status_code == 302
    page = client.get(url)
    assert "Say how often" in page.text
    assert 'data-testid="provision-warning"' in page.text


def test_sending_unfinished_advice_lists_what_to_fix_with_links(client, asked, ep):
    client.force_login(ep)
    services.save_advice(request=asked, by=ep, changes={"answers": {"methods": "Observed"}})
    response = client.post(reverse("advice:check", args=[asked.pk]), {"declaration": "on"})
    assert response.status_code == 400
    assert "Add at least one need you found" in response.text
    assert reverse("advice:items", args=[asked.pk, "needs"]) in response.text
    assert selectors.draft_of(request=asked).declaration is True


def test_sending_complete_advice_and_sending_it_again(client, asked, ep):
    client.force_login(ep)
    services.save_advice(request=asked, by=ep, changes=full_advice())
    response = client.post(reverse("advice:check", args=[asked.pk]), {"declaration": "on"}, follow=True)
    assert "Your advice has been sent" in response.text
    asked.refresh_from_db()
    assert asked.status == RequestStatus.SUBMITTED
    again = client.post(reverse("advice:check", args=[asked.pk]), {"declaration": "on"})
    assert again.status_code == 302  # nothing to send twice: back to the request, which says it is sent
    assert "You sent this advice on" in client.get(reverse("advice:request", args=[asked.pk])).text


def test_the_coordinator_plans_and_asks_with_errors_explained(
    client, assessing_case, coordinator, ep, ep_team
):
    client.force_login(coordinator)
    plan = client.get(reverse("advice:plan", args=[assessing_case.reference]))
    assert plan.status_code == 200
    for title in (
        "Your advice as a family",
        "Educational advice (Appendix B)",
        "Health advice",
        "Psychological advice",
        "Social care advice",
    ):
        assert title in plan.text
    url = reverse("advice:ask", args=[assessing_case.reference])
    response = client.post(
        url,
        {
            "kind": "psychological",
            "note": "Please see her at school",
            "sent_on_0": "",
            "sent_on_1": "",
            "sent_on_2": "",
        },
    )
    assert response.status_code == 400
    assert "Choose a service or a named person to ask" in response.text
    assert "Please see her at school" in response.text
    today = assessing_case.assessment_decided_on
    response = client.post(
        url,
        {
            "kind": "psychological",
            "team": str(ep_team.pk),
            "sent_on_0": today.day,
            "sent_on_1": today.month,
            "sent_on_2": today.year,
        },
    )
    assert response.status_code == 302
    assert assessing_case.advice_requests.get().asked_team == ep_team


@pytest.mark.parametrize(
    "who", ["other_specialist", "parent", "other_council_coordinator", "business_support"]
)
def test_others_get_not_found(client, asked, who, council, other_council, parent, business_support):
    person = {
        "other_specialist": lambda: factories.UserFactory(
            role="specialist", discipline="educational_psychology", organisation=council
        ),
        "parent": lambda: parent,
        "other_council_coordinator": lambda: factories.staff("coordinator", other_council),
        "business_support": lambda: business_support,
    }[who]()
    client.force_login(person)
    for name in ("advice:part", "advice:items"):
        args = [asked.pk, "assessment"] if name == "advice:part" else [asked.pk, "needs"]
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.get(reverse("advice:check", args=[asked.pk])).status_code == 404
    if who != "business_support":
        assert client.get(reverse("advice:request", args=[asked.pk])).status_code == 404
        assert client.get(reverse("advice:plan", args=[asked.case.reference])).status_code == 404


def test_a_report_is_attached_checked_like_any_upload_and_kept_from_the_family(client, asked, ep):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ep)
    url = reverse("advice:attach", args=[asked.pk])
    disguised = SimpleUploadedFile("report.pdf", b"#!/bin/sh\necho hello\n", content_type="application/pdf")
    refused = client.post(url, {"file": disguised})
    assert refused.status_code == 400
    assert "not really a PDF" in refused.text
    report = SimpleUploadedFile("wisc-report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client.post(url, {"file": report}).status_code == 302
    page = client.get(reverse("advice:request", args=[asked.pk]))
    assert "wisc-report.pdf" in page.text
    document = asked.attachments.get().document
    assert (document.category, document.visibility) == ("advice", "staff")


def test_every_back_link_leads_somewhere_the_person_may_go(client, asked, ep, coordinator):
    """The adviser goes back to their inbox; the coordinator, who has none, to the case's advice page."""
    for person, expected in (
        (ep, reverse("advice:inbox")),
        (coordinator, reverse("advice:plan", args=[asked.case.reference])),
    ):
        client.force_login(person)
        page = client.get(reverse("advice:request", args=[asked.pk]))
        back = re.search(r'<a href="([^"]+)" class="govuk-back-link"', page.text).group(1)
        assert back == expected
        assert client.get(back).status_code == 200
    withdraw = client.get(reverse("advice:withdraw", args=[asked.pk]))
    back = re.search(
        r'href="([^"]+)"[^>]*class="govuk-back-link"|class="govuk-back-link"[^>]*href="([^"]+)"',
        withdraw.text,
    )
    assert reverse("advice:plan", args=[asked.case.reference]) in back.group(0)


@pytest.mark.parametrize(
    ("who", "name", "args", "data", "message"),
    [
        ("ep", "advice:items", ["needs"], {"area": "semh"}, "Describe the need"),
        ("ep", "advice:items", ["outcomes"], {"description": "Read 40 words"}, "Say by when the outcome"),
        ("ep", "advice:items", ["provision"], {"section": "F"}, "Say what will be provided"),
        ("ep", "advice:decline", [], {"reason": ""}, "Enter why you cannot give this advice"),
        ("coordinator", "advice:withdraw", [], {"reason": ""}, "Enter why the request is being withdrawn"),
    ],
)
def test_a_missing_answer_says_what_to_do_in_words_that_fit(
    client, asked, ep, coordinator, who, name, args, data, message
):
    client.force_login({"ep": ep, "coordinator": coordinator}[who])
    response = client.post(reverse(name, args=[asked.pk, *args]), data)
    assert response.status_code == 400
    assert message in response.text
    assert "Enter reason" not in response.text and "Enter the need" not in response.text


def test_reusing_advice_with_nothing_filled_in_names_each_party(client, assessing_case, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("advice:reuse", args=[assessing_case.reference]), {"author_name": ""})
    assert response.status_code == 400
    for message in (
        "Choose the kind of advice",
        "Enter who wrote the report",
        "Enter who agreed for the author",
        "Enter who agreed for the family",
        "Enter the date the council agreed",
    ):
        assert message in response.text


def test_another_adviser_on_the_case_reads_advice_once_it_is_sent(client, asked, ep, coordinator, salt):
    services.save_advice(request=asked, by=ep, changes=full_advice())
    sent = services.submit_advice(request=asked, by=ep)
    services.request_advice(case=asked.case, kind="speech_and_language", asked_user=salt, by=coordinator)
    client.force_login(salt)
    page = client.get(reverse("advice:submission", args=[sent.pk]))
    assert page.status_code == 200
    assert "Precision teaching of reading" in page.text
