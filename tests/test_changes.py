"""The "what changed" page (`build --compare-with`): two builds of a small library where one
pattern is added, one removed, one renamed, one retitled and one rescored; the page lists
exactly those, whether the previous build is read from its folder, its api/patterns.json or
its URL (a local server); a previous build that cannot be read stops the build cleanly.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ViewportSize, expect

from generator.library.load import load_library
from generator.site.build import build
from generator.site.changes import (
    Changes,
    CompareError,
    changes_pages,
    compare,
    load_previous,
)
from generator.site.render import PAGE_SIZE, body_hash
from tests.browser import BROWSER_TESTS, DESKTOP, new_context, serve
from tests.conftest import VALID_LIBRARY, Edit
from tests.test_site import Cli, differences, parse_page, snapshot

PILLARS = ("Purpose", "Governance", "Culture", "Incentives", "Knowledge", "Technology",
           "Resilience")
BALANCED = (3, 3, 3, 3, 3, 3, 3)  # level 3
ALIGNED = (4, 4, 4, 4, 3, 3, 3)  # 25/7: level 4
PHONE: ViewportSize = {"width": 390, "height": 844}


def _pattern(slug: str, title: str, n: int, scores: tuple[int, ...] = BALANCED,
             extra: str = "") -> str:
    """A valid pattern with no links, built from the fixture library's alpha."""
    text = (VALID_LIBRARY / "alpha.md").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", f"id: pat_change{n:08d}", text, count=1)
    text = re.sub(r"(?m)^title: .*$", f"title: {title}{extra}", text, count=1)
    text = re.sub(r"(?m)^slug: .*$", f"slug: {slug}", text, count=1)
    text = re.sub(r"(?m)^  commons_alignment: .*\n", "", text, count=1)
    text = re.sub(r"(?m)^(generalizes_from|specializes_to|enables|requires|related): .*$",
                  r"\1: []", text)
    rows = "".join(f"| {p} | {s} | Because. |\n" for p, s in zip(PILLARS, scores, strict=True))
    return re.sub(r"(?s)(\|---\|---\|---\|\n).*?(\n## 6)", lambda m: m[1] + rows + m[2], text)


def _write(root: Path, patterns: dict[str, str]) -> None:
    folder = root / "patterns"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for slug, text in patterns.items():
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Changing Library\n", encoding="utf-8")


BEFORE = {
    "keep": _pattern("keep", "Keep", 1),
    "retitle": _pattern("retitle", "Retitled Before", 2),
    "rescore": _pattern("rescore", "Rescored", 3),
    "old-name": _pattern("old-name", "Moving", 4),
    "gone": _pattern("gone", "Gone Away", 5),
}
AFTER = {
    "keep": BEFORE["keep"],
    "retitle": _pattern("retitle", "Retitled After", 2),
    "rescore": _pattern("rescore", "Rescored", 3, ALIGNED),
    "new-name": _pattern("new-name", "Moving", 4, extra="\nformer_slugs: [old-name]"),
    "fresh": _pattern("fresh", "Fresh", 6),
}


class Builds(NamedTuple):
    """The library after its change, its first site, and the second site built comparing."""

    root: Path
    first: Path  # a copy of the first build's site (the second replaced the original)
    second: Path


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """Build BEFORE, then AFTER into the same folder, compared with the site it replaces."""
    root = tmp_path_factory.mktemp("changing")
    _write(root, BEFORE)
    site = build(root).site
    first = tmp_path_factory.mktemp("first") / "site"
    shutil.copytree(site, first)
    _write(root, AFTER)
    build(root, compare_with=str(site))
    return Builds(root, first, site)


def _section(html: str, key: str) -> list[str]:
    """The entries of one section of the changes page, as text with their links."""
    found = re.search(rf'<ul class="pl-list pl-changes pl-changes--{key}">(.*?)</ul>', html,
                      re.S)
    if found is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", found[1], re.S)
    out = []
    for item in items:
        item = re.sub(r'<a class="pl-level[^"]*" href="[^"]*"[^>]*>(.*?)</a>', r"[\1]", item)
        item = re.sub(r'<a href="([^"]*)">(.*?)</a>', r"\2 (\1)", item)
        out.append(re.sub(r"<[^>]+>", "", item.replace("<br>", " | ")))
    return out


def test_page_lists_exactly_what_changed(builds: Builds) -> None:
    html = (builds.second / "changes" / "index.html").read_text(encoding="utf-8")
    assert "Since the previous build (5 patterns; 5 now): 1 added, 2 changed, 1 renamed, " \
           "1 removed." in html
    assert _section(html, "added") == [
        "Fresh (../patterns/fresh/) [3 · Balanced] | A fixture pattern."]
    assert _section(html, "changed") == [
        "Rescored (../patterns/rescore/) [4 · Aligned] | "
        "changed: scores; alignment level 3 · Balanced → 4 · Aligned",
        "Retitled After (../patterns/retitle/) [3 · Balanced] | "
        "changed: title (was “Retitled Before”)",
    ]
    assert _section(html, "renamed") == [
        "Moving (../patterns/new-name/) [3 · Balanced] | renamed from old-name to new-name"]
    # A removed pattern has no page: its title and former slug, as text.
    assert _section(html, "removed") == ["Gone Away gone"]
    assert "Keep" not in html.split('<article', 1)[1]
    # Every link on it leads to a page of this site.
    page = parse_page(builds.second / "changes" / "index.html")
    for href, _ in page.anchors:
        if href.startswith("../patterns/"):
            assert (builds.second / "changes" / href / "index.html").resolve().is_file(), href


def test_home_and_navigation_link_to_it_only_when_compared(builds: Builds) -> None:
    home = (builds.second / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="changes/">What changed since the previous build</a> '
                     r"\(1 added, 2 changed, 1 renamed, 1 removed\)", home)
    assert re.search(r'<a href="changes/" class="md-nav__link">\s*<span class="md-ellipsis">'
                     r"\s*What changed", home)
    first = (builds.first / "index.html").read_text(encoding="utf-8")
    assert "changes/" not in first
    assert "What changed" not in first
    assert not (builds.first / "changes").exists()


def test_previous_build_read_from_its_file_or_its_url_gives_the_same_site(
    builds: Builds, tmp_path: Path
) -> None:
    from_folder = load_previous(str(builds.first))
    assert load_previous(str(builds.first / "api" / "patterns.json")) == from_folder
    assert [r["slug"] for r in from_folder] == sorted(BEFORE)
    # Published under a sub-path, as a GitHub Pages project site is.
    with serve(builds.first, "/library/") as url:
        assert load_previous(url + "api/patterns.json") == from_folder
        assert load_previous(url.rstrip("/")) == from_folder
        site = build(builds.root, site_dir=tmp_path / "site", compare_with=url).site
    assert differences(snapshot(builds.second), snapshot(site)) == []


def test_page_is_the_same_in_two_builds(builds: Builds, tmp_path: Path) -> None:
    again = build(builds.root, site_dir=tmp_path / "site",
                  compare_with=str(builds.first / "api" / "patterns.json")).site
    assert differences(snapshot(builds.second), snapshot(again)) == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("kind", ["unreachable", "not json", "not ours", "no site", "404"])
def test_unreadable_previous_build_stops_cleanly(
    builds: Builds, tmp_path: Path, cli: Cli, kind: str
) -> None:
    site = tmp_path / "out" / "site"
    shutil.copytree(builds.first, site)
    before = snapshot(site)
    (tmp_path / "page.json").write_text("<!doctype html><title>Hi</title>\n", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"nodes": []}\n', encoding="utf-8")
    with serve(builds.first) as url:
        source, message = {
            "unreachable": (f"http://127.0.0.1:{_closed_port()}/",
                            r"api/patterns\.json: cannot fetch it \(.*refused.*\)"),
            "not json": (str(tmp_path / "page.json"),
                         r"page\.json:1:1: not JSON \(Expecting value\); not a patternlib "
                         r"api/patterns\.json"),
            "not ours": (str(tmp_path / "other.json"),
                         r"other\.json: not a patternlib api/patterns\.json \(a JSON dict, "
                         r"not a list of patterns\)"),
            "no site": (str(tmp_path),  # a folder without api/patterns.json
                        r"/api/patterns\.json: cannot read it \(No such file"),
            "404": (url + "nothing/", r"nothing/api/patterns\.json: HTTP 404"),
        }[kind]
        result = cli("build", "--root", str(builds.root), "--site-dir", str(site),
                     "--compare-with", source)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert re.fullmatch(r"Error: --compare-with .*" + message + ".*", lines[0]), lines[0]
    assert differences(before, snapshot(site)) == []
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"], "staging left behind"


# --- compare and the pages, without building ---------------------------------------------------


def _record(slug: str, n: int, **front: Any) -> dict[str, Any]:
    return {
        "slug": slug, "url": f"patterns/{slug}/", "summary": "S.", "body_sha256": "a" * 64,
        "front_matter": {"id": f"pat_{n:08d}", "slug": slug, "title": slug.title(), **front},
        "assessment": None, "links": [], "dangling": [],
    }


def test_every_kind_of_field_is_named() -> None:
    old = _record("a", 1, classification={"status": "draft", "domain": "x"}, related=["b"],
                  version="1.0.0")
    new = _record("a", 1, classification={"status": "review", "domain": "x"}, related=[],
                  version="1.1.0")
    new.update(summary="T.", body_sha256="b" * 64, assessment={
        "scores": {"purpose": 3}, "rationales": {"purpose": "x"}, "alignment": 3,
        "level": "Balanced"})
    (change,) = compare([old], [new]).changed
    assert change.fields == ("summary", "alignment", "scores", "rationales", "relationships",
                             "body", "classification.status", "version")
    assert change.alignment == (None, 3)


def test_body_hash_leaves_the_scores_to_their_own_fields(library: Path, edit: Edit) -> None:
    def hashes() -> list[str]:
        return [body_hash(p) for p in load_library([library]).patterns]

    first = hashes()
    edit("alpha.md", "| Purpose | 4 | Serves everyone", "| Purpose | 5 | Serves everyone")
    assert hashes() == first
    edit("alpha.md", "Keep fixtures small.", "Keep fixtures smaller.")
    after = hashes()
    assert (after[0] != first[0], after[1:]) == (True, first[1:])


def test_a_build_without_body_hashes_is_compared_without_bodies() -> None:
    old = _record("a", 1)
    del old["body_sha256"]
    assert compare([old], [_record("a", 1)]).total == 0


def test_patterns_without_ids_or_sharing_one_are_matched_by_slug() -> None:
    old = [_record("a", 1), _record("b", 1)]  # a --keep-going build: duplicate ids
    new = [_record("a", 1), _record("b", 1, title="Bee")]
    for records in (old, new):
        del records[0]["front_matter"]["id"]
    changes = compare(old, new)
    assert ([c.slug for c in changes.changed], changes.added, changes.removed) == (["b"], (), ())


def test_long_lists_go_on_pages_of_their_own() -> None:
    count = 2 * PAGE_SIZE + 5
    old = [_record(f"p{n:04d}", n) for n in range(count)] + [_record("gone", 9999)]
    new = [_record(f"p{n:04d}", n, version="2") for n in range(count)]
    changes = compare(old, new)
    outputs = {o.path: o.text for o in changes_pages(changes, new)}
    assert sorted(outputs) == ["changes.md", "changes/changed.md", "changes/changed/page-2.md",
                               "changes/changed/page-3.md", "changes/removed.md"]
    index = outputs["changes.md"]
    assert '<a href="changed/">Changed</a></td><td>405</td>' in index
    assert "<td>Added</td><td>0</td>" in index
    assert "pl-changes--" not in index  # the lists are on their own pages
    assert outputs["changes/changed/page-3.md"].count("<li>") == 5
    assert outputs["changes/changed.md"].count("<li>") == PAGE_SIZE
    assert "Patterns 201-400 of 405." in outputs["changes/changed/page-2.md"]
    assert '<a href="../../../patterns/p0200/">P0200</a>' in outputs["changes/changed/page-2.md"]
    assert '<a href="../../">Every change since the previous build</a>' in \
        outputs["changes/changed/page-2.md"]


def test_nothing_changed_says_so() -> None:
    records = [_record("a", 1)]
    changes = compare(records, records)
    assert changes == Changes(1, 1, (), (), (), ())
    (page,) = changes_pages(changes, records)
    assert "No pattern was added, changed, renamed or removed." in page.text


def test_front_matter_text_from_the_previous_build_is_escaped() -> None:
    old = [_record("a", 1, title="<script>x</script>")]
    (page,) = changes_pages(compare(old, []), [])
    assert "&lt;script&gt;x&lt;/script&gt;" in page.text
    assert "<script>" not in page.text


def test_previous_data_in_json_keeps_its_shape(tmp_path: Path) -> None:
    path = tmp_path / "patterns.json"
    path.write_text(json.dumps([{"slug": "a"}]), encoding="utf-8")
    with pytest.raises(CompareError, match=r"item 0 has no slug and front_matter"):
        load_previous(str(path))


# --- in the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_changes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a site whose changes page is long: PAGE_SIZE + 10 patterns retitled."""
    root = tmp_path_factory.mktemp("long")
    count = PAGE_SIZE + 10
    _write(root, {f"p-{n:03d}": _pattern(f"p-{n:03d}", f"Pattern {n:03d}", n)
                  for n in range(count)})
    first = build(root, site_dir=root / "first").site
    _write(root, {f"p-{n:03d}": _pattern(f"p-{n:03d}", f"Item {n:03d}", n)
                  for n in range(count)})
    with serve(build(root, compare_with=str(first)).site) as url:
        yield url


@BROWSER_TESTS
def test_no_serious_violation_in_light_and_dark(
    browser: Browser, builds: Builds, long_changes: str
) -> None:
    found = []
    with serve(builds.second) as url:
        pages = [url + "changes/", long_changes + "changes/", long_changes + "changes/changed/",
                 long_changes + "changes/changed/page-2/"]
        for scheme in ("light", "dark"):
            for viewport in (DESKTOP, PHONE):
                context = new_context(browser, viewport)
                page = context.new_page()
                page.emulate_media(color_scheme="dark" if scheme == "dark" else "light")
                for address in pages:
                    page.goto(address)
                    page.locator("main h1").wait_for()
                    found += [
                        f"{address} ({scheme}, {viewport['width']}): {v['id']} ({v['impact']})"
                        for v in Axe().run(page).response["violations"]
                        if v["impact"] in ("serious", "critical")
                    ]
                context.close()
    assert found == []


@BROWSER_TESTS
def test_reader_goes_from_home_to_the_changes_and_on(browser: Browser, builds: Builds) -> None:
    page = new_context(browser).new_page()
    with serve(builds.second) as url:
        page.goto(url)
        page.get_by_role("link", name="What changed since the previous build").click()
        expect(page).to_have_url(url + "changes/")
        expect(page.locator("main h1")).to_have_text("What changed")
        page.get_by_role("link", name="Retitled After").click()
        expect(page).to_have_url(url + "patterns/retitle/")
    page.context.close()
