"""The plan end to end: the last advice arrives and the worker assembles the draft; the coordinator reads it with its
findings and sources, resolves the advisers' conflict and edits an item as they go, sends the draft to the family,
records the family's comment received by letter and answers it, consults the school and names it, signs the plan
off and issues it: the family's 15 days and the 20 weeks met, the annual review due, the PDF downloadable."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Discipline, OrganisationKind, Role
from advice import services as advice_services
from advice.models import RasScheme
from cases import services as case_services
from cases.models import Deadline
from drafting import selectors
from drafting.models import IssueRecord, PlanVersion, SignOffRule
from tests import factories
from tests.advice.conftest import full_advice
from tests.browser.conftest import _watched, login, url
from tests.drafting.conftest import SALT_ADVICE, make_clean

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 320, "height": 640}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def waiting_for_the_last_advice(council, coordinator, business_support, school, administrator, parent):
    """The council agreed to assess; the EP has sent her advice, the speech and language therapist not yet."""
    case = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        school=school,
        received_on=TODAY - datetime.timedelta(weeks=15),
        summary="Finds it hard to follow spoken instructions.",
    )
    received = case.received_on
    case_services.case_transition(
        case=case, name="start_assessment_decision", by=coordinator, on=received + datetime.timedelta(days=5)
    )
    case = case_services.case_transition(
        case=case, name="agree_to_assess", by=coordinator, on=received + datetime.timedelta(weeks=5)
    )
    factories.add_family_member(case, parent)
    RasScheme.objects.create(
        council=council,
        name="Riverside RAS",
        effective_from="2020-01-01",
        config=advice_services.default_ras_config(),
        created_by=administrator,
    )
    SignOffRule.objects.create(council=council, role=Role.COORDINATOR, max_annual_cost=Decimal("20000"))
    ep = factories.UserFactory(
        role=Role.SPECIALIST,
        discipline=Discipline.EDUCATIONAL_PSYCHOLOGY,
        organisation=council,
        full_name="Howard Psychologist",
    )
    nhs = factories.SchoolFactory(kind=OrganisationKind.NHS, council=council, name="Riverside NHS Trust")
    salt = factories.UserFactory(
        role=Role.SPECIALIST,
        discipline=Discipline.SPEECH_AND_LANGUAGE,
        organisation=nhs,
        full_name="Sam Therapist",
    )
    sent_on = received + datetime.timedelta(weeks=5, days=1)
    a = advice_services.request_advice(
        case=case, kind="psychological", asked_user=ep, by=coordinator, sent_on=sent_on
    )
    b = advice_services.request_advice(
        case=case, kind="speech_and_language", asked_user=salt, by=coordinator, sent_on=sent_on
    )
    advice_services.save_advice(request=a, by=ep, changes=full_advice())
    advice_services.submit_advice(request=a, by=ep)
    advice_services.save_advice(request=b, by=salt, changes=SALT_ADVICE)
    return case, b, salt


def test_from_the_last_advice_to_the_final_plan(
    new_context, live_server, waiting_for_the_last_advice, coordinator, school, findings
):
    case, last_request, salt = waiting_for_the_last_advice
    assert selectors.latest_version(case=case) is None

    # The last advice arrives: the worker (an eager task once the advice commits) assembles the draft.
    advice_services.submit_advice(request=last_request, by=salt)
    draft = selectors.latest_version(case=case)
    assert draft is not None and draft.number == 1 and draft.created_by is None
    received = case.received_on
    case_services.case_transition(
        case=case, name="start_issue_decision", by=coordinator, on=received + datetime.timedelta(weeks=12)
    )
    case_services.case_transition(
        case=case, name="agree_to_issue", by=coordinator, on=received + datetime.timedelta(weeks=14)
    )

    page = _watched(new_context().new_page())

    def check(where: str) -> None:
        findings.axe(page, where)
        findings.check(not page.js_errors, f"{where}: script errors {page.js_errors}")

    login(page, live_server, coordinator)
    page.goto(url(live_server, "cases:detail", case.reference))
    expect(page.get_by_test_id("plan-panel")).to_be_visible()  # fetched by htmx once the page shows
    check("the case page with the plan panel")
    page.get_by_role("link", name="Read the plan", exact=False).first.click()

    # The plan: sections, what to fix beside each, the grade, and each sentence's source one click away.
    expect(page.get_by_test_id("section-F")).to_be_visible()
    expect(page.get_by_test_id("grade")).to_be_visible()
    expect(page.get_by_test_id("findings-F")).to_contain_text("Advisers recommend this differently")
    source = page.get_by_test_id("section-B").get_by_role("link", name="Source:").first
    assert "/advice/advice/" in (source.get_attribute("href") or "")
    check("the plan page")

    # Section F: settle the conflict, take out the other recommendation, and change an item as they go.
    page.get_by_role("link", name="Edit section F").click()
    flag = page.locator("form.app-flag").first
    flag.get_by_label("What you decided").fill("Kept the therapist's frequency of twice a week")
    flag.get_by_role("button", name="Resolve").click()
    expect(page.get_by_role("alert").filter(has_text="Flag resolved")).to_be_visible()
    check("the section editor")
    content = selectors.content_of(PlanVersion.objects.get(pk=draft.pk))
    kept = next(
        i for _s, i in content.all_items() if any(f.code == "conflict" and f.is_resolved for f in i.flags)
    )
    other = next(f for f in kept.flags if f.code == "conflict").with_keys[0]
    item = page.locator(f"#item-{other}")
    item.get_by_role("link", name="Change this item").click()
    item = page.locator(f"#item-{other}")
    item.get_by_label("Why take it out of the plan").fill("The plan keeps one frequency")
    item.get_by_role("button", name="Take out of the plan").click()
    expect(page.get_by_role("alert").filter(has_text="Taken out of the plan")).to_be_visible()
    group = next(p for p in content.active("F") if p.what.startswith("Language group"))
    box = page.locator(f"#item-{group.key}")
    box.get_by_role("link", name="Change this item").click()
    page.locator(f'input[name="{group.key}-frequency"]').fill("Twice a week")
    page.locator(f"#item-{group.key}").get_by_role("button", name="Save").click()
    expect(page.locator(f"#item-{group.key}")).to_contain_text("Saved")
    assert (
        selectors.content_of(PlanVersion.objects.get(pk=draft.pk)).item(group.key).frequency == "Twice a week"
    )

    # The other fixes a coordinator makes (views in A, an outcome and provision for the second need).
    make_clean(PlanVersion.objects.get(pk=draft.pk), coordinator)

    # Send the draft: the family's 15 days start, counting the day it is sent.
    page.goto(url(live_server, "drafting:send", case.reference))
    check("the send page")
    page.get_by_role("button", name="Send the draft").click()
    expect(page.get_by_role("alert").filter(has_text="sent to the family")).to_be_visible()
    window = Deadline.objects.get(case=case, code="draft_response")
    assert (window.starts_on, window.due_on) == (TODAY, TODAY + datetime.timedelta(days=14))

    # The family's comment arrives by letter: recorded, then answered.
    page.goto(url(live_server, "drafting:record_comment", case.reference))
    check("the record a comment page")
    page.get_by_label("Who sent it").fill("Meera Parent")
    page.locator('input[name="received_on_0"]').fill(str(TODAY.day))
    page.locator('input[name="received_on_1"]').fill(str(TODAY.month))
    page.locator('input[name="received_on_2"]').fill(str(TODAY.year))
    page.get_by_label("Part of the plan").select_option("I")
    page.get_by_label("Comment", exact=True).fill(
        "We would like Riverside Primary School, where her brother is."
    )
    page.get_by_label("School or college they would like named (section I)").fill("Riverside Primary School")
    page.get_by_label("This completes the family's response to the draft").check()
    page.get_by_role("button", name="Record the comment").click()
    expect(page.get_by_test_id("comment")).to_contain_text("Riverside Primary School")
    page.get_by_role("link", name="Answer").first.click()
    page.get_by_label("Agreed and changed").check()
    page.get_by_label("What we changed, or why not").fill("Riverside Primary School is consulted and named.")
    page.get_by_role("button", name="Save the answer").click()
    expect(page.get_by_test_id("answer")).to_contain_text("Riverside Primary School is consulted and named.")
    check("the comments page")

    # Placement: consult the school (15 days to reply), record its reply, name it in section I.
    page.goto(url(live_server, "drafting:placement", case.reference))
    page.locator('select[name="consult-school"]').select_option(str(school.pk))
    page.get_by_label("The family asked for this school").check()
    page.locator('input[name="consult-sent_on_0"]').fill(str(TODAY.day))
    page.locator('input[name="consult-sent_on_1"]').fill(str(TODAY.month))
    page.locator('input[name="consult-sent_on_2"]').fill(str(TODAY.year))
    page.get_by_role("button", name="Record the consultation").click()
    expect(page.get_by_test_id("consultations")).to_contain_text(
        (TODAY + datetime.timedelta(days=14)).strftime("%-d %b %Y")
    )
    page.get_by_label("A school or college (with a URN or UKPRN)").check()
    page.locator('select[name="name-school"]').select_option(str(school.pk))
    page.get_by_role("button", name="Name the placement").click()
    expect(page.get_by_test_id("named")).to_contain_text("Riverside Primary School")
    check("the placement page")

    # Sign-off within the coordinator's authority, then the final plan.
    page.goto(url(live_server, "drafting:sign_off", case.reference))
    check("the sign-off page")
    page.get_by_label("Yearly cost of the provision and placement (£)").fill("9000")
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_role("alert").filter(has_text="signed off")).to_be_visible()
    page.get_by_role("link", name="Issue the final plan").click()
    check("the issue page")
    page.get_by_label("Actual yearly cost of the placement (£)").fill("11500")
    page.get_by_role("button", name="Issue the final plan").click()
    expect(page.get_by_role("alert").filter(has_text="final plan was issued")).to_be_visible()

    case.refresh_from_db()
    assert case.stage == "final_issued" and case.final_issued_on == TODAY
    final = Deadline.objects.get(case=case, code="final_plan")
    assert final.status == "met" and final.met_on == TODAY
    review = Deadline.objects.get(case=case, code="annual_review")
    assert review.due_on >= TODAY + datetime.timedelta(days=364)
    record = IssueRecord.objects.get(case=case)
    assert (
        record.actual_cost == Decimal("11500") and record.ras_band and record.decided_band == record.ras_band
    )

    # The PDF of the final plan, made by the worker, downloads from the plan page.
    page.goto(url(live_server, "drafting:plan", case.reference))
    check("the issued plan")
    with page.expect_download() as download:
        page.get_by_test_id("pdf-link").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    # The plan's pages fit a tablet and a phone.
    older = PlanVersion.objects.filter(plan__case=case).order_by("number").first()
    pages = {
        "the plan page": url(live_server, "drafting:plan", case.reference),
        "the section editor": url(live_server, "drafting:section", older.pk, "F"),
        "the comments page": url(live_server, "drafting:comments", case.reference),
        "the placement page": url(live_server, "drafting:placement", case.reference),
        "what changed": url(live_server, "drafting:changes", selectors.latest_version(case=case).pk),
    }
    for viewport, name in ((TABLET, "tablet"), (PHONE, "phone")):
        small = _watched(new_context(viewport=viewport, is_mobile=True, has_touch=True).new_page())
        login(small, live_server, coordinator)
        for where, address in pages.items():
            small.goto(address)
            widths = small.evaluate(
                "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
            )
            findings.check(
                widths["scroll"] <= widths["inner"],
                f"{where} scrolls sideways on a {name}: {widths['scroll']}px wide in {widths['inner']}px",
            )
    findings.assert_none()
