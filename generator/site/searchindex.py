"""The search index: Pagefind over the built site, made reproducible.

Pagefind keeps filters in hash maps, so the order of filters and of their values (and with it
the bytes and content-hash names of the filter files, the metadata file and the entry file)
changes from run to run (Pagefind issue 638). We rewrite those three kinds of file with
their lists sorted, gzip them without a timestamp and name them by a hash of their content,
so two builds of the same input give the same bytes. The search results are unchanged.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import cbor2

from generator.site.render import page_content, page_url

SIGNATURE = b"pagefind_dcd"


class IndexError_(Exception):
    """Pagefind failed or wrote something we do not understand."""


# Pagefind holds everything it indexes in memory (2.6 GB for the pattern pages of Commons OS),
# so a large site is indexed in shards of at most this many bytes of page input (a 17 MB
# shard of the corpus takes about 0.5 GB), each into a bundle of its own; the search page
# merges them (Pagefind's mergeIndex). The shards are of even size (5 of 17 MB for the
# corpus's 83 MB), and AT_ONCE are indexed at a time once MkDocs is done (see Indexing):
# Pagefind alone over the corpus's input took 29-31 s with 2 shards one after the other,
# 23.6 s with 5 two at a time.
SHARD_BYTES = 17 * 1024 * 1024
AT_ONCE = 2
BUNDLES_FILE = "bundles.json"  # in pagefind/: the other bundles, relative to it


# The parts of a pattern page Pagefind is told to ignore that hold no filter or metadata:
# the scorecard, the neighbourhood picture and the provenance (a fifth of the pages' HTML).
# Pagefind would parse them only to leave them out.
_IGNORED = re.compile(
    r'<(section|figure) class="pl-(?:scorecard|nb|provenance)"[^>]*\bdata-pagefind-ignore>'
    r".*?</\1>", re.S)


def write_input(folder: Path, docs_path: str, language: str, docs_text: str) -> None:
    """Write what Pagefind is given of the pattern page of a docs file (`patterns/x.md`),
    at the path its page has in the site: the page's HTML inside data-pagefind-body, as in
    Material's page, without the header, navigation and scripts around it, nor the parts
    Pagefind ignores that hold no filter."""
    target = folder / page_url(docs_path) / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    content = _IGNORED.sub("", page_content(docs_text))
    target.write_bytes(
        f'<html lang="{language}"><head><meta charset="utf-8"></head><body>'
        f"<div data-pagefind-body>{content}</div></body></html>\n".encode()
    )


def index_inputs(source: Path, work: Path, site: Path, *, background: bool = False) -> None:
    """Index a tree of page inputs (`write_input`) into `site`, using `work` (a scratch
    folder on the same file system) on the way.

    Past SHARD_BYTES of inputs, the rest go to site/pagefind-2/, -3/..., listed in
    pagefind/bundles.json. `background` runs Pagefind at a lower priority, so that it yields
    the processors to work someone is waiting for (`patternlib serve` updating a page).
    """
    _install(work, _index_tree(source, work, background=background, shard_bytes=None), site)


class Indexing:
    """Pagefind over a tree of page inputs (`write_input`) in a thread of its own, started as
    soon as the inputs are written: the build's MkDocs runs meanwhile. Pagefind is mostly one
    thread (its writing, gzip at level 9, is all one), MkDocs' workers leave gaps; beside each
    other they take less time than one after the other. One shard is indexed at a time until
    `widen` (MkDocs is done), then AT_ONCE. Corpus builds on 2 cores, alternated: 56.8 and
    60.2 s so, 65.4 and 68.5 s with 3 shards one at a time, 68.0 and 70.2 s with two
    Pagefinds beside MkDocs' workers from the start."""

    def __init__(self, source: Path, work: Path) -> None:
        self._source = source
        self._work = work
        self._names: list[str] = []
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._turns = threading.Semaphore(1)
        self._widening = threading.Lock()
        self._wide = False
        self._thread = threading.Thread(target=self._run, name="pagefind", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._names = _index_tree(self._source, self._work, background=False,
                                      shard_bytes=None, stop=self._stop, turns=self._turns)
        except BaseException as exc:  # handed to the thread that installs
            self._error = exc

    def widen(self) -> None:
        """Index AT_ONCE shards at a time from now on (the rest of the build is done)."""
        with self._widening:
            if not self._wide:
                self._wide = True
                if AT_ONCE > 1:
                    self._turns.release(AT_ONCE - 1)

    def install(self, site: Path) -> None:
        """Wait for Pagefind, then put its bundles into `site` (as `index_inputs` does)."""
        self.widen()
        self._thread.join()
        if self._error is not None:
            raise self._error
        _install(self._work, self._names, site)

    def cancel(self) -> None:
        """End the running Pagefind, start no other shard, and wait for the thread."""
        self._stop.set()
        self._thread.join()


def _index_tree(source: Path, work: Path, *, background: bool, shard_bytes: int | None,
                stop: threading.Event | None = None,
                turns: threading.Semaphore | None = None) -> list[str]:
    """Index the pages under `source` into bundles in `work`; return the bundles' names.

    Up to AT_ONCE shards are indexed at a time, each when it gets one of `turns` (AT_ONCE
    without it): Pagefind keeps about one processor and a third busy, so one run alone leaves
    part of a 2-core machine idle."""
    shards = _shards(sorted(source.rglob("*.html")), shard_bytes or SHARD_BYTES)
    names = ["pagefind"] + [f"pagefind-{n}" for n in range(2, len(shards) + 1)]
    stop = stop or threading.Event()
    turns = turns or threading.Semaphore(AT_ONCE)

    def index(n: int) -> None:
        shard = work / f"pages-{n}"
        for page in shards[n]:
            _link(page, shard / page.relative_to(source))
        with turns:
            try:
                _pagefind(shard, work / names[n], background=background, stop=stop)
            except BaseException:
                stop.set()  # start no other shard; the one beside it ends at its next look
                raise
        shutil.rmtree(shard)
        normalize(work / names[n])

    with concurrent.futures.ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        for done in [pool.submit(index, n) for n in range(len(shards))]:
            done.result()
    (work / "pagefind" / BUNDLES_FILE).write_text(
        json.dumps([f"../{name}/" for name in names[1:]]) + "\n", encoding="utf-8"
    )
    return names


def _install(work: Path, names: list[str], site: Path) -> None:
    # Into place whole: an index written over an older one would keep its stale files.
    old_dir = work / "old"
    old_dir.mkdir(exist_ok=True)
    for old in [*site.glob("pagefind-*"), site / "pagefind"]:
        if old.is_dir():
            old.rename(old_dir / old.name)
    for name in names:
        (work / name).rename(site / name)


def _shards(pages: list[Path], limit: int) -> list[list[Path]]:
    """Split pages, in order, into as few runs of even size as keep each run within `limit`
    bytes, one page being more than that alone (at least one page each)."""
    sizes = [page.stat().st_size for page in pages]
    count = min(len(pages), max(1, -(-sum(sizes) // limit)))
    if count == len(pages):
        return [[page] for page in pages] or [[]]
    target = sum(sizes) / count
    shards: list[list[Path]] = [[]]
    size = 0
    for page, bytes_ in zip(pages, sizes, strict=True):
        # Close a run once it reaches its share, or past the limit; the last run takes the rest.
        if shards[-1] and len(shards) < count and (size + bytes_ / 2 > target
                                                  or size + bytes_ > limit):
            shards.append([])
            size = 0
        shards[-1].append(page)
        size += bytes_
    return shards


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links: copy
        shutil.copyfile(source, target)


_RUNNING: set[subprocess.Popen[str]] = set()
_RUNNING_LOCK = threading.Lock()  # guards _RUNNING and _STOPPED
_STOPPED = threading.Event()  # set by stop_all: no Pagefind starts after it


def _pagefind(site: Path, output: Path, *, background: bool,
              stop: threading.Event | None = None) -> None:
    nice = shutil.which("nice") if background else None
    with _RUNNING_LOCK:  # started and recorded at once: stop_all sees it or it never starts
        if _STOPPED.is_set() or (stop is not None and stop.is_set()):
            raise IndexError_("stopped: the program is ending")
        # A session of its own: `stop_all` ends the wrapper and the binary it starts together.
        process = subprocess.Popen(
            # Heading permalinks (¶) would show up in every result's excerpt.
            [*([nice, "-n", "10"] if nice else []), sys.executable, "-m", "pagefind",
             "--site", str(site), "--output-path", str(output), "--silent",
             "--exclude-selectors", ".headerlink"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        _RUNNING.add(process)
    try:
        while True:
            try:  # with `stop`, look at it twice a second (a build failing beside us)
                out, err = process.communicate(timeout=None if stop is None else 0.5)
                break
            except subprocess.TimeoutExpired:
                if stop is not None and stop.is_set():
                    raise IndexError_("stopped: the build is ending") from None
    except BaseException:  # Ctrl+C: its own session does not get the terminal's signal
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        raise
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(process)
    if process.returncode != 0:
        raise IndexError_(err or out or f"Pagefind stopped ({process.returncode})")


def stop_all() -> None:
    """End every Pagefind still running and start no other (`patternlib serve` stopping
    mid-refresh: the refresh's next shard would otherwise start after this)."""
    with _RUNNING_LOCK:
        _STOPPED.set()
        running = list(_RUNNING)
    for process in running:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise IndexError_(f"{path}: not a Pagefind data file")
    return cbor2.loads(raw[len(SIGNATURE):])


def _write(old: Path, old_hash: str, data: Any) -> str:
    """Replace Pagefind file `old` (named after `old_hash`) by `data`, named by its content.

    Pagefind's hashes are a language code, "_", and some hex digits; the new name keeps that
    shape. Returns the new hash.
    """
    language, digits = old_hash.split("_", 1)
    payload = SIGNATURE + cbor2.dumps(data)
    new_hash = f"{language}_{hashlib.sha256(payload).hexdigest()[: len(digits)]}"
    old.unlink()
    old.with_name(old.name.replace(old_hash, new_hash)).write_bytes(
        gzip.compress(payload, mtime=0)
    )
    return new_hash


def normalize(bundle: Path) -> None:
    """Sort Pagefind's filter and metadata files and rename them by their content."""
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_file = bundle / f"pagefind.{language['hash']}.pf_meta"
        # [version, pages, index chunks, filters [[name, hash]], sorts, metadata fields]
        meta = _read(meta_file)
        renamed = []
        for name, old_hash in meta[3]:
            path = bundle / "filter" / f"{old_hash}.pf_filter"
            filter_name, values = _read(path)
            sorted_filter = [filter_name, sorted(values, key=lambda v: v[0])]
            renamed.append([name, _write(path, old_hash, sorted_filter)])
        meta[3] = sorted(renamed)
        meta[4] = sorted(meta[4])
        meta[5] = sorted(meta[5])
        language["hash"] = _write(meta_file, language["hash"], meta)
    entry_file.write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
