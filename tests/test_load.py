"""Loading: front matter split, YAML type traps, positions in file coordinates."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.library import load, parallel, validate
from generator.library.load import Unread, load_library, parse_pattern
from generator.library.model import Library, Pattern, Problem
from generator.library.validate import check_library, check_pattern, validate_files
from tests.conftest import FIXTURES, ROOT
from tests.fuzzing import broken_files

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


@pytest.mark.parametrize(("body", "line"), [
    ("## 7 Pillars Assessment\n|a|b|\n|-|-|\n|Purpose|4|\n", 5),  # the body's first line
    ("Pillars assessment, in prose.\n#Pillars Assessment\n## PILLARS ASSESSMENT ##\n"
     "|a|b|\n|-|-|\n|Purpose|4|\n", 7),  # only a heading counts, in any case
    ("# T\n### 3. Seven Pillars Assessment\n|a|b|\n|-|-|\n|Purpose|4|\n"
     "## 7 Pillars Assessment\n|a|b|\n|-|-|\n|Culture|2|\n", 6),  # the first one
])
def test_pillar_table_is_found_under_its_heading(body: str, line: int) -> None:
    pattern, _ = parse(HEAD + "---\n" + body)
    assert pattern is not None
    assert pattern.table is not None
    assert pattern.table.line == line
    assert [row.cells[0] for row in pattern.table.rows] == ["Purpose"]


def test_library_loads_sorted_and_keeps_unreadable_files_as_problems(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text(HEAD + "---\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("no front matter\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    library = load_library([tmp_path], root=tmp_path)
    assert [p.key for p in library.patterns] == ["b"]
    assert [(p.path, p.rule) for p in library.problems] == [("a.md", "no-front-matter")]
    assert library.files == 2


# --- x_import, left unread when the file is only validated ----------------------------------

# The shapes `patternlib import` writes under x_import: nested mappings, lists of mappings and
# of text, empty values, quoted and plain text, numbers.
X_IMPORT = """x_import:
  context_labels:
    corporate: Diagnosing team dynamics before a re-org.
    tech: 'Quoted: it''s text'
  lifecycle:
    usage_stage: design
    confidence: 3
    ratio: 0.75
    pending:
  relationships:
    enables:
    - id: ce-leverage-point
      weight: 0.8
      description: Effective diagnosis reveals where to intervene.
    - slug: other
    tools: []
    notes: {}
  keywords:
  - systems thinking
  - "escaped \\"quote\\" \\u00e9"
  - R&D, [draft] no#1 of 2
  last_pruned: '2026-02-19'
"""
X_VALUE = {
    "context_labels": {"corporate": "Diagnosing team dynamics before a re-org.",
                       "tech": "Quoted: it's text"},
    "lifecycle": {"usage_stage": "design", "confidence": 3, "ratio": 0.75, "pending": None},
    "relationships": {
        "enables": [{"id": "ce-leverage-point", "weight": 0.8,
                     "description": "Effective diagnosis reveals where to intervene."},
                    {"slug": "other"}],
        "tools": [], "notes": {},
    },
    "keywords": ["systems thinking", 'escaped "quote" \u00e9', "R&D, [draft] no#1 of 2"],
    "last_pruned": "2026-02-19",
}
X_HEAD = HEAD + "slug: t\n"  # x_import at line 5


def both(text: str) -> tuple[Pattern | None, Pattern | None, list[Problem]]:
    """Parse `text` in full and for validation only; assert both report the same problems,
    loading and validating, and agree on everything but what is inside an unread x_import."""
    full, problems = parse_pattern(text, display="t.md", key="t")
    fast, fast_problems = parse_pattern(text, display="t.md", key="t", validate_only=True)
    assert fast_problems == problems
    assert (full is None) == (fast is None)
    if full is not None and fast is not None:
        assert check_pattern(fast) == check_pattern(full)
        unread = isinstance(fast.meta.get("x_import"), Unread)
        meta = {k: (Unread() if unread and k == "x_import" else v) for k, v in full.meta.items()}
        assert fast.meta == meta
        assert list(fast.meta) == list(full.meta)
        inside = {p for p in full.positions if len(p) > 1 and p[0] == "x_import"}
        assert {p: v for p, v in full.positions.items() if p not in inside or not unread} \
            == dict(fast.positions)
    return full, fast, problems


def test_a_clean_x_import_is_left_unread_and_positions_around_it_stay() -> None:
    text = X_HEAD + X_IMPORT + "summary: After it.\n---\nbody\n"
    full, fast, problems = both(text)
    assert problems == []
    assert full is not None
    assert fast is not None
    assert full.meta["x_import"] == X_VALUE
    assert isinstance(fast.meta["x_import"], Unread)
    assert fast.meta["x_import"] == {}
    assert fast.where(("x_import",), key=True) == (5, 1)
    assert fast.where(("x_import",)) == (6, 3)  # the mapping starts at its first key
    assert fast.where(("summary",)) == full.where(("summary",)) == (27, 10)
    assert fast.body_line == full.body_line == 29


@pytest.mark.parametrize(("change", "expected"), [
    # A problem inside x_import must be reported as the full reading reports it.
    (("    confidence: 3\n", "    confidence: 3\n    stable: yes\n"), ["12:13 yaml-boolean"]),
    (("  - systems thinking\n", "  - no\n"), ["23:5 yaml-boolean"]),
    (("  - slug: other\n", "  - slug: off\n"), ["19:13 yaml-boolean"]),
    (("    ratio: 0.75\n", "    ratio: 0.75\n    confidence: 4\n"), ["13:5 duplicate-key"]),
    (("    - slug: other\n", "    - slug: other\n      slug: again\n"), ["20:7 duplicate-key"]),
    (("  last_pruned:", "  keywords: []\n  last_pruned:"), ["26:3 duplicate-key"]),
    (("summary: After it.\n", "x_import: {}\n"), ["27:1 duplicate-key"]),
    # An anchor and its alias, even harmless ones, take the full path.
    (("    tools: []\n", "    tools: &t [a]\n    more: *t\n"), []),
    (("summary: After it.\n", "base: &s [a]\nagain: *s\n"), []),
    (("    confidence: 3\n", "    confidence: !!str 3\n"), []),
    (("    confidence: 3\n", "    confidence: !!binary aGk=\n"), ["11:17 yaml-tag"]),
    (("    pending:\n", "    <<: {a: 1}\n"), ["13:5 yaml-merge"]),
    (("    ratio: 0.75\n", "    ratio: " + "9" * 5000 + "\n"), ["12:12 yaml-syntax"]),
    (("    ratio: 0.75\n", "    ratio: a\x07b\n"), ["12:13 yaml-syntax"]),
    (("    ratio: 0.75\n", "    ratio: 0.75\n  bad indent: x\n"), ["14:12 yaml-syntax"]),
    (("    ratio: 0.75\n", "    ratio: 0.75\n\tx: 1\n"), ["13:1 yaml-syntax"]),
    (("    ratio: 0.75\n", "    ratio: 0.75\n     more\n"), []),  # text over two lines
    (("    ratio: 0.75\n", "    ratio: 0.75 # a comment\n"), []),
    (("    ratio: 0.75\n", "    ratio: '0.75\n      over two lines'\n"), []),
    (("x_import:\n", "x_import:\n  deep:\n" + "".join(
        " " * (4 + 2 * i) + f"k{i}:\n" for i in range(34))), ["38:67 yaml-depth"]),
])
def test_what_x_import_holds_is_reported_as_before(
    change: tuple[str, str], expected: list[str]
) -> None:
    text = X_HEAD + X_IMPORT + "summary: After it.\n---\nbody\n"
    assert change[0] in text
    _, fast, problems = both(text.replace(*change, 1))
    assert [f"{p.line}:{p.col} {p.rule}" for p in problems] == expected
    if fast is not None:
        assert not isinstance(fast.meta["x_import"], Unread)  # read in full


@pytest.mark.parametrize("text", [
    X_HEAD + "x_import:\n- a list\n---\n",  # not a mapping: the schema reports it
    X_HEAD + "x_import:\n  - a list\n---\n",
    X_HEAD + "x_import:\nsummary: empty x_import\n---\n",
    X_HEAD + "x_import: {a: 1}\n---\n",
    X_HEAD + "summary: '\nx_import:\n  a: 1\nb: c'\n---\n",  # inside a quoted text
    X_HEAD + "summary: \"\nx_import:\n  a: 1\n\"\n---\n",
    "---\n{id: x,\nx_import:\n  a: 1\n}\n---\n",  # inside a flow mapping
    X_HEAD + "x_import:\n  a: 1\n# a comment\n  b: 2\n---\n",
    X_HEAD + "x_import:\n  a: 1\n\"b\": 2\n---\n",
])
def test_unusual_x_import_takes_the_full_path(text: str) -> None:
    _, fast, _ = both(text)
    assert fast is None or not isinstance(fast.meta.get("x_import"), Unread)


SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}
X_TEMPLATE = (X_HEAD + X_IMPORT + "summary: After it.\n---\nbody\n").encode("utf-8")


@settings(max_examples=500, **SETTINGS)  # type: ignore[arg-type]
@given(data=broken_files(template=X_TEMPLATE))
def test_mutated_x_import_gives_the_same_problems_unread_or_not(data: bytes) -> None:
    both(data.decode("utf-8", "replace"))


KEYS = st.sampled_from(["a", "b", "c", "k-1", "1", "y"])
SCALARS = st.one_of(
    st.sampled_from(["v", "yes", "it's", "a: b", "#x", "- z", "", "x\ny"]),
    st.integers(-5, 5), st.floats(), st.booleans(), st.none(),
)
TREES = st.recursive(SCALARS, lambda kids: st.one_of(
    st.lists(kids, max_size=3), st.dictionaries(KEYS, kids, max_size=4)), max_leaves=12)
# A line edit: indent or dedent it, repeat or drop it, or give it another value.
EDITS = st.tuples(st.integers(0, 40), st.sampled_from(["+1", "-1", "+2", "-2", "dup", "del", "="]),
                  st.sampled_from(["no", "&a x", "*a", "!!str s", "|", "[a]", "<<", "'open", "\t",
                                   "x:", "v"]))

# A mapping of trees, dumped with an indentation, then edited.
EDITED_TREES = {"tree": st.dictionaries(KEYS, TREES, min_size=1, max_size=5),
                "indent": st.integers(2, 4), "edits": st.lists(EDITS, max_size=2)}


@settings(max_examples=300, **SETTINGS)  # type: ignore[arg-type]
@given(**EDITED_TREES)
def test_edited_imported_blocks_give_the_same_problems_unread_or_not(
    tree: dict[str, object], indent: int, edits: list[tuple[int, str, str]]
) -> None:
    lines = yaml.safe_dump({"x_import": tree}, indent=indent, sort_keys=False,
                           width=10**6).splitlines(keepends=True)
    both(X_HEAD + edited(lines, edits, first=1) + "---\nbody\n")


def edited(lines: list[str], edits: list[tuple[int, str, str]], *, first: int = 0) -> str:
    """Apply line edits (EDITS) to `lines` from `first` on; return the text."""
    for at, edit, value in edits:
        i = first + at % len(lines)
        if i >= len(lines):
            continue
        line = lines[i]
        if edit[0] == "+":
            lines[i] = " " * int(edit[1]) + line
        elif edit[0] == "-":
            lines[i] = line[int(edit[1]):] if line.startswith(" " * int(edit[1])) else line
        elif edit == "dup":
            lines.insert(i, line)
        elif edit == "del" and len(lines) > 1:
            del lines[i]
        else:
            lines[i] = line.split(": ", 1)[0] + ": " + value + "\n"
    return "".join(lines)


def test_x_import_values_reach_the_build_and_validation_reports_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "patterns"
    folder.mkdir()
    clean = X_HEAD + X_IMPORT + "---\nbody\n"
    (folder / "t.md").write_text(clean, encoding="utf-8")
    (folder / "u.md").write_text(
        X_HEAD.replace("slug: t", "slug: u") + X_IMPORT.replace("tools: []", "tools: on")
        + "---\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    checked = check_library([folder])  # what `patternlib build` reads
    assert next(p.meta["x_import"] for p in checked.library.patterns) == X_VALUE
    _, problems = validate_files([folder], jobs=1)
    assert problems == checked.problems
    assert [(p.path, p.line, p.rule) for p in problems if p.field.startswith("x_import")] \
        == [("patterns/u.md", 20, "yaml-boolean")]


def test_near_duplicates_found_in_a_forked_process_are_the_same(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, title in (("beta.md", "Beta"), ("gamma.md", "Gamma")):
        path = library / name
        path.write_text(path.read_text(encoding="utf-8").replace(
            f"title: {title}", "title: Zero-Knowledge Proofs"), encoding="utf-8")
    monkeypatch.chdir(library.parent)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 0)
    forked = []
    cross_check = validate.cross_check

    def record(checked: Library, graph: object = None) -> list[Problem]:
        forked.append(validate._COMPARED is checked)  # set while the other process runs
        return cross_check(checked)

    monkeypatch.setattr(validate, "cross_check", record)
    _, problems = validate_files([Path("patterns")], jobs=2)
    assert forked == [True]
    assert problems == validate.validate(load_library([Path("patterns")]))
    assert [p.path for p in problems if p.rule == "near-duplicate"] \
        == ["patterns/beta.md", "patterns/gamma.md"]


# --- plain front matter: read without libyaml, as libyaml reads it ----------------------------


def read_plainly(source: str) -> bool:
    """Tell whether `source` (front matter) is read by the plain path; when it is, assert it
    gives what composing it with libyaml gives: values (types and key order), positions,
    problems."""
    plain = load._read_plain(source, "t.md")
    if plain is None:
        return False
    composed = load._compose(source, "t.md")
    assert not isinstance(composed, Problem), source
    assert repr(plain[0]) == repr(composed[0]), source  # repr: 1, 1.0 and True differ
    assert repr(list(plain[1].positions.items())) == repr(list(composed[1].positions.items()))
    assert plain[1].problems == composed[1].problems == []
    return True


def front_matter(text: str) -> str:
    return text.split("---\n", 2)[1]


def test_the_starter_library_and_fixtures_are_read_plainly_or_left_to_libyaml() -> None:
    starters = sorted((ROOT / "patterns").glob("*.md"))
    assert all(read_plainly(front_matter(f.read_text(encoding="utf-8"))) for f in starters)
    texts = [f.read_bytes().decode("utf-8", "replace") for f in sorted(FIXTURES.rglob("*.md"))]
    read = [read_plainly(front_matter(t)) for t in texts if t.count("---\n") >= 2]
    assert 0 < sum(read) < len(read)  # some fixtures are plain, some are not


# Values as they are written after `key: ` or `- `: numbers, nulls, booleans and dates in
# their YAML 1.1 and 1.2 spellings, quoting, and what the plain path must leave to libyaml.
WRITTEN = [
    "a", "two words", "1", "-5", "+7", "0x1F", "0o17", "017", "1_000", "1:30", "190:20:30",
    "1.5", ".5", "1e3", "7e-1", "1.0e+20", ".inf", "-.Inf", ".nan", "~", "null", "Null",
    "NULL", "true", "False", "TRUE", "yes", "No", "on", "y", "2024-01-31",
    "2024-01-31T10:00:00Z", "a:b", "a#b", "http://x.org/a?b=c&d", "-x", "x-", "é café \u2019",
    "trailing   ", "9" * 5000, "'it''s'", "'a: b'", "''", '"plain"', '"esc\\n"', '""',
    '"\\u00e9"', "[]", "{}", "[a]", "{a: 1}", "&anchor x", "*alias", "!!str x", "|", ">",
    "'unclosed", "a # comment", "a: b", "- x", "%x", "@x", "`x`", "?x", ":x", ",x",
    "[a, b]", "[ a ,b ]", "[1, 1.5, true, ~, yes]", "['it''s', \"x, y\"]", "[a b, c.d, e-f]",
    "[a, [b]]", "[a,]", "[a: 1]", "[-a]", "[a, 'b\\n']", '["\\n"]', "[a #b]", "[a]x",
]


@pytest.mark.parametrize("written", WRITTEN)
def test_each_way_of_writing_a_value_is_read_as_libyaml_reads_it(written: str) -> None:
    for source in (f"a: {written}\n", f"a:\n- {written}\n- b\n", f"a:\n  - k: {written}\n",
                   f"a:\n  b:\n    c:\n      d: {written}\n"):
        read_plainly(source)
    assert read_plainly("a: x\n")
    assert read_plainly("a:\n- b\n- c\n")


@pytest.mark.parametrize("source", [
    "a: 1\nb:\n  c: 2\n  d:\n  - 3\n  - e: 4\n    f: 5\n  - []\ng: {}\n",
    "\n\na: 1\n\n\nb: 2\n\n",
    "a:\n- 1\nb: 2\n",
    "a:\n    - 1\n    - 2\n",
    "- a\n",
    "a: 1\n  b: 2\n",
    "a: 1\nb:\nc: 2\n",
    "a: 1\na: 2\n",
    "a:\n  b: 1\n   c: 2\n",
    "a:\n  - b: 1\n   c: 2\n",
    "a:\n  - b: 1\n  c: 2\n",
    "a: 1\n# a comment\n",
    "a: text over\n  two lines\n",
    "a:\n\tb: 1\n",
    " a: 1\nb: 2\n",
    "a: 1",
    "a:\n  b:\n - c\n",
    "a:\n  - b\n - c\n",
    "a:\n  b: 1\n c: 2\n",
    "a:\n- b\n  - c\n",
    "a:\n  - b\n  -  c\n",
])
def test_layouts_are_read_as_libyaml_reads_them(source: str) -> None:
    read_plainly(source)


@settings(max_examples=300, **SETTINGS)  # type: ignore[arg-type]
@given(**EDITED_TREES)
def test_edited_front_matter_is_read_plainly_as_libyaml_reads_it(
    tree: dict[str, object], indent: int, edits: list[tuple[int, str, str]]
) -> None:
    lines = yaml.safe_dump(tree, indent=indent, sort_keys=False,
                           width=10**6).splitlines(keepends=True)
    read_plainly(edited(lines, edits))


@settings(max_examples=300, **SETTINGS)  # type: ignore[arg-type]
@given(data=broken_files())
def test_mutated_front_matter_is_read_plainly_as_libyaml_reads_it(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    if text.startswith("---\n") and text.count("---\n") >= 2:
        read_plainly(front_matter(text))
