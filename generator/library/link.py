"""Link stage: resolve relationship targets and fill in the inverse edges."""

from __future__ import annotations

from collections.abc import Mapping

from generator.library.model import (
    INVERSE,
    RELATIONSHIPS,
    DanglingRef,
    Edge,
    Graph,
    Library,
    in_order,
)


def resolver(library: Library) -> Mapping[str, str]:
    """Map every id and slug in the library to its pattern's key (the first file wins)."""
    index: dict[str, str] = {}
    for pattern in library.patterns:
        for name in (pattern.key, pattern.slug, pattern.id):
            if name:
                index.setdefault(name, pattern.key)
    return index


def link(library: Library) -> Graph:
    """Build the relationship graph: stated edges, inferred inverses, dangling targets."""
    index = resolver(library)
    stated: dict[tuple[str, str, str], Edge] = {}
    dangling: list[DanglingRef] = []
    for pattern in library.patterns:
        for kind in RELATIONSHIPS:
            targets = pattern.meta.get(kind)
            if not isinstance(targets, list):
                continue
            for position, raw in enumerate(targets):
                if not isinstance(raw, str):
                    continue  # the schema reports it
                target = index.get(raw)
                if target is None:
                    dangling.append(DanglingRef(pattern.key, kind, position, raw))
                else:
                    stated.setdefault(
                        (pattern.key, kind, target),
                        Edge(pattern.key, kind, target, stated=True, index=position),
                    )
    inferred = {
        (edge.target, INVERSE[edge.kind], edge.source): Edge(
            edge.target, INVERSE[edge.kind], edge.source, stated=False
        )
        for edge in stated.values()
    }
    edges = list(stated.values()) + [e for k, e in inferred.items() if k not in stated]
    return Graph(edges=tuple(in_order(edges)), dangling=tuple(in_order(dangling)))
