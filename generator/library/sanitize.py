"""Untrusted bodies: what a pattern's HTML may hold, and the sanitizer that enforces it.

Patterns come by pull request from strangers, and their bodies are rendered into pages other
people visit. Bodies are parsed once, by cmark-gfm (`generator.library.gfm`); each raw HTML tag,
attribute and link URL it finds is judged here, and the rendered HTML passes nh3 (the Ammonia
sanitizer) with the allow-list below before it is published: the findings tell contributors,
the sanitizer guarantees.

- **Errors**: executable or page-changing markup (`EXECUTABLE_TAGS`: `<script>`, `<style>`,
  `<iframe>`, `<object>`, `<embed>`, forms...), event handlers (`on...=`), and links or
  sources with a scheme in `EXECUTABLE_SCHEMES` (`javascript:`, `vbscript:`, `data:`...;
  entity, case and whitespace tricks are decoded first). `build --keep-going` publishes such a body
  with that markup removed and a notice naming what was.
- **Warnings**: an HTML element outside `ALLOWED_TAGS` that is harmless (`<font>`, `<center>`):
  its text is shown, the tag is not; an attribute outside `ALLOWED_ATTRIBUTES` (`style=`,
  `header-row`): dropped; and markup that only looks like a tag (`<IR>`, `<x-y>`: no HTML
  element has that name): shown exactly as typed; a link with another scheme than http,
  https or mailto (`ftp:`): its text is shown, without the link.
- Code spans and fenced or indented code are text, as on GitHub, and are not inspected.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

import nh3

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
    "section",  # footnotes
    "input",  # task lists: always a disabled checkbox (see _CLEANER)
})
ALLOWED_ATTRIBUTES = frozenset({
    "abbr", "align", "alt", "cite", "class", "colspan", "datetime", "dir", "height", "href",
    "id", "lang", "name", "open", "rel", "rowspan", "scope", "src", "start", "title", "type",
    "width", "checked", "disabled",
})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Schemes that run code or carry a document of their own: refused. Others (ftp:, tel:...)
# are harmless; the sanitizer drops the link and keeps its text (a warning).
EXECUTABLE_SCHEMES = frozenset({
    "javascript", "vbscript", "data", "livescript", "mocha", "jscript", "mhtml", "blob",
    "filesystem",
})
# Run code, load another document or style sheet, or change where the page sends what
# readers type: refused.
EXECUTABLE_TAGS = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "link", "meta", "form", "button", "textarea", "select", "option", "svg", "math",
    "template", "portal", "noscript", "param", "audio", "video", "source", "track",
})
# Every element of HTML (the living standard, with obsolete ones browsers still parse): a
# name outside it is no element, so `<IR>` is an abbreviation, not markup.
HTML_ELEMENTS = ALLOWED_TAGS | EXECUTABLE_TAGS | frozenset({
    "address", "area", "article", "aside", "bdi", "bdo", "body", "canvas", "center", "col",
    "colgroup", "data", "datalist", "dialog", "fieldset", "font", "footer", "head", "header",
    "hgroup", "html", "label", "legend", "main", "map", "marquee", "menu", "meter", "nav",
    "noembed", "noframes", "optgroup", "output", "picture", "plaintext", "progress", "rp",
    "rt", "ruby", "search", "slot", "strike", "title", "tt", "xmp", "big", "acronym", "basefont",
    "bgsound", "blink", "dir", "image", "isindex", "keygen", "listing", "menuitem", "multicol",
    "nextid", "nobr", "spacer",
})
@dataclass(frozen=True)
class Finding:
    """Something in a body at a 1-based line and column: unsafe (an error) or not shown as
    written (a warning)."""

    line: int
    col: int
    rule: str
    message: str
    severity: Literal["error", "warning"] = "error"
    removed: str = ""  # for errors: what the published page leaves out, in a few words


def classify_tag(name: str) -> str:
    """Say what becomes of a raw HTML tag: 'allowed', 'error', 'dropped' or 'text'."""
    if name in ALLOWED_TAGS:
        return "allowed"
    if name in EXECUTABLE_TAGS:
        return "error"
    if name in HTML_ELEMENTS:
        return "dropped"
    return "text"


def unsafe_url(url: str) -> str | None:
    """Return the scheme if `url` uses one that is not allowed, else None."""
    decoded = html.unescape(html.unescape(url))
    # Browsers drop ASCII whitespace and control characters inside a scheme.
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", decoded).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", squeezed)
    if match is None or match.group(1) in SAFE_SCHEMES:
        return None
    return match.group(1)


def scan(body: str) -> list[Finding]:
    """Return every finding of a Markdown body, in order (the parse the site renders)."""
    from generator.library.gfm import findings

    return findings(body)


_GENERIC = ALLOWED_ATTRIBUTES - URL_ATTRIBUTES - {"checked", "disabled", "type"}
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style", "template", "noscript", "textarea", "xmp"},
    attributes={
        "*": set(_GENERIC),
        "a": {"href"},
        "img": {"src"},
        "blockquote": {"cite"},
        "q": {"cite"},
        "del": {"cite"},
        "ins": {"cite"},
        "input": {"checked"},
        "ol": {"type"},
    },
    url_schemes=set(SAFE_SCHEMES),
    strip_comments=True,
    link_rel=None,
)


def clean(markup: str) -> str:
    """Return `markup` with everything outside the allow-list removed (nh3)."""
    cleaned = str(_CLEANER.clean(markup))
    if "<input" in cleaned:
        cleaned = _INPUT.sub(_checkbox, cleaned)
    return cleaned


_INPUT = re.compile(r"<input\b[^>]*>")  # after nh3: `checked` is all an <input> may keep


def _checkbox(match: re.Match[str]) -> str:
    """Whatever an <input> said, it is a checkbox no one can tick (GFM's task lists), named
    for screen readers by what it shows. Written out here, in one order: nh3's attribute
    order for values it sets varies from run to run."""
    if "checked" in match.group(0):
        return '<input type="checkbox" checked="" disabled="" aria-label="done">'
    return '<input type="checkbox" disabled="" aria-label="not done">'
