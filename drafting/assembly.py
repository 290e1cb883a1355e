"""The draft plan assembled from the submitted advice, every item with its source. Pure: no Django.

`assemble(inputs, *, previous=None) -> PlanContent` places what each adviser wrote in the section the law gives it:

- needs: B by area of need (the Code of Practice's four areas, then needs with no area), C for health, D for social
  care, as each `AdviceNeed` row says (or, when blank, the section its kind of advice gives needs to);
- outcomes in E, each linked to the needs its adviser linked it to;
- provision in F (education), G (health), H1/H2 (social care), linked to its outcome and need (a provision linked
  only to an outcome serves that outcome's needs);
- A: the child's and the family's own advice (each answer under its question) and the views written in the request;
- K: every advice, its author, role and date; I left blank (a draft names no school); J empty.

"The same" is decided conservatively, and only on the wording, never on meaning:

- two needs are the same when they are in the same section and area of need and their descriptions are equal once
  case, accents, punctuation and spacing are set aside: one item with both sources (and both SEN2 types, if they
  named different ones), flagged "merged" so a person accepts or splits it. Needs of the same SEN2 type but
  different wording are not merged: two advisers may both see autism and describe different needs;
- two outcomes are the same when description, time frame and measure are equal in that sense (merged); the same
  description with a different time frame or measure is a conflict;
- two provisions are the same recommendation when section, what, who, how often, how long and group size are
  equal: merged. The same provision (section and what) with a different who, frequency, duration or group size is a
  conflict: each version stays, side by side, flagged "conflict" with the keys of the others. Assembly never
  chooses between them; a person does.

Keys come from the same wording (`content.make_key`), so the same advice gives the same keys every time, and a
recommendation that a later adviser contradicts keeps its key. Deterministic: the order of `inputs.advice` does
not matter (advice is read in submission order).

Re-assembly. With `previous` (the content the coordinator has been editing), new advice is added and the person's
work is kept: an item they edited stays as they left it (it gains any new sources; if its advice has since changed
or gone it is kept and flagged "source_changed"); an item they deleted stays deleted; an item they added stays; a
flag they resolved stays resolved while its wording is unchanged; their order is kept, new items going after the
item that precedes them in the fresh assembly. An unedited item whose advice has gone is dropped (the previous
version keeps it). Assembling again with the result as `previous` changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from advice.definitions import DEFINITIONS, Kind
from drafting.content import (
    ADVICE_KIND_LABELS,
    AREAS_OF_NEED,
    CHILD,
    CONFLICT,
    FAMILY,
    MERGED,
    NEED_SECTIONS,
    PERSON,
    PROVISION_SECTIONS,
    SOURCE_CHANGED,
    AdviceInput,
    AdviceListing,
    AssemblyInputs,
    Flag,
    Item,
    Need,
    Outcome,
    PersonalBudget,
    Placement,
    PlanContent,
    Provision,
    Source,
    View,
    make_key,
    normalise,
)

T = TypeVar("T", bound=Item)

# Section A: the family advice's parts, whose they are.
_FAMILY_PARTS = {"family_views": FAMILY, "child_views": CHILD}


def assemble(inputs: AssemblyInputs, *, previous: PlanContent | None = None) -> PlanContent:
    """The draft from the advice (see the module's docstring); with `previous`, keeping the person's edits."""
    advice = sorted(inputs.advice, key=lambda a: a.submission_id)
    names = {a.submission_id: _adviser(a) for a in advice}
    needs, need_keys = _needs(advice, names)
    outcomes, outcome_keys = _outcomes(advice, need_keys, names)
    provision = _provision(advice, need_keys, outcome_keys, names)
    fresh = PlanContent(
        views=tuple(_views(advice, inputs)),
        needs=tuple(needs),
        outcomes=tuple(outcomes),
        provision=tuple(provision),
        placement=Placement(),
        personal_budget=PersonalBudget(),
        advice=tuple(_listings(advice)),
    )
    content = fresh if previous is None else _keep_edits(fresh, previous)
    return dataclasses.replace(content, need_types=rank_need_types(content.needs))


def rank_need_types(needs: Iterable[Need]) -> tuple[str, ...]:
    """SEN2 types of the B needs, the most reported first (each adviser naming it counts), then by first mention."""
    score: dict[str, int] = defaultdict(int)
    first: dict[str, int] = {}
    for index, need in enumerate(n for n in needs if n.section == "B" and not n.is_deleted):
        for need_type in need.need_types:
            score[need_type] += max(1, len(need.submission_ids))
            first.setdefault(need_type, index)
    return tuple(sorted(score, key=lambda t: (-score[t], first[t], t)))


# --- Sections --------------------------------------------------------------------------------------------------


def _adviser(advice: AdviceInput) -> str:
    label = ADVICE_KIND_LABELS.get(advice.kind, advice.kind)
    return f"{advice.author_name} ({label})" if advice.author_name else label


def _definition(advice: AdviceInput):
    try:
        return DEFINITIONS[Kind(advice.kind)]
    except ValueError:
        return DEFINITIONS[Kind.OTHER]


def _answers(advice: AdviceInput) -> Mapping[str, Any]:
    """The flat answers by question key, whether given flat or as the stored draft ({"answers": {...}, ...})."""
    nested = advice.answers.get("answers")
    return nested if isinstance(nested, Mapping) else advice.answers


def _ranked(named: list[str]) -> tuple[str, ...]:
    """Each type once, the most often named first, ties in the order first named."""
    return tuple(sorted(dict.fromkeys(named), key=lambda t: (-named.count(t), named.index(t))))


def _views(advice: Sequence[AdviceInput], inputs: AssemblyInputs) -> list[View]:
    views: dict[str, list[View]] = {CHILD: [], FAMILY: []}
    for item in advice:
        if item.kind != Kind.FAMILY:
            continue
        answers = _answers(item)
        # A correction of the family's advice is a new submission of the same request: same keys.
        origin = f"r{item.request_id}" if item.request_id is not None else f"s{item.submission_id}"
        for part in _definition(item).parts:
            whose = _FAMILY_PARTS.get(part.key)
            if whose is None:
                continue
            for question in part.questions:
                text = str(answers.get(question.key) or "").strip()
                if not text:
                    continue
                views[whose].append(
                    View(
                        key=make_key("view-A", whose, question.key, origin),
                        whose=whose,
                        topic=question.key,
                        heading=question.label,
                        text=text,
                        sources=(Source.advice(item.submission_id, "answer", f"{part.key}.{question.key}"),),
                    )
                )
    for whose, text, heading in (
        (CHILD, inputs.request.child_views, "The child's or young person's views, from the request"),
        (FAMILY, inputs.request.family_views, "The parent's or carer's views, from the request"),
    ):
        if text.strip():
            views[whose].append(
                View(
                    key=make_key("view-A", whose, "request"),
                    whose=whose,
                    topic="request",
                    heading=heading,
                    text=text.strip(),
                    sources=(Source.from_request(f"{whose}_views"),),
                )
            )
    return views[CHILD] + views[FAMILY]


def _needs(advice: Sequence[AdviceInput], names: Mapping[int, str]):
    """Needs by section and area, the same need from several advisers merged; and (submission, need id) -> key."""
    merged: dict[str, dict] = {}
    need_keys: dict[tuple[int, int], str] = {}
    for item in advice:
        default = _definition(item).needs_section
        for need in sorted(item.needs, key=lambda n: (n.position, n.id)):
            section = need.section if need.section in NEED_SECTIONS else default
            section = section if section in NEED_SECTIONS else "B"
            area = need.area if section == "B" or need.area else ""
            key = make_key(f"need-{section}", area, need.description)
            need_keys[(item.submission_id, need.id)] = key
            entry = merged.setdefault(
                key,
                {
                    "section": section,
                    "area": area,
                    "description": need.description.strip(),
                    "types": [],
                    "evidence": [],
                    "sources": [],
                },
            )
            if need.sen2_type:
                entry["types"].append(need.sen2_type)
            if need.evidence.strip() and need.evidence.strip() not in entry["evidence"]:
                entry["evidence"].append(need.evidence.strip())
            entry["sources"].append(Source.advice(item.submission_id, "need", need.id))
    area_order = {area: index for index, area in enumerate(AREAS_OF_NEED)}
    needs = [
        Need(
            key=key,
            section=entry["section"],
            area=entry["area"],
            need_types=_ranked(entry["types"]),
            description=entry["description"],
            evidence="\n\n".join(entry["evidence"]),
            sources=tuple(entry["sources"]),
            flags=_merge_flag(entry["sources"], names, "need"),
        )
        for key, entry in merged.items()
    ]
    # Stable sort: within an area, the order the advice gave them.
    needs.sort(key=lambda n: (NEED_SECTIONS.index(n.section), area_order.get(n.area, len(area_order))))
    return needs, need_keys


def _outcomes(
    advice: Sequence[AdviceInput], need_keys: Mapping[tuple[int, int], str], names: Mapping[int, str]
):
    merged: dict[str, dict] = {}
    outcome_keys: dict[tuple[int, int], str] = {}
    for item in advice:
        for outcome in sorted(item.outcomes, key=lambda o: (o.position, o.id)):
            key = make_key("outcome-E", outcome.description, outcome.by_when, outcome.measure)
            outcome_keys[(item.submission_id, outcome.id)] = key
            entry = merged.setdefault(
                key,
                {
                    "description": outcome.description.strip(),
                    "by_when": outcome.by_when.strip(),
                    "measure": outcome.measure.strip(),
                    "needs": [],
                    "sources": [],
                },
            )
            for need_id in outcome.need_ids:
                need_key = need_keys.get((item.submission_id, need_id))
                if need_key and need_key not in entry["needs"]:
                    entry["needs"].append(need_key)
            entry["sources"].append(Source.advice(item.submission_id, "outcome", outcome.id))
    outcomes = [
        Outcome(
            key=key,
            description=entry["description"],
            by_when=entry["by_when"],
            measure=entry["measure"],
            need_keys=tuple(entry["needs"]),
            sources=tuple(entry["sources"]),
            flags=_merge_flag(entry["sources"], names, "outcome"),
        )
        for key, entry in merged.items()
    ]
    return _conflicts(
        outcomes,
        same=lambda o: normalise(o.description),
        describe=lambda o: f"by {o.by_when or 'no time frame'}, measured by {o.measure or 'nothing stated'}",
        names=names,
        what="outcome",
    ), outcome_keys


def _provision(
    advice: Sequence[AdviceInput],
    need_keys: Mapping[tuple[int, int], str],
    outcome_keys: Mapping[tuple[int, int], str],
    names: Mapping[int, str],
) -> list[Provision]:
    merged: dict[str, dict] = {}
    for item in advice:
        sections = _definition(item).provision_sections or ("F",)
        outcome_needs = {
            outcome.id: [
                need_keys[(item.submission_id, n)]
                for n in outcome.need_ids
                if (item.submission_id, n) in need_keys
            ]
            for outcome in item.outcomes
        }
        for provision in sorted(item.provision, key=lambda p: (p.position, p.id)):
            section = provision.section if provision.section in PROVISION_SECTIONS else sections[0]
            spec = (provision.who, provision.frequency, provision.duration, provision.group_size)
            key = make_key(f"provision-{section}", provision.what, *spec)
            entry = merged.setdefault(
                key,
                {
                    "section": section,
                    "fields": [provision.what.strip(), *(s.strip() for s in spec)],
                    "outcomes": [],
                    "needs": [],
                    "sources": [],
                },
            )
            if (
                provision.outcome_id is not None
                and (item.submission_id, provision.outcome_id) in outcome_keys
            ):
                _add(entry["outcomes"], [outcome_keys[(item.submission_id, provision.outcome_id)]])
            if provision.need_id is not None and (item.submission_id, provision.need_id) in need_keys:
                _add(entry["needs"], [need_keys[(item.submission_id, provision.need_id)]])
            elif provision.outcome_id is not None:
                _add(entry["needs"], outcome_needs.get(provision.outcome_id, []))
            entry["sources"].append(Source.advice(item.submission_id, "provision", provision.id))
    items = []
    for key, entry in merged.items():
        what, who, frequency, duration, group_size = entry["fields"]
        items.append(
            Provision(
                key=key,
                section=entry["section"],
                what=what,
                who=who,
                frequency=frequency,
                duration=duration,
                group_size=group_size,
                outcome_keys=tuple(entry["outcomes"]),
                need_keys=tuple(entry["needs"]),
                sources=tuple(entry["sources"]),
                flags=_merge_flag(entry["sources"], names, "recommendation"),
            )
        )
    items.sort(key=lambda p: PROVISION_SECTIONS.index(p.section))
    return _conflicts(
        items,
        same=lambda p: (p.section, normalise(p.what)),
        describe=_spec,
        names=names,
        what="provision",
    )


def _spec(provision: Provision) -> str:
    parts = [
        f"by {provision.who}" if provision.who else "no provider given",
        provision.frequency or "no frequency given",
        provision.duration or "no duration given",
    ]
    if provision.group_size:
        parts.append(f"group size {provision.group_size}")
    return ", ".join(parts)


def _listings(advice: Sequence[AdviceInput]) -> list[AdviceListing]:
    listings = [
        AdviceListing(
            key=f"advice-K-r{a.request_id}" if a.request_id is not None else f"advice-K-s{a.submission_id}",
            submission_id=a.submission_id,
            kind=a.kind,
            title=ADVICE_KIND_LABELS.get(a.kind, a.kind),
            author_name=a.author_name,
            author_role=a.author_role,
            submitted_on=a.submitted_on,
            assessed_on=a.assessed_on,
            document_id=a.document_id,
            sources=(Source.advice(a.submission_id, "submission"),),
        )
        for a in advice
    ]
    return sorted(listings, key=lambda a: (a.submitted_on, a.submission_id))


# --- Merges and conflicts ----------------------------------------------------------------------------------------


def _add(target: list[str], keys: Iterable[str]) -> None:
    for key in keys:
        if key not in target:
            target.append(key)


def _merge_flag(sources: Sequence[Source], names: Mapping[int, str], what: str) -> tuple[Flag, ...]:
    submissions = sorted({s.submission_id for s in sources if s.submission_id is not None})
    if len(submissions) < 2:
        return ()
    who = "; ".join(names.get(s, str(s)) for s in submissions)
    return (
        Flag(
            MERGED,
            f"The same {what} came from {len(submissions)} advisers ({who}) and is shown once. "
            "Accept it, or split it if they mean different things.",
        ),
    )


def _conflicts(items: list[T], *, same, describe, names: Mapping[int, str], what: str) -> list[T]:
    """Items that are the same recommendation worded differently: each flagged with the others, none chosen."""
    groups: dict[Any, list[T]] = defaultdict(list)
    for item in items:
        groups[same(item)].append(item)
    flagged: dict[str, T] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        versions = "; ".join(
            f"{describe(i)} ({', '.join(names.get(s, str(s)) for s in i.submission_ids)})" for i in group
        )
        for item in group:
            others = tuple(sorted(o.key for o in group if o.key != item.key))
            flag = Flag(
                CONFLICT,
                f"Advisers recommend this {what} differently: {versions}. "
                "Decide which the plan says, and record why.",
                with_keys=others,
            )
            flagged[item.key] = dataclasses.replace(item, flags=(*item.flags, flag))
    return [flagged.get(item.key, item) for item in items]


# --- Re-assembly keeping a person's work ---------------------------------------------------------------------------


def _keep_edits(fresh: PlanContent, previous: PlanContent) -> PlanContent:
    # Advice the person has already worked with: its sources are not added back to what they edited (a merge they
    # split stays split); new advice's are.
    known = {
        s.submission_id for _section, item in previous.all_items(include_deleted=True) for s in item.sources
    }
    # Every source the advice gives now, wherever assembly put it.
    said = {s for _section, item in fresh.all_items() for s in item.sources}

    def merge(fresh_items, old_items):
        return _merge_list(fresh_items, old_items, known, said)

    return PlanContent(
        views=tuple(merge(fresh.views, previous.views)),
        needs=tuple(_by_section(merge(fresh.needs, previous.needs), NEED_SECTIONS)),
        outcomes=tuple(merge(fresh.outcomes, previous.outcomes)),
        provision=tuple(_by_section(merge(fresh.provision, previous.provision), PROVISION_SECTIONS)),
        placement=_keep(fresh.placement, previous.placement, known),
        personal_budget=_keep(fresh.personal_budget, previous.personal_budget, known),
        advice=tuple(merge(fresh.advice, previous.advice)),
    )


def _by_section(items: list[T], sections: Sequence[str]) -> list[T]:
    return sorted(items, key=lambda item: sections.index(item.section))


def _keep(fresh: T, old: T, known: set) -> T:
    """One item present in both: the person's version if they touched it, else the fresh one."""
    if old.is_deleted:
        return old
    if old.is_edited:
        sources = tuple(old.sources) + tuple(
            s for s in fresh.sources if s not in old.sources and s.submission_id not in known
        )
        flags = tuple(old.flags) + tuple(f for f in fresh.flags if not _has_flag(old.flags, f))
        return dataclasses.replace(old, sources=sources, flags=flags)
    flags = tuple(_previous_flag(old.flags, f) for f in fresh.flags)
    return dataclasses.replace(fresh, flags=flags)


def _has_flag(flags: Iterable[Flag], flag: Flag) -> bool:
    return any(_same_flag(f, flag) for f in flags)


def _same_flag(a: Flag, b: Flag) -> bool:
    return (a.code, a.with_keys, a.message) == (b.code, b.with_keys, b.message)


def _previous_flag(old_flags: Iterable[Flag], flag: Flag) -> Flag:
    """A flag the person resolved stays resolved while it says the same thing."""
    return next((f for f in old_flags if _same_flag(f, flag)), flag)


def _gone(old: T, said: set) -> T | None:
    """An item of the previous content that assembly no longer produces under its key."""
    if old.is_deleted:
        return old
    if old.sources and all(s.kind == PERSON for s in old.sources):
        return old
    if old.is_edited:
        # A part of a merge the person split: the advice still says it, under the merged key.
        if all(s in said for s in old.sources if s.kind != PERSON):
            return old
        # Flagged once: after the person has checked it, it is theirs.
        if any(f.code == SOURCE_CHANGED for f in old.flags):
            return old
        flag = Flag(
            SOURCE_CHANGED,
            "The advice this came from has changed or been withdrawn since it was edited. "
            "Check it still says what the plan should.",
        )
        return dataclasses.replace(old, flags=(*old.flags, flag))
    return None


def _merge_list(fresh: Sequence[T], previous: Sequence[T], known: set, said: set) -> list[T]:
    """The previous order kept; fresh items new to it go after their predecessor in the fresh assembly."""
    fresh_by_key = {item.key: item for item in fresh}
    result: list[T] = []
    for old in previous:
        if old.key in fresh_by_key:
            result.append(_keep(fresh_by_key[old.key], old, known))
        else:
            kept = _gone(old, said)
            if kept is not None:
                result.append(kept)
    position = {item.key: index for index, item in enumerate(result)}
    anchor = -1
    inserted: list[tuple[int, T]] = []
    for item in fresh:
        if item.key in position:
            anchor = position[item.key]
        else:
            inserted.append((anchor, item))
    # Insert from the back so earlier anchors stay valid; ties keep the fresh order.
    for anchor_index, item in reversed(inserted):
        result.insert(anchor_index + 1, item)
    return result
