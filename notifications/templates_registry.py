"""Message templates, one per event, in plain English, with the family's language where a translation exists.

An app registers its templates at start-up (`register(...)` in its AppConfig.ready). Each template's wording lives in
files under templates/notifications/<code>/: `subject.txt`, `body.txt` (email, letter and in-app) and `sms.txt`,
with translations in templates/notifications/<code>/<language>/. `example` is the data staff see in the preview.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template

from core import languages


@dataclass(frozen=True)
class MessageTemplate:
    code: str
    description: str
    example: dict = field(default_factory=dict)
    # Statutory letters are kept as documents whatever channel the person chose.
    statutory: bool = False
    # Data keys holding a credential (a single-use link into an account): the outbox erases them from the row once
    # the message has been sent or has failed for good.
    secret: tuple[str, ...] = ()
    # What the message is, in a few words, for staff reading the list of messages sent about a case.
    title: str = ""


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str


_templates: dict[str, MessageTemplate] = {}


def register(template: MessageTemplate) -> None:
    existing = _templates.get(template.code)
    if existing is not None and existing != template:
        raise ValueError(f"Message template {template.code!r} is already registered differently")
    _templates[template.code] = template


def get(code: str) -> MessageTemplate:
    try:
        return _templates[code]
    except KeyError:
        raise KeyError(f"No message template {code!r}: register it in its app's ready()") from None


def title_of(code: str) -> str:
    """A message's title for people (never its internal code while it is registered): the title, else the
    description. A code no longer registered is shown as stored, so an old message still says something."""
    template = _templates.get(code)
    if template is None:
        return code
    return template.title or template.description


def all_templates() -> list[MessageTemplate]:
    return sorted(_templates.values(), key=lambda t: t.code)


# The code for "another language" in core.languages.
ANOTHER_LANGUAGE = "other"


def _translatable(language: str) -> bool:
    # Only a listed language can name a folder: anything else (an old or mistyped code) is read as English,
    # and so is "another language", which says the family needs one but not which.
    return language in languages.CODES and language not in (languages.ENGLISH, ANOTHER_LANGUAGE)


def _part(code: str, part: str, language: str):
    paths = [f"notifications/{code}/{part}.txt"]
    if _translatable(language):
        paths.insert(0, f"notifications/{code}/{language}/{part}.txt")
    for path in paths:
        try:
            return get_template(path)
        except TemplateDoesNotExist:
            continue
    raise TemplateDoesNotExist(f"notifications/{code}/{part}.txt")


def render(code: str, data: dict, *, link: str = "", language: str = "en") -> Rendered:
    """The message as plain text. Nothing is HTML-escaped here ("St Anne's", not "St Anne&#x27;s"): an email or a
    text message is not HTML, and a page that shows the text escapes it as it shows it."""
    get(code)
    context = {"service_name": settings.SERVICE_NAME, **data, "link": link}

    def text(part: str) -> str:
        template = _part(code, part, language).template
        return template.render(Context(context, autoescape=False)).strip()

    body = text("body")
    # A message that goes in English to a family who asked for another language says, in their language, how to
    # have it explained or translated (a text message has no room for it).
    in_english = _part(code, "body", language).origin.template_name == f"notifications/{code}/body.txt"
    explain = languages.explain_line(language) if in_english else None
    if explain is not None:
        body = f"{body}\n\n{explain['text']}"
    return Rendered(subject=" ".join(text("subject").split()), body=body, sms=text("sms"))
