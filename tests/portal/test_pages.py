"""What a parent, a young person, a supporter and a SENCo read and do in the portal."""

import datetime

import pytest
from django.core import mail  # noqa: F401  (mail never leaves on the request path: the outbox is read instead)
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services as case_services
from cases import statutory
from cases.models import CaseDocument, CaseTeamMember, TeamRole, TimelineEvent
from cases.workflow import Stage
from notifications.models import Message
from portal import services
from portal.models import AccessNeeds, ConversationMessage
from tests import factories
from tests.cases.test_views import Page

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def family_case(council, coordinator, business_support, parent):
    case = factories.make_case(council=council, by=business_support, coordinator=coordinator)
    factories.add_family_member(case, parent)
    return case


def _due(case, code) -> str:
    return f"{case.deadlines.get(code=code).due_on:%-d %B %Y}"


def test_the_home_page_lists_the_familys_cases_with_what_happens_next(login, family_case, parent):
    page = Page(login(parent).get(reverse("portal:home")))
    assert page.status == 200
    card = page.root.find(data_testid="family-case").text()
    assert family_case.child.full_name in card
    assert f"Decide whether to assess by {_due(family_case, 'assessment_decision')}" in card


def test_the_case_page_shows_every_step_with_the_statutory_dates(login, family_case, parent, coordinator):
    page = Page(login(parent).get(reverse("portal:case", args=[family_case.reference])))
    assert page.status == 200
    decision = page.root.find(data_testid="step-assessment_decision").text()
    assert f"By {_due(family_case, 'assessment_decision')}" in decision
    assert f"Who does this: Your coordinator, {coordinator.full_name}" in decision
    received = page.root.find(data_testid="step-request").text()
    assert f"{family_case.received_on:%-d %B %Y}" in received
    final = page.root.find(data_testid="step-final_plan").text()
    assert f"By {_due(family_case, 'final_plan')}" in final
    for key in ("advice", "panel", "draft", "your_15_days", "annual_review"):
        assert page.root.find(data_testid=f"step-{key}") is not None


def test_a_late_step_says_so_and_a_lawful_exception_is_explained(
    login, council, coordinator, business_support, parent
):
    case = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        received_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    factories.add_family_member(case, parent)
    case_services.record_exception(
        case=case,
        kind="personal_circumstances",
        starts_on=case.received_on + datetime.timedelta(days=5),
        ends_on=case.received_on + datetime.timedelta(days=50),
        reason="In hospital",
        by=coordinator,
    )
    page = Page(login(parent).get(reverse("portal:case", args=[case.reference])))
    step = page.root.find(data_testid="step-assessment_decision")
    assert "This is late. It was due on" in step.find(data_testid="late").text()
    assert (
        "there were exceptional personal circumstances in the family"
        in step.find(data_testid="exception").text()
    )


def test_the_draft_window_shows_its_last_day(login, council, parent):
    case = factories.CaseFactory(stage=Stage.DRAFT_PLAN, council=council, draft_served=True)
    factories.add_family_member(case, parent)
    page = Page(login(parent).get(reverse("portal:case", args=[case.reference])))
    window = page.root.find(data_testid="step-your_15_days").text()
    last = statutory.draft_comments_close_on(case.draft_served_on)
    assert f"By {last:%-d %B %Y}" in window


def test_a_family_message_reaches_the_coordinator_and_the_answer_reaches_the_family(
    login, client, family_case, parent, coordinator, django_capture_on_commit_callbacks
):
    login(parent)
    response = client.post(reverse("portal:messages", args=[family_case.reference]), {"body": "Can we meet?"})
    assert response.status_code == 302
    to_coordinator = Message.objects.filter(template="portal.family_message", recipient=coordinator)
    assert to_coordinator.exists()
    assert TimelineEvent.objects.filter(case=family_case, detail="Can we meet?").exists()

    login(coordinator)
    staff_page = Page(client.get(reverse("cases:detail", args=[family_case.reference])))
    assert staff_page.root.find(data_testid="family-messages") is not None
    panel = client.get(
        reverse("portal:staff_conversation", args=[family_case.reference]), HTTP_HX_REQUEST="true"
    )
    assert "Can we meet?" in panel.content.decode()
    assert "1 new message" in panel.content.decode()
    response = client.post(reverse("portal:reply", args=[family_case.reference]), {"body": "Yes, on Monday."})
    assert response.status_code == 302
    assert ConversationMessage.objects.get(from_family=True).read_at is not None
    reply = Message.objects.filter(template="portal.council_reply", recipient=parent)
    assert {m.channel for m in reply} == {"email", "in_app"}

    login(parent)
    home = Page(client.get(reverse("portal:home")))
    assert "1 new message" in home.root.find(data_testid="unread").text()
    page = Page(client.get(reverse("portal:messages", args=[family_case.reference])))
    assert "Yes, on Monday." in page.root.find(data_testid="conversation").text()
    assert ConversationMessage.objects.get(from_family=False).read_at is not None


def test_an_empty_answer_from_staff_is_refused(login, family_case, coordinator):
    page = Page(login(coordinator).post(reverse("portal:reply", args=[family_case.reference]), {"body": ""}))
    assert page.status == 400
    assert "Enter your answer" in page.root.find(class_="govuk-error-summary").text()
    assert not ConversationMessage.objects.exists()


def test_the_family_side_never_sees_the_staff_conversation_page(login, family_case, parent):
    url = reverse("portal:staff_conversation", args=[family_case.reference])
    assert login(parent).get(url).status_code == 404


def test_an_empty_or_too_long_message_is_refused_keeping_what_was_typed(login, family_case, parent):
    client = login(parent)
    url = reverse("portal:messages", args=[family_case.reference])
    page = Page(client.post(url, {"body": "  "}))
    assert page.status == 400
    assert "Enter your message" in page.text
    long = "x" * (services.MAX_MESSAGE_LENGTH + 1)
    response = client.post(url, {"body": long})
    assert response.status_code == 400
    assert long in response.content.decode()
    assert not ConversationMessage.objects.exists()


def test_a_family_upload_is_checked_like_every_upload(login, family_case, parent):
    client = login(parent)
    url = reverse("portal:add_document", args=[family_case.reference])
    bad = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    page = Page(client.post(url, {"file": bad, "category": "medical"}))
    assert page.status == 400
    assert page.root.find(class_="govuk-error-summary") is not None
    good = SimpleUploadedFile("report.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url, {"file": good, "category": "medical", "description": "From the GP"})
    assert response.status_code == 302
    document = CaseDocument.objects.get(case=family_case, uploaded_by=parent)
    assert document.visible_to_family
    listing = Page(client.get(reverse("portal:documents", args=[family_case.reference])))
    assert "report.pdf" in listing.root.find(data_testid="documents").text()


def test_documents_kept_from_the_family_are_not_listed(login, family_case, parent, coordinator):
    upload = SimpleUploadedFile("internal.pdf", PDF_BYTES, content_type="application/pdf")
    case_services.add_document(
        case=family_case, upload=upload, category="other", visible_to_family=False, by=coordinator
    )
    page = Page(login(parent).get(reverse("portal:documents", args=[family_case.reference])))
    assert "internal.pdf" not in page.text


def test_decisions_show_the_reasons_and_the_time_limit_to_appeal(login, council, parent):
    case = factories.CaseFactory(stage=Stage.NOT_ASSESSED, council=council)
    factories.add_family_member(case, parent)
    page = Page(login(parent).get(reverse("portal:decisions", args=[case.reference])))
    card = page.root.find(data_testid="decision-refuse_assessment").text()
    assert "The support the school already gives meets the child's needs" in card
    appeal_by = statutory.add_months(case.assessment_decided_on, 2)
    assert f"you can appeal until {appeal_by:%-d %B %Y}" in card
    assert "Mediation" in card and "SEND Tribunal" in card


def test_preferences_keep_channel_language_and_access_needs(login, parent):
    client = login(parent)
    url = reverse("portal:preferences")
    page = Page(
        client.post(url, {"preferred_channel": "sms", "phone": "", "language": "pl", "needs": "Large print"})
    )
    assert page.status == 400
    assert "Enter a mobile phone number" in page.text or "mobile" in page.text
    assert "Large print" in page.response.content.decode()
    response = client.post(
        url,
        {
            "preferred_channel": "sms",
            "phone": "07700 900982",
            "language": "pl",
            "needs": "Large print",
            "interpreter": "on",
        },
    )
    assert response.status_code == 302
    parent.refresh_from_db()
    assert (parent.preferred_channel, parent.language) == ("sms", "pl")
    needs = AccessNeeds.objects.get(user=parent)
    assert needs.needs == "Large print" and needs.interpreter


def test_a_family_lets_a_supporter_in_and_revoking_ends_access_at_once(
    login, client, council, family_case, parent
):
    charity = factories.SchoolFactory(kind="charity", council=council, name="SENDIASS Riverside")
    supporter = factories.UserFactory(role=Role.SUPPORTER, organisation=charity, email="pam@sendiass.example")
    login(parent)
    response = client.post(
        reverse("portal:share", args=[family_case.reference]),
        {"role": "supporter", "full_name": "Pam Supporter", "email": "pam@sendiass.example"},
    )
    assert response.status_code == 302
    assert Message.objects.filter(template="portal.case_shared", recipient=supporter).exists()

    login(supporter)
    assert client.get(reverse("portal:case", args=[family_case.reference])).status_code == 200

    login(parent)
    share = family_case.pk and services.CaseShare.objects.get(case=family_case)
    response = client.post(reverse("portal:end_share", args=[family_case.reference, "share", share.pk]))
    assert response.status_code == 302

    login(supporter)
    assert client.get(reverse("portal:case", args=[family_case.reference])).status_code == 404
    member = CaseTeamMember.objects.get(case=family_case, user=supporter)
    assert member.ends_on == timezone.localdate()


def test_someone_without_an_account_is_left_to_the_coordinator_to_invite(
    login, family_case, parent, coordinator
):
    response = login(parent).post(
        reverse("portal:share", args=[family_case.reference]),
        {"role": "other_parent", "full_name": "Dan Okafor", "email": "dan@example.org"},
    )
    assert response.status_code == 302
    assert Message.objects.filter(template="portal.share_requested", recipient=coordinator).exists()


def test_bad_share_inputs_name_the_field(login, family_case, parent):
    page = Page(login(parent).post(reverse("portal:share", args=[family_case.reference]), {"email": "nope"}))
    assert page.status == 400
    text = page.root.find(class_="govuk-error-summary").text()
    assert "Select who you want to let see the case" in text
    assert "Enter their full name" in text
    assert "Enter an email address in the correct format" in text


def test_a_senco_sees_their_pupils_cases_with_the_tracker(login, council, school, senco, business_support):
    case = factories.make_case(council=council, by=business_support, school=school)
    case_services.add_team_member(
        case=case, role=TeamRole.SCHOOL, user=senco, by=factories.staff(Role.SERVICE_MANAGER, council)
    )
    client = login(senco)
    page = Page(client.get(reverse("portal:pupils")))
    assert case.child.full_name in page.root.find(data_testid="pupil-cases").text()
    tracker = Page(client.get(reverse("portal:case", args=[case.reference])))
    assert tracker.root.find(data_testid="tracker") is not None
    # A SENCo follows; they do not write to the coordinator as the family or let others in.
    assert client.get(reverse("portal:messages", args=[case.reference])).status_code == 404
    assert client.get(reverse("portal:share", args=[case.reference])).status_code == 404


def test_someone_the_council_invites_at_the_familys_request_joins_and_the_family_can_stop_it(
    login, client, family_case, parent, coordinator
):
    import re

    from accounts import services as account_services

    login(parent).post(
        reverse("portal:share", args=[family_case.reference]),
        {"role": "other_parent", "full_name": "Dan Okafor", "email": "dan@example.org"},
    )
    asked = Message.objects.get(template="portal.share_requested", recipient=coordinator, channel="email")
    invite_path = re.sub(r"^https?://[^/]+", "", asked.link)
    login(coordinator)
    form = client.get(invite_path).content.decode()
    assert 'value="dan@example.org"' in form and 'value="Dan Okafor"' in form
    client.post(invite_path, {"role": "parent", "full_name": "Dan Okafor", "email": "dan@example.org"})
    invitation = Message.objects.filter(template="account.invitation", to_address="dan@example.org").latest(
        "pk"
    )
    token = invitation.data["account_link"].rstrip("/").rsplit("/", 1)[1]
    dan = account_services.accept_invitation(
        token=token, full_name="Dan Okafor", password="a long enough secret"
    )

    people = Page(login(parent).get(reverse("portal:people", args=[family_case.reference])))
    assert "waiting" not in people.root.find(data_testid="shares").text()
    share = services.CaseShare.objects.get(case=family_case)
    client.post(reverse("portal:end_share", args=[family_case.reference, "share", share.pk]))
    login(dan)
    assert client.get(reverse("portal:case", args=[family_case.reference])).status_code == 404
