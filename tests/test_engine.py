"""The site builds on MkDocs or on its drop-in fork ProperDocs, with the same pages.

`make test` runs tests/test_site.py a second time with PATTERNLIB_ENGINE=properdocs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import mkdocs

from tests.conftest import ROOT

ENGINE = os.environ.get("PATTERNLIB_ENGINE") or "mkdocs"


def test_the_engine_asked_for_is_the_one_in_use() -> None:
    # ProperDocs answers `import mkdocs` (and every mkdocs.* module) when it is chosen.
    assert mkdocs.__name__ == ENGINE


def _build(engine: str, out: Path) -> dict[str, bytes]:
    env = {**os.environ, "PATTERNLIB_ENGINE": engine, "SOURCE_DATE_EPOCH": "1700000000"}
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(ROOT), "--site-dir", str(out),
         "--jobs", "1"],
        check=True, capture_output=True, env=env,
    )
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_properdocs_builds_the_pages_mkdocs_builds(tmp_path: Path) -> None:
    with_mkdocs = _build("mkdocs", tmp_path / "mkdocs")
    with_properdocs = _build("properdocs", tmp_path / "properdocs")
    assert sorted(with_mkdocs) == sorted(with_properdocs)
    # Material names its generator in every page; nothing else may differ.
    generator = re.compile(rb'<meta name="generator" content="[^"]*">')
    differ = [name for name, data in with_mkdocs.items()
              if generator.sub(b"", data) != generator.sub(b"", with_properdocs[name])]
    assert differ == []
    page = with_properdocs["patterns/land-and-expand/index.html"]
    assert b'id="1-overview"' in page
