"""The one way a file given by the user is read: bounded, regular files only, UTF-8 or a reason.

A `params.yaml` symlinked to `/dev/zero` never ends, a 30 MB one takes the YAML parser most of
a minute, and a Latin-1 answers file raised `UnicodeDecodeError`. Every reader of a user's or
a project's text file goes through `read_text`, which refuses each of these with a reason the
caller puts into its own one-line error or finding.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

TEXT_LIMIT = 64 * 1024 * 1024  # a notebook with outputs can be large; JSON parses fast
YAML_LIMIT = 4 * 1024 * 1024  # configuration, answers, pipelines: YAML parses slowly


class UnreadableFile(Exception):
    """Why a file cannot be used, without its path (the caller names it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"


def read_bytes(path: Path, *, limit: int = TEXT_LIMIT) -> bytes:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UnreadableFile("not found") from None
    except OSError as error:
        raise UnreadableFile(f"can't be read: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile("not a regular file")
    if info.st_size > limit:
        raise UnreadableFile(f"larger than {_size(limit)}")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise UnreadableFile(f"can't be read: {error.strerror}") from None
    if len(data) > limit:
        raise UnreadableFile(f"larger than {_size(limit)}")
    return data


def decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise UnreadableFile(
            f"not UTF-8 text (byte 0x{byte:02x} at offset {error.start}); save it as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


def read_text(path: Path, *, limit: int = TEXT_LIMIT) -> str:
    """The file's UTF-8 text (a BOM dropped); raises UnreadableFile with the reason."""
    return decode(read_bytes(path, limit=limit))
