"""Hook `mlops-standards`: every check except `dvc-lock`, on each commit."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from generator.checks.cli_entry import main as run_checks
from generator.checks.registry import all_checks


def main(argv: Sequence[str] | None = None) -> int:
    # push-stage checks (dvc-lock hashes every pipeline dependency) run in `mlops-dvc-lock`
    push_only = [check.id for check in all_checks().values() if check.stage == "push"]
    return run_checks(
        argv, prog="mlops-scaffold-standards", default_format="text", extra_ignore=push_only
    )


if __name__ == "__main__":
    sys.exit(main())
