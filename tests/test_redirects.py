"""Stable URLs: /id/<id>/, former slugs and aliases redirect to the pattern's page, and the
validator keeps former slugs from taking a page's URL."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from playwright.sync_api import Page, expect

from generator.library.changed import validate_changed
from generator.library.load import load_library
from generator.library.validate import validate_files
from generator.site.build import build
from generator.site.redirects import alias_slug, redirects
from tests.browser import BROWSER_TESTS, serve
from tests.conftest import Edit

Cli = Callable[..., Result]
ALPHA_ID = "pat_aaaaaaaaaaaaaaaaaaaaaaaa"


def _rules(problems: object) -> list[str]:
    return [f"{p.path}:{p.line} {p.rule}" for p in problems]  # type: ignore[attr-defined]


def test_every_id_former_slug_and_free_alias_gets_a_redirect(library: Path, edit: Edit) -> None:
    edit("alpha.md", "aliases: []",
         'aliases: ["A & O", beta, Gamma]\nformer_slugs: [alfa, first]')
    edit("beta.md", "aliases: []", "aliases: [a & o]")  # the same URL as alpha's "A & O"
    found = {(r.path, r.target, r.why) for r in redirects(load_library([library]))}
    assert found == {
        (f"id/{ALPHA_ID}/", "patterns/alpha/", "id"),
        ("id/pat_bbbbbbbbbbbbbbbbbbbbbbbb/", "patterns/beta/", "id"),
        ("id/pat_cccccccccccccccccccccccc/", "patterns/gamma/", "id"),
        ("patterns/alfa/", "patterns/alpha/", "former slug"),
        ("patterns/first/", "patterns/alpha/", "former slug"),
        # "beta" and "gamma" are pages; "a-and-o" is claimed twice: no alias redirect at all
    }
    assert alias_slug("L&E") == "l-and-e"
    assert alias_slug("Café  Crème!") == "cafe-creme"


def test_a_former_slug_may_not_be_a_slug_or_claimed_twice(library: Path, edit: Edit) -> None:
    edit("alpha.md", "aliases: []", "aliases: []\nformer_slugs: [gamma, old]")
    edit("beta.md", "aliases: []", "aliases: []\nformer_slugs: [old]")
    problems = [p for p in validate_files([library])[1] if p.rule == "former-slug"]
    alpha, beta, gamma = (_path(library, k) for k in ("alpha", "beta", "gamma"))
    found = sorted((p.path, p.line, p.field, p.message.split(":")[0]) for p in problems)
    assert found == [
        (alpha, 6, "former_slugs[0]", f"former slug 'gamma' is the slug of {gamma}"),
        (alpha, 6, "former_slugs[1]", f"former slug 'old' is also claimed by {beta}"),
        (beta, 6, "former_slugs[0]", f"former slug 'old' is also claimed by {alpha}"),
        (gamma, 4, "slug", f"slug 'gamma' is a former slug of {alpha}, whose old links lead here"),
    ]
    # --changed-only of gamma alone reports gamma's side, as the full run does.
    _, changed = validate_changed([library], [library / "gamma.md"])
    assert [p for p in changed if p.rule == "former-slug"] == [
        p for p in problems if p.path == gamma]


def _path(library: Path, key: str) -> str:
    return next(p.path for p in load_library([library]).patterns if p.key == key)


def test_new_never_takes_a_former_slug(library: Path, edit: Edit, cli: Cli) -> None:
    edit("alpha.md", "aliases: []", "aliases: []\nformer_slugs: [community-garden]")
    result = cli("new", "Community Garden", "--domain", "food", "--author", "a",
                 cwd=library.parent)
    assert result.exit_code != 0
    assert "is a former slug of" in result.output
    assert not (library / "community-garden.md").exists()


def test_new_never_takes_an_alias_address(library: Path, edit: Edit, cli: Cli) -> None:
    edit("alpha.md", "aliases: []", "aliases: [Alpha Male]")
    result = cli("new", "Alpha male", "--domain", "food", "--author", "a", cwd=library.parent)
    assert result.exit_code != 0
    assert "/patterns/alpha-male/ is the address of" in result.output
    assert "alias 'Alpha Male'" in result.output
    assert not (library / "alpha-male.md").exists()
    result = cli("new", "Alpha male", "--slug", "alpha-male-role", "--domain", "food",
                 "--author", "a", cwd=library.parent)
    assert result.exit_code == 0, result.output
    assert (library / "alpha-male-role.md").is_file()


@pytest.fixture
def built(library: Path, edit: Edit) -> Path:
    edit("alpha.md", "aliases: []", "aliases: [Alpha Male]\nformer_slugs: [alfa]")
    (library.parent / "mkdocs.yml").write_text("site_name: Redirects\n", encoding="utf-8")
    return build(library.parent, jobs=1).site


def test_the_build_writes_the_redirect_pages(built: Path) -> None:
    page = (built / "id" / ALPHA_ID / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../../patterns/alpha/">' in page
    assert '<a href="../../patterns/alpha/">Alpha</a>' in page
    assert '<meta name="robots" content="noindex">' in page
    for path in ("patterns/alfa", "patterns/alpha-male"):
        text = (built / path / "index.html").read_text(encoding="utf-8")
        assert 'url=../../patterns/alpha/"' in text
    assert "alfa" not in (built / "sitemap.xml").read_text(encoding="utf-8")
    # The pattern pages themselves are untouched.
    assert "data-pagefind-body" in (built / "patterns" / "alpha" / "index.html").read_text("utf-8")
    assert re.search(r"<title>Alpha - Redirects</title>",
                     (built / "patterns" / "alpha" / "index.html").read_text("utf-8"))


@BROWSER_TESTS
def test_a_reader_following_an_old_link_lands_on_the_page(page: Page, built: Path) -> None:
    with serve(built) as url:
        for old in (f"id/{ALPHA_ID}/", "patterns/alfa/", "patterns/alpha-male/"):
            page.goto(url + old)
            expect(page).to_have_url(url + "patterns/alpha/")
            expect(page.locator("h1")).to_have_text("Alpha")
