"""Helpers for update tests: tagged template versions, generated projects, tree fingerprints.

Each test gets its own template repository (a tagged copy of the real template), releases a
newer version by editing it, and drives the real CLI in-process (Typer's runner, real Copier).
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner, Result

from generator.cli import app

RENDERED = Path("templates") / "project"


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def release(template: Path, tag: str, edit: Callable[[Path], None]) -> None:
    """Edit the template repository (`edit` gets its root), commit and tag a new version."""
    edit(template)
    git("add", "-A", cwd=template)
    git("commit", "-q", "--allow-empty", "-m", f"template {tag}", cwd=template)
    git("tag", tag, cwd=template)


def cli(*args: str) -> Result:
    """Run `mlops-scaffold ARGS` in-process; the template comes from MLOPS_SCAFFOLD_TEMPLATE."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def new_project(dest: Path, *data: str) -> Path:
    """`mlops-scaffold new --defaults --no-setup`, then a first commit, as a user would."""
    options = [item for pair in (("--data", d) for d in data) for item in pair]
    result = cli("new", str(dest), "--defaults", "--no-setup", *options)
    assert result.exit_code == 0, result.output
    commit_all(dest, "first commit", init=True)
    return dest


def commit_all(project: Path, message: str, *, init: bool = False) -> None:
    if init:
        git("init", "-q", "-b", "main", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "--allow-empty", "-m", message, cwd=project)


def answers(project: Path) -> dict[str, object]:
    import yaml

    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def fingerprint(project: Path) -> dict[str, str]:
    """Every work-tree file's hash, plus HEAD and the index entries: 'byte-for-byte unchanged'."""
    files = {
        str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(project.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(project).parts
    }
    files["<HEAD>"] = git("rev-parse", "HEAD", cwd=project)
    files["<index>"] = git("ls-files", "--stage", cwd=project)
    return files


def unmerged(project: Path) -> set[str]:
    """Paths with conflict stages in git's index (`git ls-files -u`)."""
    return {line.split("\t", 1)[1] for line in git("ls-files", "-u", cwd=project).splitlines()}


def edit_text(path: Path, change: Callable[[str], str]) -> None:
    before = path.read_text()
    after = change(before)
    assert after != before, f"edit of {path} changed nothing"
    path.write_text(after)


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert old in text, f"{old!r} not found"
        return text.replace(old, new, 1)

    return change
