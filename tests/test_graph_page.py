"""The library graph (/graph/): its compact data file, its layout, and the page in Chromium.

The data holds the stated relationships only (an inferred inverse would draw the same link a
second time); dangling targets are left out and counted on the page. The browser tests use the
starter site (the session's `site`) and, for the filters and the dangling count, a small
library of two domains built here. Chromium runs with --disable-gpu: WebGL is SwiftShader's.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from generator.library.link import link
from generator.library.load import load_library
from generator.library.model import RELATIONSHIPS, Library
from generator.library.score import score
from generator.site import graphview
from generator.site.build import build
from generator.site.explore import ordered
from generator.site.render import _values
from tests.browser import BROWSER_TESTS, new_context, serve
from tests.conftest import ROOT

READY = "#pl-graph[data-ready]"
# Moved to a second domain in the two-domain library; one of them links to a missing pattern.
MOVED = ("customer-success-architect", "radiating-reference-customer", "use-case-stairway")
MISSING = "no-such-pattern"


def _view(library: Library) -> dict:
    graph = link(library)
    return json.loads(graphview.graph_view(library, score(library), graph))


def _as_list(value: int | list[int]) -> list[int]:
    return value if isinstance(value, list) else [value]


def _two_domains(root: Path) -> Path:
    """The starter library with MOVED in domain `platform`, and one dangling target."""
    (root / "patterns").mkdir(parents=True)
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for source in sorted((ROOT / "patterns").glob("*.md")):
        text = source.read_text(encoding="utf-8")
        if source.stem in MOVED:
            text = text.replace("  domain: startup\n", "  domain: platform\n", 1)
        if source.stem == MOVED[0]:
            text = re.sub(r"(?m)^related: \[(.*)\]$",
                          lambda m: f"related: [{m[1]}{', ' if m[1] else ''}{MISSING}]", text)
        (root / "patterns" / source.name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _two_domains(tmp_path_factory.mktemp("graph") / "lib")


# --- the data ---------------------------------------------------------------------------------


def test_nodes_are_the_patterns_in_title_order(starter: Library) -> None:
    view = _view(starter)
    patterns = ordered(starter)
    assert view["t"] == [p.title for p in patterns]
    slugs = [k or graphview.slug_of_title(t) for k, t in zip(view["k"], view["t"], strict=True)]
    assert slugs == [p.key for p in patterns]
    for column in ("d", "c", "a", "x", "y"):
        assert len(view[column]) == len(patterns)


def test_edges_are_the_stated_relationships(starter: Library) -> None:
    graph = link(starter)
    view = _view(starter)
    keys = [p.key for p in ordered(starter)]
    e = view["e"]
    found = {(keys[e[i]], view["kinds"][e[i + 2]], keys[e[i + 1]]) for i in range(0, len(e), 3)}
    stated = {(x.source, x.kind, x.target) for x in graph.edges if x.stated}
    assert found == stated
    assert len(e) == 3 * len(stated) == 3 * 22
    assert view["kinds"] == list(RELATIONSHIPS)


def test_inferred_inverses_are_left_out(tmp_path: Path) -> None:
    library = _synthetic(tmp_path, {"a": 3})  # p001 and p002 each state one `related`
    graph = link(library)
    assert len(graph.edges) == 4
    assert _view(library)["e"] == [1, 0, RELATIONSHIPS.index("related"),
                                   2, 1, RELATIONSHIPS.index("related")]


def test_facets_and_levels_index_the_tables(starter: Library) -> None:
    view = _view(starter)
    assessments = score(starter)
    for pattern, d, c, a in zip(ordered(starter), view["d"], view["c"], view["a"], strict=True):
        assert [view["domains"][i] for i in _as_list(d)] == _values(pattern, "domain")
        assert [view["categories"][i] for i in _as_list(c)] == _values(pattern, "category")
        assessment = assessments.get(pattern.key)
        assert a == (assessment.alignment if assessment else 0)


def test_dangling_targets_are_left_out_and_counted(mixed: Path) -> None:
    library = load_library([mixed / "patterns"], root=mixed)
    graph = link(library)
    assert len(graph.dangling) == 1
    view = _view(library)
    assert view["dangling"] == 1
    assert max(view["e"][i] for i in range(0, len(view["e"]), 3)) < len(library.patterns)
    page = graphview.graph_page(library, graph).text
    assert "1 link to patterns not in this library is left out." in page
    starter_page = graphview.graph_page(load_library([ROOT / "patterns"], root=ROOT),
                                        link(load_library([ROOT / "patterns"], root=ROOT))).text
    assert "8 patterns and 22 relationships" in starter_page
    assert "left out" not in starter_page


def _synthetic(root: Path, domains: dict[str, int]) -> Library:
    folder = root / "patterns"
    folder.mkdir(parents=True)
    n = 0
    for domain, size in domains.items():
        for i in range(size):
            related = f"[p{n - 1:03d}]" if i else "[]"
            (folder / f"p{n:03d}.md").write_text(
                f"---\ntitle: Pattern {n:03d}\nslug: p{n:03d}\nclassification:\n"
                f"  domain: {domain}\n  category: [c{i % 3}]\nrelated: {related}\n---\nBody.\n",
                encoding="utf-8",
            )
            n += 1
    return load_library([folder], root=root)


def test_layout_keeps_domains_apart_and_is_deterministic(tmp_path: Path) -> None:
    sizes = {"a": 120, "b": 60, "c": 30, "d": 30, "e": 7, "f": 1}
    library = _synthetic(tmp_path, sizes)
    graph = link(library)
    positions = graphview.layout(library, graph)
    assert positions == graphview.layout(library, graph)
    assert len(set(positions)) == len(positions)  # no two patterns on one spot
    by_domain: dict[str, list[tuple[int, int]]] = {}
    for pattern, xy in zip(ordered(library), positions, strict=True):
        by_domain.setdefault(graphview.primary_domain(pattern), []).append(xy)
    discs = {}
    for domain, points in by_domain.items():
        cx = sum(x for x, _ in points) / len(points)
        cy = sum(y for _, y in points) / len(points)
        discs[domain] = (cx, cy, max(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 for x, y in points))
    names = sorted(discs)
    for i, one in enumerate(names):
        for other in names[i + 1 :]:
            (x1, y1, r1), (x2, y2, r2) = discs[one], discs[other]
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 > r1 + r2, (one, other)
    text = graphview.graph_view(library, score(library), graph)
    assert text == graphview.graph_view(library, score(library), graph)


def test_the_page_loads_the_vendored_libraries_from_the_site() -> None:
    page = graphview.graph_page(load_library([ROOT / "patterns"], root=ROOT),
                                link(load_library([ROOT / "patterns"], root=ROOT))).text
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == [
        "../assets/patternlib/vendor/graphology/graphology.umd.min.js",
        "../assets/patternlib/vendor/sigma/sigma.min.js",
        "../assets/patternlib/graph.js",
    ]
    vendor = ROOT / "generator" / "site" / "assets" / "vendor"
    for name in ("graphology", "sigma"):
        assert (vendor / name / "LICENSE.txt").is_file()
        readme = (vendor / name / "README.txt").read_text(encoding="utf-8")
        assert "integrity (package-lock): sha512-" in readme


# --- in Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_url(mixed: Path) -> Iterator[str]:
    with serve(build(mixed, keep_going=True).site) as url:
        yield url


def _open(page: Page, url: str) -> None:
    page.goto(url + "graph/")
    page.locator(READY).wait_for()


def _drawn_pixels(page: Page) -> int:
    """Count the pixels of the graph's canvas that differ from its top-left corner, from a
    screenshot (what a reader sees), decoded by the browser."""
    png = base64.b64encode(page.locator("#pl-graph-canvas").screenshot()).decode()
    return page.evaluate(
        """async (png) => {
          const image = new Image();
          image.src = "data:image/png;base64," + png;
          await image.decode();
          const canvas = document.createElement("canvas");
          canvas.width = image.width; canvas.height = image.height;
          const context = canvas.getContext("2d");
          context.drawImage(image, 0, 0);
          const d = context.getImageData(0, 0, image.width, image.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) {
            const far = Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1])
              + Math.abs(d[i + 2] - d[2]);
            if (far > 30) n++;
          }
          return n;
        }""",
        png,
    )


@BROWSER_TESTS
def test_graph_draws_every_pattern(page: Page, base_url: str, starter: Library) -> None:
    _open(page, base_url)
    graph = page.locator("#pl-graph")
    expect(graph).to_have_attribute("data-ready", str(len(starter.patterns)))
    expect(graph).to_have_attribute("data-visible", str(len(starter.patterns)))
    assert page.locator("#pl-graph-canvas canvas").count() >= 2  # sigma's WebGL layers
    assert page.evaluate("() => !!document.createElement('canvas').getContext('webgl2')")
    assert _drawn_pixels(page) > 500
    expect(page.get_by_test_id("graph-summary")).to_contain_text(
        "8 patterns and 22 relationships")
    expect(page.get_by_test_id("graph-legend")).to_contain_text("startup")


@BROWSER_TESTS
def test_searching_a_title_selects_that_pattern(page: Page, base_url: str) -> None:
    _open(page, base_url)
    page.get_by_label("Find a pattern").fill("use-case stair")
    page.get_by_label("Find a pattern").press("Enter")
    expect(page.locator("#pl-graph")).to_have_attribute("data-selected", "use-case-stairway")
    selected = page.get_by_test_id("graph-selected")
    expect(selected).to_be_visible()
    selected.get_by_role("link", name="Use-Case Stairway").click()
    expect(page).to_have_url(base_url + "patterns/use-case-stairway/")


@BROWSER_TESTS
def test_clicking_a_node_opens_its_pattern(page: Page, base_url: str) -> None:
    _open(page, base_url)
    page.wait_for_timeout(200)  # the camera's first framing
    point = page.evaluate(
        """(slug) => {
          const g = document.getElementById("pl-graph").patternlibGraph;
          const a = g.graph.getNodeAttributes(slug);
          return g.renderer.graphToViewport({ x: a.x, y: a.y });
        }""",
        "land-and-expand",
    )
    box = page.locator("#pl-graph-canvas").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    expect(page).to_have_url(base_url + "patterns/land-and-expand/")


@BROWSER_TESTS
def test_a_domain_filter_hides_the_other_domains(page: Page, mixed_url: str,
                                                 mixed: Path) -> None:
    library = load_library([mixed / "patterns"], root=mixed)
    _open(page, mixed_url)
    graph = page.locator("#pl-graph")
    expect(graph).to_have_attribute("data-visible", str(len(library.patterns)))
    in_platform = sum(1 for p in library.patterns if "platform" in _values(p, "domain"))
    assert in_platform == len(MOVED)
    page.get_by_role("combobox", name="Domain").select_option(label=f"platform ({in_platform})")
    expect(graph).to_have_attribute("data-visible", str(in_platform))
    hidden = page.evaluate(
        """() => {
          const g = document.getElementById("pl-graph").patternlibGraph;
          return g.graph.nodes().filter((n) => g.renderer.getNodeDisplayData(n).hidden).sort();
        }""")
    assert hidden == sorted(p.key for p in library.patterns if p.key not in MOVED)
    # A title outside the filter is not found; one inside is.
    search = page.get_by_label("Find a pattern")
    search.fill("Land and Expand")
    search.press("Enter")
    expect(page.get_by_test_id("graph-status")).to_contain_text("No pattern shown")
    search.fill("Use-Case")
    search.press("Enter")
    expect(graph).to_have_attribute("data-selected", "use-case-stairway")
    page.get_by_role("combobox", name="Domain").select_option(label="All domains")
    expect(graph).to_have_attribute("data-visible", str(len(library.patterns)))
    expect(page.get_by_test_id("graph-summary")).to_contain_text(
        "1 link to patterns not in this library is left out.")


@BROWSER_TESTS
def test_colour_switch_changes_the_legend(page: Page, base_url: str) -> None:
    _open(page, base_url)
    legend = page.get_by_test_id("graph-legend")
    expect(legend).to_contain_text("startup")
    page.get_by_role("radio", name="Alignment level").check()
    expect(legend).to_contain_text("Not assessed")
    expect(legend).not_to_contain_text("startup")


@BROWSER_TESTS
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_violation(browser: Browser, base_url: str, scheme: str) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    _open(page, base_url)
    page.get_by_label("Find a pattern").fill("Land and Expand")
    page.get_by_label("Find a pattern").press("Enter")
    page.get_by_test_id("graph-selected").wait_for()
    violations = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert violations == []


@BROWSER_TESTS
def test_without_webgl_the_page_says_so_and_links_on(browser: Browser, base_url: str) -> None:
    context = new_context(browser)
    context.add_init_script(
        "HTMLCanvasElement.prototype.getContext = function () { return null; };")
    page = context.new_page()
    page.goto(base_url + "graph/")
    fallback = page.get_by_test_id("graph-fallback")
    expect(fallback).to_contain_text("WebGL")
    expect(fallback.get_by_role("link", name="A to Z index")).to_have_attribute(
        "href", "../browse/a-z/")
    expect(fallback.get_by_role("link", name="Explore")).to_have_attribute("href", "../explore/")
    expect(page.locator("#pl-graph")).to_be_hidden()
    context.close()


@BROWSER_TESTS
def test_without_javascript_the_page_says_so(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "graph/")
    expect(page.get_by_test_id("graph-nojs")).to_be_visible()
    links = page.get_by_test_id("graph-nojs").get_by_role("link")
    expect(links).to_have_text(["A to Z index", "Explore"])
    expect(page.locator("#pl-graph")).to_be_hidden()
    context.close()
