"""`patternlib fix`: certain fixes as small located edits, on broken copies of real-shaped files.

tests/fixtures/fix/library/ holds the broken files; expected.diff is what `fix` shows for them.
After an intended change, regenerate it and read it by eye:

    d=$(mktemp -d) && cp -r tests/fixtures/fix/library "$d/patterns" && \
        (cd "$d" && patternlib fix) > tests/fixtures/fix/expected.diff
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.library import fix as fix_module
from generator.library.fix import Edit, Unfixable, apply_edits, fix_library
from generator.library.validate import validate_files
from tests.conftest import FIXTURES

Cli = Callable[..., Result]
BROKEN = FIXTURES / "fix" / "library"
EXPECTED_DIFF = FIXTURES / "fix" / "expected.diff"
FIXED_RULES = {"missing-inverse", "overall-mismatch", "alignment-mismatch", "yaml-boolean",
               "dangling-link"}


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """Return a folder holding a copy of the broken library as patterns/."""
    shutil.copytree(BROKEN, tmp_path / "patterns")
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted((folder / "patterns").iterdir())}


def _problems(folder: Path, monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str, str]]:
    monkeypatch.chdir(folder)
    _, problems = validate_files([Path("patterns")])
    return {(p.path, p.rule, p.field) for p in problems}


def test_diff_only_without_write(broken: Path, cli: Cli) -> None:
    before = _snapshot(broken)
    result = cli("fix", cwd=broken)
    assert result.exit_code == 1  # changes to write, and problems left
    # stdout_bytes: Result.stdout turns the CRLF file's lines into LF ones.
    assert result.stdout_bytes == EXPECTED_DIFF.read_bytes()
    assert _snapshot(broken) == before
    assert "4 files would be changed: run with --write to apply" in result.stderr


def test_write_fixes_what_validate_reported(broken: Path, cli: Cli,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    before = _problems(broken, monkeypatch)
    result = cli("fix", "--write", cwd=broken)
    assert result.stdout == ""
    summary = result.stderr.splitlines()
    assert summary[:5] == [
        "alignment-mismatch: fixed 1, left 0",
        "dangling-link: fixed 1, left 2",
        "missing-inverse: fixed 4, left 1",
        "overall-mismatch: fixed 1, left 1",
        "yaml-boolean: fixed 1, left 0",
    ]
    after = _problems(broken, monkeypatch)
    gone = {p for p in before - after if p[1] in FIXED_RULES}
    assert gone == {
        ("patterns/commons-land-trust.md", "alignment-mismatch",
         "classification.commons_alignment"),
        ("patterns/commons-land-trust.md", "overall-mismatch", "pillars.overall"),
        ("patterns/commons-land-trust.md", "dangling-link", "requires[0]"),
        ("patterns/commons-land-trust.md", "missing-inverse", "enables[0]"),
        ("patterns/commons-land-trust.md", "missing-inverse", "related[0]"),
        ("patterns/seed-funding-circle.md", "missing-inverse", "related[0]"),
        ("patterns/barn-raising.md", "missing-inverse", "related[0]"),
        ("patterns/seed-funding-circle.md", "yaml-boolean", "x_import.featured"),
    }
    assert after - before == set()  # nothing new, not even a missing inverse
    left = {p for p in after if p[1] in FIXED_RULES}
    assert left == {
        ("patterns/commons-land-trust.md", "dangling-link", "specializes_to[0]"),
        ("patterns/commons-land-trust.md", "dangling-link", "related[1]"),
        ("patterns/commons-land-trust.md", "missing-inverse", "enables[1]"),
        ("patterns/barn-raising.md", "overall-mismatch", "pillars.overall"),
    }
    assert result.exit_code == 1  # problems are left for a person


def test_left_for_a_person_says_why(broken: Path, cli: Cli) -> None:
    lines = cli("fix", cwd=broken).stderr.splitlines()
    assert ("patterns/commons-land-trust.md:22:18: dangling-link specializes_to[0]: no pattern "
            "is named 'seed-fundng-circle' (did you mean 'seed-funding-circle'?): choose the "
            "target") in lines
    assert ("patterns/commons-land-trust.md:25:41: dangling-link related[1]: "
            "patterns/cooperative-bakery.md cannot be read: fix it, and this link "
            "resolves") in lines
    assert any("platform-coop.md has a nested `relationships:` block" in line for line in lines)
    assert any("Overall is not a plain number" in line for line in lines)


def test_second_fix_changes_nothing(broken: Path, cli: Cli) -> None:
    cli("fix", "--write", cwd=broken)
    once = _snapshot(broken)
    again = cli("fix", cwd=broken)
    assert again.stdout == ""
    assert "nothing to change" in again.stderr
    cli("fix", "--write", cwd=broken)
    assert _snapshot(broken) == once


def test_comments_quoting_and_line_endings_stay(broken: Path, cli: Cli) -> None:
    cli("fix", "--write", cwd=broken)
    land = (broken / "patterns" / "commons-land-trust.md").read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=../../schema/pattern.schema.json\n" in land
    assert "  commons_alignment: 4   # stated before the table was scored\n" in land
    assert "requires: [barn-raising]  # barn-raising's former slug\n" in land
    assert "aliases: ['CLT']\n" in land
    assert "| **Overall** | **3.6** | **Strongly aligned.** |" in land
    seed = (broken / "patterns" / "seed-funding-circle.md").read_text(encoding="utf-8")
    assert ("enables:\n  - mutual-aid-network    # block list, indented dashes\n"
            "requires:\n  - commons-land-trust\nrelated:\n  - mutual-aid-network\n"
            "  - barn-raising\n") in seed
    assert '  featured: "yes"   # as the source wrote it\n' in seed
    crlf = (broken / "patterns" / "mutual-aid-network.md").read_bytes()
    assert b"related: [commons-land-trust, seed-funding-circle]\r\n" in crlf
    assert crlf.count(b"\n") == crlf.count(b"\r\n")


def test_unreadable_yaml_is_never_written(broken: Path, cli: Cli) -> None:
    cli("fix", "--write", cwd=broken)
    name = "cooperative-bakery.md"
    assert (broken / "patterns" / name).read_bytes() == (BROKEN / name).read_bytes()


def test_paths_choose_problems_by_their_source(broken: Path, cli: Cli) -> None:
    result = cli("fix", "--write", "patterns/seed-funding-circle.md", cwd=broken)
    assert result.stderr.splitlines()[:2] == [
        "missing-inverse: fixed 1, left 0",
        "yaml-boolean: fixed 1, left 0",
    ]
    changed = {n for n, data in _snapshot(broken).items() if data != (BROKEN / n).read_bytes()}
    # seed-funding-circle's one-sided link is fixed in mutual-aid-network.
    assert changed == {"seed-funding-circle.md", "mutual-aid-network.md"}


def test_an_edit_that_breaks_the_yaml_is_dropped(broken: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fix_module, "_scalar", lambda name: f"[{name}")
    monkeypatch.chdir(broken)
    report = fix_library(Path("patterns"))
    changed = {f.display for f in report.files}
    assert "patterns/mutual-aid-network.md" not in changed
    reasons = {x.problem.field: x.reason for x in report.left
               if x.problem.path == "patterns/commons-land-trust.md"}
    assert reasons["related[0]"] == "the edit would make the file unreadable; left as it was"


def test_clean_library_exits_zero(tmp_path: Path, cli: Cli) -> None:
    shutil.copytree(FIXTURES / "valid" / "library", tmp_path / "patterns")
    result = cli("fix", cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, "")
    assert "nothing to change" in result.stderr


def test_apply_edits_checks_where_it_edits() -> None:
    text = "a: [x]\r\nb: yes\r\n"
    assert apply_edits(text, [Edit(2, 4, "yes", '"yes"'), Edit(1, 6, "", ", y"),
                              Edit(2, lines=("c: 1",))]) == 'a: [x, y]\r\nb: "yes"\r\nc: 1\r\n'
    with pytest.raises(Unfixable, match="expected 'no'"):
        apply_edits(text, [Edit(2, 4, "no", '"no"')])
    with pytest.raises(Unfixable, match="overlap"):
        apply_edits(text, [Edit(2, 4, "yes", "1"), Edit(2, 5, "es", "2")])
    assert apply_edits("a: 1", [Edit(1, lines=("b: 2",))]) == "a: 1\nb: 2"
