"""Live updates (`patternlib serve`): an edit rewrites what it changed, and only that.

Each test builds a copy of the fixture library with LiveSite, edits it, updates, and checks
the served folder against a full build of the edited library into another folder: the
pages must be the same bytes, without a full rebuild.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.site.build import build
from generator.site.live import LiveSite
from tests.test_site import _replace, _write_library, differences, snapshot

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveSite]:
    site = LiveSite(_write_library(tmp_path / "library"), jobs=1)
    site.build()
    yield site
    site.close()


def _full_build(live: LiveSite, tmp_path: Path) -> dict[str, bytes | None]:
    return snapshot(build(live.root, site_dir=tmp_path / "full" / "site").site)


def _without(files: dict[str, bytes | None], *prefixes: str) -> dict[str, bytes | None]:
    return {k: v for k, v in files.items() if not k.startswith(prefixes)}


def test_body_edit_rewrites_only_that_page(live: LiveSite, tmp_path: Path) -> None:
    before = snapshot(live.site)
    beta = live.root / "patterns" / "beta.md"
    _replace(beta, "Keep fixtures small.", "Keep fixtures small, and edited live.")
    update = live.update([beta])
    assert update is not None
    assert update.applied
    assert update.pages == ("patterns/beta/",)
    changed = differences(before, snapshot(live.site))
    assert sorted(changed) == [
        "patterns/beta/beta.md: changed", "patterns/beta/index.html: changed"
    ], changed
    assert "edited live" in (live.site / "patterns/beta/index.html").read_text(encoding="utf-8")
    # Byte for byte what a full build makes, once the background refresh has run.
    full = _full_build(live, tmp_path)
    assert not differences(_without(full, "pagefind/", "api/"),
                           _without(snapshot(live.site), "pagefind/", "api/"))
    assert live.refresh() is not None
    assert live.refresh() is None  # nothing stale any more
    assert not differences(full, snapshot(live.site))


def test_title_edit_rewrites_linked_pages_and_listings(live: LiveSite, tmp_path: Path) -> None:
    alpha = live.root / "patterns" / "alpha.md"
    _replace(alpha, "title: Alpha", "title: Alpha Renamed")
    update = live.update([alpha])
    assert update is not None
    assert update.applied
    assert update.pages[0] == "patterns/alpha/"  # the edited page is written first
    # beta and gamma link to alpha and name it; the A-Z page lists it.
    assert {"patterns/beta/", "patterns/gamma/", "browse/a-z/"} <= set(update.pages)
    live.refresh()
    full = _full_build(live, tmp_path)
    assert not differences(full, snapshot(live.site))


def test_edit_with_errors_leaves_the_site_as_it_was(live: LiveSite) -> None:
    before = snapshot(live.site)
    beta = live.root / "patterns" / "beta.md"
    _replace(beta, "related: []", "related: [no-such-pattern]")
    update = live.update([beta])
    assert update is not None
    assert not update.applied
    assert update.pages == ()
    assert [p.rule for p in update.problems if p.severity == "error"] == ["dangling-link"]
    assert not differences(before, snapshot(live.site))
    assert live.refresh() is None


def test_edit_that_breaks_the_yaml_is_reported(live: LiveSite) -> None:
    beta = live.root / "patterns" / "beta.md"
    _replace(beta, "title: Beta", "title: [Beta")
    assert live.update([beta]) is None  # an unreadable pattern: the full build reports it


@pytest.mark.parametrize("change", ["add", "remove", "new-domain"])
def test_structural_changes_need_a_full_build(live: LiveSite, change: str) -> None:
    patterns = live.root / "patterns"
    edited = patterns / "beta.md"
    if change == "add":
        shutil.copyfile(edited, patterns / "beta-copy.md")
        edited = patterns / "beta-copy.md"
    elif change == "remove":
        edited.unlink()
    else:
        _replace(edited, "domain: startup", "domain: farming")
    assert live.update([edited]) is None


def test_serve_updates_the_page_after_a_save(tmp_path: Path) -> None:
    root = _write_library(tmp_path / "library")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", "0",
         "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if match := re.search(r"at (http://\S+/) ", line):
                url = match.group(1)
                break
        else:
            pytest.fail("serve stopped:\n" + "".join(lines))
        page = url + "patterns/beta/"
        assert "served live" not in _get(page)
        _replace(root / "patterns" / "beta.md", "Keep fixtures small.", "Now served live.")
        deadline = time.monotonic() + 30
        while "served live" not in _get(page):
            assert time.monotonic() < deadline, "the page was not updated"
            time.sleep(0.1)
        line = process.stdout.readline()
        assert re.match(r"updated 1 pages in [\d.]+ s", line), line
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        text: str = response.read().decode("utf-8")
        return text


def test_stopping_ends_a_running_pagefind_and_what_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `python -m pagefind` starts the Pagefind binary as a child: a stand-in does the same
    # (a shell that starts a long sleep), and stop_all must end both.
    from generator.site import searchindex

    pid_file = tmp_path / "child.pid"
    stand_in = tmp_path / "python"
    stand_in.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pid_file}\nwait\n", encoding="utf-8")
    stand_in.chmod(0o755)
    monkeypatch.setattr(searchindex.sys, "executable", str(stand_in))
    monkeypatch.setattr(searchindex, "_STOPPED", threading.Event())  # this test's stop only
    errors: list[BaseException] = []

    def index() -> None:
        try:
            searchindex._pagefind(tmp_path, tmp_path / "out", background=True)
        except searchindex.IndexError_ as exc:
            errors.append(exc)

    thread = threading.Thread(target=index)
    thread.start()
    deadline = time.monotonic() + 10
    while not (pid_file.exists() and pid_file.read_text().strip()):
        assert time.monotonic() < deadline, "the stand-in did not start"
        time.sleep(0.05)
    child = int(pid_file.read_text())
    searchindex.stop_all()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert errors  # a stopped Pagefind is a failed index, not a silent one
    # And none starts after the stop: the refresh's next shard is refused.
    with pytest.raises(searchindex.IndexError_, match="stopped"):
        searchindex._pagefind(tmp_path, tmp_path / "out", background=True)
    deadline = time.monotonic() + 5
    while _alive(child):
        assert time.monotonic() < deadline, "the child of the stopped Pagefind still runs"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose: it runs nothing.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"


def test_alias_and_former_slug_edits_update_the_redirects(live: LiveSite, tmp_path: Path) -> None:
    alpha = live.root / "patterns" / "alpha.md"
    _replace(alpha, "aliases: []", "aliases: [First Letter]\nformer_slugs: [alfa]")
    update = live.update([alpha])
    assert update is not None
    assert update.applied
    assert {"patterns/first-letter/", "patterns/alfa/"} <= set(update.pages)
    assert (live.site / "patterns" / "alfa" / "index.html").is_file()
    _replace(alpha, "former_slugs: [alfa]", "former_slugs: []")
    update = live.update([alpha])
    assert update is not None
    assert "patterns/alfa/" in update.pages
    assert not (live.site / "patterns" / "alfa").exists()
    live.refresh()
    assert not differences(_full_build(live, tmp_path), snapshot(live.site))
