"""The tool as a user really has it: installed from a clone the README's way, nothing else.

No editable checkout on the path, no wheel offered to pip or uv (`PIP_FIND_LINKS` and the like are
removed), no package index entry for mlops-scaffold, no git tags in the clone, a scratch HOME
with its own `~/.local/bin`, and Debian's Python first on PATH where the machine has it (PEP 668:
pip refuses to install into it). Only the uv download cache is shared with the test run, as any
cache would be.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

_USER_ENV_DROPPED = ("PIP_", "UV_", "MLOPS_SCAFFOLD", "COPIER_", "PRE_COMMIT", "GIT_", "PYTHON")
DESCRIBED = re.compile(r"^v\d+\.\d+\.\d+(-\d+-g[0-9a-f]{7,})?$")


@dataclass
class User:
    home: Path
    env: dict[str, str]

    def run(
        self, command: str, cwd: Path, *, check: bool = True, timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["sh", "-c", command],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{command!r} exited {done.returncode} in {cwd}\n"
                f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
            )
        return done


def new_user(home: Path) -> User:
    """A shell environment with nothing of the test harness in it."""
    cache = os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(_USER_ENV_DROPPED)}
    env.pop("VIRTUAL_ENV", None)
    system_path = "/usr/bin:/bin" if Path("/usr/bin/python3").exists() else os.environ["PATH"]
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n")
    env.update(
        HOME=str(home),
        PATH=f"{home}/.local/bin:{system_path}",
        # A cache, shared as any would be; and no Python downloads (this machine has no
        # network but the package registries).
        UV_CACHE_DIR=cache,
        UV_PYTHON_DOWNLOADS="never",
        NO_COLOR="1",
        COLUMNS="100",
    )
    return User(home, env)


def clone_without_tags(dest: Path) -> Path:
    """A clone of this repository's committed main, as a user makes it (no tags come along)."""
    subprocess.run(
        ["git", "clone", "-q", "--no-tags", str(REPO_ROOT), str(dest)],
        check=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    assert subprocess.run(["git", "tag"], cwd=dest, capture_output=True, text=True).stdout == ""
    return dest


def readme_command(number: int) -> str:
    """The README's numbered command for a fresh machine, exactly as written."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh", 1)[1].split("```", 1)[0].splitlines()
    for index, line in enumerate(block):
        if line.startswith(f"# {number}."):
            return next(ln for ln in block[index + 1 :] if ln and not ln.startswith("#"))
    raise AssertionError(f"README has no command {number}")


def commit_count(user: User, project: Path) -> int:
    return int(user.run("git rev-list --count HEAD", project).stdout)


def bump_minor(version: str) -> str:
    major, minor, *_ = version.split(".")
    return f"{major}.{int(minor) + 1}.0"


def test_installed_the_readme_way_a_project_commits_updates_and_checks(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    user = new_user(tmp_path_factory.mktemp("user-home"))
    clone = clone_without_tags(user.home / "mlops-scaffold")

    # The README's first command, as written: install, create, reproduce.
    done = user.run(readme_command(1), clone)
    project = user.home / "my-ml-project"
    tool = shutil.which("mlops-scaffold", path=user.env["PATH"])
    assert tool is not None and Path(tool).parent == user.home / ".local" / "bin"
    origin = user.run("mlops-scaffold --version", project).stdout
    assert origin.startswith("mlops-scaffold "), origin
    assert "up to date" in done.stdout + done.stderr, done.stdout  # `make repro`: nothing to do

    # The baseline: the rendered template, then the first run's results, and nothing else.
    assert commit_count(user, project) == 2
    assert user.run("git status --porcelain", project).stdout == ""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert DESCRIBED.match(answers["_commit"]), answers["_commit"]
    diff = json.loads(user.run("uv run dvc metrics diff HEAD~1 --json", project).stdout)
    assert diff["reports/metrics.json"]["f1"]["new"] > 0.8, diff
    shown = json.loads(user.run("uv run dvc exp show --json", project).stdout)
    baseline = next(entry for entry in shown if entry["rev"] != "workspace")
    assert baseline["data"]["metrics"]["reports/metrics.json"]["data"]["f1"] > 0.8, baseline
    user.run("mlops-scaffold check --strict", project)

    # A commit with the hooks installed: the standards hook runs the installed tool.
    with (project / "README.md").open("a") as readme:
        readme.write("\nNotes on the churn data.\n")
    done = user.run("git add README.md && git commit -m 'Document the data'", project)
    assert re.search(r"mlops-scaffold check\.+Passed", done.stdout + done.stderr), done.stdout
    # ... and it really checks: only our standards refuse a small data file forced into git.
    (project / "data" / "raw" / "leak.csv").write_text("id,label\n1,0\n")
    done = user.run(
        "git add -f data/raw/leak.csv && git commit -m 'Add data'", project, check=False
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "data/raw/leak.csv: error [data-in-git]" in done.stdout + done.stderr, done.stdout
    user.run("git rm -q --cached data/raw/leak.csv && rm data/raw/leak.csv", project)

    # A teammate's fresh clone: the project's setup command, then a commit with the hooks.
    teammate = user.home / "teammate"
    user.run(f"git clone -q {project} {teammate}", user.home)
    user.run("make setup", teammate)
    assert (teammate / ".git" / "hooks" / "pre-commit").is_file()
    (teammate / "notes.md").write_text("A teammate's notes.\n")
    done = user.run("git add notes.md && git commit -m 'Add notes'", teammate)
    assert re.search(r"mlops-scaffold check\.+Passed", done.stdout + done.stderr), done.stdout

    # A newer template: a version bump committed in a scratch copy of this repository, without
    # tags, installed the README's way; then `update --check`, a real update, and `check`.
    newer = clone_without_tags(user.home / "mlops-scaffold-newer")
    init = newer / "generator" / "__init__.py"
    current = re.search(r'__version__ = "([^"]+)"', init.read_text()).group(1)
    released = bump_minor(current)
    init.write_text(init.read_text().replace(current, released))
    ignore = newer / "templates" / "project" / ".gitignore"
    ignore.write_text(ignore.read_text() + "\n# Scratch notebooks\n/scratch/\n")
    user.run(f"git commit -qam 'Release {released}'", newer)
    user.run("sh install.sh", newer)
    assert user.run("mlops-scaffold --version", project).stdout.split()[-1] == released

    done = user.run("mlops-scaffold update --check", project, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"-> v{released}" in done.stdout, done.stdout
    done = user.run("mlops-scaffold update --dry-run", project)
    assert "/scratch/" in done.stdout and "nothing was written" in done.stdout, done.stdout
    done = user.run("mlops-scaffold update", project)
    assert f"updated to v{released}" in done.stdout, done.stdout
    assert "/scratch/" in (project / ".gitignore").read_text()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == f"v{released}"
    done = user.run("git add -A && git commit -m 'Update from the template'", project)
    assert re.search(r"mlops-scaffold check\.+Passed", done.stdout + done.stderr), done.stdout
    user.run("mlops-scaffold check --strict", project)
    assert user.run("mlops-scaffold update --check", project).returncode == 0


def test_the_hook_says_how_to_install_the_tool_when_it_is_missing(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A machine without mlops-scaffold: one line, no pip traceback, the commit refused."""
    from tests.cli_helpers import run_cli

    user = new_user(tmp_path_factory.mktemp("bare-home"))
    project = user.home / "project"
    done = run_cli("new", str(project), "--defaults", "--no-setup")
    assert done.returncode == 0, done.stdout + done.stderr
    user.run("git init -q -b main && git add -A", project)
    precommit = Path(shutil.which("pre-commit") or "pre-commit")
    done = user.run(f"{precommit} run mlops-scaffold-check --all-files", project, check=False)
    assert done.returncode == 1, done.stdout
    lines = [ln for ln in done.stdout.splitlines() if "mlops-scaffold is not installed" in ln]
    assert lines == [
        "mlops-scaffold is not installed: run make tools (it installs the release this project "
        "was made from), or see https://github.com/mlops-scaffold/mlops-scaffold"
    ], done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert "pip" not in done.stdout
