"""How each `env_manager` of the template creates the project's environment and runs its tools.

The setup step (`setup_steps.install_environment`) follows the same commands as the generated
Makefile's `setup` target and README, so `mlops-scaffold new` and a plain `copier copy` followed
by `make setup` give the same environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Command:
    """One command of an install: what to run, and the file its stdout goes to, if any."""

    argv: tuple[str, ...]
    stdout_to: str | None = None


# What the user runs by hand to finish the environment when a step could not.
SETUP_HINTS: dict[str, str] = {
    "uv": "uv sync",
    "pip": "make setup",
    "poetry": "poetry install",
    "conda": "conda env update --file environment.yml --prune",
}
# The program each env manager needs on PATH, and how to get it.
MANAGER_TOOLS: dict[str, tuple[str, str]] = {
    "uv": ("uv", "install uv (pip install uv)"),
    "pip": ("python{version}", "install Python {version}"),
    "poetry": ("poetry", "install Poetry 2 (pipx install poetry)"),
    "conda": ("conda", "install conda (Miniforge)"),
}


def manager(answers: Mapping[str, Any]) -> str:
    return str(answers.get("env_manager") or "uv")


def step_label(answers: Mapping[str, Any]) -> str:
    """The environment step's name as the user sees it, e.g. "environment (uv sync)"."""
    labels = {
        "uv": "uv sync",
        "pip": "venv + pip",
        "poetry": "poetry install",
        "conda": "conda env",
    }
    return f"environment ({labels.get(manager(answers), manager(answers))})"


def manager_program(answers: Mapping[str, Any]) -> tuple[str | None, str]:
    """The env manager's program on PATH (None when missing) and how to install it."""
    name, install = MANAGER_TOOLS[manager(answers)]
    version = str(answers.get("python_version") or "3")
    return shutil.which(name.format(version=version)), install.format(version=version)


def install_commands(answers: Mapping[str, Any], program: str, project: Path) -> list[Command]:
    """The commands that create the environment and its lock file, as `make setup` does."""
    chosen = manager(answers)
    if chosen == "pip":
        pip = ".venv/bin/pip"
        commands = [Command((program, "-m", "venv", ".venv"))]
        if not (project / "requirements.txt").is_file():
            groups = ["--group", "dev"]
            if answers.get("docs", "mkdocs") == "mkdocs":
                groups += ["--group", "docs"]
            commands += [
                Command((pip, "install", "--quiet", "--upgrade", "pip>=25.1")),
                Command((pip, "install", "--quiet", "-e", ".", *groups)),
                Command((pip, "freeze", "--exclude-editable"), stdout_to="requirements.txt"),
            ]
        install = Command((pip, "install", "--quiet", "-r", "requirements.txt", "-e", "."))
        return [*commands, install]
    if chosen == "poetry":
        return [Command((program, "lock")), Command((program, "install"))]
    if chosen == "conda":
        return [Command((program, "env", "update", "--file", "environment.yml", "--prune"))]
    return [Command((program, "sync", "--quiet"))]


def install_env() -> dict[str, str]:
    """Variables for the install: bytecode compiled once, no prompts."""
    return {
        # Compiling all of site-packages costs over a minute for mlflow + dvc + sklearn;
        # `warm_bytecode` compiles what the project imports instead.
        "UV_COMPILE_BYTECODE": "0",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "POETRY_NO_INTERACTION": "1",
        "POETRY_VIRTUALENVS_IN_PROJECT": "true",
    }


def conda_env_bin(answers: Mapping[str, Any]) -> Path | None:
    """The bin folder of the project's named conda environment, if conda knows it."""
    conda = shutil.which("conda")
    if conda is None:
        return None
    listed = subprocess.run(
        [conda, "env", "list", "--json"], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        return None
    name = str(answers.get("distribution_name", ""))
    for prefix in json.loads(listed.stdout).get("envs", []):
        if Path(prefix).name == name:
            return Path(prefix) / "bin"
    return None


def project_tool(project: Path, answers: Mapping[str, Any], name: str) -> str | None:
    """A tool of the project's environment (pinned versions), else from PATH."""
    folders = [project / ".venv" / "bin"]
    if manager(answers) == "conda":
        conda_bin = conda_env_bin(answers)
        folders = [conda_bin] if conda_bin else []
    for folder in folders:
        local = folder / name
        if local.is_file() and os.access(local, os.X_OK):
            return str(local)
    return shutil.which(name)


def runner_hint(answers: Mapping[str, Any]) -> str:
    """The prefix the generated README uses to run a tool in the environment."""
    return {
        "pip": ".venv/bin/",
        "poetry": "poetry run ",
        "conda": f"conda run --name {answers.get('distribution_name', '')} ",
    }.get(manager(answers), "uv run ")
