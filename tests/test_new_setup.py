"""A full `mlops-scaffold new`: git on main with one clean commit, DVC, LFS and hooks installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.conftest import git

pytestmark = pytest.mark.slow


# Runs one stage module as `python -m` does and lists, at exit, the imported modules that had no
# bytecode: with PYTHONDONTWRITEBYTECODE set, each of them is compiled again on every run.
UNCOMPILED = """
import atexit, importlib.util, os, runpy, sys

def report():
    for name, module in list(sys.modules.items()):
        source = getattr(module, "__file__", None) or ""
        if source.endswith(".py") and not os.path.exists(importlib.util.cache_from_source(source)):
            sys.__stderr__.write(f"uncompiled: {name}\\n")

atexit.register(report)
sys.argv = [sys.argv[1]]
runpy.run_module(sys.argv[0], run_name="__main__")
"""


def _uncompiled_imports_of_the_pipeline(project: Path) -> set[str]:
    found: set[str] = set()
    for stage in ("prepare", "train", "evaluate", "registry", "monitor"):
        done = subprocess.run(
            [str(project / ".venv/bin/python"), "-c", UNCOMPILED, f"full_project.{stage}"],
            cwd=project,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        found |= {
            line.split()[1] for line in done.stderr.splitlines() if line.startswith("uncompiled: ")
        }
    return found


@pytest.mark.skipif(shutil.which("git-lfs") is None, reason="git-lfs is not installed")
def test_full_new_initialises_everything_and_compiles_the_pipeline(
    template_repo: Path, tmp_path: Path
) -> None:
    project = tmp_path / "full-project"
    # As on machines where Python writes no bytecode itself: `new` compiles the pipeline's imports.
    done = run_cli("new", str(project), "--defaults", env={"PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    for step in (
        "git init",
        "git lfs install",
        "environment (uv sync)",
        "bytecode of the imported modules",
        "dvc init",
        "dvc add (the raw table)",
        "pre-commit install",
        "first commit",
        "pipeline run (make repro)",
        "baseline commit",
    ):
        assert f"✓ {step}" in done.stdout, (step, done.stdout)
    assert "Next steps" in done.stdout

    assert git("branch", "--show-current", cwd=project).strip() == "main"
    # The rendered template, then the pipeline's first run: the baseline of every experiment.
    assert git("rev-list", "--count", "HEAD", cwd=project).strip() == "2"
    assert "dvc.lock" in git("show", "--name-only", "--format=", "HEAD", cwd=project).split()
    assert git("status", "--porcelain", cwd=project) == ""
    tracked = git("ls-files", cwd=project).splitlines()
    assert "uv.lock" in tracked
    assert ".dvc/config" in tracked
    # The raw table is DVC's: its pointer is in the first commit, the table itself is not in git.
    first = git("show", "--name-only", "--format=", "HEAD~1", cwd=project).split()
    assert "data/raw/breast_cancer.csv.dvc" in first
    assert "data/raw/breast_cancer.csv" not in tracked
    assert ".copier-answers.yml" in tracked
    assert not any(path.startswith(".venv/") for path in tracked)
    assert (project / ".venv" / "bin" / "python").exists()
    hook = project / ".git" / "hooks" / "pre-commit"
    assert hook.is_file() and "pre-commit" in hook.read_text()
    assert "filter.lfs.process" in git("config", "--local", "--list", cwd=project)

    # Without it, each stage of the first `dvc repro` compiled hundreds of modules (scikit-learn's
    # estimators via skops, GitPython, OpenTelemetry) and did so again on every later run.
    uncompiled = _uncompiled_imports_of_the_pipeline(project)
    assert len(uncompiled) <= 25, sorted(uncompiled)


def test_missing_optional_tools_warn_and_project_stays_usable(
    template_repo: Path, tmp_path: Path
) -> None:
    """Without uv, git-lfs and dvc on PATH their steps are skipped with the fix to run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    hidden = {"uv", "uvx", "git-lfs", "dvc", "pre-commit"}
    for system_dir in (Path("/usr/bin"), Path("/bin")):
        for tool in system_dir.iterdir():
            target = bin_dir / tool.name
            if tool.name not in hidden and not target.exists():
                target.symlink_to(tool)
    project = tmp_path / "bare-tools"
    done = run_cli("new", str(project), "--defaults", env={"PATH": str(bin_dir)})
    assert done.returncode == 0, done.stdout + done.stderr
    out = " ".join(done.stdout.split())
    assert "git-lfs is not installed" in out and "apt-get install git-lfs" in out
    assert "uv is not installed" in out and "pip install uv" in out
    assert "dvc is not installed" in out
    assert git("rev-list", "--count", "HEAD", cwd=project).strip() == "1"
    assert git("status", "--porcelain", cwd=project) == ""
    assert not (project / ".venv").exists()
    assert os.access(project, os.W_OK)
