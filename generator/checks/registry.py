"""The catalogue of checks: id, one-line rationale, how to fix, and the function that runs it.

Check modules import only this module and register themselves, so the list of ids (for
`--select`, `--ignore` and the docs) lives in one place and costs nothing to import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Problem, UsageError
from .project import Project

CheckFunction = Callable[[Project], Iterable[Problem]]


@dataclass(frozen=True)
class Check:
    """One standard: `id` is what users select/ignore, `fix` is the default remedy."""

    id: str
    rationale: str
    fix: str
    run: CheckFunction
    stage: str = "commit"  # "push" for checks too slow or too noisy for every commit


CHECKS: dict[str, Check] = {}
ORDER = (
    "large-files",
    "data-in-git",
    "dvc-pipeline",
    "dvc-lock",
    "pipeline-seeding",
    "mlflow-tracking-uri",
    "notebook-outputs",
    "template-version",
    "workflow-security",
)


def register(
    check_id: str, rationale: str, fix: str, stage: str = "commit"
) -> Callable[[CheckFunction], CheckFunction]:
    """Decorator adding a check function to the catalogue under `check_id`."""

    def decorate(function: CheckFunction) -> CheckFunction:
        CHECKS[check_id] = Check(check_id, rationale, fix, function, stage)
        return function

    return decorate


def all_checks() -> dict[str, Check]:
    """Every check, in catalogue order (importing the check modules registers them)."""
    from . import (  # noqa: F401  (imported for their registration side effect)
        data_dir,
        dvc_lock,
        dvc_pipeline,
        large_files,
        mlflow_uri,
        notebooks,
        seeding,
        template_version,
        workflows,
    )

    return {check_id: CHECKS[check_id] for check_id in ORDER}


def select_checks(select: Iterable[str], ignore: Iterable[str]) -> list[Check]:
    """The checks in `select` (all when empty) minus `ignore`; unknown ids are usage errors."""
    checks = all_checks()
    select, ignore = list(select), list(ignore)
    unknown = sorted({check_id for check_id in [*select, *ignore] if check_id not in checks})
    if unknown:
        raise UsageError(f"unknown check id(s): {', '.join(unknown)} (known: {', '.join(checks)})")
    wanted = select or list(checks)
    return [
        checks[check_id] for check_id in checks if check_id in wanted and check_id not in ignore
    ]
