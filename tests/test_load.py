"""Loading: front matter split, YAML type traps, positions in file coordinates."""

from __future__ import annotations

from pathlib import Path

from generator.library.load import load_library, parse_pattern
from generator.library.model import Pattern

HEAD = "---\nid: pat_0123456789abcdef\ntitle: T\n"


def parse(text: str) -> tuple[Pattern | None, list[str]]:
    pattern, problems = parse_pattern(text, display="t.md", key="t")
    return pattern, [f"{p.line}:{p.col} {p.rule}" for p in problems]


def test_dates_stay_text_and_no_stays_no() -> None:
    pattern, problems = parse(HEAD + "created: 2026-02-01\naliases: [no, 'yes', on]\n---\n")
    assert pattern is not None
    assert pattern.meta["created"] == "2026-02-01"
    assert pattern.meta["aliases"] == ["no", "yes", "on"]
    # The quoted 'yes' is unambiguous; the two plain ones are warned about.
    assert problems == ["5:11 yaml-boolean", "5:22 yaml-boolean"]


def test_true_false_and_numbers_keep_their_types() -> None:
    pattern, _ = parse(HEAD + "a: true\nb: 0.7\nc: 3\nd: ~\n---\n")
    assert pattern is not None
    assert pattern.meta["a"] is True
    assert pattern.meta["b"] == 0.7
    assert pattern.meta["c"] == 3
    assert pattern.meta["d"] is None


def test_yaml_1_2_floats_are_numbers() -> None:
    # check-jsonschema and editors read YAML 1.2, where 7e-1 is a number; YAML 1.1's pattern
    # needs a decimal point and a signed exponent.
    pattern, problems = parse(HEAD + "a: 7e-1\nb: 1E3\nc: 0.7e1\nd: -2e+2\ne: 7e\nf: '7e-1'\n---\n")
    assert pattern is not None
    assert problems == []
    assert [pattern.meta[k] for k in "abcd"] == [0.7, 1000.0, 7.0, -200.0]
    assert pattern.meta["e"] == "7e"  # no digits after the e: text
    assert pattern.meta["f"] == "7e-1"  # quoted: text


def test_positions_count_the_opening_delimiter() -> None:
    pattern, _ = parse(HEAD + "classification:\n  category:\n  - growth\n---\nbody\n")
    assert pattern is not None
    assert pattern.where(("title",)) == (3, 8)
    assert pattern.where(("title",), key=True) == (3, 1)
    assert pattern.where(("classification", "category", 0)) == (6, 5)
    # A path deeper than anything recorded falls back to its nearest parent.
    assert pattern.where(("classification", "category", 0, "x")) == (6, 5)
    assert pattern.body == "body\n"
    assert pattern.body_line == 8


def test_duplicate_keys_are_caught_in_nested_mappings() -> None:
    _, problems = parse(HEAD + "classification:\n  domain: a\n  domain: b\n---\n")
    assert problems == ["6:3 duplicate-key"]


def test_anchors_work_and_merge_keys_are_refused() -> None:
    pattern, problems = parse(HEAD + "base: &b {x: 1}\nagain: *b\n---\n")
    assert pattern is not None
    assert problems == []
    assert pattern.meta["again"] == {"x": 1}
    text = HEAD + "base: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\n---\n"
    assert parse(text) == (None, ["6:3 yaml-merge"])


def test_crlf_and_bom_are_read_like_lf() -> None:
    text = "\ufeff" + (HEAD + "---\n# T\n").replace("\n", "\r\n")
    pattern, problems = parse(text)
    assert pattern is not None
    assert problems == []
    assert pattern.meta["title"] == "T"
    assert pattern.body == "# T\n"


def test_syntax_error_points_at_the_line_in_the_file() -> None:
    pattern, problems = parse(HEAD + "aliases: [a, b\nsummary: x\n---\n")
    assert pattern is None
    assert problems == ["5:8 yaml-syntax"]


def test_pillar_table_cells_and_columns() -> None:
    text = HEAD + "---\n# T\n\n## 5. 7 Pillars Assessment\n\n"
    text += "| Pillar | Score | Why |\n|---|---|---|\n"
    text += "| Purpose | 4 | Because \\| reasons |\n\n## Next\n| not | the table |\n"
    pattern, _ = parse(text)
    assert pattern is not None
    assert pattern.table is not None
    assert pattern.table.line == 7
    (row,) = pattern.table.rows
    assert row.line == 11
    assert row.cells == ("Purpose", "4", "Because \\| reasons")
    assert row.cols == (3, 13, 17)


def test_library_loads_sorted_and_keeps_unreadable_files_as_problems(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text(HEAD + "---\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("no front matter\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    library = load_library([tmp_path], root=tmp_path)
    assert [p.key for p in library.patterns] == ["b"]
    assert [(p.path, p.rule) for p in library.problems] == [("a.md", "no-front-matter")]
    assert library.files == 2
