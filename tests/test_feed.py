"""The Atom feed of new and updated patterns, read by a real feed parser (feedparser)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import feedparser

from generator.library.model import Library
from generator.site.build import build
from generator.site.feed import FEED_SIZE, atom
from tests.conftest import ROOT


def _parse(text: str, url: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse(text, response_headers={
        "content-location": url, "content-type": "application/atom+xml"})
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_lists_every_dated_pattern_newest_first(site: Path, starter: Library) -> None:
    feed = _parse((site / "feed.xml").read_text(encoding="utf-8"), "http://x.test/feed.xml")
    assert feed.feed.title == "Land and Expand Pattern Library: new and updated patterns"
    dated = [p for p in starter.patterns if p.meta.get("modified") or p.meta.get("created")]
    assert len(feed.entries) == min(len(dated), FEED_SIZE) > 0
    stamps = [entry.updated for entry in feed.entries]
    assert stamps == sorted(stamps, reverse=True)
    by_id = {p.id: p for p in starter.patterns}
    for entry in feed.entries:
        pattern = by_id[entry.id.removeprefix("urn:patternlib:")]
        assert entry.title == pattern.title
        assert entry.updated.startswith(str(pattern.meta["modified"])[:10])
        # The link, resolved against the feed's own address, is the pattern's page.
        assert entry.link == f"http://x.test/patterns/{pattern.key}/"
        assert (site / "patterns" / pattern.key / "index.html").is_file()
        assert entry.summary
        assert entry.author


def test_every_page_links_the_feed(site: Path) -> None:
    for page in ("index.html", "patterns/land-and-expand/index.html", "browse/a-z/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        depth = page.count("/")
        href = "/".join([".."] * depth) + "/feed.xml" if depth else "./feed.xml"
        assert re.search(rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
                         rf'href="{re.escape(href)}">', html), page


def test_with_a_site_url_links_are_absolute_and_newest_first(starter: Library) -> None:
    # Newer dates on two patterns put them first; an undated one is left out.
    patterns = list(starter.patterns)
    patterns[3] = dataclasses.replace(patterns[3], meta={**patterns[3].meta,
                                                          "modified": "2027-05-01"})
    patterns[5] = dataclasses.replace(patterns[5], meta={**patterns[5].meta,
                                                          "modified": "2027-03-01"})
    undated = {k: v for k, v in patterns[0].meta.items() if k not in ("modified", "created")}
    patterns[0] = dataclasses.replace(patterns[0], meta=undated)
    library = Library(patterns=tuple(patterns), files=len(patterns))
    text = atom(library, "Lib <&>", "https://example.org/lib/")
    feed = _parse(text, "https://example.org/lib/feed.xml")
    assert feed.feed.title == "Lib <&>: new and updated patterns"
    assert feed.feed.id == "https://example.org/lib/"
    assert [e.title for e in feed.entries[:2]] == [patterns[3].title, patterns[5].title]
    assert patterns[0].title not in [e.title for e in feed.entries]
    assert all(e.link.startswith("https://example.org/lib/patterns/") for e in feed.entries)
    assert text == atom(library, "Lib <&>", "https://example.org/lib/")  # deterministic


def test_a_build_with_a_site_url_publishes_absolute_links(tmp_path: Path) -> None:
    site = build(ROOT, site_dir=tmp_path / "site", site_url="https://example.org/lib/").site
    feed = _parse((site / "feed.xml").read_text(encoding="utf-8"), "https://elsewhere.test/")
    assert feed.entries[0].link.startswith("https://example.org/lib/patterns/")
    head = (site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in head
    assert 'href="./feed.xml"' in head
