"""Standards checks for generated MLOps projects: the CLI `check` command and pre-commit hooks.

Each check has an id, a one-line rationale and a fix hint (`registry.py`); checks return
findings as data (`model.py`), the runner collects them (`runner.py`) and `cli_entry.run`
prints them and picks the exit code. Nothing here imports copier, dvc or mlflow.
"""

from __future__ import annotations

from .model import CheckInputError, ChecksError, Finding, Problem, Severity, UsageError

__all__ = ["CheckInputError", "ChecksError", "Finding", "Problem", "Severity", "UsageError"]
