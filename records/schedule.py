"""The retention schedule's rules: which kind of record a child's file is, and the day it falls due for disposal.

Pure: dates in, dates out. The defaults follow the records management toolkits councils and schools use (the
Information and Records Management Society's retention guidelines for local authorities and for schools): files
about a child's special educational needs are kept until the child's 31st birthday (the age an EHC plan can last
to, 25, plus the six years the Limitation Act 1980 gives for a claim); a request that led to no plan is kept for
six years after it closed (the same six years; the two months to appeal to the SEND Tribunal are long over).
Each council sets its own schedule (records.models.RetentionRule); these are only where it starts.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class RecordType(StrEnum):
    EHC_PLAN = "ehc_plan"
    NO_PLAN = "no_plan"


class Basis(StrEnum):
    BIRTHDAY = "birthday"  # `years` after the child's date of birth
    CLOSURE = "closure"  # `years` after the child's last case closed


class Method(StrEnum):
    # The child's name, date of birth and identifiers replaced, free text redacted, every file deleted.
    ANONYMISE = "anonymise"
    # Every file deleted; the case data stays (for a council that keeps a summary longer than the papers).
    DELETE_FILES = "delete_files"


RECORD_TYPE_LABELS = {
    RecordType.EHC_PLAN: "EHC needs assessment and plan records (a plan was issued)",
    RecordType.NO_PLAN: "A request refused, an assessment that ended with no plan, or a request withdrawn",
}
BASIS_LABELS = {
    Basis.BIRTHDAY: "years after the child's date of birth",
    Basis.CLOSURE: "years after the child's last case closed",
}
METHOD_LABELS = {
    Method.ANONYMISE: "Anonymise: replace the child's name, date of birth and identifiers, redact free text, delete files",
    Method.DELETE_FILES: "Delete the files only; keep the case data",
}


@dataclass(frozen=True)
class Rule:
    record_type: RecordType
    basis: Basis
    years: int
    method: Method
    source: str


DEFAULT_RULES: dict[RecordType, Rule] = {
    RecordType.EHC_PLAN: Rule(
        RecordType.EHC_PLAN,
        Basis.BIRTHDAY,
        31,
        Method.ANONYMISE,
        "IRMS toolkits (local authorities; schools: SEN files and EHC plans): date of birth + 31 years",
    ),
    RecordType.NO_PLAN: Rule(
        RecordType.NO_PLAN,
        Basis.CLOSURE,
        6,
        Method.ANONYMISE,
        "IRMS local authority toolkit, case files with no continuing service: closure + 6 years (Limitation Act 1980)",
    ),
}
MIN_YEARS = 1
MAX_YEARS = 100


@dataclass(frozen=True)
class CaseFacts:
    """What the schedule needs of one case: when it closed (None: still open) and whether a plan was issued."""

    closed_on: date | None
    plan_issued: bool


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def record_type(cases: list[CaseFacts]) -> RecordType:
    """A child who ever had a plan is kept as a plan record, whatever came after."""
    return RecordType.EHC_PLAN if any(case.plan_issued for case in cases) else RecordType.NO_PLAN


@dataclass(frozen=True)
class Due:
    record_type: RecordType
    due_on: date


def due_for(*, rules: dict[RecordType, Rule], date_of_birth: date, cases: list[CaseFacts]) -> Due | None:
    """When the child's whole record falls due for disposal; None while any case is open (or there is none)."""
    if not cases or any(case.closed_on is None for case in cases):
        return None
    kind = record_type(cases)
    rule = rules[kind]
    start = date_of_birth if rule.basis == Basis.BIRTHDAY else max(case.closed_on for case in cases)
    return Due(kind, add_years(start, rule.years))
