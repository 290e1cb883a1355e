"""Browser tests: Playwright (sync API) drives the system Chromium against pytest-django's live_server.

No browser is ever downloaded: Chromium comes from CHROMIUM_PATH (default /usr/bin/chromium). Without it the
tests skip with the reason, or fail when REQUIRE_ALL_TIERS=1 (CI).
"""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from tests.conftest import skip_or_fail
from tests.factories import PASSWORD

# Playwright's sync API keeps an asyncio event loop running in the test thread for as long as the browser is
# open, and Django refuses ORM calls from a thread with a running loop. The ORM calls here (factories,
# assertions) are ordinary synchronous ones, so this is safe. It is set at import, before any test runs,
# because the session-scoped browser outlives the first browser test.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 375, "height": 812}

# WCAG 2.0, 2.1 and 2.2 A and AA, plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM_PATH):
        skip_or_fail(f"Chromium not found at {CHROMIUM_PATH}: set CHROMIUM_PATH to run the browser tests")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        playwright.stop()
        skip_or_fail(f"Chromium at {CHROMIUM_PATH} did not start: {error}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_context(browser):
    """Open a fresh browser context (own cookies, own viewport); every one is closed after the test."""
    contexts = []

    def _new_context(viewport=DESKTOP, **kwargs):
        context = browser.new_context(
            viewport=viewport, locale="en-GB", timezone_id="Europe/London", **kwargs
        )
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        contexts.append(context)
        return context

    yield _new_context
    for context in contexts:
        context.close()


def _watched(page):
    """`page.js_errors` collects uncaught script errors, e.g. GOV.UK Frontend failing to start."""
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    return page


@pytest.fixture
def page(new_context):
    """A desktop page (1280 x 900) in a context of its own."""
    return _watched(new_context().new_page())


@pytest.fixture
def phone_page(new_context):
    """A phone: 375 x 812, touch, mobile viewport handling."""
    return _watched(
        new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    )


@pytest.fixture
def tablet_page(new_context):
    """A tablet held upright: 768 x 1024, touch."""
    return _watched(new_context(viewport=TABLET, is_mobile=True, has_touch=True).new_page())


def url(live_server, name: str, *args) -> str:
    return f"{live_server.url}{reverse(name, args=args)}"


def login(page, live_server, user, password: str = PASSWORD) -> None:
    """Sign in through the real login page, as a person would; ends on the page the service sends them to."""
    page.goto(url(live_server, "accounts:login"))
    page.locator('input[name="username"]').fill(user.email)
    page.locator('input[name="password"]').fill(password)
    page.locator('form:has(input[name="password"]) [type="submit"]').click()
    login_path = reverse("accounts:login")
    try:
        page.wait_for_url(lambda address: login_path not in address)
    except PlaywrightTimeout:
        problem = page.locator(".govuk-error-summary")
        detail = problem.inner_text() if problem.count() else page.title()
        pytest.fail(f"Signing in as {user.email} through {login_path} did not leave the login page: {detail}")
    if reverse("accounts:two_factor") in page.url:
        # Staff: the second step, passed as the demo passes it (demo_second_factor below); the set-up and code
        # pages themselves are driven in test_two_factor.py.
        page.locator('input[name="code"]').fill(settings.DEMO_TOTP_CODE)
        page.locator('form:has(input[name="code"]) [type="submit"]').click()
        page.wait_for_url(lambda address: reverse("accounts:two_factor") not in address)
    page.wait_for_load_state("load")


@pytest.fixture(autouse=True)
def demo_second_factor(settings):
    """Signing in as staff passes the second step with the demo code, unless a test switches it off."""
    settings.DEMO_TOTP_BYPASS = True


def wait_for_component(page, module: str) -> None:
    """Wait until GOV.UK Frontend (static/js/app.mjs) has started a component, e.g. "govuk-error-summary"."""
    page.wait_for_selector(f'[data-module="{module}"][data-{module}-init]', state="attached")


# Causes already traced to a template, so a failure says where to fix it. Matched on (rule, text in the node).
KNOWN_CAUSES = [
    (
        "color-contrast",
        "govuk-header__logotype-text",
        "templates/base.html lines 21-22 use GOV.UK Frontend 4 header classes (govuk-header__link, "
        "govuk-header__link--homepage, govuk-header__logotype-text) that govuk-frontend 6 no longer styles, "
        "so the council name is the browser's default link blue (#0000ee) on the #1d70b8 header: 1.81:1. "
        'Fix: class="govuk-header__homepage-link" on the <a> (white, with the GOV.UK focus style) and '
        'class="govuk-header__product-name app-header__council" on the <span>.',
    ),
    (
        "scrollable-region-focusable",
        "app-table-wrapper",
        'The table scrolls sideways inside <div class="app-table-wrapper"> but nothing in it can take focus, '
        "so keyboard users cannot scroll it (WCAG 2.1.1). Fix: make the wrapper focusable and named, e.g. "
        '<div class="app-table-wrapper" role="region" aria-labelledby="deadlines" tabindex="0"> in '
        "templates/cases/case_detail.html line 45 (and the same with a caption id in "
        "templates/cases/_case_table.html line 2 and templates/cases/unallocated.html line 11), with a focus "
        "style for .app-table-wrapper:focus in static/css/app.css.",
    ),
    (
        "region",
        "govuk-phase-banner",
        "templates/base.html lines 29-31 put the phase banner outside every landmark. "
        "Fix: as GOV.UK Frontend 6's page template does, wrap the header, service navigation and phase banner "
        'in <header class="govuk-template__header"> (and make line 18 <div class="govuk-header">).',
    ),
    (
        "region",
        "app-signed-in",
        "templates/base.html lines 32-42: the 'Signed in as ... Sign out' line is outside every landmark. "
        "Fix: move it inside the <header> wrapper (see the phase banner note) or into <main>.",
    ),
    (
        "region",
        "govuk-footer",
        'templates/base.html lines 65-73: govuk-frontend 6\'s footer component renders a <div class="govuk-footer">; '
        'its page template wraps it in <footer class="govuk-template__footer">. Without that wrapper the page '
        "has no contentinfo landmark and the footer links are outside every landmark. Fix: wrap "
        '{% gds_footer %}...{% endgds_footer %} in <footer class="govuk-template__footer">.',
    ),
]


def _describe(results, page, where: str) -> str:
    lines = [f"axe found {results.violations_count} accessibility violation(s) on {where} ({page.url}):"]
    for violation in results.response["violations"]:
        kind = "WCAG" if any(t.startswith("wcag") for t in violation["tags"]) else "best practice"
        lines.append(f"- {violation['id']} ({kind}, {violation['impact']}): {violation['help']}")
        snippets = " ".join(node.get("html", "") + " ".join(node["target"]) for node in violation["nodes"])
        for rule, marker, cause in KNOWN_CAUSES:
            if rule == violation["id"] and marker in snippets:
                lines.append(f"    cause and fix: {cause}")
    lines.append(results.generate_report())
    return "\n".join(lines)


def assert_accessible(page, where: str) -> None:
    """axe, WCAG 2.2 A and AA plus best practice, on the page as it is now."""
    results = Axe().run(page, options=AXE_OPTIONS)
    if results.violations_count:
        pytest.fail(_describe(results, page, where), pytrace=False)


class Findings:
    """Problems found along a journey, reported together at the end of the test, so an accessibility
    violation on one page (or one wrong detail) does not hide whether the rest of the journey works."""

    def __init__(self):
        self.problems: list[str] = []

    def axe(self, page, where: str) -> None:
        results = Axe().run(page, options=AXE_OPTIONS)
        if results.violations_count:
            self.problems.append(_describe(results, page, where))

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def assert_none(self) -> None:
        if self.problems:
            pytest.fail("\n\n".join(self.problems), pytrace=False)


@pytest.fixture
def findings():
    return Findings()


def assert_no_horizontal_scroll(page, where: str) -> None:
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], (
        f"{where} scrolls sideways at {widths['inner']}px wide: the page is {widths['scroll']}px wide"
    )


def table_rows(page, test_id: str) -> list[list[str]]:
    """The body rows of a table as lists of cell texts, whitespace collapsed."""
    rows = page.get_by_test_id(test_id).locator("tbody tr")
    return [
        [re.sub(r"\s+", " ", cell).strip() for cell in row.locator("td").all_inner_texts()]
        for row in rows.all()
    ]
