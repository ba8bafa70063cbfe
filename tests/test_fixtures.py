"""Each broken file in tests/fixtures/invalid/ produces exactly its expected report.

Set UPDATE_EXPECTED=1 to rewrite the expected.txt files after an intended change to the
messages, then read `git diff tests/fixtures` before committing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import FIXTURES, VALID_LIBRARY

CASES = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_fixture_gives_exact_report(case: Path, cli: Callable[..., Result]) -> None:
    result = cli("validate", ".", cwd=case)
    expected_file = case / "expected.txt"
    if os.environ.get("UPDATE_EXPECTED"):
        expected_file.write_text(result.output, encoding="utf-8")
    assert result.output == expected_file.read_text(encoding="utf-8")
    errors = any("error[" in line for line in result.output.splitlines())
    assert result.exit_code == (1 if errors else 0)


def test_every_invalid_fixture_reports_something() -> None:
    for case in CASES:
        lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert len(lines) >= 2, f"{case.name} expects no problem"
        assert lines[-1].endswith(("error", "errors", "warning", "warnings"))


def test_valid_library_is_clean(cli: Callable[..., Result]) -> None:
    result = cli("validate", "--strict", ".", cwd=VALID_LIBRARY)
    assert result.output == "3 patterns, 0 errors, 0 warnings\n"
    assert result.exit_code == 0
