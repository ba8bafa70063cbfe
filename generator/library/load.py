"""Load stage: read pattern files into `Pattern` values, or into located problems."""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from generator.library.model import (
    FieldPath,
    Library,
    Pattern,
    PillarTable,
    Position,
    Problem,
    TableRow,
    format_field,
    in_order,
)

# YAML 1.1 reads these plain scalars as booleans; we read them as strings (YAML 1.2) and warn.
YAML11_BOOLEANS = frozenset(
    ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
     "y", "Y", "n", "N"]
)
FM_START_LINE = 2  # the front matter's first line, after the opening `---`
# Deepest field path the schema describes (e.g. pillars.purpose.score): deeper entries are
# reported at their nearest recorded parent, which keeps big unknown blocks cheap.
POSITION_DEPTH = 3
# Limits for untrusted files (the real library's largest file is 337 KB; its deepest front
# matter 5 levels; its biggest about 20,000 values).
MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 100_000
# libyaml's composer recurses on the C stack: some 30,000 nested collections crash the process
# (a 60 KB file). Nesting needs one of `[{-?:` or a line break per level (two, for `[a: [`), so
# front matter with fewer than this many of them is composed directly, and only bigger ones
# are first measured by their events, which libyaml reads without recursion.
NESTING_PRECHECK = 4000
SAFE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
)
PILLAR_HEADING = re.compile(
    r"^(#{1,6})[ \t]+(?:\d+\.?[ \t]*)?(?:(?:7|seven)[ \t]+)?Pillars Assessment[ \t]*#*[ \t]*$",
    re.I | re.M,
)
_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")
_FM_END = re.compile(r"\n(?:---|\.\.\.)[ \t]*(?=\n|$)")
HEADING = re.compile(r"^(#{1,6})\s")
# `x_import`, where `patternlib import` keeps the source's fields that have no place here, is
# three quarters of an imported library's front matter; the schema checks only that it is a
# mapping. When a file is only validated, a block that a text scan proves clean (see
# _unread_block) is neither composed nor built: composing and building it was half of
# validating the imported Commons OS library.
X_IMPORT = "x_import"
_X_HEADER = re.compile(r"^x_import:[ ]*\n", re.M)
_X_END = re.compile(r"\n(?=[^ \n])")  # before the next top-level line
_X_NEXT_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*:[ \n]")
# One line of the block, as (indentation, list dash, key, first character of the key's value):
# a simple key with an optional one-line value, a list dash before one, or a list dash and a
# one-line value; or a blank line. Values: a quoted scalar on one line, an empty list or mapping,
# or a plain scalar that starts with no indicator, holds no ': ' or ' #' and is not a YAML 1.1
# boolean (the yaml-boolean warning) nor an integer too long to read. Anything else (comments,
# tags, anchors, aliases, merge keys, block scalars, flow collections, text over several lines,
# tabs) does not match, and the file takes the full path.
_X_BOOLEANS = "|".join(sorted(YAML11_BOOLEANS))
_X_VALUE = rf"""(?:
    '[^'\n]*(?:''[^'\n]*)*'
  | "[^"\\\n]*(?:\\(?:[0abtnvfre\ "\\N_LP]|x[0-9A-Fa-f]{{2}}|u(?![dD][89a-fA-F])[0-9A-Fa-f]{{4}})
      [^"\\\n]*)*"
  | \[\] | \{{\}}
  | (?!(?:{_X_BOOLEANS})\ *\n|[0-9_]{{4000}})(?:[^\s\-?:,\[\]{{}}\#&*!|>'"%@`=<]|-(?=\S))
    [^\n:\#]*(?:(?::(?=\S)|(?<=\S)\#)[^\n:\#]*)*
)"""
_X_LINE = re.compile(
    rf"""^(\ *)(-\ (?!\ *\n))?
    (?:([A-Za-z0-9_][A-Za-z0-9_-]*):(?:\ +(?=(\S)){_X_VALUE})?|(?<=-\ ){_X_VALUE})?
    \ *\n""",
    re.M | re.X,
)
# Nesting a clean block may have; deeper ones take the full path, which reports yaml-depth.
_X_DEPTH = MAX_DEPTH // 2

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PatternLoader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML loading with the type traps closed.

    Dates stay strings (the schema checks their form; nothing turns them into datetimes with a
    time zone), and only true/false are booleans: an unquoted `no` stays the string 'no'.
    """


    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        # The stock resolver, minus path resolvers we never use: it runs for every node.
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _RESOLVERS.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """Do nothing: path resolvers are not used (called once per node)."""

    def ascend_resolver(self) -> None:
        """Do nothing: path resolvers are not used (called once per node)."""


_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Tags that construct plain data. Anything else (!!python/object..., !!binary, local tags)
# is refused: a safe loader would reject the Python ones anyway, with a less useful message.
_PLAIN_TAGS = frozenset({
    _STR_TAG, _SEQ_TAG, _MAP_TAG, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
})
_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _first, _resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
    for _tag, _regexp in _resolvers:
        if _tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"):
            _RESOLVERS.setdefault(_first or "", []).append((_tag, _regexp))
for _first in "tTfF":
    _RESOLVERS.setdefault(_first, []).append(
        ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
    )
# YAML 1.2 floats that YAML 1.1's pattern misses, as check-jsonschema and editors read them:
# an exponent without a decimal point (7e-1, 1E3) or without a sign (0.7e1).
_FLOAT_12 = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$")
for _first in "0123456789-+.":
    _RESOLVERS.setdefault(_first, []).append(("tag:yaml.org,2002:float", _FLOAT_12))


def load_library(paths: Iterable[Path], *, root: Path | None = None) -> Library:
    """Load every pattern file under `paths` (folders of `*.md`, or single files)."""
    patterns: list[Pattern] = []
    problems: list[Problem] = []
    files = pattern_files(paths)
    for file in files:
        pattern, found = load_pattern(file, display=display_path(file, root))
        problems.extend(found)
        if pattern is not None:
            patterns.append(pattern)
    patterns.sort(key=lambda p: (p.key, p.path))
    return Library(patterns=tuple(patterns), problems=tuple(in_order(problems)), files=len(files))


def pattern_files(paths: Iterable[Path]) -> list[Path]:
    """List the pattern files named by `paths`: `*.md` in folders, and files as given."""
    files: set[Path] = set()
    for path in paths:
        if path.is_dir():
            with os.scandir(path) as entries:
                files.update(
                    path / e.name for e in entries if e.name.endswith(".md") and e.is_file()
                )
        else:
            files.add(path)
    return sorted(files)


def display_path(file: Path, root: Path | None = None) -> str:
    """Return the path reports show: relative to `root` (default: the working folder)."""
    if root is None and not file.is_absolute():
        return file.as_posix()
    base = root if root is not None else Path.cwd()
    try:
        return file.absolute().relative_to(base.absolute()).as_posix()
    except ValueError:
        return file.as_posix()


def load_pattern(
    file: Path, *, display: str, validate_only: bool = False
) -> tuple[Pattern | None, list[Problem]]:
    """Read one pattern file; return the pattern (or None) and what was wrong with it.

    Files are untrusted: a name that is not a safe slug, a symlink leading out of its folder
    or a file over MAX_FILE_BYTES is refused before it is read. `validate_only`: see
    parse_pattern.
    """
    refusal = _refuse_file(file)
    if refusal:
        return None, [_problem(display, 1, 1, refusal[0], refusal[1])]
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        data = file.read_bytes()
        line = data[: exc.start].count(b"\n") + 1
        # The column in characters, as editors count it: decode what precedes on that line.
        before = data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start].removeprefix(b"\xef\xbb\xbf")
        col = len(before.decode("utf-8", "replace")) + 1
        return None, [_problem(display, line, col, "encoding", f"not valid UTF-8: {exc.reason}")]
    except OSError as exc:
        return None, [_problem(display, 1, 1, "read", f"cannot read file: {exc.strerror}")]
    return parse_pattern(text, display=display, key=file.stem, validate_only=validate_only)


def _refuse_file(file: Path) -> tuple[str, str] | None:
    """Return (rule, message) if the file must not be read at all."""
    if not SAFE_NAME.fullmatch(file.stem) or file.suffix != ".md":
        return "file-name", (
            f"'{file.name}' is not a safe pattern file name: use lowercase words "
            "joined by hyphens, ending in .md (it becomes the page's URL)"
        )
    if file.stem.upper() in RESERVED_NAMES:
        return "file-name", f"'{file.stem}' is a reserved device name on Windows"
    if file.is_symlink():
        target = file.resolve()
        if not target.is_relative_to(file.parent.resolve()):
            return "symlink", "symbolic link to a file outside the patterns folder"
    try:
        size = file.stat().st_size
    except OSError as exc:
        return "read", f"cannot read file: {exc.strerror}"
    if size > MAX_FILE_BYTES:
        return "file-size", (
            f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} (MAX_FILE_BYTES)"
        )
    return None


def parse_pattern(
    text: str, *, display: str, key: str, validate_only: bool = False
) -> tuple[Pattern | None, list[Problem]]:
    """Split front matter from body, load the YAML and record where everything is.

    `validate_only`: the pattern is checked, never rendered. An `x_import` block proven to
    hold nothing any rule reports is then left unread: an empty `Unread` mapping stands for
    it, and no positions are recorded inside it. The problems are the same either way.
    """
    # A lone CR is a line break too (for YAML, Markdown and editors): count it as one.
    text = text.removeprefix("\ufeff")
    if "\r" in text:  # one search, where two replacements would each scan the text
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_end = text.find("\n")
    if text[: first_end if first_end >= 0 else len(text)].rstrip() != "---":
        return None, [
            _problem(display, 1, 1, "no-front-matter",
                     "no front matter: the file must start with a '---' line")
        ]
    closing = _FM_END.search(text, first_end) if first_end >= 0 else None
    if closing is None:
        return None, [
            _problem(display, 1, 1, "no-front-matter",
                     "front matter is not closed: add a '---' line after it")
        ]
    source = text[first_end + 1 : closing.start() + 1]
    breaker = None if source.isascii() else _YAML_ONLY_BREAK.search(source)
    if breaker is not None:
        # YAML breaks lines at NEL, LS and PS, editors and this file's line count do not:
        # every position after one would be reported on the wrong line.
        line = source.count("\n", 0, breaker.start()) + FM_START_LINE
        col = breaker.start() - (source.rfind("\n", 0, breaker.start()) + 1) + 1
        return None, [_problem(display, line, col, "yaml-syntax",
                               f"invalid YAML: character U+{ord(breaker.group()):04X} is a "
                               "line break for YAML only; remove it")]
    if 2 * sum(source.count(c) for c in "[{-?:\n") > NESTING_PRECHECK:
        deep = _too_deep(source)
        if deep is not None:
            return None, [_depth_problem(display, deep)]
    unread = _read_without_x_import(source, display) if validate_only else None
    if unread is not None:
        meta, builder = unread
    else:
        parsed = _read(source, display)
        if isinstance(parsed, Problem):
            return None, [parsed]
        meta, builder = parsed
    body = text[closing.end() + 1 :]
    body_line = FM_START_LINE + source.count("\n") + 1
    pattern = Pattern(
        path=display,
        key=key,
        meta=meta,
        body=body,
        body_line=body_line,
        positions=builder.positions,
        table=find_pillar_table(body, body_line),
    )
    return pattern, builder.problems


def _read(source: str, display: str) -> tuple[dict[str, Any], _Builder] | Problem:
    """Read the front matter; return it with its builder, or what stops it."""
    return _read_plain(source, display) or _compose(source, display)


def _compose(source: str, display: str) -> tuple[dict[str, Any], _Builder] | Problem:
    """Compose and build the front matter with libyaml (see _read)."""
    loader = PatternLoader(source)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            return _problem(display, FM_START_LINE, 1, "front-matter-type",
                            "front matter must be a mapping of keys to values")
        builder = _Builder(display, loader)
        meta = builder.build(node, (), node.start_mark)
    except _Refused as exc:
        return exc.problem
    except RecursionError:
        return _problem(display, FM_START_LINE, 1, "yaml-depth",
                        "front matter is nested too deeply")
    except yaml.reader.ReaderError as exc:
        line = source[: exc.position].count("\n") + FM_START_LINE
        col = exc.position - (source.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return _problem(display, line, col, "yaml-syntax",
                        f"invalid YAML: character U+{char:04X} is not allowed")
    except yaml.MarkedYAMLError as exc:
        if _libyaml_depth_limit(exc):
            return _depth_problem(display, _too_deep(source) or exc.problem_mark)
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + FM_START_LINE if mark else FM_START_LINE
        col = mark.column + 1 if mark else 1
        detail = f"invalid YAML: {exc.problem or exc.context}"
        if exc.context and exc.context_mark and exc.problem_mark:
            where = exc.context_mark
            detail += (f" ({exc.context} that starts at line {where.line + FM_START_LINE}, "
                       f"column {where.column + 1})")
        return _problem(display, line, col, "yaml-syntax", detail)
    except yaml.YAMLError as exc:
        return _problem(display, FM_START_LINE, 1, "yaml-syntax", f"invalid YAML: {exc}")
    finally:
        loader.dispose()
    return meta, builder


def _read_without_x_import(source: str, display: str) -> tuple[dict[str, Any], _Builder] | None:
    """Read the front matter but its `x_import` block, if that block is proven clean.

    The block is left out (positions after it stay right) and its key's value read as `{}`;
    the rest is read as usual. None, for the full path, when anything is unusual: the block
    does not pass _unread_block, or the rest does not load cleanly with `x_import` as the
    top-level key of that line, or it uses aliases (their budget counts every value before them).
    """
    header = _X_HEADER.search(source)
    if header is None:
        return None
    after = _X_END.search(source, header.end() - 1)
    end = len(source) if after is None else after.end()
    if after is not None and not _X_NEXT_KEY.match(source, end):
        return None
    block = source[header.end() : end]
    first = _unread_block(block)
    if first is None:
        return None
    head = source[: header.start()] + X_IMPORT + ": {}\n"
    plain = _read_plain(head + source[end:], display, gap=(len(head), block.count("\n")))
    if plain is not None:
        meta, builder = plain
    else:
        # The block's lines are left blank: positions after it stay right.
        loader = PatternLoader(head + "\n" * block.count("\n") + source[end:])
        try:
            node = loader.get_single_node()
            if not isinstance(node, yaml.MappingNode) or node.flow_style:
                return None
            builder = _Builder(display, loader)
            meta = builder.build(node, (), node.start_mark)
        except (yaml.YAMLError, _Refused, RecursionError):
            return None
        finally:
            loader.dispose()
    line = source.count("\n", 0, header.start()) + FM_START_LINE
    placed = builder.positions.get((X_IMPORT,))
    if (builder.aliased or placed is None or placed[:4] != (line, 1, line, len(X_IMPORT) + 3)
            or meta.get(X_IMPORT) != {}
            or any(problem.field == X_IMPORT for problem in builder.problems)):
        return None
    meta[X_IMPORT] = Unread()
    builder.positions[(X_IMPORT,)] = Position(line, 1, line + 1 + first[0], first[1] + 1)
    return meta, builder


class Unread(dict[str, Any]):
    """An `x_import` mapping left unread because the file is only validated (empty)."""


def _unread_block(block: str) -> tuple[int, int] | None:
    """Tell where the mapping in `block` starts (line offset, column) if no rule can report
    anything in it; None when unsure.

    `block` is the lines under a top-level `x_import:` up to the next top-level line. Each
    must be a simple line (_X_LINE) and together they must make block mappings and lists that
    are indented as YAML reads them, with no key twice in a mapping and no deep nesting. The
    checks are conservative: whatever they do not recognise takes the full path.
    """
    # Printable for Python is narrower than for YAML (no tab, BOM, NEL or non-breaking space).
    if not block.replace("\n", "").isprintable():
        return None
    lines = _X_LINE.findall(block)
    if len(lines) != block.count("\n"):
        return None  # a line that is not simple
    cols: list[int] = []  # the column of each open mapping or list, outermost first
    keys: list[set[str] | None] = []  # the keys of each (None for a list)
    opening = 0  # the column of the key whose value starts on the next line, or -1
    limit = len(block)  # the next line may not start further right (it would continue a value)
    names: set[str] | None = None  # the keys of the innermost mapping or list (None)
    mapping = -1  # its column if it is a mapping whose next key may follow
    for indent, dash, key, value in lines:
        col = len(indent)
        if col == mapping and key and not dash:
            # The commonest line by far: the next key of the mapping the line above is in.
            assert names is not None
            if key in names:
                return None  # a duplicate key (reported by the full path)
            names.add(key)
            if not value:
                opening, limit, mapping = col, len(block), -1
            continue
        if not dash and not key:
            continue  # a blank line
        if col > limit:
            return None
        if opening >= 0:
            if dash and col >= opening and cols:
                cols.append(col)
                keys.append(None)
            elif not dash and col > opening:
                cols.append(col)
                keys.append(set())
            opening = -1  # or the value is empty (null)
        while cols and (cols[-1] > col or (cols[-1] == col and keys[-1] is None and not dash)):
            cols.pop()
            keys.pop()
        if not cols or cols[-1] != col or len(cols) > _X_DEPTH:
            return None
        names = keys[-1]
        if dash:
            if names is not None:
                return None  # a list item where a mapping goes on
            if not key:
                limit, mapping = col, -1
                continue
            col += 2
            names = set()
            cols.append(col)
            keys.append(names)
        elif names is None or key in names:
            return None  # a duplicate key (reported by the full path)
        names.add(key)
        if value:
            limit = mapping = col
        else:
            opening, limit, mapping = col, len(block), -1
    if not cols:
        return None  # no mapping (an empty value)
    start = len(block) - len(block.lstrip(" \n"))
    line_start = block.rfind("\n", 0, start) + 1
    return block.count("\n", 0, line_start), start - line_start


def _too_deep(source: str) -> Any:
    """Return the mark of the first collection nested deeper than MAX_DEPTH, or None."""
    try:
        return _first_too_deep(yaml.parse(source, Loader=PatternLoader))
    except yaml.YAMLError as exc:
        if not _libyaml_depth_limit(exc):
            return None  # loading reports it, located
        limit = exc.problem_mark
    # libyaml (PyYAML 6.0.4 and later) refuses nesting past its own limit of 1,000 levels while
    # it scans ahead, before the parser hands over the event of level 33. The pure-Python
    # parser has no such limit, reads without recursion, and stops there.
    try:
        return _first_too_deep(yaml.parse(source, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return limit  # nested past 1,000 levels all the same: report it there


def _first_too_deep(events: Iterator[yaml.Event]) -> Any:
    depth = 0
    for event in events:
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH + 1:  # the root mapping is depth 1, at path ()
                return event.start_mark
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _libyaml_depth_limit(exc: yaml.YAMLError) -> TypeGuard[yaml.MarkedYAMLError]:
    """Tell whether libyaml stopped at its own nesting limit (not a syntax error)."""
    return isinstance(exc, yaml.MarkedYAMLError) and exc.problem == (
        "exceeded maximum nesting depth"
    )


def _depth_problem(display: str, mark: Any) -> Problem:
    return _problem(display, mark.line + FM_START_LINE, mark.column + 1, "yaml-depth",
                    f"front matter is nested deeper than {MAX_DEPTH} levels")


class _Refused(Exception):
    """The front matter holds something the loader will not construct."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Builder:
    """Construct the front matter from YAML nodes and record where each entry sits.

    One pass does both, and catches what PyYAML lets through: duplicate keys (it keeps the
    last silently) and YAML 1.1 booleans read as text.
    """

    def __init__(self, display: str, loader: yaml.constructor.BaseConstructor) -> None:
        self.display = display
        self.loader = loader
        self.positions: dict[FieldPath, Position] = {}
        self.problems: list[Problem] = []
        self._built: dict[int, Any] = {}  # anchored nodes met again through an alias
        self._size: dict[int, int] = {}  # nodes under each collection, aliases expanded
        self.nodes = 0  # nodes so far, counting each alias as the whole tree it stands for
        self._sequence: Any = None  # start of the list being built, where its aliases are
        self.aliased = False  # whether an alias was met

    def _refuse(self, node: Any, rule: str, message: str, mark: Any = None) -> _Refused:
        mark = mark or node.start_mark
        return _Refused(Problem(self.display, mark.line + FM_START_LINE, mark.column + 1,
                                rule, "error", "", message))

    def build(self, node: Any, path: FieldPath, key_mark: Any) -> Any:
        """Return the value of `node`, found at `path` under the key at `key_mark`."""
        # The hot loop of loading: it runs once per YAML node (~800,000 for the real library).
        start = node.start_mark
        cls = node.__class__
        if len(path) <= POSITION_DEPTH:
            self.positions[path] = Position(
                key_mark.line + FM_START_LINE, key_mark.column + 1,
                start.line + FM_START_LINE, start.column + 1,
                node.value if cls is yaml.ScalarNode else None,
            )
        self.nodes += 1
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise self._refuse(node, "yaml-tag", f"YAML tag '{tag}' is not allowed: front "
                               "matter holds plain data (text, numbers, lists, mappings)")
        if len(path) > MAX_DEPTH:
            raise self._refuse(node, "yaml-depth", f"front matter is nested deeper than "
                               f"{MAX_DEPTH} levels")
        if cls is yaml.ScalarNode:
            if node.tag != _STR_TAG:
                return self._scalar(node)
            # Plain (unquoted) style is None from PyYAML's parser and '' from libyaml's.
            if not node.style and node.value in YAML11_BOOLEANS:
                self._warn_boolean(node, path)
            return node.value
        built = self._built.get(id(node))
        if built is not None:  # an alias: it stands for the whole tree again
            self.aliased = True
            # The node is the anchored one, marked where the anchor is: report the alias's
            # key, or the list that holds it (the composer keeps no mark of the alias itself).
            where = key_mark if key_mark is not start else self._sequence
            if id(node) not in self._size:
                raise self._refuse(node, "yaml-alias", "an alias refers to a mapping or list "
                                   "that contains it: the data would never end", where)
            self.nodes += self._size[id(node)]
            if self.nodes > MAX_NODES:
                raise self._refuse(node, "yaml-alias", "aliases expand to more than "
                                   f"{MAX_NODES:,} values (a 'billion laughs' document?)", where)
            return built
        before = self.nodes
        if cls is yaml.SequenceNode and node.tag == _SEQ_TAG:
            items: list[Any] = []
            self._built[id(node)] = items
            outer, self._sequence = self._sequence, start
            for index, item in enumerate(node.value):
                items.append(self.build(item, (*path, index), item.start_mark))
            self._sequence = outer
            self._size[id(node)] = self.nodes - before
            return items
        if cls is yaml.MappingNode and node.tag == _MAP_TAG:
            mapping: dict[Any, Any] = {}
            self._built[id(node)] = mapping
            for key_node, value_node in node.value:
                if key_node.tag == _STR_TAG and key_node.__class__ is yaml.ScalarNode:
                    name = key_node.value
                elif key_node.tag == _MERGE_TAG:
                    # Merges of merges multiply like aliases do, inside PyYAML where no
                    # budget applies; front matter does not need them.
                    raise self._refuse(key_node, "yaml-merge",
                                       "merge keys (<<) are not allowed in front matter")
                else:
                    name = self._key(key_node)
                if name in mapping:
                    self._duplicate(node, key_node, name, path)
                    continue
                mapping[name] = self.build(value_node, (*path, name), key_node.start_mark)
            self._size[id(node)] = self.nodes - before
            return mapping
        raise self._refuse(node, "yaml-tag", f"YAML tag '{node.tag}' is not allowed")

    def _duplicate(self, node: yaml.MappingNode, key_node: yaml.Node, name: Any,
                   path: FieldPath) -> None:
        first = next(k for k, _ in node.value if k.value == key_node.value)
        self.problems.append(Problem(
            self.display, key_node.start_mark.line + FM_START_LINE,
            key_node.start_mark.column + 1, "duplicate-key", "error",
            format_field((*path, str(name))),
            f"duplicate key '{name}' (first at line {first.start_mark.line + FM_START_LINE}); "
            "YAML would silently keep only the last one",
        ))

    def _key(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _PLAIN_TAGS:
            raise self._refuse(node, "yaml-key", "mapping keys must be plain text or numbers")
        # Keys are kept as written (`1`, `~`, `true` as text): a mapping mixing number and text
        # keys cannot be sorted, and JSON keys are text anyway.
        return node.value

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        """Construct a number, boolean or null; keep what JSON cannot hold as its text."""
        try:
            value = self.loader.construct_object(node, deep=True)
        except ValueError:  # an integer over Python's 4,300-digit conversion limit
            raise self._refuse(node, "yaml-syntax", "invalid YAML: a number too long to read; "
                               "quote it if it is text") from None
        # .nan and .inf are numbers no JSON file (api/patterns.json) can hold; as text, the
        # schema reports them where a number is expected.
        if isinstance(value, float) and not math.isfinite(value):
            return node.value
        return value

    def _warn_boolean(self, node: yaml.ScalarNode, path: FieldPath) -> None:
        self.problems.append(Problem(
            self.display, node.start_mark.line + FM_START_LINE, node.start_mark.column + 1,
            "yaml-boolean", "warning", format_field(path),
            f"unquoted {node.value} is read here as the text '{node.value}', but many YAML "
            f"tools read it as a boolean; quote it (\"{node.value}\") or write true/false",
        ))


# --- plain front matter ----------------------------------------------------------------------

# A list of items on one line, `[a, 'b c', "d"]`, as contributors write link lists: its items
# plain words (letters, digits, `_.-` and spaces between) or quoted text without escapes.
_FLOW_ITEM = r"""(?:[A-Za-z0-9_.](?:[A-Za-z0-9_.\ -]*[A-Za-z0-9_.])?|'[^'\n]*(?:''[^'\n]*)*'
    |"[^"\\\n]*")"""
_FLOW_LIST = rf"\[\ *{_FLOW_ITEM}(?:\ *,\ *{_FLOW_ITEM})*\ *\]"
_FLOW_ITEMS = re.compile(rf"(?<=[\[,])\ *({_FLOW_ITEM})", re.X)
# One line of plain front matter, as _X_LINE reads it (or with such a list), the value kept:
# (indentation, list dash, key, the key's value, a list item's value); a blank line has none
# of the last four.
_PLAIN_LINE = re.compile(
    rf"""^(\ *)(-\ (?!\ *\n))?
    (?:([A-Za-z0-9_][A-Za-z0-9_-]*):(?:\ +(?=\S)({_X_VALUE}|{_FLOW_LIST}))?
      |(?<=-\ )({_X_VALUE}|{_FLOW_LIST}))?
    \ *\n""",
    re.M | re.X,
)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()  # builds numbers, booleans and nulls
_position = functools.partial(tuple.__new__, Position)  # Position(*five), a third faster
_NO_VALUE = object()  # a value _read_plain leaves to libyaml


def _read_plain(source: str, display: str, *, gap: tuple[int, int] = (-1, 0)
                ) -> tuple[dict[str, Any], _Builder] | None:
    """Read front matter written in plain block YAML without composing it; None if it is not.

    Nearly all front matter is keys with one-line values, lists of them and mappings in lists.
    Those lines are read with one regex (_PLAIN_LINE) and their values built as _Builder
    builds them, positions included, in about three quarters of the time libyaml's nodes
    take. Anything else returns None and takes the full path: comments, text over several
    lines, escapes in double quotes, anchors, aliases, tags, flow collections other than [],
    {} and one-line lists of words or quoted text, empty values, duplicate keys, YAML 1.1
    booleans, deep nesting, tabs and other unusual characters. Each line must start where an
    open mapping or list does, or open a deeper one after a key with no value: nothing YAML
    would read differently is accepted.

    `gap`: (offset, lines): the line at `offset` in `source` is that many lines further down
    in the file (lines left out before it).
    """
    if not source.endswith("\n") or not source.replace("\n", "").isprintable():
        return None
    builder = _Builder(display, _CONSTRUCTOR)
    positions = builder.positions
    cols: list[int] = []  # the column of each open mapping or list, outermost first
    open_: list[tuple[dict[str, Any] | list[Any], FieldPath]] = []  # each, with its path
    opening: tuple[int, dict[str, Any], str, FieldPath, int] | None = None  # a key whose value
    # starts on the next line: its column, mapping, name, path and line
    mapping_col = -1  # the column of the mapping the next line may go on with a key, or -1
    at = 0
    line = FM_START_LINE - 1
    root: dict[str, Any] = {}
    container: dict[str, Any] | list[Any] = root
    path: FieldPath = ()
    for match in _PLAIN_LINE.finditer(source):
        if match.start() != at:
            return None  # a line that is not plain
        if at == gap[0]:
            line += gap[1]
        at = match.end()
        line += 1
        indent, dash, key, value, item = match.groups()
        col = len(indent)
        # The commonest line by far, the next key and value of the mapping above, goes
        # straight to the end; any other line may close or open mappings and lists first.
        if col != mapping_col or dash is not None or value is None:
            if dash is None and key is None:
                continue  # a blank line
            mapping_col = -1
            if opening is not None:
                key_col, mapping, name, path, key_line = opening
                new: dict[str, Any] | list[Any]
                if dash is not None and col >= key_col:
                    new = []
                elif dash is None and col > key_col:
                    new = {}
                else:
                    return None  # an empty value (null)
                mapping[name] = new
                cols.append(col)
                open_.append((new, path))
                if len(path) <= POSITION_DEPTH:
                    positions[path] = _position((key_line, key_col + 1, line, col + 1, None))
                opening = None
            while cols and (cols[-1] > col or (
                    cols[-1] == col and dash is None and isinstance(open_[-1][0], list))):
                cols.pop()
                open_.pop()
            if not cols:
                if col or dash is not None or positions:
                    return None  # a list at the root, or a line left of the root mapping
                cols.append(0)
                open_.append((root, ()))
                positions[()] = _position((line, 1, line, 1, None))
            if cols[-1] != col or len(cols) > _X_DEPTH:
                return None
            container, path = open_[-1]
            if dash is not None:
                if not isinstance(container, list):
                    return None  # a list item where a mapping goes on
                item_path = (*path, len(container))
                if key is None:
                    built = _line_value(item, item_path, line, col + 3, col + 3, positions)
                    if built is _NO_VALUE:
                        return None
                    container.append(built)
                    continue
                container.append(mapping := {})
                if len(item_path) <= POSITION_DEPTH:
                    positions[item_path] = _position((line, col + 3, line, col + 3, None))
                col += 2
                cols.append(col)
                open_.append((mapping, item_path))
                container, path = mapping, item_path
            elif not isinstance(container, dict):
                return None
            if value is None:
                if key in container:
                    return None  # a duplicate key (reported by the full path)
                container[key] = None  # for now: keeps the keys in order
                opening = (col, container, key, (*path, key), line)
                continue
        # A key and its value, in the mapping `container` at `col`.
        assert isinstance(container, dict)
        if key in container:
            return None  # a duplicate key (reported by the full path)
        built = _line_value(value, (*path, key), line, col + 1,
                            match.start(4) - match.start() + 1, positions)
        if built is _NO_VALUE:
            return None
        container[key] = built
        mapping_col = col
    if at != len(source) or opening is not None or not cols:
        return None
    return root, builder


def _line_value(written: str, path: FieldPath, line: int, key_col: int, col: int,
                positions: dict[FieldPath, Position]) -> Any:
    """Return the value written on a line from `col`, recording where it and its items are
    (_NO_VALUE for libyaml to read)."""
    if written[0] != "[" or written == "[]":
        built, text = _plain_value(written)
        if built is not _NO_VALUE and len(path) <= POSITION_DEPTH:
            positions[path] = _position((line, key_col, line, col, text))
        return built
    items = []
    at = []
    for match in _FLOW_ITEMS.finditer(written):
        built, text = _plain_value(match.group(1))
        if built is _NO_VALUE:
            return _NO_VALUE
        items.append(built)
        at.append((col + match.start(1), text))
    if len(path) <= POSITION_DEPTH:
        positions[path] = _position((line, key_col, line, col, None))
        if len(path) < POSITION_DEPTH:
            for index, (item_col, text) in enumerate(at):
                positions[(*path, index)] = _position((line, item_col, line, item_col, text))
    return items


def _plain_value(written: str) -> tuple[Any, str | None]:
    """Return the value of a one-line scalar, `[]` or `{}`, and the scalar's text as the
    composer gives it (None for the empty collections); _NO_VALUE for libyaml to read."""
    first = written[0]
    if first == "'":
        text = written[1:-1].replace("''", "'")
        return text, text
    if first == '"':
        return (_NO_VALUE, None) if "\\" in written else (written[1:-1], written[1:-1])
    if written == "[]":
        return [], None
    if written == "{}":
        return {}, None
    text = written.rstrip(" ")
    tag = next((tag for tag, regexp in _RESOLVERS.get(first, ()) if regexp.match(text)), None)
    if tag is None:
        # A YAML 1.1 boolean gets a warning, from the full path.
        return (_NO_VALUE, None) if text in YAML11_BOOLEANS else (text, text)
    try:
        value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except ValueError:  # an integer over Python's conversion limit: refused by the full path
        return _NO_VALUE, None
    if isinstance(value, float) and not math.isfinite(value):
        return text, text  # as _Builder._scalar keeps it
    return value, text


def find_pillar_table(body: str, body_line: int) -> PillarTable | None:
    """Find the "7 Pillars Assessment" section's table, its cells as written."""
    # Only the lines that start with '#' are tried: a regex over every line of 80 MB of bodies
    # is slow, and so is lowercasing them all to find the words first.
    heading = None
    for start in _heading_starts(body):
        match = PILLAR_HEADING.match(body, start)
        if match is not None and "pillars assessment" in match.group().lower():
            heading = match
            break
    if heading is None:
        return None
    level = len(heading.group(1))
    heading_line = body_line + body.count("\n", 0, heading.start())
    rows: list[TableRow] = []
    line_no = heading_line
    start = heading.end() + 1
    while start <= len(body):
        end = body.find("\n", start)
        end = len(body) if end < 0 else end
        line = body[start:end]
        line_no += 1
        start = end + 1
        other = HEADING.match(line)
        if other and len(other.group(1)) <= level:
            break
        if line.lstrip().startswith("|"):
            rows.append(_table_row(line, line_no))
        elif rows:
            break
    if not rows:
        return None  # a section with prose only, e.g. pointing at a front-matter block
    # Drop the header row and the |---| delimiter row.
    data = [r for r in rows[1:] if not all(re.fullmatch(r":?-+:?", c) for c in r.cells if c)]
    return PillarTable(line=heading_line, rows=tuple(data))


def _heading_starts(body: str) -> Iterator[int]:
    """Yield where each line that starts with '#' starts."""
    if body.startswith("#"):
        yield 0
    at = body.find("\n#")
    while at >= 0:
        yield at + 1
        at = body.find("\n#", at + 1)


# Unrolled (no alternation per character): a cell's text, `\|` kept as written.
_CELL = re.compile(r"(?<=\|)([^|\\]*(?:\\.[^|\\]*)*)(?=\|)")


def _table_row(line: str, line_no: int) -> TableRow:
    cells: list[str] = []
    cols: list[int] = []
    for match in _CELL.finditer(line):
        raw = match.group(1)
        stripped = raw.strip()
        offset = len(raw) - len(raw.lstrip())
        cells.append(stripped)
        cols.append(match.start(1) + offset + 1)
    return TableRow(line=line_no, cells=tuple(cells), cols=tuple(cols))


def _join(path: FieldPath, *more: str | int) -> str:
    return format_field((*path, *more))


def _problem(path: str, line: int, col: int, rule: str, message: str) -> Problem:
    return Problem(path, line, col, rule, "error", "", message)
