"""JSON files shared between stages, written byte-for-byte reproducibly (sorted keys, LF)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_json(path: Path, content: Any) -> None:
    """Write `content` as indented JSON; identical input gives identical bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_json(path: Path) -> Any:
    """Read a file written by `write_json`."""
    return json.loads(path.read_text(encoding="utf-8"))
