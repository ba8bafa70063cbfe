"""Pictures on pattern pages, drawn at build time as inline SVG: the 7 Pillars radar with its
group's median behind it, the closest profiles, and the pattern's neighbourhood graph.

Library-wide figures (medians, profiles, degrees, edges by target) are computed once per
library and kept for the mapping or graph they came from (`profiles`, `graph_index`): forked
build workers reuse what they computed for their first page, and `patternlib serve`, which
makes new mappings after an edit, gets new figures.
"""

from __future__ import annotations

import heapq
import html
import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.library.model import RELATIONSHIPS, Assessment, Edge, Graph, Library, Pattern
from generator.library.score import rubric

# A domain with fewer assessed patterns than this is compared with the whole library.
MIN_GROUP = 5
SIMILAR = 5
# A neighbourhood graph shows at most this many neighbours, the most connected.
MAX_NEIGHBOURS = 40
TITLE_CHARS = 28


def _n(value: float) -> str:
    """A coordinate to one decimal, without a trailing `.0`: compact SVG."""
    text = f"{value:.1f}"
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


def figure(value: float) -> str:
    """A score or median as shown: `3`, `3.5`."""
    return f"{value:g}"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# --- profiles: medians and closest profiles --------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """An assessed pattern's seven scores, as the pictures compare them."""

    key: str
    title: str
    scores: tuple[int, ...]
    overall: float


@dataclass(frozen=True)
class Median:
    """The median profile a radar draws behind a pattern's own."""

    label: str  # "Median of startup (12 assessed)", "Median of the library (465 assessed)"
    values: tuple[float, ...]
    count: int


def domain_of(pattern: Pattern) -> str:
    """Return the pattern's classification.domain, or "" when it has none."""
    classification = pattern.meta.get("classification")
    value = classification.get("domain") if isinstance(classification, dict) else None
    return value if isinstance(value, str) else ""


def _median(profiles: Sequence[Profile]) -> tuple[float, ...]:
    return tuple(
        float(statistics.median(p.scores[i] for p in profiles))
        for i in range(len(profiles[0].scores))
    )


class Profiles:
    """Every assessed pattern's profile, the medians by domain and of the library."""

    def __init__(self, library: Library, assessments: Mapping[str, Assessment]) -> None:
        self.by_key: dict[str, Profile] = {}
        domains: dict[str, list[Profile]] = {}
        self.domain: dict[str, str] = {}
        for pattern in library.patterns:
            assessment = assessments.get(pattern.key)
            if assessment is None or pattern.key in self.by_key:
                continue
            profile = Profile(pattern.key, pattern.title,
                              tuple(s.score for s in assessment.scores), assessment.overall)
            self.by_key[pattern.key] = profile
            self.domain[pattern.key] = domain_of(pattern)
            domains.setdefault(self.domain[pattern.key], []).append(profile)
        # Ties go by title, then key: sorted so once, a page's search compares distances.
        self._ordered = sorted(self.by_key.values(), key=lambda p: (p.title.casefold(), p.key))
        everyone = list(self.by_key.values())
        self._library = Median(f"Median of the library ({len(everyone):,} assessed)",
                               _median(everyone), len(everyone)) if everyone else None
        self._domains = {
            name: Median(f"Median of {name} ({len(group):,} assessed)", _median(group),
                         len(group))
            for name, group in sorted(domains.items())
            if name and len(group) >= MIN_GROUP
        }

    def median_for(self, key: str) -> Median:
        """Return the median of the pattern's domain, or of the library when the domain has
        fewer than MIN_GROUP assessed patterns (or the pattern has no domain)."""
        found = self._domains.get(self.domain.get(key, ""))
        if found is not None:
            return found
        assert self._library is not None, "no assessed pattern"
        return self._library

    def similar(self, key: str, count: int = SIMILAR) -> list[tuple[Profile, float]]:
        """Return the `count` other assessed patterns closest to this one's scores, with
        their distance (the calculator's: Euclidean over the seven); ties by title, key."""
        own = self.by_key[key].scores
        # math.dist is the same formula, in C; equal sums of squares give equal distances.
        ranked = heapq.nsmallest(count, (
            (math.dist(own, p.scores), n) for n, p in enumerate(self._ordered) if p.key != key
        ))
        return [(self._ordered[n], d) for d, n in ranked]


# The last libraries' figures, kept with the very mappings they were computed from (held
# here, so that their ids are not reused by other objects while cached).
_PROFILES: tuple[Library, Mapping[str, Assessment], Profiles] | None = None


def profiles(library: Library, assessments: Mapping[str, Assessment]) -> Profiles:
    """Return the Profiles of this library and these assessments, computed once."""
    global _PROFILES
    cached = _PROFILES
    if cached is not None and cached[0] is library and cached[1] is assessments:
        return cached[2]
    found = Profiles(library, assessments)
    _PROFILES = (library, assessments, found)
    return found


# --- the radar --------------------------------------------------------------------------------

_CX, _CY, _RADIUS = 230, 172, 110
_MAXIMUM = 5


def _point(i: int, n: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * i / n
    r = _RADIUS * value / _MAXIMUM
    return _CX + r * math.cos(angle), _CY + r * math.sin(angle)


def _polygon(values: Sequence[float]) -> str:
    n = len(values)
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in (_point(i, n, v) for i, v in enumerate(values)))


def radar_svg(title: str, scores: Sequence[int], median: Median) -> str:
    """Return the radar of a pattern's seven scores over its group's median, as inline SVG
    whose accessible name gives every number."""
    pillars = rubric().pillars
    n = len(pillars)
    own = ", ".join(f"{p.name} {s}" for p, s in zip(pillars, scores, strict=True))
    behind = ", ".join(f"{p.name} {figure(m)}" for p, m in zip(pillars, median.values,
                                                                  strict=True))
    name = (f"7 Pillars profile of {title}: {own}. Behind it, the "
            f"{median.label[0].lower()}{median.label[1:]}: {behind}.")
    out = [f'<svg class="pl-pradar__svg" viewBox="0 0 460 340" role="img" '
           f'aria-labelledby="pl-pradar-title"><title id="pl-pradar-title">{_e(name)}</title>']
    out += [f'<polygon class="pl-radar__ring" points="{_polygon([ring] * n)}"/>'
            for ring in range(1, _MAXIMUM + 1)]
    for i in range(n):
        x, y = _point(i, n, _MAXIMUM)
        out.append(f'<line class="pl-radar__axis" x1="{_CX}" y1="{_CY}" x2="{_n(x)}" '
                   f'y2="{_n(y)}"/>')
    out.append(f'<polygon class="pl-pradar__median" points="{_polygon(median.values)}" '
               f'data-values="{" ".join(figure(m) for m in median.values)}"/>')
    out.append(f'<polygon class="pl-radar__profile pl-pradar__profile" '
               f'points="{_polygon(scores)}" data-values="{" ".join(map(str, scores))}"/>')
    for i, (pillar, value, middle) in enumerate(zip(pillars, scores, median.values,
                                                    strict=True)):
        x, y = _point(i, n, _MAXIMUM * 1.16)
        anchor = "middle" if abs(x - _CX) < 8 else "start" if x > _CX else "end"
        # Two lines (name and score, then the median): above the point on the upper axes,
        # below it on the lower ones, around it on the sides.
        top = y - 30 if y < _CY - 0.6 * _RADIUS else y + 14 if y > _CY + 0.6 * _RADIUS \
            else y - 6
        out.append(
            f'<text class="pl-pradar__label" x="{_n(x)}" y="{_n(top)}" text-anchor="{anchor}">'
            f'{_e(pillar.name)} <tspan class="pl-pradar__value">{value}</tspan>'
            f'<tspan class="pl-pradar__mvalue" x="{_n(x)}" dy="16">median {figure(middle)}'
            f'</tspan></text>')
    out.append("</svg>")
    return "".join(out)


# --- the neighbourhood graph ----------------------------------------------------------------


class GraphIndex:
    """What neighbourhood graphs need of the whole graph: each pattern's stated edges
    arriving, and its degree (how many patterns it links to or is linked from)."""

    def __init__(self, graph: Graph) -> None:
        into: dict[str, list[Edge]] = {}
        neighbours: dict[str, set[str]] = {}
        for edge in graph.edges:
            if edge.stated:
                into.setdefault(edge.target, []).append(edge)
            if edge.source != edge.target:
                neighbours.setdefault(edge.source, set()).add(edge.target)
        self.into = {key: tuple(edges) for key, edges in into.items()}
        self.degree = {key: len(found) for key, found in neighbours.items()}


_GRAPH: tuple[Graph, GraphIndex] | None = None


def graph_index(graph: Graph) -> GraphIndex:
    """Return the GraphIndex of this graph, computed once."""
    global _GRAPH
    cached = _GRAPH
    if cached is not None and cached[0] is graph:
        return cached[1]
    found = GraphIndex(graph)
    _GRAPH = (graph, found)
    return found


KIND_NAMES: Mapping[str, str] = {
    "generalizes_from": "generalizes from",
    "specializes_to": "specializes to",
    "enables": "enables",
    "requires": "requires",
    "related": "related",
}
_KIND_ORDER = {kind: n for n, kind in enumerate(RELATIONSHIPS)}


@dataclass(frozen=True)
class Neighbourhood:
    """The neighbours a pattern's graph shows, in drawing order, and its stated edges."""

    shown: tuple[Pattern, ...]
    hidden: int  # neighbours left out (past MAX_NEIGHBOURS)
    edges: tuple[Edge, ...]  # stated edges between the pattern and a shown neighbour


def neighbourhood(pattern: Pattern, library: Library, graph: Graph) -> Neighbourhood:
    """Return what the pattern's neighbourhood graph draws: the patterns it links to or is
    linked from (the MAX_NEIGHBOURS most connected, by degree then title), ordered by the
    first kind of their links, then title."""
    index = graph_index(graph)
    key = pattern.key
    stated = [e for e in graph.edges_from(key) if e.stated and e.target != key]
    stated += [e for e in index.into.get(key, ()) if e.source != key]
    others = {e.target for e in graph.edges_from(key) if e.target != key}
    by_key = library.by_key
    if len(others) > MAX_NEIGHBOURS:
        kept = sorted(others, key=lambda k: (-index.degree.get(k, 0),
                                             by_key[k].title.casefold(), k))[:MAX_NEIGHBOURS]
    else:
        kept = list(others)
    first_kind: dict[str, int] = {}
    for edge in stated:
        other = edge.target if edge.source == key else edge.source
        first_kind[other] = min(first_kind.get(other, 99), _KIND_ORDER[edge.kind])
    shown = sorted(kept, key=lambda k: (first_kind.get(k, 99), by_key[k].title.casefold(), k))
    keep = set(shown)
    edges = sorted(e for e in stated if (e.target if e.source == key else e.source) in keep)
    return Neighbourhood(tuple(by_key[k] for k in shown), len(others) - len(kept),
                         tuple(edges))


def _short(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


_ROW = 24  # px between neighbours in a column
_NODE, _CENTRE = 5, 9  # circle radii


def neighbourhood_svg(
    pattern: Pattern, library: Library, graph: Graph, href: Callable[[str], str],
    more_href: str,
) -> str:
    """Return the pattern's neighbourhood graph as an HTML figure with inline SVG, or "" for
    a pattern without relationships.

    `href(key)` gives the link to a pattern's page; `more_href` where the lists are (for a
    graph that leaves neighbours out). The neighbours stand in two arcs either side of the
    pattern, evenly spaced down (labels never overlap), in drawing order.
    """
    found = neighbourhood(pattern, library, graph)
    if not found.shown:
        return ""
    count = len(found.shown)
    right = (count + 1) // 2
    columns = [found.shown[:right], found.shown[right:]]
    rows = max(len(c) for c in columns)
    step = max(_ROW, min(60, 240 / rows))  # few neighbours: spread out
    height = max(rows * step + 40, 160)
    cx, cy, reach, bulge = 400, height / 2, 60, 120
    place: dict[str, tuple[float, float, int]] = {}
    for side, column in zip((1, -1), columns, strict=True):
        half = (len(column) - 1) / 2
        for row, other in enumerate(column):
            dy = (row - half) * step
            # x on an ellipse through the column's ends: a circle, stretched to fit the rows.
            spread = (half + 1) * step
            x = cx + side * (reach + bulge * math.sqrt(max(0.0, 1 - (dy / spread) ** 2)))
            place[other.key] = (x, cy + dy, side)
    kinds = sorted({e.kind for e in found.edges}, key=_KIND_ORDER.__getitem__)
    out = [f'<figure class="pl-nb" data-pagefind-ignore>'
           f'<svg class="pl-nb__svg" viewBox="0 0 800 {_n(height)}" role="group" '
           f'aria-labelledby="pl-nb-caption"><defs>']
    # Arrowheads in stroke-width units (the default), one per kind for its colour.
    out += [f'<marker id="pl-nb-m-{kind}" class="pl-nb-{kind}" markerWidth="5" '
            f'markerHeight="5" refX="5" refY="2.5" orient="auto"><path d="M0,0L5,2.5L0,5z"/>'
            f'</marker>' for kind in kinds]
    pairs: dict[str, list[Edge]] = {}
    for edge in found.edges:
        pairs.setdefault(edge.target if edge.source == pattern.key else edge.source,
                         []).append(edge)
    out.append('</defs><g class="pl-nb__edges">')
    for other in found.shown:
        x, y, _ = place[other.key]
        length = math.hypot(x - cx, y - cy)
        ux, uy = (x - cx) / length, (y - cy) / length
        edges = pairs.get(other.key, [])
        for n, edge in enumerate(edges):
            shift = (n - (len(edges) - 1) / 2) * 4  # parallel edges side by side
            ox, oy = -uy * shift, ux * shift
            ends = [(cx + ux * (_CENTRE + 1) + ox, cy + uy * (_CENTRE + 1) + oy),
                    (x - ux * (_NODE + 1) + ox, y - uy * (_NODE + 1) + oy)]
            (x1, y1), (x2, y2) = ends if edge.source == pattern.key else ends[::-1]
            out.append(
                f'<line class="pl-nb-{edge.kind}" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" '
                f'y2="{_n(y2)}" marker-end="url(#pl-nb-m-{edge.kind})"/>')
    out.append("</g>")
    for side in (1, -1):
        out.append(f'<g class="pl-nb__nodes pl-nb__nodes--{"right" if side > 0 else "left"}">')
        for other in found.shown:
            x, y, at = place[other.key]
            if at == side:
                out.append(
                    f'<a href="{_e(href(other.key))}"><title>{_e(other.title)}</title>'
                    f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_NODE}"/><text '
                    f'x="{_n(x + side * (_NODE + 5))}" y="{_n(y + 4)}">{_e(_short(other.title))}'
                    f'</text></a>')
        out.append("</g>")
    out.append(
        f'<g class="pl-nb__centre"><title>{_e(pattern.title)}</title>'
        f'<circle cx="{cx}" cy="{_n(cy)}" r="{_CENTRE}"/><text x="{cx}" y="{_n(cy + 24)}">'
        f'{_e(_short(pattern.title))}</text></g></svg>')
    people = "pattern" if count == 1 else "patterns"
    out.append(
        f'<figcaption id="pl-nb-caption">{_e(pattern.title)} and the {count:,} {people} it '
        f'links to or is linked from; arrows point the way each link is stated.'
        + (f' <a href="{_e(more_href)}">{found.hidden:,} more not shown</a> (the '
           f'{MAX_NEIGHBOURS} most connected are).' if found.hidden else "")
        + '<ul class="pl-nb__legend">' + "".join(
            f'<li><svg class="pl-nb__key" viewBox="0 0 36 10" aria-hidden="true">'
            f'<line class="pl-nb-{kind}" x1="1" y1="5" x2="30" y2="5" '
            f'marker-end="url(#pl-nb-m-{kind})"/></svg> {KIND_NAMES[kind]}</li>'
            for kind in kinds)
        + '</ul></figcaption></figure>')
    return "".join(out)


def similar_items(
    found: Profiles, key: str, href: Callable[[str], str],
) -> list[dict[str, Any]]:
    """Return the similar profiles of a pattern as a template shows them."""
    return [
        {"title": p.title, "href": href(p.key), "overall": f"{p.overall:.1f}",
         "distance": f"{d:.2f}"}
        for p, d in found.similar(key)
    ]
