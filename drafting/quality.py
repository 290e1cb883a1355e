"""The plan's quality checks, each finding beside its section saying what to fix, and a grade. Pure: no Django.

`check(content, *, today, ...) -> list[Finding]` runs every rule on a plan version's content (`drafting.content`);
`grade(content, findings) -> Grade` scores it; `has_unresolved_errors(findings)` says whether the draft may go to
the family without a recorded override. `provision_findings(text, *, section)` checks one sentence of provision, the
same rules the advice forms use (`advice.specificity`), for the editor and the API.

Deleted items are not checked. Each rule and its severity (an error is a fault the law or the Code of Practice
names; a warning is something a reviewer would ask about):

- sections (`section_empty`, error): A (views), B (needs), E (outcomes), F (provision) and K (advice) have at least
  one item; C, D, G, H1 and H2 may be empty (the plan then says none were identified). I: a draft names no school
  (`placement_in_draft`, error: s.38(5) of the Act), the final plan names one (`placement_missing`, error, with
  `final=True`). J: a personal budget asked for says what it pays for (`budget_details`, warning).
- the golden thread (`need_without_provision`, `need_without_outcome`, errors): every need in B has provision in F
  and an outcome in E linked to it; a need in C has provision in G, one in D provision in H1 or H2, and each an
  outcome. Provision or an outcome linked to no need (`unlinked`, warning) or to an item no longer in the plan
  (`broken_link`, warning).
- specified and quantified (F, G, H1, H2): a provision written as fields must say what, who, how often and for how
  long (`missing_what`... errors); wording that leaves the amount open ("up to", "as required", "when
  necessary"...) is an error in any field (`amount_open`); vague wording in the who, how often or how long field
  ("regular", "ongoing"...) is an error (`vague`): it is the missing specification. In the "what" field the same
  words pass when the other fields say who, how often and how long: "access to a quiet room, all day, staffed by a
  teaching assistant" is specific. How often or how long that cannot be counted ("frequency_unclear",
  "duration_unclear", warnings). A provision written as free text is checked as a sentence by
  `provision_findings` (its "unspecified" and "amount_open" findings are errors, "vague" ones warnings).
- outcomes (`outcome_no_time_frame`, `outcome_no_measure`, errors; `outcome_time_frame_unclear`, warning).
- health provision in G has the commissioner's agreement recorded (`no_commissioner_agreement`): a warning in a
  draft (health often agrees during the 15 days), an error for the final plan.
- advice older than the council's limit (`advice_too_old`, warning: in calendar months, as the council's advice
  settings hold it, or in days), counted from the date the child was assessed, else the date it was submitted.
- jargon (`jargon`, warning): an abbreviation or term of art from `GLOSSARY` in sections B to J not explained the
  first time the plan uses it. It counts as explained when that item also gives its long form ("speech and
  language therapist (SALT)") or the term is followed by an explanation in brackets ("SALT (speech and language
  therapy)"). Section A is the family's own words and is not checked; K is a list of titles.
- flags (`conflict_unresolved`, error: advisers' differing recommendations must be settled by a person, by
  resolving the flag or removing the other versions;
  `merge_unchecked` and `source_changed`, warnings).
- empty wording (`empty_item`, error): an item with nothing in it.

The grade (`grade`) follows the way councils' plan audits score each section and weigh them: `SECTION_WEIGHTS` (out
of 100, F weighed most, as it is the provision the council must secure). A section loses a third of its weight per
error and a tenth per warning, down to nothing; the score is the sum, rounded. Labels: "Outstanding" (90 or more and
no errors), "Good" (75 or more and no errors), "Requires improvement" (50 or more), "Inadequate" (below 50).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from advice import specificity
from cases.statutory import add_months
from drafting.content import (
    CONFLICT,
    MERGED,
    PROVISION_FOR_NEEDS,
    PROVISION_SECTIONS,
    SECTIONS,
    SOURCE_CHANGED,
    Item,
    Need,
    Outcome,
    PlanContent,
    Provision,
    item_text,
)

ERROR = "error"
WARNING = "warning"

DEFAULT_ADVICE_AGE_LIMIT_DAYS = 365

SECTION_WEIGHTS = {
    "A": 10,
    "B": 15,
    "C": 5,
    "D": 5,
    "E": 15,
    "F": 25,
    "G": 5,
    "H1": 3,
    "H2": 3,
    "I": 5,
    "J": 4,
    "K": 5,
}
OUTSTANDING = "Outstanding"
GOOD = "Good"
REQUIRES_IMPROVEMENT = "Requires improvement"
INADEQUATE = "Inadequate"

# Abbreviations and terms of art families may not know, with a plain explanation the editor can offer.
GLOSSARY: dict[str, str] = {
    "SALT": "speech and language therapy, or a speech and language therapist",
    "SLT": "speech and language therapy, or a speech and language therapist",
    "OT": "occupational therapy, or an occupational therapist (helps with everyday skills, movement and the senses)",
    "EP": "educational psychologist (assesses how a child learns and advises the school)",
    "SENCo": "special educational needs co-ordinator (the teacher in charge of support for special needs)",
    "ASD": "autism spectrum disorder (autism)",
    "ASC": "autism spectrum condition (autism)",
    "ADHD": "attention deficit hyperactivity disorder (difficulty with attention, activity and impulses)",
    "SEMH": "social, emotional and mental health",
    "SLCN": "speech, language and communication needs",
    "SpLD": "specific learning difficulty, such as dyslexia",
    "MLD": "moderate learning difficulty",
    "SLD": "severe learning difficulty",
    "PMLD": "profound and multiple learning difficulties",
    "DCD": "developmental co-ordination disorder (dyspraxia: difficulty with co-ordination and movement)",
    "CAMHS": "child and adolescent mental health services",
    "TA": "teaching assistant",
    "LSA": "learning support assistant",
    "ELSA": "emotional literacy support assistant (trained to help with feelings)",
    "EHCP": "education, health and care plan",
    "SEN": "special educational needs",
    "SEND": "special educational needs and disabilities",
    "PECS": "picture exchange communication system (using pictures to communicate)",
    "ICB": "integrated care board (the NHS body that pays for health services locally)",
    "PfA": "preparing for adulthood",
    "receptive language": "understanding what is said",
    "expressive language": "using words and sentences to say things",
    "sensory processing": "how the body takes in and makes sense of sound, touch, light and movement",
    "proprioceptive": "the sense of where the body is and how it moves",
    "vestibular": "the sense of balance and movement",
    "phonological awareness": "hearing and working with the sounds in words",
    "executive function": "planning, organising and remembering what to do",
    "differentiated": "changed to suit the child",
    "fine motor": "small movements of the hands and fingers, such as writing",
    "gross motor": "large movements of the body, such as running and jumping",
}
# Other ways of writing a term, and the long forms that explain an abbreviation when they appear beside it.
_VARIANTS = {"SENCo": ("SENCO",), "SpLD": ("SPLD",), "EHCP": ("EHC plan",)}
_LONG_FORMS = {
    "SALT": ("speech and language",),
    "SLT": ("speech and language",),
    "OT": ("occupational therap",),
    "EP": ("educational psychologist",),
    "SENCo": ("special educational needs co-ordinator", "special educational needs coordinator"),
    "ASD": ("autism",),
    "ASC": ("autism",),
    "ADHD": ("attention deficit",),
    "SEMH": ("social, emotional and mental health",),
    "SLCN": ("speech, language and communication",),
    "SpLD": ("specific learning difficult",),
    "MLD": ("moderate learning difficult",),
    "SLD": ("severe learning difficult",),
    "PMLD": ("profound and multiple",),
    "DCD": ("developmental co-ordination", "developmental coordination", "dyspraxia"),
    "CAMHS": ("mental health service",),
    "TA": ("teaching assistant",),
    "LSA": ("learning support assistant",),
    "ELSA": ("emotional literacy",),
    "EHCP": ("education, health and care plan",),
    "SEN": ("special educational needs",),
    "SEND": ("special educational needs and disabilit",),
    "PECS": ("picture exchange",),
    "ICB": ("integrated care board",),
    "PfA": ("preparing for adulthood",),
}
_JARGON_SECTIONS = ("B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J")
_REQUIRED = {
    "A": "Add the child's and the family's views, interests and aspirations",
    "B": "Add the child's special educational needs",
    "E": "Add the outcomes sought",
    "F": "Add the special educational provision",
    "K": "List the advice and information gathered",
}
_TIME_FRAME = re.compile(
    r"\d|\b(?:by|before|until|within|end\s+of|start\s+of|next|this|term|year|month|week|key\s+stage|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"spring|summer|autumn|christmas|easter|annual\s+review)\b",
    re.IGNORECASE,
)
_COUNTABLE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|once|twice|half)\b", re.I)


@dataclass(frozen=True)
class Finding:
    """One thing to fix: where (section, item key, field), how serious, and what to do, in plain words."""

    section: str
    key: str  # the item's key, or "" for the section as a whole
    severity: str  # ERROR or WARNING
    code: str
    message: str
    field: str = ""
    # Where in the item's text, for highlighting (-1: the whole item).
    start: int = -1
    end: int = -1

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_dict(self) -> dict:
        """JSON for the version's cached findings and the API."""
        return {
            "section": self.section,
            "key": self.key,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


@dataclass(frozen=True)
class SectionScore:
    section: str
    weight: int
    score: float
    errors: int
    warnings: int


@dataclass(frozen=True)
class Grade:
    score: int  # out of 100
    label: str
    sections: tuple[SectionScore, ...] = field(default_factory=tuple)
    errors: int = 0
    warnings: int = 0


def provision_findings(text: str, *, section: str) -> list[specificity.Finding]:
    """Every reason one sentence of provision is not specified and quantified (none outside F, G, H1, H2).

    The one rule for a sentence, shared with the advice forms: `advice.specificity.provision_findings`."""
    return specificity.provision_findings(text, section=section)


def has_unresolved_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def by_section(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by section, in the plan's order (sections without findings left out)."""
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.section].append(finding)
    return {s: grouped[s] for s in SECTIONS if grouped.get(s)}


def check(
    content: PlanContent,
    *,
    today: date,
    advice_age_limit_days: int = DEFAULT_ADVICE_AGE_LIMIT_DAYS,
    advice_age_limit_months: int | None = None,
    final: bool = False,
    glossary: Mapping[str, str] = GLOSSARY,
) -> list[Finding]:
    """Every finding on the content, in the plan's order: section, then item, errors first within an item.

    The council's limit on the age of advice is in calendar months when `advice_age_limit_months` is given (as
    `advice.models.AdviceSettings.reuse_max_age_months` holds it), else `advice_age_limit_days`. `final=True` checks
    the plan about to be issued (a named placement, the health commissioner's agreement)."""
    findings: list[Finding] = []
    findings += _sections(content, final=final)
    findings += _empty_items(content)
    findings += _golden_thread(content)
    for provision in content.provision:
        if not provision.is_deleted:
            findings += provision_item_findings(provision, final=final)
    for outcome in content.active("E"):
        findings += _outcome(outcome)
    findings += _advice_age(
        content, today=today, limit_days=advice_age_limit_days, limit_months=advice_age_limit_months
    )
    findings += _jargon(content, glossary)
    findings += _flags(content)
    order = {item.key: index for index, (_s, item) in enumerate(content.all_items())}
    return sorted(
        findings,
        key=lambda f: (SECTIONS.index(f.section), order.get(f.key, -1), f.severity != ERROR, f.start, f.code),
    )


def grade(content: PlanContent, findings: Iterable[Finding]) -> Grade:
    """The plan's score out of 100 and its label (see the module's docstring)."""
    counts: dict[str, list[int]] = {s: [0, 0] for s in SECTIONS}
    for finding in findings:
        counts[finding.section][0 if finding.severity == ERROR else 1] += 1
    sections = []
    for section in SECTIONS:
        errors, warnings = counts[section]
        weight = SECTION_WEIGHTS[section]
        kept = max(0.0, 1 - errors / 3 - warnings / 10)
        sections.append(SectionScore(section, weight, round(weight * kept, 2), errors, warnings))
    score = round(sum(s.score for s in sections))
    errors = sum(s.errors for s in sections)
    if score >= 90 and not errors:
        label = OUTSTANDING
    elif score >= 75 and not errors:
        label = GOOD
    elif score >= 50:
        label = REQUIRES_IMPROVEMENT
    else:
        label = INADEQUATE
    return Grade(score, label, tuple(sections), errors, sum(s.warnings for s in sections))


# --- The rules -----------------------------------------------------------------------------------------------------


def _sections(content: PlanContent, *, final: bool) -> list[Finding]:
    findings = [
        Finding(section, "", ERROR, "section_empty", f"Section {section} is empty. {fix}.")
        for section, fix in _REQUIRED.items()
        if not content.active(section)
    ]
    placement = content.placement
    if not final and not placement.is_blank and not placement.is_deleted:
        findings.append(
            Finding(
                "I",
                placement.key,
                ERROR,
                "placement_in_draft",
                "A draft plan must not name a school or other institution. Clear section I; name the placement "
                "in the final plan, after the family has said which school they want.",
            )
        )
    if final and (placement.is_blank or placement.is_deleted):
        findings.append(
            Finding(
                "I",
                placement.key,
                ERROR,
                "placement_missing",
                "The final plan must name the school or other institution, or its type. Fill in section I.",
            )
        )
    budget = content.personal_budget
    if budget.requested and not budget.is_deleted and not budget.details.strip():
        findings.append(
            Finding(
                "J",
                budget.key,
                WARNING,
                "budget_details",
                "A personal budget was asked for. Say what it will pay for, which outcomes it supports and how "
                "any direct payments will be made.",
            )
        )
    return findings


def _empty_items(content: PlanContent) -> list[Finding]:
    findings = []
    for section, item in content.all_items():
        if section in ("I", "J", "K"):
            continue
        if not item_text(item).strip().strip("."):
            findings.append(
                Finding(
                    section, item.key, ERROR, "empty_item", "This item has no words. Write it, or remove it."
                )
            )
    return findings


def _golden_thread(content: PlanContent) -> list[Finding]:
    findings = []
    live = {item.key for _s, item in content.all_items()}
    outcomes = content.active("E")
    provision = [p for p in content.provision if not p.is_deleted]
    for need in (n for n in content.needs if not n.is_deleted):
        wanted = PROVISION_FOR_NEEDS[need.section]
        if not any(need.key in p.need_keys and p.section in wanted for p in provision):
            where = " or ".join(wanted)
            findings.append(
                Finding(
                    need.section,
                    need.key,
                    ERROR,
                    "need_without_provision",
                    f"This need has no provision in section {where}. Add the provision that meets it, or link "
                    "the provision that does.",
                )
            )
        if not any(need.key in o.need_keys for o in outcomes):
            findings.append(
                Finding(
                    need.section,
                    need.key,
                    ERROR,
                    "need_without_outcome",
                    "This need has no outcome in section E. Add the outcome it should lead to, or link the "
                    "outcome that does.",
                )
            )
    for section, items in (("E", outcomes), *((p.section, (p,)) for p in provision)):
        for item in items:
            links = item.need_keys + tuple(getattr(item, "outcome_keys", ()))
            if not item.need_keys:
                findings.append(
                    Finding(
                        section,
                        item.key,
                        WARNING,
                        "unlinked",
                        "Say which need in section B, C or D this meets, so the plan shows why it is there.",
                    )
                )
            broken = [key for key in links if key not in live]
            if broken:
                findings.append(
                    Finding(
                        section,
                        item.key,
                        WARNING,
                        "broken_link",
                        "This is linked to a need or outcome that is no longer in the plan. Link it to one that "
                        "is, or remove it.",
                    )
                )
    return findings


def provision_item_findings(provision: Provision, *, final: bool = False) -> list[Finding]:
    """The findings on one provision item (deleted or not): specified and quantified, and the health agreement."""
    section = provision.section
    findings: list[Finding] = []
    if section not in PROVISION_SECTIONS:
        return findings
    if provision.text.strip():
        for f in provision_findings(provision.text, section=section):
            severity = WARNING if f.code == "vague" else ERROR
            findings.append(
                Finding(
                    section,
                    provision.key,
                    severity,
                    f.code,
                    _sentence(f.message, f.suggestion),
                    "text",
                    f.start,
                    f.end,
                )
            )
    else:
        for f in specificity.item_findings(
            what=provision.what,
            who=provision.who,
            frequency=provision.frequency,
            duration=provision.duration,
            section=section,
        ):
            # "Access to a quiet room" is specific when who, how often and how long are given: the fault is the
            # missing specification, and the missing fields are found on their own.
            if f.code == "vague" and f.field == "what":
                continue
            findings.append(
                Finding(
                    section,
                    provision.key,
                    ERROR,
                    f.code,
                    _sentence(f.message, f.suggestion),
                    f.field,
                    f.start,
                    f.end,
                )
            )
        for name, pattern, code, message in (
            (
                "frequency",
                specificity.FREQUENCY,
                "frequency_unclear",
                "Say how often in a way that can be counted, for example “3 times a week”.",
            ),
            (
                "duration",
                specificity.DURATION,
                "duration_unclear",
                "Say for how long in a way that can be counted, for example “30 minutes, for 2 terms”.",
            ),
        ):
            value = getattr(provision, name).strip()
            unclear = value and not pattern.search(value) and not _COUNTABLE.search(value)
            if unclear and not any(f.field == name for f in findings):
                findings.append(Finding(section, provision.key, WARNING, code, message, name))
    if section == "G" and not (provision.commissioner_agreed_by.strip() and provision.commissioner_agreed_on):
        findings.append(
            Finding(
                "G",
                provision.key,
                ERROR if final else WARNING,
                "no_commissioner_agreement",
                "Record who agreed for the health commissioner to provide this, and when.",
                "commissioner_agreed_by",
            )
        )
    return findings


def _sentence(message: str, suggestion: str) -> str:
    return f"{message.rstrip('.')}. {suggestion.rstrip('.')}." if suggestion else f"{message.rstrip('.')}."


def _outcome(outcome: Outcome) -> list[Finding]:
    findings = []
    if not outcome.by_when.strip():
        findings.append(
            Finding(
                "E",
                outcome.key,
                ERROR,
                "outcome_no_time_frame",
                "Say by when this outcome should be achieved, for example “by the end of Year 6”.",
                "by_when",
            )
        )
    elif not _TIME_FRAME.search(outcome.by_when):
        findings.append(
            Finding(
                "E",
                outcome.key,
                WARNING,
                "outcome_time_frame_unclear",
                "Say by when in a way that can be checked: a date, a term or a school year.",
                "by_when",
            )
        )
    if not outcome.measure.strip():
        findings.append(
            Finding(
                "E",
                outcome.key,
                ERROR,
                "outcome_no_measure",
                "Say how progress towards this outcome will be measured, and how often.",
                "measure",
            )
        )
    return findings


def _advice_age(
    content: PlanContent, *, today: date, limit_days: int, limit_months: int | None
) -> list[Finding]:
    findings = []
    for listing in content.active("K"):
        dated = listing.dated_on
        if dated is None:
            continue
        if limit_months is not None:
            too_old = add_months(dated, limit_months) < today
            limit = f"{limit_months} months"
        else:
            too_old = (today - dated).days > limit_days
            limit = f"{limit_days} days"
        if too_old:
            months = (today.year - dated.year) * 12 + today.month - dated.month - (today.day < dated.day)
            findings.append(
                Finding(
                    "K",
                    listing.key,
                    WARNING,
                    "advice_too_old",
                    f"This advice is dated {dated:%-d %B %Y}, {months} months ago: older than the council's limit "
                    f"of {limit}. Ask for new advice, or record that the author, the council and the family agree "
                    "it is still current.",
                )
            )
    return findings


def _term_pattern(term: str) -> re.Pattern:
    spellings = (term, *_VARIANTS.get(term, ()))
    alternatives = "|".join(re.escape(s) for s in spellings)
    # Abbreviations are matched as written (SALT, not salt); terms of art in any case.
    flags = 0 if term.upper() == term or any(c.isupper() for c in term[1:]) else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])", flags)


_PATTERNS: dict[str, re.Pattern] = {}


def _pattern(term: str) -> re.Pattern:
    if term not in _PATTERNS:
        _PATTERNS[term] = _term_pattern(term)
    return _PATTERNS[term]


def _explained(term: str, text: str, match: re.Match) -> bool:
    after = text[match.end() : match.end() + 2]
    if after.lstrip().startswith("("):
        return True
    lowered = text.lower()
    return any(form in lowered for form in _LONG_FORMS.get(term, ()))


def _jargon(content: PlanContent, glossary: Mapping[str, str]) -> list[Finding]:
    findings = []
    seen: set[str] = set()
    for section in _JARGON_SECTIONS:
        for item in content.active(section):
            text = _plain_text(item)
            if not text:
                continue
            for term, explanation in glossary.items():
                if term in seen:
                    continue
                match = _pattern(term).search(text)
                if match is None:
                    continue
                seen.add(term)
                if not _explained(term, text, match):
                    findings.append(
                        Finding(
                            section,
                            item.key,
                            WARNING,
                            "jargon",
                            f"Families may not know “{match.group(0)}”. Explain it the first time it is used, "
                            f"for example: {match.group(0)} ({explanation}).",
                            start=match.start(),
                            end=match.end(),
                        )
                    )
    return findings


def _plain_text(item: Item) -> str:
    """All the words of an item a family reads, joined (the fields of a provision, evidence of a need...)."""
    if isinstance(item, Need):
        return " ".join(p for p in (item.description, item.evidence) if p)
    if isinstance(item, Outcome):
        return " ".join(p for p in (item.description, item.by_when, item.measure) if p)
    if isinstance(item, Provision):
        return item.sentence()
    return item_text(item)


def _flags(content: PlanContent) -> list[Finding]:
    findings = []
    active = {item.key for _section, item in content.all_items()}
    for section, item, flag in content.open_flags():
        if flag.code == CONFLICT and flag.with_keys and not any(k in active for k in flag.with_keys):
            # Settled by removing the other versions.
            continue
        if flag.code == CONFLICT:
            findings.append(
                Finding(
                    section,
                    item.key,
                    ERROR,
                    "conflict_unresolved",
                    "Advisers recommend this differently. Decide what the plan says, remove the other version and "
                    "record why.",
                )
            )
        elif flag.code == MERGED:
            findings.append(
                Finding(
                    section,
                    item.key,
                    WARNING,
                    "merge_unchecked",
                    "This was given by more than one adviser and shown once. Check they mean the same, then accept "
                    "it or split it.",
                )
            )
        elif flag.code == SOURCE_CHANGED:
            findings.append(
                Finding(
                    section,
                    item.key,
                    WARNING,
                    "source_changed",
                    "The advice this came from has changed since it was edited. Check it still says what the plan "
                    "should.",
                )
            )
    return findings


__all__ = [
    "DEFAULT_ADVICE_AGE_LIMIT_DAYS",
    "ERROR",
    "GLOSSARY",
    "GOOD",
    "INADEQUATE",
    "OUTSTANDING",
    "REQUIRES_IMPROVEMENT",
    "SECTION_WEIGHTS",
    "WARNING",
    "Finding",
    "Grade",
    "SectionScore",
    "by_section",
    "check",
    "grade",
    "has_unresolved_errors",
    "provision_findings",
    "provision_item_findings",
]
