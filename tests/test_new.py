"""`patternlib new`: a scaffold that validates at once and never clobbers anything."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from generator.library import new as new_module
from generator.library.new import NewPatternError, new_pattern
from generator.library.validate import RECOMMENDED_SECTIONS
from tests.conftest import ROOT, Edit

Cli = Callable[..., Result]


def test_new_pattern_validates_with_only_the_assessment_left(library: Path, cli: Cli) -> None:
    (library.parent / "schema").mkdir()  # the schema beside patterns/, as in this repository
    shutil.copyfile(ROOT / "schema" / "pattern.schema.json",
                    library.parent / "schema" / "pattern.schema.json")
    result = cli("new", "Community Supported Agriculture", "--domain", "food",
                 "--category", "practice", "--category", "model", "--author", "Ada",
                 cwd=library.parent)
    assert result.exit_code == 0, result.output
    path = library / "community-supported-agriculture.md"
    lines = result.output.splitlines()
    assert lines[0] == "created patterns/community-supported-agriculture.md"
    assert "warning[not-assessed]" in lines[1]
    assert lines[2] == "1 pattern, 0 errors, 1 warning"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[:2] == [
        "---", "# yaml-language-server: $schema=../schema/pattern.schema.json"
    ]
    meta = yaml.safe_load(text.split("\n---\n")[0].removeprefix("---\n"))
    assert re.fullmatch(r"pat_[0-9a-f]{24}", meta["id"])
    assert meta["slug"] == "community-supported-agriculture"
    assert meta["classification"]["domain"] == "food"
    assert meta["classification"]["category"] == ["practice", "model"]
    today = dt.date.today().isoformat()
    assert (str(meta["created"]), str(meta["modified"])) == (today, today)
    assert meta["contributors"] == [{"name": "Ada", "role": "author"}]
    for section in (*RECOMMENDED_SECTIONS, "7 Pillars Assessment"):
        assert re.search(rf"^## \d\. {re.escape(section)}$", text, re.M), section
    assert "| Purpose |  |  |" in text
    # The strict full run agrees: nothing but the assessment to do.
    strict = cli("validate", "--strict", cwd=library.parent)
    assert strict.output.splitlines()[-1] == "4 patterns, 0 errors, 1 warning"


def test_ids_are_fresh(library: Path) -> None:
    first, _ = new_pattern("One", folder=library, author="a")
    second, _ = new_pattern("Two", folder=library, author="a")
    ids = {yaml.safe_load(p.read_text(encoding="utf-8").split("\n---")[0][4:])["id"]
           for p in (first, second)}
    assert len(ids) == 2


def test_refuses_to_overwrite(library: Path, cli: Cli) -> None:
    before = (library / "alpha.md").read_text(encoding="utf-8")
    result = cli("new", "Alpha", cwd=library.parent)
    assert result.exit_code == 1
    assert "patterns/alpha.md already exists" in result.output
    assert (library / "alpha.md").read_text(encoding="utf-8") == before


def test_refuses_a_slug_another_pattern_uses(library: Path, edit: Edit) -> None:
    edit("beta.md", "slug: beta", "slug: delta")
    taken = r"not created: slug 'delta' is also used by .*patterns/beta\.md"
    with pytest.raises(NewPatternError, match=taken):
        new_pattern("Delta", folder=library, author="a")
    assert not (library / "delta.md").exists()


def test_an_id_in_use_is_drawn_again(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = iter(["pat_aaaaaaaaaaaaaaaaaaaaaaaa", "pat_0123456789abcdef01234567"])
    monkeypatch.setattr(new_module, "_new_id", lambda: next(ids))
    path, problems = new_pattern("Fresh", folder=library, author="a")
    assert "id: pat_0123456789abcdef01234567" in path.read_text(encoding="utf-8")
    assert [p.rule for p in problems] == ["not-assessed"]


def test_gives_up_when_every_id_is_taken(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_module, "_new_id", lambda: "pat_aaaaaaaaaaaaaaaaaaaaaaaa")
    with pytest.raises(NewPatternError, match="no unused id"):
        new_pattern("Fresh", folder=library, author="a")
    assert not (library / "fresh.md").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["X", "--domain", "Food Systems"], "must be lowercase words joined by hyphens"),
        (["!!!"], "cannot make a slug"),
        (["X", "--library", "nowhere"], "no such folder"),
    ],
)
def test_refuses_bad_input(library: Path, cli: Cli, args: list[str], message: str) -> None:
    result = cli("new", *args, cwd=library.parent)
    assert result.exit_code == 1
    assert message in result.output
    assert sorted(p.name for p in library.iterdir()) == ["alpha.md", "beta.md", "gamma.md"]


def test_title_with_quotes_and_symbols(library: Path) -> None:
    path, problems = new_pattern('Zoë\'s "Rule": 50%, & More', folder=library,
                                 author='O\'Neil "Z"')
    assert path.name == "zoe-s-rule-50-and-more.md"
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("\n---")[0][4:])
    assert meta["title"] == 'Zoë\'s "Rule": 50%, & More'
    assert [p.severity for p in problems] == ["warning"]


def test_near_duplicate_title_is_pointed_out(library: Path, edit: Edit) -> None:
    edit("alpha.md", "title: Alpha", "title: Community Gardens")
    _, problems = new_pattern("Community Garden", folder=library, author="a")
    near = [p for p in problems if p.rule == "near-duplicate"]
    assert len(near) == 1
    assert "patterns/alpha.md" in near[0].message
    assert "100% similar" in near[0].message


def test_schema_reference_falls_back_to_the_published_copy(tmp_path: Path) -> None:
    (tmp_path / "patterns").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: X\nsite_url: https://example.org/lib/\n",
                                         encoding="utf-8")
    path, _ = new_pattern("Thing", folder=tmp_path / "patterns", author="a")
    second = path.read_text(encoding="utf-8").splitlines()[1]
    assert second == (
        "# yaml-language-server: $schema=https://example.org/lib/schema/pattern.schema.json"
    )


def test_no_schema_line_when_no_schema_is_reachable(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    # A library using the hook without our schema/ folder or a site_url: a line naming a
    # missing file would only confuse editors. The command says how to get one.
    (tmp_path / "patterns").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: X\n", encoding="utf-8")
    result = cli("new", "Thing", "--library", str(tmp_path / "patterns"), "--author", "a")
    text = (tmp_path / "patterns" / "thing.md").read_text(encoding="utf-8")
    assert text.startswith("---\nid: pat_")
    assert "$schema" not in text
    assert "run `patternlib schema > schema/pattern.schema.json`" in result.output
    # What that command prints is the schema validate uses, and with it the line comes back.
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "pattern.schema.json").write_text(cli("schema").output, "utf-8")
    exported = json.loads((tmp_path / "schema" / "pattern.schema.json").read_text("utf-8"))
    assert exported == json.loads((ROOT / "schema" / "pattern.schema.json").read_text("utf-8"))
    cli("new", "Other thing", "--library", str(tmp_path / "patterns"), "--author", "a")
    second = (tmp_path / "patterns" / "other-thing.md").read_text("utf-8").splitlines()[1]
    assert second == "# yaml-language-server: $schema=../schema/pattern.schema.json"
