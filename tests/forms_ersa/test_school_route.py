"""The school route: a SENCo makes the request with the parent's consent, and the parent can add to it."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import selectors as case_selectors
from cases.models import Case, CaseTeamMember, Requester, TeamRole
from forms_ersa import sections, services
from forms_ersa.models import DraftStatus, FormSettings, RequestDraft
from notifications.models import Message
from tests import factories
from tests.forms_ersa.conftest import SCHOOL_PAGES, TODAY, fill, page_url, post_page, start_as_senco

pytestmark = pytest.mark.django_db

NO_CONSENT = [p for p in SCHOOL_PAGES if p[0] != "parent_consent"]


def add_support_plan(client, draft, pdf_upload):
    response = client.post(
        reverse("forms_ersa:evidence", args=[draft.public_id]),
        {
            "file": pdf_upload("support-plan.pdf"),
            "kind": "sen_support_plan",
            "report_date_0": "10",
            "report_date_1": "1",
            "report_date_2": "2026",
            "old_reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def parent_link_path() -> str:
    message = Message.objects.filter(template="ersa.senco_parent_link").latest("pk")
    return re.sub(r"^https?://[^/]+", "", message.link)


def test_a_senco_starts_a_request_for_their_school(client, council, school, senco):
    response = client.get(reverse("forms_ersa:senco", args=[council.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    draft = start_as_senco(client, council, senco)
    assert (draft.route, draft.school, draft.user, draft.email) == ("school", school, senco, senco.email)
    tasks = client.get(reverse("forms_ersa:tasks", args=[draft.public_id])).content.decode()
    assert "Parent's consent" in html.unescape(tasks)
    assert "About you and parental responsibility" not in tasks
    support = client.get(page_url(draft, "needs", "support")).content.decode()
    assert "assess, plan, do, review" in support
    assert client.get(page_url(draft, "family", "you")).status_code == 404


def test_only_a_senco_of_a_school_of_this_council_can_start(client, council, parent, other_council):
    client.force_login(parent)
    response = client.post(reverse("forms_ersa:senco", args=[council.pk]))
    assert response.status_code == 200
    assert "You cannot make a request for a pupil with this account" in response.content.decode()
    elsewhere = factories.SchoolFactory(name="Hilltop School", council=other_council)
    outsider = factories.UserFactory(role=Role.SENCO, organisation=elsewhere, email="x@hilltop.example")
    client.force_login(outsider)
    client.post(reverse("forms_ersa:senco", args=[council.pk]))
    assert not RequestDraft.objects.exists()


def test_senco_flow_needs_consent_then_sends_with_the_school_on_the_team(
    client, council, school, senco, coordinator, pdf_upload, monkeypatch
):
    draft = start_as_senco(client, council, senco)
    fill(client, draft, NO_CONSENT)
    add_support_plan(client, draft, pdf_upload)
    check_url = reverse("forms_ersa:check", args=[draft.public_id])
    response = client.post(check_url)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Record the parent's consent" in page
    assert page_url(draft, "parent_consent", "consent") + "?next=check" in page
    assert not Case.objects.exists()

    for section, name, data in SCHOOL_PAGES:
        if section == "parent_consent":
            assert post_page(client, draft, section, name, data).status_code == 302
    response = client.post(check_url)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED and draft.case == case and draft.user == senco
    assert case.requested_by == Requester.SCHOOL
    assert case.child.current_setting == school
    assert CaseTeamMember.objects.filter(case=case, organisation=school, role=TeamRole.SCHOOL).exists()
    # The SENCo is not made a family member; the parent from the consent section is the family contact.
    assert not CaseTeamMember.objects.filter(case=case, user=senco, role=TeamRole.FAMILY).exists()
    contact = case.child.contacts.get()
    assert (contact.name, contact.email, contact.parental_responsibility) == (
        "Nadia Rahman",
        "nadia@example.org",
        True,
    )
    sent_to = set(Message.objects.filter(template="ersa.submitted").values_list("to_address", flat=True))
    assert sent_to == {senco.email, "nadia@example.org"}
    # Team memberships start when added (the real date): look at the case from then on.
    monkeypatch.setattr(case_selectors, "today", timezone.localdate)
    client.force_login(senco)
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 200


def test_consent_refused_is_explained(client, council, senco):
    draft = start_as_senco(client, council, senco)
    data = dict(SCHOOL_PAGES[-2][2], consent="no")
    response = post_page(client, draft, "parent_consent", "consent", data)
    assert response.status_code == 200
    assert "only make the request with the parent or carer" in response.content.decode()


def test_the_parent_link_opens_the_same_draft_to_add_views(client, council, senco):
    draft = start_as_senco(client, council, senco)
    for section, name, data in SCHOOL_PAGES[:1] + [p for p in SCHOOL_PAGES if p[0] == "parent_consent"]:
        post_page(client, draft, section, name, data)
    message = Message.objects.get(template="ersa.senco_parent_link")
    assert message.to_address == "nadia@example.org"
    token = message.link.rstrip("/").rsplit("/", 1)[-1]
    draft.refresh_from_db()
    assert draft.parent_token_hash == RequestDraft.hash_token(token)
    assert draft.token_hash != draft.parent_token_hash

    parent = Client()
    assert parent.get(reverse("forms_ersa:tasks", args=[draft.public_id])).status_code == 404
    assert parent.get(reverse("forms_ersa:parent_return", args=["not-the-token"])).status_code == 404
    response = parent.get(parent_link_path())
    assert response["Location"] == reverse("forms_ersa:tasks", args=[draft.public_id])
    assert 'value="Sami"' in parent.get(page_url(draft, "child", "name")).content.decode()
    response = post_page(
        parent, draft, "views", "parent_views", {"parent_views": "He loves building things."}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["views"]["parent_views"] == "He loves building things."
    # The SENCo sees what the parent added.
    page = client.get(page_url(draft, "views", "parent_views")).content.decode()
    assert "He loves building things." in page


def test_school_route_needs_the_sen_support_plan(client, council, senco):
    draft = start_as_senco(client, council, senco)
    fill(client, draft, SCHOOL_PAGES)
    draft.refresh_from_db()
    found = services.problems_for(draft, today=TODAY)
    assert ("evidence", "sen_support_plan", "Add the SEN support plan") in found
    page = client.post(reverse("forms_ersa:check", args=[draft.public_id])).content.decode()
    assert "Add the SEN support plan" in page
    # A council's own rules for other routes keep the default for the school route.
    FormSettings.objects.create(council=council, required_evidence={"parent": ["school_report"]})
    assert [f for s, f, _ in services.problems_for(draft, today=TODAY) if s == "evidence"] == [
        "sen_support_plan"
    ]


def test_a_parent_or_another_school_cannot_open_the_senco_draft(client, council, senco, parent):
    draft = start_as_senco(client, council, senco)
    other_school = factories.SchoolFactory(name="Oak Academy", council=council)
    other_senco = factories.UserFactory(role=Role.SENCO, organisation=other_school, email="o@oak.example")
    for user in (parent, other_senco):
        other = Client()
        other.force_login(user)
        assert other.get(reverse("forms_ersa:tasks", args=[draft.public_id])).status_code == 404
        assert other.get(page_url(draft, "child", "name")).status_code == 404
        assert other.get(reverse("forms_ersa:check", args=[draft.public_id])).status_code == 404


def test_rules_school_request_needs_consent_and_a_young_person_their_own():
    answers = {"parent_consent": {"consent": "no"}}
    found = sections.problems(sections.SCHOOL, answers, [], sections.Rules(required_sections=()), TODAY)
    assert ("parent_consent", "consent", "Record the parent's consent") in found
    older = {
        "child": {"date_of_birth": "2009-01-01"},
        "parent_consent": {
            "parent_name": "N",
            "relationship": "mother",
            "parent_email": "n@example.org",
            "parental_responsibility": "yes",
            "consent": "yes",
            "consent_date": "2026-02-01",
            "consent_how": "writing",
            "parent_involved": "no",
        },
    }
    found = sections.problems(sections.SCHOOL, older, [], sections.Rules(required_sections=()), TODAY)
    # Consent given, but whether the pupil is looked after is still to answer: the section is not finished.
    assert ("parent_consent", "looked_after", "Complete the section ‘Parent's consent’") in found
    older["parent_consent"]["looked_after"] = "no"
    found = sections.problems(sections.SCHOOL, older, [], sections.Rules(required_sections=()), TODAY)
    assert [(s, f) for s, f, _ in found] == [
        ("consent", "young_person_consent"),
        ("evidence", "sen_support_plan"),
    ]
