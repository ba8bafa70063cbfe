"""Pattern bodies as GitHub renders them: one cmark-gfm parse for the findings and the page.

Contributors write and preview patterns on GitHub, so bodies are read with GitHub's own
engine, cmark-gfm (the `cmarkgfm` package), with GitHub's extensions: tables, task lists,
strikethrough, bare-URL autolinks and footnotes. Its Python API renders but does not walk the
tree, so the few C functions needed for that are declared here and called in the same
library (cffi's ABI mode on the module cmarkgfm already loaded): the public cmark-gfm API.

One parse gives everything: the validator's findings (each raw HTML tag and attribute, each
link and image URL, at its line and column), the headings (for ids and the table of
contents), GitHub's alerts (`> [!NOTE]`), and the HTML, which is then cleaned by an
allow-list sanitizer (nh3, i.e. Ammonia) before anything is published. What the findings call
an error is executable (see `generator.library.sanitize`); markup that only looks like a tag
(`<IR>`) is shown as typed, and markup the sanitizer drops is a warning.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import cffi
import cmarkgfm._cmark as _bundled  # type: ignore[import-untyped]

from generator.library.sanitize import (
    ALLOWED_ATTRIBUTES,
    EXECUTABLE_SCHEMES,
    URL_ATTRIBUTES,
    Finding,
    classify_tag,
    clean,
    unsafe_url,
)

_ffi = cffi.FFI()
_ffi.cdef("""
typedef struct cmark_node cmark_node;
typedef struct cmark_parser cmark_parser;
typedef struct cmark_iter cmark_iter;
typedef struct cmark_syntax_extension cmark_syntax_extension;
typedef struct cmark_llist cmark_llist;
void cmark_gfm_core_extensions_ensure_registered(void);
cmark_syntax_extension *cmark_find_syntax_extension(const char *name);
cmark_parser *cmark_parser_new(int options);
void cmark_parser_free(cmark_parser *parser);
int cmark_parser_attach_syntax_extension(cmark_parser *parser, cmark_syntax_extension *ext);
void cmark_parser_feed(cmark_parser *parser, const char *buffer, size_t len);
cmark_node *cmark_parser_finish(cmark_parser *parser);
cmark_llist *cmark_parser_get_syntax_extensions(cmark_parser *parser);
char *cmark_render_html(cmark_node *root, int options, cmark_llist *extensions);
cmark_iter *cmark_iter_new(cmark_node *root);
void cmark_iter_free(cmark_iter *iter);
int cmark_iter_next(cmark_iter *iter);
cmark_node *cmark_iter_get_node(cmark_iter *iter);
cmark_node *cmark_node_parent(cmark_node *node);
cmark_node *cmark_node_first_child(cmark_node *node);
const char *cmark_node_get_type_string(cmark_node *node);
int cmark_node_get_type(cmark_node *node);
cmark_node *cmark_parse_document(const char *buffer, size_t len, int options);
const char *cmark_node_get_literal(cmark_node *node);
int cmark_node_set_literal(cmark_node *node, const char *content);
const char *cmark_node_get_url(cmark_node *node);
int cmark_node_set_url(cmark_node *node, const char *url);
int cmark_node_get_heading_level(cmark_node *node);
int cmark_node_get_start_line(cmark_node *node);
int cmark_node_get_start_column(cmark_node *node);
int cmark_node_get_end_line(cmark_node *node);
int cmark_node_get_end_column(cmark_node *node);
void cmark_node_free(cmark_node *node);
void free(void *ptr);
""")
_lib: Any = _ffi.dlopen(_bundled.__file__)  # the C functions declared above
_lib.cmark_gfm_core_extensions_ensure_registered()
_EXTENSIONS = tuple(_lib.cmark_find_syntax_extension(name)
                    for name in (b"table", b"autolink", b"strikethrough", b"tasklist"))
# Raw HTML is kept in the tree (the findings need it; the sanitizer cleans the output);
# footnotes as on GitHub; source positions locate findings, headings, alerts.
_OPTIONS = (_bundled.lib.CMARK_OPT_UNSAFE | _bundled.lib.CMARK_OPT_FOOTNOTES
            | _bundled.lib.CMARK_OPT_SOURCEPOS)
_EVENT_DONE, _EVENT_ENTER = 1, 2

ALERTS = {  # GitHub's alert -> (title, Material's admonition type)
    "NOTE": ("Note", "note"),
    "TIP": ("Tip", "tip"),
    "IMPORTANT": ("Important", "info"),
    "WARNING": ("Warning", "warning"),
    "CAUTION": ("Caution", "danger"),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A tag of raw HTML as a browser's tokenizer starts one; attributes read one by one.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>?", re.S)
_ATTRIBUTE = re.compile(
    r"""([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""", re.S
)
_OTHER_MARKUP = re.compile(r"<(!\[CDATA\[|![A-Za-z]|\?)")
# Only a closed comment hides markup from the scan: parsers disagree on where an unclosed one
# ends (the sanitizer drops it all the same).
_COMMENT = re.compile(r"<!--(?:>|->|.*?--!?>)", re.S)


@dataclass(frozen=True)
class Heading:
    """A heading of the body: its level, plain text, id and line."""

    level: int
    text: str
    id: str
    line: int


@dataclass(frozen=True)
class Body:
    """A body rendered for a page: sanitized HTML, its headings, and what was removed."""

    html: str
    headings: tuple[Heading, ...]
    removed: tuple[str, ...]  # what executable markup was taken out, for the page's notice


@dataclass
class _Parse:
    findings: list[Finding] = field(default_factory=list)


def findings(body: str) -> list[Finding]:
    """Return what is unsafe or will not be shown as written in a body, in order."""
    return _walk(body, render=False)[0].findings


def render(body: str, *, reserved_ids: frozenset[str] = frozenset(),
           slot: tuple[str, str] | None = None) -> Body:
    """Render a body as GitHub does, sanitized, with heading ids MkDocs would give them.

    `reserved_ids` are ids the page uses elsewhere; `slot` is (marker, html): the first
    `<div class="MARKER"></div>` of the sanitized HTML is replaced by `html` (the scorecard).
    """
    parse, raw = _walk(body, render=True)
    used = set(reserved_ids)
    headings = []

    def heading(match: re.Match[str]) -> str:
        level, inner = int(match.group(1)), match.group(4)
        text = html.unescape(_TAGS.sub("", inner))  # the heading's text, as MkDocs' toc reads it
        ident = _unique(_slugify(text), used)
        headings.append(Heading(level, text, ident, int(match.group(2))))
        return (f'<h{level} id="{ident}">{inner}<a class="headerlink" href="#{ident}" '
                f'title="Permanent link">&para;</a></h{level}>')

    out = _HEADING_OPEN.sub(heading, raw)
    if "[!" in out:
        out = _alerts(out)
    out = clean(out)
    if slot is not None:
        out = out.replace(f'<div class="{slot[0]}"></div>', slot[1], 1)
    removed = tuple(sorted({f.removed for f in parse.findings if f.severity == "error"}))
    return Body(out, tuple(headings), removed)


# --- the walk -------------------------------------------------------------------------------


def _walk(body: str, *, render: bool) -> tuple[_Parse, str]:
    """Parse `body`; collect its findings; render it when asked."""
    parse = _Parse()
    data = body.encode("utf-8")
    # Raw HTML needs a `<`. A link or image that is not http(s), www or mailto needs an
    # autolink's `<`, ftp://, or a URL after `](` or a reference's `]:` that does not start
    # with http(s)://. Most bodies have none of these: their tree is not walked.
    # (Bytes: searching, lowering and deleting bytes are plain loops, several times the speed
    # of a regex, or of searching text that is not all ASCII.)
    walk = (b"<" in data or b"ftp:" in data.lower()
            or ((b"](" in data or b"]:" in data) and _OTHER_URL.search(data) is not None))
    text = ""
    if walk or render:
        parser = _lib.cmark_parser_new(_OPTIONS)
        try:
            for extension in _EXTENSIONS:
                _lib.cmark_parser_attach_syntax_extension(parser, extension)
            _lib.cmark_parser_feed(parser, data, len(data))
            root = _lib.cmark_parser_finish(parser)
            try:
                if walk:
                    _visit(root, parse, data.split(b"\n"))
                if render:
                    raw = _lib.cmark_render_html(
                        root, _OPTIONS, _lib.cmark_parser_get_syntax_extensions(parser))
                    text = _string(raw)
                    _lib.free(raw)
            finally:
                _lib.cmark_node_free(root)
        finally:
            _lib.cmark_parser_free(parser)
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        _control(body, parse)
    parse.findings.sort(key=lambda f: (f.line, f.col, f.rule, f.message))
    return parse, text


# After `](` (the URL of a link or image) or `]:` (a reference definition, or any text), what
# does not plainly start with http:// or https://.
_OTHER_URL = re.compile(rb"\](?:\((?!https?://)|:(?![ \t]*https?://))")
_CONTROL_BYTES = bytes(c for c in range(0x80) if _CONTROL.match(chr(c)))  # _CONTROL's, as bytes


def _control(body: str, parse: _Parse) -> None:
    control = _CONTROL.search(body)
    if control is not None:  # the first one says enough
        line = body.count("\n", 0, control.start()) + 1
        col = control.start() - (body.rfind("\n", 0, control.start()) + 1) + 1
        parse.findings.append(Finding(
            line, col, "control-character",
            f"control character U+{ord(control.group()):04X} is not text: remove it",
            removed="a control character",
        ))


def _visit(root: object, parse: _Parse, lines: list[bytes]) -> None:
    """Walk the tree once, looking only at the kinds of node that matter (a body has
    thousands of nodes, and each look costs calls into C)."""
    it = _lib.cmark_iter_new(root)
    step, node_of = _lib.cmark_iter_next, _lib.cmark_iter_get_node
    type_of = _lib.cmark_node_get_type
    try:
        while (event := step(it)) != _EVENT_DONE:
            if event != _EVENT_ENTER:
                continue
            node = node_of(it)
            kind = type_of(node)
            if kind in _HTML:
                _raw_html(node, parse, lines)
            elif kind in _LINKS:
                _link(node, parse, lines)
    finally:
        _lib.cmark_iter_free(it)


def _node_types() -> dict[str, int]:
    """The number cmark-gfm gives each kind of node, read off a sample document."""
    sample = b"# h\n\n> q\n\n<div>\n\n</div>\n\nt `c` <b> [l](u) ![i](s)\n"
    root = _lib.cmark_parse_document(sample, len(sample), 0)
    types: dict[str, int] = {}
    it = _lib.cmark_iter_new(root)
    try:
        while _lib.cmark_iter_next(it) != _EVENT_DONE:
            node = _lib.cmark_iter_get_node(it)
            name = _ffi.string(_lib.cmark_node_get_type_string(node))
            types[name.decode() if isinstance(name, bytes) else name] = (
                _lib.cmark_node_get_type(node))
    finally:
        _lib.cmark_iter_free(it)
        _lib.cmark_node_free(root)
    return types


_TYPES = _node_types()
_HTML = frozenset({_TYPES["html_inline"], _TYPES["html_block"]})
_LINKS = frozenset({_TYPES["link"], _TYPES["image"]})
_IMAGE = _TYPES["image"]


def _string(raw: Any) -> str:
    """A C string of the tree as text ('' for NULL)."""
    if raw == _ffi.NULL:
        return ""
    value = _ffi.string(raw)
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _literal(node: object) -> str:
    return _string(_lib.cmark_node_get_literal(node))


def _where(node: object, lines: list[bytes], offset: int = 0) -> tuple[int, int]:
    """The node's 1-based line and column in characters (cmark counts bytes), plus `offset`
    bytes into its literal, which may run over lines."""
    line = _lib.cmark_node_get_start_line(node)
    col = _lib.cmark_node_get_start_column(node)
    if line < 1 or line > len(lines):
        return max(line, 1), max(col, 1)
    start = col - 1
    text = lines[line - 1]
    while offset > 0:
        room = len(text) - start
        if offset <= room:
            start += offset
            break
        offset -= room + 1  # the line break
        line += 1
        if line > len(lines):
            break
        text, start = lines[line - 1], 0
    return line, len(text[:start].decode("utf-8", "replace")) + 1


def _raw_html(node: object, parse: _Parse, lines: list[bytes]) -> None:
    """Find what each tag of a raw HTML node would do; show the harmless look-alikes as text."""
    literal = _literal(node)
    # A comment hides what it holds.
    scanned = _COMMENT.sub(lambda m: " " * len(m.group(0)), literal)
    shown: list[str] = []
    last = 0
    for match in _TAG.finditer(scanned):
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        verdict = classify_tag(name)
        position = len(literal[: match.start()].encode("utf-8"))
        line, col = _where(node, lines, position)
        if verdict == "text":
            # Not an HTML element (`<IR>`, `<x-y>`): a browser would hide it, so show it as typed.
            shown += [literal[last : match.start()], html.escape(match.group(0))]
            last = match.end()
            parse.findings.append(Finding(
                line, col, "html-text",
                f"<{match.group(2)}> is not an HTML element; it is shown as typed "
                f"(write &lt;{match.group(2)}> or use `code` to say so)", severity="warning"))
            continue
        if verdict == "error" and not closing:
            parse.findings.append(Finding(line, col, "html-tag",
                                          f"<{name}> is not allowed in a pattern body",
                                          removed=f"<{name}>"))
            continue
        if verdict == "dropped" and not closing:
            parse.findings.append(Finding(
                line, col, "html-dropped", f"<{name}> is not shown on the site (its text is)",
                severity="warning"))
        if closing:
            continue
        for attribute in _ATTRIBUTE.finditer(rest):
            _attribute(name, attribute, parse, line, col)
    for match in _OTHER_MARKUP.finditer(scanned):
        line, col = _where(node, lines, len(literal[: match.start()].encode("utf-8")))
        what = "processing instruction" if match.group(1) == "?" else "<!...> declaration"
        parse.findings.append(Finding(line, col, "html-dropped",
                                      f"a {what} is not shown on the site", severity="warning"))
    if shown:
        _lib.cmark_node_set_literal(node, ("".join(shown) + literal[last:]).encode())


def _attribute(tag: str, match: re.Match[str], parse: _Parse, line: int, col: int) -> None:
    name = match.group(1).lower()
    value = (match.group(2) or "").strip("\"'")
    if name.startswith("on"):
        parse.findings.append(Finding(line, col, "html-attribute",
                                      f"event handler {name}= is not allowed",
                                      removed=f"an event handler ({name}=)"))
    elif name in URL_ATTRIBUTES | {"action", "formaction", "data", "poster", "background",
                                   "srcset", "xlink:href"}:
        scheme = unsafe_url(value)
        if scheme is not None:
            parse.findings.append(_url_finding(line, col, f"<{tag} {name}=...> uses a "
                                               f"'{scheme}:' URL", scheme,
                                               image=tag == "img" and name == "src", url=value))
        elif name not in ALLOWED_ATTRIBUTES:
            parse.findings.append(Finding(
                line, col, "html-attribute-dropped",
                f"attribute {name}= on <{tag}> is not shown on the site", severity="warning"))
    elif name not in ALLOWED_ATTRIBUTES:
        parse.findings.append(Finding(
            line, col, "html-attribute-dropped",
            f"attribute {name}= on <{tag}> is not shown on the site", severity="warning"))


def _link(node: object, parse: _Parse, lines: list[bytes]) -> None:
    url = _string(_lib.cmark_node_get_url(node))
    scheme = unsafe_url(url)
    if scheme is None:
        return
    line, col = _url_where(node, lines, scheme)
    image = _lib.cmark_node_get_type(node) == _IMAGE
    parse.findings.append(_url_finding(line, col, f"link to a '{scheme}:' URL", scheme,
                                       image=image, url=url))


# A picture inline in the page: an image, never a document (SVG, which can hold scripts, is not).
_DATA_PICTURE = re.compile(r"data:image/(?:png|jpeg|gif|webp|avif)[;,]", re.I)


def _url_finding(line: int, col: int, what: str, scheme: str, *, image: bool = False,
                 url: str = "") -> Finding:
    harmless = image and _DATA_PICTURE.match(html.unescape(url).strip()) is not None
    if scheme in EXECUTABLE_SCHEMES and not harmless:
        return Finding(line, col, "unsafe-url", f"{what}; use http(s)",
                       removed=f"a {scheme}: link")
    return Finding(line, col, "url-dropped", f"{what} is not kept on the site (only http, "
                   "https and mailto are); its text is", severity="warning")


# Reference definitions, also inside quotes and list items, the URL on the same or next line.
_REFERENCE = re.compile(rb"^[ \t>*+\-.)0-9]*\[[^\[\]\n]*\]:[\s>]*<?(\S+?)>?(?:\s|$)", re.M)


def _url_where(node: object, lines: list[bytes], scheme: str) -> tuple[int, int]:
    """Where a link's URL is written: after its `](`, inside `<...>`, or in the reference
    definition it names."""
    data = b"\n".join(lines)
    starts = [0]
    for text in lines[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    line = _lib.cmark_node_get_start_line(node)
    start = starts[line - 1] + _lib.cmark_node_get_start_column(node) - 1
    end_line = _lib.cmark_node_get_end_line(node)
    end = starts[end_line - 1] + _lib.cmark_node_get_end_column(node)
    at = -1
    if data[start : start + 1] == b"<":
        at = start + 1  # an autolink
    elif (bracket := data.find(b"](", start, end)) >= 0:
        at = bracket + 2
        while at < end and data[at : at + 1] in (b" ", b"\t", b"\n", b"<"):
            at += 1
    else:
        for match in _REFERENCE.finditer(data):
            if unsafe_url(match.group(1).decode("utf-8", "replace")) == scheme:
                at = match.start(1)
                break
    if at < 0:
        return _where(node, lines)
    index = data.count(b"\n", 0, at)
    return index + 1, len(data[starts[index] : at].decode("utf-8", "replace")) + 1


# --- the HTML -------------------------------------------------------------------------------

_HEADING_OPEN = re.compile(r'<h([1-6]) data-sourcepos="(\d+):(\d+)-[^"]*">(.*?)</h\1>', re.S)
_QUOTE = re.compile(r'<(/?)blockquote(?: data-sourcepos="[^"]*")?>')
_ALERT_START = re.compile(
    r'\n(<p data-sourcepos="[^"]*">)\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*'
    r"((?:(?!</p>)[^\n])*)(\n|</p>\n?)", re.I)
_TAGS = re.compile(r"<[^>]*>")


def _alerts(text: str) -> str:
    """Turn the quotes that open with GitHub's `[!KIND]` line into Material admonitions."""
    out: list[str] = []
    stack: list[bool] = []  # for each open quote: is it an alert
    last = 0
    for match in _QUOTE.finditer(text):
        out.append(text[last : match.start()])
        last = match.end()
        if match.group(1):
            out.append("</div>" if stack and stack.pop() else match.group(0))
            continue
        marker = _ALERT_START.match(text, match.end())
        stack.append(marker is not None)
        if marker is None:
            out.append(match.group(0))
            continue
        kind = marker.group(2).upper()
        title, admonition = ALERTS[kind]
        # Words after the marker: GitHub shows such a quote as plain text, but the author
        # meant a callout with that title (as Obsidian and Material write them).
        title = marker.group(3).strip() or title
        out.append(f'<div class="admonition {admonition} pl-alert pl-alert--{kind.lower()}">'
                   f'<p class="admonition-title">{title}</p>\n')
        # The paragraph goes on after the marker's line, or ends with it.
        out.append("" if marker.group(4).startswith("</p>") else marker.group(1))
        last = marker.end()
    out.append(text[last:])
    return "".join(out)


def _slugify(text: str) -> str:
    """The id MkDocs' Markdown gives a heading (its toc extension's default), so links hold."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^\w\s-]", "", ascii_text).strip().lower()
    return re.sub(r"[-\s]+", "-", words)


def _unique(ident: str, used: set[str]) -> str:
    """`ident`, or `ident_1`, `ident_2`... when a heading before took it (as MkDocs does)."""
    while ident in used or not ident:
        base, _, count = ident.rpartition("_")
        ident = f"{base}_{int(count) + 1}" if base and count.isdigit() else f"{ident}_1"
    used.add(ident)
    return ident


