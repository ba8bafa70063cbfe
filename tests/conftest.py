"""Shared fixtures: small pattern libraries written into tmp_path, and the CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
VALID_LIBRARY = FIXTURES / "valid" / "library"
SEED_ENTRY = ROOT.parent / "shared" / "seeds" / "004_c6a5fe7611256d4c.txt"


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep validate's result cache out of the user's home during tests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """Return a copy of the valid fixture library (alpha, beta, gamma) to edit freely."""
    folder = tmp_path / "patterns"
    folder.mkdir()
    for source in sorted(VALID_LIBRARY.glob("*.md")):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


Edit = Callable[[str, str, str], None]


@pytest.fixture
def edit(library: Path) -> Edit:
    """Replace text in one file of the `library` copy; fail if the text is not there."""

    def apply(name: str, old: str, new: str) -> None:
        path = library / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `patternlib` in a folder and return its result."""

    def run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run
