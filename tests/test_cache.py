"""validate's result cache: reused while files are unchanged, never stale."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.library import cache, validate
from generator.library.load import load_library
from tests.conftest import Edit


def _age(folder: Path, seconds: float) -> None:
    """Date every file in `folder` back, out of the 'changed just now' window."""
    then = time.time() - seconds
    for file in folder.glob("*.md"):
        os.utime(file, (then, then))


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached file was read again")

    monkeypatch.setattr(validate, "load_pattern", fail)


def test_unchanged_files_are_not_read_again(
    library: Path, edit: Edit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit("beta.md", "status: draft", "status: drafty")
    _age(library, 60)
    first = validate.validate_files([library], cache_dir=tmp_path / "c")
    assert len(first[1]) == 1
    _no_reading(monkeypatch)
    assert validate.validate_files([library], cache_dir=tmp_path / "c") == first
    # The cached outlines still carry what links need: the same problems as a fresh check.
    assert first[1] == validate.validate(load_library([library]))


def test_a_changed_file_is_checked_again(library: Path, edit: Edit, tmp_path: Path) -> None:
    _age(library, 60)
    assert validate.validate_files([library], cache_dir=tmp_path / "c")[1] == ()
    edit("beta.md", "status: draft", "status: drafx")  # same size: the time tells
    _age(library, 30)
    (problem,) = validate.validate_files([library], cache_dir=tmp_path / "c")[1]
    assert problem.field == "classification.status"


def test_files_changed_just_now_are_not_cached(library: Path, tmp_path: Path) -> None:
    validate.validate_files([library], cache_dir=tmp_path / "c")
    store = cache.ResultCache(tmp_path / "c", [library])
    assert store.entries == {}


def test_a_new_checker_ignores_old_results(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _age(library, 60)
    validate.validate_files([library], cache_dir=tmp_path / "c")
    assert cache.ResultCache(tmp_path / "c", [library]).entries
    monkeypatch.setattr(cache, "fingerprint", lambda: "another version")
    assert cache.ResultCache(tmp_path / "c", [library]).entries == {}


def test_a_broken_cache_file_is_ignored(library: Path, tmp_path: Path) -> None:
    _age(library, 60)
    validate.validate_files([library], cache_dir=tmp_path / "c")
    for file in (tmp_path / "c").glob("*.json"):
        file.write_text("{not json", encoding="utf-8")
    assert validate.validate_files([library], cache_dir=tmp_path / "c")[1] == ()
