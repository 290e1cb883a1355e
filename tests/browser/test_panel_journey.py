"""The paperless panel on tablets: the chair and three members each on their own tablet, one of them conflicted.
They read the papers, vote at the same time, the chair watches the tally, closes the vote and records the decision;
the case moves on, its deadline is met and the family's letter is filed."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import statutory
from cases.models import CaseDocument, Deadline
from panel import services
from panel.models import Vote
from tests import factories
from tests.browser.conftest import _watched, login, url
from tests.panel.conftest import build_panel

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 320, "height": 720}


def tablet(new_context, viewport=TABLET):
    return _watched(new_context(viewport=viewport, is_mobile=True, has_touch=True).new_page())


def fits(page) -> tuple[int, int]:
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    return widths["scroll"], widths["inner"]


def test_the_panel_decides_on_tablets_and_the_case_follows(
    new_context, live_server, council, manager, coordinator, business_support, school, findings
):
    case = factories.CaseFactory(
        stage="deciding_to_assess",
        council=council,
        coordinator=coordinator,
        school=school,
        summary="Struggles to follow instructions and to settle in class.",
    )
    world = build_panel(council, manager)
    item = services.add_to_agenda(
        meeting=world.meeting, case=case, question="assess", reason="Papers complete", by=coordinator
    )
    services.record_presence(
        meeting=world.meeting, present=[m.pk for m in world.members.values()], by=world.chair
    )

    def check(page, where):
        page.wait_for_load_state("load")
        findings.axe(page, where)
        scroll, inner = fits(page)
        findings.check(scroll <= inner, f"{where} scrolls sideways at {inner}px: the page is {scroll}px wide")
        findings.check(not page.js_errors, f"{where}: script errors {page.js_errors}")

    pages = {}
    for key in ("chair", "ep", "health", "head"):
        page = tablet(new_context)
        login(page, live_server, getattr(world, key))
        pages[key] = page

    # --- a member lands on the panel, reads the agenda and the papers section by section -----------------------
    ep = pages["ep"]
    expect(ep.get_by_test_id("upcoming")).to_contain_text(f"{world.meeting.held_on:%-d %B %Y}")
    check(ep, "the panel member's home (tablet)")
    ep.get_by_test_id("upcoming").get_by_role("link").first.click()
    expect(ep.get_by_test_id("agenda")).to_contain_text(case.reference)
    check(ep, "the agenda (tablet)")
    ep.get_by_role("link", name=f"Read the papers {case.reference}").click()
    expect(ep.get_by_test_id("bundle")).to_contain_text("Whether to carry out an EHC needs assessment")
    check(ep, "the case bundle (tablet)")
    ep.get_by_role("link", name="The request", exact=True).click()
    expect(ep.get_by_test_id("bundle")).to_have_attribute("data-section", "request")
    expect(ep.get_by_test_id("bundle")).to_contain_text("Struggles to follow instructions")
    assert "section=request" in ep.url, "the place in the papers is kept in the address"
    ep.get_by_role("link", name="Notes and questions").click()
    ep.locator("[name=text]").fill("Has the school tried a visual timetable?")
    ep.get_by_role("button", name="Save note").click()
    expect(ep.get_by_test_id("notes")).to_contain_text("visual timetable")
    check(ep, "the bundle's notes (tablet)")

    # The same papers on a phone.
    phone = tablet(new_context, PHONE)
    login(phone, live_server, world.ep)
    phone.goto(url(live_server, "panel:bundle", item.pk) + "?section=child")
    expect(phone.get_by_test_id("bundle")).to_contain_text(case.child.full_name)
    check(phone, "the case bundle (phone, 320px)")
    phone.goto(url(live_server, "panel:meeting", world.meeting.pk))
    expect(phone.get_by_test_id("agenda")).to_contain_text(case.reference)
    check(phone, "the agenda (phone, 320px)")
    phone.goto(url(live_server, "panel:vote", item.pk))
    expect(phone.get_by_test_id("vote-area")).to_contain_text("Voting has not opened yet")
    check(phone, "the voting page before voting opens (phone, 320px)")

    # --- the headteacher declares a conflict: no papers, no vote --------------------------------------------
    head = pages["head"]
    head.goto(url(live_server, "panel:meeting", world.meeting.pk))
    head.get_by_role("link", name=f"Declare a conflict {case.reference}").click()
    head.locator("[name=reason]").fill("The child attends the school I lead")
    head.get_by_role("button", name="Declare the conflict").click()
    expect(head.get_by_test_id("agenda")).to_contain_text("You declared a conflict")
    assert head.goto(url(live_server, "panel:bundle", item.pk)).status == 404

    # --- the chair opens the vote; everyone votes at the same moment ----------------------------------------
    chair = pages["chair"]
    chair.goto(url(live_server, "panel:chair_item", item.pk))
    chair.get_by_role("button", name="Open voting").click()
    expect(chair.get_by_test_id("tally")).to_contain_text("Voting open")
    check(chair, "the chair's tally (tablet)")
    voters = {"chair": "Yes", "ep": "Yes", "health": "No"}
    vote_pages = {}
    for key in voters:
        page = pages[key] if key != "chair" else tablet(new_context)
        if key == "chair":
            login(page, live_server, world.chair)
        page.goto(url(live_server, "panel:vote", item.pk))
        page.get_by_label(voters[key], exact=True).check()
        vote_pages[key] = page
    check(vote_pages["ep"], "the voting page (tablet)")
    for page in vote_pages.values():
        page.get_by_role("button", name="Send my vote").click(no_wait_after=True)
    for page in vote_pages.values():
        expect(page.get_by_test_id("vote-status")).to_contain_text("Your vote is counted")
    # A double tap sends it again: still one vote.
    vote_pages["health"].get_by_role("button", name="Change my vote").click()
    expect(vote_pages["health"].get_by_test_id("vote-status")).to_contain_text("Your vote is counted: No")
    assert Vote.objects.filter(item=item).count() == 3
    check(vote_pages["health"], "a vote counted (tablet)")
    assert pages["head"].goto(url(live_server, "panel:vote", item.pk)).status == 404

    # The chair's page shows the votes as they arrive (htmx polling), then closes the vote.
    expect(chair.get_by_test_id("tally-counts")).to_have_text("Yes 2 · No 1 · Abstain 0", timeout=8000)
    expect(chair.get_by_test_id("tally")).to_contain_text("Conflicted: does not vote")
    chair.get_by_role("button", name="Close voting").click()
    chair.get_by_role("link", name="Record the decision").click()
    check(chair, "recording the decision (tablet)")
    chair.get_by_label("No", exact=True).check()
    chair.get_by_role("button", name="Record the decision").click()
    expect(chair.locator(".govuk-error-summary")).to_contain_text("Enter the reasons")
    check(chair, "recording the decision with an error (tablet)")
    chair.get_by_label("Yes", exact=True).check()
    chair.locator("[name=reasons]").fill("The school's evidence shows needs that SEN support has not met.")
    chair.get_by_role("button", name="Record the decision").click()
    expect(chair.get_by_role("alert")).to_contain_text("The decision is recorded")
    expect(chair.get_by_test_id("agenda")).to_contain_text("Decided")

    # --- the case follows: its stage, its deadline met, the family's letter filed ----------------------------
    case.refresh_from_db()
    assert case.stage == "assessing"
    deadline = Deadline.objects.get(case=case, code=statutory.DeadlineCode.ASSESSMENT_DECISION)
    assert deadline.met_on == timezone.localdate()
    for _ in range(50):
        if CaseDocument.objects.filter(case=case, category="letter").exists():
            break
        time.sleep(0.2)
    assert CaseDocument.objects.filter(case=case, category="letter").count() == 1
    findings.assert_none()
