"""Helpers for the tests of hostile input (tests/test_threat_*.py and tests/test_fuzz.py).

Every hostile file starts from TEMPLATE, the fixture pattern alpha.md without its links, and
puts its threat at a known line: the body line THREAT_LINE ("Keep fixtures small."), a
front-matter line by replacing one, or new keys at FRONT_LINE, just before the closing `---`.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.library import gfm
from generator.library.load import load_library
from generator.library.report import as_text
from generator.library.validate import validate
from generator.site.build import BuildError, build
from tests.conftest import VALID_LIBRARY

TEMPLATE = (
    (VALID_LIBRARY / "alpha.md").read_text(encoding="utf-8")
    .replace("specializes_to: [beta]", "specializes_to: []")
    .replace("enables: [pat_cccccccccccccccccccccccc]", "enables: []")
    .replace("related: [gamma]", "related: []")
)
THREAT_LINE = 43  # "Keep fixtures small."
FRONT_LINE = 33  # where keys added by `pattern(front=...)` start; the closing `---` follows
assert TEMPLATE.splitlines()[THREAT_LINE - 1] == "Keep fixtures small."
assert TEMPLATE.splitlines()[FRONT_LINE - 1] == "---"


def pattern(threat: str = "Keep fixtures small.", *, front: str = "",
            replace: tuple[tuple[str, str], ...] = ()) -> str:
    """Return the template with `threat` at THREAT_LINE, `front` keys at FRONT_LINE."""
    text = TEMPLATE.replace("\nKeep fixtures small.\n", f"\n{threat}\n", 1)
    if front:
        end = "license: CC-BY-SA-4.0\n---\n"
        text = text.replace(end, end.replace("---", front + "---"), 1)
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def library_root(tmp_path: Path) -> Path:
    """Make an empty library (patterns/, mkdocs.yml) in `tmp_path` and return its root."""
    root = tmp_path / "library"
    (root / "patterns").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Threats\n", encoding="utf-8")
    return root


def write(root: Path, name: str, content: str | bytes) -> Path:
    """Write one pattern file into `root`/patterns, as text (UTF-8, LF kept) or bytes."""
    path = root / "patterns" / name
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    return path


def problems(root: Path) -> list[str]:
    """Load and validate the library at `root`; return every problem as its report line."""
    library = load_library([root / "patterns"], root=root)
    return [as_text(p) for p in validate(library)]


def check(tmp_path: Path, content: str | bytes, name: str = "alpha.md") -> list[str]:
    """Validate a library holding one file; return its report lines."""
    root = library_root(tmp_path)
    write(root, name, content)
    return problems(root)


def assert_reported(lines: list[str], *expected: str) -> None:
    """Assert each `expected` begins exactly one reported line (PATH:LINE:COL: error[RULE] ...)."""
    for want in expected:
        found = [line for line in lines if line.startswith(want)]
        assert len(found) == 1, f"{want!r} in:\n" + "\n".join(lines)


def errors(lines: list[str]) -> list[str]:
    """The error lines of a report."""
    return [line for line in lines if ": error[" in line]


def assert_build_refused(root: Path, *expected: str) -> None:
    """Build without --keep-going: it must stop with the problem lines and write nothing."""
    site = root / "site"
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    with pytest.raises(BuildError) as info:
        build(root, site_dir=site)
    report = info.value.message.splitlines()
    assert_reported(report, *expected)
    assert not site.exists()
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


def copy_library(source: Path, root: Path) -> Path:
    """Copy a folder of pattern files (symlinks as links) into `root`/patterns."""
    shutil.copytree(source, root / "patterns", symlinks=True)
    return root


# --- what a browser would run ------------------------------------------------------------------

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data",
                            "poster", "background", "cite"})
EMBEDDING_TAGS = frozenset({"iframe", "object", "embed", "style", "frame", "frameset", "applet",
                            "base"})


def browser_url(value: str) -> str:
    """Return a URL as a browser's URL parser reads it, lowercased (entities already decoded).

    Leading and trailing C0 controls and spaces go, and so do tabs and newlines anywhere.
    """
    return re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21))))).lower()


class Markup(HTMLParser):
    """Everything in an HTML document a browser could run: scripts, handlers, URLs, embeds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str], str]] = []  # (attributes, inline text)
        self.handlers: list[str] = []  # <tag on...=value>
        self.urls: list[str] = []  # <tag attr=value> with a dangerous scheme
        self.embeds: list[str] = []  # <iframe>, <object>, <embed>, <style>...
        self.refresh: list[str] = []  # <meta http-equiv=refresh>
        self.text: list[str] = []  # the text a reader sees (outside scripts)
        self.meta: dict[str, str] = {}  # <meta name=... content=...>
        self._script: tuple[dict[str, str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.handlers += [f"<{tag} {name}={value!r}>" for name, value in values.items()
                          if name.startswith("on")]
        self.urls += [f"<{tag} {name}={value!r}>" for name, value in values.items()
                      if name in URL_ATTRIBUTES
                      and browser_url(value).startswith(DANGEROUS_SCHEMES)]
        if tag in EMBEDDING_TAGS:
            self.embeds.append(f"<{tag}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.refresh.append(values.get("content", ""))
        if tag == "meta" and "name" in values:
            self.meta[values["name"]] = values.get("content", "")
        if tag == "script":
            self._script = (values, [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)
        else:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None

    def close(self) -> None:
        super().close()
        self.handle_endtag("script")  # a script left open runs to the end of the document

    def live(self) -> list[str]:
        """Everything that would run, whoever wrote it."""
        return [*(f"<script> {text[:60]!r}" for _, text in self.scripts), *self.handlers,
                *self.urls, *self.embeds, *(f"<meta refresh {c!r}>" for c in self.refresh)]


def read_markup(text: str) -> Markup:
    """Parse an HTML document or fragment."""
    parser = Markup()
    parser.feed(text)
    parser.close()
    return parser


def render_body(body: str) -> str:
    """Render a body as cmark-gfm does for the site, before the sanitizer cleans it."""
    return gfm._walk(body, render=True)[1]


def live_markup(body: str) -> list[str]:
    """What a browser would run if `body`, rendered to HTML, were published unsanitized."""
    return read_markup(render_body(body)).live()


# --- a built site -----------------------------------------------------------------------------

# Where the site's own scripts live: Material's bundle, patternlib's assets, Pagefind's UI.
OWN_SCRIPTS = ("assets/javascripts/", "assets/patternlib/", "pagefind/")
# The inline scripts Material 9 writes into every page (templates/base.html), by how they
# start: the localStorage helpers (__md_scope, __md_get, __md_set), the colour palette restore
# and the content-tab restore. Each page has the same text but for the `new URL("../..")`
# base, so each marker must stand for exactly one text across the whole site: a pattern that
# slipped in a script starting like one of them would make a second text and be reported.
MATERIAL_INLINE = (
    "__md_scope=new URL(",
    'var palette=__md_get("__palette")',
    "var target=document.getElementById(location.hash.slice(1))",
)
_BASE = re.compile(r'new URL\("[./]*",location\)')


def strict_json(text: str) -> Any:
    """Parse JSON as browsers do: no NaN or Infinity."""
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def site_pages(site: Path) -> dict[str, Markup]:
    """Parse every HTML file of a site, by site-relative path."""
    return {
        path.relative_to(site).as_posix(): read_markup(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }


def _redirect_to_a_page(site: Path, name: str, content: str) -> bool:
    """Is `content` (of a <meta http-equiv=refresh>) one of the site's own redirects
    (generator/site/redirects.py): to a relative URL of a pattern page that exists?"""
    match = re.fullmatch(r"0; url=((?:\.\./)+patterns/[a-z0-9]+(?:-[a-z0-9]+)*/)", content)
    if match is None:
        return False
    target = posixpath.normpath(posixpath.join(posixpath.dirname(name), match.group(1)))
    return not target.startswith("..") and (site / target / "index.html").is_file()


def site_violations(site: Path) -> list[str]:
    """Everything in a built site that would run and is not the site's own code."""
    failures: list[str] = []
    inline: dict[str, set[str]] = {marker: set() for marker in MATERIAL_INLINE}
    pages = site_pages(site)
    assert pages, f"no HTML in {site}"
    for name, page in pages.items():
        failures += [f"{name}: {item}" for item in
                     (*page.handlers, *page.urls, *page.embeds,
                      *(c for c in page.refresh if not _redirect_to_a_page(site, name, c)))]
        for attrs, text in page.scripts:
            if "src" in attrs:
                url = urlsplit(attrs["src"])
                base = "/" if url.path.startswith("/") else posixpath.dirname(name)
                target = posixpath.normpath(posixpath.join(base, url.path)).lstrip("/")
                if (url.scheme or url.netloc or not target.startswith(OWN_SCRIPTS)
                        or not (site / target).is_file()):
                    failures.append(f"{name}: <script src={attrs['src']!r}>")
            elif attrs.get("type") in ("application/json", "application/ld+json"):
                # Material's __config and the pattern pages' schema.org data: never run, and
                # whole (a title that closed the script early would leave broken JSON).
                strict_json(text)
            else:
                marker = next((m for m in MATERIAL_INLINE if text.startswith(m)), None)
                if marker is None:
                    failures.append(f"{name}: inline <script> {text[:80]!r}")
                else:
                    inline[marker].add(_BASE.sub('new URL(BASE,location)', text))
    for marker, texts in inline.items():
        if len(texts) > 1:
            failures.append(f"{len(texts)} different inline scripts start with {marker!r}")
    return failures
