"""A cache of per-file check results, so re-validating an unchanged library is quick.

A file's entry is reused while its size and modification time are unchanged and the checker
itself (generator code, schema, pillars) is the same. Entries are JSON, kept outside the
library (`$XDG_CACHE_HOME/patternlib`, else `~/.cache/patternlib`), so a pull request can
neither plant one nor make the tool load code from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat as stat_mode
import tempfile
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from generator.library.model import Pattern, Position, Problem
from generator.library.score import SCHEMA_DIR

PACKAGE = Path(__file__).resolve().parent

Result = tuple[Pattern | None, list[Problem]]
RACY_NS = 2_000_000_000


@cache
def fingerprint() -> str:
    """Hash everything that decides a file's problems: the checker's code and the schema."""
    digest = hashlib.sha256()
    sources = sorted(PACKAGE.glob("*.py")) + sorted(SCHEMA_DIR.glob("*.json"))
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def default_folder() -> Path:
    """Return where caches live: $XDG_CACHE_HOME/patternlib or ~/.cache/patternlib."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "patternlib"


def _stamp(file: Path) -> list[int] | None:
    try:
        stat = file.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


class ResultCache:
    """Check results of one library's files, keyed by path, size and modification time."""

    def __init__(self, folder: Path, library: Iterable[Path]) -> None:
        self.file = _file_for(folder, "validate", library)
        self.entries: dict[str, Any] = _read(self.file).get("files", {})
        self.dirty = False

    def get(self, file: Path, display: str) -> Result | None:
        """Return the cached result for `file`, if it is still valid."""
        entry = self.entries.get(display)
        if not isinstance(entry, dict) or entry.get("stamp") != _stamp(file):
            return None
        try:
            return _decode(entry["result"])
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, file: Path, display: str, result: Result) -> None:
        """Remember `result` for `file` as it is now, unless it changed too recently.

        Modification times are only as fine as the file system's clock tick: a file written
        again within the same tick, at the same size, would look unchanged. Like git's
        "racily clean" entries, files changed in the last two seconds are not cached.
        """
        stamp = _stamp(file)
        if stamp is None or time.time_ns() - stamp[1] < RACY_NS:
            return
        self.entries[display] = {"stamp": stamp, "result": _encode(result)}
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically; a cache that cannot be written is skipped silently."""
        if self.dirty:
            _write(self.file, {"fingerprint": fingerprint(), "files": self.entries})


def _lstamp(name: str) -> list[int] | None:
    """Size and modification time of a file that is no symbolic link (None otherwise)."""
    try:
        info = os.lstat(name)
    except OSError:
        return None
    if stat_mode.S_ISLNK(info.st_mode):
        return None  # where it leads may change without the link changing
    return [info.st_size, info.st_mtime_ns]


class OutlineCache:
    """What `validate --changed-only` keeps of a library between runs, by file stat.

    For each file read only for its outline: the outline (what rules across files read),
    whether it came from a full load (a failed one is kept as None), and `extra`, data
    derived from the outline by the caller. For each changed file checked in full: its
    result, as ResultCache keeps it. Kept apart from ResultCache's file: this one is read
    on every commit, and the full results of 3,600 files take longer to read than to skip.
    """

    def __init__(self, folder: Path, library: Iterable[Path]) -> None:
        self.file = _file_for(folder, "outlines", library)
        data = _read(self.file)
        outlines, checked = data.get("outlines"), data.get("checked")
        self.outlines: dict[str, Any] = outlines if isinstance(outlines, dict) else {}
        self.checked: dict[str, Any] = checked if isinstance(checked, dict) else {}
        self.dirty = False
        self._now = time.time_ns()

    def outline(
        self, real: str, display: str, *, loaded: bool = False
    ) -> tuple[Pattern | None, Any] | None:
        """Return (outline, extra) kept for the file at absolute path `real`, if still valid.

        `loaded`: only an outline that came from loading the file in full will do.
        """
        entry = self.outlines.get(real)
        if not isinstance(entry, dict) or (loaded and not entry.get("loaded")) \
                or entry.get("stamp") != _lstamp(real):
            return None
        try:
            raw = entry["outline"]
            if raw is None:
                return None, entry.get("extra")
            key = os.path.basename(real).removesuffix(".md")  # noqa: PTH119 (per file: fast)
            pattern = Pattern(path=display, key=key, meta=raw["meta"], body="",
                              body_line=raw["body_line"], positions={})
        except (KeyError, TypeError):
            return None
        return pattern, entry.get("extra")

    def put_outline(
        self, real: str, outline: Pattern | None, *, loaded: bool, extra: Any = None
    ) -> None:
        """Remember a file's outline (None: it does not load), unless it changed just now."""
        stamp = _lstamp(real)
        if stamp is None or self._now - stamp[1] < RACY_NS:
            return
        raw = None if outline is None else {"meta": dict(outline.meta),
                                            "body_line": outline.body_line}
        self.outlines[real] = {"stamp": stamp, "loaded": loaded, "outline": raw,
                               "extra": extra}
        self.dirty = True

    def result(self, real: str, display: str) -> Result | None:
        """Return the result of checking the file in full, if it is still valid."""
        entry = self.checked.get(display)
        if not isinstance(entry, dict) or entry.get("real") != real \
                or entry.get("stamp") != _lstamp(real):
            return None
        try:
            return _decode(entry["result"])
        except (KeyError, TypeError, ValueError):
            return None

    def put_result(self, real: str, display: str, result: Result) -> None:
        """Remember the result of checking a file in full, unless it changed just now."""
        stamp = _lstamp(real)
        if stamp is None or self._now - stamp[1] < RACY_NS:
            return
        self.checked[display] = {"real": real, "stamp": stamp, "result": _encode(result)}
        self.dirty = True

    def save(self) -> None:
        """Write the cache atomically; a cache that cannot be written is skipped silently."""
        if self.dirty:
            _write(self.file, {"fingerprint": fingerprint(), "outlines": self.outlines,
                               "checked": self.checked})


def _file_for(folder: Path, kind: str, library: Iterable[Path]) -> Path:
    """The cache file of one kind for one library (its folders, wherever they are)."""
    key = "\0".join(sorted(str(p.resolve()) for p in library))
    return folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def _read(file: Path) -> dict[str, Any]:
    """A cache file's data, or {} when it is missing, unreadable or from another checker."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(data, dict) and data.get("fingerprint") == fingerprint():
        return data
    return {}


def _write(file: Path, data: dict[str, Any]) -> None:
    payload = json.dumps(data, separators=(",", ":"), default=str)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=file.parent, delete=False, suffix=".tmp"
        ) as handle:
            handle.write(payload)
        Path(handle.name).replace(file)
    except OSError:
        return


def _encode(result: Result) -> dict[str, Any]:
    pattern, problems = result
    return {
        "problems": [
            [p.path, p.line, p.col, p.rule, p.severity, p.field, p.message] for p in problems
        ],
        "pattern": None if pattern is None else {
            "path": pattern.path,
            "key": pattern.key,
            "meta": dict(pattern.meta),
            "body_line": pattern.body_line,
            "positions": [[list(path), list(pos)] for path, pos in pattern.positions.items()],
        },
    }


def _decode(data: dict[str, Any]) -> Result:
    problems = [Problem(*row) for row in data["problems"]]
    raw = data["pattern"]
    if raw is None:
        return None, problems
    pattern = Pattern(
        path=raw["path"],
        key=raw["key"],
        meta=raw["meta"],
        body="",
        body_line=raw["body_line"],
        positions={tuple(path): Position(*pos) for path, pos in raw["positions"]},
    )
    return pattern, problems
