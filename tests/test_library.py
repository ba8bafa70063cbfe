"""The starter library in patterns/, and the seed entry it starts from."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result

from generator.library.link import link
from generator.library.load import load_library
from generator.library.score import score
from generator.library.validate import validate
from tests.conftest import ROOT, SEED_ENTRY

PATTERNS = ROOT / "patterns"


def test_starter_library_is_valid_without_warnings() -> None:
    library = load_library([PATTERNS])
    assert len(library.patterns) >= 8
    assert validate(library) == ()
    assert set(score(library)) == {p.key for p in library.patterns}


def test_starter_graph_is_connected_with_both_directions() -> None:
    library = load_library([PATTERNS])
    graph = link(library)
    assert graph.dangling == ()
    assert graph.missing_inverses == ()
    assert all(e.stated for e in graph.edges)
    neighbours: dict[str, set[str]] = {p.key: set() for p in library.patterns}
    for edge in graph.edges:
        neighbours[edge.source].add(edge.target)
    reached, todo = set(), ["land-and-expand"]
    while todo:
        key = todo.pop()
        if key not in reached:
            reached.add(key)
            todo.extend(neighbours[key])
    assert reached == set(neighbours)


def test_starter_patterns_cite_sources() -> None:
    for pattern in load_library([PATTERNS]).patterns:
        assert pattern.meta.get("sources"), pattern.key


def _front_matter(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert isinstance(data, dict)
    return data


def test_land_and_expand_keeps_the_seed_identity_and_scores() -> None:
    seed, ours = _front_matter(SEED_ENTRY), _front_matter(PATTERNS / "land-and-expand.md")
    for key in ("id", "slug", "title", "classification"):
        assert ours[key] == seed[key], key
    assessment = score(load_library([PATTERNS]))["land-and-expand"]
    assert [s.score for s in assessment.scores] == [4, 3, 4, 3, 4, 4, 3]
    assert (assessment.overall, assessment.alignment) == (3.6, 4)


def test_seed_entry_validates_as_is(tmp_path: Path, cli: Callable[..., Result]) -> None:
    shutil.copy(SEED_ENTRY, tmp_path / "land-and-expand.md")
    result = cli("validate", "--strict", "land-and-expand.md", cwd=tmp_path)
    assert (result.exit_code, result.output) == (0, "1 pattern, 0 errors, 0 warnings\n")
