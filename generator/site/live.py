"""Live updates for `patternlib serve`: after an edit, rebuild only what the edit changed.

A full build of a large library takes a minute; an author who saves one pattern wants to see
its page again in a second or two. After a full build, LiveSite keeps the checked library,
the rendered docs folder and a loaded MkDocs (sitebuild.Engine). When existing pattern files
change, it checks those files again, checks the rules across files over the whole library,
renders the changed patterns' pages, the pages of every pattern linked to or from them, and
(when what they list changed) the browse and home pages, and has MkDocs write only the pages
whose Markdown changed.
The data files and the search index follow in the background (`refresh`): Pagefind reads
the whole site, and api/patterns.json holds every pattern.

Anything else (a pattern added, removed or broken beyond reading, a facet value appearing or
disappearing, mkdocs.yml, the schema or templates) needs the full build, which `update` says
by returning None.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.library.link import link
from generator.library.load import display_path
from generator.library.model import Library, Problem
from generator.library.score import assess
from generator.library.validate import check_file, recheck
from generator.site import build as full
from generator.site import searchindex
from generator.site.insights import insights_page
from generator.site.render import (
    Output,
    data_files,
    facet_slugs,
    listed_as,
    listing_pages,
    pattern_page,
)
from generator.site.sitebuild import Engine


@dataclass(frozen=True)
class Update:
    """What an update did."""

    problems: tuple[Problem, ...]  # the whole library's, after the edit
    pages: tuple[str, ...]  # site URLs written again
    applied: bool  # False: errors (without keep_going) left the site as it was
    seconds: float


class LiveSite:
    """A built site, kept in memory to be updated after edits."""

    def __init__(self, root: Path, *, jobs: int = 1, keep_going: bool = False,
                 site_url: str | None = None) -> None:
        self.root = root.resolve()
        self.site_url = site_url  # replaces mkdocs.yml's, as `build(site_url=)` does
        self.site = self.root / "site"
        self.jobs = jobs
        self.keep_going = keep_going
        self._docs = Path(tempfile.mkdtemp(prefix="patternlib-live-"))
        self._language = "en"  # the theme's, once a build has read mkdocs.yml
        self._site_url: str | None = None  # the site's, for the redirect pages
        self._state: full.BuildResult | None = None
        self._engine: Engine | None = None
        self._lock = threading.Lock()  # guards _state and _stale for the background refresh
        self._stale = False  # data files and search index lag behind the pages

    def close(self) -> None:
        """Remove the kept docs folder."""
        shutil.rmtree(self._docs, ignore_errors=True)

    def build(self) -> full.BuildResult:
        """Build the whole site (atomically), then load MkDocs over it for later updates."""
        with self._lock:
            self._state, self._engine, self._stale = None, None, False
        result = full.build(
            self.root, keep_going=self.keep_going, jobs=self.jobs, docs_dir=self._docs,
            site_url=self.site_url,
        )
        assert result.pages is not None
        config = full.mkdocs_config(
            self.root / "mkdocs.yml", self._docs, result.site, strict=not self.keep_going,
            site_url=self.site_url,
        )
        self._language = full.site_language(config)
        self._site_url = config.site_url or None
        with full.source_date(result.pages.library):
            self._engine = Engine(config)
        with self._lock:
            self._state = result
        return result

    def update(self, changed: Iterable[Path]) -> Update | None:
        """Bring the site up to date after changes to these pattern files.

        `changed` names every pattern file saved, added or removed since the last call.

        Returns None when the edit needs a full build (see the module's docstring).
        """
        start = time.perf_counter()
        state, engine = self._state, self._engine
        if state is None or engine is None or state.pages is None or state.checked is None:
            return None
        old = state.pages.library
        by_path = {p.path: p for p in old.patterns}
        own = dict(state.checked.own)
        fresh = {}
        for file in (f.resolve() for f in changed):
            shown = display_path(file, self.root)
            if shown not in by_path or not file.is_file():
                return None  # added, removed, or unreadable at the last build
            pattern, found = check_file(file, root=self.root)
            if pattern is None or pattern.key != by_path[shown].key:
                return None
            fresh[shown] = pattern
            own[shown] = tuple(found)
        if not fresh:
            return Update(state.problems, (), True, time.perf_counter() - start)

        library = Library(
            patterns=tuple(fresh.get(p.path, p) for p in old.patterns), files=old.files
        )
        graph = link(library)
        checked = recheck(library, own, graph=graph, duplicates=False)
        if not self.keep_going and any(p.severity == "error" for p in checked.problems):
            return Update(checked.problems, (), False, time.perf_counter() - start)

        assessments = dict(state.pages.assessments)
        for pattern in fresh.values():
            assessment, _ = assess(pattern)
            if assessment is None:
                assessments.pop(pattern.key, None)
            else:
                assessments[pattern.key] = assessment
        pages = full.Pages(library, assessments, graph, state.pages.config,
                           problems=checked.problems if self.keep_going else ())

        keys = {p.key for p in fresh.values()}
        touched = set(keys)
        for key in keys:
            touched.update(e.target for e in state.pages.graph.edges_from(key))
            touched.update(e.target for e in graph.edges_from(key))
        slugs = facet_slugs(library)
        # The edited patterns' own pages first: they are what the author is looking at.
        order = sorted(touched, key=lambda k: (k not in keys, k))
        by_key = {p.key: p for p in library.patterns}
        outputs = [
            pattern_page(by_key[k], library, assessments, graph, pages.config, slugs)
            for k in order
            if k in by_key
        ]
        written = self._write(outputs[: len(keys)], engine, library)
        written += self._write(outputs[len(keys) :], engine, library)
        listed = any(
            listed_as(p, assessments.get(p.key))
            != listed_as(by_path[path], state.pages.assessments.get(p.key))
            for path, p in fresh.items()
        )
        if listed:  # a title, summary, facet value, score or link count changed
            listings = listing_pages(library, assessments, graph, pages.config, pages.problems)
            if not self._same_pages(listings):
                return None  # a facet value appeared or went: the navigation changes
            written += self._write(listings, engine, library)
        elif pages.problems != state.pages.problems or any(
            assessments.get(p.key) != state.pages.assessments.get(p.key) for p in fresh.values()
        ):  # what only the Insights page shows: pillar scores, problems by rule
            written += self._write(
                [insights_page(library, assessments, graph, pages.problems)], engine, library)
        for pattern in fresh.values():
            target = self.site / "patterns" / pattern.key / f"{pattern.key}.md"
            if target.parent.is_dir():
                _replace(target, (self.root / pattern.path).read_bytes())
        written += full.write_redirects(library, self.site, self._site_url, before=old)
        with self._lock:
            self._state = dataclasses.replace(
                state, problems=checked.problems, checked=checked, pages=pages
            )
            self._stale = True
        return Update(checked.problems, tuple(written), True, time.perf_counter() - start)

    def refresh(self) -> float | None:
        """Bring the data files and the search index up to date with the last update.

        The slow part of an update (Pagefind reads the whole site), left for a background
        thread. Returns the seconds it took, or None when nothing was stale.
        """
        with self._lock:
            state, stale, self._stale = self._state, self._stale, False
        if not stale or state is None or state.pages is None:
            return None
        start = time.perf_counter()
        pages = state.pages
        for output in data_files(pages.library, pages.assessments, pages.graph):
            docs_file = self._docs / output.path
            if docs_file.read_text(encoding="utf-8") != output.text:
                _replace(docs_file, output.text.encode("utf-8"))
                _replace(self.site / output.path, output.text.encode("utf-8"))
        work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=self.site))
        try:
            for page in sorted((self._docs / "patterns").glob("*.md")):
                searchindex.write_input(work / "pages", f"patterns/{page.name}", self._language,
                                        page.read_text(encoding="utf-8"))
            searchindex.index_inputs(work / "pages", work, self.site, background=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return time.perf_counter() - start

    def _same_pages(self, outputs: list[Output]) -> bool:
        """Do the listing pages among `outputs` name the pages the docs folder holds?"""
        now = {o.path for o in outputs if o.path.endswith(".md")}
        now = {path for path in now if not path.startswith("patterns/")}
        before = {
            p.relative_to(self._docs).as_posix()
            for p in self._docs.rglob("*.md")
            if p.parts[len(self._docs.parts)] not in ("patterns", "assets")
        }
        return now == before

    def _write(self, outputs: list[Output], engine: Engine, library: Library) -> list[str]:
        """Write the outputs that changed; have MkDocs render the pages among them."""
        pages = []
        for output in outputs:
            docs_file = self._docs / output.path
            if docs_file.read_text(encoding="utf-8") == output.text:
                continue
            _replace(docs_file, output.text.encode("utf-8"))
            if output.path.endswith(".md"):
                pages.append(output.path)
            else:  # data files are published as they are
                _replace(self.site / output.path, output.text.encode("utf-8"))
        with full.source_date(library):
            return engine.render(pages)


def _replace(target: Path, data: bytes) -> None:
    """Write `target` through a temporary file and a rename: readers see old or new, whole."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(target)
