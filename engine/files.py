"""Writing output files whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import fail


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, renamed into place.

    A failed run (bad data, a bug, Ctrl-C) never leaves half a file, and an
    existing file is replaced only by a complete new one.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise fail(str(path), f"the folder {folder}/ does not exist", "create it first, or write somewhere else")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
