"""patternlib: a static site generator for pattern libraries."""

from __future__ import annotations

import importlib.util
import os

__version__ = "0.1.0"


def _choose_engine() -> None:
    """Build with MkDocs, or with its maintained drop-in fork ProperDocs.

    ProperDocs is used when PATTERNLIB_ENGINE=properdocs, or when MkDocs is not installed and
    it is. It then answers every `mkdocs` import (Material's too), so generator/sitebuild.py,
    the one module that calls MkDocs' functions, runs on either unchanged.
    """
    wanted = os.environ.get("PATTERNLIB_ENGINE", "")
    if wanted not in ("", "mkdocs", "properdocs"):
        raise RuntimeError(f"PATTERNLIB_ENGINE={wanted!r}: use mkdocs or properdocs")
    if wanted == "properdocs" or (
        not wanted
        and importlib.util.find_spec("mkdocs") is None
        and importlib.util.find_spec("properdocs") is not None
    ):
        import properdocs.replacement  # noqa: F401  (importing it installs the aliases)


_choose_engine()
