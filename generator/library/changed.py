"""Validate changed files only, with their links still checked against the whole library.

A pull request that touches one pattern should be checked in a fraction of a second, even in a
library of thousands. The changed files get every check; the rest of the library is read only
as far as rules across files need it (ids, slugs, titles, aliases, summaries, relationships),
with a quick scan of each front matter's top-level entries for those keys instead of a full
YAML parse. The scan gives up on anything unusual (tags, anchors, quoted text running over
several lines, odd file names, ...), and then the file is loaded in full. Files whose identity
matters to a changed file (link targets, files sharing its id or slug, near-duplicates) are
always loaded in full, so a target whose YAML is broken counts as missing, as in a full run.

The problems reported are exactly those a full validate reports located in the changed files.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import yaml

from generator.library.cache import OutlineCache
from generator.library.duplicates import Signature, near_duplicates, signature
from generator.library.link import resolver
from generator.library.load import (
    FM_START_LINE,
    MAX_FILE_BYTES,
    RESERVED_NAMES,
    SAFE_NAME,
    PatternLoader,
    display_path,
    load_pattern,
    pattern_files,
)
from generator.library.model import (
    OUTLINE_KEYS,
    RELATIONSHIPS,
    Library,
    Pattern,
    Problem,
    in_order,
)
from generator.library.validate import check_pattern, cross_check, former_slugs

# What rules across files read of a pattern that is not itself checked: its outline.
SCANNED_KEYS = OUTLINE_KEYS
HEAD_BYTES = 16 * 1024  # most front matters fit; longer ones are read whole
_CLOSING = re.compile(rb"\n(?:---|\.\.\.)[ \t]*(?=\n|$)")
# Anchors, aliases and tags: left to the full loader, which budgets and refuses them.
_NODE_PROPERTY = re.compile(r"(?:^|[\s\[{,])[&*!]\S")
_QUOTED = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')"""
# Quoted text, or a list or mapping without nesting, that ends on its line.
_ONE_LINE = re.compile(
    rf"""(?:{_QUOTED}|\[(?:[^\[\]{{}}"'#]|{_QUOTED})*\]|\{{(?:[^\[\]{{}}"'#]|{_QUOTED})*\}})"""
    r"[ \t]*(?:#.*)?"
)


class GitError(click.UsageError):
    """`--since` could not ask git which files changed."""


def validate_changed(
    library: Sequence[Path],
    changed: Iterable[Path],
    *,
    since: str | None = None,
    cache_dir: Path | None = None,
    known: Mapping[str, Pattern | None] | None = None,
) -> tuple[int, tuple[Problem, ...]]:
    """Check the `changed` pattern files (and those changed since git `since`) against `library`.

    Returns (changed files checked, problems located in them): the full checks on each changed
    file, plus links, duplicate ids and slugs, missing inverses and near-duplicates resolved
    against the whole library. With a `cache_dir`, the outlines of files unchanged since the
    last run (and the results of changed files checked then) are not read again. `known`:
    outlines the caller already read (`outlines`), by absolute path, not read again either.
    """
    store = OutlineCache(cache_dir, library) if cache_dir is not None else None
    try:
        return _validate_changed(library, changed, since, store, known or {})
    finally:
        if store is not None:
            store.save()


def _validate_changed(
    library: Sequence[Path], changed: Iterable[Path], since: str | None,
    store: OutlineCache | None, known: Mapping[str, Pattern | None],
) -> tuple[int, tuple[Problem, ...]]:
    wanted = [f for f in pattern_files(changed) if f.suffix == ".md"]
    removed: set[str] = set()
    if since is not None:
        names, removed = _changed_since(since, library)
        wanted.extend(names)
    mine: dict[str, Path] = {}
    for file in wanted:
        mine.setdefault(_absolute(file), file)
    problems: list[Problem] = []
    full: dict[str, Pattern | None] = {}
    signatures: dict[str, Signature] = {}

    def check(real: str, file: Path) -> None:
        display = display_path(file)
        result = store.result(real, display) if store is not None else None
        if result is None:
            pattern, found = load_pattern(file, display=display, validate_only=True)
            if pattern is not None:
                found += check_pattern(pattern)
            result = (pattern.outline() if pattern is not None else None), found
            if store is not None:
                store.put_result(real, display, result)
        problems.extend(result[1])
        full[real] = result[0]
        signatures.pop(display, None)  # from its scan, if it had one

    for real, file in mine.items():
        check(real, file)
    listed = _listing(library)
    others = {real: file for real, (file, _) in listed.items()}
    for real in mine:
        others.pop(real, None)
    scanned: dict[str, Pattern | None] = {}
    for real, file in others.items():
        display = listed[real][1]
        if real in known:
            scanned[real] = known[real]
            continue
        hit = store.outline(real, display) if store is not None else None
        if hit is not None:
            scanned[real] = hit[0]
            if hit[0] is not None and isinstance(hit[1], list) and len(hit[1]) == 2:
                signatures[display] = (frozenset(hit[1][0]), frozenset(hit[1][1]))
            continue
        outline, loaded = _scan(file)
        scanned[real] = outline
        if store is not None:
            extra = None
            if outline is not None:
                mark = signatures[display] = signature(outline)
                extra = [sorted(mark[0]), sorted(mark[1])]
            store.put_outline(real, outline, loaded=loaded, extra=extra)
    if removed:  # a pattern deleted or renamed away: check the files that still link to it
        for real in [r for r, outline in scanned.items() if _links_to(outline, removed)]:
            mine[real] = others.pop(real)
            del scanned[real]
            check(real, mine[real])
    shown = {display_path(file) for file in mine.values()}
    while True:
        library_now = _library({**scanned, **full}, len(mine) + len(others))
        nearby = near_duplicates(_alike(library_now, shown, signatures), among=shown)
        involved = _involved(library_now, shown) | {p.path for p in nearby}
        unread = [real for real in others if real not in full and listed[real][1] in involved]
        for real in unread:
            display = listed[real][1]
            hit = store.outline(real, display, loaded=True) if store is not None else None
            full[real] = hit[0] if hit is not None else _outline(others[real])
            signatures.pop(display, None)
            if hit is None and store is not None:
                store.put_outline(real, full[real], loaded=True)
        # A file the scan read right loads to the same outline: only a file that does not
        # load at all (broken YAML elsewhere in it) changes what links resolve to.
        if all(_same(scanned[real], full[real]) for real in unread):
            break
    # Links between unchanged files cannot put a problem in a changed one: leave them out, so
    # the library's other dangling links are not looked up (with did-you-mean) for nothing.
    keep = shown | involved
    problems.extend(cross_check(replace(library_now, patterns=tuple(
        p if p.path in keep else _identity(p) for p in library_now.patterns
    ))))
    problems.extend(nearby)
    return len(mine), tuple(in_order(p for p in problems if p.path in shown))


def _alike(library: Library, shown: set[str], known: dict[str, Signature]) -> Library:
    """Return the part of `library` near-duplicate detection needs for the `shown` patterns.

    Two names can only match when they share a word's first letters, two summaries when they
    share a word: the other patterns are left out, in the same order, which gives the same
    warnings (the detection does not depend on what else is in the library). Patterns sharing
    an id, slug or file name stay in, so that links resolve to the same pattern as in full.
    """
    def signature_of(pattern: Pattern) -> Signature:
        found = known.get(pattern.path)
        if found is None:
            found = known[pattern.path] = signature(pattern)
        return found

    mine = [signature_of(p) for p in library.patterns if p.path in shown]
    blocks = frozenset().union(*(m[0] for m in mine))
    words = frozenset().union(*(m[1] for m in mine))
    seen: dict[str, int] = {}
    for pattern in library.patterns:
        for name in {pattern.key, pattern.slug, pattern.id}:
            if name:
                seen[name] = seen.get(name, 0) + 1
    keep = []
    for pattern in library.patterns:
        theirs = signature_of(pattern)
        if pattern.path in shown or not blocks.isdisjoint(theirs[0]) \
                or not words.isdisjoint(theirs[1]) \
                or any(seen.get(name, 0) > 1 for name in {pattern.key, pattern.slug, pattern.id}
                       if name):
            keep.append(pattern)
    return replace(library, patterns=tuple(keep))


def _absolute(file: Path) -> str:
    # Not resolve(), a system call per folder in the path: this runs for every library file.
    return os.path.abspath(file)  # noqa: PTH100


def _listing(library: Sequence[Path]) -> dict[str, tuple[Path, str]]:
    """Return the library's pattern files (those pattern_files lists) by absolute path, each
    with its path as reported (display_path), worked out once per folder: this runs for every
    file of the library, and pathlib's way costs tens of milliseconds."""
    out: dict[str, tuple[Path, str]] = {}
    for path in library:
        if not path.is_dir():
            out[_absolute(path)] = (path, display_path(path))
            continue
        real, shown = _absolute(path), display_path(path)
        prefix = "" if shown == "." else shown.rstrip("/") + "/"
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name.endswith(".md") and entry.is_file():
                    out[os.path.join(real, entry.name)] = (  # noqa: PTH118
                        path / entry.name, prefix + entry.name)
    return out


def _identity(pattern: Pattern) -> Pattern:
    # Not dataclasses.replace, which costs several times more: this runs for every file.
    meta = pattern.meta
    return Pattern(path=pattern.path, key=pattern.key, body="", body_line=pattern.body_line,
                   positions={}, meta={k: meta[k] for k in ("id", "slug") if k in meta})


def _same(scanned: Pattern | None, loaded: Pattern | None) -> bool:
    if scanned is None or loaded is None:
        return scanned is loaded
    return dict(scanned.meta) == dict(loaded.meta)


def _library(outlines: dict[str, Pattern | None], files: int) -> Library:
    patterns = sorted(
        (p for p in outlines.values() if p is not None), key=lambda p: (p.key, p.path)
    )
    return Library(patterns=tuple(patterns), files=files)


def _involved(library: Library, shown: set[str]) -> set[str]:
    """Return the paths of the patterns that share an id or slug with, or are linked from, one
    of the changed patterns (`shown`)."""
    index = resolver(library)
    by_key = library.by_key
    mine = [p for p in library.patterns if p.path in shown]
    out: set[str] = set()
    names = {name for p in mine for name in (p.id, p.meta.get("slug")) if isinstance(name, str)}
    claimed = {slug for p in mine for slug in former_slugs(p)}
    for pattern in library.patterns:
        if pattern.id in names or pattern.meta.get("slug") in names or pattern.key in claimed \
                or any(slug in names or slug in claimed for slug in former_slugs(pattern)):
            out.add(pattern.path)
    for pattern in mine:
        for kind in RELATIONSHIPS:
            targets = pattern.meta.get(kind)
            for target in targets if isinstance(targets, list) else ():
                key = index.get(target) if isinstance(target, str) else None
                if key is not None:
                    out.add(by_key[key].path)
    return out


def _outline(file: Path) -> Pattern | None:
    pattern, _ = load_pattern(file, display=display_path(file), validate_only=True)
    return pattern.outline() if pattern is not None else None


def outlines(library: Sequence[Path]) -> dict[str, Pattern | None]:
    """Return the outline (identity, names and links) of every pattern file in `library`, by
    absolute path (None: it does not load), as `validate_changed(known=...)` takes them."""
    return {real: _scan(file)[0] for real, (file, _) in _listing(library).items()}


def _scan(file: Path) -> tuple[Pattern | None, bool]:
    """Read the outline keys from the top of a front matter, or load the file in full.

    Returns the outline and whether the file was loaded in full.
    """
    found = _quick_outline(file)
    return (found, False) if found is not None else (_outline(file), True)


def _quick_outline(file: Path) -> Pattern | None:
    """Return the outline from a scan of the top-level entries, or None to load in full."""
    name = str(file)
    key = file.stem
    if not SAFE_NAME.fullmatch(key) or key.upper() in RESERVED_NAMES:
        return None
    # os rather than pathlib: this runs for every file of the library, and counts.
    try:
        info = os.lstat(name)
        if stat.S_ISLNK(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        with open(name, "rb") as handle:  # noqa: PTH123
            head = handle.read(HEAD_BYTES)
            whole = len(head) < HEAD_BYTES
            text = _front_matter(head, whole)
            if text is None and not whole:
                head += handle.read()
                text = _front_matter(head, True)
    except OSError:
        return None
    if text is None:
        return None
    meta = _scan_entries(text)
    if meta is None:
        return None
    body_line = FM_START_LINE + text.count("\n") + 1
    return Pattern(path=display_path(file), key=key, meta=meta, body="",
                   body_line=body_line, positions={})


def _front_matter(head: bytes, whole: bool) -> str | None:
    """Return the front matter's text (between the `---` lines), as the loader splits it."""
    data = head.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in data:
        return None
    first_end = data.find(b"\n")
    if first_end < 0 or data[:first_end].rstrip() != b"---":
        return None
    closing = _CLOSING.search(data, first_end)
    if closing is None or (closing.end() == len(data) and not whole):
        return None
    try:
        return data[first_end + 1 : closing.start() + 1].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _scan_entries(text: str) -> dict[str, Any] | None:
    """Parse only the SCANNED_KEYS entries of a front matter; None when unsure."""
    doc = "\n" + text
    entries = list(_TOP_ENTRY.finditer(doc))
    keys = [m.group(1) for m in entries]
    if not entries or None in keys or len(set(keys)) != len(keys):
        return None  # a quoted key, a flow mapping, a tab, a duplicate key...
    if any(line.strip() and not line.startswith("#")
           for line in doc[: entries[0].start()].split("\n")):
        return None  # it begins indented or with a list
    ends = [m.start() for m in entries[1:]] + [len(doc)]
    meta: dict[str, Any] = {}
    for match, end in zip(entries, ends, strict=True):
        key, opener = match.group(1), match.group(2)
        if key in SCANNED_KEYS:
            value = _simple_value(doc[match.end(1) + 1 : end])
            if value is _UNSURE:
                value = _yaml_value(doc[match.start() + 1 : end])
            if value is _UNSURE:
                return None
            meta[key] = value
        elif (opener in _OPENERS or (not opener and _opens(doc, match.end(), end))) \
                and _may_run_over(doc[match.end(1) + 1 : end]) \
                and not _parses(doc[match.start() + 1 : end]):
            return None
    return meta


_UNSURE: Any = object()
_FIRST = re.compile(r"\s*(\S?)")
# A line that starts a top-level entry: its key (None if it is not a plain key) and the first
# character of its value. A literal newline first lets the engine skip ahead fast.
_TOP_ENTRY = re.compile(
    r"\n(?:([A-Za-z_][A-Za-z0-9_-]*):(?=[ \t\n])[ \t]*([^\n]?)|(?=[^ #\n-]|-[^ \n]))"
)
_OPENERS = frozenset({"\"", "'", "[", "{", "#"})
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _.,()&/+-]*")
_NOT_TEXT = frozenset({"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL"})
_ITEM = re.compile(r"([ \t]*)-[ \t]+(.*?)[ \t]*")


def _plain(text: str) -> Any:
    """Return a one-line scalar written plainly or double-quoted without escapes."""
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1] \
            and "\\" not in text:
        return text[1:-1]
    if _PLAIN.fullmatch(text) and ": " not in text and text not in _NOT_TEXT \
            and not text.endswith(" "):
        return text
    return _UNSURE


def _simple_value(rest: str) -> Any:
    """Read the common shapes without YAML: a word or line of text, [a, b], a list of items."""
    lines = rest.split("\n")
    first = lines[0].strip()
    tail = lines[1:]
    while tail and (not tail[-1].strip() or tail[-1].startswith("#")):
        tail.pop()  # blank lines and comments before the next key
    if any(not line.strip() for line in tail):
        return _UNSURE
    if not tail:
        if first == "[]":
            return []
        if first.startswith("[") and first.endswith("]"):
            items = [_plain(item.strip()) for item in first[1:-1].split(",")]
            return _UNSURE if any(item is _UNSURE for item in items) else items
        return _plain(first) if first else _UNSURE
    if first:
        return _folded(first, tail)
    matches = [_ITEM.fullmatch(line) for line in tail]
    indents = {m.group(1) for m in matches if m is not None}
    if None in matches or len(indents) != 1:
        return _UNSURE
    items = [_plain(m.group(2)) for m in matches if m is not None]
    return _UNSURE if any(item is _UNSURE for item in items) else items


def _folded(indicator: str, lines: list[str]) -> Any:
    """Return a `>-` or `>` block of evenly indented lines, folded into one line."""
    if indicator not in (">-", ">"):
        return _UNSURE
    indent = len(lines[0]) - len(lines[0].lstrip(" "))
    if not indent or any(
        len(line) - len(line.lstrip(" ")) != indent or line != line.rstrip() or "\t" in line
        for line in lines
    ):
        return _UNSURE
    folded = " ".join(line[indent:] for line in lines)
    return folded if indicator == ">-" else folded + "\n"


def _yaml_value(entry: str) -> Any:
    """Load one entry with the library's YAML loader (no anchors, aliases or tags)."""
    if _NODE_PROPERTY.search(entry):
        return _UNSURE
    try:
        data = yaml.load(entry, Loader=PatternLoader)  # a safe loader
    except yaml.YAMLError:
        return _UNSURE
    return next(iter(data.values())) if isinstance(data, dict) and len(data) == 1 else _UNSURE


def _opens(text: str, start: int, end: int) -> bool:
    """Tell whether the value at `start` begins with a quote or a bracket."""
    first = _FIRST.match(text, start, end)
    return first is not None and first.group(1) in _OPENERS


def _may_run_over(rest: str) -> bool:
    """Tell whether quoted text or a flow collection may run over lines that look like keys."""
    value = rest.strip()
    if value[:1] not in _OPENERS:
        return False
    return "\n" in value or not _ONE_LINE.fullmatch(value)


def _parses(text: str) -> bool:
    try:
        yaml.compose(text, Loader=PatternLoader)
    except yaml.YAMLError:
        return False
    return True


def _changed_since(ref: str, library: Sequence[Path]) -> tuple[list[Path], set[str]]:
    """Return the library's pattern files changed since `ref`'s merge base, uncommitted
    included, and the names (slug and id) of the pattern files gone since then: deleted, or
    renamed (git's renames are taken as a deletion and an addition)."""
    top = Path(_git("rev-parse", "--show-toplevel").strip())
    base = _git("merge-base", ref, "HEAD").strip()
    names = _git("diff", "--name-only", "--no-renames", "-z", base, "--").split("\0")
    names += _git("ls-files", "--others", "--exclude-standard", "-z", cwd=top).split("\0")
    folders = [p.resolve() for p in library if p.is_dir()]
    files = {p.resolve() for p in library if not p.is_dir()}
    out = []
    gone: set[str] = set()
    for name in sorted(set(filter(None, names))):
        path = top / name
        if path.suffix != ".md":
            continue
        if path.is_file():
            real = path.resolve()
            if real in files or real.parent in folders:
                out.append(Path(display_path(real)))
        elif not path.exists() and (path.parent.resolve() in folders or path in files):
            gone.add(path.stem)
            gone.update(_former_id(base, name))
    return out, gone


def _former_id(base: str, name: str) -> set[str]:
    """The id the file `name` had at commit `base`, as a set (empty when it had none)."""
    try:
        text = _git("show", f"{base}:{name}")
    except GitError:
        return set()
    match = re.search(r"(?m)^id:[ \t]*['\"]?(pat_[0-9a-z]+)", text.split("\n---", 1)[0])
    return {match.group(1)} if match else set()


def _links_to(outline: Pattern | None, names: set[str]) -> bool:
    """Does the (scanned) pattern name one of `names` in a relationship?"""
    if outline is None:
        return False
    for kind in RELATIONSHIPS:
        targets = outline.meta.get(kind)
        if isinstance(targets, list) and any(isinstance(t, str) and t in names for t in targets):
            return True
    return False


def _git(*args: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              check=False)
    except OSError as exc:
        raise GitError(f"--since needs git: {exc.strerror}") from None
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args[:2])}: {done.stderr.strip()}")
    return done.stdout
