"""A small but complete project that passes every standards check, for the checks' tests.

Tests break one standard at a time on a fresh copy, so each failure is attributable to one check.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

SHA = "b4ffde65f46336ab88eb53be808477a3936bae11"
INPUT_CSV = "a,b\n1,2\n3,4\n"

SEED_PY = '''"""Seed utility."""

import random


def seed_everything(seed: int) -> None:
    random.seed(seed)
'''

PREPARE_PY = '''"""Stage prepare."""

import yaml

from demo.seed import seed_everything


def main() -> None:
    params = yaml.safe_load(open("params.yaml"))
    seed_everything(params["seed"])


if __name__ == "__main__":
    main()
'''

TRAIN_PY = '''"""Stage train."""

import yaml

from .seed import seed_everything

CONFIG = yaml.safe_load(open("params.yaml"))


def main() -> None:
    seed = CONFIG["seed"]
    seed_everything(seed)


if __name__ == "__main__":
    main()
'''

TRACKING_PY = '''"""MLflow setup."""

import mlflow

mlflow.set_tracking_uri("sqlite:///mlflow.db")
'''

DVC_YAML = """stages:
  prepare:
    cmd: python -m demo.prepare
    deps:
      - src/demo/prepare.py
      - data/raw/input.csv
    params:
      - seed
    outs:
      - data/processed/train.csv
  train:
    cmd: uv run python -m demo.train
    deps:
      - src/demo/train.py
      - data/processed/train.csv
    params:
      - seed
      - train.lr
    outs:
      - models/model.pkl
"""

PARAMS_YAML = "seed: 42\ntrain:\n  lr: 0.1\n"

WORKFLOW = f"""name: CI
on: [push]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{SHA}  # v4
      - uses: ./.github/actions/setup
      - run: make test
"""

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Explore"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["print(1)"],
        },
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def dvc_lock(files: dict[str, str]) -> str:
    """A dvc.lock (DVC 3 format) matching `files`, hashed independently of the checks' code."""

    def dep(path: str) -> str:
        content = files[path]
        return (
            f"    - path: {path}\n      hash: md5\n      md5: {md5(content)}\n"
            f"      size: {len(content)}\n"
        )

    return (
        "schema: '2.0'\nstages:\n  prepare:\n    cmd: python -m demo.prepare\n    deps:\n"
        + dep("data/raw/input.csv")
        + dep("src/demo/prepare.py")
        + "    params:\n      params.yaml:\n        seed: 42\n"
        + "    outs:\n    - path: data/processed/train.csv\n      hash: md5\n"
        + "      md5: 0cc175b9c0f1b6a831c399e269772661\n      size: 1\n"
        + "  train:\n    cmd: uv run python -m demo.train\n    deps:\n"
        + dep("data/processed/train.csv")
        + dep("src/demo/train.py")
        + "    params:\n      params.yaml:\n        seed: 42\n        train.lr: 0.1\n"
        + "    outs:\n    - path: models/model.pkl\n      hash: md5\n"
        + "      md5: 0cc175b9c0f1b6a831c399e269772661\n      size: 1\n"
    )


def clean_files() -> dict[str, str]:
    files = {
        ".copier-answers.yml": "# answers\n_commit: v0.1.0\n_src_path: gh:example/mlops-scaffold\n"
        "project_name: Demo\n",
        ".gitignore": "/mlflow.db\n/models/\n",
        "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1.0"\n',
        "params.yaml": PARAMS_YAML,
        "dvc.yaml": DVC_YAML,
        "src/demo/__init__.py": "",
        "src/demo/seed.py": SEED_PY,
        "src/demo/prepare.py": PREPARE_PY,
        "src/demo/train.py": TRAIN_PY,
        "src/demo/tracking.py": TRACKING_PY,
        "data/raw/.gitkeep": "",
        "data/raw/.gitignore": "/input.csv\n",
        "data/raw/input.csv.dvc": f"outs:\n- md5: {md5(INPUT_CSV)}\n  size: 12\n  hash: md5\n"
        "  path: input.csv\n",
        "data/raw/input.csv": INPUT_CSV,
        "data/processed/.gitignore": "/train.csv\n",
        "data/processed/train.csv": "a,b\n1,2\n",
        "notebooks/explore.ipynb": json.dumps(NOTEBOOK, indent=1) + "\n",
        ".github/workflows/ci.yml": WORKFLOW,
        "README.md": "# Demo\n",
    }
    files["dvc.lock"] = dvc_lock(files)
    return files


def git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True)
    return done.stdout


def write(project: Path, files: dict[str, str | bytes]) -> None:
    for relpath, content in files.items():
        path = project / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def commit_all(project: Path, message: str = "change") -> None:
    git(project, "add", "-A")
    git(project, "commit", "-q", "--allow-empty", "-m", message)


def make_project(root: Path) -> Path:
    """Write the clean project into `root`, `git init` it and commit everything."""
    root.mkdir(parents=True, exist_ok=True)
    write(root, clean_files())  # type: ignore[arg-type]
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "clean project")
    return root
