from django import template
from django.utils.translation import gettext as _
from govuk_frontend_django.components.base import GovUKComponent

register = template.Library()

RAG_TAGS = {
    "red": ("govuk-tag--red", _("Red")),
    "amber": ("govuk-tag--orange", _("Amber")),
    "green": ("govuk-tag--green", _("Green")),
    "none": ("govuk-tag--grey", _("No deadline")),
}
STATUS_TAGS = {
    "open": ("govuk-tag--blue", _("Open")),
    "met": ("govuk-tag--green", _("Met")),
    "missed": ("govuk-tag--red", _("Missed")),
    "excused": ("govuk-tag--yellow", _("Excused")),
    "cancelled": ("govuk-tag--grey", _("No longer applies")),
}


def _macro(component: str, macro: str, **data) -> str:
    c = GovUKComponent()
    c.set_jinja2_template(f"govuk_frontend_jinja/components/{component}/macro.html")
    c.set_macro_name(macro)
    return c.render(component_data=data)


@register.simple_tag
def rag_tag(rag: str | None) -> str:
    classes, text = RAG_TAGS.get(rag or "none", RAG_TAGS["none"])
    return _macro("tag", "govukTag", text=str(text), classes=classes)


@register.simple_tag
def status_tag(status: str, late: bool = False) -> str:
    classes, text = STATUS_TAGS.get(status, STATUS_TAGS["open"])
    text = str(text)
    if status == "missed" and late:
        text = _("Met late")
    return _macro("tag", "govukTag", text=text, classes=classes)


@register.simple_tag
def govuk_pagination(page, query_string: str = "") -> str:
    """GOV.UK pagination for a Django Page, keeping the filters in the links."""
    if page.paginator.num_pages <= 1:
        return ""
    prefix = f"?{query_string}&" if query_string else "?"

    def href(n: int) -> str:
        return f"{prefix}page={n}"

    items = []
    last = page.paginator.num_pages
    shown = sorted({1, last, page.number - 1, page.number, page.number + 1} & set(range(1, last + 1)))
    previous_number = 0
    for n in shown:
        if n - previous_number > 1:
            items.append({"ellipsis": True})
        items.append({"number": str(n), "href": href(n), "current": n == page.number})
        previous_number = n
    data = {"items": items, "landmarkLabel": _("Pages of results")}
    if page.has_previous():
        data["previous"] = {"href": href(page.previous_page_number()), "text": _("Previous")}
    if page.has_next():
        data["next"] = {"href": href(page.next_page_number()), "text": _("Next")}
    return _macro("pagination", "govukPagination", **data)
