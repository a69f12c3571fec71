"""Settings from the `[tool.mlops-scaffold]` table of the project's `pyproject.toml`.

A team records its choices (checks to skip, the size limit, strictness) in the project, so the
CLI, the pre-commit hooks and CI all enforce the same standard.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator.textfile import YAML_LIMIT, UnreadableFile, read_text

from .model import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE_KB = 1024  # the same limit as the check-added-large-files hook
KNOWN_KEYS = frozenset({"select", "ignore", "max-file-size-kb", "strict", "seed-module"})


@dataclass(frozen=True)
class Config:
    """Check settings; every field has a default so a project needs no configuration."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    max_file_size_kb: int = DEFAULT_MAX_FILE_SIZE_KB
    strict: bool = False
    seed_module: str | None = None
    source: str | None = field(default=None, compare=False)


def _string_list(table: dict[str, object], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"pyproject.toml: [tool.mlops-scaffold] {key} must be a list of check ids")
    return tuple(value)


def load_config(root: Path) -> Config:
    """Read `[tool.mlops-scaffold]`; no file or no table means defaults.

    A malformed table is a usage error: guessing what the team meant would enforce the wrong
    standard silently.
    """
    pyproject = root / "pyproject.toml"
    if not pyproject.exists():
        return Config()
    try:
        document = tomllib.loads(read_text(pyproject, limit=YAML_LIMIT))
    except UnreadableFile as exc:
        raise UsageError(f"pyproject.toml can't be read: {exc.reason}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"pyproject.toml can't be read: {exc}") from None
    tools = document.get("tool")
    table = tools.get("mlops-scaffold") if isinstance(tools, dict) else None
    if table is None:
        return Config()
    if not isinstance(table, dict):
        raise UsageError("pyproject.toml: [tool.mlops-scaffold] must be a table")
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise UsageError(
            f"pyproject.toml: unknown key(s) in [tool.mlops-scaffold]: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    size = table.get("max-file-size-kb", DEFAULT_MAX_FILE_SIZE_KB)
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise UsageError("pyproject.toml: [tool.mlops-scaffold] max-file-size-kb must be > 0")
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise UsageError("pyproject.toml: [tool.mlops-scaffold] strict must be true or false")
    seed_module = table.get("seed-module")
    if seed_module is not None and not isinstance(seed_module, str):
        raise UsageError("pyproject.toml: [tool.mlops-scaffold] seed-module must be a string")
    return Config(
        select=_string_list(table, "select"),
        ignore=_string_list(table, "ignore"),
        max_file_size_kb=size,
        strict=strict,
        seed_module=seed_module,
        source="pyproject.toml",
    )
