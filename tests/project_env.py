"""Helpers for tests that render the template and run commands inside the generated project."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from conftest import copier_render

# Variables of the developer's own environment that would leak into the project's commands.
_LEAKY = ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_NAME")


def project_env() -> dict[str, str]:
    """The environment for commands run in a generated project (uv with the machine's Python)."""
    env = {key: value for key, value in os.environ.items() if key not in _LEAKY}
    # Bytecode is written at first import (see conftest), so installs need not compile it all.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(UV_COMPILE_BYTECODE="0", UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    return env


def run(
    *args: str,
    cwd: Path,
    check: bool = True,
    timeout: float = 900,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run a command in `cwd` and capture its output; a failure shows both streams.

    `env` adds to (or overrides) the project's environment.
    """
    done = subprocess.run(
        list(args),
        cwd=cwd,
        env=project_env() | dict(env or {}),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} failed ({done.returncode}) in {cwd}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    return done


def render_project(template: Path, dest: Path, **answers: object) -> Path:
    """Render with plain Copier and default answers, overridden by `answers`, then add the
    task's bundled demo table and its schema.py as `mlops-scaffold new` does (a plain render
    has neither: the table is data and the schema is the user's file)."""
    copier_render(template, dest, **answers)
    install_demo(dest)
    return dest


def install_demo(root: Path) -> None:
    """The demo table of the project's task into data/raw/ and its inferred schema.py."""
    import yaml

    from generator.project_data import choose_demo, write_into

    answers = yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))
    choice = choose_demo(answers["task"], answers["target"], answers["dataset_file"])
    write_into(root, answers["package_name"], choice)


def files_of(root: Path) -> list[str]:
    """Sorted POSIX paths of the files under `root`, ignoring `.git/`."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(root).parts
    )
