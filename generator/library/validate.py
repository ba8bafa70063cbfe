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
from typing import TYPE_CHECKING, Any

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


def validate_files(
    paths: Iterable[Path], *, jobs: int = 1, cache_dir: Path | None = None
) -> tuple[int, tuple[Problem, ...]]:
    """Load and check pattern files over `jobs` processes; return (file count, problems).

    Same problems as `validate(load_library(paths))`, but each worker sends back only its
    files' problems and outlines, so a large library is checked on every core. With a
    `cache_dir`, files unchanged since the last run are not read again.
    """
    paths = list(paths)
    with paused_gc():
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


def check_library(paths: Iterable[Path], *, root: Path | None = None, jobs: int = 1) -> Checked:
    """Load and check every pattern over `jobs` processes.

    The same as `library = load_library(paths, root=root); validate(library)`, on every
    core. The patterns come back whole (meta and body, for rendering) but located only for
    the fields the rules across files report on.
    """
    with paused_gc():
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

    jsonschema takes about a millisecond a file. A plain check of the same keywords tells
    which top-level fields are valid for sure; jsonschema then checks the root's own keywords
    (required, unknown keys) and only the other fields, so its errors are the same.
    """
    checks = _quick_checks()
    if checks is None:
        yield from _validator().iter_errors(meta)
        return
    root, fields = checks
    bad = frozenset(k for k, check in fields.items() if k in meta and not check(meta[k]))
    if bad or not root(meta):
        yield from _validator_for(bad).iter_errors(meta)


@cache
def _validator_for(fields: frozenset[str]) -> jsonschema.protocols.Validator:
    """Return the validator of the schema with only `fields` left to check below the root."""
    full = _validator()
    root: dict[str, Any] = dict(full.schema)  # type: ignore[arg-type]  # a mapping: ours
    root["properties"] = {
        name: sub if name in fields else True for name, sub in root["properties"].items()
    }
    return full.evolve(schema=root)


Check = Callable[[Any], bool]


class _Unsure(Exception):
    """The schema uses a keyword the quick checks do not know."""


@cache
def _quick_checks() -> tuple[Check, dict[str, Check]] | None:
    """Return a check of the root's own keywords and one per top-level field (None: unsure).

    Each check returns True only when jsonschema would find no error, and False when it would,
    or when in doubt.
    """
    data = _inline_refs(schema(), schema().get("$defs", {}))
    fields = data.get("properties")
    if not isinstance(fields, dict):
        return None
    try:
        root = _compile({**data, "properties": dict.fromkeys(fields, True)})
        return root, {name: _compile(sub) for name, sub in fields.items()}
    except _Unsure:
        return None


_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default",
                          "examples"})


def _compile(node: Any) -> Check:
    if node is True:
        return lambda value: True
    if not isinstance(node, dict):
        raise _Unsure(node)
    checks = [_keyword(keyword, wanted, node) for keyword, wanted in node.items()
              if keyword not in _ANNOTATIONS]
    return lambda value: all(check(value) for check in checks)


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: type(v) is int or (type(v) is float and v.is_integer()),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _keyword(keyword: str, wanted: Any, node: dict[str, Any]) -> Check:
    """Return the check of one keyword, as jsonschema's Draft 2020-12 applies it."""
    if keyword == "type":
        kinds = [_TYPES[t] for t in (wanted if isinstance(wanted, list) else [wanted])]
        return lambda v: any(kind(v) for kind in kinds)
    if keyword == "enum" and all(isinstance(option, str) for option in wanted):
        options = frozenset(wanted)
        return lambda v: isinstance(v, str) and v in options
    if keyword == "pattern":
        regex = re.compile(wanted)  # jsonschema uses re.search too
        return lambda v: not isinstance(v, str) or regex.search(v) is not None
    if keyword == "minLength":
        return lambda v: not isinstance(v, str) or len(v) >= wanted
    if keyword == "maxLength":
        return lambda v: not isinstance(v, str) or len(v) <= wanted
    if keyword == "minItems":
        return lambda v: not isinstance(v, list) or len(v) >= wanted
    if keyword == "minimum":
        return lambda v: not _is_number(v) or v >= wanted
    if keyword == "maximum":
        return lambda v: not _is_number(v) or v <= wanted
    if keyword == "uniqueItems":
        return _unique_items if wanted is True else (lambda v: True)
    if keyword == "required":
        return lambda v: not isinstance(v, dict) or all(name in v for name in wanted)
    if keyword == "properties":
        subs = {name: _compile(sub) for name, sub in wanted.items()}
        return lambda v: not isinstance(v, dict) or all(
            check(v[name]) for name, check in subs.items() if name in v)
    if keyword == "additionalProperties" and "patternProperties" not in node:
        known = frozenset(node.get("properties", {}))
        extra = _compile(wanted) if wanted is not False else (lambda v: False)
        return lambda v: not isinstance(v, dict) or all(
            name in known or extra(v[name]) for name in v)
    if keyword == "items" and isinstance(wanted, dict) and "prefixItems" not in node:
        item = _compile(wanted)
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)
    if keyword == "anyOf":
        options_ = [_compile(sub) for sub in wanted]
        return lambda v: any(option(v) for option in options_)
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
