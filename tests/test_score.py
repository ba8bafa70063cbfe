"""Scoring: overall and alignment as defined, levels from the one shared definition."""

from __future__ import annotations

import itertools
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from generator.library.load import load_library
from generator.library.score import PILLARS_FILE, alignment_of, overall_of, rubric, score
from generator.library.validate import schema


def test_seed_figures() -> None:
    scores = [4, 3, 4, 3, 4, 4, 3]
    assert overall_of(scores) == 3.6
    assert alignment_of(scores) == 4


def test_every_profile_rounds_like_decimal_half_up() -> None:
    for scores in itertools.product(range(1, 6), repeat=7):
        mean = Decimal(sum(scores)) / 7
        assert overall_of(list(scores)) == float(mean.quantize(Decimal("0.1"), ROUND_HALF_UP))
        assert alignment_of(list(scores)) == int(mean.quantize(Decimal("1"), ROUND_HALF_UP))


def test_levels_and_pillars_come_from_the_shared_file() -> None:
    data = json.loads(PILLARS_FILE.read_text(encoding="utf-8"))
    r = rubric()
    assert [p.name for p in r.pillars] == [
        "Purpose", "Governance", "Culture", "Incentives", "Knowledge", "Technology", "Resilience"
    ]
    assert sorted(r.levels) == [1, 2, 3, 4, 5]
    assert r.levels == {level["value"]: level["name"] for level in data["levels"]}
    # The schema's front-matter block names the same pillars.
    block = schema()["properties"]["pillars"]
    assert list(block["properties"]) == [p.key for p in r.pillars]
    assert block["required"] == [p.key for p in r.pillars]


def test_score_reads_tables_and_front_matter_blocks(library: Path) -> None:
    assessments = score(load_library([library]))
    alpha, gamma = assessments["alpha"], assessments["gamma"]
    assert (alpha.source, alpha.overall, alpha.alignment) == ("table", 3.6, 4)
    assert alpha.level == rubric().levels[4]
    assert [s.score for s in alpha.scores] == [4, 3, 4, 3, 4, 4, 3]
    assert alpha.scores[0].rationale == "Serves everyone who runs the tests."
    assert (gamma.source, gamma.overall, gamma.alignment) == ("front-matter", 4.4, 4)
    assert gamma.scores[6].rationale == "No single point of failure: spread out."


def test_invalid_profiles_are_not_scored(library: Path) -> None:
    path = library / "alpha.md"
    path.write_text(path.read_text().replace("| Governance | 3 |", "| Governance | 9 |"))
    assert "alpha" not in score(load_library([library]))
