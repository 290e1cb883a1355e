"""Is a piece of provision specified and quantified? Pure: no Django.

The law (and every tribunal) asks that provision in sections F, G and H of a plan be specific: what, delivered by
whom, how often and for how long. Advisers are pushed towards that while they type, and the plan's quality checks
use the same rules, so the advice forms, the plan editor and the API all give the same findings.

The fault is the missing specification, not the word: "a teaching assistant will support him for 25 hours a
week" is specific. Wording that leaves the amount open ("up to", "as required") is flagged whatever surrounds it;
wording that is only vague ("access to", "regular") is flagged when the amount, the frequency or the provider it
leaves open is missing. Every finding is a warning with a suggestion, never a block.
"""

import re
from dataclasses import dataclass

PROVISION_SECTIONS = frozenset({"F", "G", "H1", "H2"})

_NUMBER = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty|forty-five|sixty|half an?)"
FREQUENCY = re.compile(
    r"\b(?:daily|weekly|fortnightly|monthly|termly|half-termly|annually|"
    r"every\s+(?:day|week|morning|afternoon|lesson|school\s+day|fortnight|month|term)|"
    r"each\s+(?:day|week|morning|afternoon|lesson|school\s+day|fortnight|month|term)|"
    r"once|twice|" + _NUMBER + r"\s*(?:x|times)\b|"
    r"(?:a|per|each)\s+(?:day|week|fortnight|month|term|half[- ]term|year)|"
    r"throughout\s+the\s+(?:school\s+)?day|all\s+day|full[- ]time)",
    re.IGNORECASE,
)
DURATION = re.compile(
    r"\b(?:" + _NUMBER + r"\s*(?:-|to)?\s*(?:\d+\s*)?(?:minutes?|mins?|hours?|hrs?)\b|"
    r"for\s+(?:the\s+)?(?:next\s+)?" + _NUMBER + r"\s+(?:weeks?|terms?|months?|years?|sessions?)|"
    r"(?:half|whole|full)[- ]day|throughout\s+the\s+(?:school\s+)?day|all\s+day|full[- ]time|"
    r"for\s+the\s+(?:academic\s+|school\s+)?year|until\s+(?:the\s+)?(?:next\s+)?(?:annual\s+)?review|"
    r"for\s+the\s+(?:duration|length)\s+of)",
    re.IGNORECASE,
)
PROVIDER = re.compile(
    r"\b(?:teaching\s+assistants?|TAs?|learning\s+support\s+assistants?|LSAs?|(?:class\s+|specialist\s+|qualified\s+)?teachers?|"
    r"SENCos?|speech\s+and\s+language\s+therap(?:ist|y)|SALTs?|occupational\s+therapists?|OTs?|physiotherapists?|"
    r"(?:educational\s+|clinical\s+)?psychologists?|EPs?|(?:school\s+|specialist\s+)?nurses?|mentors?|key\s*workers?|"
    r"practitioners?|adults?|therapists?|social\s+workers?|support\s+workers?|personal\s+assistants?|counsell?ors?|"
    r"paediatricians?|CAMHS|carers?|staff|delivered\s+by|led\s+by|provided\s+by)\b",
    re.IGNORECASE,
)

# (phrase, why it fails, what to write instead). Amount-open phrases are faults wherever they appear.
AMOUNT_OPEN = (
    ("up to", "leaves the amount open", "Say exactly how much, for example “3 sessions a week”"),
    ("as required", "leaves the amount to be decided later", "Say how often and for how long"),
    ("as needed", "leaves the amount to be decided later", "Say how often and for how long"),
    (
        "support as needed",
        "leaves the amount to be decided later",
        "Say what support, how often and for how long",
    ),
    ("as appropriate", "leaves the amount to be decided later", "Say how often and for how long"),
    ("when necessary", "leaves when it happens to be decided later", "Say how often it happens"),
    ("should be considered", "is a suggestion, not provision", "Say what will be provided"),
    ("frequency to be determined", "leaves the frequency open", "Say how often, for example “weekly”"),
    ("to be determined", "leaves the provision open", "Say what will be provided, how often and by whom"),
    ("if possible", "makes the provision optional", "Say what will be provided"),
)
# Vague on its own, fine when the sentence says how much, how often and by whom.
VAGUE = (
    ("access to", "does not say how much", "Say what, how often, for how long and by whom"),
    ("opportunities for", "does not say how much", "Say what, how often, for how long and by whom"),
    ("opportunity to", "does not say how much", "Say what, how often, for how long and by whom"),
    (
        "input from",
        "does not say what is delivered",
        "Say what the professional will do, how often and for how long",
    ),
    ("interventions", "does not say which intervention", "Name the intervention, how often and for how long"),
    ("regular", "does not say how often", "Say how often, for example “twice a week”"),
    ("regularly", "does not say how often", "Say how often, for example “twice a week”"),
    ("ongoing", "does not say how often or for how long", "Say how often and for how long"),
)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    suggestion: str
    # Where in the text, for highlighting; -1 when the finding is about the whole item.
    start: int = -1
    end: int = -1
    # The structured field it is about (provision items in a form), or "" for free text.
    field: str = ""


def _phrase(text: str, phrase: str):
    return re.finditer(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", text, re.IGNORECASE)


def _missing(text: str) -> list[str]:
    missing = []
    if not FREQUENCY.search(text):
        missing.append("how often")
    if not DURATION.search(text):
        missing.append("for how long")
    if not PROVIDER.search(text):
        missing.append("by whom")
    return missing


def _wording(text: str, *, field: str = "", vague_too: bool) -> list[Finding]:
    findings = []
    covered: list[tuple[int, int]] = []
    rows = [(row, "amount_open") for row in AMOUNT_OPEN] + (
        [(row, "vague") for row in VAGUE] if vague_too else []
    )
    # Longest phrases first, so "support as needed" is one finding, not two.
    for (phrase, why, suggestion), code in sorted(rows, key=lambda item: -len(item[0][0])):
        for match in _phrase(text, phrase):
            if any(start <= match.start() < end for start, end in covered):
                continue
            covered.append((match.start(), match.end()))
            findings.append(
                Finding(code, f"“{match.group(0)}” {why}", suggestion, match.start(), match.end(), field)
            )
    return findings


def provision_findings(text: str, *, section: str) -> list[Finding]:
    """Every reason this sentence of provision is not specified and quantified (none for other sections)."""
    if section not in PROVISION_SECTIONS or not text.strip():
        return []
    missing = _missing(text)
    findings = _wording(text, vague_too=bool(missing))
    if missing:
        findings.append(
            Finding(
                "unspecified",
                "This provision does not say " + _join(missing),
                "Add "
                + _join(missing)
                + ", for example “a teaching assistant, 30 minutes a day, 4 days a week”",
            )
        )
    return sorted(findings, key=lambda f: (f.start, f.code))


def item_findings(*, what: str, who: str, frequency: str, duration: str, section: str = "F") -> list[Finding]:
    """The same rules for a provision item entered field by field, each finding beside the field it is about."""
    if section not in PROVISION_SECTIONS:
        return []
    findings = []
    required = (
        ("what", what, "Say what will be provided", "Describe the provision"),
        ("who", who, "Say who will deliver it", "Give their role and qualification"),
        ("frequency", frequency, "Say how often", "For example “3 times a week”"),
        ("duration", duration, "Say for how long", "For example “30 minutes each session, for 2 terms”"),
    )
    for field_name, value, message, suggestion in required:
        if not value.strip():
            findings.append(Finding(f"missing_{field_name}", message, suggestion, field=field_name))
        else:
            findings.extend(_wording(value, field=field_name, vague_too=True))
    return findings


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
