"""Decisions a feature app takes for a council instead of its coordinators (the panel), without cases importing it.

A feature registers a decision maker in its AppConfig.ready(): which steps of the workflow it may take, and which
of them it decides for a given council (a council's own setting, read by the feature). While it decides a step for
a council, the coordinator's pages do not offer that step and `case_transition` refuses it from anyone but the
maker's own service, which has asked the access policy who may record it (decision 0012).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DecisionMaker:
    key: str
    # Who decides, in the words a coordinator reads: "The decision panel".
    name: str
    # The steps its service may take (its decisions and the steps on the way to them).
    may_take: frozenset[str]
    # The steps it can decide instead of a coordinator, when a council chooses it (within `may_take`).
    claims: frozenset[str]
    # case -> the steps it decides for that case's council (none while the council has not chosen it). Given the
    # case, not only its council, so the feature can keep what it read on the instance for the rest of the page.
    decides: Callable[[object], frozenset[str]]


_makers: dict[str, DecisionMaker] = {}


def register(maker: DecisionMaker) -> None:
    _makers[maker.key] = maker


def get(key: str) -> DecisionMaker:
    try:
        return _makers[key]
    except KeyError:
        raise KeyError(f"No decision maker {key!r}: register it in its app's ready()") from None


def claimable(names) -> bool:
    """Could any of these steps be decided elsewhere? Asked first, so a page offering none of them reads nothing."""
    return any(maker.claims & set(names) for maker in _makers.values())


def decided_elsewhere(*, case, names=None) -> dict[str, DecisionMaker]:
    """Each step some registered maker decides for this case's council, with the maker (a query per maker, none
    when `names` holds no step a maker could claim)."""
    claimed: dict[str, DecisionMaker] = {}
    if names is not None and not claimable(names):
        return claimed
    for maker in sorted(_makers.values(), key=lambda m: m.key):
        for name in maker.decides(case):
            claimed.setdefault(name, maker)
    return claimed
