"""Hypothesis strategies that break a valid pattern file, and the property every run must keep.

Shared by tests/test_fuzz.py (a few hundred examples, in CI) and benchmarks/fuzz_validate.py
(tens of thousands, on demand). A mutation works on the file's bytes: truncate it, insert bytes
(invalid UTF-8, control characters, line breaks YAML and Markdown read differently), delete or
duplicate a line, give a line another line's indentation, or put a YAML/Markdown indicator in
place of a character. Positions are drawn as plain integers and taken modulo the current
length, so every mutation applies to any file and shrinks well.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st

from generator.library.load import load_library, load_pattern
from generator.library.model import Problem
from generator.library.report import as_text
from generator.library.sanitize import scan
from generator.library.validate import check_pattern, validate
from tests.threats import TEMPLATE, live_markup

Mutation = Callable[[bytes], bytes]
INDICATORS = ":{}[]&*!|>'\"#%@`"
# Bytes that trouble decoders and parsers: invalid UTF-8 (a lone continuation byte, a cut
# two-byte sequence, an encoded surrogate, an overlong form), NUL, STX, ESC, DEL, CR, a BOM,
# NEL and LS (line breaks for YAML only), tab.
SPECIAL = [b"\xff", b"\x80", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\x00", b"\x02", b"\x1b",
           b"\x7f", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xc2\x85", b"\xe2\x80\xa8", b"\t",
           b"---\n", b"...\n", b"&a ", b"*a", b"<<: ", b"!!python/name:os.system "]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _truncate(at: int) -> Mutation:
    return lambda data: data[: at % (len(data) + 1)]


def _insert(at: int, extra: bytes) -> Mutation:
    def apply(data: bytes) -> bytes:
        i = at % (len(data) + 1)
        return data[:i] + extra + data[i:]
    return apply


def _delete_line(at: int) -> Mutation:
    def apply(data: bytes) -> bytes:
        lines = _lines(data)
        del lines[at % len(lines)]
        return b"\n".join(lines)
    return apply


def _duplicate_line(at: int) -> Mutation:
    def apply(data: bytes) -> bytes:
        lines = _lines(data)
        i = at % len(lines)
        lines.insert(i, lines[i])
        return b"\n".join(lines)
    return apply


def _swap_indentation(at: int, other: int) -> Mutation:
    def apply(data: bytes) -> bytes:
        lines = _lines(data)
        i, j = at % len(lines), other % len(lines)
        indent = re.match(rb"[ \t]*", lines[j]).group()  # type: ignore[union-attr]
        lines[i] = indent + lines[i].lstrip(b" \t")
        return b"\n".join(lines)
    return apply


def _replace_char(at: int, char: str) -> Mutation:
    def apply(data: bytes) -> bytes:
        if not data:
            return char.encode()
        i = at % len(data)
        return data[:i] + char.encode() + data[i + 1 :]
    return apply


POSITION = st.integers(min_value=0, max_value=10**6)
MUTATION: st.SearchStrategy[Mutation] = st.one_of(
    st.builds(_truncate, POSITION),
    st.builds(_insert, POSITION, st.one_of(st.sampled_from(SPECIAL), st.binary(max_size=8))),
    st.builds(_delete_line, POSITION),
    st.builds(_duplicate_line, POSITION),
    st.builds(_swap_indentation, POSITION, POSITION),
    st.builds(_replace_char, POSITION, st.sampled_from(INDICATORS)),
)
TEMPLATE_BYTES = TEMPLATE.encode("utf-8")


@st.composite
def broken_files(draw: st.DrawFn, template: bytes = TEMPLATE_BYTES) -> bytes:
    """A valid pattern file with one to four mutations applied."""
    data = template
    for mutation in draw(st.lists(MUTATION, min_size=1, max_size=4)):
        data = mutation(data)
    return data


def line_count(data: bytes) -> int:
    """Lines as the loader counts them: LF, CRLF and a lone CR each end one."""
    return len(re.split(rb"\r\n|\r|\n", data))


def check_file(path: Path, data: bytes) -> list[Problem]:
    """Write `data` to `path`, load and validate it; assert every problem is located in it.

    Raises what the loader or the validator raise: a property test fails on it.
    """
    path.write_bytes(data)
    pattern, problems = load_pattern(path, display=path.name)
    if pattern is not None:
        problems = [*problems, *check_pattern(pattern)]
    problems += validate(load_library([path]))  # the whole run, cross-file rules included
    lines = line_count(data)
    for problem in problems:
        shown = as_text(problem)
        assert "\n" not in shown, shown
        assert "\r" not in shown, shown
        assert 1 <= problem.line <= lines + 1, f"line out of the file ({lines} lines): {shown}"
        assert problem.col >= 1, shown
    return problems


# --- bodies: what the scan lets through must not run once rendered ---------------------------

BODY_TOKENS = [
    "<", ">", "<!--", "-->", "<![CDATA[", "]]>", "<!x ", "</ ", "<?", "<script>", "</script>",
    "<script >", "<a ", "<img ", "src=x ", "title=", '"', "'", " onclick=alert(1)",
    " onerror=alert(1)", "href=", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;",
    "&#x6A;avascript:", "java&#9;script:", "[x]", "[", "]", "](", ")", "(", "![i](", "[r]: ",
    "[r]", "{: ", "{", "}", " {: onclick=x}", ' {: href="javascript:alert(1)"}', "\n", "\n\n",
    "> ", "- ", "1. ", "    ", "`", "```\n", "~~~\n", "~~~ {", "~~~\t", "\t", "\x02", "\r",
    "&lt;", " ", "x", "<b>", "</b>", "<div>", "</div>", "# ", "|", "*", "_", "!", "\\", "=",
    ":", "<br>", "<iframe>", "<style>", "<svg/onload=alert(1)>", "<details open ontoggle=x>",
    "data:text/html,x", "vbscript:x", "=<", '"<',
]
bodies = st.lists(st.sampled_from(BODY_TOKENS), min_size=1, max_size=25).map("".join)


def check_body(body: str) -> None:
    """Assert that a body the scan finds nothing in renders to nothing that would run."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")  # as the loader reads it
    if not scan(body):
        live = live_markup(body)
        assert not live, f"{body!r} passes the scan but renders {live}"
