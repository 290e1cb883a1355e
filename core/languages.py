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
