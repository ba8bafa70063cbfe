"""Nothing in a pattern can make the build write outside its output folder.

Pages are named after file names, never after front matter: a slug, id or link target that
looks like a path is a located schema error, and a --keep-going build still writes only into
site/ and its temporary sibling. File names must be safe slugs (no `..`, spaces, capitals,
Windows device names); symbolic links leading out of patterns/ are refused before reading.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from generator.library.load import RESERVED_NAMES
from generator.site.build import build
from tests.threats import (
    TEMPLATE,
    assert_build_refused,
    assert_reported,
    check,
    library_root,
    pattern,
    problems,
    write,
)

P = "patterns/alpha.md"
SLUG_FORM = "must be lowercase words joined by hyphens, e.g. 'land-and-expand'"

# --- slugs, ids and link targets that look like paths ----------------------------------------

SLUG_CASES = {
    "parent": ("../escape", f"{P}:4:7: error[schema] slug: '../escape' {SLUG_FORM}"),
    "parent-deep": ("../../../../tmp/escape", f"{P}:4:7: error[schema] slug:"),
    "absolute": ("/etc/passwd", f"{P}:4:7: error[schema] slug: '/etc/passwd' {SLUG_FORM}"),
    "nested": ("a/b", f"{P}:4:7: error[schema] slug: 'a/b' {SLUG_FORM}"),
    "backslash": ('"..\\\\escape"', f"{P}:4:7: error[schema] slug: '..\\\\escape'"),
    "windows-drive": ('"C:\\\\Windows"', f"{P}:4:7: error[schema] slug:"),
    "nul": ('"a\\0b"', f"{P}:4:7: error[schema] slug: 'a\\x00b' {SLUG_FORM}"),
    "dot": ('"."', f"{P}:4:7: error[schema] slug: '.' {SLUG_FORM}"),
}


@pytest.mark.parametrize("name", list(SLUG_CASES))
def test_path_like_slug_is_a_schema_error(name: str, tmp_path: Path) -> None:
    value, expected = SLUG_CASES[name]
    lines = check(tmp_path, pattern(replace=(("slug: alpha", f"slug: {value}"),)))
    assert_reported(lines, expected, f"{P}:4:7: error[slug-filename] slug: slug ")


def test_path_like_id_and_link_target_are_schema_errors(tmp_path: Path) -> None:
    text = pattern(replace=(("id: pat_aaaaaaaaaaaaaaaaaaaaaaaa", "id: pat_../../escape"),
                            ("related: []", "related: [../../../etc/passwd]")))
    assert_reported(
        check(tmp_path, text),
        f"{P}:2:5: error[schema] id: 'pat_../../escape' must be 'pat_' followed by 8-40 "
        "lowercase letters or digits",
        f"{P}:24:11: error[schema] related[0]: '../../../etc/passwd' must be a pattern id",
    )


def test_path_like_slug_stops_the_build_and_writes_nothing(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    write(root, "alpha.md", pattern(replace=(("slug: alpha", "slug: ../escape"),)))
    assert_build_refused(root, SLUG_CASES["parent"][1])


def _tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_keep_going_build_writes_only_into_its_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every path-like value at once, published anyway: the pages are named after the file.
    root = library_root(tmp_path / "work")
    write(root, "alpha.md", pattern(replace=(
        ("id: pat_aaaaaaaaaaaaaaaaaaaaaaaa", "id: pat_../../../../escape-id"),
        ("slug: alpha", "slug: ../../../../escape-slug"),
        ("related: []", "related: [../../../../escape-link, /tmp/escape-abs]"),
        ("domain: startup", "domain: ../../../../escape-domain"),
    )))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # the docs folder goes here
    before = _tree(tmp_path)
    result = build(root, site_dir=root / "out" / "site", keep_going=True)
    assert any(p.rule == "slug-filename" for p in result.problems)
    added = sorted(set(_tree(tmp_path)) - set(before))
    outside = [path for path in added if not (path + "/").startswith("work/library/out/")]
    assert outside == [], "written outside the site"
    assert _tree(root / "out") == ["site", *(f"site/{p}" for p in _tree(root / "out" / "site"))]
    assert _tree(temporary) == []  # the docs folder is gone
    site = root / "out" / "site"
    assert (site / "patterns" / "alpha" / "index.html").is_file()
    assert not any("escape" in path for path in _tree(site) if "browse/domain/" not in path)
    # The facet value gets a page under a URL segment made of its letters only.
    assert "browse/domain/escape-domain/index.html" in _tree(site)


# --- file names --------------------------------------------------------------------------------

UNSAFE_NAME = "is not a safe pattern file name: use lowercase words joined by hyphens"
NAME_CASES = {
    "Con.md": f"patterns/Con.md:1:1: error[file-name] 'Con.md' {UNSAFE_NAME}",
    "con.md": "patterns/con.md:1:1: error[file-name] 'con' is a reserved device name on Windows",
    "nul.md": "patterns/nul.md:1:1: error[file-name] 'nul' is a reserved device name on Windows",
    "com1.md": "patterns/com1.md:1:1: error[file-name] 'com1' is a reserved device name",
    "lpt9.md": "patterns/lpt9.md:1:1: error[file-name] 'lpt9' is a reserved device name",
    "aux.md": "patterns/aux.md:1:1: error[file-name] 'aux' is a reserved device name",
    "a b.md": f"patterns/a b.md:1:1: error[file-name] 'a b.md' {UNSAFE_NAME}",
    "UPPER.md": f"patterns/UPPER.md:1:1: error[file-name] 'UPPER.md' {UNSAFE_NAME}",
    "..md": f"patterns/..md:1:1: error[file-name] '..md' {UNSAFE_NAME}",
    "...md": f"patterns/...md:1:1: error[file-name] '...md' {UNSAFE_NAME}",
    ".hidden.md": f"patterns/.hidden.md:1:1: error[file-name] '.hidden.md' {UNSAFE_NAME}",
    "-dash.md": f"patterns/-dash.md:1:1: error[file-name] '-dash.md' {UNSAFE_NAME}",
    "under_score.md": f"patterns/under_score.md:1:1: error[file-name] 'under_score.md' "
                      f"{UNSAFE_NAME}",
    "back\\slash.md": f"patterns/back\\slash.md:1:1: error[file-name] 'back\\slash.md' "
                      f"{UNSAFE_NAME}",
    "caf\u00e9.md": f"patterns/caf\u00e9.md:1:1: error[file-name] 'caf\u00e9.md' {UNSAFE_NAME}",
    # A line break in a name is shown escaped: one problem stays one line of the report.
    "evil\nfake.md": f"patterns/evil\\nfake.md:1:1: error[file-name] 'evil\\nfake.md' "
                      f"{UNSAFE_NAME}",
}


@pytest.mark.parametrize("name", list(NAME_CASES))
def test_unsafe_file_name_is_refused(name: str, tmp_path: Path) -> None:
    lines = check(tmp_path, TEMPLATE, name=name)
    assert len(lines) == 1, lines
    assert_reported(lines, NAME_CASES[name])


def test_every_windows_device_name_is_refused(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    for name in sorted(RESERVED_NAMES):
        write(root, f"{name.lower()}.md", TEMPLATE)
    lines = problems(root)
    assert len(lines) == len(RESERVED_NAMES)
    assert all("error[file-name]" in line and "reserved device name" in line for line in lines)


def test_undecodable_file_name_is_refused_escaped(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    (root / "patterns" / os.fsdecode(b"\xff.md")).write_text(TEMPLATE, encoding="utf-8")
    assert problems(root) == [
        f"patterns/\\udcff.md:1:1: error[file-name] '\\udcff.md' {UNSAFE_NAME}, ending in .md "
        "(it becomes the page's URL)"
    ]


def test_unsafe_file_name_stops_the_build_and_writes_nothing(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    write(root, "con.md", TEMPLATE)
    assert_build_refused(root, NAME_CASES["con.md"])


# --- symbolic links ----------------------------------------------------------------------------

OUTSIDE = "error[symlink] symbolic link to a file outside the patterns folder"


def test_symlink_out_of_patterns_is_refused_before_reading(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    (root / "patterns" / "hostname.md").symlink_to("/etc/hostname")
    secret = tmp_path / "secret.md"
    secret.write_text(TEMPLATE.replace("slug: alpha", "slug: secret"), encoding="utf-8")
    (root / "patterns" / "secret.md").symlink_to(secret)
    (root / "patterns" / "relative.md").symlink_to(Path("..") / ".." / "secret.md")
    (root / "patterns" / "chain.md").symlink_to("hostname.md")  # through a link inside
    assert problems(root) == [f"patterns/{name}.md:1:1: {OUTSIDE}"
                              for name in ("chain", "hostname", "relative", "secret")]
    assert_build_refused(root, f"patterns/hostname.md:1:1: {OUTSIDE}")


def test_symlink_inside_patterns_is_read(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    (root / "patterns" / "drafts").mkdir()
    write(root, "drafts/alpha.md", TEMPLATE)
    (root / "patterns" / "alpha.md").symlink_to(Path("drafts") / "alpha.md")
    assert problems(root) == []


def test_symlinked_source_is_published_from_inside_only(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    write(root, "alpha.md", TEMPLATE)
    (root / "patterns" / "hostname.md").symlink_to("/etc/hostname")
    site = build(root, keep_going=True).site
    assert not (site / "patterns" / "hostname").exists()
    hostname = Path("/etc/hostname").read_bytes().strip()
    leaked = [p for p in site.rglob("*") if p.is_file() and hostname and hostname in p.read_bytes()
              and p.suffix in (".html", ".md", ".json")]
    assert leaked == []
