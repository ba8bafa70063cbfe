"""The search index's shards: one Pagefind at a time beside MkDocs, two once it is done.

Pagefind itself is replaced by a stand-in that records how many run at once (the real one is
exercised by the site and browser tests, sharded in tests/test_browser.py).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from generator.site import searchindex


class _Stand:
    """A stand-in for one Pagefind run: takes a while, writes a bundle, counts company."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.seen: list[tuple[bool, int]] = []  # (widened, how many ran at once)
        self.done = 0
        self.widened = False

    def __call__(self, site: Path, output: Path, *, background: bool,
                 stop: threading.Event | None = None) -> None:
        if stop is not None and stop.is_set():
            raise searchindex.IndexError_("stopped")
        with self.lock:
            self.running += 1
            self.seen.append((self.widened, self.running))
        time.sleep(0.15)
        output.mkdir(parents=True)
        (output / "pagefind-entry.json").write_text("{}", encoding="utf-8")
        with self.lock:
            self.running -= 1
            self.done += 1


@pytest.fixture
def stand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> _Stand:
    fake = _Stand()
    monkeypatch.setattr(searchindex, "_pagefind", fake)
    monkeypatch.setattr(searchindex, "normalize", lambda bundle: None)
    monkeypatch.setattr(searchindex, "SHARD_BYTES", 1)  # a shard per page
    for n in range(6):
        searchindex.write_input(tmp_path / "pages", f"patterns/p{n}.md", "en",
                                f"---\ntitle: P{n}\n---\n<p>text {n}</p>")
    return fake


def _wait(condition: Any) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_one_shard_at_a_time_until_widened_then_two(tmp_path: Path, stand: _Stand) -> None:
    indexing = searchindex.Indexing(tmp_path / "pages", tmp_path / "work")
    _wait(lambda: stand.done >= 2)
    with stand.lock:
        stand.widened = True
    indexing.widen()
    (tmp_path / "site").mkdir()
    indexing.install(tmp_path / "site")

    assert stand.done == 6
    assert max(n for widened, n in stand.seen if not widened) == 1
    assert max(n for widened, n in stand.seen if widened) == searchindex.AT_ONCE == 2
    bundles = sorted(p.name for p in (tmp_path / "site").iterdir())
    assert bundles == ["pagefind", *[f"pagefind-{n}" for n in range(2, 7)]]


def test_cancel_ends_without_starting_the_other_shards(tmp_path: Path, stand: _Stand) -> None:
    indexing = searchindex.Indexing(tmp_path / "pages", tmp_path / "work")
    _wait(lambda: stand.running == 1)
    started = time.monotonic()
    indexing.cancel()  # returns: the waiting shards find the stop set
    assert time.monotonic() - started < 5
    assert stand.done <= 2
