"""Files that are too big, not UTF-8, or oddly encoded: refused or accepted on purpose, located.

Refused: files over MAX_FILE_BYTES (1 MiB, before they are read), invalid UTF-8 (at the line
and column of the first bad byte), control characters, and NEL/LS/PS in front matter (YAML
breaks lines there, editors do not). Accepted: a UTF-8 byte order mark, CRLF and lone CR line
endings, with every later problem on the line an editor shows. Never a traceback: the last
test runs every such file through the command line at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

import generator.library.load
from generator.library.load import MAX_FILE_BYTES
from tests.threats import (
    TEMPLATE,
    assert_build_refused,
    assert_reported,
    check,
    library_root,
    pattern,
    write,
)

P = "patterns/alpha.md"

# --- size --------------------------------------------------------------------------------------


def test_file_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = len(TEMPLATE.encode("utf-8"))
    monkeypatch.setattr(generator.library.load, "MAX_FILE_BYTES", size - 1)

    def no_reading(self: Path, *args: object, **kwargs: object) -> object:
        raise AssertionError(f"{self} was read")

    root = library_root(tmp_path)
    write(root, "alpha.md", TEMPLATE)
    monkeypatch.setattr(Path, "read_text", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    lines = check(tmp_path / "again", TEMPLATE)
    assert lines == [f"{P}:1:1: error[file-size] file is {size:,} bytes; the limit is "
                     f"{size - 1:,} (MAX_FILE_BYTES)"]


def test_file_at_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.library.load, "MAX_FILE_BYTES", len(TEMPLATE.encode("utf-8")))
    assert check(tmp_path, TEMPLATE) == []


def test_real_file_over_one_mib_is_refused(tmp_path: Path) -> None:
    assert MAX_FILE_BYTES == 1024 * 1024
    big = TEMPLATE + ("Padding line of the body, to make the file big.\n" * 24_100)
    size = len(big.encode("utf-8"))
    assert 1.1 * 1024 * 1024 < size < 1.2 * 1024 * 1024
    root = library_root(tmp_path)
    write(root, "alpha.md", big)
    expected = (f"{P}:1:1: error[file-size] file is {size:,} bytes; the limit is 1,048,576 "
                "(MAX_FILE_BYTES)")
    assert_build_refused(root, expected)


# --- encoding ----------------------------------------------------------------------------------

ENCODING = "error[encoding] not valid UTF-8: "
ENCODING_CASES: dict[str, tuple[bytes, str]] = {
    "body": (pattern("Keep \xff small.").encode("utf-8").replace(b"\xc3\xbf", b"\xff"),
             f"{P}:43:6: {ENCODING}invalid start byte"),
    "front-matter": (TEMPLATE.replace("title: Alpha", "title: Al\x00pha").encode("utf-8")
                     .replace(b"\x00", b"\xc3"),
                     f"{P}:3:10: {ENCODING}invalid continuation byte"),
    "after-multibyte": (pattern("\u00e9t\u00e9 \x00").encode("utf-8").replace(b"\x00", b"\x80"),
                        f"{P}:43:5: {ENCODING}invalid start byte"),
    "truncated-at-end": (TEMPLATE.encode("utf-8") + b"\xe2\x82",
                         f"{P}:77:1: {ENCODING}unexpected end of data"),
    "surrogate": (pattern("x \x00").encode("utf-8").replace(b"\x00", b"\xed\xa0\x80"),
                  f"{P}:43:3: {ENCODING}invalid continuation byte"),
    "utf-16": (TEMPLATE.encode("utf-16"), f"{P}:1:1: {ENCODING}invalid start byte"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", f"{P}:1:1: {ENCODING}invalid start byte"),
}


@pytest.mark.parametrize("name", list(ENCODING_CASES))
def test_invalid_utf8_is_refused_at_its_line(name: str, tmp_path: Path) -> None:
    data, expected = ENCODING_CASES[name]
    lines = check(tmp_path, data)
    assert len(lines) == 1, lines
    assert_reported(lines, expected)


def test_invalid_utf8_stops_the_build_and_writes_nothing(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    write(root, "alpha.md", ENCODING_CASES["body"][0])
    assert_build_refused(root, ENCODING_CASES["body"][1])


# --- byte order mark and line endings: accepted, lines as editors count them -----------------

# Two problems far apart: a front-matter value (line 16) and the body (line 43).
LATER = pattern("<script>alert(1)</script>", replace=(("status: draft", "status: drafty"),))
LATER_PROBLEMS = [
    f"{P}:16:11: error[schema] classification.status: 'drafty' is not one of 'draft', "
    "'review', 'published', 'deprecated' (did you mean 'draft'?)",
    f"{P}:43:1: error[html-tag] body: <script> is not allowed in a pattern body",
]


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("lf", lambda text: text.encode("utf-8")),
        ("bom", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("crlf", lambda text: text.replace("\n", "\r\n").encode("utf-8")),
        ("bom-crlf", lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")),
        ("cr", lambda text: text.replace("\n", "\r").encode("utf-8")),
        ("mixed", lambda text: text.replace("e\n", "e\r\n").replace(":\n", ":\r").encode()),
    ],
)
def test_bom_and_line_endings_are_accepted_with_true_lines(
    name: str, encode: Callable[[str], bytes], tmp_path: Path
) -> None:
    assert check(tmp_path / "clean", encode(TEMPLATE)) == []
    assert check(tmp_path / "later", encode(LATER)) == LATER_PROBLEMS


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_yaml_only_line_breaks_in_front_matter_are_refused(char: str, tmp_path: Path) -> None:
    # YAML would count a line here that no editor shows, and report every later line wrong.
    text = TEMPLATE.replace("summary: A fixture pattern.", f"summary: A fixture{char} pattern.")
    assert check(tmp_path, text) == [
        f"{P}:6:19: error[yaml-syntax] invalid YAML: character U+{ord(char):04X} is a line "
        "break for YAML only; remove it"
    ]


def test_yaml_only_line_breaks_in_the_body_are_text(tmp_path: Path) -> None:
    assert check(tmp_path, pattern("Line\u2028separator and next\x85line.")) == []


CONTROL_CASES = {
    "front-matter-nul": (TEMPLATE.replace("title: Alpha", "title: Al\x00pha"),
                         f"{P}:3:10: error[yaml-syntax] invalid YAML: character U+0000 is not "
                         "allowed"),
    "front-matter-escape": (TEMPLATE.replace("title: Alpha", "title: Al\x1bpha"),
                            f"{P}:3:10: error[yaml-syntax] invalid YAML: character U+001B"),
    "body-nul": (pattern("Keep\x00 small."),
                 f"{P}:43:5: error[control-character] body: control character U+0000 is not "
                 "text: remove it"),
    "body-escape": (pattern("Keep \x1b[31mred"), f"{P}:43:6: error[control-character] body:"),
}


@pytest.mark.parametrize("name", list(CONTROL_CASES))
def test_control_characters_are_refused_at_their_column(name: str, tmp_path: Path) -> None:
    text, expected = CONTROL_CASES[name]
    assert_reported(check(tmp_path, text), expected)


def test_form_feed_and_tab_are_text(tmp_path: Path) -> None:
    # Two files of the real library hold a form feed on a line of its own.
    assert check(tmp_path, pattern("Keep\tfixtures\n\x0c\nsmall.")) == []


EMPTYISH = {
    "empty": (b"", f"{P}:1:1: error[no-front-matter] no front matter"),
    "bom-only": (b"\xef\xbb\xbf", f"{P}:1:1: error[no-front-matter] no front matter"),
    "truncated": (TEMPLATE.encode("utf-8")[:300],
                  f"{P}:1:1: error[no-front-matter] front matter is not closed"),
    "only-dashes": (b"---\n---\n", f"{P}:2:1: error[front-matter-type] front matter must be"),
}


@pytest.mark.parametrize("name", list(EMPTYISH))
def test_empty_and_truncated_files_are_located_problems(name: str, tmp_path: Path) -> None:
    data, expected = EMPTYISH[name]
    assert_reported(check(tmp_path, data), expected)


def test_every_odd_file_at_once_through_the_command_line(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    root = library_root(tmp_path)
    files: dict[str, tuple[bytes, str]] = {
        f"encoding-{name}.md": case for name, case in ENCODING_CASES.items()
    }
    files |= {f"empty-{name}.md": case for name, case in EMPTYISH.items()}
    files |= {f"control-{name}.md": (text.encode(), expected)
              for name, (text, expected) in CONTROL_CASES.items()}
    files["big.md"] = (TEMPLATE.encode() + b"x" * MAX_FILE_BYTES, f"{P}:1:1: error[file-size]")
    # Read fine: only its slug (alpha) differs from its name.
    files["crlf.md"] = (TEMPLATE.replace("\n", "\r\n").encode(), f"{P}:4:7: error[slug-filename]")
    for name, (data, _) in files.items():
        write(root, name, data)
    (root / "patterns" / "folder.md").mkdir()  # a folder with a pattern's name is skipped
    for jobs in ("1", "2"):
        result = cli("validate", "--no-cache", "--jobs", jobs, "patterns", cwd=root)
        assert result.exit_code == 1, result.output
        lines = result.output.splitlines()
        assert lines[-1].startswith(f"{len(files)} patterns, ")
        for name, (_, expected) in files.items():
            assert_reported(lines, expected.replace(P, f"patterns/{name}"))
