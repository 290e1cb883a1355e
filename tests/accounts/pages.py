"""Read pages and emails the way a person does."""

import html
import re
from urllib.parse import urlparse


def page_text(response) -> str:
    """The page as a person reads it: tags removed, entities decoded, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(text).split())


def error_summary(response) -> str:
    """The text of the GOV.UK error summary, or "" if there is none."""
    content = response.content.decode()
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', content, re.S)
    if not match:
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


def summary_links(response) -> list[str]:
    content = response.content.decode()
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', content, re.S)
    return re.findall(r'href="([^"]+)"', match.group(0)) if match else []


def input_value(response, name: str) -> str | None:
    """The value an <input name=...> is rendered with, so tests can check nothing typed was lost."""
    content = response.content.decode()
    for tag in re.findall(r"<input[^>]*>", content):
        if re.search(rf'name="{re.escape(name)}"', tag):
            value = re.search(r'value="([^"]*)"', tag)
            return html.unescape(value.group(1)) if value else ""
    return None


def link_in(message) -> str:
    """The path of the first link to this service in an email body."""
    match = re.search(r"https?://\S+", message.body)
    assert match, f"no link in: {message.body}"
    return urlparse(match.group(0)).path
