"""Validate stage: every problem in the library, located, in one pass."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.library import parallel
from generator.library.cache import ResultCache
from generator.library.duplicates import near_duplicates
from generator.library.link import link
from generator.library.load import display_path, load_pattern, pattern_files
from generator.library.model import (
    INVERSE,
    FieldPath,
    Graph,
    Library,
    Pattern,
    Problem,
    format_field,
    in_order,
)
from generator.library.parallel import fork_context, parallel_map, paused_gc
from generator.library.sanitize import scan as scan_body
from generator.library.score import SCHEMA_DIR, assess
from generator.library.suggest import did_you_mean

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError

SCHEMA_FILE = SCHEMA_DIR / "pattern.schema.json"
RECOMMENDED_SECTIONS: tuple[str, ...] = (
    "Overview",
    "Core Principles",
    "Key Practices",
    "Implementation",
    "When to Use",
    "Anti-Patterns and Gotchas",
    "References",
)
DATE_FIELDS: tuple[str, ...] = ("created", "modified", "last_updated")
# Starts with a literal newline so the regex engine can skip ahead fast through long bodies.
_SECTION = re.compile(r"\n#{2,6}[ \t]+(?:\d+\.?[ \t]+)?([^\n]+?)[ \t]*#*[ \t]*(?=\n|$)")

# What a pattern in the schema means, said the way a contributor can act on it.
_PATTERN_HINTS = {
    "^pat_[0-9a-z]{8,40}$": "must be 'pat_' followed by 8-40 lowercase letters or digits",
    "^[a-z0-9]+(?:-[a-z0-9]+)*$": (
        "must be lowercase words joined by hyphens, e.g. 'land-and-expand'"
    ),
    "^(?:pat_[0-9a-z]{8,40}|[a-z0-9]+(?:-[a-z0-9]+)*)$": (
        "must be a pattern id (pat_...) or slug (lowercase words joined by hyphens)"
    ),
    "^https?://[^\\s]+$": "must be an http:// or https:// URL",
}
_TYPE_NAMES = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


@cache
def schema() -> dict[str, Any]:
    """Return the pattern JSON Schema."""
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


@cache
def _validator() -> jsonschema.protocols.Validator:
    # Imported here: jsonschema takes a quarter of a second to import, which
    # `validate --changed-only` spends only when a changed file has to be checked.
    import jsonschema

    # Local $refs inlined: resolving them per instance was a quarter of validation time.
    data = schema()
    return jsonschema.Draft202012Validator(_inline_refs(data, data.get("$defs", {})))


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """Return `node` with every `{"$ref": "#/$defs/x"}` replaced by the definition itself."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            rest = {k: _inline_refs(v, defs) for k, v in node.items() if k != "$ref"}
            return {**_inline_refs(defs[ref.removeprefix("#/$defs/")], defs), **rest}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    return node


def validate(library: Library) -> tuple[Problem, ...]:
    """Check every pattern and the library as a whole; return all problems, sorted."""
    problems = list(library.problems)
    for pattern in library.patterns:
        problems.extend(check_pattern(pattern))
    problems.extend(cross_check(library))
    problems.extend(near_duplicates(library))
    return tuple(in_order(problems))


@paused_gc()
def validate_files(
    paths: Iterable[Path], *, jobs: int = 1, cache_dir: Path | None = None
) -> tuple[int, tuple[Problem, ...]]:
    """Load and check pattern files over `jobs` processes; return (file count, problems).

    Same problems as `validate(load_library(paths))`, but each worker sends back only its
    files' problems and outlines, so a large library is checked on every core. With a
    `cache_dir`, files unchanged since the last run are not read again.
    """
    paths = list(paths)
    files = pattern_files(paths)
    store = ResultCache(cache_dir, paths) if cache_dir is not None else None
    shown = [display_path(f) for f in files]
    cached = [store.get(f, d) if store else None for f, d in zip(files, shown, strict=True)]
    todo = [f for f, hit in zip(files, cached, strict=True) if hit is None]
    _validator(), _quick_checks()  # built once, before workers fork
    fresh = iter(parallel_map(_check_file, todo, jobs=jobs))
    results = [hit if hit is not None else next(fresh) for hit in cached]
    if store is not None:
        for file, display, hit, result in zip(files, shown, cached, results, strict=True):
            if hit is None:
                store.put(file, display, result)
        store.save()
    library = Library(
        patterns=tuple(sorted((p for p, _ in results if p is not None), key=lambda p: p.key)),
        files=len(files),
    )
    own = {display: tuple(found) for display, (_, found) in zip(shown, results, strict=True)}
    return len(files), recheck(library, own, jobs=jobs).problems


@dataclass(frozen=True)
class Checked:
    """A library with its problems: all of them, and each file's own (not across files)."""

    library: Library
    problems: tuple[Problem, ...]
    own: Mapping[str, tuple[Problem, ...]]  # by the file's path as reported


@paused_gc()
def check_library(paths: Iterable[Path], *, root: Path | None = None, jobs: int = 1) -> Checked:
    """Load and check every pattern over `jobs` processes.

    The same as `library = load_library(paths, root=root); validate(library)`, on every
    core. The patterns come back whole (meta and body, for rendering) but located only for
    the fields the rules across files report on.
    """
    files = pattern_files(paths)
    _validator(), _quick_checks()  # built once, before workers fork
    results = parallel_map(functools.partial(check_file, root=root), files, jobs=jobs)
    own = {display_path(f, root): tuple(found)
           for f, (_, found) in zip(files, results, strict=True)}
    library = Library(
        patterns=tuple(sorted((p for p, _ in results if p is not None), key=lambda p: p.key)),
        files=len(files),
    )
    return recheck(library, own, jobs=jobs)


def recheck(
    library: Library,
    own: Mapping[str, tuple[Problem, ...]],
    *,
    graph: Graph | None = None,
    duplicates: bool = True,
    jobs: int = 1,
) -> Checked:
    """Add the problems across files to each file's own problems.

    `graph` saves linking the library again; `duplicates=False` skips the near-duplicate
    warnings (a whole-library comparison that live updates leave to full builds). With
    `jobs` over 1, the near-duplicates are found in a forked process meanwhile.
    """
    global _COMPARED
    problems = [problem for found in own.values() for problem in found]
    context = fork_context() if duplicates and jobs > 1 else None
    if context is None or len(library.patterns) < parallel.MIN_PARALLEL:
        problems.extend(cross_check(library, graph))
        if duplicates:
            problems.extend(near_duplicates(library))
        return Checked(library, tuple(in_order(problems)), own)
    # The links and the near-duplicates each take about a second on a library of 3,600
    # patterns, after the workers are done: on two cores, side by side.
    _COMPARED = library
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            compared = pool.submit(_near_duplicates_of_compared)
            problems.extend(cross_check(library, graph))
            problems.extend(compared.result())
    finally:
        _COMPARED = None
    return Checked(library, tuple(in_order(problems)), own)


# Set while a forked process looks for near-duplicates: it reads the library from here.
_COMPARED: Library | None = None


def _near_duplicates_of_compared() -> list[Problem]:
    assert _COMPARED is not None
    return near_duplicates(_COMPARED)


def check_file(
    file: Path, *, root: Path | None, validate_only: bool = False
) -> tuple[Pattern | None, list[Problem]]:
    """Load and check one pattern file on its own (see check_library).

    `validate_only`: the pattern is not rendered (see parse_pattern).
    """
    pattern, problems = load_pattern(
        file, display=display_path(file, root), validate_only=validate_only
    )
    if pattern is None:
        return None, problems
    problems += check_pattern(pattern)
    return pattern.located_for_links(), problems


def _check_file(file: Path) -> tuple[Pattern | None, list[Problem]]:
    pattern, problems = check_file(file, root=None, validate_only=True)
    return (pattern.outline() if pattern is not None else None), problems


def cross_check(library: Library, graph: Graph | None = None) -> list[Problem]:
    """Return the problems between patterns: duplicate ids and slugs, links."""
    return [*_unique(library), *_former_slugs(library),
            *_link_problems(library, graph or link(library))]


def check_pattern(pattern: Pattern) -> list[Problem]:
    """Return the problems one pattern has on its own (schema, dates, scores, sections)."""
    problems = list(_schema_problems(pattern))
    slug = pattern.meta.get("slug")
    if isinstance(slug, str) and slug != pattern.key:
        line, col = pattern.where(("slug",))
        problems.append(Problem(
            pattern.path, line, col, "slug-filename", "error", "slug",
            f"slug '{slug}' does not match the file name '{pattern.key}.md': "
            f"rename the file or change the slug",
        ))
    problems.extend(_date_problems(pattern))
    problems.extend(assess(pattern)[1])
    problems.extend(_section_problems(pattern))
    problems.extend(
        Problem(pattern.path, pattern.body_line + f.line - 1, f.col, f.rule, f.severity, "body",
                f.message)
        for f in scan_body(pattern.body)
    )
    return problems


# --- schema ---------------------------------------------------------------------------------


def _schema_problems(pattern: Pattern) -> Iterator[Problem]:
    for error in _schema_errors(dict(pattern.meta)):
        yield from _explain(pattern, error)


def _schema_errors(meta: dict[str, Any]) -> Iterator[ValidationError]:
    """Return jsonschema's errors for `meta`, leaving out the fields it would find valid.

    jsonschema takes about a millisecond a file. Plain checks of the same keywords (see
    _Quick) tell which top-level fields are valid for sure, and which mappings only lack
    required keys (an imported library's commonest error): those errors are made here, as
    jsonschema words them, and jsonschema checks only what is left, so its errors are the same.
    """
    quick = _quick_checks()
    if quick is None:
        yield from _validator().iter_errors(meta)
        return
    deep = []  # the fields jsonschema checks
    for name, check in quick.fields.items():
        if name in meta and not check(value := meta[name]):
            if name in quick.lacking and isinstance(value, dict) and quick.lacking[name](value):
                yield from _missing(value, (name,), quick.required[name])
            else:
                deep.append(name)
    whole = not quick.root(meta)  # jsonschema checks the root's own keywords too
    if whole and quick.root_lacking(meta):
        yield from _missing(meta, (), quick.root_required)
        whole = False
    if deep or whole:
        yield from _validator_for(frozenset(deep), whole).iter_errors(meta)


def _missing(value: dict[str, Any], path: FieldPath,
             schema_node: dict[str, Any]) -> Iterator[ValidationError]:
    """jsonschema's errors for the keys `schema_node` requires that `value` lacks."""
    from jsonschema.exceptions import ValidationError

    wanted = schema_node["required"]
    for name in wanted:
        if name not in value:
            yield ValidationError(f"{name!r} is a required property", validator="required",
                                  validator_value=wanted, instance=value, schema=schema_node,
                                  path=path, schema_path=("required",))


@cache
def _validator_for(fields: frozenset[str], whole: bool) -> jsonschema.protocols.Validator:
    """Return the validator of the schema with only `fields` left to check below the root,
    and the root's own keywords only if `whole`."""
    full = _validator()
    schema_root: dict[str, Any] = dict(full.schema)  # type: ignore[arg-type]  # ours: a mapping
    pruned = {name: sub if name in fields else True
              for name, sub in schema_root["properties"].items()}
    if not whole:
        schema_root = {k: v for k, v in schema_root.items()
                       if k in _ANNOTATIONS or k == "$defs"}
    schema_root["properties"] = pruned
    return full.evolve(schema=schema_root)


Check = Callable[[Any], bool]


class _Unsure(Exception):
    """The schema uses a keyword the quick checks do not know."""


class _Quick(NamedTuple):
    """Checks that return True only when jsonschema would find no error in what they check
    (False when it would, or when in doubt)."""

    root: Check  # the root's own keywords (required keys, unknown keys)
    fields: dict[str, Check]  # each top-level field's value
    root_lacking: Check  # the root's own keywords but `required`
    lacking: dict[str, Check]  # the same, for the fields that are mappings with required keys
    root_required: dict[str, Any]  # the root schema, for _missing
    required: dict[str, dict[str, Any]]  # each such field's schema


@cache
def _quick_checks() -> _Quick | None:
    """Return the quick checks of the schema (None: it has keywords they do not know)."""
    data = _inline_refs(schema(), schema().get("$defs", {}))
    fields = data.get("properties")
    if not isinstance(fields, dict):
        return None
    root = {**data, "properties": dict.fromkeys(fields, True)}
    required = {name: sub for name, sub in fields.items()
                if isinstance(sub, dict) and "required" in sub}
    code = _Code()
    try:
        root_name, root_lacking = code.function(root), code.function(root, required=False)
        field_names = {name: code.function(sub) for name, sub in fields.items()}
        lacking = {name: code.function(sub, required=False) for name, sub in required.items()}
    except _Unsure:
        return None
    made = code.compile()
    return _Quick(made[root_name], {name: made[f] for name, f in field_names.items()},
                  made[root_lacking], {name: made[f] for name, f in lacking.items()},
                  root, required)


_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default",
                          "examples"})
# One test per JSON type, of the value expression V, as jsonschema's Draft 2020-12 types are:
# booleans are not numbers, and 1.0 is an integer.
_TYPE_TESTS = {
    "string": "isinstance(V, str)",
    "integer": "(type(V) is int or (type(V) is float and V.is_integer()))",
    "number": "type(V) in _NUMBERS",
    "boolean": "isinstance(V, bool)",
    "null": "V is None",
    "array": "isinstance(V, list)",
    "object": "isinstance(V, dict)",
}


class _Code:
    """The quick checks as Python source, one function per schema that needs its own (the
    root, each field, each kind of list item), compiled once: a check is then straight-line
    code, about four times as fast as the same checks made of closures."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {"_NUMBERS": (int, float),
                                          "_unique_items": _unique_items}
        self.functions: list[str] = []

    def constant(self, value: Any) -> str:
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def function(self, node: Any, *, required: bool = True) -> str:
        """Add the check of `node` as a function; return its name."""
        index = len(self.functions)
        self.functions.append("")  # its place: writing its test may add the functions it calls
        self.functions[index] = (f"def _f{index}(v):\n"
                                 f"    return {self.test(node, 'v', required=required)}\n")
        return f"_f{index}"

    def compile(self) -> dict[str, Any]:
        namespace = dict(self.constants)
        exec(compile("\n".join(self.functions), "<quick schema checks>", "exec"), namespace)
        return namespace

    def test(self, node: Any, value: str, *, required: bool = True) -> str:
        """Return an expression that is true when `value` (an expression) passes `node`."""
        if node is True:
            return "True"
        if not isinstance(node, dict):
            raise _Unsure(node)
        tests = [self.keyword(keyword, wanted, node, value) for keyword, wanted in node.items()
                 if keyword not in _ANNOTATIONS and (required or keyword != "required")]
        tests = [test for test in tests if test != "True"]
        return f"({' and '.join(tests)})" if tests else "True"

    def keyword(self, keyword: str, wanted: Any, node: dict[str, Any], value: str) -> str:
        """Return the test of one keyword, as jsonschema's Draft 2020-12 applies it."""
        v = value
        if keyword == "type":
            kinds = wanted if isinstance(wanted, list) else [wanted]
            if not all(kind in _TYPE_TESTS for kind in kinds):
                raise _Unsure(wanted)
            return f"({' or '.join(_TYPE_TESTS[kind].replace('V', v) for kind in kinds)})"
        if keyword == "enum" and all(isinstance(option, str) for option in wanted):
            return f"(isinstance({v}, str) and {v} in {self.constant(frozenset(wanted))})"
        if keyword == "pattern":
            search = self.constant(re.compile(wanted).search)  # jsonschema uses re.search too
            return f"(not isinstance({v}, str) or {search}({v}) is not None)"
        if keyword in ("minLength", "maxLength", "minItems") and type(wanted) is int:
            kind = "list" if keyword == "minItems" else "str"
            sign = "<=" if keyword == "maxLength" else ">="
            return f"(not isinstance({v}, {kind}) or len({v}) {sign} {wanted})"
        if keyword in ("minimum", "maximum") and type(wanted) in (int, float):
            sign = ">=" if keyword == "minimum" else "<="
            return f"(type({v}) not in _NUMBERS or {v} {sign} {self.constant(wanted)})"
        if keyword == "uniqueItems" and isinstance(wanted, bool):
            return f"_unique_items({v})" if wanted else "True"
        if keyword == "required" and all(isinstance(name, str) for name in wanted):
            names = self.constant(frozenset(wanted))
            return f"(not isinstance({v}, dict) or {v}.keys() >= {names})"
        if keyword == "properties" and isinstance(wanted, dict):
            tests = []
            for name, sub in wanted.items():
                key = self.constant(name)
                test = self.test(sub, f"{v}[{key}]")
                if test != "True":
                    tests.append(f"({key} not in {v} or {test})")
            if not tests:
                return "True"
            return f"(not isinstance({v}, dict) or ({' and '.join(tests)}))"
        if keyword == "additionalProperties" and "patternProperties" not in node:
            known = self.constant(frozenset(node.get("properties", {})))
            if wanted is True:
                return "True"
            if wanted is False:
                return f"(not isinstance({v}, dict) or {v}.keys() <= {known})"
            extra = self.function(wanted)
            return (f"(not isinstance({v}, dict) or "
                    f"all(name in {known} or {extra}({v}[name]) for name in {v}))")
        if keyword == "items" and isinstance(wanted, dict) and "prefixItems" not in node:
            return f"(not isinstance({v}, list) or all(map({self.function(wanted)}, {v})))"
        if keyword == "anyOf" and isinstance(wanted, list) and wanted:
            return f"({' or '.join(self.test(sub, v) for sub in wanted)})"
        raise _Unsure(keyword)


def _unique_items(value: Any) -> bool:
    """Tell whether a list's items are all different, when they are text or mappings and
    lists of text (jsonschema's equality differs from Python's for numbers and booleans)."""
    if not isinstance(value, list):
        return True
    try:
        seen = {_plain(item) for item in value}
    except _Unsure:
        return False
    return len(seen) == len(value)


def _plain(item: Any) -> Any:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        return ("{", tuple(sorted((str(k), _plain(v)) for k, v in item.items())))
    if isinstance(item, list):
        return ("[", tuple(_plain(v) for v in item))
    raise _Unsure(item)


def _explain(pattern: Pattern, error: ValidationError) -> Iterator[Problem]:
    path: FieldPath = tuple(error.absolute_path)
    keyword = str(error.validator)
    instance: Any = error.instance
    wanted: Any = error.validator_value
    node: Any = error.schema

    def problem(at: FieldPath, message: str, *, key: bool = False) -> Problem:
        line, col = pattern.where(at, key=key)
        return Problem(pattern.path, line, col, "schema", "error", format_field(at), message)

    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = list(node.get("properties", {}))
        for name in instance:
            if name not in known:
                yield problem((*path, name), f"unknown key '{name}'{did_you_mean(name, known)}",
                              key=True)
    elif keyword == "required" and isinstance(instance, dict):
        match = re.match(r"'(.+)' is a required property", error.message)
        name = match.group(1) if match else str(wanted)
        yield problem(path, f"missing required key '{name}'", key=True)
    elif keyword == "enum":
        options = [str(v) for v in wanted]
        shown = ", ".join(f"'{v}'" for v in options)
        yield problem(path, f"{_show(pattern, path, instance)} is not one of {shown}"
                            f"{did_you_mean(instance, options)}")
    elif keyword == "type":
        wanted_list = wanted if isinstance(wanted, list) else [wanted]
        expected = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in wanted_list)
        quote = ""
        pos = pattern.positions.get(path)
        if "string" in wanted_list and pos is not None and pos.text and instance is not None:
            quote = f" (quote it: \"{pos.text}\")"
        yield problem(path, f"expected {expected}, got {_describe(pattern, path, instance)}{quote}")
    elif keyword == "pattern":
        hint = _PATTERN_HINTS.get(wanted)
        if hint is None and path and path[-1] in DATE_FIELDS:
            hint = "must be a date YYYY-MM-DD (or an ISO 8601 date-time)"
        yield problem(path, f"{_show(pattern, path, instance)} "
                            f"{hint or 'does not match ' + repr(wanted)}")
    elif keyword in ("anyOf", "oneOf") and error.context:
        # Report why the alternative of the right shape failed, not every alternative.
        specific = [e for e in error.context if e.validator != "type"]
        if specific:
            for sub in specific:
                yield from _explain(pattern, sub)
        else:
            shapes = " or ".join(
                _TYPE_NAMES.get(str(e.validator_value), str(e.validator_value))
                for e in error.context
            )
            yield problem(path, f"expected {shapes}, got {_describe(pattern, path, instance)}")
    elif keyword == "minItems":
        yield problem(path, "must list at least one entry")
    elif keyword == "minLength":
        yield problem(path, "must not be empty")
    elif keyword == "uniqueItems":
        seen: set[str] = set()
        dupes = []
        for item in instance:
            text = json.dumps(item, sort_keys=True, default=str)
            if text in seen:
                dupes.append(item)
            seen.add(text)
        yield problem(path, f"lists {', '.join(repr(d) for d in dupes)} more than once")
    elif keyword in ("minimum", "maximum"):
        yield problem(path, f"{instance} is out of range {node.get('minimum')}-"
                            f"{node.get('maximum')}")
    else:
        yield problem(path, error.message)


def _show(pattern: Pattern, path: FieldPath, value: object) -> str:
    pos = pattern.positions.get(path)
    if isinstance(value, str):
        return repr(value)
    return pos.text if pos is not None and pos.text else repr(value)


def _describe(pattern: Pattern, path: FieldPath, value: object) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        kind = "true/false"
    elif isinstance(value, int | float):
        kind = "the number"
    elif isinstance(value, str):
        kind = "the text"
    elif isinstance(value, list):
        return "a list"
    elif isinstance(value, dict):
        return "a mapping"
    else:
        kind = type(value).__name__
    return f"{kind} {_show(pattern, path, value)}"


# --- rules a schema cannot express ----------------------------------------------------------


def _parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _date_problems(pattern: Pattern) -> Iterator[Problem]:
    for name in DATE_FIELDS:
        value = pattern.meta.get(name)
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value) \
                and _parse_date(value) is None:
            line, col = pattern.where((name,))
            yield Problem(pattern.path, line, col, "date-invalid", "error", name,
                          f"'{value}' is not a calendar date")
    created = _parse_date(pattern.meta.get("created"))
    modified = _parse_date(pattern.meta.get("modified"))
    if created and modified and modified < created:
        line, col = pattern.where(("modified",))
        yield Problem(pattern.path, line, col, "dates-order", "error", "modified",
                      f"modified ({modified}) is before created ({created})")


def _section_problems(pattern: Pattern) -> Iterator[Problem]:
    present = {m.group(1).lower() for m in _SECTION.finditer("\n" + pattern.body)}
    missing = [s for s in RECOMMENDED_SECTIONS if s.lower() not in present]
    if missing:
        yield Problem(
            pattern.path, pattern.content_line, 1, "sections", "warning", "",
            f"missing recommended section{'s' if len(missing) > 1 else ''}: "
            + ", ".join(f"'## {s}'" for s in missing),
        )


def _unique(library: Library) -> Iterator[Problem]:
    for field in ("id", "slug"):
        holders: dict[str, list[Pattern]] = defaultdict(list)
        for pattern in library.patterns:
            value = pattern.meta.get(field)
            if isinstance(value, str):
                holders[value].append(pattern)
        for value, patterns in holders.items():
            if len(patterns) < 2:
                continue
            for pattern in patterns:
                others = ", ".join(p.path for p in patterns if p is not pattern)
                line, col = pattern.where((field,))
                yield Problem(pattern.path, line, col, f"duplicate-{field}", "error", field,
                              f"{field} '{value}' is also used by {others}")


def former_slugs(pattern: Pattern) -> list[str]:
    """The pattern's former slugs (those that are slugs at all), in order."""
    value = pattern.meta.get("former_slugs")
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _former_slugs(library: Library) -> Iterator[Problem]:
    """A former slug redirects /patterns/<it>/ to the pattern: it must not be a pattern's slug
    (the redirect would take that page's place), nor another pattern's former slug."""
    current = {p.key: p for p in library.patterns}
    claims: dict[str, list[tuple[Pattern, int]]] = defaultdict(list)
    for pattern in library.patterns:
        for index, slug in enumerate(former_slugs(pattern)):
            claims[slug].append((pattern, index))
    for slug, holders in claims.items():
        for pattern, index in holders:
            line, col = pattern.where(("former_slugs", index))
            where = format_field(("former_slugs", index))
            if slug in current:
                other = current[slug]
                said = "its own slug" if other is pattern else f"the slug of {other.path}"
                yield Problem(pattern.path, line, col, "former-slug", "error", where,
                              f"former slug '{slug}' is {said}: its redirect would take the "
                              "place of that page")
                if other is not pattern:
                    line, col = other.where(("slug",))
                    yield Problem(other.path, line, col, "former-slug", "error", "slug",
                                  f"slug '{slug}' is a former slug of {pattern.path}, whose "
                                  "old links lead here: choose another slug")
            elif len(holders) > 1:
                others = ", ".join(p.path for p, _ in holders if p is not pattern)
                yield Problem(pattern.path, line, col, "former-slug", "error", where,
                              f"former slug '{slug}' is also claimed by {others}")


def _link_problems(library: Library, graph: Graph) -> Iterable[Problem]:
    patterns = library.by_key
    slugs = sorted({p.slug for p in library.patterns})
    hints: dict[str, str] = {}  # a missing target is often named by several patterns
    for ref in graph.dangling:
        pattern = patterns[ref.source]
        line, col = pattern.where((ref.kind, ref.index))
        hint = hints.get(ref.target)
        if hint is None:
            hint = hints[ref.target] = did_you_mean(ref.target, slugs)
        yield Problem(
            pattern.path, line, col, "dangling-link", "error",
            format_field((ref.kind, ref.index)),
            f"'{ref.target}' is not a pattern in this library{hint}",
        )
    for edge in graph.edges:
        if edge.stated and edge.source == edge.target:
            pattern = patterns[edge.source]
            line, col = pattern.where((edge.kind, edge.index))
            yield Problem(pattern.path, line, col, "self-link", "error",
                          format_field((edge.kind, edge.index)), "a pattern cannot link to itself")
    for edge in graph.missing_inverses:
        pattern, target = patterns[edge.source], patterns[edge.target]
        line, col = pattern.where((edge.kind, edge.index))
        inverse = INVERSE[edge.kind]
        yield Problem(
            pattern.path, line, col, "missing-inverse", "warning",
            format_field((edge.kind, edge.index)),
            f"{edge.kind} '{target.slug}', but {target.path} does not list "
            f"'{pattern.slug}' under {inverse}",
        )
