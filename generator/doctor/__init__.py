"""`mlops-scaffold doctor`: can this machine reach the project's tracking server and DVC remote?

Answers the first question of a new team member ("why does my run not show up?") in a second:
no import of mlflow, dvc or copier, standard-library probes with short timeouts only.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from generator.doctor.dvc_remote import check_dvc
from generator.doctor.environment import project_environment
from generator.doctor.report import exit_code, findings_table
from generator.doctor.tracking import check_tracking
from generator.errors import DestinationError

TIMEOUT = 3.0
"""Seconds allowed to each network probe: a firewalled host must not hang the command."""


def run_doctor(path: Path, console: Console, timeout: float = TIMEOUT) -> int:
    """Check the project at `path`, print one table row per check, return the exit code."""
    root = path.resolve()
    if not root.is_dir():
        raise DestinationError(f"{path} is not a folder")
    env = project_environment(root)
    findings = [check_tracking(root, env, timeout), *check_dvc(root, env, timeout)]
    console.print(findings_table(findings, root))
    return exit_code(findings)
