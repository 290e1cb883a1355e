"""RAS scoring with worked examples: each way of combining opinions, caps, bands, settings, schemes over time."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from advice import ras
from advice.ras import COGNITION, COMMUNICATION, SEMH, SENSORY_PHYSICAL, Combine, Opinion

SCHEME = ras.Scheme(
    name="Riverside RAS 2026",
    effective_from=date(2026, 4, 1),
    levels=ras.DEFAULT_LEVELS,
    weights=ras.DEFAULT_WEIGHTS,
    caps=ras.DEFAULT_CAPS,
    bands=ras.DEFAULT_BANDS,
    lead_disciplines={
        COMMUNICATION: "speech_and_language",
        COGNITION: "educational_psychology",
        SEMH: "educational_psychology",
        SENSORY_PHYSICAL: "occupational_therapy",
    },
    setting_adjustments=ras.DEFAULT_SETTING_ADJUSTMENTS,
)
EP, SALT, OT = "educational_psychology", "speech_and_language", "occupational_therapy"

# The EP and the SALT disagree about communication by two levels; the OT scores sensory and physical.
OPINIONS = [
    Opinion(COMMUNICATION, 4, SALT, "Speech therapist", "advice:2"),
    Opinion(COMMUNICATION, 2, EP, "Psychologist", "advice:1"),
    Opinion(COGNITION, 3, EP, "Psychologist", "advice:1"),
    Opinion(SEMH, 2, EP, "Psychologist", "advice:1"),
    Opinion(SEMH, 3, SALT, "Speech therapist", "advice:2"),
    Opinion(SENSORY_PHYSICAL, 1, OT, "Occupational therapist", "advice:3"),
]


def by_area(result):
    return {score.area: score for score in result.profile}


def test_highest_takes_the_highest_level_in_each_area():
    result = ras.score(scheme=SCHEME, opinions=OPINIONS, setting_type="mainstream")
    areas = by_area(result)
    # communication 4 × 2 = 8; cognition 3 × 4 = 12; SEMH 3 × 4 = 12; sensory/physical 1 × 4 = 4: 36 points.
    assert [areas[a].level for a in ras.AREAS] == [4, 3, 3, 1]
    assert [areas[a].points for a in ras.AREAS] == [8, 12, 12, 4]
    assert result.points == 36
    assert result.band.code == "E"
    assert result.amount == Decimal(15000)


def test_mean_rounds_halves_up():
    result = ras.score(
        scheme=replace(SCHEME, combine=Combine.MEAN), opinions=OPINIONS, setting_type="mainstream"
    )
    areas = by_area(result)
    # communication (4 + 2) / 2 = 3; SEMH (2 + 3) / 2 = 2.5, rounded up to 3.
    assert areas[COMMUNICATION].level == 3
    assert areas[SEMH].level == 3
    assert "average of 2, 3 is 2.5, rounded to level 3" in areas[SEMH].how
    # 3 × 2 + 3 × 4 + 3 × 4 + 1 × 4 = 34: band E still.
    assert result.points == 34
    assert result.band.code == "E"


def test_lead_discipline_counts_and_falls_back_to_the_highest_when_the_lead_said_nothing():
    scheme = replace(SCHEME, combine=Combine.LEAD)
    opinions = [o for o in OPINIONS if o.area != SENSORY_PHYSICAL] + [Opinion(SENSORY_PHYSICAL, 2, EP)]
    areas = by_area(ras.score(scheme=scheme, opinions=opinions))
    assert areas[COMMUNICATION].level == 4  # the SALT leads on communication
    assert areas[SEMH].level == 2  # the EP leads on SEMH, though the SALT said 3
    assert areas[SENSORY_PHYSICAL].level == 2  # no OT opinion: the highest given counts
    assert "lead discipline gave no level" in areas[SENSORY_PHYSICAL].how


def test_caps_limit_an_area_and_say_so():
    scheme = replace(SCHEME, caps={**ras.DEFAULT_CAPS, COGNITION: 10})
    areas = by_area(ras.score(scheme=scheme, opinions=OPINIONS))
    assert areas[COGNITION].points == 10
    assert areas[COGNITION].capped is True
    assert areas[COGNITION].how.endswith("= 12 points, capped at 10")


def test_disagreements_of_more_than_one_level_are_shown():
    result = ras.score(scheme=SCHEME, opinions=OPINIONS)
    assert [score.area for score in result.disagreements] == [COMMUNICATION]


def test_an_area_nobody_scored_counts_zero_and_says_why():
    result = ras.score(scheme=SCHEME, opinions=[Opinion(COGNITION, 2, EP)])
    areas = by_area(result)
    assert areas[SEMH].level is None
    assert areas[SEMH].points == 0
    assert result.points == 8
    assert result.band.code == "B"


def test_setting_adjusts_the_amount_not_the_band():
    result = ras.score(scheme=SCHEME, opinions=OPINIONS, setting_type="resourced_provision")
    assert result.band.code == "E"
    assert result.amount == Decimal(12000)
    assert "× 0.8 = £12,000 a year" in result.explanation()[-1]


def test_a_level_outside_the_scale_is_refused_with_the_scale():
    with pytest.raises(ras.RasError, match="between 0 and 4") as refused:
        ras.score(scheme=SCHEME, opinions=[Opinion(COGNITION, 5, EP)])
    assert refused.value.field == "level"


def test_the_scheme_in_force_on_the_day_scores_the_case():
    newer = replace(
        SCHEME,
        name="Riverside RAS 2027",
        effective_from=date(2027, 4, 1),
        bands=tuple(replace(b, annual_amount=b.annual_amount + 500) for b in ras.DEFAULT_BANDS),
    )
    schemes = [SCHEME, newer]
    assert ras.scheme_in_force(schemes, on=date(2027, 3, 31)).name == "Riverside RAS 2026"
    assert ras.scheme_in_force(schemes, on=date(2027, 4, 1)).name == "Riverside RAS 2027"
    later = ras.score(scheme=ras.scheme_in_force(schemes, on=date(2027, 5, 1)), opinions=OPINIONS)
    assert later.amount == Decimal(15500)
    with pytest.raises(ras.RasError, match="No RAS scheme was in force on 31 March 2026"):
        ras.scheme_in_force(schemes, on=date(2026, 3, 31))


def test_explanation_walks_from_levels_to_band():
    lines = ras.score(scheme=SCHEME, opinions=OPINIONS, setting_type="mainstream").explanation()
    assert lines[0] == "Scored with Riverside RAS 2026 (in force from 1 April 2026)."
    assert lines[1] == "Communication and interaction: highest of 4, 2 is level 4, × 2 = 8 points"
    assert lines[-2] == "Total: 36 points."
    assert lines[-1] == "Band E: from 32 points, £15,000 a year."


def test_a_scheme_with_faults_is_explained_before_it_is_saved():
    broken = replace(
        SCHEME,
        levels=(ras.Level(0, "None", ""), ras.Level(0, "Also none", "x")),
        bands=(ras.Band("B", "B", 8, Decimal(1)), ras.Band("A", "A", 0, Decimal(-1))),
        weights={**ras.DEFAULT_WEIGHTS, "maths": 2},
        combine=Combine.LEAD,
        lead_disciplines={},
    )
    problems = ras.validate_scheme(broken)
    assert "Each level on the scale must have a different number" in problems
    assert "Every level needs a descriptor, so that everyone scores the same way" in problems
    assert "Bands must start at increasing numbers of points" in problems
    assert "A band's annual amount cannot be negative" in problems
    assert "Weights name areas of need that do not exist: maths" in problems
    assert any("lead discipline" in p for p in problems)
    assert ras.validate_scheme(SCHEME) == []
