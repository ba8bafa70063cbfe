"""Installs are locked: `make install`/`make site` and `make test` install exactly uv.lock.

These run uv offline, from the cache the Makefile's own install filled: nothing is fetched.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import ROOT

UV = ROOT / ".tools" / "bin" / "uv"
LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
TEST_TOOLS = {re.split(r"[<>=!~ ;\[]", req, maxsplit=1)[0].lower()
              for req in PYPROJECT["dependency-groups"]["test"]}
# The environment as the suite found it: uv's cache is the user's (tests move XDG_CACHE_HOME).
ENV = {**os.environ, "UV_OFFLINE": "1"}
# `make test-latest` runs this suite on the newest releases instead of the locked ones.
UNLOCKED = os.environ.get("PATTERNLIB_UNLOCKED") == "1"

needs_uv = pytest.mark.skipif(not UV.exists(), reason="uv is installed by `make` in .tools/")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, set[str]]:
    """Every locked package's versions (one per resolution fork, mostly one)."""
    versions: dict[str, set[str]] = {}
    for package in LOCK["package"]:
        versions.setdefault(_name(package["name"]), set()).add(package["version"])
    return versions


def _uv(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(UV), *args], cwd=ROOT, capture_output=True, text=True,
                          check=False, env={**ENV, **env})


def test_the_bootstrap_pins_uv_with_hashes() -> None:
    text = (ROOT / "uv-requirements.txt").read_text(encoding="utf-8")
    (version,) = re.findall(r"^uv==([\d.]+) \\$", text, re.M)
    assert len(re.findall(r"--hash=sha256:[0-9a-f]{64}", text)) > 5  # a wheel per platform
    floor = PYPROJECT["tool"]["uv"]["required-version"].removeprefix(">=")
    assert tuple(map(int, version.split("."))) >= tuple(map(int, floor.split(".")))


def test_runtime_ranges_have_upper_bounds() -> None:
    # For people who `pip install` the package: a next major is tried before it reaches them.
    for requirement in PYPROJECT["project"]["dependencies"]:
        assert "<" in requirement, requirement


@needs_uv
def test_lock_is_up_to_date_with_pyproject() -> None:
    result = _uv("lock", "--check")
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(UNLOCKED, reason="make test-latest: the newest releases, not the lock")
def test_this_environment_holds_exactly_the_locked_versions() -> None:
    locked = _locked()
    installed = {_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    assert installed, sys.prefix
    stray = {name: v for name, v in installed.items() if v not in locked.get(name, set())}
    assert stray == {}, "installed but not as uv.lock pins them"
    assert set(installed) >= TEST_TOOLS  # the suite runs with its tools, all locked


@needs_uv
def test_make_install_leaves_out_the_test_tools(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    result = subprocess.run(
        ["make", "--no-print-directory", "install", f"VENV={venv}", f"PYTHON={sys.executable}"],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env=ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    listed = _uv("pip", "list", "--python", str(venv / "bin" / "python"), "--format", "json")
    assert listed.returncode == 0, listed.stderr
    installed = {_name(p["name"]): p["version"] for p in json.loads(listed.stdout)}
    assert {"mkdocs", "mkdocs-material", "pagefind", "pyyaml", "patternlib"} <= set(installed)
    assert TEST_TOOLS.isdisjoint(installed), TEST_TOOLS & set(installed)
    assert {"pip", "setuptools"}.isdisjoint(installed)
    locked = _locked()
    assert {n: v for n, v in installed.items() if v not in locked.get(n, set())} == {}
    built = subprocess.run([str(venv / "bin" / "patternlib"), "--help"], capture_output=True,
                           text=True, check=False)
    assert built.returncode == 0, built.stderr
