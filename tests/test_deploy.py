"""Deployable anywhere: a site built for the domain root or for a sub-path (a GitHub Pages
project site, `https://example.org/library/`) works there, and says where it lives.

The starter library is built with `site_url` at the root and under /library/, and served under
/library/ as GitHub Pages would serve it (tests/browser.py `serve`, a missing file answered
with 404.html). Every page's links are followed over HTTP; a few page types are loaded in
headless Chromium. The sitemap, canonical links, OpenGraph and Twitter tags and the pattern
pages' schema.org JSON-LD are read from the built files; the session's site (conftest.py,
built without site_url) shows what is left out when the address is not known.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from playwright.sync_api import Browser, Response

from generator.cli import main
from generator.library.link import link
from generator.library.load import load_library
from generator.library.model import Library
from generator.library.score import score
from generator.site import redirects, searchindex
from generator.site.build import build
from generator.site.render import SiteConfig, facet_slugs, pattern_page, summary_of
from tests.browser import BROWSER_TESTS, new_page, serve
from tests.conftest import ROOT
from tests.test_site import _write_library, parse_page

SITE_URL = "https://example.org/library/"
ROOT_URL = "https://example.org/"
PREFIX = urlsplit(SITE_URL).path
SITE_NAME = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MISSING = "patterns/land-and-expnd/"
TRANSPARENT = "rgba(0, 0, 0, 0)"


# --- building and reading -----------------------------------------------------------------


@pytest.fixture(scope="module")
def subpath(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter library built to be published under /library/."""
    return build(ROOT, site_dir=tmp_path_factory.mktemp("subpath") / "site",
                 site_url=SITE_URL).site


@pytest.fixture(scope="module")
def rooted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter library built to be published at the root of a domain."""
    return build(ROOT, site_dir=tmp_path_factory.mktemp("rooted") / "site",
                 site_url=ROOT_URL).site


@pytest.fixture(scope="module")
def served(subpath: Path) -> Iterator[str]:
    """Serve the /library/ build under /library/ only; return its URL."""
    with serve(subpath, PREFIX) as url:
        yield url


def page_paths(site: Path) -> list[str]:
    """The URL path (relative to the site) of every page: `patterns/x/`, `` for the home.
    Redirect pages (generator/site/redirects.py: /id/<id>/, former slugs, aliases) are not pages."""
    return sorted(
        path.parent.relative_to(site).as_posix().removeprefix(".") + "/"
        if path.parent != site else ""
        for path in site.rglob("index.html")
        if not path.relative_to(site).as_posix().startswith("pagefind")
        and redirects.MARK not in path.read_text(encoding="utf-8")[:200]
    )


def page_file(site: Path, path: str) -> Path:
    return site / path / "index.html"


class Head(NamedTuple):
    """What a page's <head> says about it."""

    title: str
    meta: dict[str, list[str]]  # property or name -> contents, in order
    canonical: list[str]
    json_ld: list[str]


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.json_ld: list[str] = []
        self.title = ""
        self._in: str | None = None
        self._head = True  # a <title> in the body is an SVG's

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if not self._head:
            return
        if tag == "meta" and ("property" in values or "name" in values):
            key = values.get("property") or values["name"]
            self.meta.setdefault(key, []).append(values.get("content", ""))
        elif tag == "link" and values.get("rel") == "canonical":
            self.canonical.append(values.get("href", ""))
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in = "json"
            self.json_ld.append("")
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag: str) -> None:
        self._in = None
        self._head = self._head and tag != "head"

    def handle_data(self, data: str) -> None:
        if self._in == "json":
            self.json_ld[-1] += data
        elif self._in == "title":
            self.title += data


def read_head(path: Path) -> Head:
    parser = _HeadParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return Head(parser.title.strip(), parser.meta, parser.canonical, parser.json_ld)


def sitemap_urls(site: Path) -> list[str]:
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    assert root.tag == f"{SITEMAP}urlset"
    return [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]


# --- sitemap, canonical URLs, OpenGraph and Twitter cards ---------------------------------


@pytest.mark.parametrize(("build_name", "site_url"), [("rooted", ROOT_URL),
                                                       ("subpath", SITE_URL)])
def test_sitemap_lists_every_page(
    request: pytest.FixtureRequest, starter: Library, build_name: str, site_url: str
) -> None:
    site: Path = request.getfixturevalue(build_name)
    urls = sitemap_urls(site)
    assert len(urls) == len(set(urls))
    assert sorted(urls) == sorted(site_url + path for path in page_paths(site))
    # Pattern pages are not in the navigation, and are listed all the same.
    for pattern in starter.patterns:
        assert f"{site_url}patterns/{pattern.key}/" in urls
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()) == (
        site / "sitemap.xml").read_bytes()


@pytest.mark.parametrize(("build_name", "site_url"), [("rooted", ROOT_URL),
                                                       ("subpath", SITE_URL)])
def test_every_page_has_its_canonical_url_and_share_tags(
    request: pytest.FixtureRequest, build_name: str, site_url: str
) -> None:
    site: Path = request.getfixturevalue(build_name)
    paths = page_paths(site)
    assert len(paths) > 20
    for path in paths:
        head = read_head(page_file(site, path))
        url = site_url + path
        assert head.canonical == [url], path
        meta = {key: values[0] for key, values in head.meta.items()}
        assert all(len(values) == 1 for values in head.meta.values()), path
        assert meta["og:url"] == url
        assert meta["og:site_name"] == SITE_NAME
        assert meta["og:type"] == ("article" if path.startswith("patterns/") else "website")
        # The title the browser shows, less the site's name; the description search engines
        # show.
        assert meta["og:title"], path
        assert head.title in (meta["og:title"], f"{meta['og:title']} - {SITE_NAME}"), path
        assert meta["og:description"] == meta["description"], path
        assert meta["twitter:card"] == "summary"
        assert meta["twitter:title"] == meta["og:title"]
        assert meta["twitter:description"] == meta["og:description"]


def test_pattern_pages_share_their_title_and_summary(rooted: Path, starter: Library) -> None:
    for pattern in starter.patterns:
        meta = read_head(page_file(rooted, f"patterns/{pattern.key}/")).meta
        assert meta["og:title"] == [pattern.title]
        assert meta["og:description"] == [summary_of(pattern)]


def test_without_site_url_no_tag_names_a_url(site: Path) -> None:
    # The session's site is built from mkdocs.yml alone, which names no site_url.
    assert sitemap_urls(site) == []
    for path in page_paths(site):
        head = read_head(page_file(site, path))
        assert head.canonical == [], path
        assert "og:url" not in head.meta, path
        assert head.meta["og:title"], path
        assert head.meta["twitter:card"] == ["summary"], path
        for values in head.meta.values():
            assert not any("://" in value for value in values), (path, values)
    data = json.loads(read_head(page_file(site, "patterns/land-and-expand/")).json_ld[0])
    assert data["url"] == "./"  # the page itself
    assert "url" not in data["isPartOf"]


# --- schema.org JSON-LD -------------------------------------------------------------------


def test_pattern_pages_describe_themselves_in_json_ld(rooted: Path, starter: Library) -> None:
    for pattern in starter.patterns:
        head = read_head(page_file(rooted, f"patterns/{pattern.key}/"))
        assert len(head.json_ld) == 1
        data = json.loads(head.json_ld[0])
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "CreativeWork"
        assert data["name"] == pattern.title
        assert data["description"] == summary_of(pattern)
        assert data["identifier"] == pattern.id
        assert data["url"] == head.canonical[0] == f"{ROOT_URL}patterns/{pattern.key}/"
        assert data["dateModified"] == pattern.meta["modified"]
        assert data["dateCreated"] == pattern.meta["created"]
        assert data["license"] == f"https://spdx.org/licenses/{pattern.meta['license']}.html"
        assert data.get("alternateName", []) == pattern.meta.get("aliases", [])
        assert data["isPartOf"] == {"@type": "WebSite", "name": SITE_NAME, "url": ROOT_URL}
    for path in page_paths(rooted):
        if not path.startswith("patterns/"):
            assert read_head(page_file(rooted, path)).json_ld == [], path


HOSTILE_TITLE = "Ends </script><!-- here & \"there\""
HOSTILE_ALIAS = "Astral \U0001f600 and a <b>tag</b>"
# Refused in front matter by the loader (control-character rules), but not by _json_ld's
# callers: a pattern given to render by other code may hold them.
SEPARATORS = "Line\u2028separator, paragraph\u2029separator"


def test_json_ld_is_safe_in_a_script_block_and_not_searched(
    library: Path, tmp_path: Path
) -> None:
    path = library / "alpha.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: Alpha", f"title: {json.dumps(HOSTILE_TITLE)}", 1)
    alias = json.dumps(HOSTILE_ALIAS, ensure_ascii=False)  # the loader refuses \ud83d escapes
    text = text.replace("aliases: []", f"aliases: [{alias}]", 1)
    path.write_text(text, encoding="utf-8")
    loaded = load_library([library], root=library.parent)
    pattern = loaded.by_key["alpha"]
    assert (pattern.title, pattern.meta["aliases"]) == (HOSTILE_TITLE, [HOSTILE_ALIAS])
    pattern = dataclasses.replace(
        pattern, meta={**pattern.meta, "aliases": [HOSTILE_ALIAS, SEPARATORS]})
    output = pattern_page(pattern, loaded, score(loaded), link(loaded),
                          SiteConfig("Test", site_url=SITE_URL), facet_slugs(loaded))
    # MkDocs reads the front matter with PyYAML's C loader (mkdocs.utils.meta).
    front = re.match(r"---\n(.*?)\n---\n", output.text, re.S)
    assert front is not None
    meta = yaml.load(front.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    script = meta["jsonld"]
    assert script.isascii()
    assert not set(script) & {"<", ">", "&", "\u2028", "\u2029"}
    data = json.loads(script)
    assert data["name"] == HOSTILE_TITLE
    assert data["alternateName"] == [HOSTILE_ALIAS, SEPARATORS]
    assert data["url"] == f"{SITE_URL}patterns/alpha/"
    # Pagefind indexes the page's content, which the JSON-LD is no part of.
    searchindex.write_input(tmp_path, output.path, "en", output.text)
    indexed = (tmp_path / "patterns" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "ld+json" not in indexed
    assert "schema.org" not in indexed
    assert "jsonld" not in indexed


def test_json_ld_is_outside_what_pagefind_indexes(rooted: Path) -> None:
    text = page_file(rooted, "patterns/land-and-expand/").read_text(encoding="utf-8")
    assert text.index("application/ld+json") < text.index("</head>") < text.index(
        "data-pagefind-body")


# --- --site-url and PATTERNLIB_SITE_URL ---------------------------------------------------


def _canonical(site: Path) -> list[str]:
    return read_head(page_file(site, "patterns/alpha/")).canonical


def test_site_url_comes_from_the_command_line_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _write_library(tmp_path / "lib")
    (root / "mkdocs.yml").write_text(
        "site_name: Test Library\nsite_url: https://mkdocs-yml.example/\n", encoding="utf-8"
    )
    runner = CliRunner()
    monkeypatch.setenv("PATTERNLIB_SITE_URL", "https://environment.example/lib")
    result = runner.invoke(main, ["build", "--root", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # MkDocs adds the slash a directory's URL ends with.
    assert _canonical(root / "site") == ["https://environment.example/lib/patterns/alpha/"]
    result = runner.invoke(
        main, ["build", "--root", str(root), "--site-url", "https://option.example/x/"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert _canonical(root / "site") == ["https://option.example/x/patterns/alpha/"]
    assert sitemap_urls(root / "site")[0] == "https://option.example/x/"
    help_text = runner.invoke(main, ["build", "--help"], catch_exceptions=False).output
    assert "--site-url URL" in help_text
    assert "PATTERNLIB_SITE_URL" in help_text


def test_a_site_url_that_is_no_url_is_refused(tmp_path: Path) -> None:
    root = _write_library(tmp_path / "lib")
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--site-url", "library"],
                                catch_exceptions=False)
    assert result.exit_code == 2  # a usage error, before anything is built
    assert "--site-url" in result.output
    assert "https://example.org/library/" in result.output
    assert not (root / "site").exists()


def test_publish_workflow_builds_for_the_pages_address() -> None:
    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "publish-site.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["build"]
    steps = job["steps"]
    (configure,) = [i for i, s in enumerate(steps)
                    if s.get("uses", "").startswith("actions/configure-pages@")]
    (builds,) = [i for i, s in enumerate(steps) if "patternlib build" in s.get("run", "")]
    assert configure < builds
    step = steps[builds]
    expected = f"${{{{ steps.{steps[configure]['id']}.outputs.base_url }}}}"
    assert step["env"]["PATTERNLIB_SITE_URL"] == expected
    assert "${{" not in step["run"]  # through the environment, never spliced into the shell
    # configure-pages reads the site's address from the Pages API: read access, no more.
    assert job["permissions"] == {"contents": "read", "pages": "read"}


# --- served under a sub-path --------------------------------------------------------------


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _references(page_url: str, html: bytes, tmp: Path) -> list[str]:
    """Every URL a page loads or links to (a, link, script, img), absolute."""
    file = tmp / "page.html"
    file.write_bytes(html)
    parsed = parse_page(file)
    return [urljoin(page_url, url) for _, _, url in parsed.refs]


def test_every_link_and_asset_resolves_under_a_sub_path(
    subpath: Path, served: str, tmp_path: Path
) -> None:
    origin = served.removesuffix(PREFIX) + "/"
    pages = [served + path for path in page_paths(subpath)]
    pages.append(served + MISSING)  # the 404 page, as a deep missing address gets it
    pages.append(served + "no/such/deep/folder/page.html")
    targets: dict[str, set[str]] = {}
    for page_url in pages:
        status, body = fetch(page_url)
        assert status == (404 if page_url.endswith(("expnd/", "page.html")) else 200), page_url
        for url in _references(page_url, body, tmp_path):
            url = urldefrag(url).url
            if url.startswith(SITE_URL):  # canonical links: where it will be published
                url = served + url.removeprefix(SITE_URL)
            if url.startswith(origin):
                targets.setdefault(url, set()).add(page_url)
    outside = sorted(url for url in targets if not url.startswith(served))
    assert outside == [], "links out of the sub-path"
    broken = sorted(f"{url} (from {sorted(seen)[0]})" for url, seen in targets.items()
                    if fetch(url)[0] != 200)
    assert broken == []
    # The crawl reached every page and the assets.
    assert {served + path for path in page_paths(subpath)} <= set(targets)
    assert any(url.endswith(".css") for url in targets)
    assert any(url.endswith(".js") for url in targets)


SUBPATH_PAGES = {
    "home": "",
    "pattern": "patterns/land-and-expand/",
    "a-z": "browse/a-z/",
    "facet": "browse/domain/",
    "calculator": "calculator/",
    "search": "search/",
    "404": MISSING,
    "404-deep": "a/b/c/d/",
}


@BROWSER_TESTS
@pytest.mark.parametrize("name", SUBPATH_PAGES)
def test_pages_load_styled_under_a_sub_path(browser: Browser, served: str, name: str) -> None:
    page = new_page(browser)
    failed: list[str] = []
    url = served + SUBPATH_PAGES[name]

    def record(response: Response) -> None:
        if response.status >= 400 and response.url != url:
            failed.append(f"{response.status} {response.url}")

    page.on("response", record)
    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))
    try:
        response = page.goto(url)
        assert response is not None
        assert response.status == (404 if name.startswith("404") else 200)
        page.wait_for_load_state("networkidle")
        assert failed == []
        style: dict[str, Any] = page.evaluate("""() => {
          const probe = document.createElement("div");
          probe.style.background = "var(--md-primary-fg-color)";
          document.body.append(probe);
          const primary = getComputedStyle(probe).backgroundColor;
          probe.remove();
          return {
            header: getComputedStyle(document.querySelector(".md-header")).backgroundColor,
            primary,
            js: !document.documentElement.classList.contains("no-js"),
            ours: [...document.styleSheets].some((sheet) =>
              (sheet.href || "").endsWith("/assets/patternlib/patternlib.css")
              && sheet.cssRules.length > 0),
          };
        }""")
        # Material's stylesheet colours the header, its script ran, and ours is applied.
        assert style["header"] != TRANSPARENT
        assert style["header"] == style["primary"]
        assert style["js"] is True
        assert style["ours"] is True
        if name.startswith("404"):
            assert page.locator("#pl-404 h1").inner_text() == "Page not found"
    finally:
        page.context.close()
