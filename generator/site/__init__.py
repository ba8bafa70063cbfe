"""The site side: a checked library turned into pages with MkDocs + Material and Pagefind."""

from __future__ import annotations

import importlib.util
import os


def _choose_engine() -> None:
    """Build with MkDocs, or with its maintained drop-in fork ProperDocs.

    ProperDocs is used when PATTERNLIB_ENGINE=properdocs, or when MkDocs is not installed and
    it is. It then answers every `mkdocs` import (Material's too), so generator/site/sitebuild.py,
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
