"""Score stage: the 7 Pillars profile of each pattern, its overall figure and alignment level."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from generator.library.model import Assessment, Library, Pattern, PillarScore, PillarTable, Problem
from generator.library.suggest import did_you_mean

# An installed package holds the schema as generator/schema; a source checkout as schema/.
_PACKAGE = Path(__file__).resolve().parent
# Installed, the schema ships as generator/schema; in a source checkout it is schema/ at the top.
SCHEMA_DIR = (
    _PACKAGE.parent / "schema"
    if (_PACKAGE.parent / "schema").is_dir()
    else _PACKAGE.parent.parent / "schema"
)
PILLARS_FILE = SCHEMA_DIR / "pillars.json"


@dataclass(frozen=True)
class Pillar:
    """One of the 7 Pillars, as defined in `schema/pillars.json`."""

    key: str
    name: str
    question: str
    low: str
    high: str


@dataclass(frozen=True)
class Rubric:
    """The pillars and the named alignment levels (one definition, shared with the site)."""

    pillars: tuple[Pillar, ...]
    levels: Mapping[int, str]
    minimum: int
    maximum: int


@cache
def rubric() -> Rubric:
    """Read the pillars and alignment levels from `schema/pillars.json`."""
    data = json.loads(PILLARS_FILE.read_text(encoding="utf-8"))
    return Rubric(
        pillars=tuple(
            Pillar(p["key"], p["name"], p["question"], p["low"], p["high"])
            for p in data["pillars"]
        ),
        levels={level["value"]: level["name"] for level in data["levels"]},
        minimum=data["scale"]["min"],
        maximum=data["scale"]["max"],
    )


def overall_of(scores: list[int]) -> float:
    """Return the mean of the scores rounded to one decimal, halves up (25/7 -> 3.6)."""
    return math.floor(Fraction(sum(scores) * 10, len(scores)) + Fraction(1, 2)) / 10


def alignment_of(scores: list[int]) -> int:
    """Return the mean of the scores rounded to a whole number, halves up (25/7 -> 4)."""
    return math.floor(Fraction(sum(scores), len(scores)) + Fraction(1, 2))


def score(library: Library) -> Mapping[str, Assessment]:
    """Assess every pattern that has a complete, valid profile, by pattern key."""
    out: dict[str, Assessment] = {}
    for pattern in library.patterns:
        assessment, _ = assess(pattern)
        if assessment is not None:
            out[pattern.key] = assessment
    return out


def assess(pattern: Pattern) -> tuple[Assessment | None, list[Problem]]:
    """Read a pattern's pillar scores (body table or front matter) and check them."""
    block = pattern.meta.get("pillars")
    problems: list[Problem] = []
    if block is not None:
        if pattern.table is not None:
            line, col = pattern.where(("pillars",), key=True)
            problems.append(Problem(
                pattern.path, line, col, "pillars-twice", "error", "pillars",
                f"pillar scores are given twice: here and in the '7 Pillars Assessment' table "
                f"at line {pattern.table.line}; keep one",
            ))
        assessment = _from_block(block)
    elif pattern.table is not None and not _unscored(pattern.table):
        assessment = _from_table(pattern, problems)
    elif pattern.table is not None:
        problems.append(Problem(
            pattern.path, pattern.table.line, 1, "not-assessed", "warning", "",
            "not yet assessed: the 7 Pillars Assessment table has no scores yet; score each "
            "pillar and say why",
        ))
        return None, problems
    else:
        problems.append(Problem(
            pattern.path, pattern.content_line, 1, "not-assessed", "warning", "",
            "not yet assessed: add a '7 Pillars Assessment' table to the body "
            "or a `pillars` block to the front matter",
        ))
        return None, problems
    if assessment is not None:
        problems.extend(_check_alignment(pattern, assessment))
    return assessment, problems


def _make(values: list[tuple[Pillar, int, str]], source: Any) -> Assessment:
    scores = [value for _, value, _ in values]
    alignment = alignment_of(scores)
    return Assessment(
        scores=tuple(PillarScore(p.key, p.name, value, why) for p, value, why in values),
        overall=overall_of(scores),
        alignment=alignment,
        level=rubric().levels[alignment],
        source=source,
    )


def _from_block(block: object) -> Assessment | None:
    # The schema reports what is wrong with the block; only a complete, valid one scores.
    if not isinstance(block, dict):
        return None
    values = []
    for pillar in rubric().pillars:
        entry = block.get(pillar.key)
        if not isinstance(entry, dict):
            return None
        value, why = entry.get("score"), entry.get("rationale")
        if not isinstance(value, int) or not _in_range(value):
            return None
        if not isinstance(why, str) or not why.strip():
            return None
        values.append((pillar, value, why.strip()))
    return _make(values, "front-matter")


def _in_range(value: object) -> bool:
    r = rubric()
    return isinstance(value, int) and not isinstance(value, bool) and (
        r.minimum <= value <= r.maximum
    )


def _plain(cell: str) -> str:
    # Emphasis around the cell's text is dropped (cells hold one line, already stripped).
    # `\|` is how a Markdown table cell holds a pipe; the rationale is the text, without it.
    return cell.strip("*_`").strip().replace("\\|", "|")


def _unscored(table: PillarTable) -> bool:
    """Tell whether a table is still a blank template: rows, but not one cell filled in."""
    cells = [cell for row in table.rows for cell in row.cells[1:]]
    return bool(table.rows) and not any(_plain(cell) for cell in cells)


def _from_table(pattern: Pattern, problems: list[Problem]) -> Assessment | None:
    assert pattern.table is not None
    r = rubric()
    by_name = {p.name.lower(): p for p in r.pillars}
    found: dict[str, tuple[Pillar, int, str]] = {}
    valid = True
    stated: tuple[str, int, int] | None = None

    def report(line: int, col: int, rule: str, field: str, message: str) -> None:
        problems.append(Problem(pattern.path, line, col, rule, "error", field, message))

    for row in pattern.table.rows:
        cells = [*row.cells, "", ""]
        cols = [*row.cols, row.cols[-1] if row.cols else 1, row.cols[-1] if row.cols else 1]
        name = _plain(cells[0])
        if name.lower() == "overall":
            stated = (_plain(cells[1]), row.line, cols[1])
            continue
        pillar = by_name.get(name.lower())
        if pillar is None:
            hint = did_you_mean(name, [p.name for p in r.pillars])
            report(row.line, cols[0], "pillar-unknown", "pillars",
                   f"'{name}' is not one of the 7 Pillars{hint}")
            valid = False
            continue
        field = f"pillars.{pillar.key}"
        if pillar.key in found:
            report(row.line, cols[0], "pillar-duplicate", field,
                   f"{pillar.name} is scored twice")
            continue
        text = _plain(cells[1])
        value = int(text) if re.fullmatch(r"\d+", text) else None
        if value is None or not _in_range(value):
            what = "is not a whole number" if value is None else "is out of range"
            report(row.line, cols[1], "pillar-score", field,
                   f"{pillar.name} score '{text}' {what}: scores are whole numbers "
                   f"{r.minimum}-{r.maximum}")
            valid = False
            continue
        why = _plain(cells[2])
        if not why:
            report(row.line, cols[2], "pillar-rationale", field,
                   f"{pillar.name} has a score but no rationale: say why in the third column")
            valid = False
        found[pillar.key] = (pillar, value, why)
    missing = [p.name for p in r.pillars if p.key not in found]
    if missing and valid:
        report(pattern.table.line, 1, "pillar-missing", "pillars",
               f"the 7 Pillars Assessment table has no row for {', '.join(missing)}")
    if missing or not valid:
        return None
    assessment = _make([found[p.key] for p in r.pillars], "table")
    if stated is not None:
        text, line, col = stated
        try:
            agrees = float(text) == assessment.overall
        except ValueError:
            agrees = False
        if not agrees:
            total = sum(s.score for s in assessment.scores)
            report(line, col, "overall-mismatch", "pillars.overall",
                   f"stated Overall is {text or 'empty'} but the mean of the seven scores is "
                   f"{assessment.overall} ({total}/{len(assessment.scores)})")
    return assessment


def _check_alignment(pattern: Pattern, assessment: Assessment) -> list[Problem]:
    classification = pattern.meta.get("classification")
    if not isinstance(classification, dict):
        return []
    stated = classification.get("commons_alignment")
    if stated is None or isinstance(stated, bool) or not isinstance(stated, int | float):
        return []
    if stated == assessment.alignment:
        return []
    line, col = pattern.where(("classification", "commons_alignment"))
    total = sum(s.score for s in assessment.scores)
    return [Problem(
        pattern.path, line, col, "alignment-mismatch", "error",
        "classification.commons_alignment",
        f"commons_alignment is {stated} but the pillar scores give {assessment.alignment} "
        f"(mean {total}/{len(assessment.scores)} = {assessment.overall})",
    )]
