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
an error is executable (see `generator.sanitize`); markup that only looks like a tag (`<IR>`)
is shown as typed, and markup the sanitizer drops is a warning.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import cffi
import cmarkgfm._cmark as _bundled  # type: ignore[import-untyped]

from generator.sanitize import Finding, classify_tag, unsafe_url

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
_LOCK = threading.Lock()  # extension registration is global; parsing itself is reentrant

ALERTS = {  # GitHub's alert -> (title, Material's admonition type)
    "NOTE": ("Note", "note"),
    "TIP": ("Tip", "tip"),
    "IMPORTANT": ("Important", "info"),
    "WARNING": ("Warning", "warning"),
    "CAUTION": ("Caution", "danger"),
}
_ALERT = re.compile(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A tag of raw HTML as a browser's tokenizer starts one; attributes read one by one.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>?", re.S)
_ATTRIBUTE = re.compile(
    r"""([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""", re.S
)
_OTHER_MARKUP = re.compile(r"<(!\[CDATA\[|![A-Za-z]|\?)")
_COMMENT = re.compile(r"<!--(?:>|->|.*?(?:--!?>|\Z))", re.S)


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
    headings: list[tuple[int, str, int, int]] = field(default_factory=list)  # level,text,line,col
    alerts: dict[tuple[int, int], str] = field(default_factory=dict)  # (line, col) -> kind


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
    ids: dict[tuple[int, int], str] = {}
    for level, text, line, col in parse.headings:
        ident = _unique(_slugify(text), used)
        ids[(line, col)] = ident
        headings.append(Heading(level, text, ident, line))
    out = _HEADING_OPEN.sub(lambda m: _heading(m, ids), raw)
    if parse.alerts:
        out = _alerts(out, parse.alerts)
    from generator.sanitize import clean

    out = clean(out)
    if slot is not None:
        out = out.replace(f'<div class="{slot[0]}"></div>', slot[1], 1)
    removed = tuple(sorted({f.removed for f in parse.findings if f.severity == "error"}))
    return Body(out, tuple(headings), removed)


# --- the walk -------------------------------------------------------------------------------


def _walk(body: str, *, render: bool) -> tuple[_Parse, str]:
    """Parse `body`; collect findings, headings and alerts; render it when asked."""
    parse = _Parse()
    data = body.encode("utf-8")
    lines = data.split(b"\n")
    with _LOCK:
        parser = _lib.cmark_parser_new(_OPTIONS)
    try:
        for extension in _EXTENSIONS:
            _lib.cmark_parser_attach_syntax_extension(parser, extension)
        _lib.cmark_parser_feed(parser, data, len(data))
        root = _lib.cmark_parser_finish(parser)
        try:
            _visit(root, parse, lines)
            text = ""
            if render:
                raw = _lib.cmark_render_html(
                    root, _OPTIONS, _lib.cmark_parser_get_syntax_extensions(parser))
                text = _string(raw)
                _lib.free(raw)
        finally:
            _lib.cmark_node_free(root)
    finally:
        _lib.cmark_parser_free(parser)
    control = _CONTROL.search(body)
    if control is not None:  # the first one says enough
        line = body.count("\n", 0, control.start()) + 1
        col = control.start() - (body.rfind("\n", 0, control.start()) + 1) + 1
        parse.findings.append(Finding(
            line, col, "control-character",
            f"control character U+{ord(control.group()):04X} is not text: remove it",
            removed="a control character",
        ))
    parse.findings.sort(key=lambda f: (f.line, f.col, f.rule, f.message))
    return parse, text


def _visit(root: object, parse: _Parse, lines: list[bytes]) -> None:
    it = _lib.cmark_iter_new(root)
    heading: list[str] | None = None  # the text so far of the heading being read
    try:
        while (event := _lib.cmark_iter_next(it)) != _EVENT_DONE:
            node = _lib.cmark_iter_get_node(it)
            kind = _ffi.string(_lib.cmark_node_get_type_string(node))
            if kind == b"heading":
                if event == _EVENT_ENTER:
                    heading = []
                else:
                    level = _lib.cmark_node_get_heading_level(node)
                    parse.headings.append((level, "".join(heading or ()), *_where(node, lines)))
                    heading = None
                continue
            if event != _EVENT_ENTER:
                continue
            if kind in (b"text", b"code"):
                if heading is not None:
                    heading.append(_literal(node))
            elif kind in (b"html_inline", b"html_block"):
                _raw_html(node, parse, lines)
            elif kind in (b"link", b"image"):
                _link(node, kind.decode(), parse, lines)
            elif kind == b"block_quote":
                _alert(node, parse, lines)
    finally:
        _lib.cmark_iter_free(it)


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
    # A comment hides what it holds, up to its end or to the end of the body.
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
    from generator.sanitize import ALLOWED_ATTRIBUTES, URL_ATTRIBUTES

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
            parse.findings.append(Finding(line, col, "unsafe-url",
                                          f"<{tag} {name}=...> uses a '{scheme}:' URL; use http(s)",
                                          removed=f"a {scheme}: link"))
        elif name not in ALLOWED_ATTRIBUTES:
            parse.findings.append(Finding(
                line, col, "html-attribute-dropped",
                f"attribute {name}= on <{tag}> is not shown on the site", severity="warning"))
    elif name not in ALLOWED_ATTRIBUTES:
        parse.findings.append(Finding(
            line, col, "html-attribute-dropped",
            f"attribute {name}= on <{tag}> is not shown on the site", severity="warning"))


def _link(node: object, kind: str, parse: _Parse, lines: list[bytes]) -> None:
    url = _string(_lib.cmark_node_get_url(node))
    scheme = unsafe_url(url)
    if scheme is None:
        return
    line, col = _url_where(node, lines, scheme)
    parse.findings.append(Finding(line, col, "unsafe-url",
                                  f"link to a '{scheme}:' URL; use http(s)",
                                  removed=f"a {scheme}: link"))


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


def _alert(node: object, parse: _Parse, lines: list[bytes]) -> None:
    """`> [!NOTE]` on the first line of a quote: GitHub's alert; drop the marker's text."""
    paragraph = _lib.cmark_node_first_child(node)
    if paragraph == _ffi.NULL or _ffi.string(
            _lib.cmark_node_get_type_string(paragraph)) != b"paragraph":
        return
    first = _lib.cmark_node_first_child(paragraph)
    if first == _ffi.NULL or _ffi.string(_lib.cmark_node_get_type_string(first)) != b"text":
        return
    text = _literal(first)
    match = _ALERT.match(text)
    if match is None or text[match.end():].strip():
        return  # GitHub wants the marker alone on its line
    parse.alerts[_where(node, lines)] = match.group(1).upper()
    _lib.cmark_node_set_literal(first, b"")


# --- the HTML -------------------------------------------------------------------------------

_HEADING_OPEN = re.compile(r'<h([1-6]) data-sourcepos="(\d+):(\d+)-[^"]*">(.*?)</h\1>', re.S)
_QUOTE = re.compile(r'<(/?)blockquote(?: data-sourcepos="(\d+):(\d+)-[^"]*")?>')


def _heading(match: re.Match[str], ids: dict[tuple[int, int], str]) -> str:
    level, inner = match.group(1), match.group(4)
    ident = ids.get((int(match.group(2)), int(match.group(3))))
    if ident is None:
        return match.group(0)
    return (f'<h{level} id="{ident}">{inner}<a class="headerlink" href="#{ident}" '
            f'title="Permanent link">&para;</a></h{level}>')


def _alerts(text: str, alerts: dict[tuple[int, int], str]) -> str:
    """Turn the quotes that are alerts into Material admonitions, nested ones included."""
    out: list[str] = []
    stack: list[bool] = []  # for each open quote: is it an alert
    last = 0
    for match in _QUOTE.finditer(text):
        out.append(text[last : match.start()])
        last = match.end()
        if match.group(1):
            out.append("</div>" if stack and stack.pop() else match.group(0))
            continue
        where = (int(match.group(2)), int(match.group(3))) if match.group(2) else None
        kind = alerts.get(where) if where else None
        stack.append(kind is not None)
        if kind is None:
            out.append(match.group(0))
        else:
            title, admonition = ALERTS[kind]
            out.append(f'<div class="admonition {admonition} pl-alert pl-alert--{kind.lower()}">'
                       f'<p class="admonition-title">{title}</p>')
    out.append(text[last:])
    # The marker's paragraph, when the marker was all of it.
    return re.sub(r'(<p class="admonition-title">[^<]*</p>)\s*<p data-sourcepos="[^"]*">\s*</p>',
                  r"\1", "".join(out))


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


