from django import template

from notifications import templates_registry

register = template.Library()


@register.filter
def message_title(code: str) -> str:
    """`{{ message.template|message_title }}`: "Case allocated to a coordinator", not "case.allocated"."""
    return templates_registry.title_of(str(code))
