"""The request for assessment: its sections, their questions and the rules that cross them. No Django here.

Answers are plain JSON, one dictionary per section: ``{"child": {"first_name": "Amara", ...}, ...}``; dates are
ISO strings. Evidence is passed in as `Evidence` values; council configuration as `Rules`.
"""

from dataclasses import dataclass, field
from datetime import date

from cases import statutory


def gettext_noop(message: str) -> str:
    """Marks words a family reads for translation (makemessages finds these calls); no Django here, so pages
    translate them when they show them (forms_ersa.wording)."""
    return message


class Message(str):
    """A message in English that also keeps its wording and values, so a page can say it in the family's language.

    It is a plain string to everything else (the API, the logs, the tests read the English).
    """

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        message = super().__new__(cls, template.format(**params) if params else template)
        message.template = template
        message.params = params
        return message


class Term(str):
    """A label used inside a sentence ("Add the school report"): lower case in the sentence, its label kept."""

    label: str

    def __new__(cls, label: str):
        term = super().__new__(cls, in_sentence(label))
        term.label = label
        return term


NOT_STARTED = "not started"
IN_PROGRESS = "in progress"
COMPLETED = "completed"

PARENT = "parent"
YOUNG_PERSON = "young_person"
SCHOOL = "school"
ROUTES = (PARENT, YOUNG_PERSON, SCHOOL)
# Routes a family starts with an email address; the school route needs a signed-in SENCo.
FAMILY_ROUTES = (PARENT, YOUNG_PERSON)
# Evidence each route must include when the council has not configured its own.
DEFAULT_REQUIRED_EVIDENCE = {PARENT: [], YOUNG_PERSON: [], SCHOOL: ["sen_support_plan"]}
CONSENT_HOW = {
    "writing": gettext_noop("In writing"),
    "meeting": gettext_noop("In a meeting"),
    "phone": gettext_noop("By phone"),
}

AREAS_OF_NEED = {
    "communication_interaction": gettext_noop("Communication and interaction"),
    "cognition_learning": gettext_noop("Cognition and learning"),
    "semh": gettext_noop("Social, emotional and mental health"),
    "sensory_physical": gettext_noop("Sensory and/or physical"),
}
EVIDENCE_KINDS = {
    "school_report": gettext_noop("School report"),
    "sen_support_plan": gettext_noop("SEN support plan"),
    "ep_report": gettext_noop("Educational psychology report"),
    "medical": gettext_noop("Medical letter or report"),
    "social_care": gettext_noop("Social care report"),
    "child_views": gettext_noop("The child or young person's views (a drawing, a recording or writing)"),
    "other": gettext_noop("Something else"),
}
# The agencies a family is asked to agree the council may share the request with, until a council names its own.
DEFAULT_SHARE_AGENCIES = (
    {"key": "setting", "name": gettext_noop("Their school, nursery or college")},
    {"key": "ep", "name": gettext_noop("The educational psychology service")},
    {
        "key": "health",
        "name": gettext_noop("NHS health services, such as their doctor, therapists and CAMHS"),
    },
    {"key": "social_care", "name": gettext_noop("Children's social care")},
    {"key": "named", "name": gettext_noop("The professionals named in this request")},
)
# Kinds that are a report with a date (the child's own views are not).
DATED_KINDS = frozenset(EVIDENCE_KINDS) - {"child_views"}


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    pages: tuple[Page, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for page in self.pages for name in page.required)


SECTIONS = (
    Section(
        "child",
        gettext_noop("About the child or young person"),
        (
            Page("name", gettext_noop("Their name"), ("first_name", "last_name"), ("preferred_name",)),
            Page("date_of_birth", gettext_noop("Their date of birth"), ("date_of_birth",)),
            Page("address", gettext_noop("Their address"), ("address", "postcode")),
            Page("language", gettext_noop("Their languages"), ("home_languages", "interpreter_needed")),
            Page(
                "setting", gettext_noop("Their school or setting"), (), ("school_id", "setting_name", "upn")
            ),
        ),
    ),
    Section(
        "family",
        gettext_noop("About you and parental responsibility"),
        (
            Page("you", gettext_noop("About you"), ("full_name", "relationship"), ("phone",)),
            Page(
                "responsibility",
                gettext_noop("Parental responsibility"),
                ("parental_responsibility", "looked_after"),
                ("others_with_responsibility", "social_worker"),
            ),
        ),
    ),
    Section(
        "needs",
        gettext_noop("Their needs and the support so far"),
        (
            Page("areas", gettext_noop("Areas of need"), ("areas",)),
            Page("description", gettext_noop("Their needs in your words"), ("description",)),
            Page("support", gettext_noop("Support so far"), ("support_in_place", "tried", "tried_for")),
        ),
    ),
    Section(
        "professionals",
        gettext_noop("Professionals already involved"),
        (Page("professionals", gettext_noop("Professionals already involved"), ("finished",), ("people",)),),
    ),
    Section(
        "views",
        gettext_noop("Views"),
        (
            Page("child_views", gettext_noop("The child or young person's views"), (), ("child_views",)),
            Page("parent_views", gettext_noop("Your views"), ("parent_views",)),
        ),
    ),
    Section(
        "evidence",
        gettext_noop("Reports and evidence"),
        (Page("evidence", gettext_noop("Reports and evidence"), ("finished",)),),
    ),
    Section(
        "contact",
        gettext_noop("How we contact you"),
        (Page("preferences", gettext_noop("How we contact you"), ("channel",), ("language",)),),
    ),
    Section(
        "parent_consent",
        gettext_noop("Parent's consent"),
        (
            Page(
                "parent",
                gettext_noop("The parent or carer"),
                ("parent_name", "relationship", "parent_email", "parental_responsibility"),
                ("parent_phone",),
            ),
            Page(
                "consent",
                gettext_noop("Their consent"),
                ("consent", "consent_date", "consent_how", "parent_involved"),
            ),
            Page(
                "care",
                gettext_noop("Parental responsibility and social care"),
                ("looked_after",),
                ("others_with_responsibility", "social_worker"),
            ),
        ),
    ),
    Section(
        "consent",
        gettext_noop("Consent and declaration"),
        (
            Page(
                "declaration",
                gettext_noop("Consent and declaration"),
                ("declaration", "share_with"),
                ("young_person_consent",),
            ),
        ),
    ),
)
BY_KEY = {section.key: section for section in SECTIONS}
# Questions only the parent route asks: a young person answering for themselves is not asked their relationship.
ROUTE_SKIPS = {
    YOUNG_PERSON: {("family", "relationship"), ("family", "parental_responsibility")},
    # A SENCo does not write the parent's views: the parent adds them by their own link.
    SCHOOL: {("views", "parent_views")},
}
# Sections only some routes have: a school request asks for the parent's consent instead of "about you".
ROUTE_SECTIONS = {
    PARENT: frozenset({"parent_consent"}),
    YOUNG_PERSON: frozenset({"parent_consent"}),
    SCHOOL: frozenset({"family"}),
}


def sections_for(route: str) -> tuple["Section", ...]:
    hidden = ROUTE_SECTIONS.get(route, frozenset())
    return tuple(section for section in SECTIONS if section.key not in hidden)


PROFESSIONAL_FIELDS = ("name", "role", "service", "email", "phone")


def professional_problems(person: dict) -> list[tuple[str, str]]:
    """What is wrong with one professional the request names, as (field, message)."""
    found = []
    if not str(person.get("name") or "").strip():
        found.append(("name", Message(gettext_noop("Enter their name"))))
    if not str(person.get("role") or "").strip():
        found.append(
            ("role", Message(gettext_noop("Enter what they do, for example speech and language therapist")))
        )
    if not str(person.get("service") or "").strip():
        found.append(("service", Message(gettext_noop("Enter the service or organisation they work for"))))
    if not str(person.get("email") or "").strip() and not str(person.get("phone") or "").strip():
        found.append(("email", Message(gettext_noop("Enter an email address or a phone number for them"))))
    return found


@dataclass(frozen=True)
class Evidence:
    kind: str
    name: str
    report_date: date | None = None
    old_reason: str = ""


@dataclass(frozen=True)
class Rules:
    required_sections: tuple[str, ...] = tuple(s.key for s in SECTIONS)
    # route -> evidence kinds that must be attached
    required_evidence: dict = field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_REQUIRED_EVIDENCE.items()}
    )
    max_report_age_months: int = 12


def _answered(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict):
        return bool(value)
    return True


def required_fields(section: Section, route: str = PARENT) -> tuple[str, ...]:
    skips = ROUTE_SKIPS.get(route, set())
    return tuple(name for name in section.required if (section.key, name) not in skips)


def status(section: Section | str, answers: dict, route: str = PARENT) -> str:
    section = BY_KEY[section] if isinstance(section, str) else section
    given = answers.get(section.key) or {}
    if not given:
        return NOT_STARTED
    if all(_answered(given.get(name)) for name in required_fields(section, route)):
        return COMPLETED
    return IN_PROGRESS


def in_sentence(label: str) -> str:
    """A label inside a sentence: "School report" becomes "school report", "SEN support plan" stays as it is."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def page_for_problem(section: Section, field: str, answers: dict, route: str = PARENT) -> str:
    """The page to send someone to for a problem: the field's own page, else the section's first unfinished one."""
    for page in section.pages:
        if field and field in page.required + page.optional:
            return page.key
    return first_page_to_finish(section, answers, route)


def first_page_to_finish(section: Section, answers: dict, route: str = PARENT) -> str:
    """The first page of a section with a required answer missing (the first page when none is)."""
    given = answers.get(section.key) or {}
    skips = ROUTE_SKIPS.get(route, set())
    for page in section.pages:
        if any(not _answered(given.get(n)) for n in page.required if (section.key, n) not in skips):
            return page.key
    return section.pages[0].key


def months_before(on: date, months: int) -> date:
    """The same day `months` months earlier (the last day of the month when that day does not exist)."""
    return statutory.add_months(on, -months)


def parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def is_old(report_date: date | None, *, today: date, max_months: int) -> bool:
    return report_date is not None and report_date < months_before(today, max_months)


def problems(route: str, answers: dict, evidence: list[Evidence], rules: Rules, today: date) -> list[tuple]:
    """Everything that stops the request being sent, as (section, field, message), in the order of the form."""
    found: list[tuple] = []
    for section in sections_for(route):
        if section.key == "parent_consent":
            given = answers.get("parent_consent") or {}
            if given.get("consent") != "yes":
                found.append(
                    ("parent_consent", "consent", Message(gettext_noop("Record the parent's consent")))
                )
            elif status(section, answers, route) != COMPLETED:
                missing = next(n for n in required_fields(section, route) if not _answered(given.get(n)))
                found.append(
                    (
                        "parent_consent",
                        missing,
                        Message(gettext_noop("Complete the section ‘{section}’"), section=section.title),
                    )
                )
            continue
        if section.key in rules.required_sections and status(section, answers, route) != COMPLETED:
            found.append(
                (
                    section.key,
                    "",
                    Message(gettext_noop("Complete the section ‘{section}’"), section=section.title),
                )
            )
    people = (answers.get("professionals") or {}).get("people") or []
    for index, person in enumerate(people if isinstance(people, list) else []):
        for name, message in professional_problems(person if isinstance(person, dict) else {}):
            found.append(
                (
                    "professionals",
                    f"people[{index}].{name}",
                    Message(
                        gettext_noop("Professional {number}: {problem}"), number=index + 1, problem=message
                    ),
                )
            )
    born = parse_date((answers.get("child") or {}).get("date_of_birth"))
    if born is not None:
        age_problem = statutory.age_problem(born, today)
        if age_problem == statutory.AgeProblem.NOT_YET_BORN:
            found.append(
                (
                    "child",
                    "date_of_birth",
                    Message(gettext_noop("Date of birth must be today or in the past")),
                )
            )
        elif age_problem == statutory.AgeProblem.TOO_OLD:
            found.append(
                (
                    "child",
                    "date_of_birth",
                    Message(
                        gettext_noop("The child or young person must be under 25 on the date of the request")
                    ),
                )
            )
        elif route == YOUNG_PERSON and not statutory.is_young_person(born, today):
            found.append(
                (
                    "child",
                    "date_of_birth",
                    Message(
                        gettext_noop(
                            "You can only request for yourself if you are 16 or over. "
                            "Ask a parent or carer to make the request"
                        )
                    ),
                )
            )
        elif statutory.is_young_person(born, today):
            consent = (answers.get("consent") or {}).get("young_person_consent")
            if consent != "yes":
                message = Message(
                    gettext_noop("Confirm that you agree to this request being made")
                    if route == YOUNG_PERSON
                    else gettext_noop(
                        "The young person is 16 or over, so confirm that they agree to this request"
                    )
                )
                found.append(("consent", "young_person_consent", message))
    kinds = {item.kind for item in evidence}
    for kind in rules.required_evidence.get(route, ()):
        if kind not in kinds:
            found.append(
                (
                    "evidence",
                    kind,
                    Message(gettext_noop("Add the {kind}"), kind=Term(EVIDENCE_KINDS.get(kind, kind))),
                )
            )
    for item in evidence:
        if item.kind in DATED_KINDS and item.report_date is None:
            found.append(
                ("evidence", item.name, Message(gettext_noop("Enter the date of {name}"), name=item.name))
            )
        if (
            is_old(item.report_date, today=today, max_months=rules.max_report_age_months)
            and not item.old_reason.strip()
        ):
            found.append(
                (
                    "evidence",
                    item.name,
                    Message(
                        gettext_noop(
                            "{name} is more than {months} months old. Say why it should be kept, or remove it"
                        ),
                        name=item.name,
                        months=rules.max_report_age_months,
                    ),
                )
            )
    return found
