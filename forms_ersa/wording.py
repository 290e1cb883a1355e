"""The request's rule messages (forms_ersa.sections, which has no Django) in the language of the page."""

from django.utils.translation import gettext

from forms_ersa import sections


def translated(message) -> str:
    """A message from sections in the active language: its wording translated, then its values put in.

    Values that are words of ours (a section's title, a kind of report) are translated too; a family's own words
    (a document's name) find no translation and stay as they were typed.
    """
    if not isinstance(message, str) or not message:
        return message
    template = getattr(message, "template", None)
    if template is not None:
        values = {
            name: translated(value) if isinstance(value, str) else value
            for name, value in message.params.items()
        }
        return gettext(template).format(**values)
    label = getattr(message, "label", None)
    if label is not None:
        return sections.in_sentence(gettext(label))
    return gettext(message)
