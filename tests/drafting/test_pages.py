"""The plan pages as the coordinator uses them: what they read, what they type, and every bad input."""

import datetime

import pytest
from django.urls import reverse

from drafting import selectors, services
from drafting.models import FamilyComment, PlacementConsultation, PlanVersion

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _date(prefix: str, day: datetime.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_plan_page_shows_each_section_its_findings_the_grade_and_the_sources(client, coordinator, draft):
    client.force_login(coordinator)
    page = client.get(reverse("drafting:plan", args=[draft.plan.case.reference])).content.decode()
    for code in ("A", "B", "E", "F", "I", "K"):
        assert f'data-testid="section-{code}"' in page
    assert 'data-testid="grade"' in page and draft.grade in page
    assert 'data-testid="findings-F"' in page and "Advisers recommend this differently" in page
    submission = draft.plan.case.advice_requests.get(kind="psychological").submissions.get()
    assert reverse("advice:submission", args=[submission.pk]) in page  # the source, one click away
    assert "Left blank in the draft" in page


def test_the_editor_saves_an_item_and_shows_it(client, coordinator, draft):
    client.force_login(coordinator)
    content = selectors.content_of(draft)
    item = next(p for p in content.active("F") if p.what.startswith("Language group"))
    url = reverse("drafting:item", args=[draft.pk, "F", item.key])
    prefix = item.key
    data = {
        f"{prefix}-what": item.what,
        f"{prefix}-who": "Speech and language therapist",
        f"{prefix}-frequency": "Twice a week",
        f"{prefix}-duration": "30 minutes, for a year",
        f"{prefix}-group_size": "Group of 4",
        f"{prefix}-expected_version": selectors.section_counters(draft)["F"],
        f"{prefix}-item_stamp": services.item_stamp(item),
    }
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Saved" in response.content.decode() and "Twice a week" in response.content.decode()
    assert (
        selectors.content_of(PlanVersion.objects.get(pk=draft.pk)).item(item.key).frequency == "Twice a week"
    )


def test_a_conflicting_save_keeps_what_they_typed_and_shows_the_other_change(
    client, coordinator, manager, draft
):
    content = selectors.content_of(draft)
    item = next(p for p in content.active("F") if p.what.startswith("Language group"))
    counter = selectors.section_counters(draft)["F"]
    stamp = services.item_stamp(item)
    services.edit_item(
        version=draft,
        section="F",
        key=item.key,
        changes={"frequency": "Three times a week"},
        by=manager,
        expected_version=counter,
        expected_item=stamp,
    )
    client.force_login(coordinator)
    prefix = item.key
    data = {
        f"{prefix}-what": item.what,
        f"{prefix}-who": item.who,
        f"{prefix}-frequency": "Every day, typed by me",
        f"{prefix}-duration": item.duration,
        f"{prefix}-group_size": item.group_size,
        f"{prefix}-expected_version": counter,
        f"{prefix}-item_stamp": stamp,
    }
    response = client.post(
        reverse("drafting:item", args=[draft.pk, "F", item.key]), data, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "Someone else saved section F" in page
    assert "Every day, typed by me" in page  # nothing typed is lost
    assert 'data-testid="conflict"' in page and "Three times a week" in page  # the other change
    assert (
        selectors.content_of(PlanVersion.objects.get(pk=draft.pk)).item(item.key).frequency
        == "Three times a week"
    )
    # Saving again, having seen the other change, goes through.
    again = client.post(
        reverse("drafting:item", args=[draft.pk, "F", item.key]),
        {
            **data,
            f"{prefix}-expected_version": selectors.section_counters(PlanVersion.objects.get(pk=draft.pk))[
                "F"
            ],
            f"{prefix}-item_stamp": services.item_stamp(
                selectors.content_of(PlanVersion.objects.get(pk=draft.pk)).item(item.key)
            ),
        },
    )
    assert again.status_code == 302


def test_an_empty_required_field_is_an_error_naming_the_field(client, coordinator, draft):
    client.force_login(coordinator)
    item = selectors.content_of(draft).active("E")[0]
    prefix = item.key
    response = client.post(
        reverse("drafting:item", args=[draft.pk, "E", item.key]),
        {f"{prefix}-description": "", f"{prefix}-by_when": "", f"{prefix}-measure": "Termly check"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the outcome" in page and "Enter by when" in page and "Termly check" in page


def test_the_send_page_asks_for_a_reason_when_errors_remain(client, coordinator, draft):
    client.force_login(coordinator)
    url = reverse("drafting:send", args=[draft.plan.case.reference])
    page = client.get(url).content.decode()
    assert 'data-testid="send-errors"' in page
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Fix them, or enter why it must go to the family now" in response.content.decode()
    response = client.post(url, {"override_reason": "The family asked to see it before the meeting"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "sent"


def test_a_comment_by_letter_and_its_answer(client, coordinator, draft):
    services.send_draft(version=draft, by=coordinator, override_reason="Agreed")
    ref = draft.plan.case.reference
    client.force_login(coordinator)
    url = reverse("drafting:record_comment", args=[ref])
    bad = client.post(url, {"section": "F", "text": "", "author_name": "", **_date("received_on", TODAY)})
    page = bad.content.decode()
    assert bad.status_code == 400 and "Enter who sent it" in page
    bad = client.post(
        url,
        {
            "section": "F",
            "text": "Twice",
            "author_name": "Meera",
            "received_on_0": "31",
            "received_on_1": "2",
            "received_on_2": "2026",
        },
    )
    assert bad.status_code == 400 and "must be a real date" in bad.content.decode()
    ok = client.post(
        url,
        {
            "section": "F",
            "text": "Twice a week",
            "author_name": "Meera Parent",
            **_date("received_on", TODAY),
        },
    )
    assert ok.status_code == 302
    comment = FamilyComment.objects.get()
    answer_url = reverse("drafting:answer", args=[comment.pk])
    bad = client.post(answer_url, {"outcome": "not_agreed", "reason": ""})
    assert bad.status_code == 400 and "Enter what we changed, or why not" in bad.content.decode()
    assert client.post(answer_url, {"outcome": "agreed", "reason": "Changed in F"}).status_code == 302
    page = client.get(reverse("drafting:comments", args=[ref])).content.decode()
    assert "Agreed and changed" in page and "Changed in F" in page


def test_consulting_a_school_and_naming_the_placement(client, coordinator, draft, school):
    services.send_draft(version=draft, by=coordinator, override_reason="Agreed")
    ref = draft.plan.case.reference
    client.force_login(coordinator)
    url = reverse("drafting:placement", args=[ref])
    bad = client.post(
        url, {"consult-school": "", "consult-school_name": "", **_date("consult-sent_on", TODAY)}
    )
    assert bad.status_code == 400 and "Choose the school or enter its name" in bad.content.decode()
    ok = client.post(url, {"consult-school": school.pk, **_date("consult-sent_on", TODAY)})
    assert ok.status_code == 302
    row = PlacementConsultation.objects.get()
    page = client.get(url).content.decode()
    assert (row.reply_due_on.strftime("%-d %b %Y")) in page
    bad = client.post(url, {"name-setting_type": "", "name-school": ""})
    assert bad.status_code == 400 and "Select type of placement" in bad.content.decode()
    ok = client.post(url, {"name-setting_type": "school", "name-school": school.pk})
    assert ok.status_code == 302
    working = selectors.latest_version(case=draft.plan.case)
    assert selectors.content_of(working).placement.name == "Riverside Primary School"


def test_the_issue_page_fills_the_band_from_the_ras_suggestion(client, coordinator, draft):
    client.force_login(coordinator)
    page = client.get(reverse("drafting:issue", args=[draft.plan.case.reference])).content.decode()
    score = draft.plan.case.ras_scores.get(is_current=True)
    assert f'value="{score.band}"' in page and 'data-testid="ras"' in page


def test_the_version_difference_page(client, coordinator, draft):
    services.send_draft(version=draft, by=coordinator, override_reason="Agreed")
    working = selectors.latest_version(case=draft.plan.case)
    item = selectors.content_of(working).active("F")[0]
    services.edit_item(
        version=working,
        section="F",
        key=item.key,
        changes={"frequency": "Daily"},
        by=coordinator,
        expected_version=None,
    )
    client.force_login(coordinator)
    page = client.get(reverse("drafting:changes", args=[working.pk])).content.decode()
    assert 'data-testid="changes-F"' in page and "Changed" in page and "frequency" in page


def test_the_quality_report_over_time(client, manager, coordinator, draft):
    client.force_login(manager)
    page = client.get(reverse("drafting:quality")).content.decode()
    assert 'data-testid="by-month"' in page and draft.created_at.strftime("%Y-%m") in page
    assert "Laura Coordinator" in page


def test_the_pdf_downloads(client, coordinator, draft):
    services.render_plan_pdf(version_id=draft.pk)
    client.force_login(coordinator)
    response = client.get(reverse("drafting:pdf", args=[draft.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_section_editor_opens_one_item_at_a_time(client, coordinator, draft):
    client.force_login(coordinator)
    url = reverse("drafting:section", args=[draft.pk, "F"])
    page = client.get(url).content.decode()
    assert "Change this item" in page and 'name="' not in page.split('id="add"')[0].split("<main")[1].replace(
        'name="csrfmiddlewaretoken"', ""
    ).replace('name="flag-', "").replace('name="action"', "")
    item = selectors.content_of(draft).active("F")[0]
    fragment = client.get(url + f"?edit={item.key}", HTTP_HX_REQUEST="true").content.decode()
    assert f'name="{item.key}-what"' in fragment and "<html" not in fragment
