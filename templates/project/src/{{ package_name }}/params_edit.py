"""Write values into one section of params.yaml without losing its comments or layout.

A YAML round trip (load, dump) would drop every comment that explains a parameter, so the
values are replaced in the text: only the value part of each `  key: value` line changes.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Any


def _yaml_scalar(value: Any) -> str:
    """A plain YAML scalar for a number, bool or string (JSON's spelling is valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 10))
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


def _section_bounds(lines: list[str], section: str) -> tuple[int, int]:
    """Index of the `section:` line and of the first line after its indented block."""
    start = next((i for i, line in enumerate(lines) if line.rstrip() == f"{section}:"), None)
    if start is None:
        raise KeyError(section)
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "\t", "#"))):
        end += 1
    # Trailing blank and comment lines belong to the next section.
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return start, end


def set_section_values(text: str, section: str, values: Mapping[str, Any]) -> str:
    """`text` with `section.<key>` set to each value; missing keys are appended to the section.

    Only top-level keys of the section (two-space indent) are touched; comments after a value
    on the same line are kept.
    """
    lines = text.splitlines(keepends=True)
    start, end = _section_bounds(lines, section)
    pending = dict(values)
    for index in range(start + 1, end):
        match = re.match(r"^(  )([A-Za-z_][\w-]*)(:\s*)([^#\n]*?)(\s*#.*)?(\n?)$", lines[index])
        if match and match.group(2) in pending:
            indent, key, colon, _, comment, newline = match.groups()
            scalar = _yaml_scalar(pending.pop(key))
            lines[index] = f"{indent}{key}{colon}{scalar}{comment or ''}{newline}"
    added = [f"  {key}: {_yaml_scalar(value)}\n" for key, value in pending.items()]
    if added and end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    lines[end:end] = added
    return "".join(lines)


def diff(before: str, after: str, name: str) -> str:
    """A unified diff of two versions of a file, empty when they are equal."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )
