"""The one way a destination typed by the user becomes a path.

`new ""` (an unset shell variable) must not mean "the current folder", a name longer than
the file system allows must be a clear error rather than an OSError deep in a render, and a
name is a name: nothing here (or later) reads it as a template.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.errors import DestinationError, UsageError

NAME_MAX = 255  # bytes per path component on Linux and macOS file systems


def check_name_lengths(path: Path) -> None:
    for part in path.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise DestinationError(
                f"the folder name {part[:40]}... is {len(os.fsencode(part))} bytes long; "
                f"file systems allow {NAME_MAX}"
            )


def destination(raw: str | os.PathLike[str] | None) -> Path | None:
    """The absolute destination for `raw`, or None when none was given."""
    if raw is None:
        return None
    text = os.fspath(raw)
    if not text.strip():
        raise UsageError("the destination is empty (an unset variable?); name a folder")
    if "\0" in text:
        raise UsageError("the destination contains a NUL character")
    path = Path(text).expanduser().absolute()
    check_name_lengths(path)
    return path
