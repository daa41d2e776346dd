"""Writing an export file whole or not at all.

An export is read by another system (a calendar, a record system, a spreadsheet); a
file cut short by a full disk or a crash could be read as a complete record with
appointments or patients missing. So the bytes go to a temporary file beside the
target, are flushed to disk, and only then take the target's name.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["file_error_in_words", "write_whole_file"]


def write_whole_file(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; an existing file is replaced only once the new one is complete."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def file_error_in_words(path: Path | str, error: OSError) -> str:
    """'cannot write /x/y.ics (Permission denied)': an OSError as the one line a user reads."""
    return f"{Path(path)}: {error.strerror or error}"
