"""The one access policy: every action a person can take, which roles may take it, and which fields each role sees.

Written once, as data. Pages, services, the API, navigation and templates all ask this table; the access-matrix
test (tests/test_access_matrix.py) reads it, so an action is tested for every role the day it is added.

The table sits in `accounts` (the bottom app, beside the roles it names) so that every layer can read it: the
staff and invitation pages here, the follow-up pages in `notifications`, the case pages in `cases` and every
feature app. Whether a person may act *on one case* (team membership, their own council) is added on top by
`cases.policy.can(user, action, case)`; features add their actions to this table by name, and `accounts` imports
nothing of theirs (docs/decisions/0006-one-access-policy.md).
"""

from dataclasses import dataclass

from accounts.models import COUNCIL_ROLES, FAMILY_ROLES, Organisation, OrganisationKind, Role

COORDINATOR = Role.COORDINATOR
SUPPORT = Role.BUSINESS_SUPPORT
MANAGER = Role.SERVICE_MANAGER
ADMIN = Role.ADMINISTRATOR
SPECIALIST = Role.SPECIALIST
PANEL = Role.PANEL_MEMBER
PARENT = Role.PARENT
YOUNG_PERSON = Role.YOUNG_PERSON
SENCO = Role.SENCO
SUPPORTER = Role.SUPPORTER

# Council staff see every case of their own council; everyone else only the cases whose team they are on.
COUNCIL_STAFF = COUNCIL_ROLES
# The family: the parent or carer and the young person. Supporters and schools act with them, but are not them.
FAMILY = FAMILY_ROLES
# People outside the council who see a case through its team, and read it as the family's side does.
FAMILY_SIDE = frozenset({PARENT, YOUNG_PERSON, SENCO, SUPPORTER})
# Professionals outside the council's case team who read a case for their work (advice, panel).
PROFESSIONALS = frozenset({SPECIALIST, PANEL})
CASEWORK = frozenset({COORDINATOR, SUPPORT, MANAGER})
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    # True: the action is about one case, and the person must also be able to see that case (cases.policy).
    on_case: bool
    # True: only council staff of a council (not a partner organisation) may take it, whatever the role.
    council_staff: bool
    description: str


def _rule(roles, description: str, *, on_case: bool = True, council_staff: bool | None = None) -> Rule:
    roles = frozenset(roles)
    if council_staff is None:
        council_staff = roles <= COUNCIL_STAFF
    return Rule(roles=roles, on_case=on_case, council_staff=council_staff, description=description)


ACTIONS: dict[str, Rule] = {
    # --- lists and pages not about one case -------------------------------------------------------------------
    "list_cases": _rule(EVERYONE, "See the list of cases they may see", on_case=False),
    "list_all_cases": _rule(COUNCIL_STAFF, "See every case of their own council", on_case=False),
    "follow_as_family": _rule(
        {PARENT, YOUNG_PERSON, SUPPORTER},
        "Follow their cases as plain statements: where each is and what happens next",
        on_case=False,
    ),
    "view_caseload": _rule({COORDINATOR}, "See their own caseload, nearest deadline first", on_case=False),
    "view_new_requests": _rule(
        CASEWORK, "See new requests waiting to be checked or allocated", on_case=False
    ),
    "filter_by_school": _rule(COUNCIL_STAFF, "Filter case lists by school or setting", on_case=False),
    "send_school_request": _rule(
        {SENCO}, "Start a request for assessment for a pupil, and come back to unfinished ones", on_case=False
    ),
    "log_request": _rule(CASEWORK, "Log a request that arrived by letter, email or the API", on_case=False),
    "follow_up_failures": _rule(
        {SUPPORT, MANAGER}, "Follow up messages that could not be delivered", on_case=False
    ),
    "preview_templates": _rule(
        {COORDINATOR, SUPPORT, MANAGER, ADMIN}, "Read the message templates the service sends", on_case=False
    ),
    # The administrator manages staff accounts and invitations; casework (below) is for coordinators, business
    # support and managers, so the administrator is shown no casework link that would then answer "not found".
    "manage_staff": _rule({ADMIN}, "Add, deactivate and reactivate staff accounts", on_case=False),
    "invite_people": _rule(
        {ADMIN, COORDINATOR, SUPPORT}, "Invite families, schools and supporters to an account", on_case=False
    ),
    # The digest is built from council caseloads (cases.reminders), so only council staff can have one.
    "choose_digest": _rule(COUNCIL_STAFF, "Ask for a daily digest of what is due", on_case=False),
    # --- one case ----------------------------------------------------------------------------------------------
    "view_case": _rule(EVERYONE, "Open a case they are allowed to see, and read the documents they may read"),
    "transition": _rule(
        {COORDINATOR, SUPPORT, MANAGER}, "Move a case through the workflow (the workflow names who decides)"
    ),
    "edit_child": _rule(CASEWORK, "Correct the child's details"),
    "allocate": _rule(CASEWORK, "Choose or change the case's coordinator"),
    "mark_incomplete": _rule(CASEWORK, "Mark a request incomplete (or complete again) and tell the family"),
    "record_exception": _rule({COORDINATOR, MANAGER}, "Record a lawful exception to a time limit"),
    "manage_team": _rule(CASEWORK, "Add someone to the case team, or end their membership"),
    "invite_to_case": _rule(CASEWORK, "Invite a family member, SENCo or supporter to the case"),
    "record_professionals": _rule(CASEWORK, "Record or withdraw a professional already involved"),
    "upload_document": _rule(EVERYONE - {ADMIN}, "Add a document to the case"),
    "mark_document_staff_only": _rule(CASEWORK, "Keep a document from the family (staff only)"),
    "withdraw_document": _rule(CASEWORK, "Withdraw a document added by mistake (kept in history)"),
    # --- specialist advice (advice app) ------------------------------------------------------------------------
    "plan_advice": _rule(CASEWORK, "See what advice the law requires for a case and who could give it"),
    "request_advice": _rule({COORDINATOR, MANAGER}, "Ask a person or a service for advice on a case"),
    "withdraw_advice_request": _rule({COORDINATOR, MANAGER}, "Withdraw a request for advice, with a reason"),
    "record_advice_reuse": _rule(
        {COORDINATOR, MANAGER}, "Reuse existing advice when its author, the council and the family agree"
    ),
    "share_advice_with_family": _rule({COORDINATOR, MANAGER}, "Share submitted advice with the family"),
    "view_advice": _rule(
        COUNCIL_STAFF | PROFESSIONALS | FAMILY_SIDE,
        "Read the requests for advice and submitted advice on a case",
    ),
    "view_ras": _rule(
        COUNCIL_STAFF | PROFESSIONALS, "See the RAS profile, points and suggested band of a case"
    ),
    "view_advice_inbox": _rule(
        {SPECIALIST, SENCO}, "See the requests for advice addressed to them or their service", on_case=False
    ),
    # Whether this person was asked (or their service was) is checked on the request itself (advice.selectors).
    "give_advice": _rule(
        {SPECIALIST, SENCO, PARENT, YOUNG_PERSON, COORDINATOR, MANAGER},
        "Fill in and submit advice they were asked for",
        on_case=False,
    ),
    "allocate_advice": _rule(
        {SPECIALIST, SENCO},
        "Allocate a request to their service to one of its staff (team leads)",
        on_case=False,
    ),
    "manage_ras_scheme": _rule(
        {ADMIN, MANAGER}, "Set the council's RAS scale, weights, bands and amounts", on_case=False
    ),
    # --- the decision panel (panel app) ------------------------------------------------------------------------

    # --- the plan (drafting app) -------------------------------------------------------------------------------

    # --- the family portal (portal app) ------------------------------------------------------------------------
    "use_portal": _rule(
        FAMILY_SIDE, "Use the family portal: their cases, what happens next and their preferences", on_case=False
    ),
    "follow_case": _rule(
        FAMILY_SIDE, "Follow a case in the portal: the tracker, who is involved, documents and decisions"
    ),
    "message_council": _rule(
        {PARENT, YOUNG_PERSON, SUPPORTER}, "Write to the coordinator about a case and read the answers"
    ),
    "answer_family": _rule(CASEWORK, "Read the family's messages about a case and answer them"),
    "add_family_document": _rule(
        {PARENT, YOUNG_PERSON, SUPPORTER}, "Add a document to their case from the portal"
    ),
    "share_case": _rule(
        FAMILY, "Let a supporter or the other parent see the case, and take that back at once"
    ),
    "follow_pupils": _rule({SENCO}, "See their own pupils' cases, with the tracker", on_case=False),

    # --- security, records and retention -----------------------------------------------------------------------

}

# What each role sees of a case. A field not listed for a role is left out of its pages and API responses.
FIELD_GROUPS = {
    "child_identifiers": "The child's UPN, ULN and NHS number",
    "family_contact_details": "The family's email, phone and address",
    "contact_preferences": "How the family want to be contacted and in which language",
    "share_consent": "Which agencies the family agreed we may share the request with",
    "professional_contacts": "The email and phone of professionals already involved",
    "messages_sent": "What the service told people about the case, and whether it arrived",
    "internal_timeline": "Timeline entries and documents the council keeps from the family",
    "request_summary": "What the request says about the child's needs",
    "documents": "The case documents the role may read",
    "team": "Who is on the case team",
    "deadlines": "The statutory deadlines and whether they were met",
    "exceptions": "Lawful exceptions recorded against the time limits",
}
FAMILY_SIDE_SEES = frozenset({"request_summary", "documents", "team", "deadlines", "exceptions"})
FIELDS: dict[Role, frozenset[str]] = {
    COORDINATOR: frozenset(FIELD_GROUPS),
    SUPPORT: frozenset(FIELD_GROUPS),
    MANAGER: frozenset(FIELD_GROUPS),
    ADMIN: frozenset(FIELD_GROUPS),
    # Professionals asked to read a case for their work: the child's needs and the papers, not how to reach
    # the family or what the council has sent them.
    SPECIALIST: frozenset({"request_summary", "documents", "team", "deadlines"}),
    PANEL: frozenset({"request_summary", "documents", "team", "deadlines", "exceptions"}),
    # A family sees who is recorded as a contact but not their email, phone or address: parents who live apart
    # are often both contacts, and one must not learn the other's address from the case page.
    # The family side sees the exceptions recorded against their own time limits, so a late date is explained.
    PARENT: FAMILY_SIDE_SEES,
    YOUNG_PERSON: FAMILY_SIDE_SEES,
    SENCO: FAMILY_SIDE_SEES,
    SUPPORTER: FAMILY_SIDE_SEES,
}


class UnknownAction(KeyError):
    """Asking about an action the table does not hold is a programming error, never a silent "no"."""


def rule_for(action: str) -> Rule:
    try:
        return ACTIONS[action]
    except KeyError:
        raise UnknownAction(action) from None


def council_of(user) -> Organisation | None:
    """The council a member of council staff works for; None for everyone else (the one definition)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if user.role not in COUNCIL_STAFF or user.organisation_id is None:
        return None
    organisation = user.organisation
    return organisation if organisation.kind == OrganisationKind.COUNCIL else None


def role_may(user, action: str) -> bool:
    """May this person take this action at all (before any particular case is considered)?"""
    rule = rule_for(action)
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.role not in rule.roles:
        return False
    return not rule.council_staff or council_of(user) is not None


def sees(user, field_group: str) -> bool:
    if field_group not in FIELD_GROUPS:
        raise UnknownAction(field_group)
    return field_group in FIELDS.get(getattr(user, "role", None), frozenset())


def fields_for(user) -> frozenset[str]:
    return FIELDS.get(getattr(user, "role", None), frozenset())
