"""End to end: the built starter library in headless Chromium, used the way a person would.

The site is built once per session into a temporary folder and served on 127.0.0.1 (fixtures
in conftest.py, helpers in tests/browser.py). Chromium is Debian's (`make test` installs it
when missing); without it these tests fail rather than skip, unless PATTERNLIB_NO_BROWSER=1
says to leave the browser out on purpose. Set PATTERNLIB_SCREENSHOTS=<folder> to save
full-page screenshots of what the tests see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from generator.library.model import Library, Pattern
from generator.library.score import score
from generator.site import searchindex
from generator.site.build import build
from tests.browser import BROWSER_TESTS, new_page, screenshot, serve
from tests.conftest import ROOT

PILLARS = ("purpose", "governance", "culture", "incentives", "knowledge", "technology",
           "resilience")
# A word found in customer-success-architect.md's indexed text and in no other pattern;
# test_search checks that this is still so before relying on it.
SEARCH_WORD = "monopolizing"

pytestmark = BROWSER_TESTS


def _title(library: Library, key: str) -> str:
    return library.by_key[key].title


# --- what a pattern page shows ----------------------------------------------------------------


def test_scorecard_shows_the_computed_assessment(
    page: Page, base_url: str, starter: Library
) -> None:
    expected = score(starter)["land-and-expand"]
    assert tuple(s.key for s in expected.scores) == PILLARS

    page.goto(base_url + "patterns/land-and-expand/")

    expect(page.locator("h1")).to_have_text("Land and Expand")
    shown = page.locator("[data-testid^='score-']")
    expect(shown).to_have_count(len(PILLARS))
    for pillar in expected.scores:
        expect(page.get_by_test_id(f"score-{pillar.key}")).to_have_text(str(pillar.score))
    expect(page.get_by_test_id("overall")).to_have_text(f"{expected.overall:.1f}")
    expect(page.get_by_test_id("alignment")).to_have_text(
        f"{expected.alignment} · {expected.level}"
    )
    screenshot(page, "pattern")


def test_calculator_link_carries_the_profile(page: Page, base_url: str) -> None:
    profile = (
        "calculator/?purpose=4&governance=3&culture=4&incentives=3&knowledge=4"
        "&technology=4&resilience=3"
    )
    page.goto(base_url + "patterns/land-and-expand/")

    link = page.get_by_role("link", name="Assess with the calculator")
    expect(link).to_have_count(1)
    assert (link.get_attribute("href") or "").endswith(profile)
    # Relative to the page, it must still lead to the calculator at the site's root.
    assert link.evaluate("a => a.href") == base_url + profile


def _related_link(page: Page, group: str, title: str) -> Locator:
    """Return the link to `title` listed under the relationship heading `group`."""
    section = page.locator("section.pl-relationships")
    heading = section.locator("h3", has_text=re.compile(rf"^\s*{re.escape(group)}\s*\d+\s*$"))
    expect(heading).to_have_count(1)
    return heading.locator("xpath=following-sibling::ul[1]").get_by_role(
        "link", name=title, exact=True
    )


def test_relationship_links_lead_there_and_back(
    page: Page, base_url: str, starter: Library
) -> None:
    here, there = "land-and-expand", "land-colonize-and-expand"
    page.goto(base_url + f"patterns/{here}/")

    _related_link(page, "Specializes to", _title(starter, there)).click()
    expect(page).to_have_url(base_url + f"patterns/{there}/")
    expect(page.locator("h1")).to_have_text(_title(starter, there))

    _related_link(page, "Generalizes from", _title(starter, here)).click()
    expect(page).to_have_url(base_url + f"patterns/{here}/")
    expect(page.locator("h1")).to_have_text(_title(starter, here))


# --- finding patterns: browse and search ------------------------------------------------------


def test_browse_by_domain(page: Page, base_url: str, starter: Library) -> None:
    titles = sorted(
        p.title for p in starter.patterns if p.meta["classification"]["domain"] == "startup"
    )
    assert len(titles) >= 2
    page.goto(base_url)
    screenshot(page, "home")

    page.get_by_role("navigation", name="Navigation").get_by_role(
        "link", name="Domains", exact=True
    ).click()
    expect(page).to_have_url(base_url + "browse/domain/")
    row = page.locator("table.pl-facets tbody tr", has=page.get_by_role("link", name="startup"))
    expect(row.locator("td").nth(1)).to_have_text(str(len(titles)))

    row.get_by_role("link", name="startup", exact=True).click()
    expect(page).to_have_url(base_url + "browse/domain/startup/")
    expect(page.locator("h1")).to_have_text(f"Domain: startup ({len(titles)})")
    listed = page.locator("ul.pl-list > li > a:first-child")
    expect(listed).to_have_count(len(titles))
    assert sorted(listed.all_inner_texts()) == titles
    screenshot(page, "browse")

    target = starter.by_key["use-case-stairway"]
    listed.filter(has_text=target.title).click()
    expect(page).to_have_url(base_url + f"patterns/{target.key}/")
    expect(page.locator("h1")).to_have_text(target.title)


def _results(page: Page) -> Locator:
    """Return the links of the search results shown."""
    return page.locator("#pl-search .pl-search__link")


def test_search_finds_a_pattern_by_a_word_in_its_text(
    page: Page, base_url: str, starter: Library
) -> None:
    target = starter.by_key["customer-success-architect"]
    having = [
        f.stem for f in sorted((ROOT / "patterns").glob("*.md"))
        if SEARCH_WORD in f.read_text(encoding="utf-8").lower()
    ]
    assert having == [target.key], f"pick a SEARCH_WORD found only in {target.key}.md"

    page.goto(base_url + "search/")
    page.locator("#pl-search input[type='search']").press_sequentially(SEARCH_WORD)
    expect(_results(page)).to_have_text([target.title])
    screenshot(page, "search")

    _results(page).first.click()
    expect(page).to_have_url(base_url + f"patterns/{target.key}/")
    expect(page.locator("h1")).to_have_text(target.title)


def _categories(pattern: Pattern) -> list[str]:
    value = pattern.meta["classification"]["category"]
    return [value] if isinstance(value, str) else list(value)


def test_search_filter_narrows_the_results(page: Page, base_url: str, starter: Library) -> None:
    word, category = "customer", "growth"
    having = [
        p for p in starter.patterns
        if word in (ROOT / p.path).read_text(encoding="utf-8").lower()
    ]
    in_category = [p for p in having if category in _categories(p)]
    assert 0 < len(in_category) < len(having), "pick a word and category that narrow"

    page.goto(base_url + f"search/?q={word}")
    message = page.locator("#pl-search .pl-search__message")
    expect(message).to_have_text(f"{len(having)} results for {word}")
    page.locator("#pl-search label", has_text=category).click()
    expect(message).to_have_text(f"{len(in_category)} results for {word} (filtered)")
    expect(_results(page)).to_have_count(len(in_category))
    assert sorted(_results(page).all_inner_texts()) == sorted(p.title for p in in_category)
    # The filters are in the URL: the same view opens from it.
    expect(page).to_have_url(base_url + f"search/?q={word}&category={category}")
    page.reload()
    expect(message).to_have_text(f"{len(in_category)} results for {word} (filtered)")
    expect(page.locator("#pl-search input[type='checkbox'][value='growth']")).to_be_checked()


def test_search_filters_show_before_typing_and_work_alone(
    page: Page, base_url: str, starter: Library
) -> None:
    from generator.library.score import score

    assessments = score(starter)
    page.goto(base_url + "search/")
    facets = page.locator("#pl-search details.pl-search__facet > summary")
    expect(facets).to_have_text(["Alignment level", "Domain", "Category"])
    # The alignment filter names the levels, as badges; the counts are the library's.
    levels = page.locator("#pl-search details.pl-search__facet").first.locator("label")
    by_level = sorted({(a.alignment, a.level) for a in assessments.values()})
    expect(levels).to_have_text([
        f"{n} · {name} ({sum(1 for a in assessments.values() if a.alignment == n)})"
        for n, name in by_level
    ])
    # A filter without a word lists every pattern it matches, each with its badge.
    n, name = by_level[-1]
    levels.filter(has_text=name).click()
    expected = sorted(starter.by_key[k].title for k, a in assessments.items() if a.alignment == n)
    expect(_results(page)).to_have_count(len(expected))
    assert sorted(_results(page).all_inner_texts()) == expected
    badges = page.locator("#pl-search .pl-search__head .pl-level")
    expect(badges).to_have_text([f"{n} · {name}"] * len(expected))
    expect(page).to_have_url(re.compile(r"search/\?alignment=" + str(n)))


@pytest.mark.parametrize("word", ["customer", "expansion"])
def test_search_merges_the_bundles_of_a_sharded_index(
    page: Page, base_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    # A large library is indexed in shards (Pagefind holds what it indexes in memory); one
    # page per shard here. The search must show what the one-bundle index of the session's
    # site shows.
    monkeypatch.setattr(searchindex, "SHARD_BYTES", 1)
    sharded = build(ROOT, site_dir=tmp_path / "site").site
    bundles = sorted(p.name for p in sharded.glob("pagefind*"))
    assert len(bundles) == len(list((ROOT / "patterns").glob("*.md"))) > 1

    page.goto(base_url + f"search/?q={word}")
    expect(_results(page).first).to_be_visible()
    expected = sorted(_results(page).all_inner_texts())
    assert len(expected) > 1, f"pick a word found in several patterns, not {word!r}"
    with serve(sharded) as url:
        page.goto(url + f"search/?q={word}")
        expect(_results(page)).to_have_count(len(expected))
        assert sorted(_results(page).all_inner_texts()) == expected


def test_search_query_in_the_url_is_prefilled(
    page: Page, base_url: str, starter: Library
) -> None:
    page.goto(base_url + f"search/?q={SEARCH_WORD}")
    expect(page.locator("#pl-search input[type='search']")).to_have_value(SEARCH_WORD)
    expect(_results(page)).to_have_text([_title(starter, "customer-success-architect")])


# --- every page: offline and free of errors ---------------------------------------------------

# What to open, and what shows the page has finished its work (search: results are in).
PAGES = {
    "home": ("", "h1"),
    "pattern": ("patterns/land-and-expand/", "[data-testid=overall]"),
    "search": (f"search/?q={SEARCH_WORD}", "#pl-search .pl-search__link"),
}


@dataclass
class Visit:
    """What one page load asked the network for, and what it complained about."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def visits(browser: Browser, base_url: str) -> Iterator[dict[str, Visit]]:
    """Load each page of PAGES once, recording its requests, console errors and exceptions."""
    out: dict[str, Visit] = {}
    pages: dict[str, Page] = {}
    for name, (path, _) in PAGES.items():
        visit = out[name] = Visit()
        page = pages[name] = new_page(browser)  # a cold cache: every resource is asked for
        page.on("request", lambda r, v=visit: v.requests.append(r.url))
        page.on("console", lambda m, v=visit: v.errors.extend(
            [f"console: {m.text} ({m.location.get('url', '')})"] if m.type == "error" else []
        ))
        page.on("pageerror", lambda e, v=visit: v.errors.append(f"exception: {e}"))
        page.goto(base_url + path, wait_until="commit")
    # Loaded side by side, so the quiet half-seconds networkidle waits for overlap.
    for name, (_, ready) in PAGES.items():
        try:
            pages[name].wait_for_load_state("networkidle")
            pages[name].locator(ready).first.wait_for()
        except PlaywrightTimeoutError:
            # Recorded, not raised: one broken page must not hide what the others show.
            out[name].errors.append(f"never finished loading: {ready} did not appear")
    yield out
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize("name", PAGES)
def test_pages_load_nothing_from_elsewhere(
    visits: dict[str, Visit], base_url: str, name: str
) -> None:
    requests = visits[name].requests
    assert len(requests) > 1, "the page and its assets were not all recorded"
    elsewhere = [url for url in requests if not url.startswith(base_url)]
    assert elsewhere == []


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_no_console_errors(visits: dict[str, Visit], name: str) -> None:
    assert visits[name].requests, "the page was not loaded"
    assert visits[name].errors == []
