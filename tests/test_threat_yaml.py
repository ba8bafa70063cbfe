"""YAML that constructs objects, expands without end or nests without end is refused, located.

Tags beyond plain data are refused before anything is constructed (yaml-tag); aliases are
budgeted (yaml-alias: 100,000 expanded values, cycles refused); nesting stops at 32 levels
(yaml-depth), also for nesting deep enough to crash libyaml's recursive composer; merge keys
are refused (yaml-merge). Memory stays bounded: tracemalloc measures the peak.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
import yaml

from generator.library import load
from generator.library.load import MAX_NODES, parse_pattern
from generator.library.report import as_text
from generator.library.validate import validate_files
from tests.threats import (
    FRONT_LINE,
    assert_build_refused,
    assert_reported,
    check,
    library_root,
    pattern,
    problems,
    write,
)

P = "patterns/alpha.md"
TITLE = (("title: Alpha\n", "title: {}\n"),)  # line 3: the value starts at column 8


def titled(value: str) -> str:
    """The template with `value` as the title's YAML, at line 3, column 8."""
    return pattern(replace=((TITLE[0][0], TITLE[0][1].format(value)),))


def laughs(levels: int, width: int = 9) -> str:
    """A "billion laughs" document: each level lists the one above `width` times."""
    lines = [f"lol0: &lol0 {', '.join(['lol'] * width)}"]
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &lol{level} [{', '.join([f'*lol{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


TAG = "error[yaml-tag] YAML tag "
CASES = {
    "python-object-apply": (
        titled("!!python/object/apply:os.system ['touch {marker}']"),
        f"{P}:3:8: {TAG}'!!python/object/apply:os.system' is not allowed: front matter holds "
        "plain data (text, numbers, lists, mappings)",
    ),
    "python-object-new": (titled("!!python/object/new:os.system ['touch {marker}']"),
                          f"{P}:3:8: {TAG}'!!python/object/new:os.system' is not allowed"),
    "python-object": (titled("!!python/object:pathlib.Path {}"),
                      f"{P}:3:8: {TAG}'!!python/object:pathlib.Path' is not allowed"),
    "python-name": (titled("!!python/name:os.system"),
                    f"{P}:3:8: {TAG}'!!python/name:os.system' is not allowed"),
    "python-module": (titled("!!python/module:os"), f"{P}:3:8: {TAG}'!!python/module:os'"),
    "binary": (titled("!!binary aGVsbG8="), f"{P}:3:8: {TAG}'!!binary' is not allowed"),
    "local-tag": (titled("!local thing"), f"{P}:3:8: {TAG}'!local' is not allowed"),
    "verbatim-tag": (titled("!<tag:example.org,2026:x> thing"),
                     f"{P}:3:8: {TAG}'tag:example.org,2026:x' is not allowed"),
    "set": (titled("!!set {a: null}"), f"{P}:3:8: {TAG}'!!set' is not allowed"),
    "timestamp": (titled("!!timestamp 2026-01-05"), f"{P}:3:8: {TAG}'!!timestamp'"),
    "tag-in-list": (pattern(replace=(("aliases: []", "aliases: [ok, !!binary aGk=]"),)),
                    f"{P}:5:15: {TAG}'!!binary' is not allowed"),
    # 9 levels of 9: 387,420,489 values if expanded. Refused where the budget runs out.
    "billion-laughs": (pattern(front=laughs(9)),
                       f"{P}:{FRONT_LINE + 6}:7: error[yaml-alias] aliases expand to more than "
                       f"{MAX_NODES:,} values (a 'billion laughs' document?)"),
    "recursive-alias": (pattern(front="loop: &loop [1, *loop]\n"),
                        f"{P}:{FRONT_LINE}:7: error[yaml-alias] an alias refers to a mapping or "
                        "list that contains it: the data would never end"),
    "recursive-mapping": (pattern(front="loop: &loop {again: *loop}\n"),
                          f"{P}:{FRONT_LINE}:14: error[yaml-alias] an alias refers to"),
    "deep-flow-5000": (pattern(front="deep: " + "[" * 5000 + "]" * 5000 + "\n"),
                       f"{P}:{FRONT_LINE}:39: error[yaml-depth] front matter is nested deeper "
                       "than 32 levels"),
    # Past libyaml's own limit of 1,000 levels (PyYAML 6.0.4), below the size that is measured
    # before composing: libyaml refuses it while composing, and it is still yaml-depth, located.
    "deep-flow-1500": (pattern(front="deep: " + "[" * 1500 + "]" * 1500 + "\n"),
                       f"{P}:{FRONT_LINE}:39: error[yaml-depth] front matter is nested deeper "
                       "than 32 levels"),
    "deep-block-1500": (pattern(front="deep:\n" + "- " * 1500 + "x\n"),
                        f"{P}:{FRONT_LINE + 1}:65: error[yaml-depth]"),
    "deep-flow-unclosed": (pattern(front="deep: " + "[" * 300_000 + "\n"),
                           f"{P}:{FRONT_LINE}:39: error[yaml-depth]"),
    "deep-block-sequence": (pattern(front="deep:\n" + "- " * 300_000 + "x\n"),
                            f"{P}:{FRONT_LINE + 1}:65: error[yaml-depth]"),
    "deep-block-mapping": (pattern(front="".join(" " * i + "k:\n" for i in range(40))),
                           f"{P}:{FRONT_LINE + 33}:34: error[yaml-depth]"),
    "merge-key": (pattern(front="base: &base {x: 1}\nmore:\n  <<: *base\n  y: 2\n"),
                  f"{P}:{FRONT_LINE + 2}:3: error[yaml-merge] merge keys (<<) are not allowed "
                  "in front matter"),
    "merge-of-merges": (pattern(front="a: &a {x: 1}\nb: &b {<<: [*a, *a]}\n"),
                        f"{P}:{FRONT_LINE + 1}:8: error[yaml-merge]"),
    "collection-key": (pattern(front="? [a, b]\n: value\n"),
                       f"{P}:{FRONT_LINE}:3: error[yaml-key] mapping keys must be plain text or "
                       "numbers"),
    "huge-number": (pattern(front="big: " + "9" * 5000 + "\n"),
                    f"{P}:{FRONT_LINE}:6: error[yaml-syntax] invalid YAML: a number too long to "
                    "read"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_yaml_threat_is_refused_at_its_line(name: str, tmp_path: Path) -> None:
    text, expected = CASES[name]
    marker = tmp_path / "constructed"
    lines = check(tmp_path, text.replace("{marker}", str(marker)))
    assert len(lines) == 1, lines  # a refused file gives its one reason
    assert_reported(lines, expected)
    assert not marker.exists()  # nothing was constructed, let alone run


def test_plain_data_tags_and_small_anchors_still_load() -> None:
    text = pattern(front="base: &b {x: 1}\nagain: *b\nn: !!int '3'\ns: !!str 12\n")
    loaded, problems = parse_pattern(text, display="t.md", key="t")
    assert loaded is not None
    assert [p.rule for p in problems] == []
    assert (loaded.meta["again"], loaded.meta["n"], loaded.meta["s"]) == ({"x": 1}, 3, "12")


def test_keys_are_text_as_written() -> None:
    # Mixed number and text keys could not be sorted into api/patterns.json.
    loaded, _ = parse_pattern(pattern(front="extra:\n  1: a\n  ~: b\n  x: c\n"),
                              display="t.md", key="t")
    assert loaded is not None
    assert loaded.meta["extra"] == {"1": "a", "~": "b", "x": "c"}


@pytest.mark.parametrize(("levels", "width"), [(9, 9), (30, 2), (6, 100)])
def test_alias_bombs_are_refused_in_bounded_memory(levels: int, width: int) -> None:
    # A deterministic memory bound, not a time bound: the expansion is never built.
    _refused_in_bounded_memory(laughs(levels, width), "yaml-alias")


@pytest.mark.parametrize("own_limit", [True, False], ids=["libyaml-limit", "no-limit"])
def test_depth_is_located_whether_libyaml_stops_first_or_not(
    own_limit: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = "deep: " + "[" * 5000 + "]" * 5000 + "\n"
    if own_limit:
        if not yaml.__with_libyaml__:
            pytest.skip("PyYAML is installed without libyaml")
        with pytest.raises(yaml.YAMLError, match="exceeded maximum nesting depth"):
            list(yaml.parse(source, Loader=load.PatternLoader))  # libyaml stops first
    else:
        # A parser without that limit (libyaml before PyYAML 6.0.4 had none): the pre-check
        # meets level 33 among the events.
        monkeypatch.setattr(load, "PatternLoader", yaml.SafeLoader)
    mark = load._too_deep(source)
    assert (mark.line, mark.column) == (0, 38)  # the 33rd "[", after "deep: "


def test_deep_nesting_is_refused_in_bounded_memory() -> None:
    _refused_in_bounded_memory("deep: " + "[" * 500_000 + "\n", "yaml-depth")


def _refused_in_bounded_memory(front: str, rule: str) -> None:
    """Parse a pattern with `front`: refused by `rule` alone, peak memory under 50 MB."""
    tracemalloc.start()
    try:
        loaded, problems = parse_pattern(pattern(front=front), display="t.md", key="t")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loaded is None
    assert [p.rule for p in problems] == [rule]
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"


def test_yaml_threat_stops_the_build_and_writes_nothing(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    write(root, "alpha.md", CASES["billion-laughs"][0])
    assert_build_refused(root, CASES["billion-laughs"][1])


def _under_x_import(front: str) -> str:
    return "x_import:\n" + "".join(f"  {line}\n" for line in front.splitlines())


# The same threats inside x_import, which `validate` leaves unread when a scan proves it clean.
X_LINE = FRONT_LINE + 1
X_CASES = {
    "tag": (_under_x_import("run: !!python/name:os.system"),
            f"{P}:{X_LINE}:8: {TAG}'!!python/name:os.system' is not allowed"),
    "billion-laughs": (_under_x_import(laughs(9)),
                       f"{P}:{X_LINE + 6}:9: error[yaml-alias] aliases expand to more than"),
    "recursive-alias": (_under_x_import("loop: &loop [1, *loop]"),
                        f"{P}:{X_LINE}:9: error[yaml-alias] an alias refers to"),
    "merge-key": (_under_x_import("base: &b {x: 1}\nmore:\n  <<: *b"),
                  f"{P}:{X_LINE + 2}:5: error[yaml-merge]"),
    "deep-block-mapping": (_under_x_import("".join(" " * i + "k:\n" for i in range(40))),
                           f"{P}:{X_LINE + 32}:35: error[yaml-depth]"),
    "huge-number": (_under_x_import("big: " + "9" * 5000),
                    f"{P}:{X_LINE}:8: error[yaml-syntax] invalid YAML: a number too long"),
}


@pytest.mark.parametrize("name", list(X_CASES))
def test_yaml_threat_in_x_import_is_refused_by_validate(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    front, expected = X_CASES[name]
    root = library_root(tmp_path)
    write(root, "alpha.md", pattern(front=front))
    monkeypatch.chdir(root)
    _, found = validate_files([Path("patterns")], jobs=1)  # what `patternlib validate` runs
    lines = [as_text(p) for p in found]
    assert lines == problems(root)  # as loading it in full reports
    assert len(lines) == 1, lines
    assert_reported(lines, expected)
