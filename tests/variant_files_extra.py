"""Files that the `dvc_remote`, `env_manager`, `license` and `docs` answers add or remove.

The variant matrix checks every render against `core | extra_files(a) - excluded_files(a)`;
keeping this mapping beside the questions' owner means the matrix never guesses it.
Missing answers take the copier.yml defaults, so a partial answers dict works.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULTS: dict[str, str] = {
    "data_versioning": "dvc",
    "dvc_remote": "local",
    "env_manager": "uv",
    "license": "MIT",
    "docs": "mkdocs",
}

DOCS_FILES: frozenset[str] = frozenset(
    {
        "mkdocs.yml",
        "docs/index.md",
        "docs/pipeline.md",
        "docs/tracking.md",
        "docs/data.md",
        "docs/operations.md",
        "docs/contributing.md",
    }
)

# Rendered files only: the lock files (uv.lock, requirements.txt, poetry.lock) are written by
# the setup step (`mlops-scaffold new`) or `make setup`, from the resolved environment.
ENV_FILES: dict[str, frozenset[str]] = {
    "uv": frozenset(),
    "pip": frozenset(),
    "poetry": frozenset({"poetry.toml"}),
    "conda": frozenset({"environment.yml"}),
}


def _answer(answers: Mapping[str, Any], key: str) -> str:
    return str(answers.get(key, DEFAULTS[key]))


def extra_files(answers: Mapping[str, Any]) -> set[str]:
    """Files these answers add to the render (paths relative to the project root)."""
    files: set[str] = set(ENV_FILES[_answer(answers, "env_manager")])
    if _answer(answers, "data_versioning") == "dvc":
        files |= {".dvc/config", ".dvc/.gitignore"}
    if _answer(answers, "license") != "proprietary":
        files.add("LICENSE")
    if _answer(answers, "docs") == "mkdocs":
        files |= DOCS_FILES
    return files


def excluded_files(answers: Mapping[str, Any]) -> set[str]:
    """Files that must be absent under these answers, whatever the core set holds.

    Listing absences too keeps `core | extra - excluded` right whether the matrix builds its
    core set from the default render (which has LICENSE and .dvc/) or from the bare template.
    """
    files: set[str] = set()
    for manager, manager_files in ENV_FILES.items():
        if manager != _answer(answers, "env_manager"):
            files |= manager_files
    if _answer(answers, "data_versioning") != "dvc":
        files |= {".dvc/config", ".dvc/.gitignore"}
    if _answer(answers, "license") == "proprietary":
        files.add("LICENSE")
    if _answer(answers, "docs") != "mkdocs":
        files |= DOCS_FILES
    return files
