"""The "what changed" page (`/changes/`, `build --compare-with`): the patterns added, changed,
renamed and removed since a previous build, read from that build's `api/patterns.json`.

Patterns are matched by id (an id never changes), so a new slug with the same id is a rename.
Both sides are compared as JSON records, the shape `render.pattern_records` writes, so what
this build publishes is exactly what the next build will compare with.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlsplit

import click

from generator.library.model import RELATIONSHIPS
from generator.site.render import PAGE_SIZE, Output, _env, page_url, relative

DATA_PATH = "api/patterns.json"
PAGE_PATH = "changes.md"  # the site URL changes/
FETCH_TIMEOUT = 20.0  # seconds
# A previous build's data larger than this is not one of ours (the 3,614 patterns of Commons
# OS take some 30 MB).
MAX_BYTES = 512 * 1024 * 1024
# Changed fields in the order a reader cares about; the rest follow alphabetically.
FIELD_ORDER = ("title", "summary", "alignment", "scores", "rationales", "relationships", "body")
# Front-matter keys compared on their own terms: identity, the summary as the site shows it,
# the relationships as one field, the classification key by key.
_SEPARATE = frozenset({"id", "slug", "summary", "classification", *RELATIONSHIPS})
_MISSING = object()
SECTIONS: tuple[tuple[str, str], ...] = (
    ("added", "Added"),
    ("changed", "Changed"),
    ("renamed", "Renamed"),
    ("removed", "Removed"),
)


class CompareError(click.ClickException):
    """The previous build's data could not be read; nothing was built."""


Record = Mapping[str, Any]


def load_previous(source: str, *, timeout: float = FETCH_TIMEOUT) -> tuple[Record, ...]:
    """Read a previous build's pattern records from `source`.

    `source` is an http(s) URL of the published site (its `api/patterns.json` is fetched) or
    of that file, a site folder, or the file itself. Raises CompareError with one line.
    """
    if urlsplit(source).scheme in ("http", "https"):
        url = source if source.endswith(".json") else source.rstrip("/") + "/" + DATA_PATH
        where, raw = url, _fetch(url, timeout)
    else:
        path = Path(source)
        path = path / DATA_PATH if path.is_dir() else path
        where = str(path)
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CompareError(f"--compare-with {where}: cannot read it ({exc.strerror or exc})"
                               ) from exc
    if len(raw) > MAX_BYTES:
        raise CompareError(f"--compare-with {where}: larger than {MAX_BYTES:,} bytes; "
                           "not a patternlib api/patterns.json")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CompareError(f"--compare-with {where}: not UTF-8 text ({exc.reason} at byte "
                           f"{exc.start}); not a patternlib api/patterns.json") from exc
    except json.JSONDecodeError as exc:
        raise CompareError(f"--compare-with {where}:{exc.lineno}:{exc.colno}: not JSON "
                           f"({exc.msg}); not a patternlib api/patterns.json") from exc
    problem = _shape_problem(data)
    if problem:
        raise CompareError(f"--compare-with {where}: not a patternlib api/patterns.json "
                           f"({problem})")
    return tuple(data)


def _fetch(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "patternlib"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return bytes(response.read(MAX_BYTES + 1))
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the connection's socket
        raise CompareError(f"--compare-with {url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise CompareError(f"--compare-with {url}: cannot fetch it ({exc.reason})") from exc
    except (TimeoutError, OSError) as exc:
        raise CompareError(f"--compare-with {url}: cannot fetch it ({exc})") from exc


def _shape_problem(data: object) -> str:
    """Say why `data` is not a list of pattern records, or return ""."""
    if not isinstance(data, list):
        return f"a JSON {type(data).__name__}, not a list of patterns"
    for n, item in enumerate(data):
        if not isinstance(item, dict):
            return f"item {n} is not an object"
        if not isinstance(item.get("slug"), str) or not isinstance(item.get("front_matter"),
                                                                   dict):
            return f"item {n} has no slug and front_matter"
    return ""


@dataclass(frozen=True)
class Change:
    """One pattern added, changed, renamed or removed."""

    slug: str  # the current slug; the former one for a removed pattern
    title: str  # the current title; the former one for a removed pattern
    old_slug: str = ""  # renamed: the slug it had
    old_title: str = ""  # title changed: the title it had
    fields: tuple[str, ...] = ()  # changed: what changed ("title", "classification.status")
    alignment: tuple[int | None, int | None] | None = None  # (before, after) when it moved
    levels: tuple[str, str] = ("", "")  # the names of those levels


@dataclass(frozen=True)
class Changes:
    """What differs between a previous build's patterns and this build's."""

    before: int  # patterns in the previous build
    after: int
    added: tuple[Change, ...]
    changed: tuple[Change, ...]
    renamed: tuple[Change, ...]
    removed: tuple[Change, ...]

    @property
    def total(self) -> int:
        """The number of patterns listed."""
        return len(self.added) + len(self.changed) + len(self.renamed) + len(self.removed)

    def summary(self) -> str:
        """Say in one phrase what changed: "1 added, 2 changed, 0 renamed, 1 removed"."""
        return ", ".join(f"{len(getattr(self, key)):,} {key}" for key, _ in SECTIONS)


def compare(previous: Sequence[Record], current: Sequence[Record]) -> Changes:
    """Compare two builds' pattern records: by id, else (no id) by slug."""
    old, new = _by_identity(previous), _by_identity(current)
    added: list[Change] = []
    changed: list[Change] = []
    renamed: list[Change] = []
    removed: list[Change] = []
    for key, record in new.items():
        before = old.get(key)
        if before is None:
            added.append(Change(record["slug"], _title(record)))
            continue
        moved = before["slug"] != record["slug"]
        fields = _changed_fields(before, record, renamed=moved)
        if not moved and not fields:
            continue
        alignment = (_alignment(before), _alignment(record))
        change = Change(
            record["slug"], _title(record),
            old_slug=before["slug"] if moved else "",
            old_title=_title(before) if "title" in fields else "",
            fields=fields,
            alignment=alignment if "alignment" in fields else None,
            levels=(_level(before), _level(record)),
        )
        (renamed if moved else changed).append(change)
    for key, record in old.items():
        if key not in new:
            removed.append(Change(record["slug"], _title(record)))
    return Changes(
        before=len(previous), after=len(current),
        added=_sorted(added), changed=_sorted(changed), renamed=_sorted(renamed),
        removed=_sorted(removed),
    )


def _by_identity(records: Sequence[Record]) -> dict[str, Record]:
    """Index records by id; a record without an id, or with one another record took (a
    --keep-going build can publish both), by its slug."""
    out: dict[str, Record] = {}
    for record in records:
        identity = record["front_matter"].get("id")
        key = f"id:{identity}" if isinstance(identity, str) else ""
        if not key or key in out:
            key = f"slug:{record['slug']}"
        out.setdefault(key, record)
    return out


def _sorted(changes: list[Change]) -> tuple[Change, ...]:
    return tuple(sorted(changes, key=lambda c: (c.title.lower(), c.title, c.slug)))


def _title(record: Record) -> str:
    title = record["front_matter"].get("title")
    return title if isinstance(title, str) and title.strip() else str(record["slug"])


def _assessment(record: Record) -> Mapping[str, Any]:
    value = record.get("assessment")
    return value if isinstance(value, dict) else {}


def _alignment(record: Record) -> int | None:
    value = _assessment(record).get("alignment")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _level(record: Record) -> str:
    value = _assessment(record).get("level")
    return value if isinstance(value, str) else ""


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _changed_fields(old: Record, new: Record, *, renamed: bool) -> tuple[str, ...]:
    """Name what differs between two records of one pattern, in FIELD_ORDER, then by name."""
    found: set[str] = set()
    before, after = old["front_matter"], new["front_matter"]
    for key in before.keys() | after.keys():
        if key not in _SEPARATE and before.get(key, _MISSING) != after.get(key, _MISSING):
            found.add(str(key))
    if renamed:
        found.discard("former_slugs")  # part of the rename, listed as one
    was, now = before.get("classification"), after.get("classification")
    if isinstance(was, dict) and isinstance(now, dict):
        found.update(f"classification.{key}" for key in was.keys() | now.keys()
                     if was.get(key, _MISSING) != now.get(key, _MISSING))
    elif was != now:
        found.add("classification")
    if any(before.get(kind) != after.get(kind) for kind in RELATIONSHIPS):
        found.add("relationships")
    if old.get("summary") != new.get("summary"):
        found.add("summary")
    # A build from before bodies were hashed has no hash: its bodies cannot be compared.
    hashes = old.get("body_sha256"), new.get("body_sha256")
    if all(hashes) and hashes[0] != hashes[1]:
        found.add("body")
    a, b = _assessment(old), _assessment(new)
    for key in ("scores", "rationales", "alignment"):
        if a.get(key) != b.get(key):
            found.add(key)
    first = [f for f in FIELD_ORDER if f in found]
    return (*first, *sorted(found - set(first)))


# --- the pages --------------------------------------------------------------------------------


class Entry(TypedDict):
    """One pattern in a section of the page."""

    href: str  # "" for a removed pattern: it has no page
    title: str
    slug: str
    old_slug: str
    old_title: str
    summary: str  # an added pattern's
    fields: list[str]  # what changed, the alignment level aside
    moved: bool  # the alignment level changed: from `before` to `after`
    before: str  # "3 · Balanced", "not yet assessed"
    after: str
    alignment: int | None  # its current level, for the badge
    level: str
    level_href: str


class Section(TypedDict):
    """A section of the page: its patterns, or (in the index of a long list) a link to its
    own pages."""

    key: str
    label: str
    count: int
    href: str  # its own pages, when they are not on this one
    entries: list[Entry]


def changes_pages(changes: Changes, current: Sequence[Record]) -> list[Output]:
    """Render `/changes/`: counts, then each section; past PAGE_SIZE patterns in all, each
    section goes on pages of its own (`/changes/<section>/`, `.../page-2/`)."""
    by_slug = {record["slug"]: record for record in current}
    lists = {key: list(getattr(changes, key)) for key, _ in SECTIONS}
    intro = (f"Since the previous build ({changes.before:,} patterns; "
             f"{changes.after:,} now): {changes.summary()}.")
    if changes.total <= PAGE_SIZE:
        sections = [
            _section(PAGE_PATH, key, label, lists[key], by_slug) for key, label in SECTIONS
            if lists[key]
        ]
        return [_page(PAGE_PATH, "What changed", "What changed", intro, sections)]
    outputs = []
    index = []
    for key, label in SECTIONS:
        items = lists[key]
        stem = f"changes/{key}"
        index.append(Section(key=key, label=label, count=len(items), entries=[],
                             href=relative(PAGE_PATH, page_url(f"{stem}.md")) if items else ""))
        chunks = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)]
        paths = [f"{stem}.md" if n == 0 else f"{stem}/page-{n + 1}.md"
                 for n in range(len(chunks))]
        for n, (chunk, path) in enumerate(zip(chunks, paths, strict=True)):
            pager = [] if len(chunks) == 1 else [
                {"label": str(m + 1), "href": relative(path, page_url(other)), "current": m == n}
                for m, other in enumerate(paths)
            ]
            first, last = n * PAGE_SIZE + 1, n * PAGE_SIZE + len(chunk)
            outputs.append(_page(
                path,
                f"What changed: {label.lower()}" + (f" (page {n + 1})" if n else ""),
                f"What changed: {label.lower()} ({len(items):,})",
                f"Patterns {first:,}-{last:,} of {len(items):,}." if len(chunks) > 1 else "",
                [_section(path, key, "", chunk, by_slug)],
                pager=pager, up=relative(path, "changes/"),
            ))
    return [_page(PAGE_PATH, "What changed", "What changed", intro, index, index=True),
            *outputs]


def _page(
    path: str, title: str, heading: str, intro: str, sections: list[Section], *,
    pager: Sequence[Mapping[str, Any]] = (), up: str = "", index: bool = False,
) -> Output:
    n = next((i for i, p in enumerate(pager) if p["current"]), 0)
    return Output(path, _env().get_template("changes.md.j2").render(
        title=title, heading=heading, intro=intro, sections=sections, up=up, pager=pager,
        index=index,
        previous=pager[n - 1]["href"] if pager and n > 0 else "",
        next=pager[n + 1]["href"] if pager and n + 1 < len(pager) else "",
    ))


def _section(
    path: str, key: str, label: str, items: Sequence[Change], by_slug: Mapping[str, Record]
) -> Section:
    return Section(key=key, label=label, count=len(items), href="",
                   entries=[_entry(path, key, c, by_slug) for c in items])


def _entry(path: str, key: str, change: Change, by_slug: Mapping[str, Record]) -> Entry:
    record = by_slug.get(change.slug) if key != "removed" else None
    alignment = _alignment(record) if record is not None else None
    before, after = change.alignment or (None, None)
    return Entry(
        href=relative(path, f"patterns/{change.slug}/") if record is not None else "",
        title=change.title, slug=change.slug, old_slug=change.old_slug,
        old_title=change.old_title,
        summary=str(record.get("summary") or "") if record is not None and key == "added"
        else "",
        fields=[f for f in change.fields if f != "alignment"],
        moved=change.alignment is not None,
        before=_level_text(before, change.levels[0]),
        after=_level_text(after, change.levels[1]),
        alignment=alignment,
        level=_level(record) if record is not None else "",
        level_href=relative(path, f"browse/alignment/{alignment or 'none'}/"),
    )


def _level_text(value: int | None, name: str) -> str:
    return f"{value} · {name}" if value is not None else "not yet assessed"
