"""A library of hostile files, built with --keep-going, gives a site with nothing that runs.

tests/fixtures/hostile/patterns/ holds one file per threat (script injection in bodies, markup
and javascript: URLs in front matter, object-building and exploding YAML, path-like slugs,
a control character, a YAML-only line break) and links.md, a valid pattern linking to them
all. Files git should not carry between systems are added at test time: Windows device names,
a space and capitals in names, a symbolic link to /etc/hostname, invalid UTF-8, a 1.1 MiB
file, and a BOM with CRLF line endings (accepted). tests/fixtures/hostile/expected.txt is the
report of the committed files; after an intended change to messages:

    UPDATE_EXPECTED=1 .venv/bin/pytest tests/test_threat_site.py -k report

Every HTML file of the site is parsed (tests/threats.py: site_violations): scripts only from
the site's own bundles or Material's three known inline scripts, no on* attribute anywhere,
no javascript:/vbscript:/data:text/html URL, no <iframe>, <object>, <embed> or <style>.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import Result

from generator.library.report import as_text
from generator.site import redirects
from generator.site.build import BuildResult, build
from tests.conftest import FIXTURES
from tests.threats import (
    TEMPLATE,
    assert_build_refused,
    read_markup,
    site_pages,
    site_violations,
    strict_json,
)

HOSTILE = FIXTURES / "hostile"
EXPECTED = HOSTILE / "expected.txt"
COMMITTED = sorted(path.name for path in (HOSTILE / "patterns").glob("*.md"))
UNSAFE_NAME = "is not a safe pattern file name"


def _named(name: str) -> str:
    return TEMPLATE.replace("slug: alpha", f"slug: {name}").replace(
        "id: pat_aaaaaaaaaaaaaaaaaaaaaaaa", f"id: pat_{name.replace('-', '')}000000")


# Made at test time: name, how to make it, the error it must give ("" for an accepted file).
EXTRAS: dict[str, tuple[Callable[[Path], object], str]] = {
    "Con.md": (lambda p: p.write_text(TEMPLATE, encoding="utf-8"),
               f"patterns/Con.md:1:1: error[file-name] 'Con.md' {UNSAFE_NAME}"),
    "con.md": (lambda p: p.write_text(TEMPLATE, encoding="utf-8"),
               "patterns/con.md:1:1: error[file-name] 'con' is a reserved device name on Windows"),
    "a b.md": (lambda p: p.write_text(TEMPLATE, encoding="utf-8"),
               f"patterns/a b.md:1:1: error[file-name] 'a b.md' {UNSAFE_NAME}"),
    "UPPER.md": (lambda p: p.write_text(TEMPLATE, encoding="utf-8"),
                 f"patterns/UPPER.md:1:1: error[file-name] 'UPPER.md' {UNSAFE_NAME}"),
    "hostname.md": (lambda p: p.symlink_to("/etc/hostname"),
                    "patterns/hostname.md:1:1: error[symlink] symbolic link to a file outside "
                    "the patterns folder"),
    "invalid-utf8.md": (lambda p: p.write_bytes(_named("invalid-utf8").encode()
                                                .replace(b"Keep fixtures", b"Keep \xff")),
                        "patterns/invalid-utf8.md:43:6: error[encoding] not valid UTF-8: invalid "
                        "start byte"),
    "oversize.md": (lambda p: p.write_bytes(_named("oversize").encode()
                                            + b"<script>alert('oversize')</script>\n" * 33_000),
                    "patterns/oversize.md:1:1: error[file-size] file is 1,156,"),
    "bom-crlf.md": (lambda p: p.write_bytes(b"\xef\xbb\xbf" + _named("bom-crlf")
                                            .replace("\n", "\r\n").encode()), ""),
}


def add_extras(patterns: Path, names: list[str] | None = None) -> None:
    """Make the test-time files (all, or those named) in a patterns folder."""
    for name in names if names is not None else list(EXTRAS):
        EXTRAS[name][0](patterns / name)


def expected_lines(name: str) -> list[str]:
    """The error lines expected.txt holds for one committed file, as a build reports them."""
    return [f"patterns/{line}" for line in EXPECTED.read_text(encoding="utf-8").splitlines()
            if line.startswith(f"{name}:") and ": error[" in line]


def test_report_of_the_hostile_library(cli: Callable[..., Result]) -> None:
    result = cli("validate", "--no-cache", ".", cwd=HOSTILE / "patterns")
    if os.environ.get("UPDATE_EXPECTED"):
        EXPECTED.write_text(result.output, encoding="utf-8")
    assert result.output == EXPECTED.read_text(encoding="utf-8")
    assert result.exit_code == 1
    # Every file is refused for a reason of its own; links.md only for links to refused ones.
    assert all(expected_lines(name) for name in COMMITTED)
    assert all("error[dangling-link]" in line for line in expected_lines("links.md"))


@pytest.mark.parametrize(
    "name", [*COMMITTED, *(name for name in EXTRAS if EXTRAS[name][1])]
)
def test_each_hostile_file_stops_the_build_and_writes_nothing(name: str, tmp_path: Path) -> None:
    root = tmp_path / "library"
    (root / "patterns").mkdir(parents=True)
    shutil.copyfile(HOSTILE / "mkdocs.yml", root / "mkdocs.yml")
    if name in EXTRAS:
        add_extras(root / "patterns", [name])
        expected = [EXTRAS[name][1]]
    else:
        shutil.copyfile(HOSTILE / "patterns" / name, root / "patterns" / name)
        expected = expected_lines(name)
    assert_build_refused(root, *expected)


class Built(NamedTuple):
    """The hostile library and what `build --keep-going` made of it."""

    root: Path
    result: BuildResult


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build every hostile file, committed and made here, with --keep-going."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(HOSTILE / "patterns", root / "patterns")
    shutil.copyfile(HOSTILE / "mkdocs.yml", root / "mkdocs.yml")
    add_extras(root / "patterns")
    return Built(root, build(root, site_dir=root / "site", keep_going=True))


def test_keep_going_reports_every_refusal(built: Built) -> None:
    reported = [as_text(problem) for problem in built.result.problems]
    expected = [line for name in COMMITTED for line in expected_lines(name)]
    expected += [EXTRAS[name][1] for name in EXTRAS if EXTRAS[name][1]]
    missing = [want for want in expected if not any(line.startswith(want) for line in reported)]
    assert not missing, "\n".join(missing)


def test_site_has_no_executable_injected_markup(built: Built) -> None:
    failures = site_violations(built.result.site)
    assert not failures, "executable markup in the site:\n" + "\n".join(failures)


def test_unsafe_markup_is_removed_and_the_rest_of_each_body_published(built: Built) -> None:
    site = built.result.site
    unsafe = {problem.path.removeprefix("patterns/").removesuffix(".md")
              for problem in built.result.problems
              if problem.severity == "error" and problem.field == "body"}
    bodies = [name.removesuffix(".md") for name in COMMITTED
              if name.startswith(("body-", "control-character"))]
    assert unsafe == set(bodies)
    for key in bodies:
        page = read_markup((site / "patterns" / key / "index.html").read_text(encoding="utf-8"))
        text = " ".join(page.text)
        assert "Part of this pattern's text is not shown" in text, key  # the notice says so
        assert "Change one thing per broken file." in text, key  # and the rest is there
    # What would run is gone: tests/threats.py's site_violations over every page.
    assert site_violations(site) == []


def test_refused_files_have_no_page_and_no_data(built: Built) -> None:
    site = built.result.site
    pages = {path.name for path in (site / "patterns").iterdir() if path.is_dir()
             and redirects.MARK not in (path / "index.html").read_text(encoding="utf-8")[:200]}
    published = {name.removesuffix(".md") for name in COMMITTED
                 if not name.startswith("yaml-")} | {"bom-crlf"}
    assert pages == published
    data = strict_json((site / "api" / "patterns.json").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    assert {entry["slug"] for entry in data} == published
    hostname = Path("/etc/hostname").read_bytes().strip()
    leaked = [path.relative_to(site).as_posix() for path in site.rglob("*")
              if path.is_file() and hostname and hostname in path.read_bytes()
              and path.suffix in (".html", ".json", ".md", ".xml")]
    assert leaked == []


def test_data_files_hold_hostile_strings_only_as_data(built: Built) -> None:
    site = built.result.site
    data = {path.name: strict_json(path.read_text(encoding="utf-8"))
            for path in sorted((site / "api").glob("*.json"))}
    assert sorted(data) == ["explore.json", "graph-view.json", "graph.json", "patterns.json",
                            "pillars.json", "profiles.json", "slugs.json"]
    # The explore page's summaries: strict JSON too, the hostile summary among them as text.
    summaries = [strict_json(path.read_text(encoding="utf-8"))
                 for path in sorted((site / "api" / "explore").glob("*.json"))]
    assert summaries
    assert '"><svg onload=alert("front-matter-summary")>' in [
        text for part in summaries for text in part]
    entries = {entry["slug"]: entry for entry in data["patterns.json"]}
    front = entries["front-matter-markup"]["front_matter"]
    assert front["title"] == '<script>alert("front-matter-title")</script>'
    assert front["repository"] == 'javascript:alert("front-matter-repository")'
    assert front["sources"][0]["url"] == 'javascript:alert("front-matter-source-url")'
    assert entries["slug-parent"]["front_matter"]["slug"] == "../escape"
    assert entries["slug-parent"]["url"] == "patterns/slug-parent/"
    profiles = {p["slug"]: p for p in data["profiles.json"]["patterns"]}
    assert profiles["front-matter-markup"]["title"] == front["title"]
    # The 404 page's suggestions are file names, never what a slug field says.
    assert data["slugs.json"] == [entry["slug"] for entry in data["patterns.json"]]
    assert "../escape" not in data["slugs.json"]


def test_listings_show_hostile_titles_as_text(built: Built) -> None:
    pages = site_pages(built.result.site)
    for name in ("browse/a-z/index.html", "browse/domain/startup/index.html"):
        assert '<script>alert("front-matter-title")</script>' in "".join(pages[name].text)


def test_checker_finds_what_would_run(tmp_path: Path) -> None:
    # site_violations itself: each kind of violation in a made-up site is reported.
    (tmp_path / "assets" / "patternlib").mkdir(parents=True)
    (tmp_path / "assets" / "patternlib" / "ok.js").write_text("", encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<script src="assets/patternlib/ok.js"></script>'
        '<script src="https://cdn.example/x.js"></script><script src="../up.js"></script>'
        '<script>__md_scope=new URL(".",location)</script>'
        "<script>alert(1)</script><svg><a xlink:href=' javascript:alert(1)'></a></svg>"
        '<img src=x onerror=alert(1)><a href="java&#10;script:x">a</a><embed src=x>'
        '<form action="vbscript:x"></form><meta http-equiv="Refresh" content="0;url=x">'
        '<script type="application/json" id="__config">{"a": 1}</script>',
        encoding="utf-8",
    )
    (tmp_path / "other.html").write_text(
        '<script>__md_scope=new URL("..",location);alert(1)</script>', encoding="utf-8")
    assert site_violations(tmp_path) == [
        "index.html: <img onerror='alert(1)'>",
        "index.html: <a xlink:href=' javascript:alert(1)'>",
        "index.html: <a href='java\\nscript:x'>",
        "index.html: <form action='vbscript:x'>",
        "index.html: <embed>",
        "index.html: 0;url=x",
        "index.html: <script src='https://cdn.example/x.js'>",
        "index.html: <script src='../up.js'>",
        "index.html: inline <script> 'alert(1)'",
        "2 different inline scripts start with '__md_scope=new URL('",
    ]
