"""Untrusted bodies: find script injection in a pattern's Markdown before it is published.

Patterns come by pull request from strangers, and their bodies are rendered into pages other
people visit. Raw HTML is allowed only from a short list of harmless tags and attributes;
links and images may only use http(s), mailto, relative or fragment URLs.

Fenced code blocks are text, not HTML, and are not inspected: they are recognised exactly as
Python-Markdown's fenced_code extension does (a fence at the start of a line, closed by the
same fence; only its `{attrs}` are inspected). Everything else is inspected, inline code and
indented blocks included: telling those apart from raw HTML needs the full Markdown grammar,
and a wrong guess would let a script through. Write `&lt;script&gt;` or use a fenced block to
show such markup as text.

Allowed tags: see ALLOWED_TAGS. Attributes: see ALLOWED_ATTRIBUTES; no event handlers
(`on...`) and no `style`. URL schemes: see SAFE_SCHEMES. Entity and case tricks
(`&#106;avascript:`, `JaVaScRiPt:`, tabs or newlines inside the scheme) are decoded first.
attr_list's `{: key=value}` is held to the same attributes. Control characters other than tab
and form feed are refused: Python-Markdown deletes some (STX, ETX), which would change what it
reads from what is inspected here.

Markup is read three ways, as Python-Markdown and a browser may read it: as a document (HTML
blocks), again with comments, declarations and bogus end tags opened up (Markdown may print
their opener as text, leaving what they hid live), and tag by tag as Markdown's inline HTML
pattern finds tags (a tag inside another tag's attribute). Every pass is linear in the body's
size: a 1 MiB body is scanned in about two seconds at worst.

The scan follows the Markdown extensions the build enables by default (MkDocs' toc, tables and
fenced_code, plus attr_list); a library whose mkdocs.yml adds others must vet them itself.
"""

from __future__ import annotations

import bisect
import html
import re
import textwrap
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
INJECTION_RULES = frozenset({"html-tag", "html-attribute", "unsafe-url", "control-character"})


@dataclass(frozen=True)
class Finding:
    """Something unsafe in a body, at a 1-based line and column of the body."""

    line: int
    col: int
    rule: str
    message: str


# Python-Markdown's FencedBlockPreprocessor.FENCED_BLOCK_RE (3.x), with two changes that make it
# match no more than the original does: `[ ]` is `[ \t]` (Markdown expands tabs before it looks),
# and `attrs` holds no `}` (Markdown skips a fence whose attrs leave a `}` over). A looser
# pattern would blank markup Markdown renders live. tests/test_threat_injection.py compares the
# two, so a new Markdown release that changes the original is noticed.
_FENCE = re.compile(textwrap.dedent(r'''
    (?P<fence>^(?:~{3,}|`{3,}))[ \t]*                          # opening fence
    ((\{(?P<attrs>[^\n}]*)\})|                                # (optional {attrs} or
    (\.?(?P<lang>[\w#.+-]*)[ \t]*)?                            # optional (.)lang
    (hl_lines=(?P<quot>"|')(?P<hl_lines>.*?)(?P=quot)[ \t]*)?) # optional hl_lines)
    \n                                                       # newline (end of opening fence)
    (?P<code>.*?)(?<=\n)                                     # the code block
    (?P=fence)[ \t]*$                                          # closing fence
'''), re.MULTILINE | re.DOTALL | re.VERBOSE)
# C0 controls but tab, line feed, form feed and carriage return; and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Every `](` starts a link's URL: link text may nest brackets and span lines ([a [b] c](url)),
# so the text before it is not matched at all. One URL may hold another `](`.
_MD_LINK = re.compile(r"\]\(")
# What may become a URL's scheme: its head up to a colon, through <...>, spaces, newlines and
# entities (&#0000106; as long as it likes). It stops at the first other character, so each
# `](` reads a run of its own and the check stays linear in the body's size.
_URL_HEAD = re.compile(
    r"\s*<?\s*((?:[A-Za-z0-9+.\-\s]|&\#?[A-Za-z0-9]+;?)*(?::|&colon;|&\#0*58;?|&\#x0*3a;?)?)",
    re.IGNORECASE,
)
# Reference definitions, also inside block quotes and list items (`> [r]: url`, `- [r]: url`),
# with the URL on the same line or the next.
_MD_REFERENCE = re.compile(r"^[ \t>*+\-.)0-9]*\[[^\[\]\n]*\]:[\s>]*<?(\S+?)>?(?:\s|$)", re.M)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>")
_SAFE_AUTOLINK = re.compile(r"<(?:https?|mailto):[^\s<>\"']*>", re.I)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# attr_list (enabled in the build) sets attributes from `{: key=value }` after a block, a
# heading or an inline element: `{: onclick=...}` needs no `<` at all. Its scanner's tokens,
# in its order (key="v", key='v', key=v, word, space); read from every line's first `{` to its
# last `}`, which holds whatever attr_list could read there.
_ATTR_LIST_TOKEN = re.compile(
    r"""([^ =}]+)=("[^"]*"|'[^']*'|[^ =}]+)|[^ =}]+| """
)
# Openers of what HTMLParser reads as comments, declarations, CDATA, processing instructions
# and bogus end tags. Python-Markdown may escape such an opener as text (`&lt;!--` when the
# comment is not closed), leaving the markup inside live: a second pass reads it as markup.
_HIDING = re.compile(r"<[!?/]")
# Python-Markdown's inline HTML_RE (3.x), its start-tag part: what it passes through as a tag
# inside a paragraph, whatever HTMLParser makes of the text around it. A tag the first passes
# read as text (`<a title=<script >`, `<a title='x <img onerror=...>` never closed) can be
# one here, so every `<` that starts such a match is read again on its own.
_INLINE_TAG = re.compile(
    r"""<[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+"""
    r"""\s*+/?>"""
)


def _blank(text: str) -> str:
    # Keep newlines so lines and columns of everything else stay where they were.
    return re.sub(r"[^\n]", " ", text)


def _blank_fence(match: re.Match[str]) -> str:
    # The fence's {attrs} stay: with attr_list they become attributes of the <code> element.
    if match.group("attrs") is None:
        return _blank(match.group(0))
    start, end = match.start("attrs") - 1 - match.start(), match.end("attrs") + 1 - match.start()
    text = match.group(0)
    return _blank(text[:start]) + text[start:end] + _blank(text[end:])


def mask_code(body: str) -> str:
    """Return the body with fenced code blocks blanked out, positions kept."""
    return _FENCE.sub(_blank_fence, body)


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
    control = _CONTROL.search(body)
    if control is not None:  # the first one says enough
        line, col = _position(starts, control.start())
        findings.append(Finding(line, col, "control-character",
                                f"control character U+{ord(control.group()):04X} is not text: "
                                "remove it"))
    urls = [m for link in _MD_LINK.finditer(text) if (m := _URL_HEAD.match(text, link.end()))]
    urls += [*_MD_REFERENCE.finditer(text), *_AUTOLINK.finditer(text)]
    for match in urls:
        scheme = unsafe_url(match.group(1))
        if scheme is not None:
            line, col = _position(starts, match.start(1))
            findings.append(Finding(line, col, "unsafe-url",
                                    f"link to a '{scheme}:' URL; use http(s)"))
    if "{" in text:
        findings.extend(_scan_attr_lists(text, starts))
    return sorted(set(findings), key=lambda f: (f.line, f.col, f.rule, f.message))


def _scan_attr_lists(text: str, starts: list[int]) -> Iterator[Finding]:
    line_start = 0
    for line in text.split("\n"):
        begin, end = line.find("{"), line.rfind("}")
        pos, stop = line_start + begin + 1, line_start + end
        line_start += len(line) + 1
        while 0 <= begin < end and pos < stop:  # token by token: a long line is read once
            token = _ATTR_LIST_TOKEN.match(text, pos, stop)
            if token is None:
                pos += 1
                continue
            pos = token.end()
            if token.group(1) is None:
                continue
            name, value = token.group(1).lower(), token.group(2).strip("\"'")
            line_no, col = _position(starts, token.start())
            if name.startswith("on"):
                yield Finding(line_no, col, "html-attribute",
                              f"event handler {name}= is not allowed (in {{: ...}})")
            elif name not in ALLOWED_ATTRIBUTES:
                yield Finding(line_no, col, "html-attribute",
                              f"attribute {name}= is not allowed (in {{: ...}})")
            elif name in URL_ATTRIBUTES and (scheme := unsafe_url(value)) is not None:
                yield Finding(line_no, col, "unsafe-url",
                              f"{{: {name}=...}} uses a '{scheme}:' URL; use http(s)")


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"\n", text))]


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    index = bisect.bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1


def _scan_html(text: str) -> Iterator[Finding]:
    if "<" not in text:
        return
    seen: set[tuple[int, int]] = set()  # where the first pass read a start tag
    yield from _parse_html(text, seen)
    hidden = _HIDING.sub("  ", text)
    if hidden != text:
        yield from _parse_html(hidden, set())
    starts = _line_starts(text)
    parser = _TagScanner()
    for opener in re.finditer(r"<(?=[a-zA-Z])", text):
        if _position(starts, opener.start()) in seen:
            continue
        match = _INLINE_TAG.match(text, opener.start())
        if match is None:
            continue
        parser.reset()
        parser.findings = []
        parser.feed(match.group())
        parser.close()
        line, col = _position(starts, match.start())
        yield from (Finding(line, col, f.rule, f.message) for f in parser.findings)


def _parse_html(text: str, seen: set[tuple[int, int]]) -> Iterator[Finding]:
    parser = _TagScanner(seen)
    try:
        # The closing `>` bounds HTMLParser's work: without a `>` after them, it reads every
        # unfinished tag (`<b c=1 ` repeated) to the end again, quadratic in the body's size.
        parser.feed(text + ">")
        parser.close()
    except AssertionError:
        # _markupbase gives up on some declarations (`<![x ...`) with an AssertionError; a
        # body must not crash the validator. The rest is read by the second pass of `scan`.
        line, offset = parser.getpos()
        parser.findings.append(Finding(line, offset + 1, "html-tag",
                                       "malformed <!...> declaration is not allowed"))
    yield from parser.findings


class _TagScanner(HTMLParser):
    """Collect disallowed tags, attributes and URLs, with positions."""

    def __init__(self, seen: set[tuple[int, int]] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []
        self.seen = seen if seen is not None else set()  # (line, col) of each start tag

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, offset = self.getpos()
        col = offset + 1
        self.seen.add((line, col))
        if _SAFE_AUTOLINK.fullmatch(self.get_starttag_text() or ""):
            return  # `<https://x.org>` is a Markdown autolink, not a tag

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
