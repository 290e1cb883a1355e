from django import template

from advice import definitions, ras

register = template.Library()


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, "")


@register.filter
def all_parts(definition: definitions.Definition):
    return (*definition.parts, *(() if definition.by_family else definitions.CORE_PARTS))


@register.filter
def area_label(area: str) -> str:
    return ras.AREA_LABELS.get(area, area)
