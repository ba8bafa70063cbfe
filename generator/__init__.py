"""patternlib: a static site generator for pattern libraries."""

from __future__ import annotations

__version__ = "0.1.0"
