"""The 404 page and printing, where a person meets them: in headless Chromium.

The 404 page is tried on the session's site (conftest.py: built without site_url, served at
the root) and on a build for https://example.org/library/ served under /library/, both served
as GitHub Pages serves a site: a missing address is answered with 404.html and status 404
(tests/browser.py). `patternlib serve` itself is checked over HTTP. Printing is tried on a
pattern page of that second build, whose body has a link to another site.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, expect

from generator.site.build import build
from tests.browser import BROWSER_TESTS, DESKTOP, new_context, screenshot, serve
from tests.conftest import ROOT
from tests.test_site import _write_library

SITE_URL = "https://example.org/library/"
PREFIX = "/library/"
MISSING = "patterns/land-and-expnd/"
TARGET = "land-and-expand"
EXTERNAL = "https://example.org/guide/land-and-expand"
TRANSPARENT = "rgba(0, 0, 0, 0)"
MOBILE: ViewportSize = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def subpath(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter library, one body linking to another site, built for /library/."""
    root = tmp_path_factory.mktemp("printable")
    shutil.copytree(ROOT / "patterns", root / "patterns")
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    source = root / "patterns" / f"{TARGET}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(f"{text.rstrip()}\n5. [A guide elsewhere]({EXTERNAL}), for print.\n",
                      encoding="utf-8")
    return build(root, site_dir=root / "site", site_url=SITE_URL).site


@pytest.fixture(scope="module")
def subpath_url(subpath: Path) -> Iterator[str]:
    with serve(subpath, PREFIX) as url:
        yield url


@pytest.fixture(params=["root", "subpath"])
def served(request: pytest.FixtureRequest) -> str:
    """The site's URL: at the root without site_url, or under /library/ with it."""
    name = "base_url" if request.param == "root" else "subpath_url"
    url: str = request.getfixturevalue(name)
    return url


def open_missing(page: Page, url: str) -> None:
    """Open a missing address; wait for the 404 page's suggestions."""
    response = page.goto(url)
    assert response is not None
    assert response.status == 404
    expect(page.get_by_test_id("suggestions").locator("a").first).to_be_visible()


# --- the 404 page ---------------------------------------------------------------------------


@BROWSER_TESTS
def test_missing_page_suggests_the_closest_pattern(page: Page, served: str) -> None:
    open_missing(page, served + MISSING)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("search").get_by_label("Search the patterns")).to_be_visible()
    # Styled: Material's stylesheet and ours were found from this depth.
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header'))"
                           ".backgroundColor")
    assert header != TRANSPARENT
    assert page.evaluate("getComputedStyle(document.querySelector('.pl-404__row')).display") \
        == "flex"
    suggestions = page.get_by_test_id("suggestions").locator("a")
    suggestion = suggestions.first
    expect(suggestion).to_have_text(TARGET)
    # The others share a word with the address ("and" does not count) or are a typo away.
    assert all("land" in s or "expand" in s for s in suggestions.all_inner_texts())
    # From the site's root, whatever the depth of the missing address.
    expect(suggestion).to_have_attribute("href", f"{urlsplit(served).path}patterns/{TARGET}/")
    screenshot(page, f"404-{'subpath' if PREFIX in served else 'root'}")
    suggestion.click()
    page.wait_for_url(served + f"patterns/{TARGET}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Land and Expand")


@BROWSER_TESTS
@pytest.mark.parametrize("missing", ["a/b/c/land-expand", "land-and-expand.html",
                                     "patterns/land-and-expnd/deeper/still/"])
def test_suggestions_work_from_any_depth(page: Page, subpath_url: str, missing: str) -> None:
    open_missing(page, subpath_url + missing)
    first = page.get_by_test_id("suggestions").locator("a").first
    expect(first).to_have_text(TARGET)
    expect(first).to_have_attribute("href", f"{PREFIX}patterns/{TARGET}/")
    expect(page.locator("#pl-404-path code")).to_have_text(PREFIX + missing)


@BROWSER_TESTS
def test_nothing_near_suggests_nothing(page: Page, subpath_url: str) -> None:
    response = page.goto(subpath_url + "zzzzqqqq/")
    assert response is not None
    assert response.status == 404
    page.wait_for_load_state("networkidle")
    expect(page.locator("#pl-404-suggestions")).to_be_hidden()
    expect(page.get_by_label("Search the patterns")).to_have_value("zzzzqqqq")


@BROWSER_TESTS
def test_search_box_leads_to_the_search_page(page: Page, served: str) -> None:
    open_missing(page, served + MISSING)
    box = page.get_by_label("Search the patterns")
    expect(box).to_have_value("land and expnd")  # the missing address's words, to edit
    box.fill("expand")
    box.press("Enter")
    page.wait_for_url(served + "search/?q=expand")
    # The search page reads ?q= and searches at once: results link to pattern pages.
    expect(page.locator("#pl-search input").first).to_have_value("expand")
    expect(page.locator("#pl-search a[href*='patterns/']").first).to_be_visible()


@BROWSER_TESTS
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_404_page_passes_axe_in_both_schemes(
    browser: Browser, served: str, scheme: str, viewport: ViewportSize
) -> None:
    context = new_context(browser, viewport)
    try:
        page = context.new_page()
        page.emulate_media(color_scheme="dark" if scheme == "dark" else "light")
        open_missing(page, served + MISSING)
        expected = "slate" if scheme == "dark" else "default"
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", expected)
        screenshot(page, f"404-{scheme}-{viewport['width']}")
        # The whole page, Material's header and navigation included.
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


def test_patternlib_serve_answers_a_missing_page_with_404(tmp_path: Path) -> None:
    root = _write_library(tmp_path / "library")
    # Where it will be published does not matter to the preview: served at the root.
    (root / "mkdocs.yml").write_text(f"site_name: Test Library\nsite_url: {SITE_URL}\n",
                                     encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", "0",
         "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if match := re.search(r"at (http://\S+/) ", line):
                url = match.group(1)
                break
        else:
            pytest.fail("serve stopped:\n" + "".join(lines))
        with urllib.request.urlopen(url + "patterns/alpha/", timeout=10) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "patterns/alpah/", timeout=10)
        assert missing.value.code == 404
        assert missing.value.headers["Content-Type"] == "text/html; charset=utf-8"
        body = missing.value.read().decode("utf-8")
        assert '<div id="pl-404"' in body
        assert 'data-base="/"' in body  # built for the address it is served at
        assert 'href="/assets/patternlib/patternlib.css"' in body
        head = urllib.request.Request(url + "nowhere", method="HEAD")
        with pytest.raises(urllib.error.HTTPError) as headed:
            urllib.request.urlopen(head, timeout=10)
        assert headed.value.code == 404
        assert headed.value.read() == b""
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


# --- print ----------------------------------------------------------------------------------

# What a printed page leaves out: header, navigation, table of contents, footer, "back to top",
# the calculator button and the headings' permalinks.
HIDDEN_IN_PRINT = [".md-header", ".md-sidebar--primary", ".md-sidebar--secondary",
                   ".md-footer", ".md-top", ".pl-scorecard .md-button", ".headerlink"]


def _display(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector, "els => els.map(el => getComputedStyle(el).display)")


def _after(page: Page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el, '::after').content")


@pytest.fixture
def pattern_page(page: Page, subpath_url: str) -> Page:
    page.goto(subpath_url + f"patterns/{TARGET}/")
    page.wait_for_load_state("networkidle")
    return page


@BROWSER_TESTS
def test_printed_pattern_page_is_the_document_alone(pattern_page: Page) -> None:
    page = pattern_page
    for selector in HIDDEN_IN_PRINT:  # all there on screen
        assert _display(page, selector), f"no {selector} on the page"
    assert "none" not in _display(page, ".md-header") + _display(page, ".pl-scorecard .md-button")
    page.emulate_media(media="print")
    for selector in HIDDEN_IN_PRINT:
        assert set(_display(page, selector)) == {"none"}, selector
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator(".pl-scores")).to_be_visible()
    heading = page.locator("article h2").first
    assert heading.evaluate("el => getComputedStyle(el).breakAfter") == "avoid"
    assert page.locator(".pl-scores").evaluate("el => getComputedStyle(el).breakInside") \
        == "avoid"


@BROWSER_TESTS
def test_printed_links_to_other_sites_show_their_address(pattern_page: Page) -> None:
    page = pattern_page
    external = f'article a[href="{EXTERNAL}"]'
    assert _after(page, external) == "none"  # on screen, nothing added
    page.emulate_media(media="print")
    assert _after(page, external) == f'" ({EXTERNAL})"'  # attr(href), resolved
    # Links within the site and to a heading on the page get nothing.
    assert _after(page, "article .pl-relationships a[href]") == "none"
    assert _after(page, "article a[href^='#']") == "none"


@BROWSER_TESTS
def test_printed_in_dark_mode_is_ink_on_paper(browser: Browser, subpath_url: str) -> None:
    context = new_context(browser)
    try:
        page = context.new_page()
        page.emulate_media(color_scheme="dark")
        page.goto(subpath_url + f"patterns/{TARGET}/")
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        page.emulate_media(media="print", color_scheme="dark")
        colour = page.evaluate("getComputedStyle(document.querySelector('article p')).color")
        channels = [float(c) for c in re.findall(r"[\d.]+", colour)[:3]]
        assert max(channels) < 80, colour  # dark text, not dark mode's light grey
    finally:
        context.close()


@BROWSER_TESTS
def test_pattern_page_prints_to_pdf(pattern_page: Page) -> None:
    pdf = pattern_page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 10_000
    assert pdf.rstrip().endswith(b"%%EOF")
