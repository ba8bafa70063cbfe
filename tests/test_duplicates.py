"""Near-duplicate warnings: titles, aliases and summaries that say the same thing."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from rapidfuzz import fuzz

from generator.library import duplicates
from generator.library.duplicates import near_duplicates
from generator.library.load import load_library
from generator.library.model import Library, Pattern
from tests.conftest import ROOT, VALID_LIBRARY, Edit

Cli = Callable[..., Result]


def _pattern(key: str, title: str, aliases: list[str] | None = None, summary: str = "",
             related: list[str] | None = None) -> Pattern:
    meta = {"id": f"pat_{key:0<8}", "slug": key, "title": title, "aliases": aliases or [],
            "summary": summary, "related": related or []}
    return Pattern(path=f"patterns/{key}.md", key=key, meta=meta, body="", body_line=1,
                   positions={})


def _pairs(*patterns: Pattern) -> set[tuple[str, str]]:
    found = near_duplicates(Library(patterns=tuple(sorted(patterns, key=lambda p: p.key))))
    return {(p.path.split("/")[1][:-3], p.message.split(" of patterns/")[1].split(".md")[0])
            for p in found if " of patterns/" in p.message}


def test_warns_both_patterns_naming_the_other(library: Path, edit: Edit, cli: Cli) -> None:
    (library / "delta.md").write_text(
        (library / "beta.md").read_text(encoding="utf-8")
        .replace("pat_bbbbbbbbbbbbbbbbbbbbbbbb", "pat_dddddddddddddddddddddddd")
        .replace("slug: beta", "slug: delta").replace("title: Beta", "title: Zero-Knowledge Proofs")
        .replace("generalizes_from: [pat_aaaaaaaaaaaaaaaaaaaaaaaa]", "generalizes_from: []"),
        encoding="utf-8",
    )
    edit("alpha.md", "title: Alpha", "title: Zero Knowledge Proofs (ZKP)")
    result = cli("validate", "--changed-only", "patterns/delta.md", cwd=library.parent)
    assert result.output.splitlines() == [
        "patterns/delta.md:3:8: warning[near-duplicate] title: 'Zero-Knowledge Proofs' is 100% "
        "similar to the title 'Zero Knowledge Proofs (ZKP)' (as 'Zero Knowledge Proofs') of "
        "patterns/alpha.md: merge them if they are one pattern, or say how they differ and "
        "link them (e.g. under related)",
        "1 pattern, 0 errors, 1 warning",
    ]
    full = cli("validate", cwd=library.parent)
    assert full.output.count("warning[near-duplicate]") == 2  # one on each side


def test_alias_matching_a_title() -> None:
    assert _pairs(
        _pattern("a", "Lighthouse Customer"),
        _pattern("b", "Radiating Reference", aliases=["lighthouse customers"]),
    ) == {("a", "b"), ("b", "a")}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Design Thinking", "Life Design Thinking"),  # a word more: a specialisation
        ("B-Corporation", "C-Corporation"),
        ("Waiting as Practice", "Walking as Practice"),
        ("Land and Expand", "Land, Colonize and Expand"),
    ],
)
def test_titles_that_differ_by_a_word_are_left_alone(first: str, second: str) -> None:
    assert _pairs(_pattern("a", first), _pattern("b", second)) == set()


def test_two_aliases_alone_are_not_compared() -> None:
    assert _pairs(_pattern("a", "Alpha", aliases=["Lean"]),
                  _pattern("b", "Beta", aliases=["Lean"])) == set()


def test_linked_patterns_are_not_flagged() -> None:
    assert _pairs(_pattern("a", "Kanban"), _pattern("b", "Kanban", related=["a"])) == set()


def test_summaries_sharing_most_words() -> None:
    text = "Grow revenue inside an account by proving value on one small problem first"
    found = near_duplicates(Library(patterns=(
        _pattern("a", "Alpha", summary=text),
        _pattern("b", "Beta", summary=text.replace("small", "narrow")),
    )))
    assert [p.field for p in found] == ["summary", "summary"]
    assert "shares 82% of its words with the summary of patterns/b.md ('Beta')" in \
        found[0].message


def test_changed_only_looks_at_given_patterns() -> None:
    library = Library(patterns=(
        _pattern("a", "Kanban"), _pattern("b", "Kanban"), _pattern("c", "Scrum"),
        _pattern("d", "Scrum"),
    ))
    found = near_duplicates(library, among={"patterns/a.md"})
    assert sorted(p.path for p in found) == ["patterns/a.md", "patterns/b.md"]


def test_index_finds_what_comparing_every_pair_finds() -> None:
    rng = random.Random(4)
    vocabulary = ["land", "expand", "design", "thinking", "team", "ritual", "rituals",
                  "organisation", "organization", "data", "mesh", "commons", "journal",
                  "journaling", "of", "the", "policy", "policies", "life"]
    patterns = [
        _pattern(f"p{i}", " ".join(rng.sample(vocabulary, rng.randint(1, 4))),
                 aliases=[" ".join(rng.sample(vocabulary, 2))])
        for i in range(150)
    ]
    names = [n for i, p in enumerate(patterns) for n in duplicates._names(p, i)]
    expected = set()
    for a, b in itertools.combinations(names, 2):
        if a.owner == b.owner or not (a.title or b.title):
            continue
        short, long = (a, b) if len(a.words) <= len(b.words) else (b, a)
        if fuzz.ratio(" ".join(a.words), " ".join(b.words)) >= duplicates.NAME_CUTOFF \
                and duplicates._alike(short, long):
            expected.add((min(a.owner, b.owner), max(a.owner, b.owner)))
    found = {(min(a.owner, b.owner), max(a.owner, b.owner))
             for a, b, _ in duplicates._similar_names(tuple(patterns), list(range(150)))}
    assert found == expected
    assert len(expected) > 20


@pytest.mark.parametrize("folder", [ROOT / "patterns", VALID_LIBRARY])
def test_starter_and_fixture_libraries_have_none(folder: Path) -> None:
    assert near_duplicates(load_library([folder])) == []


def test_starter_library_is_strictly_clean(cli: Cli) -> None:
    result = cli("validate", "--strict", "patterns", cwd=ROOT)
    assert result.exit_code == 0, result.output
