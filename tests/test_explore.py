"""The Explore page (site/explore/): its compact index, and the page in headless Chromium.

The index (generator/site/explore.py) is checked against the library it was made from. In the
browser, what the page shows for a state (filters, text, sort, page; all in the query string)
is checked against `expected()`, which works the answer out from the library itself, without
the index: the starter library (fixtures in conftest.py) and a generated library of 120 small
patterns, enough for three pages, built once for this module.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, expect

from generator.library.link import link
from generator.library.load import load_library
from generator.library.model import Assessment, Graph, Library, Pattern
from generator.library.score import rubric, score
from generator.site.build import build
from generator.site.explore import (
    PAGE_SIZE,
    SHARD_SIZE,
    SUMMARY_CHARS,
    explore_files,
    explore_index,
    explore_page,
    ordered,
    short_summary,
    slug_of_title,
)
from generator.site.render import FACETS, SiteConfig, _values, render
from tests.browser import BROWSER_TESTS, DESKTOP, new_context, screenshot, serve

MOBILE: ViewportSize = {"width": 390, "height": 844}
GENERATED = 120
DOMAINS = ("startup", "platform", "governance", "design", "culture")
CATEGORIES = ("practice", "framework", "tool", "process", "strategy")
ERAS = ("agricultural", "industrial", "digital", "cognitive")
STATUSES = ("draft", "review", "published", "deprecated")
UNIVERSALITIES = ("universal", "domain", "context-specific")
COMMONS = ("business", "startup", "security", "platform", "life")
WORDS = ("Lantern", "Harbor", "Meadow", "Copper", "Orchard", "Signal", "Bridge", "Quarry",
         "Thistle", "Ember", "Willow", "Falcon")
DATES = ("2025-11-02", "2026-01-15", "2026-01-15 08:30:00+00:00", "2026-02-01", "2026-02-10")
PILLARS = tuple(p.key for p in rubric().pillars)
# Front-matter text is data: the page must show it as text, never run it.
HOSTILE_TITLE = '<img src=x onerror="window.pwned=1"> Ember & "Lantern" 1'


# --- what the page should show, worked out from the library ---------------------------------


class Lib(NamedTuple):
    """A loaded library with its assessments and graph."""

    library: Library
    assessments: Mapping[str, Assessment]
    graph: Graph


def analysed(library: Library) -> Lib:
    return Lib(library, score(library), link(library))


def _fold(text: str) -> str:
    return re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFD", text)).lower()


def _aliases(pattern: Pattern) -> list[str]:
    return [a for a in pattern.meta.get("aliases") or [] if isinstance(a, str)]


def expected(lib: Lib, query: str) -> list[str]:
    """Return the keys the page lists for a query string, in its order, all pages."""
    params: dict[str, list[str]] = {}
    for name, value in parse_qsl(query.lstrip("?")):
        params.setdefault(name, []).append(value)
    words = _fold(" ".join(params.get("q", []))).split()
    matched = []
    for pattern in sorted(lib.library.patterns, key=lambda p: (p.title.lower(), p.key)):
        assessment = lib.assessments.get(pattern.key)
        if any(
            params.get(f.key) and not set(params[f.key]) & set(_values(pattern, f.field))
            for f in FACETS
        ):
            continue
        if params.get("level") and str(assessment.alignment if assessment else 0) not in (
                params["level"]):
            continue
        if params.get("assessed") and (params["assessed"] == ["yes"]) != (assessment is not None):
            continue
        related = bool(lib.graph.edges_from(pattern.key))
        if params.get("relationships") and (params["relationships"] == ["yes"]) != related:
            continue
        text = _fold("\n".join([pattern.title, *_aliases(pattern)]))
        if not all(word in text for word in words):
            continue
        matched.append(pattern)
    sort = params.get("sort", ["title"])[0]
    descending, key = sort.startswith("-"), sort.lstrip("-")
    if key == "title":
        return [p.key for p in (reversed(matched) if descending else matched)]
    value: dict[str, Any] = {
        p.key: (lib.assessments[p.key].overall if p.key in lib.assessments else None)
        if key == "overall" else p.meta.get("modified")
        for p in matched
    }
    having = [p for p in matched if isinstance(value[p.key], float | str)]
    # Stable sorts: ties stay in title order; patterns without the value last.
    having.sort(key=lambda p: value[p.key], reverse=False)
    if descending:
        runs: dict[Any, list[Pattern]] = {}
        for p in having:
            runs.setdefault(value[p.key], []).append(p)
        having = [p for v in sorted(runs, reverse=True) for p in runs[v]]
    return [p.key for p in having] + [p.key for p in matched if p not in having]


def page_of(keys: list[str], page: int = 1) -> list[str]:
    return keys[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]


def count_text(n: int) -> str:
    return f"{n:,} pattern" + ("" if n == 1 else "s")


# --- a generated library: 120 small patterns, every facet, assessed or not, linked or not ----


def _pattern(i: int, rng: random.Random, keys: list[str]) -> tuple[str, str]:
    """Return (key, file text) of generated pattern i."""
    title = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
    if i % 17 == 0:
        title = f"Café {title}"  # not ASCII: the index keeps its key
    if i == 1:
        title = HOSTILE_TITLE
    key = slug_of_title(title) if i % 9 else f"pattern-{i}"  # a key unlike the title
    front: dict[str, Any] = {
        "id": f"pat_{i:024d}",
        "title": title,
        "slug": key,
        "aliases": [f"Alias {rng.choice(WORDS)} {i}"] if i % 4 == 0 else [],
        "classification": {
            "universality": rng.choice(UNIVERSALITIES),
            "domain": rng.choice(DOMAINS),
            "category": rng.sample(CATEGORIES, rng.randint(1, 2)),
            "era": rng.sample(ERAS, rng.randint(1, 2)),
            "origin": ["test-suite"],
            "status": rng.choice(STATUSES),
            "commons_domain": rng.sample(COMMONS, rng.randint(1, 3)),
        },
        "related": [rng.choice(keys)] if keys and i % 3 == 0 else [],
        "version": "1.0.0",
        "created": "2025-01-01",
        "modified": DATES[i % len(DATES)],
        "contributors": ["Test Suite"],
        "license": "CC-BY-SA-4.0",
    }
    if i % 5 != 0:
        front["summary"] = f"Pattern number {i} about {title.lower()}." + (
            " It goes on to say a good deal more than a card has room for, so that the index"
            " cuts it at a word before one hundred and sixty characters." if i % 7 == 0 else "")
    if i % 5 < 3:  # scores around a level, so that every level has patterns
        level = rng.randint(1, 5)
        front["pillars"] = {
            p: {"score": min(5, max(1, level + rng.choice((-1, 0, 0, 1)))),
                "rationale": "Generated."}
            for p in PILLARS
        }
    text = "---\n" + json.dumps(front, indent=1, ensure_ascii=False) + "\n---\n\n"
    # The body's own heading: markup in a body is refused (the title's is data).
    return key, text + f"# Pattern {i}\n\n## 1. Overview\n\nThe generated pattern {i}.\n"


def write_library(root: Path, n: int = GENERATED) -> Path:
    """Write n generated patterns and an mkdocs.yml into root; JSON is YAML too."""
    rng = random.Random(13)
    (root / "patterns").mkdir(parents=True)
    keys: list[str] = []
    for i in range(1, n + 1):
        key, text = _pattern(i, rng, keys)
        keys.append(key)
        (root / "patterns" / f"{key}.md").write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Explore Test Library\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Lib:
    root = write_library(tmp_path_factory.mktemp("explore-library"))
    return analysed(load_library([root / "patterns"], root=root))


def decode(text: str) -> list[dict[str, Any]]:
    """Read api/explore.json back into one record per pattern, as the page does."""
    data = json.loads(text)
    rows = []
    for i, title in enumerate(data["t"]):
        facets = {}
        for facet, column in zip(data["facets"], data["f"], strict=True):
            cell = column[i]
            facets[facet["key"]] = [facet["values"][v] for v in
                                    ([cell] if isinstance(cell, int) else cell)]
        modified = data["m"][i]
        rows.append({
            "title": title,
            "key": data["k"][i] or slug_of_title(title),
            "aliases": data["x"][i],
            "facets": facets,
            "alignment": data["a"][i],
            "overall": data["o"][i],
            "modified": data["dates"][modified] if modified >= 0 else None,
            "related": data["r"][i] == 1,
        })
    return rows


# --- the index ---------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["starter", "generated"])
def test_index_holds_every_pattern_in_title_order(
    which: str, request: pytest.FixtureRequest
) -> None:
    lib: Lib = (analysed(request.getfixturevalue("starter")) if which == "starter"
                else request.getfixturevalue("generated"))
    rows = decode(explore_index(*lib))
    patterns = ordered(lib.library)
    assert [r["key"] for r in rows] == [p.key for p in patterns]
    assert [r["key"] for r in rows] == [
        p.key for p in sorted(lib.library.patterns, key=lambda p: (p.title.lower(), p.key))]
    for row, pattern in zip(rows, patterns, strict=True):
        assessment = lib.assessments.get(pattern.key)
        assert row["title"] == pattern.title
        assert row["aliases"] == _aliases(pattern)
        assert row["facets"] == {
            f.key: sorted(set(_values(pattern, f.field))) for f in FACETS
        }
        assert row["alignment"] == (assessment.alignment if assessment else 0)
        assert row["overall"] == (assessment.overall if assessment else None)
        assert row["modified"] == pattern.meta.get("modified")
        assert row["related"] == bool(lib.graph.edges_from(pattern.key))


def test_generated_library_has_what_the_tests_need(generated: Lib) -> None:
    rows = decode(explore_index(*generated))
    assert len(rows) == GENERATED > 2 * PAGE_SIZE
    assert {r["alignment"] for r in rows} >= {0, 1, 2, 3, 4}
    assert {r["related"] for r in rows} == {True, False}
    assert any(r["aliases"] for r in rows)
    data = json.loads(explore_index(*generated))
    assert any(k and not k.isascii() for k in data["t"])  # Café ...
    assert sum(1 for k in data["k"] if k) >= GENERATED // 9  # keys the title does not give


def test_index_is_compact_deterministic_and_has_no_summaries(generated: Lib) -> None:
    text = explore_index(*generated)
    assert text == explore_index(*generated)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")) + "\n"
    data = json.loads(text)
    # Facet values are indexes into per-facet tables, never the strings themselves.
    assert all(isinstance(c, int) or all(isinstance(v, int) for v in c)
               for column in data["f"] for c in column)
    assert "Pattern number" not in text  # summaries are in the shards
    # A key is left out only where the page derives it from an ASCII title.
    for title, key in zip(data["t"], data["k"], strict=True):
        assert key == "" or key != slug_of_title(title) or not title.isascii()


def test_summaries_are_sharded_in_index_order_and_short(generated: Lib) -> None:
    outputs = explore_files(*generated)
    assert outputs[0].path == "api/explore.json"
    shards = outputs[1:]
    assert [o.path for o in shards] == [
        f"api/explore/summaries-{n}.json" for n in range(-(-GENERATED // SHARD_SIZE))]
    summaries = [s for o in shards for s in json.loads(o.text)]
    assert all(len(json.loads(o.text)) == SHARD_SIZE for o in shards[:-1])
    assert summaries == [short_summary(p) for p in ordered(generated.library)]
    assert max(len(s) for s in summaries) <= SUMMARY_CHARS
    cut = [s for s in summaries if s.endswith("…")]
    assert cut, "no summary was long enough to be cut"
    assert all(not s[:-1].endswith(" ") for s in cut)


def test_short_summary_cuts_at_a_word(generated: Lib) -> None:
    pattern = next(p for p in generated.library.patterns
                   if len(str(p.meta.get("summary"))) > SUMMARY_CHARS)
    text = short_summary(pattern)
    assert len(text) <= SUMMARY_CHARS
    assert text.endswith("…")
    assert str(pattern.meta["summary"]).startswith(text[:-1])
    assert str(pattern.meta["summary"])[len(text) - 1] in " ,;:.-"  # the cut ends a word


def test_render_publishes_the_page_and_its_data(generated: Lib) -> None:
    outputs = {o.path: o.text for o in render(*generated, SiteConfig(site_name="Test"))}
    assert outputs["explore.md"] == explore_page(GENERATED).text
    assert outputs["api/explore.json"] == explore_index(*generated)
    assert "api/explore/summaries-0.json" in outputs
    page = outputs["explore.md"]
    assert 'title: "Explore"' in page
    assert 'data-index="../api/explore.json"' in page
    assert '<script src="../assets/patternlib/explore.js" defer></script>' in page
    assert 'href="../browse/a-z/"' in page.split("<noscript>")[1]


# --- in the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = write_library(tmp_path_factory.mktemp("explore-site"))
    site = build(root, site_dir=root / "site").site
    with serve(site) as url:
        yield url


def open_explore(page: Page, url: str, query: str = "") -> None:
    """Open the Explore page and wait until it shows the cards of the URL's state."""
    page.goto(url + "explore/" + query)
    expect(page.get_by_test_id("explore-cards")).to_have_attribute("data-state", re.compile("."))


def shown(page: Page) -> list[str]:
    return page.locator(".pl-card").evaluate_all("cards => cards.map(c => c.dataset.key)")


def state_of(page: Page) -> str:
    """The query string of the state the cards show (the path when there is none)."""
    return page.get_by_test_id("explore-cards").get_attribute("data-state") or ""


def wait_for_state(page: Page, query: str) -> None:
    expect(page.get_by_test_id("explore-cards")).to_have_attribute(
        "data-state", query or "/explore/")


def assert_shows(page: Page, lib: Lib, query: str, page_number: int = 1) -> None:
    keys = expected(lib, query)
    expect(page.get_by_test_id("explore-count")).to_have_text(count_text(len(keys)))
    assert shown(page) == page_of(keys, page_number)


QUERIES = [
    "",
    "?domain=startup",
    "?domain=design&domain=culture",  # either
    "?domain=platform&level=3&level=4",
    "?category=tool&era=digital",
    "?status=draft&universality=domain",
    "?commons-domain=life&assessed=yes",
    "?assessed=no",
    "?relationships=no&sort=-title",
    "?relationships=yes&domain=governance",
    "?q=harbor",
    "?q=caf%C3%A9",  # accents and case do not matter
    "?q=alias+lantern",  # aliases count
    "?sort=-overall",
    "?sort=overall&domain=startup",
    "?sort=-modified",
    "?sort=modified&assessed=no",
    "?level=5&domain=design&category=framework&era=industrial",  # probably nothing
]


@BROWSER_TESTS
@pytest.mark.parametrize("query", QUERIES)
def test_filters_and_sorting_agree_with_the_library(
    page: Page, generated_url: str, generated: Lib, query: str
) -> None:
    open_explore(page, generated_url, query)
    assert_shows(page, generated, query)
    # The controls say what the URL asked for.
    params = parse_qsl(query.lstrip("?"))
    for name, value in params:
        if name == "q":
            expect(page.get_by_label("Title or alias contains")).to_have_value(value)
        elif name == "sort":
            expect(page.get_by_label("Sort by")).to_have_value(value)
        else:
            expect(page.locator(f"input[name='{name}'][value='{value}']")).to_be_checked()
    ticked = page.locator(".pl-explore__filters input:checked:not([value=''])")
    expect(ticked).to_have_count(sum(1 for n, _ in params if n not in ("q", "sort")))


@BROWSER_TESTS
def test_counts_beside_the_controls_count_each_value_under_the_other_filters(
    page: Page, generated_url: str, generated: Lib
) -> None:
    # A value's count is how many patterns have it among those the *other* groups let
    # through: ticking "design" beside "startup" adds that many.
    open_explore(page, generated_url, "?domain=startup&level=3&level=4&assessed=yes")
    for name, value, alone in [
        ("domain", "design", "?domain=design&level=3&level=4&assessed=yes"),
        ("domain", "startup", "?domain=startup&level=3&level=4&assessed=yes"),
        ("category", "tool", "?domain=startup&level=3&level=4&assessed=yes&category=tool"),
        ("level", "2", "?domain=startup&level=2&assessed=yes"),
        ("assessed", "no", "?domain=startup&level=3&level=4&assessed=no"),
        ("assessed", "", "?domain=startup&level=3&level=4"),
        ("relationships", "no", "?domain=startup&level=3&level=4&assessed=yes&relationships=no"),
    ]:
        label = page.locator(f"label:has(> input[name='{name}'][value='{value}'])")
        n = len(expected(generated, alone))
        expect(label.locator(".pl-explore__n")).to_have_text(f"({n:,})")
    both = len(expected(generated, "?domain=startup&domain=design&level=3&level=4&assessed=yes"))
    page.locator("input[name='domain'][value='design']").check()
    expect(page.get_by_test_id("explore-count")).to_have_text(count_text(both))


@BROWSER_TESTS
def test_changing_controls_changes_the_url_and_back_restores(
    page: Page, generated_url: str, generated: Lib
) -> None:
    open_explore(page, generated_url)
    page.locator("input[name='domain'][value='platform']").check()
    wait_for_state(page, "?domain=platform")
    assert page.url.endswith("/explore/?domain=platform")
    assert_shows(page, generated, "?domain=platform")

    page.locator("input[name='level'][value='4']").check()
    page.get_by_label("Sort by").select_option("-overall")
    wait_for_state(page, "?domain=platform&level=4&sort=-overall")
    assert_shows(page, generated, "?domain=platform&level=4&sort=-overall")

    page.get_by_label("Title or alias contains").press_sequentially("Orchard")  # key by key
    wait_for_state(page, "?q=Orchard&domain=platform&level=4&sort=-overall")
    assert page.url.endswith("/explore/?q=Orchard&domain=platform&level=4&sort=-overall")

    page.reload()
    wait_for_state(page, "?q=Orchard&domain=platform&level=4&sort=-overall")
    expect(page.get_by_label("Title or alias contains")).to_have_value("Orchard")
    assert_shows(page, generated, "?q=Orchard&domain=platform&level=4&sort=-overall")

    page.go_back()  # the keys typed are one step of history
    wait_for_state(page, "?domain=platform&level=4&sort=-overall")
    expect(page.get_by_label("Title or alias contains")).to_have_value("")
    expect(page.get_by_label("Sort by")).to_have_value("-overall")
    assert_shows(page, generated, "?domain=platform&level=4&sort=-overall")
    page.go_back()
    wait_for_state(page, "?domain=platform&level=4")
    expect(page.get_by_label("Sort by")).to_have_value("title")
    expect(page.locator("input[name='level'][value='4']")).to_be_checked()
    assert_shows(page, generated, "?domain=platform&level=4")
    page.go_forward()
    wait_for_state(page, "?domain=platform&level=4&sort=-overall")

    page.get_by_test_id("explore-clear").click()  # the filters go, the order stays
    wait_for_state(page, "?sort=-overall")
    expect(page.locator(".pl-explore__filters input:checked:not([value=''])")).to_have_count(0)
    assert_shows(page, generated, "?sort=-overall")


@BROWSER_TESTS
def test_paging(page: Page, generated_url: str, generated: Lib) -> None:
    keys = expected(generated, "?sort=-modified")
    assert len(keys) > 2 * PAGE_SIZE
    open_explore(page, generated_url, "?sort=-modified")
    expect(page.get_by_test_id("explore-range")).to_have_text(
        f"Showing 1\u2013{PAGE_SIZE}, page 1 of 3.")  # an en dash
    assert shown(page) == page_of(keys, 1)
    pager = page.get_by_role("navigation", name="Result pages, top")
    pager.get_by_role("link", name="Next").click()
    wait_for_state(page, "?sort=-modified&page=2")
    assert shown(page) == page_of(keys, 2)
    expect(page.locator("#pl-explore-results-title")).to_be_focused()
    page.get_by_role("navigation", name="Result pages, bottom").get_by_role(
        "link", name="Page 3").click()
    wait_for_state(page, "?sort=-modified&page=3")
    assert shown(page) == page_of(keys, 3)
    expect(page.get_by_test_id("explore-range")).to_have_text(
        f"Showing {2 * PAGE_SIZE + 1}\u2013{len(keys)}, page 3 of 3.")
    page.go_back()
    wait_for_state(page, "?sort=-modified&page=2")
    assert shown(page) == page_of(keys, 2)
    # A filter starts again from page 1; a page past the last shows the last.
    page.locator("input[name='assessed'][value='yes']").check()
    wait_for_state(page, "?assessed=yes&sort=-modified")
    open_explore(page, generated_url, "?page=99")
    wait_for_state(page, "?page=3")
    assert shown(page) == page_of(expected(generated, ""), 3)


@BROWSER_TESTS
def test_a_card_shows_the_pattern_and_leads_to_its_page(
    page: Page, generated_url: str, generated: Lib
) -> None:
    # An assessed pattern with a summary, whose key the title does not give.
    target = next(
        p for p in ordered(generated.library)
        if p.key in generated.assessments and short_summary(p)
        and p.key != slug_of_title(p.title))
    assessment = generated.assessments[target.key]
    open_explore(page, generated_url, "?" + urlencode({"q": target.title}))
    card = page.locator(f".pl-card[data-key='{target.key}']")
    expect(card.locator(".pl-card__summary")).to_have_text(short_summary(target))
    badge = card.locator(f".pl-level.pl-level--{assessment.alignment}")
    expect(badge).to_have_text(f"{assessment.alignment} · {assessment.level}")
    expect(badge).to_have_attribute("href", f"../browse/alignment/{assessment.alignment}/")
    expect(card.locator(".pl-card__overall")).to_have_text(f"Overall {assessment.overall:.1f}")
    expect(card.locator(".pl-card__date")).to_have_text(
        f"Modified {str(target.meta['modified'])[:10]}")
    for facet in FACETS:
        values = ", ".join(sorted(set(_values(target, facet.field))))
        facet_text = card.locator(".pl-card__facet", has_text=f"{facet.label} {values}")
        expect(facet_text).to_have_count(1)
    card.get_by_role("link", name=target.title, exact=True).click()
    page.wait_for_url(generated_url + f"patterns/{target.key}/")
    expect(page.locator("h1")).to_have_text(target.title)


@BROWSER_TESTS
def test_markup_in_front_matter_is_shown_as_text(
    page: Page, generated_url: str, generated: Lib
) -> None:
    target = next(p for p in generated.library.patterns if p.title == HOSTILE_TITLE)
    open_explore(page, generated_url, "?q=onerror")
    card = page.locator(f".pl-card[data-key='{target.key}']")
    expect(card.get_by_role("link", name=HOSTILE_TITLE, exact=True)).to_have_count(1)
    expect(card.locator(".pl-card__summary")).to_have_text(short_summary(target))
    assert "<img" in short_summary(target)
    expect(page.locator("#pl-explore img")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.pwned") is None


@BROWSER_TESTS
def test_every_card_link_leads_to_a_pattern_page(
    page: Page, generated_url: str, generated: Lib
) -> None:
    hrefs: list[str] = []
    for n in (1, 2, 3):
        open_explore(page, generated_url, f"?page={n}")
        hrefs += page.locator(".pl-card__title a").evaluate_all("as => as.map(a => a.href)")
    assert sorted(hrefs) == sorted(
        generated_url + f"patterns/{p.key}/" for p in generated.library.patterns)
    for href in hrefs[:: len(hrefs) // 10]:
        assert page.request.get(href).ok


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus (Material's header and
    navigation come first)."""
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


@BROWSER_TESTS
def test_keyboard_only(page: Page, generated_url: str, generated: Lib) -> None:
    open_explore(page, generated_url)
    # The filters: the text box, the sort, then the boxes; Space ticks one.
    tab_to(page, ".pl-explore__skip")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Title or alias contains")).to_be_focused()
    page.keyboard.type("meadow")
    wait_for_state(page, "?q=meadow")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Sort by")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("input[name='level'][value='1']")).to_be_focused()
    for _ in range(4):
        page.keyboard.press("Tab")
    expect(page.locator("input[name='level'][value='5']")).to_be_focused()
    page.keyboard.press("Space")
    wait_for_state(page, "?q=meadow&level=5")
    keys = expected(generated, "?q=meadow&level=5")
    assert keys
    assert shown(page) == keys
    # The live region announces the count.
    expect(page.locator("#pl-explore [role='status']")).to_have_text(count_text(len(keys)))

    # Past the filters to the results, and on to the next page.
    open_explore(page, generated_url)
    tab_to(page, ".pl-explore__skip")
    page.keyboard.press("Enter")
    expect(page.locator("#pl-explore-results-title")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("navigation", name="Result pages, top").get_by_role(
        "link", name="Page 2")).to_be_focused()
    page.keyboard.press("Enter")
    wait_for_state(page, "?page=2")
    assert shown(page) == page_of(expected(generated, ""), 2)
    expect(page.locator("#pl-explore-results-title")).to_be_focused()


@BROWSER_TESTS
def test_filters_fold_away_on_a_phone(browser: Browser, generated_url: str) -> None:
    context = new_context(browser, MOBILE)
    try:
        page = context.new_page()
        open_explore(page, generated_url)
        toggle = page.get_by_role("button", name="Show filters")
        expect(page.get_by_label("Title or alias contains")).to_be_hidden()
        toggle.click()
        expect(page.get_by_role("button", name="Hide filters")).to_have_attribute(
            "aria-expanded", "true")
        page.get_by_label("Title or alias contains").fill("copper")
        wait_for_state(page, "?q=copper")
        screenshot(page, "explore-mobile")
    finally:
        context.close()


@BROWSER_TESTS
def test_starter_library(page: Page, base_url: str, starter: Library) -> None:
    lib = analysed(starter)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.extend([m.text] if m.type == "error" else []))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url)
    page.get_by_role("link", name="Explore and filter every pattern").click()
    page.wait_for_url(base_url + "explore/")
    wait_for_state(page, "")
    assert_shows(page, lib, "")
    level = next(iter(lib.assessments.values())).alignment
    page.locator(f"input[name='level'][value='{level}']").check()
    wait_for_state(page, f"?level={level}")
    assert_shows(page, lib, f"?level={level}")
    page.wait_for_load_state("networkidle")
    assert [u for u in requests if not u.startswith(base_url)] == []
    assert errors == []
    # Not the full data: the page loads its own index and the summaries it shows.
    assert not [u for u in requests if u.endswith("api/patterns.json")]
    assert base_url + "api/explore.json" in requests


@BROWSER_TESTS
def test_without_javascript_the_page_points_to_the_browse_pages(
    browser: Browser, base_url: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "explore/")
        notice = page.get_by_test_id("explore-nojs")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("Explore needs JavaScript")
        notice.get_by_role("link", name="A to Z index").click()
        page.wait_for_url(base_url + "browse/a-z/")
        expect(page.locator("h1")).to_contain_text("A to Z")
    finally:
        context.close()


@BROWSER_TESTS
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_no_serious_or_critical_axe_violations(
    browser: Browser, generated_url: str, scheme: str, width: str
) -> None:
    context = new_context(browser, MOBILE if width == "mobile" else DESKTOP)
    try:
        page = context.new_page()
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        # Everything showing: ticked boxes, the pager, cards with and without assessments.
        open_explore(page, generated_url, "?domain=startup&domain=design&relationships=yes")
        expect(page.locator("body")).to_have_attribute(
            "data-md-color-scheme", "slate" if scheme == "dark" else "default")
        if width == "mobile":
            page.get_by_role("button", name="Show filters").click()
        screenshot(page, f"explore-{scheme}-{width}")
        results = Axe().run(page, options={"resultTypes": ["violations"]})
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']}: "
            + ", ".join(str(n["target"]) for n in v["nodes"])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
    finally:
        context.close()
