"""A parent asks for an assessment on a phone, leaves halfway, comes back by the emailed link and sends it."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from forms_ersa.models import RequestDraft
from notifications.models import Message
from tests.browser.conftest import assert_no_horizontal_scroll, login, url

pytestmark = pytest.mark.browser


def save(page):
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state("load")


def test_a_parent_requests_an_assessment_on_a_phone(
    phone_page, new_context, live_server, council, coordinator, findings
):
    page = phone_page
    visited = []

    def check_page(where):
        visited.append(where)
        findings.axe(page, where)
        assert_no_horizontal_scroll(page, where)

    page.goto(url(live_server, "forms_ersa:index"))
    check_page("start")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_page("start with an error")
    page.get_by_label("A parent or carer of the child or young person").check()
    page.get_by_role("button", name="Continue").click()
    check_page("email")
    page.get_by_label("Email address").fill("meera@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="We have sent you a link")).to_be_visible()
    check_page("link sent")
    page.get_by_role("link", name="Continue to your request").click()
    check_page("task list")
    page.get_by_role("link", name="About the child or young person").click()

    page.locator("[name=first_name]").fill("Amara")
    page.locator("[name=last_name]").fill("Okafor")
    check_page("child name")
    save(page)
    page.locator("[name=date_of_birth_0]").fill("31")
    page.locator("[name=date_of_birth_1]").fill("2")
    page.locator("[name=date_of_birth_2]").fill("2016")
    save(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a real date")
    check_page("date of birth with an error")
    page.locator("[name=date_of_birth_0]").fill("14")
    page.locator("[name=date_of_birth_1]").fill("5")
    save(page)
    page.locator("[name=address]").fill("1 High Street")
    page.locator("[name=postcode]").fill("RV1 1AA")
    check_page("address")
    save(page)
    page.locator("[name=home_languages]").fill("English")
    page.locator("[name=interpreter_needed][value=no]").check()
    check_page("languages")
    save(page)
    check_page("setting")
    save(page)
    expect(page.get_by_test_id("status-child")).to_have_text("Completed")

    # Leave halfway; come back on another phone by the link in the email.
    link = Message.objects.get(template="ersa.return_link").link
    page = new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True).new_page()
    page.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    expect(page.get_by_test_id("status-child")).to_have_text("Completed")
    check_page("task list on return")

    page.get_by_role("link", name="About you and parental responsibility").click()
    page.locator("[name=full_name]").fill("Meera Parent")
    page.locator("[name=relationship][value=mother]").check()
    check_page("about you")
    save(page)
    page.locator("[name=parental_responsibility][value=yes]").check()
    page.locator("[name=looked_after][value=no]").check()
    check_page("parental responsibility")
    save(page)

    page.get_by_role("link", name="Their needs and the support so far").click()
    page.locator("[name=areas][value=semh]").check()
    check_page("areas of need")
    save(page)
    page.locator("[name=description]").fill("Finds noise very hard.")
    save(page)
    page.locator("[name=support_in_place]").fill("SEN support")
    page.locator("[name=tried]").fill("Ear defenders")
    page.locator("[name=tried_for]").fill("2 terms")
    check_page("support")
    save(page)

    page.get_by_role("link", name="Views").click()
    page.locator("[name=child_views]").fill("I like trains.")
    check_page("child's views")
    save(page)
    page.locator("[name=parent_views]").fill("She needs a calm place.")
    save(page)

    page.get_by_role("link", name="Reports and evidence").click()
    check_page("evidence")
    page.get_by_role("button", name="I have added everything I want to send").click()

    page.get_by_role("link", name="Professionals already involved").click()
    check_page("professionals")
    page.locator("[name=name]").fill("Priya Shah")
    page.locator("[name=role]").fill("Speech and language therapist")
    page.locator("[name=service]").fill("Riverside Children's Therapy Service")
    page.get_by_role("button", name="Add this person").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address or a phone number")
    expect(page.locator("[name=name]")).to_have_value("Priya Shah")
    check_page("professionals with an error")
    page.locator("[name=email]").fill("priya.shah@nhs.example")
    page.get_by_role("button", name="Add this person").click()
    expect(page.get_by_test_id("professionals-list")).to_contain_text("Priya Shah")
    check_page("professionals added")
    page.get_by_role("button", name="I have added everyone").click()

    page.get_by_role("link", name="How we contact you").click()
    page.locator("[name=channel][value=email]").check()
    page.locator("[name=language]").select_option("pl")
    check_page("contact")
    save(page)
    page.get_by_role("link", name="Consent and declaration").click()
    page.locator("[name=declaration]").check()
    save(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one service")
    check_page("consent with an error")
    for agency in ("setting", "ep", "health"):
        page.locator(f"[name=share_with][value={agency}]").check()
    check_page("consent")
    save(page)

    page.get_by_role("link", name="Check your answers").click()
    expect(page.get_by_test_id("answers-child")).to_contain_text("14 May 2016")
    check_page("check your answers")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Request sent")
    check_page("confirmation")
    case = Case.objects.get()
    expect(page.get_by_test_id("reference")).to_have_text(case.reference)
    expect(page.get_by_test_id("decision-by")).to_be_visible()
    assert case.child.contacts.get().language == "pl"
    assert case.professionals.get().name == "Priya Shah"
    # The copy is made after the request is sent; it is there to download once made (tasks run in-process here).
    page.reload()
    with page.expect_download() as download:
        page.get_by_test_id("download-copy").click()
    assert download.value.suggested_filename.startswith(f"Online-request-{case.reference}")
    findings.assert_none()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_senco_submits_a_request_with_the_parents_consent(
    page, live_server, council, school, senco, coordinator, findings
):
    from tests.factories import PASSWORD

    def check_page(where):
        findings.axe(page, where)

    page.goto(url(live_server, "forms_ersa:start", council.pk))
    check_page("start")
    page.get_by_label("A school or setting, for a pupil").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    # SENCos have accounts: sign in first, then carry on where they were going.
    check_page("sign in")
    page.locator('input[name="username"]').fill(senco.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form:has(input[name="password"]) [type="submit"]').click()
    expect(page.get_by_role("heading", name="Make a request for a pupil")).to_be_visible()
    check_page("school start")
    page.get_by_role("button", name="Start the request").click()
    expect(page.get_by_role("link", name="Parent's consent")).to_be_visible()
    check_page("task list")

    page.get_by_role("link", name="About the child or young person").click()
    page.locator("[name=first_name]").fill("Sami")
    page.locator("[name=last_name]").fill("Rahman")
    check_page("child name")
    save(page)
    page.locator("[name=date_of_birth_0]").fill("3")
    page.locator("[name=date_of_birth_1]").fill("9")
    page.locator("[name=date_of_birth_2]").fill("2017")
    save(page)
    page.locator("[name=address]").fill("4 Mill Lane")
    page.locator("[name=postcode]").fill("RV2 2BB")
    save(page)
    page.locator("[name=home_languages]").fill("English")
    page.locator("[name=interpreter_needed][value=no]").check()
    save(page)
    check_page("setting")
    save(page)

    page.get_by_role("link", name="Their needs and the support so far").click()
    page.locator("[name=areas][value=cognition_learning]").check()
    save(page)
    page.locator("[name=description]").fill("Reading is two years behind.")
    save(page)
    page.locator("[name=support_in_place]").fill("Three assess-plan-do-review cycles")
    page.locator("[name=tried]").fill("Daily phonics")
    page.locator("[name=tried_for]").fill("1 year")
    check_page("support")
    save(page)

    page.get_by_role("link", name="Views").click()
    page.locator("[name=child_views]").fill("I like maths.")
    save(page)
    check_page("parent's views")
    save(page)

    page.get_by_role("link", name="Reports and evidence").click()
    page.locator("[name=file]").set_input_files(
        {"name": "support-plan.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.locator("[name=kind][value=sen_support_plan]").check()
    page.locator("[name=report_date_0]").fill("10")
    page.locator("[name=report_date_1]").fill("1")
    page.locator("[name=report_date_2]").fill("2026")
    page.get_by_role("button", name="Upload file").click()
    page.wait_for_load_state("load")
    check_page("evidence")
    page.get_by_role("button", name="I have added everything I want to send").click()

    page.get_by_role("link", name="How we contact you").click()
    page.locator("[name=channel][value=email]").check()
    save(page)

    page.get_by_role("link", name="Parent's consent").click()
    page.locator("[name=parent_name]").fill("Nadia Rahman")
    page.locator("[name=relationship][value=mother]").check()
    page.locator("[name=parent_email]").fill("nadia@example.org")
    page.locator("[name=parental_responsibility][value=yes]").check()
    check_page("parent")
    save(page)
    page.locator("[name=consent][value=yes]").check()
    page.locator("[name=consent_date_0]").fill("20")
    page.locator("[name=consent_date_1]").fill("2")
    page.locator("[name=consent_date_2]").fill("2026")
    page.locator("[name=consent_how][value=meeting]").check()
    page.locator("[name=parent_involved][value=yes]").check()
    check_page("consent")
    save(page)
    page.locator("[name=looked_after][value=no]").check()
    check_page("social care")
    save(page)

    page.get_by_role("link", name="Professionals already involved").click()
    page.get_by_role("button", name="There is no one to add").click()

    page.get_by_role("link", name="Consent and declaration").click()
    page.locator("[name=share_with][value=health]").check()
    page.locator("[name=declaration]").check()
    save(page)

    page.get_by_role("link", name="Check your answers").click()
    check_page("check your answers")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Request sent")
    check_page("confirmation")
    case = Case.objects.get()
    assert case.requested_by == "school"
    assert Message.objects.filter(template="ersa.senco_parent_link", to_address="nadia@example.org").exists()
    findings.assert_none()


def test_a_parent_opens_the_schools_request_by_their_link_adds_to_it_and_the_senco_sends_it(
    phone_page, page, live_server, council, school, senco, coordinator, findings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from forms_ersa import services

    draft = services.start_school_draft(council=council, user=senco)
    stored = {
        "child": {
            "first_name": "Sami",
            "last_name": "Rahman",
            "date_of_birth": "2017-09-03",
            "address": "4 Mill Lane",
            "postcode": "RV2 2BB",
            "home_languages": "English",
            "interpreter_needed": "no",
        },
        "needs": {
            "areas": ["cognition_learning"],
            "description": "Reading is two years behind.",
            "support_in_place": "Three assess-plan-do-review cycles",
            "tried": "Daily phonics",
            "tried_for": "1 year",
        },
        "professionals": {"finished": "yes"},
        "views": {"child_views": "I like maths."},
        "contact": {"channel": "email", "language": "en"},
        "parent_consent": {
            "parent_name": "Nadia Rahman",
            "relationship": "mother",
            "parent_email": "nadia@example.org",
            "parental_responsibility": "yes",
            "consent": "yes",
            "consent_date": "2026-02-20",
            "consent_how": "meeting",
            "parent_involved": "yes",
            "looked_after": "no",
        },
        "consent": {"declaration": "yes", "share_with": ["setting", "health"]},
        "evidence": {"finished": "yes"},
    }
    for section, values in stored.items():
        services.save_answers(draft=draft, section=section, values=values, expected_version=None)
    services.add_evidence(
        draft=draft,
        upload=SimpleUploadedFile("support-plan.pdf", PDF_BYTES),
        kind="sen_support_plan",
        report_date=datetime.date(2026, 1, 10),
    )

    # The parent, on their phone, follows the link the school's request emailed them.
    link = Message.objects.get(template="ersa.senco_parent_link", to_address="nadia@example.org").link
    parent = phone_page
    parent.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    expect(parent.get_by_test_id("status-child")).to_have_text("Completed")
    findings.axe(parent, "parent: task list by their link")
    assert_no_horizontal_scroll(parent, "parent: task list by their link")
    parent.get_by_role("link", name="Views").click()
    save(parent)  # the child's views page, as the school wrote them
    findings.axe(parent, "parent: their views")
    parent.locator("[name=parent_views]").fill("He loves building things and needs a quiet space.")
    save(parent)
    # The school's record of the parent's own consent: theirs to see, only the school's to change.
    parent.goto(url(live_server, "forms_ersa:page", draft.public_id, "parent_consent", "consent"))
    expect(parent.get_by_test_id("read-only")).to_contain_text("Only the school can change it")
    expect(parent.get_by_test_id("answers-parent_consent")).to_contain_text("In a meeting")
    expect(parent.locator("[name=consent]")).to_have_count(0)
    expect(parent.locator(".app-header__council")).to_have_text(council.name)
    findings.axe(parent, "parent: the school's record of their consent")
    assert_no_horizontal_scroll(parent, "parent: the school's record of their consent")
    parent.get_by_role("link", name="Return to the request").click()
    parent.get_by_role("link", name="Check your answers").click()
    expect(parent.get_by_test_id("answers-views")).to_contain_text("He loves building things")
    expect(parent.get_by_test_id("school-sends")).to_contain_text("The school will check the request")
    expect(parent.get_by_role("button", name="Send request")).to_have_count(0)
    findings.axe(parent, "parent: check your answers")
    assert_no_horizontal_scroll(parent, "parent: check your answers")

    # The SENCo signs in, sees what the parent added, and sends it.
    login(page, live_server, senco)
    page.goto(url(live_server, "forms_ersa:check", draft.public_id))
    expect(page.get_by_test_id("answers-views")).to_contain_text("He loves building things")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Request sent")
    case = Case.objects.get()
    assert case.requested_by == "school"
    assert Message.objects.filter(template="ersa.submitted", to_address="nadia@example.org").exists()

    # The parent's link now shows the request as sent.
    parent.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    expect(parent.get_by_test_id("reference")).to_have_text(case.reference)
    findings.axe(parent, "parent: confirmation")
    findings.assert_none()


def test_sending_an_unfinished_request_shows_what_is_missing_and_where(
    page, live_server, council, coordinator, findings
):
    page.goto(url(live_server, "forms_ersa:start", council.pk))
    page.get_by_label("A parent or carer of the child or young person").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Email address").fill("daniel@example.org")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Continue to your request").click()
    page.get_by_role("link", name="About the child or young person").click()
    page.locator("[name=first_name]").fill("Leo")
    page.locator("[name=last_name]").fill("Brown")
    save(page)

    page.goto(url(live_server, "forms_ersa:tasks", RequestDraft.objects.get().public_id))
    page.get_by_role("link", name="Check your answers").click()
    page.get_by_role("button", name="Send request").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    links = summary.locator("a")
    texts = [text.strip() for text in links.all_inner_texts()]
    assert texts == [
        "Complete the section ‘About the child or young person’",
        "Complete the section ‘About you and parental responsibility’",
        "Complete the section ‘Their needs and the support so far’",
        "Complete the section ‘Professionals already involved’",
        "Complete the section ‘Views’",
        "Complete the section ‘Reports and evidence’",
        "Complete the section ‘How we contact you’",
        "Complete the section ‘Consent and declaration’",
    ]
    findings.axe(page, "check your answers with what is missing")
    # Each link goes where the answer is missing: the child's section resumes at the date of birth.
    summary.get_by_role("link", name="Complete the section ‘About the child or young person’").click()
    expect(page.locator("[name=date_of_birth_0]")).to_be_visible()
    assert Case.objects.count() == 0
    findings.assert_none()
