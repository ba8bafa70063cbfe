"""The package's two sides: the library side works without the site's dependencies.

`pip install patternlib` (what the pre-commit hook installs) has no MkDocs, Material,
Pagefind, Jinja or cbor2; `generator.library` and the commands built on it (validate, new,
fix, import, schema) must run without them, and `build` must say how to get them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import VALID_LIBRARY

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "generator" / "library"
SITE_DEPENDENCIES = ("mkdocs", "material", "pagefind", "jinja2", "markupsafe", "cbor2",
                     "properdocs")

# Run in a fresh interpreter where importing any of the site's dependencies fails, as it does
# where they are not installed.
BLOCKER = textwrap.dedent(
    f"""
    import importlib.abc, sys
    BLOCKED = {SITE_DEPENDENCIES!r}
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {{name!r}} (blocked)", name=name)
            return None
    sys.meta_path.insert(0, Block())
    """
)


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCKER + textwrap.dedent(code), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth of the file (functions included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_library_modules_import_nothing_of_the_site_side() -> None:
    modules = sorted(LIBRARY.glob("*.py"))
    assert len(modules) >= 15
    offenders = {
        f"{path.name}: {name}"
        for path in modules
        for name in _imports(path)
        if name == "generator.site" or name.startswith("generator.site.")
        or name.split(".")[0] in SITE_DEPENDENCIES
    }
    assert not offenders


def test_every_library_module_imports_without_the_site_dependencies() -> None:
    names = sorted(f"generator.library.{p.stem}" for p in LIBRARY.glob("*.py"))
    result = _run(
        """
        import importlib, sys
        for name in sys.argv[1:]:
            importlib.import_module(name)
        import generator.cli
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED
                        or m.startswith("generator.site"))
        print("loaded:", loaded)
        """,
        *names,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded: []"


def test_the_blocker_blocks() -> None:
    """The import test above would pass vacuously if blocking did nothing."""
    result = _run("import generator.site.build")
    assert result.returncode != 0
    assert "(blocked)" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", str(VALID_LIBRARY)], 0),
        (["validate", "--format", "json", str(VALID_LIBRARY)], 0),
        (["schema"], 0),
    ],
)
def test_light_commands_run_without_the_site_dependencies(args: list[str], expected: int) -> None:
    result = _run(
        """
        import sys
        from generator.cli import main
        sys.argv = ["patternlib", *sys.argv[1:]]
        main()
        """,
        *args,
    )
    assert result.returncode == expected, result.stderr
    assert result.stdout


def test_build_without_the_site_dependencies_says_how_to_get_them(tmp_path: Path) -> None:
    result = _run(
        """
        import sys
        from generator.cli import main
        sys.argv = ["patternlib", *sys.argv[1:]]
        main()
        """,
        "build", "--root", str(tmp_path),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "pip install 'patternlib[site]'" in result.stderr
    assert "mkdocs" in result.stderr
