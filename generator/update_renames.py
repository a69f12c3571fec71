"""Template changes to files the user renamed or removed: reported, with the template's diff.

Copier's update carries the user's rename over as a deletion, so a template change to the old
name lands nowhere and nothing says so. When the project's history has a rename or a deletion
at all (one `git log`; most updates stop there), the old and new versions are rendered and every
file the template changed whose old name the project no longer has is reported: where git saw
it go, and the template's own diff, for the user to apply by hand.
"""

from __future__ import annotations

import difflib
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.template_source import TemplateSource


@dataclass(frozen=True)
class MovedChange:
    original: str  # the template's name for the file
    renamed_to: str | None  # where the user's history moved it (None: removed)
    diff: str  # the template's change, old version -> new version


def _git(args: list[str], cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    return done.stdout if done.returncode == 0 else ""


def renames(project: Path) -> dict[str, str | None]:
    """Paths the project's history renamed (old -> newest name) or deleted (old -> None),
    relative to the project folder."""
    prefix = _git(["rev-parse", "--show-prefix"], project).strip()
    log = _git(["log", "-M", "--diff-filter=DR", "--name-status", "--format=", "--", "."], project)
    moved: dict[str, str | None] = {}
    for line in reversed(log.splitlines()):  # oldest first, so chains end at the newest name
        fields = line.split("\t")
        if fields[0].startswith("R") and len(fields) == 3:
            old, new = (f.removeprefix(prefix) for f in fields[1:])
            for key, value in moved.items():
                if value == old:
                    moved[key] = new
            moved[old] = new
        elif fields[0] == "D" and len(fields) == 2:
            moved.setdefault(fields[1].removeprefix(prefix), None)
    return moved


def moved_changes(
    source: TemplateSource,
    project: Path,
    committed: set[str],
    versions: tuple[tuple[str, Mapping[str, Any]], tuple[str, Mapping[str, Any]]],
) -> list[MovedChange]:
    """Template changes between `versions` ((ref, answers) old and new) to files that are
    not in `committed` (the project's files before the update) and that its history moved."""
    moved = {old: new for old, new in renames(project).items() if old not in committed}
    if not moved:
        return []
    from generator.render import render_to

    found = []
    with tempfile.TemporaryDirectory(prefix="mlops-scaffold-renames-") as tmp:
        renders = []
        for index, (ref, answers) in enumerate(versions):
            folder = Path(tmp) / str(index)
            folder.mkdir()
            render_to(source, folder, answers, ref=ref)
            renders.append(folder)
        old_render, new_render = renders
        for name in sorted(moved):
            before, after = old_render / name, new_render / name
            if not before.is_file() or not after.is_file():
                continue
            old_text = before.read_text(encoding="utf-8", errors="replace")
            new_text = after.read_text(encoding="utf-8", errors="replace")
            if old_text == new_text:
                continue
            diff = "".join(
                difflib.unified_diff(
                    old_text.splitlines(keepends=True),
                    new_text.splitlines(keepends=True),
                    fromfile=f"a/{name}",
                    tofile=f"b/{name}",
                )
            )
            found.append(MovedChange(name, moved[name], diff))
    return found
