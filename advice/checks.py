"""What stops advice being sent, and what only deserves a second look. Pure: no Django.

Errors block submission and name the part and field to fix; warnings (vague or unquantified provision) sit beside
the item and never block. The content is the draft as saved: free-text answers, the needs, outcomes and provision
items, and the RAS levels, as `advice.services` keeps them while the adviser works.
"""

from dataclasses import dataclass
from datetime import date

from advice import specificity
from advice.definitions import CORE_PARTS, Definition
from advice.ras import AREA_LABELS, AREAS

NEED_SECTIONS = {"A", "B", "C", "D"}


@dataclass(frozen=True)
class Problem:
    part: str
    field: str
    message: str
    # The item it is about in a list (needs, outcomes, provision), or "".
    item: str = ""


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def errors(
    definition: Definition, content: dict, *, today: date, levels: tuple[int, int] = (0, 4)
) -> list[Problem]:
    """Everything that must be put right before this advice can be sent, in the order of the form."""
    found: list[Problem] = []
    answers = content.get("answers", {})
    for part in (*definition.parts, *_core_parts(definition)):
        for question in part.questions:
            value = answers.get(question.key)
            if question.required and not _text(value) and not isinstance(value, bool):
                found.append(Problem(part.key, question.key, f"Answer “{question.label}”"))
            if question.kind == "date" and _text(value):
                try:
                    given = date.fromisoformat(value)
                except ValueError:
                    found.append(Problem(part.key, question.key, f"“{question.label}” must be a real date"))
                    continue
                if given > today:
                    found.append(
                        Problem(part.key, question.key, f"“{question.label}” must be today or in the past")
                    )
            if question.kind == "choice" and _text(value) and value not in dict(question.choices):
                found.append(
                    Problem(part.key, question.key, f"Choose one of the options for “{question.label}”")
                )

    needs = content.get("needs", [])
    need_ids = {need.get("id") for need in needs}
    if not definition.by_family and not needs:
        found.append(Problem("needs", "needs", "Add at least one need you found"))
    for need in needs:
        if not _text(need.get("description")):
            found.append(Problem("needs", "description", "Describe the need", need.get("id", "")))
        if definition.needs_section == "B" and need.get("area") not in AREAS:
            found.append(Problem("needs", "area", "Choose the area of need", need.get("id", "")))

    outcomes = content.get("outcomes", [])
    outcome_ids = {outcome.get("id") for outcome in outcomes}
    for outcome in outcomes:
        item = outcome.get("id", "")
        if not _text(outcome.get("description")):
            found.append(Problem("outcomes", "description", "Describe the outcome", item))
        if not _text(outcome.get("by_when")):
            found.append(Problem("outcomes", "by_when", "Say by when the outcome should be achieved", item))
        if not _text(outcome.get("measure")):
            found.append(Problem("outcomes", "measure", "Say how progress will be measured", item))
        if any(need not in need_ids for need in outcome.get("needs", [])):
            found.append(Problem("outcomes", "needs", "Link the outcome only to needs in this advice", item))

    for provision in content.get("provision", []):
        item = provision.get("id", "")
        if not _text(provision.get("what")):
            found.append(Problem("provision", "what", "Say what will be provided", item))
        if definition.provision_sections and provision.get("section") not in definition.provision_sections:
            sections = " or ".join(definition.provision_sections)
            found.append(
                Problem("provision", "section", f"Provision in this advice goes in section {sections}", item)
            )
        if provision.get("need") and provision["need"] not in need_ids:
            found.append(Problem("provision", "need", "Link the provision to a need in this advice", item))
        if provision.get("outcome") and provision["outcome"] not in outcome_ids:
            found.append(
                Problem("provision", "outcome", "Link the provision to an outcome in this advice", item)
            )

    lowest, highest = levels
    ras = content.get("ras", {})
    for area in definition.ras_areas:
        value = ras.get(area)
        if value in (None, ""):
            found.append(Problem("ras", area, f"Choose a level for {AREA_LABELS[area].lower()}"))
            continue
        try:
            level = int(value)
        except (TypeError, ValueError):
            level = None
        if level is None or not lowest <= level <= highest:
            found.append(
                Problem(
                    "ras",
                    area,
                    f"The level for {AREA_LABELS[area].lower()} must be from {lowest} to {highest}",
                )
            )
    for area in set(ras) - set(definition.ras_areas):
        found.append(Problem("ras", area, "Give levels only for the areas of need your discipline scores"))

    if not content.get("declaration"):
        found.append(
            Problem(
                "declaration",
                "declaration",
                "Confirm the advice is your own professional opinion and accurate",
            )
        )
    return found


def warnings(definition: Definition, content: dict) -> dict[str, list[specificity.Finding]]:
    """Findings for each provision item, by its id: vague or unquantified provision to look at again."""
    out = {}
    for provision in content.get("provision", []):
        findings = specificity.item_findings(
            what=provision.get("what", ""),
            who=provision.get("who", ""),
            frequency=provision.get("frequency", ""),
            duration=provision.get("duration", ""),
            section=provision.get("section", "F"),
        )
        if findings:
            out[provision.get("id", "")] = findings
    return out


def _core_parts(definition: Definition):
    # The family's own advice has its own questions; the professional core (assessment, summary) is not theirs.
    return () if definition.by_family else CORE_PARTS


# The titles of the list parts; the pages mark them for translation (advice/views.py LIST_TITLES).
LIST_PARTS = (("needs", "Needs"), ("outcomes", "Outcomes sought"), ("provision", "Provision recommended"))


def progress(definition: Definition, content: dict) -> list[dict]:
    """The advice form's task list: each part with whether it is not started, in progress or completed."""
    content = content or {}
    answers = content.get("answers", {})
    rows = []
    for part in (*definition.parts, *_core_parts(definition)):
        required = [q for q in part.questions if q.required]
        started = any(answers.get(q.key) for q in part.questions)
        done = all(answers.get(q.key) for q in required) if required else started
        rows.append({"key": part.key, "title": part.title, "state": _state(done, started), "kind": "part"})
    if not definition.by_family:
        for key, title in LIST_PARTS:
            items = bool(content.get(key))
            rows.append({"key": key, "title": title, "state": _state(items, items), "kind": "list"})
    if definition.ras_areas:
        levels = content.get("ras", {})
        done = all(area in levels for area in definition.ras_areas)
        rows.append(
            {
                "key": "ras",
                "title": "Resource levels (RAS)",
                "state": _state(done, bool(levels)),
                "kind": "ras",
            }
        )
    return rows


def _state(done: bool, started: bool) -> str:
    return "completed" if done else ("in_progress" if started else "not_started")
