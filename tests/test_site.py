"""What the built site guarantees: working links, no network, every promised file, small pages,
byte-identical rebuilds, atomic replacement, escaped text, the golden render and the CLI.

Each library is built once per module (a build takes about a second): the starter library in
patterns/, a copy of the fixture library (tests/fixtures/valid/library: 3 patterns, every link
stated both ways) and tests/fixtures/site/library, which adds what the fixture library lacks:
inferred edges, a dangling relationship, a pattern without scores, markup in front matter.

The golden tests compare every file the render stage produces for those two fixture libraries
with tests/golden/fixture-library/ and tests/golden/site-library/ (one file per `Output.path`).
After an intended change to the pages or data, regenerate both folders (stale files are
deleted) and review the difference:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_site.py -k golden
    git diff tests/golden
"""

from __future__ import annotations

import difflib
import json
import os
import posixpath
import re
import shutil
import statistics
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner, Result

import generator.site.build
from generator.cli import main
from generator.library.link import link
from generator.library.load import load_library
from generator.library.model import INVERSE
from generator.library.score import score
from generator.library.validate import validate
from generator.site import pictures
from generator.site.build import BuildError, build
from generator.site.render import SiteConfig, render
from tests.conftest import FIXTURES, ROOT, VALID_LIBRARY

Cli = Callable[..., Result]

SITE_LIBRARY = FIXTURES / "site" / "library"
GOLDEN = ROOT / "tests" / "golden"
FACET_KEYS = ("domain", "category", "era", "status", "universality", "commons-domain")
# Which attribute of which element loads or links to another file.
REFERENCES = {"a": "href", "link": "href", "script": "src", "img": "src"}
EXTERNAL_SCHEMES = ("http", "https", "mailto")
# <link> relations that name a document without the browser fetching it.
NON_FETCHING_RELS = frozenset({"canonical", "alternate", "author", "license", "me", "help"})
MAX_MEDIAN_PAGE = 60 * 1024


class Built(NamedTuple):
    """A library and the site built from it."""

    root: Path
    site: Path
    output: str = ""  # what `patternlib build` printed, when it built the site


def _write_library(root: Path, patterns: Path = VALID_LIBRARY) -> Path:
    """Copy a folder of patterns into `root`/patterns beside a minimal mkdocs.yml."""
    (root / "patterns").mkdir(parents=True)
    for source in sorted(patterns.glob("*.md")):
        shutil.copyfile(source, root / "patterns" / source.name)
    (root / "mkdocs.yml").write_text("site_name: Test Library\n", encoding="utf-8")
    return root


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build the starter library (the repository's patterns/) into a temporary folder."""
    site = tmp_path_factory.mktemp("starter") / "site"
    return Built(ROOT, build(ROOT, site_dir=site).site)


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build a copy of the 3-pattern fixture library."""
    root = _write_library(tmp_path_factory.mktemp("fixture"))
    return Built(root, build(root).site)


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build tests/fixtures/site/library with `patternlib build --keep-going`.

    It has what the fixture library lacks: inferred edges (inverses nobody stated), a dangling
    relationship, a pattern without scores and markup in front-matter text.
    """
    root = _write_library(tmp_path_factory.mktemp("edges"), SITE_LIBRARY)
    result = CliRunner().invoke(
        main, ["build", "--root", str(root), "--keep-going"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return Built(root, root / "site", result.output)


BUILDS = ["starter", "fixture", "edges"]


# --- reading a built site --------------------------------------------------------------------


class Page(NamedTuple):
    """What one HTML file offers and points to."""

    ids: frozenset[str]  # every id and name: the fragments that can land here
    refs: tuple[tuple[str, str, str], ...]  # (element, attribute, URL)
    anchors: tuple[tuple[str, str], ...]  # (href, text) of each <a>
    links: tuple[tuple[str, str], ...]  # (rel, href) of each <link>
    scripts: tuple[str, ...]  # src of each <script>


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []
        self.anchors: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._anchor: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        self.ids.update(values[key] for key in ("id", "name") if values.get(key))
        attr = REFERENCES.get(tag)
        if attr is not None and attr in values:
            self.refs.append((tag, attr, values[attr]))
        if tag == "a":
            self._anchor = (values.get("href", ""), [])
        elif tag == "link":
            self.links.append((values.get("rel", ""), values.get("href", "")))
        elif tag == "script" and "src" in values:
            self.scripts.append(values["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            href, text = self._anchor
            self.anchors.append((href, "".join(text).strip()))
            self._anchor = None

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._anchor[1].append(data)


def parse_page(path: Path) -> Page:
    """Parse one HTML file with the standard library's parser."""
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return Page(frozenset(parser.ids), tuple(parser.refs), tuple(parser.anchors),
                tuple(parser.links), tuple(parser.scripts))


def site_files(site: Path, pattern: str = "*") -> Iterator[tuple[str, Path]]:
    """Yield (site-relative POSIX path, path) of every file, sorted."""
    for path in sorted(site.rglob(pattern)):
        if path.is_file():
            yield path.relative_to(site).as_posix(), path


def parse_site(site: Path) -> dict[str, Page]:
    """Parse every HTML file of a site, by site-relative path."""
    return {name: parse_page(path) for name, path in site_files(site, "*.html")}


class Target(NamedTuple):
    """Where a URL on a page leads inside the site."""

    file: str  # site-relative path of the file served
    fragment: str


def resolve(site: Path, page: str, url: str) -> Target | str | None:
    """Resolve `url` found on `page`: a Target, an error message, or None when external.

    Directory URLs are served by their index.html (`x/` means `x/index.html`); a path that
    climbs above the site root is an error, not silently clamped to it as browsers do.
    """
    parts = urlsplit(url)
    if parts.scheme in EXTERNAL_SCHEMES or (not parts.scheme and parts.netloc):
        return None
    if parts.scheme:
        return f"unexpected scheme {parts.scheme!r}"
    path = unquote(parts.path)
    if not path:
        file = page
    else:
        base = "" if path.startswith("/") else posixpath.dirname(page)
        file = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        if file == ".." or file.startswith("../"):
            return "climbs above the site root"
        if file == ".":
            file = ""
        if path.endswith("/") or (site / file).is_dir():
            file = posixpath.join(file, "index.html")
        elif path.endswith("/"):
            return "directory URL of something that is no directory"
    if not (site / file).is_file():
        return f"{file} does not exist"
    return Target(file, unquote(parts.fragment))


def broken_links(site: Path) -> list[str]:
    """Check every href/src of every page; return one line per broken link or anchor."""
    pages = parse_site(site)
    assert pages, f"no HTML files in {site}"
    failures = []
    for name, page in pages.items():
        for tag, attr, url in page.refs:
            target = resolve(site, name, url)
            if isinstance(target, str):
                failures.append(f"{name}: <{tag} {attr}={url!r}>: {target}")
            elif (
                target is not None
                and target.fragment
                and target.file.endswith(".html")
                and target.fragment not in pages[target.file].ids
            ):
                failures.append(
                    f"{name}: <{tag} {attr}={url!r}>: no id {target.fragment!r} in {target.file}"
                )
    return failures


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes (and every folder, as None) under `folder`, by relative path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else None
        for path in sorted(folder.rglob("*"))
    }


def differences(before: dict[str, bytes | None], after: dict[str, bytes | None]) -> list[str]:
    """List the paths that differ between two snapshots, saying how."""
    out = []
    for path in sorted(before.keys() | after.keys()):
        if path not in after:
            out.append(f"{path}: missing")
        elif path not in before:
            out.append(f"{path}: added")
        elif before[path] != after[path]:
            out.append(f"{path}: changed")
    return out


def pattern_keys(root: Path) -> list[str]:
    """The keys (file names) of a library's patterns."""
    return sorted(path.stem for path in (root / "patterns").glob("*.md"))


# --- 1. links and anchors --------------------------------------------------------------------


@pytest.mark.parametrize("name", BUILDS)
def test_no_broken_links_or_anchors(name: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(name)
    failures = broken_links(built.site)
    assert not failures, f"{len(failures)} broken links:\n" + "\n".join(failures)


def test_link_checker_finds_broken_files_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#here">ok</a><a name="top"></a><a href="#top">ok</a>'
        '<a href="https://example.org/">ext</a><a href="mailto:x@example.org">mail</a>'
        '<img src="missing.png"><a href="a/#nowhere">bad</a><script src="../up.js"></script>',
        encoding="utf-8",
    )
    (tmp_path / "a" / "index.html").write_text(
        '<h2 id="here">Here</h2><link rel="stylesheet" href="../b/">', encoding="utf-8"
    )
    assert broken_links(tmp_path) == [
        "a/index.html: <link href='../b/'>: b/index.html does not exist",
        "index.html: <img src='missing.png'>: missing.png does not exist",
        "index.html: <a href='a/#nowhere'>: no id 'nowhere' in a/index.html",
        "index.html: <script src='../up.js'>: climbs above the site root",
    ]


# --- 2. offline -------------------------------------------------------------------------------


def _remote(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") or (not parts.scheme and bool(parts.netloc))


@pytest.mark.parametrize("name", BUILDS)
def test_site_works_offline(name: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(name)
    failures = []
    for page_name, page in parse_site(built.site).items():
        failures += [f"{page_name}: <script src={src!r}>" for src in page.scripts if _remote(src)]
        failures += [
            f"{page_name}: <link rel={rel!r} href={href!r}>"
            for rel, href in page.links
            if _remote(href) and not set(rel.lower().split()) <= NON_FETCHING_RELS
        ]
    for file_name, path in site_files(built.site):
        if path.suffix in (".html", ".css"):
            text = path.read_text(encoding="utf-8")
            failures += [
                f"{file_name}: mentions {host}"
                for host in ("fonts.googleapis", "fonts.gstatic")
                if host in text
            ]
    assert not failures, "the site loads from the network:\n" + "\n".join(failures)


# --- 3. required files ------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUILDS)
def test_every_promised_file_is_there(name: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(name)
    keys = pattern_keys(built.root)
    assert keys
    required = [
        "index.html",
        "404.html",
        "search/index.html",
        "browse/a-z/index.html",
        *(f"browse/{facet}/index.html" for facet in FACET_KEYS),
        *(f"patterns/{key}/index.html" for key in keys),
        "api/patterns.json",
        "api/graph.json",
        "schema/pattern.schema.json",
        "pagefind/pagefind-ui.js",
    ]
    missing = [path for path in required if not (built.site / path).is_file()]
    assert not missing, f"missing from {built.site}: {missing}"
    schema = ROOT / "schema" / "pattern.schema.json"
    assert (built.site / "schema" / "pattern.schema.json").read_bytes() == schema.read_bytes()


@pytest.mark.parametrize("name", BUILDS)
def test_patterns_json_holds_every_pattern_with_its_scores(
    name: str, request: pytest.FixtureRequest
) -> None:
    built: Built = request.getfixturevalue(name)
    library = load_library([built.root / "patterns"], root=built.root)
    assessments = score(library)
    data = json.loads((built.site / "api" / "patterns.json").read_text(encoding="utf-8"))
    assert [p["slug"] for p in data] == pattern_keys(built.root)
    assert assessments
    for entry in data:
        expected = assessments.get(entry["slug"])
        got = entry["assessment"]
        if expected is None:
            assert got is None, entry["slug"]
            continue
        assert (got["overall"], got["alignment"]) == (expected.overall, expected.alignment)
        assert got["scores"] == {s.key: s.score for s in expected.scores}


@pytest.mark.parametrize("name", BUILDS)
def test_graph_json_has_both_directions(name: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(name)
    library = load_library([built.root / "patterns"], root=built.root)
    data = json.loads((built.site / "api" / "graph.json").read_text(encoding="utf-8"))
    assert sorted(node["id"] for node in data["nodes"]) == pattern_keys(built.root)
    edges = {(e["source"], e["kind"], e["target"]): e["stated"] for e in data["edges"]}
    assert edges == {(e.source, e.kind, e.target): e.stated for e in link(library).edges}
    assert any(edges.values()), "no stated edge"
    missing = [
        (source, kind, target)
        for (source, kind, target), stated in edges.items()
        if stated and (target, INVERSE[kind], source) not in edges
    ]
    assert not missing, f"stated edges without their inverse: {missing}"


def test_graph_json_lists_inferred_edges(edges: Built) -> None:
    data = json.loads((edges.site / "api" / "graph.json").read_text(encoding="utf-8"))
    inferred = {(e["source"], e["kind"], e["target"]) for e in data["edges"] if not e["stated"]}
    assert inferred == {
        ("alpha", "specializes_to", "beta"),  # beta generalizes_from alpha
        ("beta", "requires", "delta"),  # delta enables beta
        ("gamma", "requires", "alpha"),  # alpha enables gamma
    }
    assert data["dangling"] == [{"source": "alpha", "kind": "related", "target": "nowhere"}]


# --- 4. size ----------------------------------------------------------------------------------


def test_pattern_pages_link_only_to_related_patterns(fixture: Built) -> None:
    library = load_library([fixture.root / "patterns"], root=fixture.root)
    graph = link(library)
    assessments = score(library)
    keys = pattern_keys(fixture.root)
    failures = []
    for key in keys:
        name = f"patterns/{key}/index.html"
        page = parse_page(fixture.site / name)
        linked = set()
        for _, _, url in page.refs:
            target = resolve(fixture.site, name, url)
            match = re.fullmatch(r"patterns/([^/]+)/index\.html", getattr(target, "file", ""))
            if match:
                linked.add(match.group(1))
        allowed = {e.target for e in graph.edges_from(key)} | {key}
        if key in assessments:  # and its 5 similar profiles (generator/site/pictures.py)
            allowed |= {p.key for p, _ in pictures.profiles(library, assessments).similar(key)}
        if linked - allowed:
            failures.append(f"{name} links to unrelated patterns {sorted(linked - allowed)}")
    # beta is related to alpha only: a page listing every pattern would link it to gamma too.
    assert {e.target for e in graph.edges_from("beta")} == {"alpha"}
    assert not failures, "\n".join(failures)


def test_median_pattern_page_is_small(starter: Built) -> None:
    sizes = [
        (starter.site / "patterns" / key / "index.html").stat().st_size
        for key in pattern_keys(starter.root)
    ]
    median = statistics.median(sizes)
    print(f"median pattern page of the starter library: {median / 1024:.1f} KB "
          f"({len(sizes)} pages, {min(sizes)}-{max(sizes)} bytes)")
    assert median < MAX_MEDIAN_PAGE


# --- 5. determinism ---------------------------------------------------------------------------


# The site library has more filter values for Pagefind to index than the fixture library.
@pytest.mark.parametrize("name", ["fixture", "edges"])
def test_two_builds_are_byte_identical(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    built: Built = request.getfixturevalue(name)
    # The first build rendered on one core, this one on two: the same bytes either way.
    again = build(
        built.root, site_dir=tmp_path / "elsewhere" / "site", keep_going=True, jobs=2
    ).site
    first, second = snapshot(built.site), snapshot(again)
    assert len(first) > 20
    changed = differences(first, second)
    assert not changed, "two builds differ:\n" + "\n".join(changed)


# --- 6. atomicity -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A fixture library built into a folder of its own (nothing else beside the site)."""
    root = _write_library(tmp_path_factory.mktemp("published"))
    return Built(root, build(root, site_dir=root / "out" / "site").site)


def _assert_untouched(site: Path, before: dict[str, bytes | None]) -> None:
    changed = differences(before, snapshot(site))
    assert not changed, "a failed build changed the site:\n" + "\n".join(changed)
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"], "staging left behind"


def test_invalid_library_leaves_the_site_untouched(published: Built, tmp_path: Path) -> None:
    before = snapshot(published.site)
    broken = _write_library(tmp_path / "broken")
    _replace(broken / "patterns" / "beta.md", "summary: A fixture pattern.",
             "summary: A fixture pattern.\nsumary: typo")
    with pytest.raises(BuildError, match=r"patterns/beta\.md:7:1: error\[schema\] sumary"):
        build(broken, site_dir=published.site)
    _assert_untouched(published.site, before)


@pytest.mark.parametrize("jobs", [1, 2])
def test_mkdocs_failure_leaves_the_site_untouched(
    published: Built, tmp_path: Path, jobs: int
) -> None:
    before = snapshot(published.site)
    # A link to a page that does not exist: MkDocs warns, and strict mode makes it fail.
    broken = _write_library(tmp_path / "broken")
    _replace(broken / "patterns" / "beta.md", "Keep fixtures small.",
             "Keep fixtures small, see [nothing](nothing.md).")
    with pytest.raises(BuildError, match="MkDocs failed"):
        build(broken, site_dir=published.site, jobs=jobs)
    _assert_untouched(published.site, before)


def _fail(*args: object) -> None:
    raise BuildError("failed on purpose")


def _interrupt(*args: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("stage", "error", "raiser"),
    [
        ("_mkdocs", BuildError, _fail),
        ("_pagefind", BuildError, _fail),
        ("_pagefind", KeyboardInterrupt, _interrupt),
    ],
)
def test_failing_stage_leaves_the_site_untouched(
    published: Built,
    monkeypatch: pytest.MonkeyPatch,
    stage: str,
    error: type[BaseException],
    raiser: Callable[..., None],
) -> None:
    before = snapshot(published.site)
    monkeypatch.setattr(generator.site.build, stage, raiser)
    with pytest.raises(error):
        build(published.root, site_dir=published.site)
    _assert_untouched(published.site, before)


# --- 7. escaping ------------------------------------------------------------------------------

HOSTILE_TITLE = 'Alpha <script>alert(1)</script> & "Co"'
HOSTILE_ALIAS = "<img src=x onerror=alert(1)>"
HOSTILE_RATIONALE = "<b>bold</b>"
HOSTILE_SUMMARY = '"><i>summary</i>'  # would end a quoted attribute, then add an element


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The fixture library with markup in a title, an alias, a summary and a rationale."""
    root = _write_library(tmp_path_factory.mktemp("hostile"))
    patterns = root / "patterns"
    _replace(patterns / "alpha.md", "title: Alpha", f"title: {json.dumps(HOSTILE_TITLE)}")
    _replace(patterns / "alpha.md", "aliases: []", f"aliases: [{json.dumps(HOSTILE_ALIAS)}]")
    _replace(patterns / "alpha.md", "summary: A fixture pattern.",
             f"summary: {json.dumps(HOSTILE_SUMMARY)}")
    _replace(patterns / "gamma.md", "rationale: Shared by all.",
             f"rationale: {json.dumps(HOSTILE_RATIONALE)}")
    return Built(root, build(root).site)


def test_markup_in_front_matter_is_escaped(hostile: Built) -> None:
    alpha = (hostile.site / "patterns" / "alpha" / "index.html").read_text(encoding="utf-8")
    gamma = (hostile.site / "patterns" / "gamma" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in alpha
    assert "&lt;img src=x onerror=alert(1)&gt;" in alpha
    assert "&#34;&gt;&lt;i&gt;summary&lt;/i&gt;" in alpha
    assert "&lt;b&gt;bold&lt;/b&gt;" in gamma
    failures = []
    for name, path in site_files(hostile.site, "*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            failures += [
                f"{name}:{number}: {line.strip()[:120]}"
                for raw in ("<script>alert", "<img src=x", "<b>bold</b>", "<i>summary</i>")
                if raw in line
            ]
    assert not failures, "markup from the front matter reached the HTML:\n" + "\n".join(failures)


def test_data_files_keep_the_raw_strings(hostile: Built) -> None:
    data = json.loads((hostile.site / "api" / "patterns.json").read_text(encoding="utf-8"))
    by_slug = {entry["slug"]: entry for entry in data}
    assert by_slug["alpha"]["front_matter"]["title"] == HOSTILE_TITLE
    assert by_slug["alpha"]["front_matter"]["aliases"] == [HOSTILE_ALIAS]
    assert by_slug["alpha"]["summary"] == HOSTILE_SUMMARY
    assert by_slug["gamma"]["assessment"]["rationales"]["purpose"] == HOSTILE_RATIONALE
    graph = json.loads((hostile.site / "api" / "graph.json").read_text(encoding="utf-8"))
    assert {n["id"]: n["title"] for n in graph["nodes"]}["alpha"] == HOSTILE_TITLE


# --- 8. golden render -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("golden", "patterns"),
    [("fixture-library", VALID_LIBRARY), ("site-library", SITE_LIBRARY)],
)
def test_render_matches_golden(golden: str, patterns: Path) -> None:
    # root= makes every pattern's path relative to the fixtures, wherever the repository is.
    library = load_library([patterns], root=patterns.parent)
    outputs = render(library, score(library), link(library), SiteConfig(site_name="Test Library"))
    actual = {output.path: _readable(output.path, output.text) for output in outputs}
    assert len(actual) == len(outputs), "two outputs share a path"
    folder = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(folder, ignore_errors=True)
        for path, text in actual.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_bytes(text.encode("utf-8"))
    expected = {
        name: _readable(name, path.read_bytes().decode("utf-8"))
        for name, path in site_files(folder)
    }
    assert sorted(actual) == sorted(expected), f"outputs differ from the files in {folder}"
    diffs = []
    for path, text in actual.items():
        if text != expected[path]:
            diffs += difflib.unified_diff(
                expected[path].splitlines(keepends=True), text.splitlines(keepends=True),
                f"golden/{path}", f"rendered/{path}",
            )
    assert not diffs, "render output differs (UPDATE_GOLDEN=1 to accept):\n" + "".join(diffs)


def _readable(path: str, text: str) -> str:
    """Data files are published compact; goldens keep them indented, to review their diffs."""
    if not path.endswith(".json"):
        return text
    return json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def test_output_paths_are_unique(tmp_path: Path) -> None:
    # A valid domain named "index" must not share a path with the domain facet's index page.
    root = _write_library(tmp_path)
    _replace(root / "patterns" / "beta.md", "domain: startup", "domain: index")
    library = load_library([root / "patterns"], root=root)
    assert not [p for p in validate(library) if p.severity == "error"]
    outputs = render(library, score(library), link(library), SiteConfig(site_name="Test Library"))
    paths = [output.path for output in outputs]
    shared = sorted({path for path in paths if paths.count(path) > 1})
    assert not shared, f"two outputs would be written to {shared}"


# --- 9. the command line ----------------------------------------------------------------------

DANGLING_LINE = (
    "patterns/alpha.md:24:18: error[dangling-link] related[1]: 'nowhere' is not a pattern in "
    "this library"
)


def test_build_with_errors_exits_1_and_writes_nothing(tmp_path: Path, cli: Cli) -> None:
    root = _write_library(tmp_path / "lib", SITE_LIBRARY)
    before = snapshot(tmp_path)
    result = cli("build", "--root", str(root))
    assert result.exit_code == 1
    assert DANGLING_LINE in result.output.splitlines()
    assert differences(before, snapshot(tmp_path)) == []


def test_keep_going_builds_and_shows_dangling_targets_unlinked(edges: Built) -> None:
    assert DANGLING_LINE in edges.output.splitlines()
    page_file = edges.site / "patterns" / "alpha" / "index.html"
    html = page_file.read_text(encoding="utf-8")
    page = parse_page(page_file)
    assert re.search(r'<span class="pl-dangling"[^>]*>nowhere</span>', html)
    assert [(href, text) for href, text in page.anchors
            if "nowhere" in href or "nowhere" in text] == []
    assert ("../gamma/", "Gamma") in page.anchors  # the target beside it in the same list


def _relations(page_file: Path) -> list[tuple[str, list[str]]]:
    """The Relationships section of a pattern page: label -> the texts listed under it
    (without the entries' alignment badges), shown or folded away."""
    html = page_file.read_text(encoding="utf-8")
    section = html.split('id="relationships"', 1)[1].split("</section>", 1)[0]
    groups = re.split(r"<h3[^>]*>", section)[1:]
    out = []
    for group in groups:
        label = re.sub(r' <span class="pl-count">[\d,]+</span>', "", group.split("</h3>", 1)[0])
        items = re.findall(r"<li>(.*?)</li>", group, re.S)
        items = [re.sub(r' <span class="pl-level[^"]*"[^>]*>[^<]*</span>', "", i) for i in items]
        out.append((label, [re.sub(r"<[^>]+>", "", i) for i in items]))
    return out


def test_pattern_pages_name_inferred_links_from_their_side(edges: Built) -> None:
    pages = edges.site / "patterns"
    assert _relations(pages / "alpha" / "index.html") == [
        ("Specialized by", ["Beta"]),  # beta generalizes_from alpha; alpha does not say so
        ("Enables", ["Gamma"]),
        ("Related", ["Gamma", "nowhere (not in this library)"]),
    ]
    assert _relations(pages / "beta" / "index.html") == [
        ("Generalizes from", ["Alpha"]),
        ("Enabled by", ["Delta &lt;em&gt;&amp;&lt;/em&gt; &#34;Co&#34;"]),
    ]
    assert _relations(pages / "gamma" / "index.html") == [
        ("Enabled by", ["Alpha"]),
        ("Related", ["Alpha"]),
    ]


def test_a_body_link_to_another_pattern_file_leads_to_its_page(tmp_path: Path) -> None:
    # On GitHub, [beta](beta.md) opens the file; on the site it opens beta's page.
    root = _write_library(tmp_path / "lib")
    _replace(root / "patterns" / "alpha.md", "Keep fixtures small.",
             "Keep fixtures small, as [beta](beta.md) and [its overview](beta.md#1-overview) do.")
    site = build(root, jobs=1).site
    page = (site / "patterns" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../beta/">beta</a>' in page
    assert '<a href="../beta/#1-overview">its overview</a>' in page


def test_home_page_counts_say_what_the_library_holds() -> None:
    from generator.library.link import link
    from generator.library.load import load_library
    from generator.library.score import score
    from generator.site.render import SiteConfig, render

    library = load_library([VALID_LIBRARY])
    assessments = score(library)
    one = {key: assessments[key] for key in sorted(assessments)[:1]}

    def home(scored: dict[str, object]) -> str:
        outputs = render(library, scored, link(library), SiteConfig("Lib"))  # type: ignore[arg-type]
        return next(o.text for o in outputs if o.path == "index.md")

    assert "3 patterns, each scored on the 7 Pillars" in home(dict(assessments))
    partly = home(dict(one))
    assert "3 patterns, 1 of them scored so far on the 7 Pillars" in partly
    assert "<p><strong>1</strong> domain</p>" in partly  # the fixtures share one domain
    assert "3 patterns, to be scored on the 7 Pillars" in home({})


def test_titles_beyond_the_basic_plane_keep_the_page_whole(tmp_path: Path) -> None:
    # JSON writes 😀 as a surrogate pair, which YAML refuses: the page's front matter (and with
    # it "this is a pattern page") would be dropped by MkDocs without a word.
    root = _write_library(tmp_path / "lib")
    _replace(root / "patterns" / "alpha.md", "title: Alpha", "title: \"Alpha \U0001f331 grows\"")
    site = build(root, jobs=1).site
    page = (site / "patterns" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "<title>Alpha \U0001f331 grows - Test Library</title>" in page
    assert "data-pagefind-body" in page  # still published as a pattern page
    assert '<h1 id="alpha">Alpha \U0001f331 grows</h1>' in page
    listing = (site / "browse" / "a-z" / "index.html").read_text(encoding="utf-8")
    assert "Alpha \U0001f331 grows" in listing
