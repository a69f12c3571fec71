"""DVC's content hashes, computed the way DVC 3 does, so `dvc.lock` can be verified offline.

Files: md5 of the bytes (`hash: md5`); DVC 2 lock entries (no `hash` field) hashed text files
after CRLF→LF. Directories: md5 of the JSON list of `{"md5", "relpath"}` entries sorted by
relpath, plus ".dir" (dvc-data's `Tree.digest`); checked against DVC 3.67's output in the tests.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

CHUNK = 1024 * 1024
TEXT_CHARS = bytes(range(32, 127)) + b"\n\r\t\f\b"
SNIFF = 512


def _is_text(block: bytes) -> bool:
    """dvc-data's text heuristic on the first 512 bytes (no NUL, ≤30% non-text bytes)."""
    if not block:
        return True
    if b"\x00" in block:
        return False
    return len(block.translate(None, TEXT_CHARS)) / len(block) <= 0.30


def file_md5(path: Path, dos2unix: bool = False) -> str:
    """md5 of a file; `dos2unix` reproduces DVC 2's hash of text files."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        first = stream.read(CHUNK)
        text = dos2unix and _is_text(first[:SNIFF])
        chunk = first
        while chunk:
            digest.update(chunk.replace(b"\r\n", b"\n") if text else chunk)
            chunk = stream.read(CHUNK)
    return digest.hexdigest()


def dir_md5(path: Path, dos2unix: bool = False) -> tuple[str, int, int]:
    """(DVC dir hash ending in ".dir", number of files, total bytes) of a directory."""
    entries = []
    total = 0
    for folder, dirnames, filenames in os.walk(path):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".dvc")]
        for name in filenames:
            file = Path(folder, name)
            total += file.stat().st_size
            relpath = file.relative_to(path).as_posix()
            entries.append({"md5": file_md5(file, dos2unix), "relpath": relpath})
    entries.sort(key=lambda entry: entry["relpath"])
    listing = json.dumps(entries, sort_keys=True).encode("utf-8")
    return hashlib.md5(listing, usedforsecurity=False).hexdigest() + ".dir", len(entries), total
