"""Property tests: broken pattern files give located problems, never a traceback.

Mutations of a valid file (tests/fuzzing.py) go through loading and validation (600 examples)
and through a --keep-going build of a two-pattern library (5 examples, about a second each);
random bodies built from markup fragments check that whatever the body scan lets through
renders to nothing that would run (600 examples). More examples, outside pytest:

    .venv/bin/python benchmarks/fuzz_validate.py --examples 20000
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings

from generator.site.build import BuildError, build
from tests.fuzzing import bodies, broken_files, check_body, check_file
from tests.threats import TEMPLATE, library_root, site_violations

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@settings(max_examples=600, **SETTINGS)  # type: ignore[arg-type]
@given(data=broken_files())
def test_broken_files_give_located_problems(tmp_path: Path, data: bytes) -> None:
    check_file(tmp_path / "alpha.md", data)


BETA = TEMPLATE.replace("id: pat_aaaaaaaaaaaaaaaaaaaaaaaa", "id: pat_bbbbbbbbbbbbbbbbbbbbbbbb") \
    .replace("slug: alpha", "slug: beta").replace("title: Alpha", "title: Beta")


@settings(max_examples=5, **SETTINGS)  # type: ignore[arg-type]
@given(data=broken_files())
def test_keep_going_build_of_broken_files_raises_only_build_errors(
    tmp_path: Path, data: bytes
) -> None:
    root = library_root(tmp_path / str(len(list(tmp_path.iterdir()))))
    (root / "patterns" / "alpha.md").write_bytes(data)
    (root / "patterns" / "beta.md").write_text(BETA, encoding="utf-8")
    try:
        result = build(root, keep_going=True)
    except BuildError:
        return  # a clean, located stop; anything else is a bug
    assert site_violations(result.site) == []


@settings(max_examples=600, **SETTINGS)  # type: ignore[arg-type]
@given(body=bodies)
def test_what_the_scan_lets_through_does_not_run(body: str) -> None:
    check_body(body)
