"""Untrusted bodies: find script injection in a pattern's Markdown before it is published.

Patterns come by pull request from strangers, and their bodies are rendered into pages other
people visit. Raw HTML is allowed only from a short list of harmless tags and attributes;
links and images may only use http(s), mailto, relative or fragment URLs.

Fenced code blocks are text, not HTML, and are not inspected: they are recognised exactly as
Python-Markdown's fenced_code extension does (a fence at the start of a line, closed by the
same fence). Everything else is inspected, inline code and indented blocks included: telling
those apart from raw HTML needs the full Markdown grammar, and a wrong guess would let a
script through. Write `&lt;script&gt;` or use a fenced block to show such markup as text.

Allowed tags: see ALLOWED_TAGS. Attributes: see ALLOWED_ATTRIBUTES; no event handlers
(`on...`) and no `style`. URL schemes: see SAFE_SCHEMES. Entity and case tricks
(`&#106;avascript:`, `JaVaScRiPt:`, tabs or newlines inside the scheme) are decoded first.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})
ALLOWED_ATTRIBUTES = frozenset({
    "abbr", "align", "alt", "cite", "class", "colspan", "datetime", "dir", "height", "href",
    "id", "lang", "name", "open", "rel", "rowspan", "scope", "src", "start", "title", "type",
    "width",
})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# The rules of `scan`: a pattern with any of these is left out of a --keep-going build.
INJECTION_RULES = frozenset({"html-tag", "html-attribute", "unsafe-url"})


@dataclass(frozen=True)
class Finding:
    """Something unsafe in a body, at a 1-based line and column of the body."""

    line: int
    col: int
    rule: str
    message: str


# Python-Markdown's FENCED_BLOCK_RE, reduced to what decides where a block starts and ends.
_FENCE = re.compile(r"^(?P<fence>~{3,}|`{3,})[^\n]*\n.*?(?<=\n)(?P=fence)[ ]*$", re.M | re.S)
_MD_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]*)")
_MD_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _blank(match: re.Match[str]) -> str:
    # Keep newlines so lines and columns of everything else stay where they were.
    return re.sub(r"[^\n]", " ", match.group(0))


def mask_code(body: str) -> str:
    """Return the body with fenced code blocks blanked out, positions kept."""
    return _FENCE.sub(_blank, body)


def unsafe_url(url: str) -> str | None:
    """Return the scheme if `url` uses one that is not allowed, else None."""
    decoded = html.unescape(html.unescape(url))
    # Browsers drop ASCII whitespace and control characters inside a scheme.
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", decoded).lower()
    match = _SCHEME.match(squeezed)
    if match is None or match.group(1) in SAFE_SCHEMES:
        return None
    return match.group(1)


def scan(body: str) -> list[Finding]:
    """Return every unsafe tag, attribute and URL in a Markdown body, in order."""
    text = mask_code(body)
    findings = list(_scan_html(text))
    starts = _line_starts(text)
    for pattern in (_MD_LINK, _MD_REFERENCE, _AUTOLINK):
        for match in pattern.finditer(text):
            scheme = unsafe_url(match.group(1))
            if scheme is not None:
                line, col = _position(starts, match.start(1))
                findings.append(Finding(line, col, "unsafe-url",
                                        f"link to a '{scheme}:' URL; use http(s)"))
    return sorted(set(findings), key=lambda f: (f.line, f.col, f.rule))


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"\n", text))]


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    index = bisect.bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1


def _scan_html(text: str) -> Iterator[Finding]:
    if "<" not in text:
        return
    parser = _TagScanner()
    parser.feed(text)
    parser.close()
    yield from parser.findings


class _TagScanner(HTMLParser):
    """Collect disallowed tags, attributes and URLs, with positions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, offset = self.getpos()
        col = offset + 1
        if tag not in ALLOWED_TAGS:
            self.findings.append(Finding(line, col, "html-tag",
                                         f"<{tag}> is not allowed in a pattern body"))
            return
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(Finding(line, col, "html-attribute",
                                             f"event handler {name}= is not allowed"))
            elif name not in ALLOWED_ATTRIBUTES:
                self.findings.append(Finding(line, col, "html-attribute",
                                             f"attribute {name}= is not allowed on <{tag}>"))
            elif name in URL_ATTRIBUTES and value is not None:
                scheme = unsafe_url(value)
                if scheme is not None:
                    self.findings.append(Finding(
                        line, col, "unsafe-url",
                        f"<{tag} {name}=...> uses a '{scheme}:' URL; use http(s)",
                    ))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_decl(self, decl: str) -> None:
        line, offset = self.getpos()
        self.findings.append(Finding(line, offset + 1, "html-tag",
                                     f"<!{decl.split()[0] if decl else ''}> is not allowed"))

    def handle_pi(self, data: str) -> None:
        line, offset = self.getpos()
        self.findings.append(Finding(line, offset + 1, "html-tag",
                                     "processing instructions are not allowed"))
