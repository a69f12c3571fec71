"""Binary and non-UTF-8 files through an update: the user's committed change is never lost.

Copier's update applies the user's changes as a text patch onto the new render and drops the
hunks git cannot express as text, without an error: a user's edited image or Latin-1 file came
back as the template's version, reported as merged. So the committed content of every such file
is kept before the update and compared after it, against a render of the project's old version:

- the user never changed it: the template's update stands;
- the template did not change it (old render == what Copier left): the user's version is put
  back;
- both changed it: a conflict git understands, the user's version in the work tree and the
  three versions as unmerged index stages (`git checkout --theirs FILE` takes the template's).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.template_source import TemplateSource

MAX_BYTES = 64 * 1024 * 1024  # larger files are left to git LFS / DVC, not templates


@dataclass
class BinaryOutcome:
    kept: list[str] = field(default_factory=list)  # the user's version put back
    conflicts: list[str] = field(default_factory=list)


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=cwd, input=data, capture_output=True, check=True
    ).stdout


def not_text(data: bytes) -> bool:
    if b"\0" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def snapshot(project: Path) -> dict[str, bytes]:
    """Committed binary or non-UTF-8 files of the (clean) project: path -> bytes."""
    listed = _git(["ls-files", "-z"], project).decode("utf-8", "surrogateescape")
    found = {}
    for name in filter(None, listed.split("\0")):
        path = project / name
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_BYTES:
            continue
        data = path.read_bytes()
        if not_text(data):
            found[name] = data
    return found


def _stage(project: Path, name: str, versions: Mapping[int, bytes], mode: str) -> None:
    """Replace `name`'s index entry with unmerged stages (1 base, 2 ours, 3 theirs)."""
    full = _git(["rev-parse", "--show-prefix"], project).decode().strip() + name
    lines = [f"0 {'0' * 40}\t{full}"]
    for stage, data in versions.items():
        sha = _git(["hash-object", "-w", "--stdin"], project, data).decode().strip()
        lines.append(f"{mode} {sha} {stage}\t{full}")
    _git(["update-index", "--index-info"], project, ("\n".join(lines) + "\n").encode())


def keep_user_changes(
    source: TemplateSource,
    project: Path,
    before: Mapping[str, bytes],
    old_ref: str,
    old_answers: Mapping[str, Any],
) -> BinaryOutcome:
    """After Copier's update: restore or conflict every binary file whose user change it lost."""
    outcome = BinaryOutcome()
    changed = [
        name
        for name, data in before.items()
        if (project / name).is_file() and (project / name).read_bytes() != data
    ]
    if not changed:
        return outcome
    from generator.render import render_to

    with tempfile.TemporaryDirectory(prefix="mlops-scaffold-old-render-") as tmp:
        old_render = Path(tmp) / "project"
        old_render.mkdir()
        render_to(source, old_render, old_answers, ref=old_ref)
        for name in changed:
            ours = before[name]
            theirs = (project / name).read_bytes()
            base_path = old_render / name
            base = base_path.read_bytes() if base_path.is_file() else None
            if base == ours:
                continue  # only the template changed it
            (project / name).write_bytes(ours)
            if base is None or base == theirs:
                outcome.kept.append(name)
                continue
            mode = _git(["ls-files", "-s", "--", name], project).decode().split(" ", 1)[0]
            _stage(project, name, {1: base, 2: ours, 3: theirs}, mode or "100644")
            outcome.conflicts.append(name)
    return outcome
