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
