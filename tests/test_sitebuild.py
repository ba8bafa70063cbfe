"""MkDocs' work that patternlib does itself must give MkDocs' own result.

Two shortcuts in generator/site/sitebuild.py: pages written in HTML alone (the browse pages)
are not read by Python-Markdown, and the navigation of pages it does not list is drawn once per
folder. Each is compared here with what MkDocs does without it, on the starter library.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from mkdocs.structure.pages import Page

from generator.library.link import link
from generator.library.score import score
from generator.library.validate import check_library
from generator.site import build as site_build
from generator.site import sitebuild
from generator.site.render import SiteConfig
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter library's docs folder, as the build writes it."""
    folder = tmp_path_factory.mktemp("docs")
    library = check_library([ROOT / "patterns"], root=ROOT).library
    pages = site_build.Pages(library, score(library), link(library), SiteConfig(site_name="T"))
    site_build._write_docs(folder, pages, jobs=1)
    return folder


def test_html_pages_are_what_python_markdown_makes_of_them(docs: Path, tmp_path: Path) -> None:
    config = site_build.mkdocs_config(ROOT / "mkdocs.yml", docs, tmp_path / "site",
                                      strict=True)
    job = sitebuild._prepare(config)
    compared = 0
    for page in job.pages:
        if page.markdown is None:
            sitebuild._populate_page(page, config, job.files)
        if page.meta.get("html") is not True:
            continue
        ours = (page.content, [dict(item) for item in page.toc], page.present_anchor_ids,
                page.links_to_anchors, page.title)
        Page.render(page, config, job.files)  # MkDocs' own: Python-Markdown
        theirs = (page.content, [dict(item) for item in page.toc], page.present_anchor_ids,
                  page.links_to_anchors, page.title)
        assert ours == theirs, page.file.src_uri
        compared += 1
    # Every browse page: the A to Z letters, and each facet's index and value pages.
    assert compared >= 20
    assert any(p.file.src_uri == "browse/a-z/index.md" and p.meta.get("html") is True
               for p in job.pages)


def _site(out: Path) -> dict[str, bytes]:
    site_build.build(ROOT, site_dir=out, jobs=1)
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*.html")) if p.is_file()}


def test_the_navigation_drawn_once_is_the_one_drawn_for_each_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    draws: list[str] = []
    once = sitebuild._draw_navigation_once

    def counted(env: Any, nav: Any, in_nav: set[int]) -> None:
        template = env.get_template("partials/nav.html")
        draw = template.root_render_func

        def counting(context: Any) -> Any:
            draws.append(getattr(context.get("page"), "url", ""))
            return draw(context)

        template.root_render_func = counting
        once(env, nav, in_nav)

    monkeypatch.setattr(sitebuild, "_draw_navigation_once", counted)
    cached = _site(tmp_path / "cached")
    drawn = len(draws)
    monkeypatch.setattr(sitebuild, "_draw_navigation_once", lambda env, nav, in_nav: None)
    plain = _site(tmp_path / "plain")

    assert sorted(cached) == sorted(plain)
    for name, content in plain.items():
        assert cached[name] == content, name
    drawn_pages = [name for name, content in plain.items() if b"md-nav--primary" in content]
    pattern_pages = [name for name in drawn_pages
                     if name.startswith("patterns/") and name.count("/") == 2]
    assert len(pattern_pages) == len(list((ROOT / "patterns").glob("*.md")))
    # One drawing for all the pattern pages (one folder), one for each other page at most.
    assert drawn <= len(drawn_pages) - len(pattern_pages) + 1


def test_a_navigation_title_changed_in_serve_shows_on_every_page(tmp_path: Path) -> None:
    # A page the navigation lists without a title is shown under its own; after an edit of
    # it, `patternlib serve` renders pages again with the navigation drawn before.
    root = tmp_path / "library"
    shutil.copytree(ROOT / "patterns", root / "patterns")
    (root / "mkdocs.yml").write_text(
        "site_name: T\nnav:\n  - Home: index.md\n  - patterns/land-and-expand.md\n",
        encoding="utf-8")
    docs, site = tmp_path / "docs", tmp_path / "site"
    site_build.build(root, site_dir=site, docs_dir=docs, jobs=1)
    config = site_build.mkdocs_config(root / "mkdocs.yml", docs, site, strict=False)
    engine = sitebuild.Engine(config)
    other = site / "patterns" / "use-case-stairway" / "index.html"
    engine.render(["patterns/use-case-stairway.md"])  # its menu drawn by this engine
    assert "Land and Expand" in _menu(other)

    source = docs / "patterns" / "land-and-expand.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("title: Land and Expand", "title: Land and Grow", 1)
                      if "title: Land and Expand" in text else
                      text.replace('title: "Land and Expand"', 'title: "Land and Grow"', 1),
                      encoding="utf-8")
    engine.render(["patterns/land-and-expand.md", "patterns/use-case-stairway.md"])
    assert "Land and Grow" in _menu(other)
    assert "Land and Expand" not in _menu(other)


def _menu(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    start = text.index('<nav class="md-nav md-nav--primary"')
    return text[start : text.index("</nav>", start)]


def test_a_library_s_own_templates_turn_the_shortcut_off(docs: Path, tmp_path: Path) -> None:
    # A template of the library's own (custom_dir) may make the menu depend on the page.
    config = site_build.mkdocs_config(ROOT / "mkdocs.yml", docs, tmp_path / "site",
                                      strict=True)
    assert sitebuild._known_templates(config.theme.dirs)
    assert not sitebuild._known_templates([str(tmp_path), *config.theme.dirs])
