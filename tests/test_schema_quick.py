"""The quick schema checks: jsonschema's errors, with valid fields left out of its way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.library import validate
from generator.library.load import load_pattern
from tests.conftest import FIXTURES, ROOT

# Front matters to start from: the starter library and every fixture, valid or not.
SOURCES = sorted((ROOT / "patterns").glob("*.md")) + sorted(FIXTURES.rglob("*.md"))
METAS = [dict(p.meta) for p in (load_pattern(f, display=f.name)[0] for f in SOURCES) if p]

# What a field may become: values of the kinds YAML gives, including the look-alikes where
# jsonschema's equality and types differ from Python's (1 and True, 1.0, "", repeats).
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 12), st.sampled_from([0.5, 1.0, 4.0, 7e-1]),
    st.sampled_from(["", "draft", "pattern", "land-and-expand", "pat_aaaaaaaaaaaa", "Commons OS",
                     "2024-01-31", "2024-02-30T10:00Z", "https://x.org/a", "author"]),
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["name", "role", "title", "url", "score", "x"]), inner,
                      max_size=3),
    max_leaves=6,
)


def _errors(found: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(map(str, e.absolute_path)), str(e.validator), e.message) for e in found)


def _same(meta: dict[str, Any]) -> None:
    full = _errors(validate._validator().iter_errors(meta))
    assert _errors(validate._schema_errors(meta)) == full
    checks = validate._quick_checks()
    assert checks is not None
    if checks.root(meta) and all(checks.fields[k](v) for k, v in meta.items()
                                 if k in checks.fields):
        assert full == []  # "valid for sure" must be


def test_the_schema_has_only_keywords_the_quick_checks_know() -> None:
    assert validate._quick_checks() is not None


def test_same_errors_on_the_fixtures() -> None:
    assert len(METAS) > 20
    for meta in METAS:
        _same(meta)


def _paths(node: Any, at: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    """Every field path in `node` (list items by index)."""
    found = {at} if at else set()
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, value in items:
        found |= _paths(value, (*at, key))
    return found


# Where to put a value: every field the fixtures have, and a few they lack.
PATHS = sorted({p for meta in METAS for p in _paths(meta)} | {("x_import",), ("unknown",),
               ("sources", 0, "author"), ("contributors", 0, "url")}, key=repr)


PLAIN = [None, True, False, 0, 1, 4, 11, -1, 0.5, 1.0, 7e-1, "", "draft", "pattern",
         "pat_aaaaaaaaaaaa", "Commons OS", "2024-01-31", "2024-02-30T10:00Z", "https://x.org/a",
         "author", [], [""], ["a", "a"], [1, True], {}, {"name": ""}, {"title": "x", "x": 1}]


def test_same_errors_for_each_field_and_plain_value() -> None:
    valid = [meta for meta in METAS if not list(validate._validator().iter_errors(meta))]
    # The fullest front matter, and a valid one: what a wrong value makes the only error.
    for base in (max(METAS, key=lambda meta: len(_paths(meta))), valid[0]):
        for path in PATHS:
            for value in PLAIN:
                _same(_set(base, list(path), value))


def test_same_errors_for_missing_keys() -> None:
    # Mappings that only lack required keys get their errors without jsonschema.
    valid = [meta for meta in METAS if not list(validate._validator().iter_errors(meta))]
    for base in (max(METAS, key=lambda meta: len(_paths(meta))), valid[0]):
        _same({k: v for k, v in base.items() if k not in validate.schema()["required"]})
        for key, value in base.items():
            _same({k: v for k, v in base.items() if k != key})
            if isinstance(value, dict):
                _same({**base, key: {}})
                for inner in value:
                    lacking = {k: v for k, v in value.items() if k != inner}
                    _same({**base, key: lacking})
                    _same({k: v for k, v in base.items() if k != "id"} | {key: lacking})
                    _same({**base, key: lacking, "title": 3})


@settings(max_examples=1000, deadline=None)
@given(base=st.sampled_from(METAS), path=st.sampled_from(PATHS), value=VALUES)
def test_same_errors_on_mutations(base: dict[str, Any], path: tuple[Any, ...],
                                  value: Any) -> None:
    _same(_set(base, list(path), value))


def _set(node: Any, path: list[Any], value: Any) -> Any:
    """Return a copy of `node` with `value` at `path` (created as mappings where missing)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, list) and isinstance(head, int) and head < len(node):
        copy = list(node)
        copy[head] = _set(node[head], rest, value)
        return copy
    copy_: dict[Any, Any] = dict(node) if isinstance(node, dict) else {}
    copy_[str(head)] = _set(copy_.get(str(head)), rest, value)
    return copy_


def test_repeats_decide_only_for_text() -> None:
    # 1 and True are different items for jsonschema, equal for Python: jsonschema decides.
    assert validate._unique_items(["a", "b"])
    assert not validate._unique_items(["a", "a"])
    assert not validate._unique_items([1, True])  # not sure: jsonschema checks it
    assert validate._unique_items([{"name": "a"}, {"name": "b"}])
    assert not validate._unique_items([{"name": "a"}, {"name": "a"}])
    assert _errors(validate._schema_errors({**METAS[0], "aliases": [1, True]})) == _errors(
        validate._validator().iter_errors({**METAS[0], "aliases": [1, True]}))


def test_files_are_found() -> None:
    assert any(Path(f).parent.name == "patterns" for f in SOURCES)
