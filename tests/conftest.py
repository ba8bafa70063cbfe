"""Shared fixtures: small pattern libraries written into tmp_path, the CLI runner, and for the
browser tests the starter library's site (built once per session), its server and Chromium.

test_site.py defines a module fixture `starter` of its own (a built library), which takes
precedence there over the `starter` library below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from playwright.sync_api import Browser, Page, sync_playwright

from generator.cli import main
from generator.library.load import load_library
from generator.library.model import Library
from generator.site.build import build
from tests.browser import CHROMIUM, CHROMIUM_ARGS, new_page, serve

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


# --- the browser tests: one site build, one server and one Chromium per session ---------------


@pytest.fixture(scope="session")
def starter() -> Library:
    """Load the starter library in patterns/, as the site is built from it."""
    return load_library([ROOT / "patterns"], root=ROOT)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the starter library's site once, into a temporary folder."""
    return build(ROOT, site_dir=tmp_path_factory.mktemp("browser") / "site").site


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 and return its root URL (with a trailing slash)."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Start Debian's headless Chromium; fail (never skip) when it is not installed."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} not found: run `make test` (it installs Debian's chromium) or "
            "`apt-get install chromium`; set PATTERNLIB_NO_BROWSER=1 to leave these tests out",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """Open a fresh page for one test."""
    page = new_page(browser)
    yield page
    page.context.close()
