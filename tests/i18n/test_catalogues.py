"""Every string a family reads is translated into Polish and Urdu, and each catalogue says it awaits a native check.

Strings are read from the source itself (tests/i18n/catalogue.py), not from the catalogues, so a string added to a
family-facing page without `make messages` being run fails here too, as does one left untranslated or fuzzy.
"""

import pytest
from django.conf import settings
from django.utils import translation

from tests.i18n import catalogue

FAMILY_STRINGS = catalogue.marked_strings()


def test_the_family_facing_files_are_found_and_hold_strings():
    files = {marked.where for marked in FAMILY_STRINGS}
    assert "templates/base.html" in files
    assert "forms_ersa/forms.py" in files
    assert "forms_ersa/sections.py" in files
    assert any(where.startswith("templates/forms_ersa/") for where in files)
    assert any(where.startswith("templates/registration/") for where in files)
    assert len({(m.context, m.msgid) for m in FAMILY_STRINGS}) > 300
    # Strings with an apostrophe, which templatize writes in double quotes, are read too.
    assert "To keep children's information safe, we will sign you out in" in {m.msgid for m in FAMILY_STRINGS}
    assert any("person's special educational needs" in m.msgid for m in FAMILY_STRINGS)


@pytest.mark.parametrize("language", catalogue.TRANSLATED)
def test_every_family_facing_string_is_translated(language):
    _header, entries = catalogue.read_po(catalogue.po_path(language))
    missing = sorted(
        {
            f"{marked.where}: {marked.msgid!r}"
            for marked in FAMILY_STRINGS
            if not (entry := entries.get((marked.context, marked.msgid))) or not entry.translated
        }
    )
    assert not missing, (
        f"{len(missing)} family-facing strings have no {language} translation. Run `make messages`, then translate "
        f"them in locale/{language}/LC_MESSAGES/django.po:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("language", catalogue.TRANSLATED)
def test_translations_keep_every_placeholder(language):
    _header, entries = catalogue.read_po(catalogue.po_path(language))
    import re

    placeholder = re.compile(r"%%|%\(\w+\)[sd]|\{\w+\}|</?\w+[^>]*>")
    for marked in FAMILY_STRINGS:
        entry = entries[(marked.context, marked.msgid)]
        wanted = sorted(placeholder.findall(marked.msgid))
        for index, text in entry.msgstr.items():
            source = marked.plural if index and marked.plural else marked.msgid
            wanted = sorted(set(placeholder.findall(source)) - {"%(counter)s", "%(hours)s"})
            found = set(placeholder.findall(text))
            assert set(wanted) <= found, (language, marked.msgid, text)


@pytest.mark.parametrize("language", catalogue.TRANSLATED)
def test_each_catalogue_says_it_awaits_a_native_speakers_check(language):
    text = catalogue.po_path(language).read_text(encoding="utf-8")
    header, _entries = catalogue.read_po(catalogue.po_path(language))
    assert "await a check by a native" in text.split("msgid")[0]
    assert "native speaker the council appoints" in header
    assert f"Language: {language}\n" in header


def test_the_pages_are_offered_in_english_polish_and_urdu_with_urdu_right_to_left():
    assert [code for code, _name in settings.LANGUAGES] == ["en-gb", "pl", "ur"]
    assert translation.get_language_info("ur")["bidi"] is True
    assert translation.get_language_info("pl")["bidi"] is False


def test_the_compiled_catalogues_are_the_ones_in_use():
    # The .mo files are built from the .po files (make, or tests/conftest.py): a page in Polish really is Polish.
    with translation.override("pl"):
        assert translation.gettext("Save and continue") == "Zapisz i kontynuuj"
    with translation.override("ur"):
        assert translation.gettext("Save and continue") == "محفوظ کریں اور جاری رکھیں"
