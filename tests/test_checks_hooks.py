"""The standards as pre-commit hooks: `pre-commit try-repo` installs this repository as a hook
repository (pip, from a git copy of the working tree) and runs its hooks on projects."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from checks_project import commit_all, make_project, write

REPO_ROOT = Path(__file__).resolve().parents[1]
HOOK_REPO_FILES = (
    "pyproject.toml",
    "README.md",
    "copier.yml",
    "hatch_build.py",
    ".pre-commit-hooks.yaml",
    "generator",
    "hooks",
    "templates",
)
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's package and hook definitions, committed in a fresh git repository."""
    repo = tmp_path_factory.mktemp("hook-repo") / "mlops-scaffold"
    repo.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "_template", "*.pyc")
    for name in HOOK_REPO_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, repo / name)
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "hooks"]):
        subprocess.run(["git", *command], cwd=repo, check=True, capture_output=True)
    return repo


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


VIOLATIONS = {
    "large-files": {"assets/weights.bin": os.urandom(1100 * 1024)},  # over the 1 MB default
    "data-in-git": {"data/processed/leak.csv": "a\n1\n"},
    "dvc-pipeline": {"dvc.yaml": "stages:\n  train:\n    cmd: [unclosed\n"},
    "pipeline-seeding": {"src/demo/prepare.py": "print('unseeded')\n"},
    "mlflow-tracking-uri": {
        "src/demo/tracking.py": "import mlflow\nmlflow.set_tracking_uri('./mlruns')\n"
    },
    "notebook-outputs": {
        "notebooks/explore.ipynb": '{"cells": [{"cell_type": "code", '
        '"execution_count": 1, "outputs": [], "source": [], "metadata": {}}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    },
    "workflow-security": {
        ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n"
        "    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
    },
}


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return subprocess.run(
        [*PRE_COMMIT, *args], cwd=project, env=env, capture_output=True, text=True, timeout=900
    )


def try_repo(
    project: Path, repo: Path, home: Path, hook: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo`: installs the hook repository afresh on every call."""
    return pre_commit(project, home, "try-repo", str(repo), hook, "--all-files", *args)


def use_hooks(project: Path, repo: Path) -> None:
    """Point the project's pre-commit config at the hook repository, as a team would."""
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, text=True, capture_output=True
    ).stdout.strip()
    write(
        project,
        {
            ".pre-commit-config.yaml": (
                f"repos:\n  - repo: {repo.as_uri()}\n    rev: {rev}\n"
                "    hooks:\n      - id: mlops-standards\n      - id: mlops-dvc-lock\n"
            )
        },
    )
    commit_all(project, "use the hooks")


@pytest.mark.slow
@pytest.mark.parametrize("broken", [False, True], ids=["clean-passes", "violation-blocked"])
def test_try_repo(tmp_path: Path, hook_repo: Path, pre_commit_home: Path, broken: bool) -> None:
    project = make_project(tmp_path / "project")
    if broken:
        write(project, VIOLATIONS["data-in-git"])
        commit_all(project, "commit data")
    done = try_repo(project, hook_repo, pre_commit_home, "mlops-standards")
    assert done.returncode == int(broken), done.stdout + done.stderr
    assert "mlops-scaffold standards" in done.stdout
    if broken:
        assert "data/processed/leak.csv: error [data-in-git]" in done.stdout, done.stdout


@pytest.mark.slow
def test_hooks_block_each_violation(tmp_path: Path, hook_repo: Path, pre_commit_home: Path) -> None:
    """One test, so the hook environment is installed once (the install dominates the time)."""
    clean = make_project(tmp_path / "clean")
    use_hooks(clean, hook_repo)
    done = pre_commit(clean, pre_commit_home, "run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    pushed = pre_commit(clean, pre_commit_home, "run", "--all-files", "--hook-stage", "pre-push")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "mlops-scaffold dvc.lock in step" in pushed.stdout

    for check_id, files in VIOLATIONS.items():
        project = make_project(tmp_path / check_id)
        use_hooks(project, hook_repo)
        write(project, files)
        commit_all(project, f"break {check_id}")
        done = pre_commit(project, pre_commit_home, "run", "--all-files")
        assert done.returncode == 1, (check_id, done.stdout + done.stderr)
        assert f"[{check_id}]" in done.stdout, done.stdout

    stale = make_project(tmp_path / "stale-lock")
    use_hooks(stale, hook_repo)
    write(stale, {"params.yaml": "seed: 43\ntrain:\n  lr: 0.1\n"})
    commit_all(stale, "change the seed without dvc repro")
    assert pre_commit(stale, pre_commit_home, "run", "--all-files").returncode == 0
    done = pre_commit(stale, pre_commit_home, "run", "--all-files", "--hook-stage", "pre-push")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "dvc.lock:" in done.stdout and "[dvc-lock]" in done.stdout
