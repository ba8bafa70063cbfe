"""The real Commons OS library, unpacked for a benchmark (never copied into the project)."""

from __future__ import annotations

import contextlib
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "commons-os-patterns.tar.xz"
PATTERNLIB = Path(sys.executable).parent / "patternlib"


@contextlib.contextmanager
def unpacked() -> Iterator[Path]:
    """Unpack the corpus into a temporary folder (it holds _patterns/); remove it after."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(CORPUS) as archive:
            archive.extractall(work, filter="data")
        yield work
