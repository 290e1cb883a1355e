"""Each role sees the parts of a case its work needs (accounts.policy.FIELDS), on the case page and in the API.

A specialist or a panel member reads the child's needs and the papers, not how to reach the family, the child's
identifiers, what the family agreed to share or what the service told people.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import policy
from accounts.models import OrganisationKind, Role
from cases import services
from cases.models import Case, Child, TeamRole
from tests import factories

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
SUMMARY = "Amara finds it hard to follow spoken instructions and has few words at school."
UPN = "H801200001001"
ULN = "1234567890"
NHS_NUMBER = "9434765919"
FAMILY_EMAIL = "parent@example.org"
FAMILY_PHONE = "07700 900123"
AGENCY = "Riverside Speech and Language Service"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case_with_everything(council, school, coordinator, business_support, manager, parent):
    case = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        school=school,
        summary=SUMMARY,
        primary_need="communication_interaction",
    )
    Child.objects.filter(pk=case.child_id).update(upn=UPN, uln=ULN, nhs_number=NHS_NUMBER)
    case.child.contacts.update(phone=FAMILY_PHONE)
    Case.objects.filter(pk=case.pk).update(share_consent=[{"name": AGENCY, "agreed": True}])
    factories.add_family_member(case, parent)
    for name, staff_only in (("school report.pdf", False), ("staff notes.pdf", True)):
        services.add_document(
            case=case,
            upload=SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf"),
            category="school_report",
            by=coordinator,
            visible_to_family=not staff_only,
        )
    case.refresh_from_db()
    return case


@pytest.fixture
def people(council, case_with_everything, manager, coordinator, parent, senco):
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=council, name="Riverside NHS Trust")
    specialist = factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Howard Specialist")
    panel = factories.staff(Role.PANEL_MEMBER, council, full_name="Pamela Panel")
    for user, role in ((specialist, TeamRole.SPECIALIST), (panel, TeamRole.PANEL)):
        services.add_team_member(case=case_with_everything, role=role, user=user, by=manager)
    return {
        "specialist": specialist,
        "panel": panel,
        "coordinator": coordinator,
        "parent": parent,
        "senco": senco,
    }


PRIVATE = {
    "family email": FAMILY_EMAIL,
    "family phone": FAMILY_PHONE,
    "contact preferences": 'data-testid="contact-preferences"',
    "UPN": UPN,
    "ULN": ULN,
    "NHS number": NHS_NUMBER,
    "share consent": AGENCY,
    "messages sent": 'data-testid="messages"',
    "staff-only document": "staff notes.pdf",
}


def _page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.reference]))
    if response.status_code == 302 and response["Location"].startswith("/portal/"):
        # A family reads the case in the portal: its pages about the case, together.
        parts = ("portal:case", "portal:involved", "portal:documents", "portal:decisions")
        pages = [client.get(reverse(name, args=[case.reference])) for name in parts]
        assert [page.status_code for page in pages] == [200] * len(parts)
        return "".join(page.content.decode() for page in pages)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["specialist", "panel"])
def test_professionals_read_the_needs_and_the_papers_but_not_the_familys_details(
    who, people, case_with_everything, client
):
    html = _page(client, people[who], case_with_everything)
    assert {name: text for name, text in PRIVATE.items() if text in html} == {}
    assert SUMMARY in html
    assert "Communication and interaction" in html
    assert "school report.pdf" in html


def test_staff_see_everything_the_case_holds(people, case_with_everything, client):
    html = _page(client, people["coordinator"], case_with_everything)
    assert {name: text for name, text in PRIVATE.items() if text not in html} == {}
    assert SUMMARY in html


@pytest.mark.parametrize("who", ["parent", "senco"])
def test_the_family_side_sees_what_it_saw_before_and_the_request(who, people, case_with_everything, client):
    html = _page(client, people[who], case_with_everything)
    assert {name: text for name, text in PRIVATE.items() if text in html} == {}
    assert "Parent Okafor" in html  # who is recorded as a contact, without how to reach them
    assert "school report.pdf" in html


def test_a_professional_cannot_download_a_staff_only_document(people, case_with_everything, client):
    staff_only = case_with_everything.documents.get(name="staff notes.pdf")
    shared = case_with_everything.documents.get(name="school report.pdf")
    client.force_login(people["specialist"])
    url = "cases:download_document"
    assert client.get(reverse(url, args=[case_with_everything.reference, staff_only.pk])).status_code == 404
    assert client.get(reverse(url, args=[case_with_everything.reference, shared.pk])).status_code == 200


@pytest.mark.parametrize("who", ["specialist", "panel", "parent"])
def test_the_api_leaves_out_what_the_role_may_not_see_and_keeps_the_request(
    who, people, case_with_everything, client
):
    client.force_login(people[who])
    body = client.get(reverse("api:case-detail", kwargs={"reference": case_with_everything.reference})).json()
    text = str(body)
    assert {name: value for name, value in PRIVATE.items() if value in text} == {}
    assert body["summary"] == SUMMARY
    assert body["primary_need"] == "communication_interaction"
    assert body["team"] and body["deadlines"]


def test_a_role_without_the_request_summary_gets_no_summary_field(people, case_with_everything, client):
    original = policy.FIELDS[Role.SPECIALIST]
    policy.FIELDS[Role.SPECIALIST] = original - {"request_summary"}
    try:
        client.force_login(people["specialist"])
        body = client.get(
            reverse("api:case-detail", kwargs={"reference": case_with_everything.reference})
        ).json()
    finally:
        policy.FIELDS[Role.SPECIALIST] = original
    assert "summary" not in body and "primary_need" not in body
    assert body["reference"] == case_with_everything.reference


def test_the_family_side_still_sees_exceptions_to_its_time_limits_and_a_specialist_does_not(
    people, case_with_everything, client
):
    services.record_exception(
        case=case_with_everything,
        kind="personal_circumstances",
        starts_on=case_with_everything.received_on,
        ends_on=case_with_everything.received_on,
        reason="The family were away for a bereavement",
        by=people["coordinator"],
    )
    seen = {
        who: 'data-testid="exceptions"' in _page(client, people[who], case_with_everything)
        for who in ("coordinator", "parent", "senco", "panel", "specialist")
    }
    assert seen == {"coordinator": True, "parent": True, "senco": True, "panel": True, "specialist": False}
