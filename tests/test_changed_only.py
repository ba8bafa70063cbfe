"""`patternlib validate --changed-only`: only the given files, links against the whole library."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from generator.library import changed
from generator.library.changed import _quick_outline, _scan_entries, validate_changed
from generator.library.duplicates import near_duplicates
from generator.library.load import load_library, load_pattern
from generator.library.model import OUTLINE_KEYS, Pattern
from generator.library.validate import validate_files
from tests.conftest import ROOT, Edit

Cli = Callable[..., Result]


def test_dangling_link_into_an_unchanged_file(library: Path, edit: Edit, cli: Cli) -> None:
    edit("alpha.md", "related: [gamma]", "related: [gamma, gama]")
    edit("beta.md", "status: draft", "status: drafty")  # unchanged here: not reported
    result = cli("validate", "--changed-only", "patterns/alpha.md", cwd=library.parent)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "patterns/alpha.md:24:18: error[dangling-link] related[1]: 'gama' is not a pattern in "
        "this library (did you mean 'gamma'?)",
        "1 pattern, 1 error, 0 warnings",
    ]


def test_links_into_unchanged_files_resolve(library: Path, cli: Cli) -> None:
    result = cli("validate", "--library", "patterns", "patterns/gamma.md", cwd=library.parent)
    assert (result.exit_code, result.output) == (0, "1 pattern, 0 errors, 0 warnings\n")


def test_same_problems_as_a_full_run(library: Path, edit: Edit,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    edit("alpha.md", "related: [gamma]", "related: []")  # gamma's `related: [alpha]` one-sided
    edit("beta.md", "id: pat_bbbbbbbbbbbbbbbbbbbbbbbb", "id: pat_aaaaaaaaaaaaaaaaaaaaaaaa")
    delta = (library / "beta.md").read_text(encoding="utf-8")
    for old, new in (("pat_aaaaaaaaaaaaaaaaaaaaaaaa", "pat_dddddddddddddddddddddddd"),
                     ("slug: beta", "slug: delta"), ("title: Beta", "title: Alpha")):
        delta = delta.replace(old, new)
    (library / "delta.md").write_text(delta, encoding="utf-8")  # a near-duplicate of alpha
    monkeypatch.chdir(library.parent)
    _, full = validate_files([Path("patterns")])
    for name in ("alpha.md", "beta.md", "gamma.md", "delta.md"):
        count, problems = validate_changed([Path("patterns")], [Path("patterns") / name])
        assert count == 1
        assert problems == tuple(p for p in full if p.path == f"patterns/{name}"), name
    assert {p.rule for p in full} >= {"duplicate-id", "missing-inverse", "near-duplicate"}


def test_a_target_whose_yaml_is_broken_counts_as_missing(library: Path, edit: Edit,
                                                         cli: Cli) -> None:
    edit("gamma.md", "version: 1.0.0", "version: [1.0.0")
    result = cli("validate", "--changed-only", "patterns/alpha.md", cwd=library.parent)
    assert "'gamma' is not a pattern in this library" in result.output
    full = cli("validate", cwd=library.parent)
    assert all(line in full.output for line in result.output.splitlines()[:-1])


def test_no_changed_files_is_a_pass(library: Path, cli: Cli) -> None:
    result = cli("validate", "--changed-only", cwd=library.parent)
    assert (result.exit_code, result.output) == (0, "0 patterns, 0 errors, 0 warnings\n")


def test_files_that_are_not_patterns_are_ignored(library: Path, cli: Cli) -> None:
    (library.parent / "notes.txt").write_text("hello", encoding="utf-8")
    result = cli("validate", "--changed-only", "notes.txt", "patterns/beta.md",
                 cwd=library.parent)
    assert result.output == "1 pattern, 0 errors, 0 warnings\n"


def _git_library(root: Path) -> Callable[..., None]:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                       cwd=root, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-q", "-m", "library")
    return git


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_since_a_git_ref(library: Path, edit: Edit, cli: Cli) -> None:
    root = library.parent
    _git_library(root)
    edit("beta.md", "status: draft", "status: drafty")
    shutil.copy(library / "gamma.md", library / "delta.md")  # new, untracked
    result = cli("validate", "--since", "main", cwd=root)
    rules = [line.split(" ")[1] for line in result.output.splitlines()[:-1]]
    paths = {line.split(":")[0] for line in result.output.splitlines()[:-1]}
    assert paths == {"patterns/beta.md", "patterns/delta.md"}
    assert "error[schema]" in rules
    assert "error[duplicate-id]" in rules
    assert result.output.splitlines()[-1].startswith("2 patterns, ")
    bad = cli("validate", "--since", "no-such-ref", cwd=root)
    assert bad.exit_code == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_since_checks_the_patterns_linking_to_a_deleted_one(library: Path, cli: Cli) -> None:
    root = library.parent
    git = _git_library(root)
    git("rm", "-q", "patterns/gamma.md")  # alpha says related: [gamma]
    result = cli("validate", "--since", "HEAD", cwd=root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    # alpha names gamma by its id (enables, line 22) and by its slug (related, line 24).
    assert [line.split(":", 2)[:2] for line in lines[:-1]] == [
        ["patterns/alpha.md", "22"], ["patterns/alpha.md", "24"]]
    assert "'pat_cccccccccccccccccccccccc' is not a pattern in this library" in lines[0]
    assert "'gamma' is not a pattern in this library" in lines[1]
    # What a full validate says of alpha, --since says too.
    full = cli("validate", cwd=root)
    assert [line for line in full.output.splitlines() if line.startswith("patterns/alpha.md")] \
        == [line for line in lines if line.startswith("patterns/")]
    # Committed, the deletion is still seen from the branch point.
    git("commit", "-q", "-m", "remove gamma")
    assert cli("validate", "--since", "HEAD~1", cwd=root).output == result.output


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_since_sees_a_rename_by_slug_not_by_id(library: Path, cli: Cli) -> None:
    root = library.parent
    git = _git_library(root)
    # alpha names beta by slug (specializes_to: [beta]); beta names alpha by id.
    git("mv", "patterns/beta.md", "patterns/beta-two.md")
    text = (library / "beta-two.md").read_text(encoding="utf-8")
    (library / "beta-two.md").write_text(text.replace("slug: beta\n", "slug: beta-two\n"),
                                         encoding="utf-8")
    result = cli("validate", "--since", "HEAD", cwd=root)
    assert "patterns/alpha.md:21:" in result.output
    assert "'beta' is not a pattern in this library" in result.output
    # A rename of alpha, which beta and gamma name by id and by slug, catches gamma only.
    git("checkout", "-q", "--", ".")
    git("reset", "-q", "--hard")
    git("mv", "patterns/alpha.md", "patterns/alpha-two.md")
    text = (library / "alpha-two.md").read_text(encoding="utf-8")
    (library / "alpha-two.md").write_text(text.replace("slug: alpha\n", "slug: alpha-two\n"),
                                          encoding="utf-8")
    result = cli("validate", "--since", "HEAD", cwd=root)
    paths = {line.split(":")[0] for line in result.output.splitlines()
             if line.startswith("patterns/") and " error[" in line}
    assert paths == {"patterns/gamma.md"}


def test_the_library_hook_runs_on_deletions() -> None:
    # pre-commit passes no file names for a deletion: a second hook checks from HEAD.
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    library = next(h for h in hooks if h["id"] == "patternlib-validate-removals")
    assert library["entry"] == "patternlib validate --since HEAD"
    assert library["pass_filenames"] is False
    assert library["always_run"] is True


# --- the quick scan of unchanged files -------------------------------------------------------

SCANNED = [
    "id: pat_x1234567\nslug: a\ntitle: Land, Execute and Expand\n",
    'title: "Quoted: yes"\naliases:\n- one\n- "two"\nrelated: [a, b-c]\n',
    "summary: >-\n  Folded over\n  two lines.\n# a comment\nid: pat_abcdefgh\n",
    "title: 'single ''quoted'''\nenables:\n  - x\n  - y\n",
    "title: no\nslug: 5s-thing\nrelated: []\n",  # YAML 1.1 booleans stay text here
    "title: Tom & Jerry\nother: {a: [1, 2]}\n",
]
UNSURE = [
    'title: "runs\nid: over"\n',  # quoted text running over a line that looks like a key
    'notes: "runs\nid: pat_hidden1"\nid: pat_real1234\n',
    "notes: [a,\nid: pat_hidden1]\nid: pat_real1234\n",
    "title: &t Anchored\nslug: *t\n",
    "id: pat_x1234567\nid: pat_y1234567\n",  # a duplicate key
    '"id": pat_x1234567\n',
    "- a list\n",
]


@pytest.mark.parametrize("front", SCANNED)
def test_scan_reads_what_the_loader_reads(front: str, tmp_path: Path) -> None:
    file = tmp_path / "p.md"
    file.write_text(f"---\n{front}---\n\n# Body\n", encoding="utf-8")
    pattern, _ = load_pattern(file, display="p.md")
    assert pattern is not None
    scanned = _quick_outline(file)
    assert scanned is not None
    assert dict(scanned.meta) == {k: v for k, v in pattern.meta.items() if k in OUTLINE_KEYS}


@pytest.mark.parametrize("front", UNSURE)
def test_scan_gives_up_on_what_it_cannot_be_sure_of(front: str) -> None:
    assert _scan_entries(front) is None


def test_scan_agrees_with_the_loader_on_the_starter_library() -> None:
    for file in sorted((ROOT / "patterns").glob("*.md")):
        pattern, _ = load_pattern(file, display=file.name)
        scanned = _quick_outline(file)
        assert pattern is not None
        assert scanned is not None
        assert dict(scanned.meta) == {k: v for k, v in pattern.meta.items()
                                      if k in OUTLINE_KEYS}, file.name


# --- the outline cache -----------------------------------------------------------------------


def _age(folder: Path, seconds: float) -> None:
    """Date every file in `folder` back, out of the cache's 'changed just now' window."""
    then = time.time() - seconds
    for file in folder.glob("*.md"):
        os.utime(file, (then, then))


def test_cached_outlines_give_the_same_problems(library: Path, edit: Edit, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    edit("alpha.md", "related: [gamma]", "related: [gamma, gama]")
    delta = (library / "beta.md").read_text(encoding="utf-8")
    for old, new in (("pat_bbbbbbbbbbbbbbbbbbbbbbbb", "pat_dddddddddddddddddddddddd"),
                     ("slug: beta", "slug: delta"), ("title: Beta", "title: Alpha"),
                     ("generalizes_from: [pat_aaaaaaaaaaaaaaaaaaaaaaaa]", "generalizes_from: []")):
        delta = delta.replace(old, new)
    (library / "delta.md").write_text(delta, encoding="utf-8")  # a near-duplicate of alpha
    _age(library, 60)
    monkeypatch.chdir(library.parent)
    _, full = validate_files([Path("patterns")])
    first = {name: validate_changed([Path("patterns")], [Path("patterns") / name],
                                    cache_dir=tmp_path / "c")
             for name in ("alpha.md", "beta.md", "gamma.md", "delta.md")}

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr(changed, "load_pattern", fail)
    monkeypatch.setattr(changed, "_quick_outline", fail)
    for name, result in first.items():
        assert validate_changed([Path("patterns")], [Path("patterns") / name],
                                cache_dir=tmp_path / "c") == result
        assert result[1] == tuple(p for p in full if p.path == f"patterns/{name}"), name
    assert {p.rule for p in full} >= {"dangling-link", "near-duplicate"}


def test_a_file_edited_since_is_read_again(library: Path, edit: Edit, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _age(library, 60)
    monkeypatch.chdir(library.parent)
    alpha = [Path("patterns") / "alpha.md"]
    assert validate_changed([Path("patterns")], alpha, cache_dir=tmp_path / "c")[1] == ()
    # alpha's link to gamma by its id now dangles
    edit("gamma.md", "pat_cccccccccccccccccccccccc", "pat_eeeeeeeeeeeeeeeeeeeeeeee")
    _age(library, 30)
    _, problems = validate_changed([Path("patterns")], alpha, cache_dir=tmp_path / "c")
    assert [p.rule for p in problems] == ["dangling-link"]
    edit("alpha.md", "enables: [pat_cccccccccccccccccccccccc]", "enables: []")  # and alpha
    _age(library, 20)
    assert validate_changed([Path("patterns")], alpha, cache_dir=tmp_path / "c")[1] == ()


def test_near_duplicates_come_from_the_patterns_that_could_match() -> None:
    starter = load_library([ROOT / "patterns"])
    land = starter.by_key["land-and-expand"]
    again = replace(land, path="patterns/land-expand.md", key="land-expand",  # no links
                    meta={"title": "Land & Expand", "summary": land.meta["summary"]})
    apart = Pattern(path="patterns/zz.md", key="zz", body="", body_line=9, positions={},
                    meta={"title": "Quokka Husbandry", "summary": "Six words nobody else uses"})
    library = replace(starter, patterns=(*starter.patterns, again, apart))
    warned = 0
    for pattern in library.patterns:
        part = changed._alike(library, {pattern.path}, {})
        # Nothing shares a word with the quokkas, which share none with the rest.
        assert (apart in part.patterns) == (pattern is apart)
        found = near_duplicates(part, among={pattern.path})
        assert found == near_duplicates(library, among={pattern.path}), pattern.key
        warned += len(found)
    assert warned
