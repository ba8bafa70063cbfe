"""Accessibility of every page type, as axe-core sees it in Chromium: no serious or critical
violation in light and dark, at desktop and phone widths, Material's own markup included.

The starter library's site (the session's `site`) has every page type but the long listings:
a library of 230 patterns, built here, has an A to Z by letter and listings in pages.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from generator.site.build import build
from generator.site.render import PAGE_SIZE
from tests.browser import BROWSER_TESTS, DESKTOP, new_context, serve
from tests.conftest import ROOT

pytestmark = BROWSER_TESTS

PHONE = {"width": 390, "height": 844}
# Page types of the starter site, and what shows the page has done its work.
STARTER_PAGES = {
    "home": ("", "h1"),
    "pattern": ("patterns/land-and-expand/", "[data-testid=overall]"),
    "a-z": ("browse/a-z/", "nav.pl-letters"),
    "facet index": ("browse/domain/", "table.pl-facets"),
    "facet value": ("browse/domain/startup/", "ul.pl-list"),
    "alignment index": ("browse/alignment/", "table.pl-facets"),
    "alignment level": ("browse/alignment/4/", "ul.pl-list"),
    "search": ("search/?q=customer", "#pl-search .pl-search__link"),
    "search filters": ("search/?category=growth", "#pl-search .pl-search__link"),
    "explore": ("explore/", "main h1"),
    "graph": ("graph/", "#pl-graph[data-ready]"),
    "insights": ("insights/", "main h1"),
    "calculator": ("calculator/", "h1"),
    "404": ("patterns/no-such-pattern/", "h1"),
}
BIG_PAGES = {
    "a-z by letter": ("browse/a-z/", "table.pl-facets"),
    "letter, paged": ("browse/a-z/s/", "nav.pl-pager"),
    "letter, page 2": ("browse/a-z/s/page-2/", "nav.pl-pager"),
    "facet value, paged": ("browse/status/draft/page-2/", "nav.pl-pager"),
}
SERIOUS = ("serious", "critical")


def _big_library(root: Path, count: int = 230) -> Path:
    """`count` copies of the starter patterns (new slugs, ids, titles; no links), most of
    them under S, so that one letter and one status need more than one page."""
    (root / "patterns").mkdir(parents=True)
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    sources = sorted((ROOT / "patterns").glob("*.md"))
    for n in range(count):
        text = sources[n % len(sources)].read_text(encoding="utf-8")
        first = "S" if n < PAGE_SIZE + 15 else "ABCDEFGHIJKLMNOPQRTUVWXYZ"[n % 25]
        text = re.sub(r"(?m)^id: .*$", f"id: pat_big{n:06d}", text, count=1)
        text = re.sub(r"(?m)^title: .*$", f"title: {first}ample {n:03d}", text, count=1)
        text = re.sub(r"(?m)^slug: .*$", f"slug: big-{n:03d}", text, count=1)
        text = re.sub(r"(?m)^aliases: .*$", "aliases: []", text, count=1)
        text = re.sub(r"(?m)^(generalizes_from|specializes_to|enables|requires|related): .*$",
                      r"\1: []", text)
        (root / "patterns" / f"big-{n:03d}.md").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def big_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = _big_library(tmp_path_factory.mktemp("big") / "lib")
    site = build(root, keep_going=True).site
    with serve(site) as url:
        yield url


def _violations(page: Page) -> list[str]:
    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
        if v["impact"] in SERIOUS
    ]


def _sweep(browser: Browser, base: str, pages: dict[str, tuple[str, str]]) -> list[str]:
    found = []
    for scheme in ("light", "dark"):
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = new_context(browser, viewport)  # type: ignore[arg-type]
            page = context.new_page()
            page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
            for name, (path, ready) in pages.items():
                page.goto(base + path)
                page.locator(ready).first.wait_for()
                found += [f"{name} ({scheme}, {width}): {v}" for v in _violations(page)]
            context.close()
    return found


def test_no_serious_violation_on_any_page_type(browser: Browser, base_url: str) -> None:
    assert _sweep(browser, base_url, STARTER_PAGES) == []


def test_no_serious_violation_on_long_listings(browser: Browser, big_url: str) -> None:
    assert _sweep(browser, big_url, BIG_PAGES) == []


def test_long_listing_pages_by_letter_and_pager(page: Page, big_url: str) -> None:
    page.goto(big_url + "browse/a-z/")
    page.locator("nav.pl-letters").get_by_role("link", name="S", exact=True).click()
    expect(page).to_have_url(big_url + "browse/a-z/s/")
    titles = page.locator("ul.pl-list > li > a:first-child")
    expect(titles).to_have_count(PAGE_SIZE)
    expect(page.locator("h1")).to_have_text(f"Patterns starting with S ({PAGE_SIZE + 15})")
    pager = page.get_by_role("navigation", name="Pages").first
    expect(pager.locator("[aria-current=page]")).to_have_text("1")
    pager.get_by_role("link", name="Next").click()
    expect(page).to_have_url(big_url + "browse/a-z/s/page-2/")
    expect(titles).to_have_count(15)
    expect(page.locator("main p", has_text="Patterns 201-215 of 215.")).to_have_count(1)
    expect(titles.first).to_have_text("Sample 200")
    page.get_by_role("navigation", name="Pages").first.get_by_role("link", name="Previous").click()
    expect(page).to_have_url(big_url + "browse/a-z/s/")
    expect(titles.first).to_have_text("Sample 000")
