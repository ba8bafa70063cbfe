"""Front-matter text reaches HTML only as text, and front-matter URLs must be http(s).

tests/test_site.py already checks that a title, an alias, a summary and a rationale are escaped
on the pattern page and kept raw in api/patterns.json and api/graph.json. This file adds what
that leaves out: contributor names, source titles and URLs, attribution, dates, version,
classification values (badges and the browse pages), the A to Z listing, the page's <title>
and meta description, api/profiles.json (what the calculator reads) and strict JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.site.build import build
from tests.threats import (
    FRONT_LINE,
    assert_build_refused,
    assert_reported,
    check,
    library_root,
    pattern,
    read_markup,
    site_pages,
    site_violations,
    strict_json,
    write,
)

P = "patterns/alpha.md"
SCHEMA = "error[schema]"

# --- URLs in front matter must be http(s) ------------------------------------------------------

URL_CASES = {
    "repository": (pattern(front="repository: javascript:alert(1)\n"),
                   f"{P}:{FRONT_LINE}:13: {SCHEMA} repository: 'javascript:alert(1)' must be an "
                   "http:// or https:// URL"),
    "page_url": (pattern(front="page_url: 'JaVaScRiPt:alert(1)'\n"),
                 f"{P}:{FRONT_LINE}:11: {SCHEMA} page_url: 'JaVaScRiPt:alert(1)' must be"),
    "github_url": (pattern(front="github_url: data:text/html,hi\n"),
                   f"{P}:{FRONT_LINE}:13: {SCHEMA} github_url: 'data:text/html,hi' must be"),
    "source-url": (pattern(front="sources:\n- title: A book\n  url: javascript:alert(1)\n"),
                   f"{P}:{FRONT_LINE + 2}:8: {SCHEMA} sources[0].url: 'javascript:alert(1)' "
                   "must be an http:// or https:// URL"),
    "source-url-vbscript": (pattern(front="sources:\n- title: A book\n  url: vbscript:x\n"),
                            f"{P}:{FRONT_LINE + 2}:8: {SCHEMA} sources[0].url:"),
    "contributor-url": (pattern(replace=(("  role: author\n",
                                          "  role: author\n  url: javascript:alert(1)\n"),)),
                        f"{P}:32:8: {SCHEMA} contributors[0].url: 'javascript:alert(1)' must be"),
    "leading-space": (pattern(front="repository: ' https://example.org/'\n"),
                      f"{P}:{FRONT_LINE}:13: {SCHEMA} repository:"),
}


@pytest.mark.parametrize("name", list(URL_CASES))
def test_front_matter_urls_must_be_http(name: str, tmp_path: Path) -> None:
    text, expected = URL_CASES[name]
    assert_reported(check(tmp_path, text), expected)


def test_http_urls_and_citation_text_are_accepted(tmp_path: Path) -> None:
    # A source given as text is a citation, shown as text: it never becomes a link.
    text = pattern(front="repository: https://example.org/r\nsources:\n- 'javascript:alert(1)'\n"
                         "- title: A book\n  url: http://example.org/book\n")
    assert check(tmp_path, text) == []


def test_unsafe_url_stops_the_build_and_writes_nothing(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    write(root, "alpha.md", URL_CASES["source-url"][0])
    assert_build_refused(root, URL_CASES["source-url"][1])


def test_numbers_json_cannot_hold_stay_text(tmp_path: Path) -> None:
    # .nan passes "minimum: 0, maximum: 1" (every comparison with NaN is false), and
    # api/patterns.json would hold NaN, which no browser parses: the loader keeps it as text.
    nan = pattern(replace=(("confidence_score: 0.5", "confidence_score: .nan"),))
    assert_reported(check(tmp_path / "nan", nan),
                    f"{P}:25:19: {SCHEMA} confidence_score: expected a number, got the text "
                    "'.nan'")
    inf = pattern(replace=(("confidence_score: 0.5", "confidence_score: -.inf"),))
    assert_reported(check(tmp_path / "inf", inf), f"{P}:25:19: {SCHEMA} confidence_score:")
    # A YAML 1.2 float is a number, as check-jsonschema reads it: in range, no problem.
    assert check(tmp_path / "exp", pattern(
        replace=(("confidence_score: 0.5", "confidence_score: 7e-1"),))) == []


# --- a --keep-going build of markup in every front-matter text --------------------------------

HOSTILE = {
    "title": '<script>alert("title")</script> & Co',
    "alias": '<img src=x onerror=alert("alias")>',
    "summary": '"><svg onload=alert("summary")>',
    "contributor": '<script>alert("contributor")</script>',
    "contributor-text": '<b onmouseover=alert("contributor-text")>x</b>',
    "source": "<a href=\"javascript:alert('source')\">source</a>",
    "source-url": 'javascript:alert("source-url")',
    "citation": 'javascript:alert("citation")',
    "attribution": "<iframe src=\"javascript:alert('attribution')\"></iframe>",
    "domain": '<script>alert("domain")</script>',
    "category": '"><img src=x onerror=alert("category")>',
    "version": '<i onclick=alert("version")>1</i>',
    "created": '2026-01-05"><script>alert("created")</script>',
    "rationale": '<img src=x onerror=alert("rationale")>',
    "repository": 'javascript:alert("repository")',
}
SHOWN_ON_PAGE = ("title", "alias", "summary", "contributor", "contributor-text", "source",
                 "citation", "attribution", "domain", "category", "version", "created",
                 "rationale")


def _hostile_pattern() -> str:
    h = {key: json.dumps(value) for key, value in HOSTILE.items()}
    pillars = "".join(
        f"  {key}:\n    score: 4\n    rationale: {h['rationale']}\n"
        for key in ("purpose", "governance", "culture", "incentives", "knowledge",
                    "technology", "resilience")
    )
    return f"""---
id: pat_aaaaaaaaaaaaaaaaaaaaaaaa
title: {h['title']}
slug: alpha
aliases: [{h['alias']}]
summary: {h['summary']}
classification:
  universality: domain
  domain: {h['domain']}
  category: [{h['category']}]
  era: [digital]
  origin: [test-suite]
  status: draft
  commons_domain: [business]
version: {h['version']}
created: {h['created']}
modified: 2026-02-01
contributors:
- name: {h['contributor']}
  role: author
- {h['contributor-text']}
sources:
- title: {h['source']}
  url: {h['source-url']}
- {h['citation']}
attribution: {h['attribution']}
repository: {h['repository']}
license: CC-BY-SA-4.0
pillars:
{pillars}---

# Alpha

## Overview

A pattern whose front matter is hostile.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build one pattern with markup in every front-matter text, with --keep-going."""
    root = library_root(tmp_path_factory.mktemp("front-matter"))
    write(root, "alpha.md", _hostile_pattern())
    return build(root, keep_going=True).site


def test_nothing_from_the_front_matter_runs(site: Path) -> None:
    failures = site_violations(site)
    assert not failures, "executable markup in the site:\n" + "\n".join(failures)


def test_pattern_page_shows_every_text_as_text(site: Path) -> None:
    page = read_markup((site / "patterns" / "alpha" / "index.html").read_text(encoding="utf-8"))
    text = "".join(page.text)
    missing = [key for key in SHOWN_ON_PAGE if HOSTILE[key] not in text]
    assert not missing, f"not shown as text: {missing}"
    assert page.meta["description"] == HOSTILE["summary"]
    # The unsafe source URL is not a link: the source is listed as text.
    assert 'javascript:alert("source-url")' not in json.dumps(page.urls)


def test_listings_show_titles_and_values_as_text(site: Path) -> None:
    pages = site_pages(site)
    # The hostile domain and category get a page each, under a safe URL segment.
    values = [name for name in pages if name.startswith(("browse/domain/", "browse/category/"))
              and name.count("/") == 3]
    assert len(values) == 2, sorted(pages)
    for name in ["browse/a-z/index.html", *values]:
        assert HOSTILE["title"] in "".join(pages[name].text), name
    assert HOSTILE["domain"] in "".join(pages["browse/domain/index.html"].text)
    assert HOSTILE["category"] in "".join(pages["browse/category/index.html"].text)


def test_title_tag_holds_the_title_as_text(site: Path) -> None:
    html = (site / "patterns" / "alpha" / "index.html").read_text(encoding="utf-8")
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title
    assert "&lt;script&gt;" in title


def test_data_files_are_strict_json_holding_the_raw_strings(site: Path) -> None:
    data = {name: strict_json((site / "api" / name).read_text(encoding="utf-8"))
            for name in ("patterns.json", "graph.json", "profiles.json", "pillars.json")}
    (entry,) = data["patterns.json"]
    front = entry["front_matter"]
    assert front["title"] == HOSTILE["title"]
    assert front["contributors"][0]["name"] == HOSTILE["contributor"]
    assert front["sources"][0]["url"] == HOSTILE["source-url"]
    assert front["repository"] == HOSTILE["repository"]
    assert entry["assessment"]["rationales"]["purpose"] == HOSTILE["rationale"]
    (profile,) = data["profiles.json"]["patterns"]
    assert profile["title"] == HOSTILE["title"]  # calculator.js shows it with textContent
    assert data["graph.json"]["nodes"][0]["title"] == HOSTILE["title"]
