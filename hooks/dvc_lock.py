"""Hook `mlops-dvc-lock`: `dvc.lock` matches the committed deps and params, before a push."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from generator.checks.cli_entry import main as run_checks


def main(argv: Sequence[str] | None = None) -> int:
    return run_checks(
        argv, prog="mlops-scaffold-dvc-lock", default_format="text", only=("dvc-lock",)
    )


if __name__ == "__main__":
    sys.exit(main())
