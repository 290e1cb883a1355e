"""Who reads a case document: the family and everyone on the case, the case team, or council staff only.

Written as someone would try it: a specialist after a staff-only report, a parent after the team's papers, a
supporter for the family's own, another family for ours. A document the person may not read does not exist for
them: 404 on download, absent from the case page and from the lists advisers see.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OrganisationKind, Role
from cases import policy, selectors, services
from cases.models import CaseDocument, TeamRole, TimelineEvent
from tests import factories

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(case, name, *, by, visibility="family"):
    return services.add_document(
        case=case,
        upload=SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf"),
        category="other",
        by=by,
        visibility=visibility,
    )


@pytest.fixture
def world(council, school, coordinator, business_support, manager, parent, senco):
    case = factories.make_case(council=council, by=business_support, coordinator=coordinator, school=school)
    factories.add_family_member(case, parent)
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=council, name="Riverside NHS Trust")
    charity = factories.SchoolFactory(
        kind=OrganisationKind.CHARITY, council=council, name="Parent Partnership"
    )
    specialist = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Howard Specialist")
    supporter = factories.UserFactory(role=Role.SUPPORTER, organisation=charity, full_name="Sonia Supporter")
    for user, role in ((specialist, TeamRole.SPECIALIST), (supporter, TeamRole.SUPPORTER)):
        services.add_team_member(case=case, role=role, user=user, by=manager)
    other_parent = factories.UserFactory(role=Role.PARENT, organisation=None, full_name="Daniel Otherparent")
    other_case = factories.make_case(council=council, by=business_support, first_name="Bola")
    factories.add_family_member(other_case, other_parent)
    return {
        "case": case,
        "other_case": other_case,
        "family": _upload(case, "family letter.pdf", by=coordinator),
        "team": _upload(case, "team notes.pdf", by=coordinator, visibility="team"),
        "staff": _upload(case, "staff notes.pdf", by=coordinator, visibility="staff"),
        "other_family": _upload(other_case, "bola report.pdf", by=coordinator),
        "specialist": specialist,
        "supporter": supporter,
        "other_parent": other_parent,
    }


def _download(client, user, document):
    client.force_login(user)
    return client.get(reverse("cases:download_document", args=[document.case.reference, document.pk]))


def _case_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.reference]))
    # Families read their documents in the portal.
    if response.status_code == 302 and response.url.startswith("/portal/"):
        response = client.get(reverse("portal:documents", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_staff_only_document_as_a_specialist_on_the_team_is_not_found(client, world):
    assert _download(client, world["specialist"], world["staff"]).status_code == 404
    html = _case_page(client, world["specialist"], world["case"])
    assert "staff notes.pdf" not in html
    assert "team notes.pdf" in html and "family letter.pdf" in html
    assert _download(client, world["specialist"], world["team"]).status_code == 200


def test_a_team_document_as_a_parent_is_not_found(client, world, parent):
    assert _download(client, parent, world["team"]).status_code == 404
    assert _download(client, parent, world["staff"]).status_code == 404
    html = _case_page(client, parent, world["case"])
    assert "team notes.pdf" not in html and "staff notes.pdf" not in html
    assert "family letter.pdf" in html
    # Nor does the timeline say that it was added.
    assert "Document added: team notes.pdf" not in html


def test_a_family_document_as_a_supporter_on_the_case_opens(client, world):
    response = _download(client, world["supporter"], world["family"])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert _download(client, world["supporter"], world["team"]).status_code == 404


def test_another_familys_document_is_not_found_even_through_your_own_case(client, world, parent):
    assert _download(client, parent, world["other_family"]).status_code == 404
    client.force_login(parent)
    through_mine = reverse(
        "cases:download_document", args=[world["case"].reference, world["other_family"].pk]
    )
    assert client.get(through_mine).status_code == 404
    assert _download(client, world["other_parent"], world["family"]).status_code == 404


def test_the_school_on_the_team_reads_team_papers_but_not_staff_only(client, world, senco):
    assert _download(client, senco, world["team"]).status_code == 200
    assert _download(client, senco, world["staff"]).status_code == 404


def test_council_staff_read_every_level(client, world, coordinator, manager, business_support):
    for user in (coordinator, manager, business_support):
        for level in ("family", "team", "staff"):
            assert _download(client, user, world[level]).status_code == 200, (user.role, level)


def test_whoever_added_a_document_still_reads_it_when_it_is_narrowed(client, world, coordinator):
    report = _upload(world["case"], "my assessment.pdf", by=world["specialist"])
    services.set_document_visibility(document=report, visibility="staff", by=coordinator, reason="Sensitive")
    assert _download(client, world["specialist"], report).status_code == 200
    other = factories.UserFactory(role=Role.SPECIALIST, organisation=world["specialist"].organisation)
    services.add_team_member(case=world["case"], role=TeamRole.SPECIALIST, user=other, by=coordinator)
    assert _download(client, other, report).status_code == 404


def test_the_adviser_page_lists_only_what_the_adviser_may_read(world):
    names = {d.name for d in selectors.documents_for(case=world["case"], user=world["specialist"])}
    assert names == {"family letter.pdf", "team notes.pdf"}


# --- choosing and changing it ----------------------------------------------------------------------------------


def test_staff_choose_the_visibility_on_upload(client, world, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:upload_document", args=[world["case"].reference]),
        {
            "file": SimpleUploadedFile("panel paper.pdf", PDF_BYTES, content_type="application/pdf"),
            "category": "other",
            "visibility": "team",
        },
    )
    assert response.status_code == 302
    assert CaseDocument.objects.get(name="panel paper.pdf").visibility == "team"


def test_a_parent_is_not_offered_the_choice_and_cannot_force_it(client, world, parent):
    client.force_login(parent)
    url = reverse("cases:upload_document", args=[world["case"].reference])
    assert 'name="visibility"' not in client.get(url).content.decode()
    client.post(
        url,
        {
            "file": SimpleUploadedFile("hidden.pdf", PDF_BYTES, content_type="application/pdf"),
            "category": "other",
            "visibility": "staff",
        },
    )
    assert CaseDocument.objects.get(name="hidden.pdf").visibility == "family"
    with pytest.raises(policy.NotAllowed):
        _upload(world["case"], "forced.pdf", by=parent, visibility="staff")


def test_a_coordinator_changes_it_with_history_and_a_staff_timeline_entry(client, world, coordinator, parent):
    client.force_login(coordinator)
    document = world["team"]
    url = reverse("cases:document_visibility", args=[world["case"].reference, document.pk])
    page = client.get(url).content.decode()
    assert "Who can see team notes.pdf" in page
    assert re.search(r'<input[^>]*value="team"[^>]*checked', page)
    response = client.post(url, {"visibility": "family", "reason": "Agreed with the school", "was": "team"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.visibility == "family"
    latest = document.history.first()
    assert (latest.visibility, latest.history_user, latest.history_change_reason) == (
        "family",
        coordinator,
        "Agreed with the school",
    )
    assert [h.visibility for h in document.history.order_by("history_id")] == ["team", "family"]
    event = TimelineEvent.objects.filter(case=world["case"]).first()
    assert (
        event.summary
        == "Who can see team notes.pdf: The case team, not the family → The family and everyone on the case"
    )
    assert event.visible_to_family is False
    assert _download(client, parent, document).status_code == 200


def test_a_change_made_meanwhile_is_not_overwritten(client, world, coordinator, manager):
    services.set_document_visibility(document=world["family"], visibility="staff", by=manager)
    client.force_login(coordinator)
    url = reverse("cases:document_visibility", args=[world["case"].reference, world["family"].pk])
    response = client.post(url, {"visibility": "team", "reason": "For the panel", "was": "family"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else changed who can see this document" in html
    assert 'value="For the panel"' in html  # nothing typed is lost
    world["family"].refresh_from_db()
    assert world["family"].visibility == "staff"


def test_a_bad_choice_names_the_field(client, world, coordinator):
    client.force_login(coordinator)
    url = reverse("cases:document_visibility", args=[world["case"].reference, world["family"].pk])
    response = client.post(url, {"visibility": "everyone", "was": "family"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert 'href="#id_visibility' in response.content.decode()
    with pytest.raises(services.ServiceError) as refused:
        services.set_document_visibility(document=world["family"], visibility="public", by=coordinator)
    assert refused.value.field == "visibility"


@pytest.mark.parametrize("who", ["specialist", "supporter"])
def test_people_outside_casework_cannot_change_it(client, world, who):
    client.force_login(world[who])
    url = reverse("cases:document_visibility", args=[world["case"].reference, world["family"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"visibility": "staff", "was": "family"}).status_code == 404
    with pytest.raises(policy.NotAllowed):
        services.set_document_visibility(document=world["family"], visibility="staff", by=world[who])


def test_sharing_with_the_family_opens_a_team_or_staff_document_to_them(world, coordinator, parent, client):
    shared = services.share_document_with_family(document_id=world["staff"].pk, by=coordinator)
    assert shared.visibility == "family"
    assert shared.history.first().history_change_reason == "Shared with the family"
    assert _download(client, parent, shared).status_code == 200
    services.withdraw_document(document=world["team"], reason="Wrong child", by=coordinator)
    with pytest.raises(services.ServiceError):
        services.share_document_with_family(document_id=world["team"].pk, by=coordinator)


def test_the_case_page_shows_staff_the_visibility_of_each_document(client, world, coordinator):
    html = _case_page(client, coordinator, world["case"])
    assert "Council staff only" in html and "The case team, not the family" in html
    assert "Change who can see it" in html


def test_the_case_page_keeps_its_query_count_with_more_documents(
    client, world, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("cases:detail", args=[world["case"].reference])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        _upload(world["case"], f"more {n}.pdf", by=coordinator, visibility=["family", "team", "staff"][n % 3])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
