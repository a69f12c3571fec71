"""The generated `.pre-commit-config.yaml`, run for real by pre-commit (issue 6).

One rendered project per module, set up the way `mlops-scaffold new` sets it up (git init,
`uv sync`, `dvc init`, first commit, `pre-commit install`), because the ruff and DVC hooks run
in the project's own environment. Hook environments install once per session into a shared
PRE_COMMIT_HOME. The standards hook runs the `mlops-scaffold` command installed on the machine:
here the dev environment's, first on PATH (tests/test_user_install.py proves the same with the
tool installed the README's way).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from generator import __version__
from tests.conftest import REPO_ROOT, copier_render, make_template_repo
from tests.project_env import install_demo

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent  # pre-commit and uv of the dev environment
STANDARDS_HOOK = "mlops-scaffold-check"
PRIVATE_KEY = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "-----END OPENSSH PRIVATE KEY-----\n"
)


def run(*cmd: str | Path, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if check and done.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, cmd))} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done


def notebook(outputs: list[dict[str, object]], count: int | None) -> str:
    cell = {
        "cell_type": "code",
        "execution_count": count,
        "id": "0",  # nbstripout renumbers cell ids: a clean notebook already has these
        "metadata": {},
        "outputs": outputs,
        "source": ["print(42)"],
    }
    doc = {
        "cells": [cell],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, indent=1) + "\n"


@pytest.fixture(scope="module")
def hook_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """PRE_COMMIT_HOME shared by the module, and this checkout's tools first on PATH."""
    root = tmp_path_factory.mktemp("pre-commit")
    saved = dict(os.environ)
    os.environ["PRE_COMMIT_HOME"] = str(root / "home")
    # The installed git hooks call `uv` (the hooks' entries), pre-commit's own Python and
    # `mlops-scaffold` (the standards hook).
    os.environ["PATH"] = f"{BIN}{os.pathsep}{saved['PATH']}"
    for leaky in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"):  # the dev environment's, not ours
        os.environ.pop(leaky, None)
    if not standards_check_exists():
        os.environ["SKIP"] = STANDARDS_HOOK
    yield
    os.environ.clear()
    os.environ.update(saved)


def standards_check_exists() -> bool:
    """Whether this checkout's CLI has `check` (the command the standards hook runs)."""
    probe = [sys.executable, "-m", "generator", "check", "--help"]
    return subprocess.run(probe, cwd=REPO_ROOT, capture_output=True, check=False).returncode == 0


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, hook_environment: None) -> Path:
    """A project as `mlops-scaffold new` leaves it, with the git hooks installed."""
    root = tmp_path_factory.mktemp("precommit-project")
    template = make_template_repo(root / "template", tag=f"v{__version__}")
    path = copier_render(template, root / "project")
    install_demo(path)  # the table and schema.py that `new` adds to the render
    run("git", "init", "-q", "-b", "main", cwd=path)
    run(BIN / "uv", "sync", "--quiet", cwd=path)
    if not (path / ".dvc" / "config").is_file():  # the template ships .dvc/ with its remote
        run(BIN / "uv", "run", "--frozen", "dvc", "init", "--quiet", cwd=path)
    raw = next((path / "data" / "raw").glob("*.csv")).relative_to(path)
    run(BIN / "uv", "run", "--frozen", "dvc", "add", "--quiet", str(raw), cwd=path)
    run("git", "add", "-A", cwd=path)
    run("git", "commit", "-q", "--no-verify", "-m", "Initial commit", cwd=path)
    run(BIN / "pre-commit", "install", cwd=path)
    return path


@pytest.fixture
def clean(project: Path) -> Iterator[Path]:
    """The module's project, put back to its last commit after each test."""
    yield project
    run("git", "reset", "-q", "--hard", "HEAD", cwd=project)
    run("git", "clean", "-fdq", cwd=project)  # untracked only: .venv is ignored, so kept


def test_standards_hook_runs_the_installed_command(project: Path) -> None:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {repo["repo"] for repo in config["repos"]} == {"local"}  # nothing fetched from GitHub
    # mlops-scaffold is on no package index: nothing may try to install it from one.
    standards = hooks[STANDARDS_HOOK]
    assert standards["language"] == "system" and "additional_dependencies" not in standards
    assert 'exec "$tool" check' in standards["entry"]
    assert set(config["default_install_hook_types"]) == {"pre-commit", "post-checkout", "pre-push"}
    for hook_type in config["default_install_hook_types"]:
        assert (project / ".git" / "hooks" / hook_type).is_file()
    if not standards_check_exists():
        pytest.skip(f"`mlops-scaffold check` is not implemented yet: {STANDARDS_HOOK} is skipped")


def test_all_files_pass_on_a_fresh_project(clean: Path) -> None:
    done = run(
        BIN / "pre-commit", "run", "--all-files", "--show-diff-on-failure", cwd=clean, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert run("git", "status", "--porcelain", cwd=clean).stdout == ""  # no fixer changed a file


@pytest.mark.parametrize(
    ("name", "content", "hook"),
    [
        ("assets/weights.bin", os.urandom(5 * 1024 * 1024), "check-added-large-files"),
        ("notebooks/explore.ipynb", None, "nbstripout"),
        ("deploy/id_ed25519", PRIVATE_KEY, "detect-private-key"),
    ],
    ids=["5MB-binary", "notebook-with-outputs", "private-key"],
)
def test_installed_hooks_reject(
    clean: Path, name: str, content: bytes | str | None, hook: str
) -> None:
    path = clean / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        output = {"name": "stdout", "output_type": "stream", "text": ["42\n"]}
        path.write_text(content or notebook([output], count=1))
    run("git", "add", name, cwd=clean)

    done = run("git", "commit", "-m", f"add {name}", cwd=clean, check=False)

    assert done.returncode != 0, done.stdout
    assert f"- hook id: {hook}" in done.stdout + done.stderr
    assert run("git", "rev-list", "--count", "HEAD", cwd=clean).stdout.strip() == "1"
    if hook == "nbstripout":  # the hook also fixed the file: committing it again succeeds
        stripped = json.loads(path.read_text())["cells"][0]
        assert stripped["outputs"] == [] and stripped["execution_count"] is None


def test_clean_commit_checkout_and_push_pass(clean: Path, tmp_path: Path) -> None:
    (clean / "notebooks" / "clean.ipynb").write_text(notebook([], count=None))
    module = next((clean / "src").iterdir()) / "answer.py"
    module.write_text('"""The answer."""\n\nANSWER = 42\n')
    run("git", "add", "-A", cwd=clean)

    run("git", "commit", "-q", "-m", "Add a clean notebook and module", cwd=clean)
    # post-checkout runs `dvc checkout`; pre-push runs `dvc push` to the template's default
    # remote, a folder beside the repository.
    switched = run("git", "checkout", "-q", "-b", "feature", cwd=clean)
    assert "dvc checkout" in switched.stdout + switched.stderr
    run("git", "init", "-q", "--bare", tmp_path / "remote.git", cwd=tmp_path)
    pushed = run("git", "push", "-q", tmp_path / "remote.git", "feature", cwd=clean)
    assert "No default DVC remote" not in pushed.stdout + pushed.stderr
    assert "dvc push" in pushed.stdout + pushed.stderr

    run("git", "checkout", "-q", "main", cwd=clean)
    run("git", "branch", "-q", "-D", "feature", cwd=clean)
    run("git", "reset", "-q", "--hard", "HEAD~1", cwd=clean)
