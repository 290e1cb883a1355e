"""RAS, the resource allocation system: the specialists' levels turned into a suggested funding band. Pure: no Django.

Each specialist gives a level for each area of need their expertise covers, on the council's scale (for example
0 to 4, each level with the council's descriptor so that "severe" means the same to everyone). A scheme compiles
the opinions into one profile (the council's rule for several opinions on one area: the highest, the mean rounded
half up, or the lead discipline's), turns each area's level into points with the council's weight and cap, adds
them up, and finds the band whose range holds the total; the band's annual amount is adjusted by the type of
setting. Every number in the result says where it came from, so the panel can see why and decide otherwise.

The band is guidance: the law requires the council to secure everything in Section F whatever the band.
Schemes are configuration with an effective-from date; a case is scored by the scheme in force on the day.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

COMMUNICATION = "communication_interaction"
COGNITION = "cognition_learning"
SEMH = "semh"
SENSORY_PHYSICAL = "sensory_physical"
AREAS = (COMMUNICATION, COGNITION, SEMH, SENSORY_PHYSICAL)
AREA_LABELS = {
    COMMUNICATION: "Communication and interaction",
    COGNITION: "Cognition and learning",
    SEMH: "Social, emotional and mental health",
    SENSORY_PHYSICAL: "Sensory and/or physical",
}
# Specialists more than this many levels apart on one area are shown to the panel as a disagreement.
DISAGREEMENT_GAP = 1


class RasError(ValueError):
    """A level, scheme or opinion that cannot be scored, with a message fit to show the person who gave it."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Combine(StrEnum):
    HIGHEST = "highest"
    MEAN = "mean"
    LEAD = "lead"


COMBINE_LABELS = {
    Combine.HIGHEST: "The highest level any specialist gave",
    Combine.MEAN: "The average of the specialists' levels, rounded to the nearest level (halves up)",
    Combine.LEAD: "The level the lead discipline for that area gave (the highest if the lead gave none)",
}


@dataclass(frozen=True)
class Level:
    value: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_points: int
    annual_amount: Decimal


@dataclass(frozen=True)
class Scheme:
    name: str
    effective_from: date
    levels: tuple[Level, ...]
    weights: Mapping[str, int]
    caps: Mapping[str, int]
    bands: tuple[Band, ...]
    combine: Combine = Combine.HIGHEST
    # Area of need -> the discipline whose level counts under Combine.LEAD.
    lead_disciplines: Mapping[str, str] = field(default_factory=dict)
    # Type of setting -> multiplier of the band's amount (a resourced provision already funds part of the need).
    setting_adjustments: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def lowest(self) -> int:
        return min(level.value for level in self.levels)

    @property
    def highest(self) -> int:
        return max(level.value for level in self.levels)

    def level(self, value: int) -> Level:
        for level in self.levels:
            if level.value == value:
                return level
        raise RasError(
            f"Level must be between {self.lowest} and {self.highest} on this council's scale", field="level"
        )


@dataclass(frozen=True)
class Opinion:
    """One specialist's level for one area of need, and where it was given (an advice submission)."""

    area: str
    level: int
    discipline: str
    author: str = ""
    source: str = ""


@dataclass(frozen=True)
class AreaScore:
    area: str
    level: int | None
    points: int
    capped: bool
    opinions: tuple[Opinion, ...]
    disagreement: bool
    how: str

    @property
    def label(self) -> str:
        return AREA_LABELS[self.area]


@dataclass(frozen=True)
class Result:
    scheme: str
    effective_from: date
    combine: Combine
    profile: tuple[AreaScore, ...]
    points: int
    band: Band | None
    setting_type: str
    adjustment: Decimal
    amount: Decimal

    @property
    def disagreements(self) -> tuple[AreaScore, ...]:
        return tuple(score for score in self.profile if score.disagreement)

    def stored(self) -> dict:
        """The result as the case keeps it (`RasScore`): plain data, every number with where it came from."""
        return {
            "points": self.points,
            "band": self.band.code if self.band else "",
            "annual_amount": self.amount,
            "setting_type": self.setting_type,
            "profile": [
                {
                    "area": s.area,
                    "label": s.label,
                    "level": s.level,
                    "points": s.points,
                    "capped": s.capped,
                    "disagreement": s.disagreement,
                    "how": s.how,
                    "opinions": [
                        {"level": o.level, "discipline": o.discipline, "author": o.author, "source": o.source}
                        for o in s.opinions
                    ],
                }
                for s in self.profile
            ],
            "explanation": self.explanation(),
            "disagreements": [s.area for s in self.disagreements],
        }

    def explanation(self) -> list[str]:
        """The steps from the levels to the band, in words, for the case page, the panel and a tribunal."""
        lines = [f"Scored with {self.scheme} (in force from {self.effective_from:%-d %B %Y})."]
        for score in self.profile:
            lines.append(f"{score.label}: {score.how}")
        lines.append(f"Total: {self.points} points.")
        if self.band is None:
            lines.append("No band: the total is below the lowest band.")
        else:
            lines.append(
                f"Band {self.band.label}: from {self.band.min_points} points, £{self.band.annual_amount:,.0f} a year."
            )
            if self.adjustment != 1:
                lines.append(
                    f"Adjusted for the setting ({self.setting_type}): × {self.adjustment.normalize()} = £{self.amount:,.0f} a year."
                )
        return lines


def validate_scheme(scheme: Scheme) -> list[str]:
    """Everything wrong with a scheme an administrator is about to save, in words they can act on."""
    problems = []
    values = [level.value for level in scheme.levels]
    if not values:
        problems.append("Add at least one level to the scale")
    elif len(set(values)) != len(values):
        problems.append("Each level on the scale must have a different number")
    if any(not level.descriptor.strip() for level in scheme.levels):
        problems.append("Every level needs a descriptor, so that everyone scores the same way")
    for area in AREAS:
        if scheme.weights.get(area, 0) < 0:
            problems.append(f"The weight for {AREA_LABELS[area].lower()} must be 0 or more")
        if area in scheme.caps and scheme.caps[area] < 0:
            problems.append(f"The cap for {AREA_LABELS[area].lower()} must be 0 or more")
    unknown = set(scheme.weights) - set(AREAS)
    if unknown:
        problems.append("Weights name areas of need that do not exist: " + ", ".join(sorted(unknown)))
    if not scheme.bands:
        problems.append("Add at least one band")
    starts = [band.min_points for band in scheme.bands]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        problems.append("Bands must start at increasing numbers of points")
    if any(band.annual_amount < 0 for band in scheme.bands):
        problems.append("A band's annual amount cannot be negative")
    if any(adjustment <= 0 for adjustment in scheme.setting_adjustments.values()):
        problems.append("A setting adjustment must be more than 0")
    if scheme.combine == Combine.LEAD and not scheme.lead_disciplines:
        problems.append("Name the lead discipline for each area, or choose another way to combine opinions")
    return problems


def scheme_in_force(schemes: Iterable[Scheme], *, on: date) -> Scheme:
    """The scheme whose effective-from date is the latest on or before `on`."""
    in_force = [scheme for scheme in schemes if scheme.effective_from <= on]
    if not in_force:
        raise RasError(f"No RAS scheme was in force on {on:%-d %B %Y}")
    return max(in_force, key=lambda scheme: scheme.effective_from)


def check_opinion(scheme: Scheme, opinion: Opinion) -> None:
    if opinion.area not in AREAS:
        raise RasError("Choose an area of need", field="area")
    scheme.level(opinion.level)


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _combine(scheme: Scheme, area: str, opinions: list[Opinion]) -> tuple[int, str]:
    levels = [opinion.level for opinion in opinions]
    if scheme.combine == Combine.MEAN:
        mean = Decimal(sum(levels)) / len(levels)
        level = _round_half_up(mean)
        return (
            level,
            f"average of {', '.join(map(str, levels))} is {mean.normalize():f}, rounded to level {level}",
        )
    if scheme.combine == Combine.LEAD:
        lead = scheme.lead_disciplines.get(area)
        from_lead = [opinion.level for opinion in opinions if opinion.discipline == lead]
        if from_lead:
            level = max(from_lead)
            return level, f"level {level} from the lead discipline ({lead})"
    level = max(levels)
    how = (
        f"highest of {', '.join(map(str, levels))} is level {level}" if len(levels) > 1 else f"level {level}"
    )
    if scheme.combine == Combine.LEAD:
        how += " (the lead discipline gave no level, so the highest counts)"
    return level, how


def score(*, scheme: Scheme, opinions: Iterable[Opinion], setting_type: str = "") -> Result:
    """Compile the opinions into a profile, points and a suggested band, with every step explained."""
    by_area: dict[str, list[Opinion]] = {area: [] for area in AREAS}
    for opinion in opinions:
        check_opinion(scheme, opinion)
        by_area[opinion.area].append(opinion)
    profile = []
    for area in AREAS:
        given = by_area[area]
        if not given:
            profile.append(AreaScore(area, None, 0, False, (), False, "no specialist gave a level: 0 points"))
            continue
        level, how = _combine(scheme, area, given)
        weight = scheme.weights.get(area, 0)
        raw = level * weight
        cap = scheme.caps.get(area)
        points = min(raw, cap) if cap is not None else raw
        how += f", × {weight} = {raw} points"
        if points < raw:
            how += f", capped at {points}"
        spread = max(o.level for o in given) - min(o.level for o in given)
        profile.append(
            AreaScore(area, level, points, points < raw, tuple(given), spread > DISAGREEMENT_GAP, how)
        )
    total = sum(area_score.points for area_score in profile)
    band = None
    for candidate in sorted(scheme.bands, key=lambda b: b.min_points):
        if total >= candidate.min_points:
            band = candidate
    adjustment = Decimal(scheme.setting_adjustments.get(setting_type, Decimal(1)))
    amount = (
        (band.annual_amount * adjustment).quantize(Decimal(1), rounding=ROUND_HALF_UP) if band else Decimal(0)
    )
    return Result(
        scheme=scheme.name,
        effective_from=scheme.effective_from,
        combine=scheme.combine,
        profile=tuple(profile),
        points=total,
        band=band,
        setting_type=setting_type,
        adjustment=adjustment,
        amount=amount,
    )


# The defaults a council starts from, modelled on published schemes: five levels per area, sensory and physical,
# SEMH and cognition weighted ×4 and communication ×2, each area capped at its top score, and tariff bands.
DEFAULT_LEVELS = (
    Level(0, "No additional need", "Needs are met by what every school or setting ordinarily provides."),
    Level(1, "Low", "Needs are met with some adjustments and occasional targeted support."),
    Level(2, "Moderate", "Needs call for regular targeted support in small groups, planned and reviewed."),
    Level(
        3,
        "Significant",
        "Needs call for individual support for much of the day and specialist advice to plan it.",
    ),
    Level(
        4,
        "Severe and complex",
        "Needs call for individual specialist support throughout the day and often a specialist setting.",
    ),
)
DEFAULT_WEIGHTS = {COMMUNICATION: 2, COGNITION: 4, SEMH: 4, SENSORY_PHYSICAL: 4}
DEFAULT_CAPS = {COMMUNICATION: 8, COGNITION: 16, SEMH: 16, SENSORY_PHYSICAL: 16}
DEFAULT_BANDS = (
    Band("A", "A", 0, Decimal(0)),
    Band("B", "B", 8, Decimal(3000)),
    Band("C", "C", 16, Decimal(6000)),
    Band("D", "D", 24, Decimal(10000)),
    Band("E", "E", 32, Decimal(15000)),
    Band("F", "F", 40, Decimal(22000)),
)
DEFAULT_SETTING_ADJUSTMENTS = {
    "mainstream": Decimal(1),
    "resourced_provision": Decimal("0.8"),
    "special": Decimal("1.2"),
    "early_years": Decimal("0.9"),
    "post_16": Decimal(1),
}
