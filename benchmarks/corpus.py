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
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
                archive.extractall(work, filter="data")
            else:  # our own archive, but say no to paths leaving the folder all the same
                members = archive.getmembers()
                for member in members:
                    if member.name.startswith(("/", "..")) or "/../" in member.name:
                        raise ValueError(f"unsafe path in the corpus archive: {member.name}")
                archive.extractall(work, members=members)
        yield work
