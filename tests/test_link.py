"""Linking: ids and slugs resolve, inverse edges are filled in, dangling targets kept."""

from __future__ import annotations

from pathlib import Path

from generator.library.link import link
from generator.library.load import load_library
from generator.library.model import DanglingRef, Edge
from tests.conftest import Edit


def test_edges_resolve_ids_and_slugs_and_fill_inverses(library: Path) -> None:
    graph = link(load_library([library]))
    assert graph.edges_from("alpha") == (
        Edge("alpha", "enables", "gamma", stated=True, index=0),
        Edge("alpha", "related", "gamma", stated=True, index=0),
        Edge("alpha", "specializes_to", "beta", stated=True, index=0),
    )
    # beta names alpha by id; gamma states both inverses itself.
    assert graph.edges_from("beta") == (
        Edge("beta", "generalizes_from", "alpha", stated=True, index=0),
    )
    assert graph.dangling == ()
    assert graph.missing_inverses == ()


def test_missing_inverse_is_inferred_and_reported(library: Path, edit: Edit) -> None:
    edit("gamma.md", "related: [alpha]", "related: []")
    graph = link(load_library([library]))
    assert Edge("gamma", "related", "alpha", stated=False) in graph.edges_from("gamma")
    assert graph.missing_inverses == (Edge("alpha", "related", "gamma", stated=True, index=0),)


def test_dangling_targets_are_kept_as_data(library: Path, edit: Edit) -> None:
    edit("beta.md", "related: []", "related: [nowhere, pat_ffffffffffffffff]")
    graph = link(load_library([library]))
    assert graph.dangling == (
        DanglingRef("beta", "related", 0, "nowhere"),
        DanglingRef("beta", "related", 1, "pat_ffffffffffffffff"),
    )
    assert all(e.target in {"alpha", "beta", "gamma"} for e in graph.edges)


def test_in_order_sorts_as_the_dataclass_comparisons_do() -> None:
    # in_order reads each item's fields once; the order must be the one sorted() gives.
    import random

    from generator.library.model import DanglingRef, Edge, Problem, in_order

    rng = random.Random(7)
    words = ["a", "b", "ab", "B", ""]
    problems = [
        Problem(rng.choice(words), rng.randint(1, 3), rng.randint(1, 3), rng.choice(words),
                rng.choice(["error", "warning"]), rng.choice(words), rng.choice(words))
        for _ in range(2000)
    ]
    edges = [Edge(rng.choice(words), rng.choice(words), rng.choice(words),
                  rng.random() < 0.5, rng.randint(-1, 2)) for _ in range(2000)]
    dangling = [DanglingRef(rng.choice(words), rng.choice(words), rng.randint(0, 2),
                            rng.choice(words)) for _ in range(2000)]
    for items in (problems, edges, dangling):
        assert in_order(items) == sorted(items)
        assert [id(x) for x in in_order(items)] == [id(x) for x in sorted(items)]  # stable too
    assert in_order([]) == []
