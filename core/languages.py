"""The languages a family can ask us to use, with the name in that language so a family can find their own.

Codes are ISO 639 (BSL has no two-letter code, so its three-letter one). Messages are written in a language when the
council has added a translation of that message (templates/notifications/<code>/<language>/); until then they go in
English and staff see the preference, so they can arrange a translation or an interpreter.
"""

from django.utils.translation import gettext_lazy as _

ENGLISH = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ar", _("Arabic (العربية)")),
    ("bn", _("Bengali (বাংলা)")),
    ("bfi", _("British Sign Language (BSL)")),
    ("zh", _("Chinese (中文)")),
    ("fr", _("French (Français)")),
    ("gu", _("Gujarati (ગુજરાતી)")),
    ("lt", _("Lithuanian (Lietuvių)")),
    ("pl", _("Polish (Polski)")),
    ("pt", _("Portuguese (Português)")),
    ("pa", _("Punjabi (ਪੰਜਾਬੀ)")),
    ("ro", _("Romanian (Română)")),
    ("so", _("Somali (Soomaali)")),
    ("es", _("Spanish (Español)")),
    ("ta", _("Tamil (தமிழ்)")),
    ("tr", _("Turkish (Türkçe)")),
    ("uk", _("Ukrainian (Українська)")),
    ("ur", _("Urdu (اردو)")),
    ("cy", _("Welsh (Cymraeg)")),
    ("other", _("Another language")),
]
CODES = frozenset(code for code, _label in LANGUAGES)

# The languages the family-facing pages are written in (settings.LANGUAGES), keyed by the preference code above.
# A family whose preference is one of these reads the pages in it; any other preference reads them in English.
PAGE_LANGUAGES = {ENGLISH: "en-gb", "pl": "pl", "ur": "ur"}
PREFERENCE_FOR_PAGE = {page: preference for preference, page in PAGE_LANGUAGES.items()}


def page_language(preference: str | None) -> str | None:
    """The page language for a contact preference ("pl" -> "pl", "en" -> "en-gb"), None when pages lack it."""
    return PAGE_LANGUAGES.get(preference or "")


def preference_for(page_language_code: str | None) -> str:
    """The contact preference for a page language ("en-gb" -> "en"); English for anything else."""
    code = (page_language_code or "").lower()
    return PREFERENCE_FOR_PAGE.get(code) or PREFERENCE_FOR_PAGE.get(code.split("-")[0]) or ENGLISH


# Statutory letters and notices are written in English (the law's wording, checked by the council); each carries this
# line in the family's language so that they know they can have it explained or translated.
EXPLAIN_OR_TRANSLATE = _(
    "This is in English. If you would like someone to explain it or translate it, contact us. "
    "We will arrange this free of charge."
)


def explain_line(preference: str | None) -> dict | None:
    """The line above in the family's language, with its lang and dir for HTML; None for English (or a language
    the pages are not written in, where it would only repeat the English)."""
    from django.utils import translation

    chosen = page_language(preference)
    if chosen is None or preference == ENGLISH:
        return None
    with translation.override(chosen):
        return {
            "text": str(EXPLAIN_OR_TRANSLATE),
            "lang": preference,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
        }
