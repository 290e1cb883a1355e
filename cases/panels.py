"""Parts of the case page that feature apps add (advice, later the panel and the plan) without cases importing them.

A feature registers a panel in its AppConfig.ready(): a template and a function that returns the panel's context
for one case and one person, or None to show nothing. The case page renders every panel that answers, in order.
Each panel's function must read what it shows in a fixed number of queries and ask the access policy itself.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable  # (case, user) -> dict | None
    order: int = 100
    # Also part of the panel's case bundle (the draft plan, say); the case page shows it unless `on_case_page`
    # is False.
    in_bundle: bool = False
    on_case_page: bool = True


@dataclass(frozen=True)
class Rendered:
    key: str
    template: str
    context: dict


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.key] = panel


def for_case(*, case, user, bundle: bool = False) -> list[Rendered]:
    """The panels for the case page, or with `bundle=True` those that belong in the panel's case bundle."""
    rendered = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if not (panel.in_bundle if bundle else panel.on_case_page):
            continue
        context = panel.context(case, user)
        if context is not None:
            rendered.append(Rendered(panel.key, panel.template, context))
    return rendered
