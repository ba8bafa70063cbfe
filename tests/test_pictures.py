"""Pictures on pattern pages: the 7 Pillars radar over its group's median, the closest
profiles, and the neighbourhood graph, drawn at build time (generator/site/pictures.py).

What is drawn is read back from the markup (numbers, coordinates, links) and compared with
what Python computes from the library: the radar's values and median, the closest profiles by
brute force, the graph's nodes and its edges' kinds and directions.
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
import statistics
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from generator.library.link import link
from generator.library.model import RELATIONSHIPS, Assessment, Graph, Library, PillarScore
from generator.library.score import alignment_of, overall_of, rubric, score
from generator.site import pictures
from generator.site.render import SiteConfig, facet_slugs, pattern_page
from tests.browser import BROWSER_TESTS

SVG = "{http://www.w3.org/2000/svg}"
CONFIG = SiteConfig(site_name="Pictures")


def _page(pattern_key: str, library: Library, assessments: Mapping[str, Assessment],
          graph: Graph | None = None) -> str:
    graph = graph if graph is not None else link(library)
    return pattern_page(library.by_key[pattern_key], library, assessments, graph, CONFIG,
                        facet_slugs(library)).text


def _svg(text: str, cls: str) -> ET.Element | None:
    match = re.search(rf'<svg class="{cls}".*?</svg>', text, re.S)
    if match is None:
        return None
    return ET.fromstring(match.group(0).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def _assessment(scores: list[int]) -> Assessment:
    r = rubric()
    alignment = alignment_of(scores)
    return Assessment(
        scores=tuple(PillarScore(p.key, p.name, s, "why") for p, s in zip(r.pillars, scores,
                                                                           strict=True)),
        overall=overall_of(scores), alignment=alignment, level=r.levels[alignment],
        source="front-matter",
    )


def _clones(starter: Library, domains: list[str], links: Mapping[int, Mapping[str, list[int]]]
            | None = None) -> Library:
    """A library of len(domains) starter copies, clone n in domains[n], linked as `links`
    says ({n: {kind: [m, ...]}}), else not at all."""
    patterns = []
    for n, domain in enumerate(domains):
        source = starter.patterns[n % len(starter.patterns)]
        meta = dict(source.meta, title=f"Sample {n:03d}", id=f"pat_pic{n:05d}",
                    classification=dict(source.meta["classification"], domain=domain))
        for kind in RELATIONSHIPS:
            meta.pop(kind, None)
        for kind, targets in (links or {}).get(n, {}).items():
            meta[kind] = [f"clone-{m:03d}" for m in targets]
        patterns.append(dataclasses.replace(source, key=f"clone-{n:03d}",
                                            path=f"patterns/clone-{n:03d}.md", meta=meta))
    return Library(patterns=tuple(patterns), files=len(patterns))


def _random_scores(library: Library, seed: int) -> dict[str, Assessment]:
    rng = random.Random(seed)
    return {p.key: _assessment([rng.randint(1, 5) for _ in range(7)])
            for p in library.patterns}


# --- the radar ----------------------------------------------------------------------------


def _radar(text: str) -> tuple[list[float], list[float], str, str]:
    """The radar's drawn values (read from the polygons' points), its median's, its
    accessible name and its legend."""
    svg = _svg(text, "pl-pradar__svg")
    assert svg is not None
    cx, cy, radius = 230, 172, 110  # the axes' common point and length, from the axes drawn
    axes = svg.findall(f"{SVG}line")
    assert {(a.get("x1"), a.get("y1")) for a in axes} == {(str(cx), str(cy))}
    assert {round(math.hypot(float(a.get("x2", 0)) - cx, float(a.get("y2", 0)) - cy))
            for a in axes} == {radius}

    def values(cls: str) -> list[float]:
        polygon = svg.find(f"{SVG}polygon[@class='{cls}']")
        assert polygon is not None
        points = [tuple(map(float, p.split(","))) for p in polygon.get("points", "").split()]
        drawn = [round(math.hypot(x - cx, y - cy) / radius * 5, 1) for x, y in points]
        assert drawn == [float(v) for v in polygon.get("data-values", "").split()]
        return drawn

    title = svg.find(f"{SVG}title")
    assert title is not None
    assert title.text
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == title.get("id")
    legend = re.search(r'<ul class="pl-pradar__legend">(.*?)</ul>', text, re.S)
    assert legend is not None
    return (values("pl-radar__profile pl-pradar__profile"), values("pl-pradar__median"),
            title.text, re.sub(r"<[^>]+>", "", legend.group(1)))


def test_radar_draws_the_scores_over_the_median_of_the_domain(starter: Library) -> None:
    assessments = score(starter)
    pillars = rubric().pillars
    for key, assessment in assessments.items():
        own, median, name, legend = _radar(_page(key, starter, assessments))
        scores = [s.score for s in assessment.scores]
        expected = [statistics.median(a.scores[i].score for a in assessments.values())
                    for i in range(7)]
        assert own == scores
        assert median == expected
        # The text alternative gives the fourteen numbers; the labels show them too.
        assert ", ".join(f"{p.name} {s}" for p, s in zip(pillars, scores, strict=True)) in name
        assert ", ".join(f"{p.name} {m:g}" for p, m in zip(pillars, expected, strict=True)) \
            in name
        assert f"Median of startup ({len(assessments)} assessed)" in legend
        assert starter.by_key[key].title in legend


def test_radar_falls_back_to_the_library_median_for_a_small_domain(starter: Library) -> None:
    domains = ["alpha"] * 6 + ["beta"] * 4 + ["gamma"] * 5
    library = _clones(starter, domains)
    assessments = _random_scores(library, 1)
    del assessments["clone-014"]  # gamma: 4 assessed, fewer than 5
    by_domain: dict[str, list[Assessment]] = {}
    for n, domain in enumerate(domains):
        if f"clone-{n:03d}" in assessments:
            by_domain.setdefault(domain, []).append(assessments[f"clone-{n:03d}"])

    def median(group: list[Assessment]) -> list[float]:
        return [statistics.median(a.scores[i].score for a in group) for i in range(7)]

    everyone = list(assessments.values())
    for key, domain, expected, label in [
        ("clone-000", "alpha", median(by_domain["alpha"]), "Median of alpha (6 assessed)"),
        ("clone-006", "beta", median(everyone), "Median of the library (14 assessed)"),
        ("clone-010", "gamma", median(everyone), "Median of the library (14 assessed)"),
    ]:
        own, drawn, name, legend = _radar(_page(key, library, assessments))
        assert own == [s.score for s in assessments[key].scores], domain
        assert drawn == expected, domain
        assert label in legend, domain
        assert label.lower()[:20] in name.lower(), domain
    assert any(m % 1 for m in median(by_domain["alpha"]))  # halves are drawn as halves
    assert "pl-pradar" not in _page("clone-014", library, assessments)  # not assessed


def test_figures_follow_new_assessments(starter: Library) -> None:
    """`patternlib serve` makes a new assessments mapping after an edit: the pictures take
    it, though the library's figures are kept between pages."""
    assessments = dict(score(starter))
    graph = link(starter)
    before, _, _, _ = _radar(_page("land-and-expand", starter, assessments, graph))
    edited = dict(assessments, **{"land-and-expand": _assessment([1, 2, 3, 4, 5, 1, 2])})
    after, median, _, _ = _radar(_page("land-and-expand", starter, edited, graph))
    assert after == [1, 2, 3, 4, 5, 1, 2] != before
    assert median == [statistics.median(a.scores[i].score for a in edited.values())
                      for i in range(7)]


# --- similar profiles ---------------------------------------------------------------------


def test_similar_profiles_are_the_closest_by_the_calculators_distance(
        starter: Library) -> None:
    library = _clones(starter, ["alpha"] * 120)
    assessments = _random_scores(library, 7)
    del assessments["clone-003"]
    titles = {p.key: p.title for p in library.patterns}
    for key in ["clone-000", "clone-001", "clone-050", "clone-119"]:
        own = [s.score for s in assessments[key].scores]
        brute = sorted(
            (math.sqrt(sum((a - s.score) ** 2 for a, s in zip(own, other.scores, strict=True))),
             titles[k].casefold(), k)
            for k, other in assessments.items() if k != key
        )[:5]
        text = _page(key, library, assessments)
        listed = re.search(r'<ol class="pl-similar__list" data-testid="similar">(.*?)</ol>',
                           text, re.S)
        assert listed is not None
        items = re.findall(r'<a href="\.\./([^/"]+)/">([^<]+)</a> <span class="pl-similar__'
                           r'figures">overall ([\d.]+) · distance ([\d.]+)</span>',
                           listed.group(1))
        assert [k for k, *_ in items] == [k for _, _, k in brute]
        assert [float(d) for *_, d in items] == [round(d, 2) for d, _, _ in brute]
        assert [o for _, _, o, _ in items] == [f"{assessments[k].overall:.1f}"
                                              for _, _, k in brute]


def test_similar_profiles_break_ties_by_title_then_key(starter: Library) -> None:
    library = _clones(starter, ["alpha"] * 9)
    same = _assessment([3] * 7)
    assessments = {p.key: same for p in library.patterns}
    found = pictures.Profiles(library, assessments).similar("clone-004")
    assert [p.key for p, _ in found] == ["clone-000", "clone-001", "clone-002", "clone-003",
                                         "clone-005"]
    assert {d for _, d in found} == {0.0}


# --- the neighbourhood graph --------------------------------------------------------------


def _graph(text: str, key: str) -> tuple[list[str], set[tuple[str, str, str]]]:
    """The nodes a page's neighbourhood graph links to, and its edges as (source, kind,
    target), each end found as the node nearest to it."""
    svg = _svg(text, "pl-nb__svg")
    assert svg is not None
    nodes: dict[str, tuple[float, float]] = {}
    for a in svg.iter(f"{SVG}a"):
        circle, title = a.find(f"{SVG}circle"), a.find(f"{SVG}title")
        label = a.find(f"{SVG}text")
        assert circle is not None
        assert title is not None
        assert label is not None
        assert title.text
        assert label.text
        assert label.text == title.text or (label.text.endswith("…")
                                            and title.text.startswith(label.text[:-1]))
        match = re.fullmatch(r"\.\./([^/]+)/", a.get("href", ""))
        assert match is not None
        nodes[match.group(1)] = (float(circle.get("cx", 0)), float(circle.get("cy", 0)))
    centre = svg.find(f"{SVG}g[@class='pl-nb__centre']/{SVG}circle")
    assert centre is not None
    places = {**nodes, key: (float(centre.get("cx", 0)), float(centre.get("cy", 0)))}

    def nearest(x: float, y: float) -> str:
        return min(places, key=lambda k: math.hypot(places[k][0] - x, places[k][1] - y))

    edges = set()
    for line in svg.iter(f"{SVG}line"):
        kind = line.get("class", "").removeprefix("pl-nb-")
        assert line.get("marker-end") == f"url(#pl-nb-m-{kind})"
        x1, y1, x2, y2 = (float(line.get(c, 0)) for c in ("x1", "y1", "x2", "y2"))
        edges.add((nearest(x1, y1), kind, nearest(x2, y2)))
    return list(nodes), edges


def test_graph_nodes_and_edges_are_the_patterns_links(starter: Library) -> None:
    assessments = score(starter)
    graph = link(starter)
    for pattern in starter.patterns:
        text = _page(pattern.key, starter, assessments, graph)
        nodes, edges = _graph(text, pattern.key)
        assert sorted(nodes) == sorted({e.target for e in graph.edges_from(pattern.key)})
        assert edges == {(e.source, e.kind, e.target) for e in graph.edges
                         if e.stated and pattern.key in (e.source, e.target)}
        # The legend names every kind drawn, the figure stands first in Relationships.
        legend = re.search(r'<ul class="pl-nb__legend">(.*?)</ul>', text, re.S)
        assert legend is not None
        assert sorted(re.findall(r"</svg> ([a-z ]+)</li>", legend.group(1))) == sorted(
            {pictures.KIND_NAMES[k] for _, k, _ in edges})
        assert re.search(r'<h2 id="relationships">Relationships</h2>\n<figure class="pl-nb"',
                         text)
        assert "more not shown" not in text


def test_graph_of_a_hub_shows_the_40_most_connected(starter: Library) -> None:
    """Clone 0 is related to clones 1-60 (enables 5 of them, requires one); clone n links
    to n % 13 of clones 61-79, so neighbours differ in degree; clone 80 links to none."""
    count = 81
    links: dict[int, dict[str, list[int]]] = {0: {"related": list(range(1, 61)),
                                                  "enables": [2, 4, 6, 8, 10],
                                                  "requires": [12]}}
    for n in range(1, 61):
        links[n] = {"related": [61 + (n + m) % 19 for m in range(n % 13)]}
    library = _clones(starter, ["alpha"] * count, links)
    graph = link(library)
    assessments = score(library)
    degree = {p.key: len({e.target for e in graph.edges_from(p.key)}) for p in library.patterns}
    neighbours = {e.target for e in graph.edges_from("clone-000")}
    assert len(neighbours) == 60
    title = {p.key: p.title for p in library.patterns}
    expected = sorted(neighbours, key=lambda k: (-degree[k], title[k].casefold(), k))[:40]
    text = _page("clone-000", library, assessments, graph)
    nodes, edges = _graph(text, "clone-000")
    assert sorted(nodes) == sorted(expected)
    assert edges == {(e.source, e.kind, e.target) for e in graph.edges
                     if e.stated and "clone-000" in (e.source, e.target)
                     and {e.source, e.target} & set(expected)}
    assert re.search(r'<a href="#rel-[a-z-]+">20 more not shown</a>', text)
    # Drawn in order of kind (enables first, then requires, related), then title: the
    # first half on the right, top to bottom, then the left.
    kind = {k: 2 if k in {"clone-002", "clone-004", "clone-006", "clone-008", "clone-010"}
            else 3 if k == "clone-012" else 4 for k in expected}
    assert nodes == sorted(expected, key=lambda k: (kind[k], title[k]))
    # A pattern with no relationships has no graph; neither has one with only dangling ones.
    assert "pl-nb" not in _page("clone-080", library, assessments, graph)
    lonely = _clones(starter, ["alpha"] * 2, {0: {"related": [5]}})
    assert "pl-nb" not in _page("clone-000", lonely, score(lonely))


def test_pictures_are_deterministic(starter: Library) -> None:
    library = _clones(starter, ["alpha"] * 30, {0: {"related": list(range(1, 20))},
                                               3: {"enables": [0, 4]}})
    assessments = _random_scores(library, 3)
    pages = [[_page(p.key, library, assessments) for p in library.patterns] for _ in range(2)]
    pictures._PROFILES = pictures._GRAPH = None  # as a fresh worker sees it
    pages.append([_page(p.key, library, assessments) for p in library.patterns])
    assert pages[0] == pages[1] == pages[2]
    # Compact: coordinates to one decimal, no style attributes.
    text = "".join(pages[0])
    assert not re.search(r'="-?\d+\.\d\d', text)
    assert not re.search(r"<(?:line|circle|text|polygon|a)\b[^>]* style=", text)


# --- in the browser -------------------------------------------------------------------------


@BROWSER_TESTS
def test_radar_and_graph_on_a_pattern_page(page: Page, base_url: str) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        page.goto(base_url + "patterns/land-and-expand/")
        radar = page.locator("figure.pl-pradar svg")
        expect(radar).to_be_visible()
        expect(page.get_by_role("img", name=re.compile(r"^7 Pillars profile of Land and "
                                                       r"Expand: Purpose 4"))).to_be_visible()
        assert radar.bounding_box()["width"] > 200  # type: ignore[index]
        expect(page.locator("[data-testid=similar] li")).to_have_count(5)
        graph = page.locator("svg.pl-nb__svg")
        expect(graph).to_be_visible()
        assert graph.bounding_box()["width"] > 400  # type: ignore[index]
        result = Axe().run(page)
        serious = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
                   for v in result.response["violations"] if v["impact"] in ("serious",
                                                                            "critical")]
        assert serious == [], scheme
    node = page.locator("svg.pl-nb__svg a", has_text="Use-Case Stairway")
    node.click()
    expect(page).to_have_url(base_url + "patterns/use-case-stairway/")
    expect(page.locator("h1")).to_have_text("Use-Case Stairway")

