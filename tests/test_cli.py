"""`patternlib validate` as contributors and CI call it."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from generator.library import parallel
from generator.library.load import load_library
from generator.library.model import Problem
from generator.library.report import as_github
from generator.library.validate import validate, validate_files
from tests.conftest import Edit

Cli = Callable[..., Result]


def test_defaults_to_patterns_folder(library: Path, cli: Cli) -> None:
    result = cli("validate", cwd=library.parent)
    assert (result.exit_code, result.output) == (0, "3 patterns, 0 errors, 0 warnings\n")


def test_missing_default_folder_is_a_usage_error(tmp_path: Path, cli: Cli) -> None:
    result = cli("validate", cwd=tmp_path)
    assert result.exit_code == 2
    assert "no patterns/ folder here" in result.output


def test_missing_path_is_a_usage_error(tmp_path: Path, cli: Cli) -> None:
    assert cli("validate", "nowhere", cwd=tmp_path).exit_code == 2


def test_every_problem_in_one_run_sorted(library: Path, edit: Edit, cli: Cli) -> None:
    edit("beta.md", "status: draft", "status: drafty")
    edit("alpha.md", "summary: A fixture pattern.", "summary: A fixture pattern.\nsumary: x")
    edit("alpha.md", "related: [gamma]", "related: [gamma, gama]")
    result = cli("validate", cwd=library.parent)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "patterns/alpha.md:7:1: error[schema] sumary: unknown key 'sumary' "
        "(did you mean 'summary'?)",
        "patterns/alpha.md:25:18: error[dangling-link] related[1]: 'gama' is not a pattern in "
        "this library (did you mean 'gamma'?)",
        "patterns/beta.md:16:11: error[schema] classification.status: 'drafty' is not one of "
        "'draft', 'review', 'published', 'deprecated' (did you mean 'draft'?)",
        "3 patterns, 3 errors, 0 warnings",
    ]


def test_strict_fails_on_warnings(library: Path, edit: Edit, cli: Cli) -> None:
    edit("gamma.md", "related: [alpha]", "related: []")
    assert cli("validate", cwd=library.parent).exit_code == 0
    result = cli("validate", "--strict", cwd=library.parent)
    assert result.exit_code == 1
    assert result.output.endswith("3 patterns, 0 errors, 1 warning\n")


def test_json_format(library: Path, edit: Edit, cli: Cli) -> None:
    edit("beta.md", "version: 1.0.0", "version: 1.0")
    result = cli("validate", "--format", "json", cwd=library.parent)
    assert result.exit_code == 1
    assert json.loads(result.output) == [{
        "path": "patterns/beta.md", "line": 26, "col": 10, "severity": "error",
        "rule": "schema", "field": "version",
        "message": 'expected text, got the number 1.0 (quote it: "1.0")',
    }]


def test_github_format_escapes_properties_and_data(library: Path, edit: Edit, cli: Cli) -> None:
    edit("beta.md", "version: 1.0.0", "version: 1.0")
    result = cli("validate", "--format", "github", cwd=library.parent)
    assert result.output.splitlines()[0] == (
        "::error file=patterns/beta.md,line=26,col=10,title=schema::version: expected text, "
        'got the number 1.0 (quote it: "1.0")'
    )


def test_github_escaping_of_special_characters() -> None:
    problem = Problem("a,b:c%.md", 3, 4, "rule", "warning", "f", "50% done,\nnext: line\r")
    assert as_github(problem) == (
        "::warning file=a%2Cb%3Ac%25.md,line=3,col=4,title=rule::f: 50%25 done,%0Anext: line%0D"
    )


def test_checking_pauses_the_cycle_collector(library: Path) -> None:
    seen: list[bool] = []
    real = parallel.parallel_map

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    assert gc.isenabled()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.library.validate.parallel_map", spy)
        count, _ = validate_files([library], jobs=1)
    assert (count, seen) == (3, [False])
    assert gc.isenabled()  # enabled again after
    with parallel.paused_gc():
        made: list[object] = []
    # What was made meanwhile waits in the oldest generation, not the youngest: the next
    # allocations do not walk millions of objects.
    assert not any(o is made for o in gc.get_objects(generation=0))
    assert any(o is made for o in gc.get_objects(generation=2))
    gc.disable()
    try:
        with parallel.paused_gc():
            pass
        assert not gc.isenabled()  # a caller's own pause is kept
    finally:
        gc.enable()


def test_parallel_check_equals_serial(
    library: Path, edit: Edit, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit("alpha.md", "related: [gamma]", "related: [gamma, gama]")
    edit("beta.md", "status: draft", "status: drafty")
    monkeypatch.chdir(library.parent)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 0)
    pools: list[object] = []

    class Pool(parallel.ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pools.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Pool)
    count, problems = validate_files([Path("patterns")], jobs=2)
    assert pools  # the files were checked in worker processes
    assert count == 3
    assert problems == validate(load_library([Path("patterns")]))
    assert len(problems) == 2
