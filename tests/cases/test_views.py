"""The case forms as a user meets them: what they type, what the page then says, what is stored.

Dates where the request was received in the past are literal (2 March 2026); dates that must be relative to
today ("in the future") are built from `timezone.localdate()`.
"""

import datetime
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from cases import services
from cases.models import Case, CaseDocument, CaseTeamMember, Child, TeamRole, TimelineEvent
from core.forms import DateInputWidget
from tests import factories

pytestmark = pytest.mark.django_db

RECEIVED = datetime.date(2026, 3, 2)
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


# --- HTML reading (stdlib only): the page as a small tree we can ask questions of -----------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child.text() if isinstance(child, Node) else child)
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list["Node"]:
        found = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            if all(_attr_matches(node.attrs, k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs) -> "Node | None":
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


def _attr_matches(attrs: dict, name: str, wanted) -> bool:
    actual = attrs.get(name)
    if actual is None:
        return False
    if wanted is True:
        return True
    if isinstance(wanted, re.Pattern):
        return bool(wanted.search(actual))
    if name == "class":
        return wanted in actual.split()
    return actual == wanted


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: (v or "") for k, v in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


class Page:
    """A rendered page: its title, tables, error summary, inline errors and the values in its inputs."""

    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        builder = _TreeBuilder()
        builder.feed(response.content.decode())
        self.root = builder.root

    @property
    def title(self) -> str:
        node = self.root.find("title")
        return node.text() if node else ""

    @property
    def text(self) -> str:
        main = self.root.find("main") or self.root
        return main.text()

    def table(self, testid: str) -> list[list[str]]:
        """Body rows of the table with this data-testid, each a list of cell texts."""
        table = self.root.find("table", data_testid=testid)
        assert table is not None, f"no table {testid!r} on the page"
        body = table.find("tbody")
        return [[cell.text() for cell in row.find_all("td")] for row in body.find_all("tr")]

    def list_items(self, testid: str) -> list[str]:
        listing = self.root.find(data_testid=testid)
        assert listing is not None, f"no list {testid!r} on the page"
        return [item.text() for item in listing.find_all("li")]

    @property
    def error_summary(self) -> list[tuple[str, str]]:
        """(href, message) for each link in the GOV.UK error summary."""
        summary = self.root.find("div", class_="govuk-error-summary")
        if summary is None:
            return []
        return [(a.attrs.get("href", ""), a.text()) for a in summary.find_all("a")]

    @property
    def error_summary_title(self) -> str:
        node = self.root.find(class_="govuk-error-summary__title")
        return node.text() if node else ""

    def inline_error(self, field_id: str) -> str:
        node = self.root.find("p", id=f"{field_id}-error")
        return node.text() if node else ""

    def value(self, name: str) -> str | None:
        for node in self.root.find_all(name=name):
            if node.tag == "input":
                return node.attrs.get("value", "")
            if node.tag == "textarea":
                return node.text()
            if node.tag == "select":
                chosen = node.find("option", selected=True)
                return chosen.attrs.get("value") if chosen else None
        return None

    def checked(self, name: str) -> str | None:
        for node in self.root.find_all("input", name=name):
            if "checked" in node.attrs:
                return node.attrs.get("value")
        return None

    def links(self) -> list[tuple[str, str]]:
        return [(html.unescape(a.attrs.get("href", "")), a.text()) for a in self.root.find_all("a")]

    @property
    def success_banner(self) -> str:
        node = self.root.find("div", class_="govuk-notification-banner--success")
        return node.text() if node else ""


def date_fields(name: str, day, month="", year="") -> dict:
    """POST keys of a GOV.UK date input, from the widget itself (its sub-widget suffixes)."""
    if isinstance(day, datetime.date):
        day, month, year = day.day, day.month, day.year
    suffixes = DateInputWidget().widgets_names
    return {f"{name}{suffix}": str(part) for suffix, part in zip(suffixes, (day, month, year), strict=True)}


def date_values(page: Page, name: str) -> list[str | None]:
    return [page.value(f"{name}{suffix}") for suffix in DateInputWidget().widgets_names]


def assert_form_error(page: Page, *, anchor: str, message: str, status: int = 400) -> None:
    """GOV.UK error pattern: status, "Error:" title, summary linking to the field, the same message inline."""
    assert page.status == status
    assert page.title.startswith("Error:"), page.title
    assert page.error_summary_title == "There is a problem"
    links = [text for href, text in page.error_summary if href == f"#{anchor}"]
    assert any(message in text for text in links), (anchor, page.error_summary)
    field_id = re.sub(r"_0$", "", anchor)
    assert message in page.inline_error(field_id), (field_id, page.inline_error(field_id))


# --- fixtures --------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_and_private(settings, tmp_path):
    # A fast hasher for the many users these tests make; uploaded files go to a throwaway folder.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def march_case(council, coordinator, business_support, school):
    """A request received on 2 March 2026, so every statutory date on it is known and literal."""
    return factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        school=school,
        received_on=RECEIVED,
        first_name="Amara",
    )


def step(case, name, *, by, on, reason=""):
    """Move a case on through the service (the way the pages do), returning the fresh row."""
    services.case_transition(case=case, name=name, by=by, on=on, reason=reason)
    return Case.objects.get(pk=case.pk)


def detail(client, case) -> Page:
    return Page(client.get(reverse("cases:detail", args=[case.reference])))


def deadline_row(page: Page, label: str) -> list[str]:
    rows = [row for row in page.table("deadlines") if row[0].startswith(label)]
    assert len(rows) == 1, page.table("deadlines")
    return rows[0]


# --- log a request that arrived by letter or email -------------------------------------------------------


def request_data(**overrides) -> dict:
    data = {
        **date_fields("received_on", RECEIVED),
        "route": "email",
        "requested_by": "parent",
        "summary": "Amara is not making progress despite SEN support",
        "legal_first_name": "Amara",
        "legal_last_name": "Okafor",
        "preferred_name": "",
        **date_fields("date_of_birth", datetime.date(2017, 5, 14)),
        "home_languages": "English, Yoruba",
        "postcode": "rv1 2ab",
        "upn": "",
        "uln": "",
        "nhs_number": "",
        "primary_need": "communication_interaction",
        "secondary_need": "",
        "contact_name": "Ngozi Okafor",
        "contact_relationship": "mother",
        "contact_parental_responsibility": "on",
        "contact_email": "ngozi@example.org",
        "contact_phone": "07700 900123",
        "coordinator": "",
    }
    data.update(overrides)
    return data


def test_logging_a_request_opens_the_new_case_with_its_statutory_dates(login, business_support):
    client = login(business_support)

    response = client.post(reverse("cases:log_request"), request_data())

    case = Case.objects.get()
    assert re.fullmatch(r"EHC-2026-\d{5}", case.reference)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.reference])
    page = Page(client.get(response["Location"]))
    assert page.status == 200
    assert f"Request logged as {case.reference}" in page.success_banner
    due = {row[0].split(" SEND ")[0]: row[1] for row in page.table("deadlines")}
    assert due == {
        "Decide whether to assess": "13 April 2026",
        "Decide whether to issue a plan": "22 June 2026",
        "Issue the final plan": "20 July 2026",
    }
    assert any("Request received on 2 March 2026 by email" in item for item in page.list_items("timeline"))
    assert "Amara Okafor" in page.text


def test_log_request_form_shows_a_clean_form_first(login, business_support):
    page = Page(login(business_support).get(reverse("cases:log_request")))

    assert page.status == 200
    assert not page.title.startswith("Error")
    assert page.error_summary == []


def _future(today):
    return today + datetime.timedelta(days=5)


BAD_REQUESTS = [
    pytest.param(
        lambda today: date_fields("received_on", _future(today)),
        "id_received_on_0",
        "Date received must be today or in the past",
        id="received-in-the-future",
    ),
    pytest.param(
        lambda today: date_fields("date_of_birth", datetime.date(2001, 3, 2)),
        "id_date_of_birth_0",
        "must be under 25 on the date the request was received",
        id="aged-25-on-receipt",
    ),
    pytest.param(
        lambda today: date_fields("date_of_birth", datetime.date(2026, 3, 3)),
        "id_date_of_birth_0",
        "Date of birth must be on or before the date the request was received",
        id="born-after-receipt",
    ),
    pytest.param(
        lambda today: date_fields("received_on", "31", "2", "2026"),
        "id_received_on_0",
        "must be a real date",
        id="impossible-date",
    ),
    pytest.param(
        lambda today: date_fields("received_on", "2", "3", ""),
        "id_received_on_0",
        "must include a year",
        id="date-missing-year",
    ),
    pytest.param(lambda today: {"upn": "A12345"}, "id_upn", "Enter a real UPN", id="malformed-upn"),
    pytest.param(
        lambda today: {"nhs_number": "1234567890"},
        "id_nhs_number",
        "Enter a real NHS number",
        id="malformed-nhs-number",
    ),
    pytest.param(lambda today: {"uln": "1234567890"}, "id_uln", "Enter a real ULN", id="malformed-uln"),
    pytest.param(
        lambda today: {"legal_first_name": ""},
        "id_legal_first_name",
        "Enter the child's first name",
        id="missing-first-name",
    ),
    pytest.param(
        lambda today: {"legal_last_name": "  "},
        "id_legal_last_name",
        "Enter the child's last name",
        id="missing-last-name",
    ),
    pytest.param(
        lambda today: {"primary_need": "semh", "secondary_need": "semh"},
        "id_secondary_need",
        "Secondary area of need must be different from the primary area of need",
        id="secondary-need-same-as-primary",
    ),
]


@pytest.mark.parametrize(("bad", "anchor", "message"), BAD_REQUESTS)
def test_log_request_refuses_bad_input_the_gov_uk_way(login, business_support, today, bad, anchor, message):
    typed = request_data(**bad(today))

    page = Page(login(business_support).post(reverse("cases:log_request"), typed))

    assert_form_error(page, anchor=anchor, message=message)
    assert not Case.objects.exists()
    assert not Child.objects.exists()
    # Everything typed is still there to correct, including the wrong answer itself.
    for name in ("legal_first_name", "legal_last_name", "contact_name", "contact_email", "upn", "nhs_number"):
        assert page.value(name) == typed[name].strip() or page.value(name) == typed[name], name
    for name in ("received_on", "date_of_birth"):
        expected = [typed[f"{name}{suffix}"] for suffix in DateInputWidget().widgets_names]
        assert date_values(page, name) == expected, name
    assert page.checked("route") == "email"
    assert page.value("primary_need") == typed["primary_need"]


def test_a_second_request_for_a_child_with_an_open_case_points_to_that_case(
    login, business_support, march_case
):
    client = login(business_support)

    response = client.post(
        reverse("cases:log_request"),
        request_data(legal_first_name="amara", legal_last_name="OKAFOR "),
    )

    page = Page(response)
    assert page.status == 409
    assert page.title.startswith("Error:")
    assert page.error_summary_title == "There is a problem"
    summary = " ".join(text for _, text in page.error_summary)
    assert f"already has an open case, {march_case.reference}" in summary
    assert (
        reverse("cases:detail", args=[march_case.reference]),
        f"Open {march_case.reference}",
    ) in page.links()
    assert page.value("legal_first_name") == "amara"
    assert Case.objects.count() == 1


# --- moving a case on ------------------------------------------------------------------------------------


def transition_url(case, name):
    return reverse("cases:transition", args=[case.reference, name])


def test_coordinator_starts_then_agrees_to_assess_and_the_deadline_shows_met(login, coordinator, march_case):
    client = login(coordinator)

    form = Page(client.get(transition_url(march_case, "start_assessment_decision")))
    assert form.status == 200
    assert form.value("version") == "1"
    response = client.post(
        transition_url(march_case, "start_assessment_decision"),
        {**date_fields("on", datetime.date(2026, 3, 9)), "reason": "", "version": "1"},
    )
    assert response.status_code == 302
    page = detail(client, march_case)
    assert "Start the decision whether to assess: done." in page.success_banner
    assert "Deciding whether to assess" in page.text

    response = client.post(
        transition_url(march_case, "agree_to_assess"),
        {**date_fields("on", datetime.date(2026, 4, 10)), "reason": "Panel agreed", "version": "2"},
    )

    assert response.status_code == 302
    page = detail(client, march_case)
    label, due, done, status = deadline_row(page, "Decide whether to assess")
    assert (due, done, status) == ("13 April 2026", "10 April 2026", "Met")
    assert "Assessing" in page.text
    assert any("Agree to assess" in item and "10 April 2026" in item for item in page.list_items("timeline"))


def test_deciding_not_to_assess_needs_a_reason(login, coordinator, march_case):
    march_case = step(march_case, "start_assessment_decision", by=coordinator, on=datetime.date(2026, 3, 9))
    client = login(coordinator)

    page = Page(
        client.post(
            transition_url(march_case, "refuse_assessment"),
            {
                **date_fields("on", datetime.date(2026, 4, 10)),
                "reason": "",
                "version": str(march_case.version),
            },
        )
    )

    assert_form_error(page, anchor="id_reason", message="Enter the reason")
    assert date_values(page, "on") == ["10", "4", "2026"]
    march_case.refresh_from_db()
    assert march_case.stage == "deciding_to_assess"
    assert march_case.assessment_decided_on is None


def test_a_decision_dated_in_the_future_is_refused(login, coordinator, march_case, today):
    march_case = step(march_case, "start_assessment_decision", by=coordinator, on=datetime.date(2026, 3, 9))
    tomorrow = today + datetime.timedelta(days=1)

    page = Page(
        login(coordinator).post(
            transition_url(march_case, "agree_to_assess"),
            {**date_fields("on", tomorrow), "reason": "", "version": str(march_case.version)},
        )
    )

    assert page.status == 400
    assert page.title.startswith("Error:")
    assert any("The date cannot be in the future" in text for _, text in page.error_summary)
    assert date_values(page, "on") == [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]
    march_case.refresh_from_db()
    assert march_case.stage == "deciding_to_assess"
    assert march_case.assessment_decided_on is None


def test_a_refused_decision_date_is_linked_to_the_date_boxes(login, coordinator, march_case, today):
    """The error is about the date, so the summary must take the user to it and say it there too."""
    march_case = step(march_case, "start_assessment_decision", by=coordinator, on=datetime.date(2026, 3, 9))
    tomorrow = today + datetime.timedelta(days=1)

    page = Page(
        login(coordinator).post(
            transition_url(march_case, "agree_to_assess"),
            {**date_fields("on", tomorrow), "reason": "", "version": str(march_case.version)},
        )
    )

    assert_form_error(page, anchor="id_on_0", message="The date cannot be in the future")


def _draft_served(case, *, by, today, served_days_ago):
    case = step(case, "start_assessment_decision", by=by, on=datetime.date(2026, 3, 9))
    case = step(case, "agree_to_assess", by=by, on=datetime.date(2026, 4, 10))
    case = step(case, "start_issue_decision", by=by, on=datetime.date(2026, 6, 1))
    case = step(case, "agree_to_issue", by=by, on=datetime.date(2026, 6, 15))
    return step(case, "serve_draft", by=by, on=today - datetime.timedelta(days=served_days_ago))


def test_the_final_plan_cannot_be_issued_inside_the_familys_15_days(login, coordinator, march_case, today):
    march_case = _draft_served(march_case, by=coordinator, today=today, served_days_ago=3)
    closes = today - datetime.timedelta(days=3) + datetime.timedelta(days=14)

    page = Page(
        login(coordinator).post(
            transition_url(march_case, "issue_final_plan"),
            {**date_fields("on", today), "reason": "", "version": str(march_case.version)},
        )
    )

    assert page.status == 400
    assert page.title.startswith("Error:")
    message = " ".join(text for _, text in page.error_summary)
    assert f"The family have until {closes.day} {closes:%B %Y} to comment on the draft" in message
    march_case.refresh_from_db()
    assert march_case.stage == "draft_plan"
    assert march_case.final_issued_on is None


def test_a_stale_form_changes_nothing(login, coordinator, manager, council, march_case):
    client = login(coordinator)
    form = Page(client.get(transition_url(march_case, "start_assessment_decision")))
    old_version = form.value("version")
    # Meanwhile a manager hands the case to someone else.
    other = factories.staff(Role.COORDINATOR, council, full_name="Omar Other")
    services.allocate_coordinator(case=march_case, coordinator=other, by=manager)

    page = Page(
        client.post(
            transition_url(march_case, "start_assessment_decision"),
            {**date_fields("on", datetime.date(2026, 3, 9)), "reason": "", "version": old_version},
        )
    )

    assert page.status == 400
    assert any("Someone else changed this case" in text for _, text in page.error_summary)
    march_case.refresh_from_db()
    assert march_case.stage == "request_received"
    assert not TimelineEvent.objects.filter(case=march_case, kind=TimelineEvent.Kind.TRANSITION).exists()


def test_a_transition_is_recorded_in_history_against_the_person_who_made_it(login, coordinator, march_case):
    login(coordinator).post(
        transition_url(march_case, "start_assessment_decision"),
        {**date_fields("on", datetime.date(2026, 3, 9)), "reason": "", "version": "1"},
    )

    latest = march_case.history.order_by("-history_date", "-history_id").first()
    assert latest.stage == "deciding_to_assess"
    assert latest.history_user == coordinator
    assert latest.history_change_reason == "Start the decision whether to assess"


# --- documents -------------------------------------------------------------------------------------------


def upload(client, case, content: bytes, name: str, **extra):
    data = {
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        "category": "school_report",
        "description": "",
        "visibility": "family",
        **extra,
    }
    return client.post(reverse("cases:upload_document", args=[case.reference]), data)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_real_pdf_is_added_to_the_case(login, coordinator, march_case, settings):
    client = login(coordinator)

    response = upload(client, march_case, PDF_BYTES, "Amara school report.pdf")

    assert response.status_code == 302
    page = detail(client, march_case)
    assert "Amara school report.pdf has been added to the case." in page.success_banner
    assert any(item.startswith("Amara school report.pdf") for item in page.list_items("documents"))
    document = CaseDocument.objects.get()
    assert (document.content_type, document.size) == ("application/pdf", len(PDF_BYTES))
    assert [p.read_bytes() for p in stored_files(settings)] == [PDF_BYTES]


def test_a_program_renamed_to_pdf_is_refused_and_nothing_is_stored(login, coordinator, march_case, settings):
    page = Page(upload(login(coordinator), march_case, EXE_BYTES, "report.pdf"))

    assert_form_error(page, anchor="id_file", message="whatever its name says")
    assert not CaseDocument.objects.exists()
    assert stored_files(settings) == []


def test_a_file_over_the_limit_is_refused_naming_the_limit(login, coordinator, march_case, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    too_big = PDF_BYTES + b"0" * (1024 * 1024)

    page = Page(upload(login(coordinator), march_case, too_big, "big.pdf"))

    assert_form_error(page, anchor="id_file", message="The selected file must be smaller than 1 MB")
    assert not CaseDocument.objects.exists()
    assert stored_files(settings) == []


def test_a_limit_under_a_megabyte_is_named_truthfully(login, coordinator, march_case, settings):
    """A council may set a small limit; the message must not tell people to stay under "0 MB"."""
    settings.DOCUMENT_MAX_BYTES = 200 * 1024
    too_big = PDF_BYTES + b"0" * (200 * 1024)

    page = Page(upload(login(coordinator), march_case, too_big, "big.pdf"))

    assert page.status == 400
    message = page.inline_error("id_file")
    assert "smaller than 0 MB" not in message
    assert re.search(r"smaller than 200(\.0)?\s?KB", message), message
    assert not CaseDocument.objects.exists()


def test_a_hostile_file_name_is_stored_under_a_safe_name(login, coordinator, march_case, settings):
    client = login(coordinator)

    response = upload(client, march_case, PDF_BYTES, "../../etc/pass wd?.pdf")

    assert response.status_code == 302
    document = CaseDocument.objects.get()
    assert document.name == "pass wd.pdf"
    assert ".." not in document.file.name
    assert "?" not in document.file.name
    media = Path(settings.MEDIA_ROOT).resolve()
    (path,) = stored_files(settings)
    assert path.resolve().is_relative_to(media / "cases")
    assert not Path("/etc/pass wd?.pdf").exists()
    assert any(item.startswith("pass wd.pdf") for item in detail(client, march_case).list_items("documents"))


def test_a_hostile_file_name_given_straight_to_the_service_is_made_safe(coordinator, march_case, settings):
    """Django strips folders from uploaded names; the service must not rely on that alone."""
    upload_file = SimpleUploadedFile("x", PDF_BYTES, content_type="application/pdf")
    # Ends .pdf, as its content is: a name that claims another type is refused (tests/cases/test_documents.py).
    upload_file.name = "..\\..\\windows/../etc/pass wd?.pdf"

    document = services.add_document(case=march_case, upload=upload_file, category="other", by=coordinator)

    assert document.name == "pass wd.pdf"
    (path,) = stored_files(settings)
    assert path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_download_returns_the_bytes_as_an_attachment_that_browsers_must_not_sniff(
    login, coordinator, march_case
):
    client = login(coordinator)
    upload(client, march_case, PDF_BYTES, "report.pdf")
    document = CaseDocument.objects.get()

    response = client.get(reverse("cases:download_document", args=[march_case.reference, document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_withdrawing_a_document_hides_it_but_keeps_it(login, coordinator, march_case, settings):
    client = login(coordinator)
    upload(client, march_case, PDF_BYTES, "wrong child.pdf")
    document = CaseDocument.objects.get()
    url = reverse("cases:withdraw_document", args=[march_case.reference, document.pk])
    assert "Withdraw wrong child.pdf" in Page(client.get(url)).text

    empty = Page(client.post(url, {"reason": ""}))
    assert_form_error(empty, anchor="id_reason", message="Enter why the document is being withdrawn")

    response = client.post(url, {"reason": "Uploaded to the wrong case"})

    assert response.status_code == 302
    page = detail(client, march_case)
    assert "wrong child.pdf has been withdrawn" in page.success_banner
    assert page.list_items("documents") == ["No documents yet."]
    document.refresh_from_db()
    assert document.withdrawn_at is not None
    assert document.withdrawn_reason == "Uploaded to the wrong case"
    assert CaseDocument.objects.count() == 1
    assert len(stored_files(settings)) == 1
    download = client.get(reverse("cases:download_document", args=[march_case.reference, document.pk]))
    assert download.status_code == 404


# --- exceptions to the time limits -----------------------------------------------------------------------


def exception_data(starts_on, ends_on, kind="absent_from_area"):
    return {
        "kind": kind,
        **date_fields("starts_on", starts_on),
        **date_fields("ends_on", ends_on),
        "reason": "The family were abroad caring for a relative",
    }


def test_five_weeks_away_from_the_area_excuses_the_missed_decision(login, coordinator, march_case):
    client = login(coordinator)
    assert deadline_row(detail(client, march_case), "Decide whether to assess")[3] == "Missed"

    response = client.post(
        reverse("cases:record_exception", args=[march_case.reference]),
        exception_data(datetime.date(2026, 4, 6), datetime.date(2026, 5, 10)),
    )

    assert response.status_code == 302
    page = detail(client, march_case)
    assert deadline_row(page, "Decide whether to assess")[1:] == ["13 April 2026", "–", "Excused"]
    assert page.list_items("exceptions") == [
        "Away from the area for 4 weeks or more, 6 Apr 2026 to 10 May 2026: "
        "The family were abroad caring for a relative (recorded by Laura Coordinator)"
    ]


def test_three_weeks_away_is_not_an_exception(login, coordinator, march_case):
    page = Page(
        login(coordinator).post(
            reverse("cases:record_exception", args=[march_case.reference]),
            exception_data(datetime.date(2026, 4, 6), datetime.date(2026, 4, 26)),
        )
    )

    assert page.status == 400
    assert page.title.startswith("Error:")
    assert any("at least 4 weeks in a row" in text for _, text in page.error_summary)
    assert not march_case.exceptions.exists()
    assert date_values(page, "ends_on") == ["26", "4", "2026"]


def test_an_exception_cannot_end_before_it_starts(login, coordinator, march_case):
    page = Page(
        login(coordinator).post(
            reverse("cases:record_exception", args=[march_case.reference]),
            exception_data(datetime.date(2026, 5, 10), datetime.date(2026, 4, 6)),
        )
    )

    assert_form_error(
        page, anchor="id_ends_on_0", message="The end date must be the same as or after the start date"
    )
    assert not march_case.exceptions.exists()


# --- the case team ---------------------------------------------------------------------------------------


@pytest.fixture
def health_visitor(council):
    nhs = factories.SchoolFactory(name="Riverside NHS Trust", kind=OrganisationKind.NHS, council=council)
    return factories.UserFactory(role=Role.SPECIALIST, organisation=nhs, full_name="Howard Health")


def test_adding_someone_to_the_team_lets_them_in_and_removing_them_shuts_them_out(
    client, login, coordinator, march_case, health_visitor
):
    url = reverse("cases:detail", args=[march_case.reference])
    client.force_login(health_visitor)
    assert client.get(url).status_code == 404

    staff = login(coordinator)
    response = staff.post(
        reverse("cases:add_team_member", args=[march_case.reference]),
        {"user": health_visitor.pk, "role": TeamRole.SPECIALIST},
    )
    assert response.status_code == 302
    assert "Howard Health has joined the case team." in detail(staff, march_case).success_banner

    client.force_login(health_visitor)
    assert client.get(url).status_code == 200

    member = CaseTeamMember.objects.get(case=march_case, user=health_visitor)
    staff = login(coordinator)
    response = staff.post(reverse("cases:end_team_member", args=[march_case.reference, member.pk]))
    assert response.status_code == 302
    team_now = detail(staff, march_case).list_items("team")

    client.force_login(health_visitor)
    assert client.get(url).status_code == 404
    assert not any("Howard Health" in item for item in team_now)
