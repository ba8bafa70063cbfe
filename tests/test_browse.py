"""Browse pages that scale: long listings paged, A to Z by letter, browse by alignment level,
and relationship groups folded on pattern pages.

A large library is made from the starter patterns (copies under new keys and titles) and only
rendered, not built: what is checked is which pages exist, what each lists, and that every
link between them leads to a page that exists.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.library.link import link
from generator.library.model import Library
from generator.library.score import score
from generator.site.render import FOLD_AFTER, PAGE_SIZE, SiteConfig, page_url, render
from tests.browser import BROWSER_TESTS

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _large(starter: Library, count: int) -> Library:
    """`count` patterns cloned from the starter ones; titles spread over the alphabet, with
    most under S and some starting with a digit; every third one has no 7 Pillars table."""
    patterns = []
    for n in range(count):
        source = starter.patterns[n % len(starter.patterns)]
        first = "S" if n % 2 else ("7" if n % 29 == 0 else LETTERS[n % 26])
        title = f"{first}ample {n:04d}"
        meta = dict(source.meta, title=title, id=f"pat_clone{n:05d}")
        meta.pop("aliases", None)
        for kind in ("related", "enables", "requires", "generalizes_from", "specializes_to"):
            meta.pop(kind, None)
        if n % 3 == 0:
            body, table = source.body.split("## 5. 7 Pillars", 1)[0], None
        else:
            body, table = source.body, source.table
        patterns.append(dataclasses.replace(
            source, key=f"clone-{n:04d}", path=f"patterns/clone-{n:04d}.md", meta=meta,
            body=body, table=table,
        ))
    return Library(patterns=tuple(patterns), files=count)


@pytest.fixture(scope="module")
def large(starter: Library) -> tuple[Library, dict[str, str]]:
    library = _large(starter, 900)
    outputs = render(library, score(library), link(library), SiteConfig(site_name="Large"))
    return library, {o.path: o.text for o in outputs}


def _url(docs_path: str) -> str:
    return page_url(docs_path)


def _listed(text: str) -> list[str]:
    """The pattern keys a listing page lists, in order."""
    return re.findall(r'<li><a href="(?:\.\./)+patterns/([^/"]+)/">', text)


def _hrefs(text: str) -> list[str]:
    return re.findall(r'href="([^"#]*)(?:#[^"]*)?"', text)


def _resolve(from_docs: str, href: str) -> str:
    """The site URL a relative link on the page of `from_docs` leads to."""
    parts = [s for s in _url(from_docs).split("/") if s]
    for segment in href.split("/"):
        if segment == "..":
            parts.pop()
        elif segment not in ("", "."):
            parts.append(segment)
    return "/".join(parts) + "/" if parts else ""


def test_long_listings_are_paged_and_every_page_link_resolves(
    large: tuple[Library, dict[str, str]],
) -> None:
    library, pages = large
    urls = {_url(path) for path in pages if path.endswith(".md")}
    for path, text in pages.items():
        if path.startswith("browse/"):
            assert len(_listed(text)) <= PAGE_SIZE, path
            for href in _hrefs(text):
                if href and not href.startswith(("http", "mailto")) and not href.endswith(
                        (".json", ".css", ".js")):
                    assert _resolve(path, href) in urls, f"{path}: {href} leads nowhere"

    # Every status value's pages together list each of its patterns once, in title order.
    statuses = Counter(p.meta["classification"]["status"] for p in library.patterns)
    for status, count in statuses.items():
        stem = f"browse/status/{status}"
        chain = [f"{stem}.md", *(f"{stem}/page-{n}.md" for n in range(2, 99))]
        listed = [key for path in chain if path in pages for key in _listed(pages[path])]
        expected = sorted((p for p in library.patterns
                           if p.meta["classification"]["status"] == status),
                          key=lambda p: (p.title.lower(), p.key))
        assert listed == [p.key for p in expected]
        assert f"{stem}/page-{-(-count // PAGE_SIZE) + 1}.md" not in pages
        if count > PAGE_SIZE:
            last = f"{stem}/page-{-(-count // PAGE_SIZE)}.md"
            assert f"Patterns {(count - 1) // PAGE_SIZE * PAGE_SIZE + 1:,}-{count:,} of " \
                   f"{count:,}." in pages[last]
            assert 'rel="next"' in pages[f"{stem}.md"]
            assert 'rel="next"' not in pages[last]
            assert 'rel="prev"' in pages[last]
            assert 'rel="prev"' not in pages[f"{stem}.md"]


def test_a_to_z_gives_each_letter_its_pages(large: tuple[Library, dict[str, str]]) -> None:
    library, pages = large
    index = pages["browse/a-z/index.md"]
    assert _listed(index) == []  # too many for one page: the index names the letters
    firsts = Counter(p.title[0] if p.title[0].isalpha() else "#" for p in library.patterns)
    for letter, count in firsts.items():
        slug = "other" if letter == "#" else letter.lower()
        assert f'href="{slug}/"' in index
        page = pages[f"browse/a-z/{slug}.md"]
        assert f"({count:,})</h1>" in page
        listed = _listed(page)
        assert len(listed) == min(count, PAGE_SIZE)
        assert all(library.by_key[k].title.startswith(letter) or letter == "#" for k in listed)
        # The letter bar marks where the reader is, and only there.
        bar = page.split('<nav class="pl-letters"', 1)[1].split("</nav>", 1)[0]
        assert re.findall(r'aria-current="page"[^>]*>([^<]*)</a>', bar) == [letter]
    assert firsts["S"] > PAGE_SIZE
    assert "browse/a-z/s/page-2.md" in pages


def test_small_library_lists_a_to_z_on_one_page(starter: Library) -> None:
    outputs = {o.path: o.text for o in render(starter, score(starter), link(starter),
                                              SiteConfig(site_name="Starter"))}
    index = outputs["browse/a-z/index.md"]
    assert sorted(_listed(index)) == sorted(p.key for p in starter.patterns)
    assert not any(path.startswith("browse/a-z/") and path != "browse/a-z/index.md"
                   for path in outputs)
    assert '<nav class="pl-letters" aria-label="Letters"><a href="#' in index


def test_alignment_pages_list_patterns_by_level(
    large: tuple[Library, dict[str, str]],
) -> None:
    library, pages = large
    assessments = score(library)
    index = pages["browse/alignment/index.md"]
    for level in ("1", "2", "3", "4", "5", "none"):
        expected = sorted((p for p in library.patterns
                           if str(getattr(assessments.get(p.key), "alignment", "none")) == level),
                          key=lambda p: (p.title.lower(), p.key))
        stem = f"browse/alignment/{level}"
        listed = [k for n in range(1, 99)
                  for path in [f"{stem}.md" if n == 1 else f"{stem}/page-{n}.md"]
                  if path in pages for k in _listed(pages[path])]
        assert listed == [p.key for p in expected], level
        assert re.search(rf'<a href="{level}/"[^>]*>[^<]*</a></td><td>{len(expected):,}</td>',
                         index)
    assert f"{len(assessments)} patterns of {len(library.patterns)} assessed" in index


def test_every_alignment_badge_links_to_its_level_page(
    large: tuple[Library, dict[str, str]],
) -> None:
    library, pages = large
    assessments = score(library)
    for pattern in library.patterns[:40]:
        page = pages[f"patterns/{pattern.key}.md"]
        assessment = assessments.get(pattern.key)
        if assessment is None:
            assert "pl-badge--alignment" not in page
            continue
        badge = re.search(r'<a class="pl-badge pl-badge--alignment pl-level pl-level--(\d)" '
                          r'href="([^"]+)"', page)
        assert badge is not None
        assert badge.group(1) == str(assessment.alignment)
        assert badge.group(2) == f"../../browse/alignment/{assessment.alignment}/"
    listing = pages["browse/status/draft.md"] if "browse/status/draft.md" in pages else next(
        text for path, text in pages.items() if path.startswith("browse/status/"))
    levels = re.findall(r'class="pl-level pl-level--(\w+)" href="([^"]+)"', listing)
    assert levels
    assert all(href.endswith(f"browse/alignment/{lv}/") for lv, href in levels)


def test_long_relationship_groups_are_counted_and_folded(starter: Library) -> None:
    library = _large(starter, 60)
    hub = library.patterns[0]
    others = [p.key for p in library.patterns[1:]]
    patterns = (dataclasses.replace(hub, meta=dict(hub.meta, related=others)),
                *library.patterns[1:])
    library = Library(patterns=patterns, files=len(patterns))
    outputs = {o.path: o.text for o in render(library, score(library), link(library),
                                              SiteConfig(site_name="Hub"))}
    page = outputs[f"patterns/{hub.key}.md"]
    assert f'<h3 id="rel-related">Related <span class="pl-count">{len(others)}</span></h3>' in page
    shown, folded = page.split('<h3 id="rel-related">', 1)[1].split("<details", 1)
    assert len(re.findall(r"<li>", shown)) == FOLD_AFTER
    folded = folded.split("</details>", 1)[0]
    assert f"<summary>Show all {len(others)} ({len(others) - FOLD_AFTER} more)</summary>" in folded
    assert len(re.findall(r"<li>", folded)) == len(others) - FOLD_AFTER
    # The group is in the table of contents, with its count.
    assert f'{{"level":3,"id":"rel-related","name":"Related ({len(others)})"' in page
    # Each other pattern names the hub once, under "Listed as related by", not folded.
    other = outputs[f"patterns/{others[0]}.md"]
    assert '<h3 id="rel-listed-as-related-by">Listed as related by <span class="pl-count">1' \
           in other
    assert "<details" not in other


# --- in the browser ---------------------------------------------------------------------------


@BROWSER_TESTS
def test_alignment_badge_leads_to_the_level_page(
    page: Page, base_url: str, starter: Library
) -> None:
    assessments = score(starter)
    key = next(p.key for p in starter.patterns if p.key in assessments)
    level = assessments[key].alignment
    page.goto(base_url + f"patterns/{key}/")
    page.locator("a.pl-badge--alignment").click()
    expect(page).to_have_url(base_url + f"browse/alignment/{level}/")
    same = sorted(starter.by_key[k].title for k, a in assessments.items() if a.alignment == level)
    titles = page.locator("ul.pl-list > li > a:first-child")
    expect(titles).to_have_count(len(same))
    assert sorted(titles.all_inner_texts()) == same
    # The letter bar of a one-page A to Z jumps within the page.
    page.goto(base_url + "browse/a-z/")
    first = page.locator("nav.pl-letters a").first
    anchor = first.get_attribute("href")
    assert anchor is not None
    assert anchor.startswith("#")
    first.click()
    expect(page.locator(f"h2{anchor}")).to_be_in_viewport()


def test_no_listing_page_grows_past_page_size(large: tuple[Library, dict[str, str]]) -> None:
    _, pages = large
    sizes = {path: len(text.encode()) for path, text in pages.items()
             if path.startswith("browse/")}
    # 200 entries of a few hundred bytes each: far below the 300 KB a page may weigh.
    assert max(sizes.values()) < 150_000, max(sizes, key=sizes.__getitem__)


@BROWSER_TESTS
def test_theme_follows_the_system_and_toggles_from_the_keyboard(
    browser: Browser, base_url: str
) -> None:
    def scheme(page: Page) -> str | None:
        return page.evaluate("document.body.getAttribute('data-md-color-scheme')")

    for system, other in (("light", "slate"), ("dark", "default")):
        context = browser.new_context(color_scheme=system)  # type: ignore[arg-type]
        page = context.new_page()
        page.goto(base_url + "patterns/land-and-expand/")
        first = "default" if system == "light" else "slate"
        assert scheme(page) == first
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        # Tab from the logo reaches the toggle; its ring shows on the visible button.
        page.locator("a.md-header__button.md-logo").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('name')")
        assert focused == "__palette"
        ring = page.evaluate(
            "getComputedStyle(document.activeElement.nextElementSibling).outlineStyle")
        assert ring == "solid"
        page.keyboard.press("Enter")
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", other)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background
        # The choice is kept on the next page.
        page.goto(base_url + "browse/a-z/")
        assert scheme(page) == other
        page.locator("a.md-header__button.md-logo").focus()
        page.keyboard.press("Tab")
        page.keyboard.press(" ")  # Space flips it too
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", first)
        context.close()


@BROWSER_TESTS
def test_folded_relationships_open_for_printing(page: Page, base_url: str) -> None:
    page.goto(base_url + "patterns/land-and-expand/")
    # The starter library has no group long enough to fold: fold one as the template does.
    page.evaluate("""() => {
        const list = document.querySelector("section.pl-relationships ul.pl-links");
        const more = document.createElement("details");
        more.className = "pl-more";
        more.innerHTML = "<summary>Show all</summary>";
        more.appendChild(list.cloneNode(true));
        list.after(more);
    }""")
    folded = page.locator("details.pl-more")
    assert folded.evaluate("d => d.open") is False
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert folded.evaluate("d => d.open") is True
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert folded.evaluate("d => d.open") is False
