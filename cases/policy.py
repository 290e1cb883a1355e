"""Whether a person may take an action on one case: the role rules of `accounts.policy` plus the case's scope.

`can(user, action, case)` is the one question views, services, the API and templates ask. A case is in scope for
council staff of the case's council, and for anyone on the case's team today (themselves, or their school or NHS
body; families never through an organisation). `require` raises `NotAllowed`, which pages turn into a 404 (a case
that exists but is not yours is "not found", never "forbidden") and the API into the same.
"""

from accounts.policy import (
    ACTIONS,
    COUNCIL_STAFF,
    FAMILY,
    FAMILY_SIDE,
    FIELD_GROUPS,
    FIELDS,
    PROFESSIONALS,
    council_of,
    fields_for,
    role_may,
    rule_for,
    sees,
)
from core.errors import ServiceError

__all__ = [
    "ACTIONS",
    "COUNCIL_STAFF",
    "FAMILY",
    "FAMILY_SIDE",
    "PROFESSIONALS",
    "FIELDS",
    "FIELD_GROUPS",
    "NotAllowed",
    "can",
    "council_of",
    "fields_for",
    "in_scope",
    "may_for",
    "require",
    "role_may",
    "sees",
]


class NotAllowed(ServiceError):
    def __init__(self, action: str):
        super().__init__("You do not have permission to do that.")
        self.action = action


def in_scope(user, case) -> bool:
    """Can this person see this case at all? Free for council staff; one query for everyone else."""
    council = council_of(user)
    if council is not None:
        return case.council_id == council.pk
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    # Imported here: selectors import this module for their scoping rules.
    from cases import selectors

    return selectors.cases_for(user=user).filter(pk=case.pk).exists()


def can(user, action: str, case=None, *, known_in_scope: bool = False) -> bool:
    """May `user` take `action` (on `case`, for actions about one case)?

    `known_in_scope`: the caller already fetched the case through `cases_for` (every page does), so the scope
    check costs no query.
    """
    rule = rule_for(action)
    if not role_may(user, action):
        return False
    if not rule.on_case:
        return True
    if case is None:
        return False
    return known_in_scope or in_scope(user, case)


def require(user, action: str, case=None, *, known_in_scope: bool = False) -> None:
    if not can(user, action, case, known_in_scope=known_in_scope):
        raise NotAllowed(action)


def may_for(user, case) -> dict[str, bool]:
    """Every case action this person may take on a case already fetched for them: for templates, no queries."""
    return {
        name: can(user, name, case, known_in_scope=True) for name, rule in ACTIONS.items() if rule.on_case
    } | {name: role_may(user, name) for name, rule in ACTIONS.items() if not rule.on_case}
