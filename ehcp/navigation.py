"""The service navigation each role sees. Project-level because it links pages of several apps."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

# (url name, label, roles that see it)
NAV_ITEMS = [
    ("cases:caseload", _("My caseload"), {Role.COORDINATOR}),
    ("home", _("Requests for assessment"), {Role.SENCO}),
    ("cases:unallocated", _("New requests"), {Role.BUSINESS_SUPPORT, Role.SERVICE_MANAGER, Role.COORDINATOR}),
    (
        "cases:list",
        _("All cases"),
        {Role.SERVICE_MANAGER, Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR, Role.COORDINATOR},
    ),
    (
        "cases:list",
        _("Cases"),
        {Role.PARENT, Role.YOUNG_PERSON, Role.SENCO, Role.SPECIALIST, Role.PANEL_MEMBER, Role.SUPPORTER},
    ),
    (
        "cases:log_request",
        _("Log a request"),
        {Role.BUSINESS_SUPPORT, Role.COORDINATOR, Role.SERVICE_MANAGER},
    ),
    ("notifications:failures", _("Follow-ups"), {Role.BUSINESS_SUPPORT, Role.SERVICE_MANAGER}),
    ("notifications:templates", _("Message templates"), {Role.SERVICE_MANAGER, Role.ADMINISTRATOR}),
    ("accounts:staff_list", _("Staff"), {Role.ADMINISTRATOR}),
    ("accounts:invite", _("Invite someone"), {Role.ADMINISTRATOR, Role.COORDINATOR, Role.BUSINESS_SUPPORT}),
]


def navigation_for(user, path: str) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for url_name, label, roles in NAV_ITEMS:
        if user.role not in roles:
            continue
        href = reverse(url_name)
        items.append({"text": str(label), "href": href, "current": path == href})
    return items
