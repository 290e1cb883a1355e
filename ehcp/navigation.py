"""The service navigation each role sees. Project-level because it links pages of several apps."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.policy import role_may

# (url name, label, the policy action that opens the page). A person sees an item when the policy lets them take
# its action, so navigation never links a page that would answer "not found". Several items may share a page:
# the first one the person may take names it. A fourth element names an action whose holders do not get the item.
NAV_ITEMS = [
    ("cases:caseload", _("My caseload"), "view_caseload"),
    # Families and schools follow cases in the portal, written for them.
    ("portal:home", _("Your cases"), "follow_as_family"),
    ("portal:pupils", _("Your pupils"), "follow_pupils"),
    ("home", _("Requests for assessment"), "send_school_request"),
    ("advice:inbox", _("Requests for advice"), "view_advice_inbox"),
    ("cases:unallocated", _("New requests"), "view_new_requests"),
    ("cases:list", _("All cases"), "list_all_cases"),
    ("cases:list", _("Cases"), "list_cases", "follow_as_family"),
    ("cases:log_request", _("Log a request"), "log_request"),
    ("notifications:failures", _("Follow-ups"), "follow_up_failures"),
    ("notifications:templates", _("Message templates"), "preview_templates"),
    ("accounts:staff_list", _("Staff"), "manage_staff"),
    ("accounts:invite", _("Invite someone"), "invite_people"),
    ("portal:preferences", _("Your preferences"), "use_portal"),
]


def navigation_for(user, path: str) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    linked = set()
    for url_name, label, action, *unless in NAV_ITEMS:
        # An item may give way to another page for people who have one (families have the portal, not "Cases").
        if url_name in linked or not role_may(user, action) or any(role_may(user, a) for a in unless):
            continue
        linked.add(url_name)
        href = reverse(url_name)
        items.append({"text": str(label), "href": href, "current": path == href})
    return items
