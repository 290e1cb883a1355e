"""A family chooses English, Polish or Urdu; the choice is remembered; letters stay in English with a line in theirs."""

import re
import zlib

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from cases import letters
from cases import services as case_services
from cases.models import TimelineEvent
from forms_ersa import services as ersa_services
from notifications import templates_registry
from tests import factories
from tests.forms_ersa.conftest import PARENT_PAGES, fill, start

pytestmark = pytest.mark.django_db

URDU_LINE = "یہ انگریزی میں ہے۔"
POLISH_LINE = "Ten dokument jest po angielsku."


def choose(client, language, back="/request/"):
    return client.post(reverse("choose_language"), {"page_language": language, "next": back})


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


# --- the switcher ---------------------------------------------------------------------------------------------------


def test_someone_not_signed_in_switches_to_polish_and_it_is_remembered(client, council):
    page = client.get(reverse("home"))
    assert 'lang="en"' in html_tag(page) and 'dir="ltr"' in html_tag(page)
    assert 'data-testid="language-switcher"' in page.content.decode()

    response = choose(client, "pl", back=reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"

    page = client.get(reverse("home"))
    assert 'lang="pl"' in html_tag(page) and 'dir="ltr"' in html_tag(page)
    assert "Zacznij wniosek" in page.content.decode()
    # Another page, later: still Polish.
    assert "Zaloguj się" in client.get(reverse("accounts:login")).content.decode()


def test_urdu_pages_are_right_to_left(client, council):
    choose(client, "ur")
    page = client.get(reverse("home"))
    assert 'lang="ur"' in html_tag(page) and 'dir="rtl"' in html_tag(page)
    assert "اپنی درخواست شروع کریں" in page.content.decode()
    # The switcher names each language in itself, marked with its own lang, the current one not a button.
    switcher = page.content.decode().split('data-testid="language-switcher"')[1].split("</nav>")[0]
    assert '<button type="submit" name="page_language" value="pl" lang="pl"' in switcher
    assert 'lang="ur" aria-current="true"' in switcher


def test_the_switcher_returns_only_to_this_site_and_ignores_unknown_languages(client):
    assert choose(client, "pl", back="https://elsewhere.example/")["Location"] == "/"
    response = choose(client, "fr", back="/request/")
    assert response["Location"] == "/request/" and settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert client.get(reverse("choose_language")).status_code == 405


def test_a_signed_in_family_keeps_their_choice_on_their_account_on_any_device(client, parent):
    client.force_login(parent)
    choose(client, "ur", back=reverse("accounts:contact_preferences"))
    parent.refresh_from_db()
    assert parent.language == "ur"
    assert parent.history.latest().history_user == parent
    # The contact preferences page shows the same choice: one place for the family's language.
    preferences = client.get(reverse("accounts:contact_preferences")).content.decode()
    assert re.search(r'<option value="ur"[^>]*selected', preferences)

    elsewhere = Client()  # another device: no cookie
    elsewhere.force_login(parent)
    page = elsewhere.get(reverse("accounts:contact_preferences"))
    assert 'lang="ur"' in html_tag(page) and 'dir="rtl"' in html_tag(page)


def test_a_signed_in_familys_preference_wins_over_an_old_cookie(client, parent):
    parent.language = "pl"
    parent.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"
    client.force_login(parent)
    assert 'lang="pl"' in html_tag(client.get(reverse("accounts:contact_preferences")))


def test_staff_pages_stay_in_english_with_no_switcher(client, coordinator):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"
    client.force_login(coordinator)
    page = client.get(reverse("cases:caseload"))
    assert 'lang="en"' in html_tag(page)
    assert 'data-testid="language-switcher"' not in page.content.decode()


# --- the request form -------------------------------------------------------------------------------------------------


def test_the_request_form_and_its_messages_read_in_polish(client, council, coordinator):
    choose(client, "pl")
    draft = start(client, council)
    page = client.get(reverse("forms_ersa:page", args=[draft.public_id, "child", "name"])).content.decode()
    assert "O dziecku lub młodej osobie" in page and "Zapisz i kontynuuj" in page
    # An error names the field and the fix, in Polish.
    wrong = client.post(
        reverse("forms_ersa:page", args=[draft.public_id, "child", "name"]), {"version": draft.version}
    ).content.decode()
    assert "Wystąpił problem" in wrong and "Wpisz imię dziecka" in wrong
    # The rules across sections (forms_ersa.sections, no Django) are said in Polish too.
    check = client.post(reverse("forms_ersa:check", args=[draft.public_id])).content.decode()
    assert "Wypełnij część „O dziecku lub młodej osobie”" in check


def test_the_contact_page_offers_the_language_the_form_is_read_in(client, council):
    choose(client, "ur")
    draft = start(client, council)
    page = client.get(reverse("forms_ersa:page", args=[draft.public_id, "contact", "preferences"]))
    assert re.search(r'<option value="ur"[^>]*selected', page.content.decode())


def fonts_and_text(pdf: bytes) -> tuple[set[str], str]:
    """The fonts a PDF embeds and the characters its text maps to (from the ToUnicode maps)."""
    fonts, chars = set(), []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(raw)
        except zlib.error:
            continue
        fonts.update(name.decode() for name in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", data))
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for target in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", block):
                chars.append(bytes.fromhex(target.decode()).decode("utf-16-be", "ignore"))
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
            for low, high, begin in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
            ):
                first = int(begin, 16)
                chars += [chr(first + n) for n in range(int(high, 16) - int(low, 16) + 1)]
    return fonts, "".join(chars)


def sent_request(client, council, language):
    draft = start(client, council)
    pages = [
        (s, p, {**data, "language": language} if (s, p) == ("contact", "preferences") else data)
        for s, p, data in PARENT_PAGES
    ]
    fill(client, draft, pages)
    ersa_services.submit_request(draft=draft)
    return draft


def test_the_request_copy_is_in_urdu_with_the_nastaliq_font(client, council, coordinator, settings, tmp_path):
    pytest.importorskip("weasyprint")
    settings.MEDIA_ROOT = tmp_path
    draft = sent_request(client, council, "ur")
    captured = []
    original = ersa_services.render_pdf
    ersa_services.render_pdf = lambda html: captured.append(html) or original(html)
    try:
        document = ersa_services.file_request_copy(draft_id=draft.pk)
    finally:
        ersa_services.render_pdf = original
    assert '<html lang="ur" dir="rtl">' in captured[0]
    assert "EHC ضروریات کے جائزے کی درخواست" in captured[0]
    with document.file.open("rb") as handle:
        fonts, text = fonts_and_text(handle.read())
    assert any("Nastaliq-Urdu" in font for font in fonts), fonts
    assert len({c for c in text if "\u0600" <= c <= "\u06ff"}) >= 15  # the Urdu text, not boxes


def test_the_request_copy_is_in_polish_with_noto_sans(client, council, coordinator, settings, tmp_path):
    pytest.importorskip("weasyprint")
    settings.MEDIA_ROOT = tmp_path
    draft = sent_request(client, council, "pl")
    document = ersa_services.file_request_copy(draft_id=draft.pk)
    with document.file.open("rb") as handle:
        fonts, text = fonts_and_text(handle.read())
    assert any("Noto-Sans" in font for font in fonts), fonts
    assert set("Wniosek ocenę") <= set(text)


def test_a_family_who_asked_for_english_gets_an_english_copy(client, council, coordinator, monkeypatch):
    draft = sent_request(client, council, "en")
    captured = []
    monkeypatch.setattr(ersa_services, "render_pdf", lambda html: captured.append(html) or b"%PDF-1.4")
    ersa_services.file_request_copy(draft_id=draft.pk)
    assert (
        '<html lang="en" dir="ltr">' in captured[0] and "Request for an EHC needs assessment" in captured[0]
    )


# --- statutory letters and notices stay in English, with a line in the family's language -------------------------------


def refuse(case, coordinator):
    case_services.case_transition(case=case, name="start_assessment_decision", by=coordinator)
    return case_services.case_transition(
        case=case, name="refuse_assessment", by=coordinator, reason="Needs can be met at school"
    )


def test_a_decision_letter_stays_in_english_with_a_line_in_urdu(case, coordinator):
    case.child.contacts.update(language="ur")
    case = refuse(case, coordinator)
    event = TimelineEvent.objects.filter(case=case, kind="transition").first()
    facts = letters.letter_facts(case, event=event)
    html = render_to_string("cases/letters/not_to_assess.html", {"letter": facts, "today": case.closed_on})
    assert "we will not carry out an EHC needs assessment" in html
    assert re.search(rf'<p class="explain" lang="ur" dir="rtl">{URDU_LINE}', html)
    fonts, text = fonts_and_text(letters.render_decision_letter(case, event=event).pdf)
    assert any("Nastaliq-Urdu" in font for font in fonts), fonts


def test_a_decision_letter_for_an_english_reader_has_no_extra_line(case, coordinator):
    case = refuse(case, coordinator)
    event = TimelineEvent.objects.filter(case=case, kind="transition").first()
    assert letters.letter_facts(case, event=event).explain is None


@pytest.mark.parametrize(("language", "line"), [("pl", POLISH_LINE), ("ur", URDU_LINE)])
def test_a_notice_in_english_ends_with_a_line_in_the_familys_language(language, line):
    code = "case.stage_changed"
    example = templates_registry.get(code).example
    rendered = templates_registry.render(code, example, language=language)
    assert rendered.body.endswith(line + rendered.body.split(line)[1]) and line in rendered.body
    assert line not in rendered.sms
    english = templates_registry.render(code, example, language="en")
    assert line not in english.body and rendered.body.startswith(english.body)
    # A language the pages are not written in gets the English as it is (staff arrange a translation).
    assert templates_registry.render(code, example, language="so").body == english.body


def test_a_family_account_uses_the_same_language_for_pages_and_messages(client, council):
    family = factories.UserFactory(role=Role.PARENT, organisation=None, email="daniel@example.org")
    client.force_login(family)
    choose(client, "pl")
    assert User.objects.get(pk=family.pk).language == "pl"


def test_dates_read_naturally_in_polish(client, council, coordinator, monkeypatch):
    # "j E Y": the month as it is written in a date ("30 listopada 2026"), the same as "j F Y" in English.
    draft = sent_request(client, council, "pl")
    captured = []
    monkeypatch.setattr(ersa_services, "render_pdf", lambda html: captured.append(html) or b"%PDF-1.4")
    ersa_services.file_request_copy(draft_id=draft.pk)
    assert "14 maja 2016" in captured[0]


def test_the_return_link_email_for_a_family_reading_urdu_says_in_urdu_how_to_get_help(client, council):
    from notifications.models import Message

    choose(client, "ur")
    draft = start(client, council)
    message = Message.objects.get(template="ersa.return_link", to_address=draft.email)
    assert message.language == "ur"
    body = templates_registry.render(
        message.template, message.data, link=message.link, language=message.language
    )
    assert URDU_LINE in body.body


def test_a_date_missing_parts_is_named_wholly_in_urdu(client, council):
    choose(client, "ur")
    draft = start(client, council)
    page = client.post(
        reverse("forms_ersa:page", args=[draft.public_id, "child", "date_of_birth"]),
        {"date_of_birth_0": "31", "date_of_birth_1": "", "date_of_birth_2": "", "version": draft.version},
    ).content.decode()
    assert "تاریخ پیدائش میں مہینہ اور سال ہونا ضروری ہے" in page
