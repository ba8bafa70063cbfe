"""Build: check the whole library, then render it and let MkDocs and Pagefind make the site."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import yaml

from generator.library.link import link
from generator.library.model import Assessment, Graph, Library, Problem
from generator.library.parallel import MIN_PARALLEL, parallel_map
from generator.library.score import score
from generator.library.validate import Checked, check_library
from generator.site import redirects, searchindex, sitebuild
from generator.site.changes import PAGE_PATH as CHANGES_PAGE
from generator.site.changes import load_previous
from generator.site.render import (
    FacetSlugs,
    Output,
    SiteConfig,
    facet_slugs,
    pattern_page,
    site_pages,
)
from generator.site.sitebuild import MkDocsConfig, MkDocsException, load_config, yaml_load

ASSETS = Path(__file__).resolve().parent / "assets"
THEME = Path(__file__).resolve().parent / "theme"
# The colour schemes a theme without a palette gets: the reader's system preference first,
# then a toggle between light and dark (Material's palette toggle).
PALETTE: list[dict[str, Any]] = [
    {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "teal",
     "accent": "deep orange",
     "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"}},
    {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "teal",
     "accent": "deep orange",
     "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"}},
]
# What a library's mkdocs.yml gets unless it says otherwise.
DEFAULTS: dict[str, Any] = {
    # Pagefind is the search: Material's built-in index is 73 MB for 3,616 patterns.
    "plugins": [],
    # Pattern pages are reached through the browse pages: listing them all in the navigation
    # would embed 3,616 links in every page.
    "nav": [
        {"Home": "index.md"},
        {"Explore": "explore.md"},
        {"Graph": "graph.md"},
        {"Insights": "insights.md"},
        {"Browse": [
            {"A to Z": "browse/a-z/index.md"},
            {"Alignment levels": "browse/alignment/index.md"},
            {"Domains": "browse/domain/index.md"},
            {"Categories": "browse/category/index.md"},
            {"Eras": "browse/era/index.md"},
            {"Status": "browse/status/index.md"},
            {"Universality": "browse/universality/index.md"},
            {"Commons domains": "browse/commons-domain/index.md"},
        ]},
        {"Calculator": "calculator.md"},
        {"Search": "search.md"},
    ],
    "validation": {"omitted_files": "ignore", "anchors": "warn"},
    "markdown_extensions": ["tables", "attr_list", {"toc": {"permalink": True}}],
}


class BuildError(click.ClickException):
    """The build stopped; the previous site is untouched."""


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    site: Path
    patterns: int
    problems: tuple[Problem, ...]
    files: int
    # Seconds per phase: check, render, mkdocs, search.
    timings: dict[str, float] = field(default_factory=dict)
    checked: Checked | None = None
    pages: Pages | None = None


def build(
    root: Path,
    *,
    site_dir: Path | None = None,
    keep_going: bool = False,
    jobs: int = 1,
    docs_dir: Path | None = None,
    site_url: str | None = None,
    compare_with: str | None = None,
) -> BuildResult:
    """Build the site of the library at `root` (patterns/, mkdocs.yml) into site/, atomically.

    Phase one checks every pattern; with errors the build stops (unless `keep_going`). Phase
    two renders pages and data into a temporary docs folder, runs MkDocs into a temporary
    sibling of the site folder while Pagefind indexes the pattern pages' text beside it, adds
    the search index, and only then swaps it in.
    With `docs_dir`, the docs folder is written there and kept (for `patternlib serve`).
    `site_url` (where the site will be published) overrides mkdocs.yml's. With
    `compare_with` (a previous site, its api/patterns.json, or its URL), a "what changed"
    page lists the patterns added, changed, renamed and removed since.
    """
    root = root.resolve()
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise BuildError(f"{config_file}: not found; a library needs an mkdocs.yml")
    site = (site_dir or root / "site").resolve()
    # Read first: it may be the site this build replaces, and an error stops the build early.
    previous = load_previous(compare_with) if compare_with is not None else None
    clock = _Clock()
    checked = check_library([root / "patterns"], root=root, jobs=jobs)
    library, problems = checked.library, checked.problems
    clock.lap("check")
    errors = [p for p in problems if p.severity == "error"]
    if errors and not keep_going:
        from generator.library.report import render as report

        raise BuildError(
            "the library has errors; nothing was built\n" + report(problems, library.files, "text")
        )
    assessments = score(library)
    graph = link(library)

    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site.name}-", dir=site.parent))
    indexing: searchindex.Indexing | None = None
    try:
        with _docs_folder(docs_dir) as docs:
            config = mkdocs_config(config_file, docs, staging, strict=not keep_going,
                                   site_url=site_url, changes=previous is not None)
            site_config = SiteConfig(
                site_name=config.site_name,
                repo_url=config.repo_url or None,
                edit_uri=config.edit_uri or None,
                site_url=config.site_url or None,
            )
            # A --keep-going build lists the problems it went on despite (on /insights/).
            pages = Pages(library, assessments, graph, site_config,
                          problems=problems if keep_going else (), previous=previous)
            search_work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=staging))
            search_pages = search_work / "pages"

            def index() -> None:
                nonlocal indexing
                indexing = searchindex.Indexing(search_pages, search_work)

            # Pagefind starts as soon as the pattern pages are written and indexes beside the
            # rest of the render and MkDocs (their phases' times include it); the "search"
            # phase is what is left of it after MkDocs.
            _write_docs(docs, pages, jobs=jobs, search=(search_pages, site_language(config)),
                        then=index)
            clock.lap("render")
            with source_date(library):
                _mkdocs(config, jobs)
            assert indexing is not None  # started by _write_docs
            indexing.widen()
            clock.lap("mkdocs")
        _copy_sources(library, root, staging)
        write_redirects(library, staging, config.site_url or None)
        _pagefind(indexing, staging)
        shutil.rmtree(search_work, ignore_errors=True)
        clock.lap("search")
        _swap(staging, site)
    except BaseException:
        if indexing is not None:
            indexing.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    count = sum(1 for p in site.rglob("*") if p.is_file())
    return BuildResult(
        site=site, patterns=len(library.patterns), problems=problems, files=count,
        timings=clock.laps, checked=checked, pages=pages,
    )


@contextlib.contextmanager
def _docs_folder(keep: Path | None) -> Iterator[Path]:
    """Yield an empty docs folder: `keep` (emptied first) or a temporary one."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="patternlib-docs-") as docs:
            yield Path(docs)
        return
    shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir(parents=True)
    yield keep


class _Clock:
    """Time the phases of a build."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


@dataclass(frozen=True)
class Pages:
    """What rendering the docs folder needs (kept by `patternlib serve` for updates)."""

    library: Library
    assessments: Mapping[str, Assessment]
    graph: Graph
    config: SiteConfig
    problems: tuple[Problem, ...] = ()  # shown on the Insights page
    previous: tuple[Mapping[str, Any], ...] | None = None  # for the "what changed" page


# Set while pattern pages are rendered: forked workers read it instead of unpickling it.
_RENDERING: tuple[Pages, Path, FacetSlugs, tuple[Path, str] | None] | None = None


def _write_docs(docs: Path, pages: Pages, *, jobs: int,
                search: tuple[Path, str] | None = None,
                then: Callable[[], None] | None = None) -> None:
    """Write the docs folder MkDocs builds from; pattern pages are rendered on every core.

    With `search` (a folder, the site's language), each pattern page's content is also
    written there as Pagefind's input, at the path its page will have in the site. `then`
    is called once the pattern pages are written, before the other pages (which take a
    few seconds, on one core).
    """
    global _RENDERING
    (docs / "patterns").mkdir(parents=True, exist_ok=True)
    count = len(pages.library.patterns)
    chunks = [range(i, min(i + 64, count)) for i in range(0, count, 64)]
    _RENDERING = (pages, docs, facet_slugs(pages.library), search)
    try:
        parallel_map(
            _write_pattern_pages, chunks, jobs=jobs if count >= MIN_PARALLEL else 1, worth=2,
            inherits=True,
        )
    finally:
        _RENDERING = None
    if then is not None:
        then()
    for output in site_pages(pages.library, pages.assessments, pages.graph, pages.config,
                             pages.problems, pages.previous):
        _write(docs, output)
    shutil.copytree(ASSETS, docs / "assets" / "patternlib")


def _write_pattern_pages(indexes: range) -> int:
    assert _RENDERING is not None
    pages, docs, slugs, search = _RENDERING
    for i in indexes:
        pattern = pages.library.patterns[i]
        output = pattern_page(
            pattern, pages.library, pages.assessments, pages.graph, pages.config, slugs,
        )
        _write(docs, output)
        if search is not None:
            searchindex.write_input(search[0], output.path, search[1], output.text)
    return len(indexes)


def site_language(config: MkDocsConfig) -> str:
    """The language the theme declares (`<html lang>`), which Pagefind indexes under."""
    language = config.theme.get("language") or "en"
    return str(language)


def _write(docs: Path, output: Output) -> None:
    target = docs / output.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output.text, encoding="utf-8")


@contextlib.contextmanager
def source_date(library: Library) -> Iterator[None]:
    """Pin MkDocs' build date so two builds of the same input are byte-identical.

    SOURCE_DATE_EPOCH wins when the caller sets it; otherwise the newest `modified` date in
    the library is used, which changes only when the input does.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    dates = []
    for pattern in library.patterns:
        value = pattern.meta.get("modified")
        with contextlib.suppress(TypeError, ValueError):
            dates.append(dt.date.fromisoformat(str(value)[:10]))
    newest = max(dates, default=dt.date(2026, 1, 1))
    epoch = int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC).timestamp())
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def mkdocs_config(config_file: Path, docs: Path, site: Path, *, strict: bool,
                  site_url: str | None = None, changes: bool = False) -> MkDocsConfig:
    """Load mkdocs.yml, filling in what every pattern library site needs.

    A library's mkdocs.yml can be as short as `site_name: ...`: the theme override, our CSS
    and JS, the browse navigation and "no built-in search" are added unless it sets them.
    `site_url`, when given, replaces mkdocs.yml's (a deployment knows its address).
    With `changes`, the default navigation lists the "what changed" page.
    """
    try:
        with config_file.open(encoding="utf-8") as handle:
            raw = yaml_load(handle) or {}
        theme = raw.get("theme") or {"name": "material"}
        theme = {"name": theme} if isinstance(theme, str) else dict(theme)
        theme.setdefault("custom_dir", str(THEME))
        theme.setdefault("font", False)  # no Google Fonts: the site must work offline
        theme.setdefault("palette", copy.deepcopy(PALETTE))
        overrides: dict[str, Any] = {
            "theme": theme,
            "extra_css": _plus(raw.get("extra_css"), "assets/patternlib/patternlib.css"),
            "extra_javascript": _plus(
                _plus(raw.get("extra_javascript"), "assets/patternlib/patternlib.js"),
                "assets/patternlib/calculator.js",
            ),
        }
        for key, value in DEFAULTS.items():
            if key not in raw:
                overrides[key] = copy.deepcopy(value)  # MkDocs consumes what it validates
        if changes and "nav" not in raw:
            at = next(i for i, item in enumerate(overrides["nav"]) if "Insights" in item)
            overrides["nav"].insert(at + 1, {"What changed": CHANGES_PAGE})
        if site_url:
            overrides["site_url"] = site_url
        return load_config(
            str(config_file), docs_dir=str(docs), site_dir=str(site), strict=strict, **overrides
        )
    except (MkDocsException, OSError, yaml.YAMLError) as exc:
        raise BuildError(f"{config_file}: {exc}") from exc


def _plus(items: object, extra: str) -> list[Any]:
    listed = list(items) if isinstance(items, list) else []
    return listed if extra in listed else [*listed, extra]


def _mkdocs(config: MkDocsConfig, jobs: int) -> None:
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        sitebuild.build(config, jobs=jobs)
    except MkDocsException as exc:
        raise BuildError(f"MkDocs failed: {exc}") from exc


def _copy_sources(library: Library, root: Path, site: Path) -> None:
    """Publish each pattern's source file beside its page, for readers and editors."""
    for pattern in library.patterns:
        source = root / pattern.path
        target = site / "patterns" / pattern.key / f"{pattern.key}.md"
        if source.is_file() and target.parent.is_dir():
            shutil.copyfile(source, target)


def write_redirects(
    library: Library, site: Path, site_url: str | None, before: Library | None = None
) -> list[str]:
    """Write the stable URLs' redirect pages (generator/site/redirects.py) into the site; with
    `before` (the library as the site was built), only those that changed, and remove those
    gone. A page that is not one of ours is never replaced or removed. Returns the site URLs
    written or removed."""
    old = {r.path: r for r in redirects.redirects(before)} if before is not None else {}
    new = {r.path: r for r in redirects.redirects(library)}
    done = []
    for path in sorted(old.keys() - new.keys()):
        target = site / path / "index.html"
        if _ours(target):
            target.unlink()
            with contextlib.suppress(OSError):
                target.parent.rmdir()
            done.append(path)
    for path, item in new.items():
        if before is not None and old.get(path) == item:
            continue
        target = site / path / "index.html"
        if target.exists() and not _ours(target):
            continue  # a page is there: it wins (the validator reports the clash)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(redirects.page(item, site_url), encoding="utf-8")
        done.append(path)
    return done


def _ours(page: Path) -> bool:
    try:
        with page.open(encoding="utf-8") as handle:
            return redirects.MARK in handle.read(200)
    except (OSError, UnicodeDecodeError):
        return False


def _pagefind(indexing: searchindex.Indexing, site: Path) -> None:
    try:
        indexing.install(site)
    except searchindex.IndexError_ as exc:
        raise BuildError(f"Pagefind failed to index the site:\n{exc}") from exc


def _swap(staging: Path, site: Path) -> None:
    """Replace `site` with `staging`: two renames, so readers never see half a site."""
    old = None
    if site.exists():
        old = site.with_name(f".{site.name}-old-{os.getpid()}")
        site.rename(old)
    staging.rename(site)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
