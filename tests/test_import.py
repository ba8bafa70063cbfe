"""`patternlib import`: both Commons OS layouts into this format, the report, no overwrites.

The source files are tests/fixtures/import/source/: a v1 file (tool-lending-library), a
nested-layout file with `{slug, weight}` entries and an unknown section (repair-cafe), a v1
file whose id link dangles (community-fridge) and a file whose YAML is broken (seed-swap).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.library.importer import (
    ImportRefused,
    KeptAside,
    Mapped,
    import_library,
)
from generator.library.load import load_pattern
from generator.library.report import as_text
from tests.conftest import FIXTURES

Cli = Callable[..., Result]
SOURCE = FIXTURES / "import" / "source"
SRC, LIB = Path("source"), Path("lib")

V1_FRONT_MATTER = """\
id: pat_0a1b2c3d4e5f60718293a4b5
title: Tool Lending Library
slug: tool-lending-library
aliases:
- tool library
classification:
  universality: domain
  domain: sustainability
  category:
  - practice
  era:
  - industrial
  origin:
  - community-workshops
  status: draft
  commons_alignment: 4
  commons_domain:
  - life
generalizes_from: []
specializes_to: []
enables:
- repair-cafe
requires: []
related:
- community-fridge
sources:
- Notes from neighbourhood tool shares
version: '1.0'
page_url: https://example.org/patterns/tool-lending-library/
created: '2026-01-10 09:30:00+00:00'
modified: '2026-01-12T08:00:00Z'
contributors:
- name: Fixture Writer
  role: author
license: CC-BY-SA-4.0
attribution: Fixture Library
repository: https://example.org/src
x_import:
  commons_alignment: 3
"""

NESTED_FRONT_MATTER = """\
id: pat_7c2e9d41b0a35f68e1d2c4b9
title: Repair Cafe
slug: repair-cafe
aliases: []
summary: Neighbours meet to mend broken things together, sharing tools and know-how.
classification:
  domain: sustainability
  status: draft
  commons_domain:
  - life
generalizes_from: []
specializes_to: []
enables:
- tool-lending-library
requires: []
related:
- tool-lending-library
- skill-share-circle
sources:
- Repair movement handbooks
version: '0.1'
contributors:
- fixture-writer
license: CC-BY-SA-4.0
attribution: Fixture Library
x_import:
  context_labels:
    corporate: Repair Cafe for Workplaces
    activist: Repair Cafe for Movements
  ontology:
    cross_domains:
    - community
    search_hints:
      primary_tension: Discard vs. Mend
    commons_assessment:
      stakeholder_architecture: 4.0
      value_creation: 3.5
      overall_score: 3.8
  lifecycle:
    usage_stage: application
    adoption_stage: growth
    confidence: 2
  relationships:
    generalizes_from: []
    specializes_to: []
    enables:
    - slug: tool-lending-library
      weight: 0.8
    requires: []
    alternatives:
    - slug: tool-lending-library
      weight: 0.4
    complementary:
    - slug: skill-share-circle
      weight: 0.7
    - id: tool-lending-library
      weight: 0.6
      description: Borrowed tools make repairs possible.
    tools:
    - weight: 0.5
  graph_garden:
    last_pruned: '2026-02-01'
    entities: []
    communities: []
    inferred_links: []
  provenance:
    attribution: Fixture Library, 2026
  custom_notes:
    reviewer: a neighbour
    todo:
    - check the sources
"""

BROKEN_YAML = (
    "source/seed-swap.md:5:51: error[yaml-syntax] invalid YAML: did not find expected ',' or "
    "']' (while parsing a flow sequence that starts at line 5, column 41)"
)
ENTRY_WITHOUT_TARGET = (
    "source/repair-cafe.md:53:7: warning[import-relationship] relationships.tools[0]: names no "
    "pattern (neither a slug nor a mapping with 'slug' or 'id'): kept under x_import only"
)


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Copy the import fixtures to tmp_path/source and work from tmp_path."""
    shutil.copytree(SOURCE, tmp_path / SRC)
    monkeypatch.chdir(tmp_path)
    return SRC


def split(path: Path) -> tuple[str, str]:
    """Return a pattern file's front matter (without the --- lines) and its body."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    return front + "\n", body


def test_v1_layout_ids_become_slugs_in_seed_order(source: Path) -> None:
    import_library(source, LIB, force=False)
    front, body = split(LIB / "tool-lending-library.md")
    assert front == V1_FRONT_MATTER
    assert body == split(source / "tool-lending-library.md")[1]  # pillar table included


def test_nested_layout_maps_blocks_and_keeps_the_rest_aside(source: Path) -> None:
    import_library(source, LIB, force=False)
    front, body = split(LIB / "repair-cafe.md")
    assert front == NESTED_FRONT_MATTER
    assert body == split(source / "repair-cafe.md")[1]


def test_values_this_format_rejects_are_kept_for_validate(source: Path) -> None:
    import_library(source, LIB, force=False)
    pattern, _ = load_pattern(LIB / "community-fridge.md", display="community-fridge.md")
    assert pattern is not None
    classification = pattern.meta["classification"]
    assert (classification["universality"], classification["commons_alignment"]) == (3, 4.2)
    assert pattern.meta["requires"] == ["pat_00000000deadbeef"]  # not in the source folder
    assert pattern.meta["related"] == ["tool-lending-library"]


def test_report_lists_mapped_kept_and_unreadable(source: Path) -> None:
    report = import_library(source, LIB, force=False)
    files = {Path(f.source).name: f for f in report.files}
    assert [f.target for f in report.files] == [
        "lib/community-fridge.md", "lib/repair-cafe.md", None, "lib/tool-lending-library.md",
    ]

    broken = files["seed-swap.md"]
    assert (broken.layout, broken.mapped, broken.kept) == (None, (), ())
    assert [as_text(p) for p in broken.problems] == [BROKEN_YAML]

    nested = files["repair-cafe.md"]
    assert nested.layout == "nested"
    assert [as_text(p) for p in nested.problems] == [ENTRY_WITHOUT_TARGET]
    assert [k.source for k in nested.kept] == [
        "ontology.cross_domains", "ontology.search_hints", "ontology.commons_assessment",
        "lifecycle.usage_stage", "lifecycle.adoption_stage", "lifecycle.confidence",
        "provenance.attribution", "relationships", "context_labels", "graph_garden",
        "custom_notes",
    ]
    assert KeptAside("provenance.attribution",
                     "differs from attribution, mapped to attribution") in nested.kept
    for mapped in [
        Mapped("ontology.domain", "classification.domain"),
        Mapped("lifecycle.status", "classification.status"),
        Mapped("lifecycle.version", "version", "number 0.1 written as the text '0.1'"),
        Mapped("provenance.contributors", "contributors"),
        Mapped("relationships.alternatives", "related"),
        Mapped("relationships.complementary", "related",
               "1 target not in the source folder, kept as written"),
        Mapped("relationships.tools", "related"),
    ]:
        assert mapped in nested.mapped

    v1 = files["tool-lending-library.md"]
    assert v1.layout == "v1"
    assert v1.problems == ()
    assert v1.kept == (KeptAside("commons_alignment", "differs from "
                                 "classification.commons_alignment, mapped to "
                                 "classification.commons_alignment"),)
    for mapped in [
        Mapped("classification.era", "classification.era", "one era written as a list"),
        Mapped("enables", "enables", "1 id written as a slug"),
        Mapped("version", "version", "number 1.0 written as the text '1.0'"),
        Mapped("body", "body", "7 Pillars table at line 58, written as is"),
    ]:
        assert mapped in v1.mapped

    fridge = files["community-fridge.md"]
    assert Mapped("requires", "requires",
                  "1 target not in the source folder, kept as written") in fridge.mapped


def test_cli_prints_a_line_per_file_then_problems(source: Path, cli: Cli) -> None:
    result = cli("import", "source", "--into", "lib")
    assert result.exit_code == 1  # a file could not be read
    assert result.output.splitlines() == [
        "source/community-fridge.md -> lib/community-fridge.md: v1, 22 mapped, 0 kept aside, "
        "0 problems",
        "source/repair-cafe.md -> lib/repair-cafe.md: nested, 21 mapped, 11 kept aside, "
        "1 problem",
        "source/seed-swap.md: not imported, 1 problem",
        "source/tool-lending-library.md -> lib/tool-lending-library.md: v1, 27 mapped, "
        "1 kept aside, 0 problems",
        "",
        ENTRY_WITHOUT_TARGET,
        BROKEN_YAML,
        "",
        "4 files: 3 imported into lib (2 v1, 1 nested), 1 not imported; 12 fields kept aside "
        "under x_import; 2 problems",
    ]
    assert sorted(p.name for p in LIB.iterdir()) == [
        "community-fridge.md", "repair-cafe.md", "tool-lending-library.md",
    ]


def test_json_report(source: Path, cli: Cli) -> None:
    cli("import", "source", "--into", "lib", "--report", "report.json")
    report = json.loads(Path("report.json").read_text(encoding="utf-8"))
    assert (report["src"], report["into"]) == ("source", "lib")
    broken = next(f for f in report["files"] if f["source"] == "source/seed-swap.md")
    assert broken["target"] is None
    assert broken["problems"][0]["line"] == 5
    cafe = next(f for f in report["files"] if f["source"] == "source/repair-cafe.md")
    assert {"source": "custom_notes", "reason": "no place in this format"} in cafe["kept"]


def test_refuses_to_overwrite_without_force(source: Path, cli: Cli) -> None:
    LIB.mkdir()
    (LIB / "repair-cafe.md").write_text("mine\n", encoding="utf-8")
    result = cli("import", "source", "--into", "lib")
    assert result.exit_code == 1
    assert result.output == (
        "Error: 1 file would be overwritten: lib/repair-cafe.md; nothing was written "
        "(use --force to overwrite)\n"
    )
    assert [p.name for p in LIB.iterdir()] == ["repair-cafe.md"]
    assert (LIB / "repair-cafe.md").read_text(encoding="utf-8") == "mine\n"

    cli("import", "source", "--into", "lib", "--force")
    assert split(LIB / "repair-cafe.md")[0] == NESTED_FRONT_MATTER
    assert len(list(LIB.iterdir())) == 3


def test_refuses_to_import_into_its_source(source: Path) -> None:
    with pytest.raises(ImportRefused, match="is the source folder"):
        import_library(source, source, force=True)


def test_validate_reports_the_real_problems_with_their_place(source: Path, cli: Cli) -> None:
    cli("import", "source", "--into", "lib")
    result = cli("validate", "lib")
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert [line for line in lines if "[dangling-link]" in line] == [
        "lib/community-fridge.md:21:3: error[dangling-link] requires[0]: 'pat_00000000deadbeef' "
        "is not a pattern in this library",
        "lib/repair-cafe.md:19:3: error[dangling-link] related[1]: 'skill-share-circle' is not "
        "a pattern in this library",
    ]
    assert "lib/community-fridge.md:14:22: error[schema] classification.commons_alignment: " \
           "expected a whole number, got the number 4.2" in lines
    assert not [line for line in lines if "unknown key" in line or "x_import" in line]
    # The v1 file's table is read: its stated Overall and alignment agree with its scores.
    assert not [line for line in lines if line.startswith("lib/tool-lending-library.md")
                and "error[" in line]


def test_importing_the_result_again_changes_nothing(source: Path) -> None:
    import_library(source, LIB, force=False)
    again = import_library(LIB, Path("again"), force=False)
    assert all(not f.kept and not f.problems for f in again.files)
    for file in sorted(LIB.iterdir()):
        assert (Path("again") / file.name).read_bytes() == file.read_bytes()


def test_body_is_written_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    SRC.mkdir()
    body = "\r\n# Windows line ends\r\n\r\nTrailing spaces stay.  \r\n\tTabs too.\r\n"
    head = "---\r\nid: pat_0123456789abcdef\r\ntitle: T\r\nslug: crlf\r\n---\r\n"
    (SRC / "crlf.md").write_bytes((head + body).encode("utf-8"))
    import_library(SRC, LIB, force=False)
    assert (LIB / "crlf.md").read_bytes().split(b"---\n", 2)[2] == body.encode("utf-8")


def test_a_repository_is_read_from_its_patterns_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SOURCE, tmp_path / "repo" / "_patterns")
    report = import_library(Path("repo"), LIB, force=False)
    assert report.src == "repo/_patterns"
    assert len(report.imported) == 3


def test_odd_shapes_are_kept_and_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    SRC.mkdir()
    (SRC / "odd.md").write_text(
        "---\nid: pat_0123456789abcdef\nslug: odd\nclassification: to be decided\n"
        "lifecycle: [draft]\nrelationships:\n  enables: odd-one\n  partners: [someone]\n---\n",
        encoding="utf-8",
    )
    report = import_library(SRC, LIB, force=False)
    assert [as_text(p) for p in report.files[0].problems] == [
        "source/odd.md:7:12: warning[import-relationship] relationships.enables: expected a "
        "list of patterns, got str 'odd-one': kept under x_import only",
        "source/odd.md:8:13: warning[import-relationship] relationships.partners: 'partners' is "
        "not a relationship kind this format has: kept under x_import only",
    ]
    pattern, _ = load_pattern(LIB / "odd.md", display="odd.md")
    assert pattern is not None
    assert pattern.meta["classification"] == "to be decided"  # validate reports it
    assert pattern.meta["x_import"] == {
        "lifecycle": ["draft"],
        "relationships": {"enables": "odd-one", "partners": ["someone"]},
    }


# --- the site's name ------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A source repository as Commons OS publishes it: _patterns/ and a Jekyll _config.yml."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SOURCE, tmp_path / "repo" / "_patterns")
    (tmp_path / "repo" / "_config.yml").write_text(
        "title: Commons OS Patterns\nplugins: [jekyll-feed]\n", encoding="utf-8")
    return Path("repo")


def test_import_names_a_new_library_after_its_source(repo: Path, cli: Cli) -> None:
    result = cli("import", str(repo), "--into", "mine/patterns")
    config = Path("mine/mkdocs.yml")
    assert result.output.splitlines()[-1] == (
        "wrote mine/mkdocs.yml: site_name 'Commons OS Patterns' (from repo/_config.yml)")
    from generator.site.sitebuild import yaml_load

    assert yaml_load(config.read_text(encoding="utf-8"))["site_name"] == "Commons OS Patterns"
    # Given the _patterns folder itself, the name is found one level up; --site-name wins.
    cli("import", str(repo / "_patterns"), "--into", "other/patterns", "--site-name", "Ours")
    assert "site_name: \"Ours\"" in Path("other/mkdocs.yml").read_text(encoding="utf-8")


def test_import_never_rewrites_an_existing_config_but_says_how(repo: Path, cli: Cli) -> None:
    Path("mine").mkdir()
    Path("mine/mkdocs.yml").write_text("site_name: Land and Expand\ntheme: material\n",
                                      encoding="utf-8")
    result = cli("import", str(repo), "--into", "mine/patterns")
    assert Path("mine/mkdocs.yml").read_text(encoding="utf-8") == (
        "site_name: Land and Expand\ntheme: material\n")
    assert result.output.splitlines()[-1] == (
        "mine/mkdocs.yml names the site 'Land and Expand', left as it is; the source calls "
        "itself 'Commons OS Patterns' (repo/_config.yml): set `site_name: \"Commons OS "
        "Patterns\"` there to use that name")


def test_import_without_a_name_says_how_to_set_one(source: Path, cli: Cli) -> None:
    result = cli("import", str(source), "--into", "lib2/patterns")
    assert not Path("lib2/mkdocs.yml").exists()
    assert result.output.splitlines()[-1].startswith(
        "lib2/mkdocs.yml: not written, as the source gives no name")
    # A repository's README heading names it, when there is no config.
    shutil.copytree(source, Path("r2/_patterns"))
    Path("r2/README.md").write_text("Intro\n\n# Tool Library Patterns #\n", "utf-8")
    result = cli("import", "r2", "--into", "lib3/patterns")
    assert result.output.splitlines()[-1] == (
        "wrote lib3/mkdocs.yml: site_name 'Tool Library Patterns' (from r2/README.md)")
    # Into a folder not called patterns/, no config is touched or proposed.
    result = cli("import", str(source), "--into", "flat")
    assert "mkdocs.yml" not in result.output
