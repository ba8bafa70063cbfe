"""The Insights page (`/insights/`) and the home page's glance: the numbers in the page's
tables are those computed here from the site's own `api/*.json`; a --keep-going build lists
its problems by rule; the output is deterministic; in Chromium the charts show and axe finds
no serious violation in light or dark.

Two sites: the starter library (the session's `site`) and `wide`, built here: the starter
patterns plus copies spread over 26 domains (a long tail), some of them not assessed and
one with a dangling link, built with --keep-going.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from generator.library.link import link
from generator.library.load import load_library
from generator.library.score import score
from generator.library.validate import check_library
from generator.site.build import build
from generator.site.insights import MIN_ASSESSED, TOP, heat_colours, insights_page
from generator.site.live import LiveSite
from generator.site.render import SiteConfig, render
from tests.browser import BROWSER_TESTS, serve
from tests.conftest import ROOT
from tests.test_site import _replace, _write_library


class Table(NamedTuple):
    """A table of the page: its rows of cell texts, and the first cell's link of each row."""

    rows: list[list[str]]
    links: list[str]


class _Tables(HTMLParser):
    """Collect the tables marked `data-numbers` of a page, by that name."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, Table] = {}
        self._name: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._link = ""
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("data-numbers"):
            self._name = found["data-numbers"]
            self.tables[self._name] = Table([], [])
        elif self._name is None:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self._row, self._link = [], ""
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and self._row is not None and not self._row:
            self._link = found.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if self._name is None:
            return
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._name].rows.append(self._row)
            self.tables[self._name].links.append(self._link)
            self._row = None
        elif tag == "table":
            self._name = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: str) -> dict[str, Table]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _values(entry: dict[str, Any], field: str) -> list[str]:
    value = (entry["front_matter"].get("classification") or {}).get(field)
    items = value if isinstance(value, list) else [value]
    found = [str(v) for v in items if isinstance(v, str | int) and not isinstance(v, bool)]
    return list(dict.fromkeys(found))


def _tail(counts: Counter[str]) -> list[list[str]]:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [[value, f"{n:,}"] for value, n in ordered[:TOP]]
    if len(ordered) > TOP:
        rows.append([f"{len(ordered) - TOP:,} others", f"{sum(n for _, n in ordered[TOP:]):,}"])
    return rows


# --- the sites --------------------------------------------------------------------------------


def _wide_library(root: Path) -> Path:
    """The starter patterns and 40 copies: 20 in five domains of four, 20 alone in theirs,
    every third copy not assessed, one copy with a link to no pattern."""
    (root / "patterns").mkdir(parents=True)
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    sources = sorted((ROOT / "patterns").glob("*.md"))
    for source in sources:
        shutil.copyfile(source, root / "patterns" / source.name)
    for n in range(40):
        text = sources[n % len(sources)].read_text(encoding="utf-8")
        domain = f"area-{n % 5}" if n < 20 else f"niche-{n:02d}"
        text = re.sub(r"(?m)^id: .*$", f"id: pat_wide{n:06d}", text, count=1)
        text = re.sub(r"(?m)^title: .*$", f"title: Wide copy {n:02d}", text, count=1)
        text = re.sub(r"(?m)^slug: .*$", f"slug: wide-{n:02d}", text, count=1)
        text = re.sub(r"(?m)^aliases: .*$", "aliases: []", text, count=1)
        text = re.sub(r"(?m)^  domain: .*$", f"  domain: {domain}", text, count=1)
        text = re.sub(r"(?m)^(generalizes_from|specializes_to|enables|requires): .*$",
                      r"\1: []", text)
        # Copies link to the one before them (stated one way: the inverse is inferred).
        text = re.sub(r"(?m)^related: .*$",
                      f"related: [{'nowhere' if n == 7 else f'wide-{n - 1:02d}' if n else ''}]",
                      text, count=1)
        if n % 3 == 2:  # a blank scorecard: not assessed
            text = re.sub(r"(?m)^\| (\*\*Overall\*\*|(?!Pillar )[A-Z][a-z]+) \|.*\|$",
                          r"| \1 | | |", text)
            text = re.sub(r"(?m)^  commons_alignment: .*\n", "", text, count=1)
        (root / "patterns" / f"wide-{n:02d}.md").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wide library with --keep-going and return its site."""
    root = _wide_library(tmp_path_factory.mktemp("wide") / "lib")
    return build(root, keep_going=True).site


SITES = ("site", "wide")


def _page(site: Path) -> str:
    return (site / "insights" / "index.html").read_text(encoding="utf-8")


def _api(site: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (site / "api" / "patterns.json").read_text(encoding="utf-8"))
    return data


# --- the numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SITES)
def test_domain_and_category_counts_are_those_of_patterns_json(
    name: str, request: pytest.FixtureRequest
) -> None:
    site: Path = request.getfixturevalue(name)
    data, found = _api(site), tables(_page(site))
    for field in ("domain", "category"):
        counts = Counter(v for entry in data for v in _values(entry, field))
        assert found[field].rows == _tail(counts), field
    if name == "wide":
        assert found["domain"].rows[-1] == ["6 others", "6"]  # 26 domains: 20 shown


@pytest.mark.parametrize("name", SITES)
def test_coverage_is_that_of_patterns_json(name: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(name)
    data, found = _api(site), tables(_page(site))
    assessed = [e for e in data if e["assessment"] is not None]
    rows = found["coverage"].rows
    assert rows[0][:3] == ["All patterns", f"{len(assessed):,}", f"{len(data):,}"]
    total: Counter[str] = Counter(v for e in data for v in _values(e, "domain"))
    scored: Counter[str] = Counter(v for e in assessed for v in _values(e, "domain"))
    ordered = sorted(total, key=lambda d: (-total[d], d))
    expected = [[d, f"{scored[d]:,}", f"{total[d]:,}"] for d in ordered[:TOP]]
    if len(ordered) > TOP:
        rest = ordered[TOP:]
        expected.append([f"{len(rest)} other domains", str(sum(scored[d] for d in rest)),
                         str(sum(total[d] for d in rest))])
    assert [row[:3] for row in rows[1:]] == expected
    if name == "wide":
        assert 0 < len(assessed) < len(data)


@pytest.mark.parametrize("name", SITES)
def test_score_distributions_are_those_of_patterns_json(
    name: str, request: pytest.FixtureRequest
) -> None:
    site: Path = request.getfixturevalue(name)
    data, found = _api(site), tables(_page(site))
    assessed = [e["assessment"] for e in data if e["assessment"] is not None]
    assert assessed
    levels = json.loads((site / "api" / "pillars.json").read_text(encoding="utf-8"))
    alignment = Counter(a["alignment"] for a in assessed)
    assert found["alignment"].rows == [
        [f"{lv['value']} · {lv['name']}", str(alignment[lv["value"]])] for lv in levels["levels"]
    ]
    # Half-point bins of the overall score, the last one closed.
    bins = Counter(min(int((a["overall"] - 1) * 2 + 1e-9), 7) for a in assessed)
    assert [_int(row[1]) for row in found["overall"].rows] == [bins[n] for n in range(8)]
    assert sum(_int(row[1]) for row in found["overall"].rows) == len(assessed)
    pillars = [p["key"] for p in levels["pillars"]]
    names = [p["name"] for p in levels["pillars"]]
    expected = []
    for key, pillar in zip(pillars, names, strict=True):
        counts = Counter(a["scores"][key] for a in assessed)
        expected.append([pillar, *(str(counts[s]) for s in range(1, 6))])
    assert found["pillars"].rows == expected


@pytest.mark.parametrize("name", SITES)
def test_pillar_means_by_domain_are_those_of_patterns_json(
    name: str, request: pytest.FixtureRequest
) -> None:
    site: Path = request.getfixturevalue(name)
    data, found = _api(site), tables(_page(site))
    pillars = [p["key"] for p in
               json.loads((site / "api" / "pillars.json").read_text(encoding="utf-8"))["pillars"]]
    groups: dict[str, list[dict[str, int]]] = {}
    for entry in data:
        if entry["assessment"] is not None:
            for domain in _values(entry, "domain"):
                groups.setdefault(domain, []).append(entry["assessment"]["scores"])
    expected = [
        [domain, str(len(group)),
         *(f"{round(sum(s[k] for s in group) / len(group), 2):.2f}" for k in pillars)]
        for domain, group in sorted(groups.items()) if len(group) >= MIN_ASSESSED
    ]
    assert expected
    assert found["heatmap"].rows == expected
    if name == "wide":  # four copies in each area, of which some are not assessed
        assert {row[0] for row in expected} >= {"area-0", "area-1", "startup"}


@pytest.mark.parametrize("name", SITES)
def test_most_connected_are_those_of_graph_json(
    name: str, request: pytest.FixtureRequest
) -> None:
    site: Path = request.getfixturevalue(name)
    found = tables(_page(site))
    graph = json.loads((site / "api" / "graph.json").read_text(encoding="utf-8"))
    titles = {n["id"]: n["title"] for n in graph["nodes"]}
    neighbours: dict[str, set[str]] = {}
    for edge in graph["edges"]:  # both directions are listed
        if edge["source"] != edge["target"]:
            neighbours.setdefault(edge["source"], set()).add(edge["target"])
    ranked = sorted(neighbours, key=lambda k: (-len(neighbours[k]), titles[k].lower(), k))
    expected = [[titles[k], str(len(neighbours[k]))] for k in ranked[:TOP]]
    assert found["connected"].rows == expected
    assert found["connected"].links == [f"../patterns/{k}/" for k in ranked[:TOP]]
    for key in ranked[:TOP]:
        assert (site / "patterns" / key / "index.html").is_file()


def test_problems_are_listed_by_rule_with_keep_going(wide: Path) -> None:
    root = wide.parent
    problems = check_library([root / "patterns"], root=root).problems
    by_rule = Counter((p.rule, p.severity) for p in problems)
    files = {key: len({p.path for p in problems if (p.rule, p.severity) == key})
             for key in by_rule}
    assert ("dangling-link", "error") in by_rule
    assert ("not-assessed", "warning") in by_rule
    rows = tables(_page(wide))["problems"].rows
    assert sorted((r[0], r[1], _int(r[2]), _int(r[3])) for r in rows) == sorted(
        (rule, severity, n, files[rule, severity]) for (rule, severity), n in by_rule.items()
    )
    severities = [r[1] for r in rows]
    assert severities == sorted(severities, key=lambda s: s != "error")  # errors first
    dangling = next(r for r in rows if r[0] == "dangling-link")
    assert dangling[4].startswith("patterns/wide-07.md:")
    page = _page(wide)
    assert 'href="../patterns/wide-07/"' in page
    assert 'href="#problems"' in page


def test_no_problems_section_without_problems(site: Path, tmp_path: Path) -> None:
    # The starter site is built without --keep-going: its warnings are not listed.
    assert "problems" not in tables(_page(site))
    assert 'id="problems"' not in _page(site)
    # A --keep-going build of a library without problems has none to list either.
    root = _write_library(tmp_path / "lib")
    assert not check_library([root / "patterns"], root=root).problems
    built = build(root, keep_going=True).site
    assert 'id="problems"' not in _page(built)


def test_insights_are_deterministic(tmp_path: Path) -> None:
    root = _wide_library(tmp_path / "lib")
    library = load_library([root / "patterns"], root=root)
    assessments, graph = score(library), link(library)
    problems = check_library([root / "patterns"], root=root).problems
    once = insights_page(library, assessments, graph, problems)
    # The same input in another order gives the same page.
    shuffled = dict(reversed(list(assessments.items())))
    again = insights_page(library, shuffled, graph, tuple(reversed(problems)))
    assert once == again
    home = [o for o in render(library, assessments, graph, SiteConfig("Lib")) if o.path in (
        "index.md", "insights.md")]
    assert home == [o for o in render(library, shuffled, graph, SiteConfig("Lib")) if o.path in (
        "index.md", "insights.md")]


def test_heat_map_text_reads_on_every_cell() -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for tenth in range(100, 501):
        fill, ink = heat_colours(tenth / 100)
        light, dark = sorted((luminance(fill), luminance(ink)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (tenth, fill, ink)


def test_home_page_glance_links_to_insights(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="insights/"' in home
    assert 'data-chart="glance-coverage"' in home
    assert 'data-chart="glance-alignment"' in home
    data = _api(site)
    assessed = sum(1 for e in data if e["assessment"] is not None)
    assert f"{assessed:,} of {len(data):,} patterns assessed" in home


def test_live_update_keeps_the_problems_up_to_date(tmp_path: Path) -> None:
    root = _write_library(tmp_path / "library")
    live = LiveSite(root, jobs=1, keep_going=True)
    try:
        live.build()
        assert 'id="problems"' not in _page(live.site)
        beta = root / "patterns" / "beta.md"
        _replace(beta, "## 2. Core Principles", "## 2. Principles")  # a warning, no listing
        update = live.update([beta])
        assert update is not None
        assert update.applied
        assert "insights/" in update.pages
        full = build(root, site_dir=tmp_path / "full", keep_going=True).site
        assert _page(live.site) == _page(full)
        assert "sections" in tables(_page(live.site))["problems"].rows[0][0]
    finally:
        live.close()


# --- in the browser ---------------------------------------------------------------------------


@BROWSER_TESTS
def test_insights_page_shows_its_charts(page: Page, base_url: str) -> None:
    page.goto(base_url)
    page.get_by_role("navigation", name="Navigation").get_by_role(
        "link", name="Insights").first.click()
    expect(page).to_have_url(base_url + "insights/")
    expect(page.locator("main h1")).to_have_text("Insights")
    charts = page.locator("main .pl-chart svg")
    expect(charts).to_have_count(8)
    for n in range(8):
        box = charts.nth(n).bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 20
    numbers = page.locator("details.pl-numbers").first
    expect(numbers.locator("table")).to_be_hidden()
    numbers.locator("summary").click()
    expect(numbers.locator("table")).to_be_visible()
    page.locator("[data-chart=connected] a").first.click()
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"patterns/[a-z-]+/$"))


@BROWSER_TESTS
def test_home_page_glance_shows_and_leads_to_insights(page: Page, base_url: str) -> None:
    page.goto(base_url)
    expect(page.locator(".pl-glance svg")).to_have_count(2)
    page.locator(".pl-glance").get_by_role("link", name="More in Insights").click()
    expect(page).to_have_url(base_url + "insights/")


@pytest.fixture(scope="module")
def wide_url(wide: Path) -> Iterator[str]:
    with serve(wide) as url:
        yield url


@BROWSER_TESTS
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_violation_on_insights(page: Page, base_url: str, wide_url: str,
                                          scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    found = []
    for url in (base_url + "insights/", wide_url + "insights/", base_url):
        page.goto(url)
        page.locator("main h1").wait_for()
        for details in page.locator("details.pl-numbers").all():
            details.evaluate("d => { d.open = true; }")  # the tables too
        result = Axe().run(page)
        found += [f"{url} {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
                  for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    assert found == []


def test_live_update_of_scores_alone_redraws_the_insights(tmp_path: Path) -> None:
    root = _write_library(tmp_path / "library")
    live = LiveSite(root, jobs=1)
    try:
        live.build()
        beta = root / "patterns" / "beta.md"
        # Same sum, same overall and level: only the pillars' distributions change.
        _replace(beta, "| Purpose | 4 |", "| Purpose | 3 |")
        _replace(beta, "| Governance | 3 |", "| Governance | 4 |")
        update = live.update([beta])
        assert update is not None
        assert update.applied
        assert "insights/" in update.pages
        assert "browse/a-z/" not in update.pages
        full = build(root, site_dir=tmp_path / "full").site
        assert _page(live.site) == _page(full)
    finally:
        live.close()
