"""MkDocs' build, with the pages rendered on every core: the one module that uses MkDocs.

It runs on MkDocs 1.6 or on its drop-in fork ProperDocs (see generator/__init__.py).

`mkdocs build` converts and templates each page on one core; for a library of thousands of
patterns that is most of the build. This runs the same steps as mkdocs.commands.build.build
(plugin events, files, navigation, static files and templates, pages, anchor validation) but
hands the pages to forked worker processes, which inherit the loaded configuration, theme and
navigation. Each worker renders a share of the pages and writes them; what the parent needs
back (warnings, and the anchors each page has and links to) comes back as plain data, and the
parent runs MkDocs' own anchor validation over all pages.

Pages in the navigation are read in the parent first, so every page renders the same menu.
"""

from __future__ import annotations

import gc
import html
import importlib.util
import json
import logging
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mkdocs
from mkdocs import utils
from mkdocs.commands.build import (
    _build_extra_template,
    _build_page,
    _build_theme_template,
    _populate_page,
)
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError, MkDocsException
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.yaml import yaml_load

from generator.library.files import write_atomic
from generator.library.parallel import fork_context
from generator.site.render import PAGE_TOC

__all__ = ["Engine", "HtmlPage", "MkDocsConfig", "MkDocsException", "build", "load_config",
           "yaml_load"]
log = logging.getLogger("mkdocs")

# Pages per task handed to a worker: small enough to balance big and small pages.
CHUNK = 24


@dataclass(frozen=True)
class _Rendered:
    """What the parent needs from one page a worker rendered."""

    src_uri: str
    anchors: frozenset[str]
    links: dict[str, dict[str, str]]  # target src_uri -> {anchor: link as written}


@dataclass
class _Job:
    """The state workers inherit through fork."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Any
    pages: list[Page]
    in_nav: set[int]
    doc_files: Sequence[File]  # the documentation pages (a scan of all files, done once)


_JOB: _Job | None = None
_ID = re.compile(r'id="([^"]+)"')
_BLANK_LINES = re.compile(r"\n{3,}")
# A relative link to a Markdown file, as cmark-gfm writes it: href="x.md" or "../y/x.md#a".
_MD_HREF = re.compile(r'(<a href=")(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]+\.md)(#[^"]*)?"')


def _ids(html_text: str) -> set[str]:
    """The ids of a page's elements: `id="..."` not inside a longer name (as `\\bid=`
    matches, but found by the literal first, nine times faster on the corpus's pages)."""
    found = set()
    for match in _ID.finditer(html_text):
        at = match.start()
        before = html_text[at - 1] if at else " "
        if not (before.isalnum() or before == "_"):
            found.add(match.group(1))
    return found


class HtmlPage(Page):
    """A page whose docs file is HTML already: a pattern page (`pattern: true`), or a page
    written in HTML alone (`html: true`, the browse pages).

    A pattern page's body was rendered and sanitized by patternlib (generator/library/gfm.py);
    MkDocs' Markdown would only read it again. Its table of contents comes in a leading
    `<!--pl-toc JSON-->`. An HTML page is what Python-Markdown would make of it: its blocks of
    raw HTML as they are, blank lines between them one (tests/test_sitebuild.py compares the
    two), no table of contents (Markdown's reads no raw HTML heading). Python-Markdown took
    a quarter of MkDocs' time on the corpus for these 254 pages, parsing their HTML to find
    where each block ends.
    """

    def render(self, config: MkDocsConfig, files: Files) -> None:
        text = self.markdown
        if text is not None and self.meta.get("html") is True:
            self.content = _BLANK_LINES.sub("\n\n", text.strip("\n"))
            self.toc = get_toc([])
        elif text is not None and self.meta.get("pattern"):
            toc = PAGE_TOC.match(text)
            self.toc = get_toc(json.loads(toc.group(1)) if toc else [])
            text = text[toc.end() :] if toc else text
            self.content = _MD_HREF.sub(lambda m: self._link(m, files), text)
        else:
            super().render(config, files)
            return
        self._title_from_render = None
        self.present_anchor_ids = _ids(self.content)
        self.links_to_anchors = {}

    def _link(self, match: re.Match[str], files: Files) -> str:
        """A body's link to another docs file (`other.md#part`) points to its page, as MkDocs'
        Markdown would make it; one to no file is warned about (an error under strict)."""
        target, anchor = match.group(2), match.group(3) or ""
        path = posixpath.normpath(posixpath.join(posixpath.dirname(self.file.src_uri),
                                                 html.unescape(target)))
        file = files.get_file_from_path(path)
        if file is None:
            log.warning(f"Doc file '{self.file.src_uri}' contains a link '{target}', but the "
                        f"target '{path}' is not found among documentation files.")
            return match.group(0)
        return f'{match.group(1)}{file.url_relative_to(self.file)}{anchor}"'


def _prepare(config: MkDocsConfig) -> _Job:
    """Run MkDocs up to the pages: plugins, files, navigation, theme; read the nav pages."""
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = []
    for file in doc_files:
        if file.page is None:
            HtmlPage(None, file, config)
        assert file.page is not None
        if type(file.page) is Page:
            # Made by the navigation (which keeps the title it gives), read as ours: an
            # HtmlPage is a Page that reads pages of HTML without Markdown.
            file.page.__class__ = HtmlPage
        pages.append(file.page)
    in_nav = {id(p) for p in nav.pages}
    for page in pages:
        if id(page) in in_nav:
            _populate_page(page, config, files)
    env = config.plugins.on_env(env, config=config, files=files)
    if _known_templates(config.theme.dirs):
        _draw_navigation_once(env, nav, in_nav)
    return _Job(config, files, nav, env, pages, in_nav, doc_files)


def _known_templates(dirs: Iterable[str]) -> bool:
    """Tell whether the theme's templates are only Material's, MkDocs' and ours: a library
    that overrides one of them (custom_dir) may make a menu or block depend on the page."""
    known = [Path(mkdocs.__file__).parent, Path(__file__).parent / "theme"]
    material = importlib.util.find_spec("material")
    if material is not None and material.origin:
        known.append(Path(material.origin).parent)
    for folder in dirs:
        path = Path(folder).resolve()
        if not any(path == root.resolve() or path.is_relative_to(root.resolve())
                   for root in known):
            return False
    return True


def _draw_navigation_once(env: Any, nav: Navigation, in_nav: set[int]) -> None:
    """Render the parts of Material's pages that depend on the page only through its folder
    once per folder, not once per page: the navigation (partials/nav.html) and base.html's
    styles, scripts, analytics and configuration blocks.

    The menu of a page the navigation does not list marks no item active and shows no table
    of contents; it differs from its sibling's only in its relative links, which are the same
    for pages in the same folder unless the page's own URL is the start of a listed one. The
    four blocks hold links relative to the page and the site's configuration, nothing else.
    For 3,614 pattern pages that is one drawing instead of 3,614 (a third of MkDocs' time).
    Pages the navigation lists are drawn as before.
    """
    listed = [p.url for p in nav.pages]
    try:
        menu = env.get_template("partials/nav.html")
        base = env.get_template("base.html")
    except Exception:  # a theme without them: nothing to do
        return
    menu.root_render_func = _once_per_folder(menu.root_render_func, nav, in_nav, listed)
    for name in ("styles", "scripts", "analytics", "config"):
        if name in base.blocks:
            base.blocks[name] = _once_per_folder(base.blocks[name], nav, in_nav, listed)


def _once_per_folder(draw: Callable[[Any], Iterator[str]], nav: Navigation, in_nav: set[int],
                     listed: list[str]) -> Callable[[Any], Iterator[str]]:
    """Wrap a template's (or block's) render function to draw it once per page folder (and
    set of titles in the navigation: `patternlib serve` reads pages again after an edit,
    and a page the navigation lists without a title of its own is shown under its page's)."""
    drawn: dict[tuple[str, str, tuple[str, ...]], str] = {}

    def once(context: Any) -> Iterator[str]:
        page = context.get("page")
        url = getattr(page, "url", None)
        if (page is None or not isinstance(url, str) or id(page) in in_nav
                or any(other.startswith(url) for other in listed)):
            yield from draw(context)
            return
        key = (posixpath.dirname(url.rstrip("/")), str(context.get("base_url")),
               tuple(str(item.title) for item in nav.pages))
        if key not in drawn:
            drawn[key] = "".join(draw(context))
        yield drawn[key]

    return once


def build(config: MkDocsConfig, *, jobs: int) -> None:
    """Build the MkDocs site of `config`, rendering pages over `jobs` processes."""
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    log.addHandler(counter)
    try:
        utils.clean_directory(config.site_dir)
        job = _prepare(config)
        config, files = job.config, job.files
        files.copy_static_files(inclusion=InclusionLevel.is_included)
        for template in config.theme.static_templates:
            _build_theme_template(template, job.env, files, config, job.nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, job.nav)

        for rendered, counts in _render_all(job, jobs):
            for level, count in counts.items():
                counter.counts[level] += count
            for item in rendered:
                _restore(files, item)

        level = config.validation.links.anchors
        for page in job.pages:
            page.validate_anchor_links(files=files, log_level=level)
        config.plugins.on_post_build(config=config)
        if config.strict and (seen := counter.get_counts()):
            summary = ", ".join(f"{v} {k.lower()}s" for k, v in seen)
            raise Abort(f"Aborted with {summary} in strict mode!")
    except Exception as exc:
        config.plugins.on_build_error(error=exc)
        if isinstance(exc, BuildError):
            raise Abort(f"Aborted with a BuildError: {exc}") from exc
        raise
    finally:
        log.removeHandler(counter)


class Engine:
    """MkDocs kept loaded over a built site, to render a few pages again after an edit.

    `patternlib serve` uses it: preparing the configuration, files and navigation of a large
    library takes seconds, rendering one page a few milliseconds.
    """

    def __init__(self, config: MkDocsConfig) -> None:
        self._job = _prepare(config)

    def render(self, src_uris: Iterable[str]) -> list[str]:
        """Read, convert and write the pages of these docs files again; return their URLs.

        Each page is written whole, through a temporary file and a rename: the site is being
        served meanwhile, and MkDocs' own writes truncate the file first (a reader could get
        half a page, or, with the length it was promised, none).
        """
        job = self._job
        doc_files = job.doc_files
        done = []
        original = utils.write_file
        utils.write_file = _write_whole
        try:
            for uri in src_uris:
                file = job.files.get_file_from_path(uri)
                if file is None or file.page is None:
                    raise MkDocsException(f"{uri}: not a page of this site; rebuild it whole")
                page = file.page
                page.markdown = page.content = None
                _populate_page(page, job.config, job.files)
                _build_page(page, job.config, doc_files, job.nav, job.env)
                done.append(file.url)
        finally:
            utils.write_file = original
        return done


def _write_whole(content: bytes, output_path: str) -> None:
    """MkDocs' utils.write_file, through a temporary file and a rename."""
    target = Path(output_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, content, mode=0o644)  # readable by a web server


def _render_all(
    job: _Job, jobs: int
) -> Iterable[tuple[list[_Rendered], dict[int, int]]]:
    """Render every page; yield what came back, chunk by chunk."""
    global _JOB
    # Largest first, so the last chunks are the quick ones.
    order = sorted(range(len(job.pages)), key=lambda i: -_size(job.pages[i].file))
    size = max(1, min(CHUNK, len(order) // (4 * max(jobs, 1))))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    _JOB = job
    try:
        context = fork_context()  # workers read _JOB, which only fork passes on
        if jobs <= 1 or len(chunks) <= 1 or context is None:
            for chunk in chunks:
                yield _render_chunk(chunk)
            return
        gc.freeze()  # workers' collections would otherwise touch, and so copy, every object
        with context.Pool(processes=jobs, maxtasksperchild=None) as pool:
            yield from pool.imap_unordered(_render_chunk, chunks)
    finally:
        _JOB = None
        gc.unfreeze()


def _render_chunk(indexes: Sequence[int]) -> tuple[list[_Rendered], dict[int, int]]:
    """Worker: populate, template and write the pages at `indexes`; drop their HTML after."""
    assert _JOB is not None
    job = _JOB
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    log.addHandler(counter)
    out = []
    try:
        doc_files = job.doc_files
        for i in indexes:
            page = job.pages[i]
            if page.content is None:
                _populate_page(page, job.config, job.files)
            _build_page(page, job.config, doc_files, job.nav, job.env)
            out.append(_Rendered(
                src_uri=page.file.src_uri,
                anchors=frozenset(page.present_anchor_ids or ()),
                links={
                    target.src_uri: dict(links)
                    for target, links in (page.links_to_anchors or {}).items()
                },
            ))
            if id(page) not in job.in_nav:
                page.markdown = page.content = None  # keep memory flat
    except MkDocsException:
        raise
    except Exception as exc:  # make it picklable and say where
        raise MkDocsException(f"{type(exc).__name__}: {exc}") from None
    finally:
        log.removeHandler(counter)
    return out, dict(counter.counts)


def _size(file: File) -> int:
    try:
        return Path(file.abs_src_path or "").stat().st_size
    except OSError:
        return 0


def _restore(files: Files, item: _Rendered) -> None:
    """Give the parent's page what anchor validation reads."""
    file = files.get_file_from_path(item.src_uri)
    if file is None or file.page is None:
        return
    file.page.present_anchor_ids = set(item.anchors)
    links: dict[File, dict[str, str]] = {}
    for target_uri, anchors in item.links.items():
        target = files.get_file_from_path(target_uri)
        if target is not None:
            links[target] = anchors
    file.page.links_to_anchors = links
