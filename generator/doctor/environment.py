"""The variables the project's tools see: the process environment over the project's `.env`.

The generated Makefile loads `.env`, so a URI set only there is what `make repro` uses;
an exported variable wins, as with python-dotenv and docker compose.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Variable:
    """A variable's value and where it came from ("environment" or ".env")."""

    value: str
    source: str


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines (optional `export`, quotes, comments); a missing file is empty."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return {}
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        key = key.removeprefix("export ").strip()
        try:
            parts = shlex.split(raw, comments=True)
        except ValueError:
            parts = [raw.strip()]
        values[key] = " ".join(parts)
    return values


def project_environment(root: Path) -> dict[str, Variable]:
    """Non-empty variables of `root/.env`, overridden by non-empty ones of the environment."""
    merged = {k: Variable(v, ".env") for k, v in read_dotenv(root / ".env").items() if v}
    merged.update({k: Variable(v, "environment") for k, v in os.environ.items() if v})
    return merged
