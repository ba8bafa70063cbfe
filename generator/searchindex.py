"""The search index: Pagefind over the built site, made reproducible.

Pagefind keeps filters in hash maps, so the order of filters and of their values (and with it
the bytes and content-hash names of the filter files, the metadata file and the entry file)
changes from run to run (Pagefind issue 638). We rewrite those three kinds of file with
their lists sorted, gzip them without a timestamp and name them by a hash of their content,
so two builds of the same input give the same bytes. The search results are unchanged.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"


class IndexError_(Exception):
    """Pagefind failed or wrote something we do not understand."""


def index(site: Path, *, background: bool = False) -> None:
    """Index `site` with Pagefind into site/pagefind/, reproducibly.

    `background` runs Pagefind at a lower priority, so that it yields the processors to
    work someone is waiting for (`patternlib serve` updating a page).
    """
    nice = shutil.which("nice") if background else None
    fresh = f".pagefind-{os.getpid()}"
    shutil.rmtree(site / fresh, ignore_errors=True)
    done = subprocess.run(
        # Heading permalinks (¶) would show up in every result's excerpt.
        [*([nice, "-n", "10"] if nice else []), sys.executable, "-m", "pagefind",
         "--site", str(site), "--output-subdir", fresh, "--silent",
         "--exclude-selectors", ".headerlink"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        if done.returncode != 0:
            raise IndexError_(done.stderr or done.stdout)
        normalize(site / fresh)
        # Into place whole: an index written over an older one would keep its stale files.
        old = site / f".pagefind-old-{os.getpid()}"
        if (site / "pagefind").exists():
            (site / "pagefind").rename(old)
        (site / fresh).rename(site / "pagefind")
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(site / fresh, ignore_errors=True)


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
