"""patternlib: a static site generator for pattern libraries.

Two sides: `generator.library` (load, validate, score, link, fix, import, new) needs no
MkDocs, Material or Pagefind, and is what `pip install patternlib` and the pre-commit hook
install; `generator.site` (render, the MkDocs engine, search index, serve) turns a checked
library into pages and needs `patternlib[site]`. The library side imports nothing of the site
side (tests/test_layout.py holds it to that).
"""

from __future__ import annotations

__version__ = "0.1.0"
