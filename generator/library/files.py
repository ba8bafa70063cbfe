"""Writing files so that no reader ever sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(target: Path, content: bytes, *, mode: int) -> None:
    """Write `content` to a temporary file beside `target`, then rename it over `target`."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        temporary.chmod(mode)  # mkstemp makes it 0600
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
