"""The library graph (`/graph/`): every pattern and stated relationship, drawn in the browser
with sigma (WebGL) from a compact file made for it, at positions computed here.

`api/graph-view.json` holds, column by column in title order (explore's order), what drawing,
filtering and the side panel need: titles, slugs (left out when the title gives them),
domain and category as indexes into value tables, the alignment level, the layout's x and y,
and the edges as one flat list of (source index, target index, kind code) triples.

Edges are the relationships patterns state (17,226 on the corpus). The inverses the link stage
infers join the same two patterns again in the other direction, so they are left out: each
link is drawn once. Targets not in the library are left out and counted (`dangling`).

The layout is deterministic and cheap (a force layout over 17,000 edges is not, in Python):
each domain's patterns sit on a sunflower spiral, the most connected in the middle, and the
domains' discs are packed around the largest one, in order of size.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Mapping, Sequence

from generator.library.model import RELATIONSHIPS, Assessment, Graph, Library, Pattern
from generator.library.score import rubric
from generator.site.explore import ordered, slug_of_title
from generator.site.render import Output, _dump, _env, _values

DATA_PATH = "api/graph-view.json"
FORMAT = 1  # bumped when the file changes shape
SPACING = 10.0  # between neighbouring nodes of a domain's spiral, in layout units
GAP = 2 * SPACING  # between two domains' discs
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
NO_DOMAIN = ""  # the group of patterns without a domain


def primary_domain(pattern: Pattern) -> str:
    """Return the domain a pattern is placed and coloured by: the first it names."""
    values = _values(pattern, "domain")
    return values[0] if values else NO_DOMAIN


def stated_edges(library: Library, graph: Graph) -> list[tuple[int, int, int]]:
    """Return the stated edges as (source, target, kind) indexes into `ordered(library)` and
    RELATIONSHIPS, sorted."""
    position = {p.key: i for i, p in enumerate(ordered(library))}
    kinds = {kind: i for i, kind in enumerate(RELATIONSHIPS)}
    return sorted(
        (position[e.source], position[e.target], kinds[e.kind]) for e in graph.edges if e.stated
    )


def layout(library: Library, graph: Graph) -> list[tuple[int, int]]:
    """Return each pattern's position, in `ordered(library)`'s order (integers, y up)."""
    patterns = ordered(library)
    degree: Counter[int] = Counter()
    for source, target, _ in stated_edges(library, graph):
        degree[source] += 1
        degree[target] += 1
    groups: dict[str, list[int]] = {}
    for i, pattern in enumerate(patterns):
        groups.setdefault(primary_domain(pattern), []).append(i)
    # Largest domain first (the middle), then by name; the pattern-less group last.
    order = sorted(groups, key=lambda d: (d == NO_DOMAIN, -len(groups[d]), d))
    placed: list[tuple[float, float, float]] = []  # centre x, y and radius of each disc
    positions: list[tuple[int, int]] = [(0, 0)] * len(patterns)
    start = 0.0
    for domain in order:
        members = sorted(groups[domain], key=lambda i: (-degree[i], i))
        radius = SPACING * math.sqrt(len(members) + 0.5)
        cx, cy, start = _free_spot(placed, radius, start)
        placed.append((cx, cy, radius))
        for n, i in enumerate(members):
            r = SPACING * math.sqrt(n + 0.5)
            angle = n * GOLDEN_ANGLE
            positions[i] = (round(cx + r * math.cos(angle)), round(cy + r * math.sin(angle)))
    return positions


def _free_spot(
    placed: Sequence[tuple[float, float, float]], radius: float, start: float
) -> tuple[float, float, float]:
    """Return the first point on an outward spiral, from a turn before `start` (where the
    previous disc went), at which a disc of `radius` overlaps none; and where it is on it."""
    if not placed:
        return 0.0, 0.0, 0.0
    step = max(SPACING / 2, radius / 3)  # finer for smaller discs, which fit smaller gaps
    t = max(0.0, start - 2 * math.pi)
    while True:
        # An Archimedean spiral whose turns are SPACING apart, walked `step` at a time, or by
        # the overlap found: a point moves no farther than the arc walked, so none of the
        # points skipped can be free of the disc that overlaps.
        r = SPACING * t / (2 * math.pi)
        x, y = r * math.cos(t), r * math.sin(t)
        overlap = max(radius + pr + GAP - math.hypot(x - px, y - py) for px, py, pr in placed)
        if overlap <= 0:
            return x, y, t
        t += max(step, overlap) / max(r, step)


def graph_view(
    library: Library, assessments: Mapping[str, Assessment], graph: Graph
) -> str:
    """Render `api/graph-view.json`: what the graph page draws, filters and links to."""
    patterns = ordered(library)
    domains = sorted({v for p in patterns for v in _values(p, "domain")})
    categories = sorted({v for p in patterns for v in _values(p, "category")})
    positions = layout(library, graph)
    edges = stated_edges(library, graph)
    return _dump({
        "format": FORMAT,
        "domains": domains,
        "categories": categories,
        "levels": {str(value): name for value, name in rubric().levels.items()},
        "kinds": list(RELATIONSHIPS),
        "dangling": len(graph.dangling),
        # One entry per pattern in each column, in title order.
        "t": [p.title for p in patterns],
        "k": ["" if p.title.isascii() and slug_of_title(p.title) == p.key else p.key
              for p in patterns],
        "d": [_indexes(p, "domain", domains) for p in patterns],  # the first is the colour
        "c": [_indexes(p, "category", categories) for p in patterns],
        "a": [a.alignment if (a := assessments.get(p.key)) else 0 for p in patterns],
        "x": [x for x, _ in positions],
        "y": [y for _, y in positions],
        "e": [n for edge in edges for n in edge],  # source, target, kind; source, ...
    })


def _indexes(pattern: Pattern, field: str, table: Sequence[str]) -> int | list[int]:
    """A pattern's values of `field` as indexes into `table` (sorted), in the pattern's
    order; a single value is not in a list."""
    found = list(dict.fromkeys(bisect.bisect_left(table, v) for v in _values(pattern, field)))
    return found[0] if len(found) == 1 else found


def graph_files(
    library: Library, assessments: Mapping[str, Assessment], graph: Graph
) -> list[Output]:
    """Render the graph page's data file."""
    return [Output(DATA_PATH, graph_view(library, assessments, graph))]


def graph_page(library: Library, graph: Graph) -> Output:
    """Render the graph page; sigma draws it in the browser from DATA_PATH."""
    edges = sum(1 for e in graph.edges if e.stated)
    return Output("graph.md", _env().get_template("graph.md.j2").render(
        base="../", data=DATA_PATH, patterns=len(library.patterns), edges=edges,
        dangling=len(graph.dangling),
    ))
