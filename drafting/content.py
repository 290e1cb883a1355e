"""The content of one version of an EHC plan, as plain data: sections A to K of reg 12, every item with its source.

Pure: no Django. The app stores it (one JSON document per section per version, `section_to_dict` and
`content_from_sections`, or the whole of it with `PlanContent.to_dict` / `PlanContent.from_dict`), assembly
(`drafting.assembly`) builds it from the submitted advice, the quality checks (`drafting.quality`) read it, and
`drafting.diffing` compares two of them. Nothing here reads the clock: every date and time is an argument.

The contract
============

Sections. `SECTIONS` lists the codes of reg 12 in the plan's order ("A", "B", "C", "D", "E", "F", "G", "H1", "H2",
"I", "J", "K"), `SECTION_TITLES` their titles. Each section is separately identified; its JSON is:

- A: ``{"views": [View...]}``: the child's and the family's views, interests and aspirations.
- B, C, D: ``{"needs": [Need...], "need_types": ["ASD", "SLCN"...]}``: needs (B by area of need, C health, D social
  care). `need_types` (B only) ranks the SEN2 types of need named in the advice, the primary need first.
- E: ``{"outcomes": [Outcome...]}``.
- F, G, H1, H2: ``{"provision": [Provision...]}``.
- I: ``{"placement": Placement}``: blank in a draft (the law leaves the name of the school out of a draft).
- J: ``{"personal_budget": PersonalBudget}``.
- K: ``{"advice": [AdviceListing...]}``: every piece of advice and information, with its author and date.

Items. Every item (`View`, `Need`, `Outcome`, `Provision`, `Placement`, `PersonalBudget`, `AdviceListing`) has:

- `key`: stable and unique in the plan. Assembly derives it from the item's sources (the section, the area and the
  normalised wording), so assembling the same advice again gives the same keys, and a person's edit is kept under
  the key it had (see `make_key`). Items a person adds get a key from `person_key`. Links between items
  (`Outcome.need_keys`, `Provision.need_keys`, `Provision.outcome_keys`) are keys.
- `sources`: a tuple of `Source`, where the item came from: an advice submission and which part of it
  (`Source.advice(submission_id, part, ref)`: part "need", "outcome" or "provision" with the AdviceNeed /
  AdviceOutcome / AdviceProvision id as ref; "answer" with the question key as ref, e.g. "child_views.likes";
  "family_summary"; "submission" for K), the request (`Source.from_request(part)`: "child_views" or
  "family_views"), or a person (`Source.person(by_id, by_name, at)`) for an item a person wrote.
- `flags`: a tuple of `Flag`: "merged" (the same need or provision from several advisers, one item with all their
  sources), "conflict" (recommendations that differ, kept side by side: every item of the conflict carries the flag
  with the other items' keys in `Flag.with_keys`), "source_changed" (edited by a person, and the advice it came from
  has since changed or gone). A flag is resolved by a person (`resolved_by`, `resolved_by_name`, `resolved_at`,
  `resolution`) and stays on the item as a record.
- `edited_by`, `edited_by_name`, `edited_at`: set when a person changed the item (`edit_item`). An edited item wins
  over assembly: re-assembling keeps it as the person left it.
- `deleted_by`, `deleted_by_name`, `deleted_at`, `deleted_reason`: a person removed it (`delete_item`). Nothing is
  hard-deleted: the item stays in the content, hidden from the plan (`PlanContent.active`), and re-assembly does not
  bring it back.

Serialisation: `to_dict` gives JSON types only (dates and times as ISO 8601 strings, tuples as lists), keys in a
fixed order, items in the plan's order; `from_dict(to_dict(c)) == c`. `FORMAT` is the version of this shape.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from advice.ras import AREA_LABELS, AREAS

FORMAT = 1

SECTIONS = ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K")
SECTION_TITLES = {
    "A": "The views, interests and aspirations of the child or young person and their parents",
    "B": "Special educational needs",
    "C": "Health care needs which relate to their special educational needs",
    "D": "Social care needs which relate to their special educational needs or to a disability",
    "E": "The outcomes sought",
    "F": "Special educational provision",
    "G": "Health care provision reasonably required by their learning difficulties or disabilities",
    "H1": "Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970",
    "H2": "Other social care provision reasonably required by their learning difficulties or disabilities",
    "I": "Placement: the name and type of the school or other institution",
    "J": "Personal budget",
    "K": "Advice and information gathered during the assessment",
}
NEED_SECTIONS = ("B", "C", "D")
PROVISION_SECTIONS = ("F", "G", "H1", "H2")
# The golden thread: the provision sections that meet the needs of each needs section.
PROVISION_FOR_NEEDS = {"B": ("F",), "C": ("G",), "D": ("H1", "H2")}

# The four broad areas of need of the Code of Practice (6.28), as advice and cases store them.
AREAS_OF_NEED = AREAS
AREA_OF_NEED_LABELS = dict(AREA_LABELS)

# SEN2 types of need (the codes advice.forms offers), with the DfE's labels.
NEED_TYPES = {
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment",
    "VI": "Visual impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "ASD": "Autistic spectrum disorder",
    "DS": "Down syndrome",
    "OTH": "Other difficulty or disability",
}

# The kinds of advice (advice.definitions.Kind values), as section K names them.
ADVICE_KIND_LABELS = {
    "family": "The family's advice (parent or carer, and the child or young person)",
    "educational": "Educational advice",
    "medical": "Health advice",
    "psychological": "Psychological advice",
    "social_care": "Social care advice",
    "speech_and_language": "Speech and language therapy advice",
    "occupational_therapy": "Occupational therapy advice",
    "preparation_for_adulthood": "Preparing for adulthood advice",
    "other": "Other advice",
}

# Source kinds.
ADVICE = "advice"
REQUEST = "request"
PERSON = "person"

# Flag codes.
MERGED = "merged"
CONFLICT = "conflict"
SOURCE_CHANGED = "source_changed"

# Whose view a View is.
CHILD = "child"
FAMILY = "family"


class ContentError(ValueError):
    """A key, section or field that does not exist in this content; the message can be shown to a person."""


# --- Helpers shared by assembly and the app ---------------------------------------------------------------------


def normalise(text: str) -> str:
    """Wording reduced for comparison: case, accents, punctuation and spacing do not make two sentences differ."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def make_key(prefix: str, *parts: str) -> str:
    """A stable key from an item's defining parts (normalised), e.g. make_key("need-B", area, description)."""
    digest = hashlib.sha256("\x1f".join(normalise(p) for p in parts).encode()).hexdigest()[:12]
    return f"{prefix}-{digest}"


def person_key(prefix: str, *, by_id: int | None, at: datetime, n: int = 0) -> str:
    """The key of an item a person adds (`prefix` as in the table below), unique by who, when and a counter."""
    return f"{prefix}-p{by_id or 0}-{at.strftime('%Y%m%d%H%M%S%f')}-{n}"


# Key prefixes: views "view-A", needs "need-B"/"need-C"/"need-D", outcomes "outcome-E", provision
# "provision-F"/"provision-G"/"provision-H1"/"provision-H2", placement "placement-I", budget "budget-J",
# advice listed in K "advice-K-<submission id>".
PLACEMENT_KEY = "placement-I"
BUDGET_KEY = "budget-J"


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- Provenance and flags -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where an item came from: a part of one advice submission, the request, or a person."""

    kind: str  # ADVICE, REQUEST or PERSON
    submission_id: int | None = None
    # ADVICE: "need", "outcome", "provision" (ref: the AdviceNeed/AdviceOutcome/AdviceProvision id), "answer"
    # (ref: "<part key>.<question key>" of advice.definitions), "family_summary", "submission" (K).
    # REQUEST: "child_views" or "family_views" (the case's fields).
    part: str = ""
    ref: str = ""
    # PERSON: who wrote it and when.
    by_id: int | None = None
    by_name: str = ""
    at: datetime | None = None

    @classmethod
    def advice(cls, submission_id: int, part: str, ref: str | int = "") -> Source:
        return cls(ADVICE, submission_id=submission_id, part=part, ref=str(ref))

    @classmethod
    def from_request(cls, part: str) -> Source:
        return cls(REQUEST, part=part)

    @classmethod
    def person(cls, by_id: int | None, by_name: str, at: datetime) -> Source:
        return cls(PERSON, by_id=by_id, by_name=by_name, at=at)

    def sort_key(self) -> tuple:
        return (self.kind, self.submission_id or 0, self.part, self.ref.zfill(12), _iso(self.at) or "")

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "submission_id": self.submission_id,
            "part": self.part,
            "ref": self.ref,
            "by_id": self.by_id,
            "by_name": self.by_name,
            "at": _iso(self.at),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Source:
        return cls(
            kind=data["kind"],
            submission_id=data.get("submission_id"),
            part=data.get("part", ""),
            ref=str(data.get("ref", "")),
            by_id=data.get("by_id"),
            by_name=data.get("by_name", ""),
            at=_datetime(data.get("at")),
        )


@dataclass(frozen=True)
class Flag:
    """Something a person must look at: a merge to accept or reject, a conflict to settle, a changed source."""

    code: str  # MERGED, CONFLICT or SOURCE_CHANGED
    message: str
    # The other items involved (the other side of a conflict).
    with_keys: tuple[str, ...] = ()
    resolved_by: int | None = None
    resolved_by_name: str = ""
    resolved_at: datetime | None = None
    # What the person decided, in their words ("Accepted", "Kept the therapist's frequency"...).
    resolution: str = ""

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "with_keys": list(self.with_keys),
            "resolved_by": self.resolved_by,
            "resolved_by_name": self.resolved_by_name,
            "resolved_at": _iso(self.resolved_at),
            "resolution": self.resolution,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Flag:
        return cls(
            code=data["code"],
            message=data.get("message", ""),
            with_keys=tuple(data.get("with_keys", ())),
            resolved_by=data.get("resolved_by"),
            resolved_by_name=data.get("resolved_by_name", ""),
            resolved_at=_datetime(data.get("resolved_at")),
            resolution=data.get("resolution", ""),
        )


# --- Items ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Item:
    """What every item has: a key, its sources, its flags, and who changed or removed it."""

    key: str
    sources: tuple[Source, ...] = ()
    flags: tuple[Flag, ...] = ()
    edited_by: int | None = None
    edited_by_name: str = ""
    edited_at: datetime | None = None
    deleted_by: int | None = None
    deleted_by_name: str = ""
    deleted_at: datetime | None = None
    deleted_reason: str = ""

    # The fields a person may change with `edit_item`; subclasses list theirs.
    EDITABLE: ClassVar[tuple[str, ...]] = ()

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def submission_ids(self) -> tuple[int, ...]:
        return tuple(sorted({s.submission_id for s in self.sources if s.submission_id is not None}))

    def open_flags(self) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if not f.is_resolved)

    def to_dict(self) -> dict:
        data: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if not f.init:
                continue
            value = getattr(self, f.name)
            if f.name == "sources":
                value = [s.to_dict() for s in value]
            elif f.name == "flags":
                value = [flag.to_dict() for flag in value]
            elif isinstance(value, (date, datetime)):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            data[f.name] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping):
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if not f.init or f.name not in data:
                continue
            value = data[f.name]
            if f.name == "sources":
                value = tuple(Source.from_dict(s) for s in value)
            elif f.name == "flags":
                value = tuple(Flag.from_dict(flag) for flag in value)
            elif f.name.endswith("_at"):
                value = _datetime(value)
            elif f.name.endswith("_on"):
                value = _date(value)
            elif isinstance(value, list):
                value = tuple(value)
            kwargs[f.name] = value
        return cls(**kwargs)


@dataclass(frozen=True, kw_only=True)
class View(Item):
    """Section A: one part of the child's or the family's views, in their words."""

    whose: str  # CHILD or FAMILY
    # The question it answers (advice.definitions question key: "strengths", "likes"...) or "request".
    topic: str = ""
    heading: str = ""
    text: str = ""

    EDITABLE = ("heading", "text")


@dataclass(frozen=True, kw_only=True)
class Need(Item):
    """A need in B (by area of need), C (health) or D (social care)."""

    section: str  # B, C or D
    area: str = ""  # one of AREAS_OF_NEED in B; may be blank in C and D
    # SEN2 types of need named for it, most often named first.
    need_types: tuple[str, ...] = ()
    description: str = ""
    evidence: str = ""

    EDITABLE = ("area", "need_types", "description", "evidence")


@dataclass(frozen=True, kw_only=True)
class Outcome(Item):
    """Section E: an outcome sought, by when, how progress is measured, and the needs it meets."""

    description: str = ""
    by_when: str = ""
    measure: str = ""
    need_keys: tuple[str, ...] = ()

    EDITABLE = ("description", "by_when", "measure", "need_keys")


@dataclass(frozen=True, kw_only=True)
class Provision(Item):
    """F, G, H1 or H2: provision specified and quantified, linked to the outcomes and needs it serves."""

    section: str  # F, G, H1 or H2
    what: str = ""
    who: str = ""
    frequency: str = ""
    duration: str = ""
    group_size: str = ""
    # Free text a person adds to or instead of the fields (the sentence as the plan prints it when set).
    text: str = ""
    outcome_keys: tuple[str, ...] = ()
    need_keys: tuple[str, ...] = ()
    # G: the health commissioner's agreement to fund it (who agreed, and when).
    commissioner_agreed_by: str = ""
    commissioner_agreed_on: date | None = None

    EDITABLE = (
        "what",
        "who",
        "frequency",
        "duration",
        "group_size",
        "text",
        "outcome_keys",
        "need_keys",
        "commissioner_agreed_by",
        "commissioner_agreed_on",
    )

    def sentence(self) -> str:
        """The provision as one sentence: the free text when a person wrote one, else the fields joined."""
        if self.text.strip():
            return self.text.strip()
        parts = [self.what.strip().rstrip(".")]
        if self.who.strip():
            parts.append(f"delivered by {self.who.strip()}")
        if self.frequency.strip():
            parts.append(self.frequency.strip())
        if self.duration.strip():
            parts.append(self.duration.strip())
        if self.group_size.strip():
            parts.append(f"group size: {self.group_size.strip()}")
        return ", ".join(p for p in parts if p) + "."


@dataclass(frozen=True, kw_only=True)
class Placement(Item):
    """Section I: blank in a draft; named before the final plan."""

    key: str = PLACEMENT_KEY
    name: str = ""
    type: str = ""
    urn: str = ""

    EDITABLE = ("name", "type", "urn")

    @property
    def is_blank(self) -> bool:
        return not (self.name.strip() or self.type.strip() or self.urn.strip())


@dataclass(frozen=True, kw_only=True)
class PersonalBudget(Item):
    """Section J: whether a personal budget was asked for, its amount and what it pays for."""

    key: str = BUDGET_KEY
    requested: bool = False
    amount: str = ""
    details: str = ""

    EDITABLE = ("requested", "amount", "details")


@dataclass(frozen=True, kw_only=True)
class AdviceListing(Item):
    """Section K: one piece of advice or information, its author and date (the document is kept with the plan)."""

    submission_id: int | None = None
    kind: str = ""  # advice.definitions.Kind value, or "" for other information
    title: str = ""
    author_name: str = ""
    author_role: str = ""
    submitted_on: date | None = None
    assessed_on: date | None = None
    document_id: int | None = None

    EDITABLE = ("title", "author_name", "author_role", "submitted_on", "assessed_on", "document_id")

    @property
    def dated_on(self) -> date | None:
        """The date the advice speaks for: when the child was assessed, else when it was submitted."""
        return self.assessed_on or self.submitted_on


# --- The plan version's content ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanContent:
    """Sections A to K of one plan version. Lists keep the plan's order; deleted items stay, hidden."""

    views: tuple[View, ...] = ()
    needs: tuple[Need, ...] = ()
    need_types: tuple[str, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    provision: tuple[Provision, ...] = ()
    placement: Placement = field(default_factory=Placement)
    personal_budget: PersonalBudget = field(default_factory=PersonalBudget)
    advice: tuple[AdviceListing, ...] = ()

    # Reading.

    def section_items(self, section: str, *, include_deleted: bool = False) -> tuple[Item, ...]:
        """The items of one section, in order (placement and budget are one item each)."""
        if section not in SECTIONS:
            raise ContentError(f"There is no section {section}")
        if section == "A":
            items: tuple[Item, ...] = self.views
        elif section in NEED_SECTIONS:
            items = tuple(n for n in self.needs if n.section == section)
        elif section == "E":
            items = self.outcomes
        elif section in PROVISION_SECTIONS:
            items = tuple(p for p in self.provision if p.section == section)
        elif section == "I":
            items = (self.placement,)
        elif section == "J":
            items = (self.personal_budget,)
        else:
            items = self.advice
        return items if include_deleted else tuple(i for i in items if not i.is_deleted)

    def active(self, section: str) -> tuple[Item, ...]:
        return self.section_items(section)

    def all_items(self, *, include_deleted: bool = False) -> Iterator[tuple[str, Item]]:
        """(section, item) for every item, in the plan's order."""
        for section in SECTIONS:
            for item in self.section_items(section, include_deleted=include_deleted):
                yield section, item

    def item(self, key: str) -> Item:
        for _section, item in self.all_items(include_deleted=True):
            if item.key == key:
                return item
        raise ContentError(f"There is no item {key} in this plan")

    def section_of(self, key: str) -> str:
        for section, item in self.all_items(include_deleted=True):
            if item.key == key:
                return section
        raise ContentError(f"There is no item {key} in this plan")

    def listing(self, submission_id: int) -> AdviceListing | None:
        """The K entry of a submission, to name the source of any sentence."""
        return next((a for a in self.advice if a.submission_id == submission_id), None)

    def open_flags(self) -> list[tuple[str, Item, Flag]]:
        return [(section, item, flag) for section, item in self.all_items() for flag in item.open_flags()]

    # Writing (each returns a new content; the app saves it as the next state of the version).

    def replace(self, item: Item) -> PlanContent:
        """This content with `item` in place of the item with its key (or added at the end of its section)."""
        if isinstance(item, Placement):
            return dataclasses.replace(self, placement=item)
        if isinstance(item, PersonalBudget):
            return dataclasses.replace(self, personal_budget=item)
        name = {
            View: "views",
            Need: "needs",
            Outcome: "outcomes",
            Provision: "provision",
            AdviceListing: "advice",
        }[type(item)]
        items = list(getattr(self, name))
        for index, existing in enumerate(items):
            if existing.key == item.key:
                items[index] = item
                break
        else:
            items = _insert_in_section(items, item)
        return dataclasses.replace(self, **{name: tuple(items)})

    # Serialisation.

    def section_to_dict(self, section: str) -> dict:
        """One section's JSON (deleted items included: they are part of the record)."""
        if section not in SECTIONS:
            raise ContentError(f"There is no section {section}")
        if section == "A":
            return {"views": [v.to_dict() for v in self.views]}
        if section in NEED_SECTIONS:
            data: dict[str, Any] = {
                "needs": [n.to_dict() for n in self.needs if n.section == section],
            }
            if section == "B":
                data["need_types"] = list(self.need_types)
            return data
        if section == "E":
            return {"outcomes": [o.to_dict() for o in self.outcomes]}
        if section in PROVISION_SECTIONS:
            return {"provision": [p.to_dict() for p in self.provision if p.section == section]}
        if section == "I":
            return {"placement": self.placement.to_dict()}
        if section == "J":
            return {"personal_budget": self.personal_budget.to_dict()}
        return {"advice": [a.to_dict() for a in self.advice]}

    def to_dict(self) -> dict:
        return {"format": FORMAT, "sections": {s: self.section_to_dict(s) for s in SECTIONS}}

    @classmethod
    def from_dict(cls, data: Mapping) -> PlanContent:
        return content_from_sections(data.get("sections", {}))


def section_to_dict(content: PlanContent, section: str) -> dict:
    return content.section_to_dict(section)


def content_from_sections(sections: Mapping[str, Mapping]) -> PlanContent:
    """A content from section JSONs by code (a missing section is empty)."""

    def get(code: str, name: str) -> list:
        return list(sections.get(code, {}).get(name, []))

    needs = tuple(Need.from_dict(n) for code in NEED_SECTIONS for n in get(code, "needs"))
    provision = tuple(Provision.from_dict(p) for code in PROVISION_SECTIONS for p in get(code, "provision"))
    placement = sections.get("I", {}).get("placement")
    budget = sections.get("J", {}).get("personal_budget")
    return PlanContent(
        views=tuple(View.from_dict(v) for v in get("A", "views")),
        needs=needs,
        need_types=tuple(sections.get("B", {}).get("need_types", ())),
        outcomes=tuple(Outcome.from_dict(o) for o in get("E", "outcomes")),
        provision=provision,
        placement=Placement.from_dict(placement) if placement else Placement(),
        personal_budget=PersonalBudget.from_dict(budget) if budget else PersonalBudget(),
        advice=tuple(AdviceListing.from_dict(a) for a in get("K", "advice")),
    )


def _insert_in_section(items: list, item: Item) -> list:
    """Append after the last item of the same section, so lists stay in the plan's section order."""
    section = getattr(item, "section", None)
    if section is None:
        return [*items, item]
    order = SECTIONS.index(section)
    position = len(items)
    for index, existing in enumerate(items):
        if SECTIONS.index(existing.section) > order:
            position = index
            break
    return [*items[:position], item, *items[position:]]


# --- A person's changes --------------------------------------------------------------------------------------


def edit_item(
    content: PlanContent,
    key: str,
    *,
    changes: Mapping[str, Any],
    by_id: int | None,
    by_name: str,
    at: datetime,
) -> PlanContent:
    """The content with a person's change to one item: the named fields set, stamped as edited by them."""
    item = content.item(key)
    unknown = set(changes) - set(item.EDITABLE)
    if unknown:
        raise ContentError(f"These cannot be changed on this item: {', '.join(sorted(unknown))}")
    values = {name: tuple(v) if isinstance(v, list) else v for name, v in changes.items()}
    return content.replace(
        dataclasses.replace(item, **values, edited_by=by_id, edited_by_name=by_name, edited_at=at)
    )


def add_item(
    content: PlanContent, item: Item, *, by_id: int | None, by_name: str, at: datetime
) -> PlanContent:
    """A person's new item (give it a `person_key`); its source is the person."""
    if any(existing.key == item.key for _s, existing in content.all_items(include_deleted=True)):
        raise ContentError(f"There is already an item {item.key}")
    stamped = dataclasses.replace(
        item,
        sources=(Source.person(by_id, by_name, at),),
        edited_by=by_id,
        edited_by_name=by_name,
        edited_at=at,
    )
    return content.replace(stamped)


def delete_item(
    content: PlanContent, key: str, *, by_id: int | None, by_name: str, at: datetime, reason: str = ""
) -> PlanContent:
    """The item hidden from the plan and kept as a record; re-assembly does not bring it back."""
    item = content.item(key)
    return content.replace(
        dataclasses.replace(
            item, deleted_by=by_id, deleted_by_name=by_name, deleted_at=at, deleted_reason=reason
        )
    )


def resolve_flag(
    content: PlanContent,
    key: str,
    code: str,
    *,
    resolution: str,
    by_id: int | None,
    by_name: str,
    at: datetime,
) -> PlanContent:
    """A person's decision on an item's open flag of this code (it stays on the item, resolved)."""
    item = content.item(key)
    if not any(f.code == code and not f.is_resolved for f in item.flags):
        raise ContentError(f"Item {key} has no open {code} flag")
    flags = tuple(
        dataclasses.replace(
            f, resolved_by=by_id, resolved_by_name=by_name, resolved_at=at, resolution=resolution
        )
        if f.code == code and not f.is_resolved
        else f
        for f in item.flags
    )
    return content.replace(dataclasses.replace(item, flags=flags))


def split_merged(
    content: PlanContent, key: str, *, by_id: int | None, by_name: str, at: datetime, reason: str = ""
) -> PlanContent:
    """A person's rejection of a merge: one item per advice submission, each with that adviser's sources.

    The first submission's part keeps the key; the others get `make_key(key, "split", submission id)`. Outcomes and
    provision linked to the merged item are linked to the part from their own advice (to all parts when they share
    none, as for an item a person wrote). The merged flag is resolved as split; every part, and every item
    re-linked, is stamped as edited, so re-assembly keeps them as the person left them."""
    item = content.item(key)
    submissions = item.submission_ids
    if len(submissions) < 2:
        raise ContentError(f"Item {key} was not merged from several advices")
    resolution = f"Split: {reason}" if reason else "Split"
    flags = tuple(
        dataclasses.replace(
            f, resolved_by=by_id, resolved_by_name=by_name, resolved_at=at, resolution=resolution
        )
        if f.code == MERGED and not f.is_resolved
        else f
        for f in item.flags
    )
    stamp = {"edited_by": by_id, "edited_by_name": by_name, "edited_at": at}
    parts: dict[int, str] = {}
    result = content
    for index, submission in enumerate(submissions):
        part_key = key if index == 0 else make_key(key, "split", str(submission))
        parts[submission] = part_key
        sources = tuple(s for s in item.sources if s.submission_id == submission)
        part = dataclasses.replace(
            item, key=part_key, sources=sources, flags=flags if index == 0 else (), **stamp
        )
        result = result.replace(part)
    # Re-link what pointed at the merged item.
    for field_name in ("need_keys", "outcome_keys"):
        for _section, linked in list(result.all_items(include_deleted=True)):
            keys = getattr(linked, field_name, None)
            if not keys or key not in keys:
                continue
            own = [parts[s] for s in linked.submission_ids if s in parts] or list(parts.values())
            relinked: list[str] = []
            for existing in keys:
                for new_key in own if existing == key else [existing]:
                    if new_key not in relinked:
                        relinked.append(new_key)
            result = result.replace(dataclasses.replace(linked, **{field_name: tuple(relinked)}, **stamp))
    return result


# --- Assembly's inputs: the submitted advice as the advice app stores it -------------------------------------------


@dataclass(frozen=True)
class NeedInput:
    """An `advice.models.AdviceNeed` row."""

    id: int
    description: str
    section: str = ""  # B, C or D as stored; blank: the section the kind of advice gives needs to
    area: str = ""
    sen2_type: str = ""
    evidence: str = ""
    position: int = 0


@dataclass(frozen=True)
class OutcomeInput:
    """An `advice.models.AdviceOutcome` row, with the ids of its `needs`."""

    id: int
    description: str
    by_when: str = ""
    measure: str = ""
    need_ids: tuple[int, ...] = ()
    position: int = 0


@dataclass(frozen=True)
class ProvisionInput:
    """An `advice.models.AdviceProvision` row (`need_id`, `outcome_id` its foreign keys)."""

    id: int
    what: str
    section: str = ""  # F, G, H1 or H2 as stored; blank: the first section the kind of advice gives
    who: str = ""
    frequency: str = ""
    duration: str = ""
    group_size: str = ""
    need_id: int | None = None
    outcome_id: int | None = None
    position: int = 0


@dataclass(frozen=True)
class AdviceInput:
    """One submitted advice (`advice.models.AdviceSubmission`, the current version of its request)."""

    submission_id: int
    kind: str  # advice.definitions.Kind value (the request's kind)
    author_name: str
    submitted_on: date
    author_role: str = ""
    request_id: int | None = None
    number: int = 1
    assessed_on: date | None = None
    family_summary: str = ""
    # The definition's free-text answers by question key (AdviceSubmission.answers["answers"] or the flat dict).
    answers: Mapping[str, Any] = field(default_factory=dict)
    needs: tuple[NeedInput, ...] = ()
    outcomes: tuple[OutcomeInput, ...] = ()
    provision: tuple[ProvisionInput, ...] = ()
    # The filed PDF (AdviceSubmission.document) or the reused document.
    document_id: int | None = None


@dataclass(frozen=True)
class RequestViews:
    """The views written in the request (`cases.models.Case.child_views` / `family_views`)."""

    child_views: str = ""
    family_views: str = ""


@dataclass(frozen=True)
class AssemblyInputs:
    """Everything assembly reads: the current submitted advice of the case and the request's views."""

    advice: tuple[AdviceInput, ...] = ()
    request: RequestViews = field(default_factory=RequestViews)


def item_text(item: Item) -> str:
    """An item's words as the plan shows them, for lists, differences and findings."""
    if isinstance(item, View):
        return item.text
    if isinstance(item, (Need, Outcome)):
        return item.description
    if isinstance(item, Provision):
        return item.sentence()
    if isinstance(item, Placement):
        return ", ".join(p for p in (item.name, item.type, item.urn) if p)
    if isinstance(item, PersonalBudget):
        return item.details or item.amount
    if isinstance(item, AdviceListing):
        return f"{item.title}: {item.author_name}".strip(": ")
    return ""
