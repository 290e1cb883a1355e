"""Specialist advice end to end: the coordinator asks three advisers; an EP invited by email writes hers on a
tablet, a speech and language therapist writes his on a phone, each stopping halfway; the case shows both."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Discipline, OrganisationKind, Role
from advice import services as advice_services
from advice.models import AdviceTeam, RasScheme
from cases import services
from cases.models import InvolvedProfessional
from tests import factories
from tests.browser.conftest import DESKTOP, _watched, login, url

pytestmark = pytest.mark.browser

TABLET_UPRIGHT = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}
PASSPHRASE = "a-long-psychologist-passphrase"


@pytest.fixture
def setting_up(council, coordinator, business_support, school, administrator):
    case = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        school=school,
        summary="Finds it hard to follow spoken instructions and to settle in class.",
    )
    services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    services.case_transition(case=case, name="agree_to_assess", by=coordinator)
    case.refresh_from_db()
    InvolvedProfessional.objects.create(
        case=case,
        name="Pamela Okoro",
        role="Educational psychologist",
        service="Independent practice",
        email="pamela@psychology.example",
    )
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=council, name="Riverside NHS Trust")
    ep_lead = factories.UserFactory(
        role=Role.SPECIALIST,
        discipline=Discipline.EDUCATIONAL_PSYCHOLOGY,
        organisation=council,
        full_name="Howard Psychologist",
    )
    ep_team = AdviceTeam.objects.create(
        council=council, name="Educational psychology service", organisation=council, kinds=["psychological"]
    )
    ep_team.leads.add(ep_lead)
    salt = factories.UserFactory(
        role=Role.SPECIALIST,
        discipline=Discipline.SPEECH_AND_LANGUAGE,
        organisation=nhs,
        full_name="Leo Therapist",
    )
    salt_team = AdviceTeam.objects.create(
        council=council,
        name="Community speech and language therapy",
        organisation=nhs,
        kinds=["speech_and_language"],
    )
    salt_team.leads.add(salt)
    RasScheme.objects.create(
        council=council,
        name="Riverside RAS",
        effective_from="2020-01-01",
        config=advice_services.default_ras_config(),
        created_by=administrator,
    )
    return case, ep_lead, salt


def open_context(new_context, viewport):
    if viewport is DESKTOP:
        return _watched(new_context(viewport=viewport).new_page())
    return _watched(new_context(viewport=viewport, is_mobile=True, has_touch=True).new_page())


def fits(page) -> tuple[int, int]:
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    return widths["scroll"], widths["inner"]


def test_three_advisers_are_asked_and_two_advices_reach_the_case(
    new_context, live_server, setting_up, coordinator, findings
):
    case, ep_lead, salt = setting_up
    seen = []

    def check(page, where):
        page.wait_for_load_state("load")
        seen.append(where)
        findings.axe(page, where)
        scroll, inner = fits(page)
        findings.check(
            scroll <= inner, f"{where} scrolls sideways at {inner}px wide: the page is {scroll}px wide"
        )
        findings.check(not page.js_errors, f"{where}: script errors {page.js_errors}")

    def save(page):
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_load_state("load")
        expect(page.get_by_test_id("advice-tasks")).to_be_visible()

    def add(page):
        page.get_by_role("button", name="Add", exact=True).click()
        page.wait_for_load_state("load")
        expect(page.get_by_role("alert").filter(has_text="Added.")).to_be_visible()

    def task(page, name):
        page.get_by_test_id("advice-tasks").get_by_role("link", name=name).click()
        page.wait_for_load_state("load")

    # --- the coordinator asks, on a desktop ----------------------------------------------------------------
    page = open_context(new_context, DESKTOP)
    login(page, live_server, coordinator)
    page.goto(url(live_server, "cases:detail", case.reference))
    check(page, "the case page, assessing")
    page.get_by_role("link", name="Ask for advice, or see what the law requires").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice for the assessment")
    check(page, "advice for the assessment (what the law requires)")
    for kind, team in (
        ("psychological", "Educational psychology service"),
        ("speech_and_language", "Community speech and language therapy"),
    ):
        page.locator("main").get_by_role("link", name="Ask for advice", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Ask for advice")
        page.locator("[name=kind]").select_option(kind)
        page.locator("[name=team]").select_option(label=team)
        page.get_by_role("button", name="Send the request").click()
        expect(page.get_by_role("alert").filter(has_text="Advice asked for")).to_be_visible()
    check(page, "the ask page")
    # The educational psychologist already involved has no account: "ask them" invites her by email.
    page.get_by_test_id("advice-plan").get_by_role("link", name="ask them").first.click()
    expect(page.locator("[name=asked_name]")).to_have_value("Pamela Okoro")
    expect(page.locator("[name=asked_email]")).to_have_value("pamela@psychology.example")
    page.locator("[name=asked_email]").fill("pamela@")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an email address in the correct format"
    )
    expect(page.locator("[name=asked_name]")).to_have_value("Pamela Okoro")
    check(page, "the ask page with a bad email")
    page.locator("[name=asked_email]").fill("pamela@psychology.example")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Pamela Okoro has been emailed a link to create an account"
    )
    expect(page.get_by_test_id("advice-requests")).to_contain_text("Pamela Okoro (invited)")
    check(page, "advice for the assessment, three requests")

    # --- the EP service's lead gives its request to one of the service's psychologists, on a tablet -----------
    page = open_context(new_context, TABLET_UPRIGHT)
    login(page, live_server, ep_lead)
    page.goto(url(live_server, "advice:inbox"))
    expect(page.get_by_test_id("advice-inbox")).to_contain_text("To allocate")
    check(page, "the EP lead's inbox (tablet)")
    page.get_by_test_id("advice-inbox").get_by_role("link").first.click()
    page.get_by_role("link", name="Allocate to someone in your service").click()
    check(page, "allocating a request (tablet)")
    page.locator("[name=to]").select_option(label="Howard Psychologist")
    page.get_by_role("button", name="Allocate").click()
    expect(
        page.get_by_role("alert").filter(has_text="Howard Psychologist will give this advice")
    ).to_be_visible()
    page.context.close()

    # --- the EP, invited by email, on a tablet held upright --------------------------------------------------
    (invitation,) = [
        m for m in mail.outbox if m.to == ["pamela@psychology.example"] and "invitations/" in m.body
    ]
    link = re.search(r"https?://\S+/accounts/invitations/\S+/", invitation.body).group(0)
    (asked,) = [m for m in mail.outbox if m.to == ["pamela@psychology.example"] and "due by" in m.body]
    page = open_context(new_context, TABLET_UPRIGHT)
    page.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    check(page, "creating an account from the invitation (tablet)")
    page.locator("[name=full_name]").fill("Pamela Okoro")
    page.locator("[name=password1]").fill(PASSPHRASE)
    page.locator("[name=password2]").fill(PASSPHRASE)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Requests for advice").first.click()
    expect(page.get_by_test_id("advice-inbox")).to_contain_text("Psychological advice")
    check(page, "the EP's inbox (tablet)")
    page.get_by_test_id("advice-inbox").get_by_role("link").first.click()
    expect(page.get_by_test_id("request-facts")).to_contain_text("Pamela Okoro")
    due = page.get_by_test_id("due-on").inner_text()
    assert due.split(" (")[0] in asked.body, "the request's email and page give the same due date"
    check(page, "the request for advice (tablet)")
    today = case.assessment_decided_on
    task(page, "How you assessed the child")
    page.locator("[name=assessed_on_0]").fill(str(today.day))
    page.locator("[name=assessed_on_1]").fill(str(today.month))
    page.locator("[name=assessed_on_2]").fill(str(today.year))
    page.locator("[name=methods]").fill("Observed in class and met Amara with her mother")
    check(page, "a part of the advice (tablet)")
    save(page)
    task(page, "Needs")
    page.locator("[name=area]").select_option("cognition_learning")
    page.locator("[name=description]").fill("Slow processing speed")
    page.locator("[name=evidence]").fill("Standardised assessment, below the 5th centile")
    add(page)
    check(page, "the needs (tablet)")
    # Halfway: she closes the tablet and comes back later, signing in afresh.
    page.context.close()

    page = open_context(new_context, TABLET_UPRIGHT)
    pamela = case.advice_requests.get(asked_email="pamela@psychology.example").asked_user
    login(page, live_server, pamela, password=PASSPHRASE)
    page.goto(url(live_server, "advice:inbox"))
    expect(page.get_by_test_id("advice-inbox")).to_contain_text("In progress")
    page.get_by_test_id("advice-inbox").get_by_role("link").first.click()
    tasks = page.get_by_test_id("advice-tasks")
    expect(tasks.locator("li", has_text="How you assessed the child")).to_contain_text("Completed")
    expect(tasks.locator("li", has_text="Needs")).to_contain_text("Completed")
    check(page, "the draft found again (tablet)")
    task(page, "Psychological assessment")
    page.locator("[name=cognitive_profile]").fill("Strong verbal reasoning; slow processing")
    page.locator("[name=consultation]").fill("Met the class teacher and the SENCo")
    save(page)
    task(page, "Summary for the family")
    page.locator("[name=family_summary]").fill("Amara learns well when tasks are broken into small steps.")
    save(page)
    task(page, "Outcomes sought")
    page.locator("[name=description]").fill("Amara will read 40 words a minute")
    page.locator("[name=by_when]").fill("July 2027")
    page.locator("[name=measure]").fill("Termly reading fluency check")
    add(page)
    check(page, "the outcomes (tablet)")
    page.goto(url(live_server, "advice:items", page.url.split("/requests/")[1].split("/")[0], "provision"))
    page.locator("[name=what]").fill("Precision teaching of reading")
    page.locator("[name=who]").fill("A teaching assistant trained in precision teaching")
    page.locator("[name=frequency]").fill("4 times a week")
    page.locator("[name=duration]").fill("20 minutes a session, for 2 terms")
    page.locator("[name=group_size]").fill("1:1")
    add(page)
    check(page, "the provision (tablet)")
    page.get_by_role("link", name="Done: back to the request").click()
    task(page, "Resource levels (RAS)")
    for area, level in (
        ("communication_interaction", 1),
        ("cognition_learning", 3),
        ("semh", 2),
        ("sensory_physical", 0),
    ):
        page.locator(f"[name={area}][value='{level}']").check()
    check(page, "the RAS levels (tablet)")
    save(page)
    page.get_by_role("link", name="Check and send").click()
    check(page, "checking the advice (tablet)")
    page.locator("[name=declaration]").check()
    page.get_by_role("button", name="Send the advice").click()
    expect(page.get_by_role("alert").filter(has_text="Your advice has been sent")).to_be_visible()
    check(page, "the advice sent (tablet)")

    # --- the speech and language therapist, on a phone -------------------------------------------------------
    page = open_context(new_context, PHONE)
    login(page, live_server, salt)
    page.goto(url(live_server, "advice:inbox"))
    check(page, "the SALT's inbox (phone)")
    page.get_by_test_id("advice-inbox").get_by_role("link").first.click()
    check(page, "the request for advice (phone)")
    task(page, "How you assessed the child")
    page.locator("[name=assessed_on_0]").fill(str(today.day))
    page.locator("[name=assessed_on_1]").fill(str(today.month))
    page.locator("[name=assessed_on_2]").fill(str(today.year))
    page.locator("[name=methods]").fill("Assessed at school with the CELF-5")
    save(page)
    task(page, "Speech, language and communication")
    page.locator("[name=receptive]").fill("Follows two-part instructions with pictures")
    page.locator("[name=expressive]").fill("Short sentences; word-finding difficulties")
    page.locator("[name=social_communication]").fill("Takes turns with an adult's support")
    check(page, "a part of the advice (phone)")
    save(page)
    page.context.close()

    page = open_context(new_context, PHONE)
    login(page, live_server, salt)
    page.goto(url(live_server, "advice:inbox"))
    page.get_by_test_id("advice-inbox").get_by_role("link").first.click()
    expect(
        page.get_by_test_id("advice-tasks").locator("li", has_text="Speech, language and communication")
    ).to_contain_text("Completed")
    task(page, "Summary for the family")
    page.locator("[name=family_summary]").fill("Amara understands more when words come with pictures.")
    save(page)
    task(page, "Needs")
    page.locator("[name=area]").select_option("communication_interaction")
    page.locator("[name=description]").fill("Understanding spoken language")
    add(page)
    check(page, "the needs (phone)")
    page.get_by_role("link", name="Done: back to the request").click()
    task(page, "Provision recommended")
    page.locator("[name=what]").fill("Language group using visual supports")
    page.locator("[name=who]").fill("A speech and language therapy assistant")
    page.locator("[name=frequency]").fill("Twice a week")
    page.locator("[name=duration]").fill("30 minutes a session, for a year")
    page.locator("[name=group_size]").fill("Group of 4")
    add(page)
    check(page, "the provision (phone)")
    page.get_by_role("link", name="Done: back to the request").click()
    task(page, "Resource levels (RAS)")
    page.locator("[name=communication_interaction][value='3']").check()
    check(page, "the RAS levels (phone)")
    save(page)
    page.get_by_role("link", name="Check and send").click()
    check(page, "checking the advice (phone)")
    page.locator("[name=declaration]").check()
    page.get_by_role("button", name="Send the advice").click()
    expect(page.get_by_role("alert").filter(has_text="Your advice has been sent")).to_be_visible()

    # --- the coordinator sees both advices, their PDFs and the band ------------------------------------------
    page = open_context(new_context, DESKTOP)
    login(page, live_server, coordinator)
    page.goto(url(live_server, "cases:detail", case.reference))
    requests = page.get_by_test_id("advice-requests")
    expect(requests.get_by_role("link", name="Read Pamela Okoro's advice")).to_be_visible()
    expect(requests.get_by_role("link", name="Read Leo Therapist's advice")).to_be_visible()
    documents = page.get_by_test_id("documents")
    for author in ("Pamela Okoro", "Leo Therapist"):
        filed = (
            documents.locator("li")
            .filter(has_text="Advice for the assessment")
            .filter(has_text=f"by {author}")
        )
        expect(filed.get_by_role("link", name=re.compile(r"^Advice-\d+-v1-.*\.pdf$"))).to_have_count(1)
    expect(documents.get_by_role("link", name=re.compile(r"^Advice-\d+-v1-"))).to_have_count(2)
    expect(page.get_by_test_id("ras-band")).to_contain_text("suggested band")
    expect(page.get_by_test_id("ras-profile")).to_contain_text("Leo Therapist: 3")
    check(page, "the case page with both advices")
    requests.get_by_role("link", name="Read Pamela Okoro's advice").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page, "reading the EP's advice")

    assert len(seen) >= 20
    findings.assert_none()


def test_the_other_advice_pages_fit_and_pass_axe_with_their_errors(
    new_context, live_server, setting_up, coordinator, findings
):
    """Declining, passing on, withdrawing and reusing: each page, and each with its error, on a phone and a desktop."""
    case, ep_lead, salt = setting_up
    asked = advice_services.request_advice(
        case=case,
        kind="speech_and_language",
        asked_team=AdviceTeam.objects.get(name="Community speech and language therapy"),
        by=coordinator,
    )

    def check(page, where):
        page.wait_for_load_state("load")
        findings.axe(page, where)
        scroll, inner = fits(page)
        findings.check(
            scroll <= inner, f"{where} scrolls sideways at {inner}px wide: the page is {scroll}px wide"
        )

    page = open_context(new_context, PHONE)
    login(page, live_server, salt)
    for name, path, button in (
        ("declining", "advice:decline", "Send to the coordinator"),
        ("passing on", "advice:pass_on", "Pass it on"),
    ):
        page.goto(url(live_server, path, asked.pk))
        check(page, f"{name} (phone)")
        page.get_by_role("button", name=button).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        expect(page).to_have_title(re.compile(r"^Error: "))
        check(page, f"{name} with an error (phone)")

    page = open_context(new_context, DESKTOP)
    login(page, live_server, coordinator)
    page.goto(url(live_server, "advice:withdraw", asked.pk))
    check(page, "withdrawing a request")
    page.get_by_role("button", name="Withdraw the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the request is being withdrawn")
    check(page, "withdrawing a request with an error")
    page.get_by_role("link", name="Back to advice for the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice for the assessment")
    page.goto(url(live_server, "advice:reuse", case.reference))
    check(page, "reusing existing advice")
    page.get_by_role("button", name="Record the reuse").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "reusing existing advice with errors")
    findings.assert_none()
