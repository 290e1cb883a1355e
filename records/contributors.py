"""What each app adds to a subject access export about a child (and does to its own rows at disposal).

Every app that holds data about a child registers here once, in its AppConfig.ready():

    from records import contributors
    contributors.register("panel", export=panel_export, dispose=panel_dispose)

`export(child)` returns the files it adds to the archive (`File(name, content)`, names relative to a folder named
after the key). `dispose(child, method, by)` carries out an approved disposal of that app's rows through its own
services and returns plain lines for the destruction record (what, how many; never the personal data itself).
Cases and advice are registered by the records app (records.contributions); the decision panel, the plan and the
family portal register their own. Pure: no Django here, so the registry can be read and tested anywhere.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class File:
    name: str
    content: bytes


@dataclass(frozen=True)
class Contributor:
    key: str
    export: Callable[..., list[File]]
    dispose: Callable[..., list[str]] | None = None
    order: int = 100


_REGISTRY: dict[str, Contributor] = {}


def register(
    key: str,
    *,
    export: Callable[..., list[File]],
    dispose: Callable[..., list[str]] | None = None,
    order: int = 100,
) -> None:
    """Register (or replace, for a reload) one app's contribution under a folder name."""
    if not key or "/" in key or key.startswith("."):
        raise ValueError(f"Not a folder name: {key!r}")
    _REGISTRY[key] = Contributor(key=key, export=export, dispose=dispose, order=order)


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def all_contributors() -> list[Contributor]:
    return sorted(_REGISTRY.values(), key=lambda c: (c.order, c.key))
