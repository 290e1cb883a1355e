"""`{{ line|say }}`: a tracker sentence in the reader's language, its dates written the way that language writes
them."""

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext

from portal.tracker import Line

register = template.Library()


def say_line(line: Line | str | None) -> str:
    if line is None:
        return ""
    if isinstance(line, str):
        return gettext(line) if line else ""
    values = {name: _value(value) for name, value in line.values.items()}
    return gettext(line.text) % values if values else gettext(line.text)


def _value(value):
    if isinstance(value, Line):
        return say_line(value)
    if isinstance(value, date):
        return date_format(value, "j E Y")
    return value


@register.filter
def say(line) -> str:
    return say_line(line)


@register.filter
def link_for(links: dict, key: str):
    """The link a tracker step leads to, if any (`selectors.step_links`)."""
    return (links or {}).get(str(key))
