"""The edge between the checks and the outside world: options in, output and exit code out.

`run` is what the `mlops-scaffold check` Typer command calls; `main` parses the same options
with argparse for the pre-commit hooks and `python -m generator.checks`, which must start fast.
Exit codes: 0 passed (warnings allowed), 1 a check failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .model import UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def run(
    path: Path,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    output_format: str = "auto",
    strict: bool = False,
) -> int:
    """Check the project at `path`, print the report to stdout, return the exit code."""
    from .output import FORMATS, resolve_format, write_json, write_table, write_text
    from .runner import run_checks

    if output_format not in FORMATS:
        print(
            f"error: unknown format {output_format!r} (use {', '.join(FORMATS)})", file=sys.stderr
        )
        return EXIT_USAGE
    try:
        report = run_checks(path, _split(select), _split(ignore), strict)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    chosen = resolve_format(output_format, sys.stdout)
    writer = {"table": write_table, "json": write_json, "text": write_text}[chosen]
    writer(report, sys.stdout)
    return report.exit_code


def _split(ids: Sequence[str]) -> list[str]:
    """Accept `--select a,b` as well as repeated `--select a --select b`."""
    return [part.strip() for item in ids for part in item.split(",") if part.strip()]


def build_parser(prog: str, default_format: str = "auto") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Check a project against the mlops-scaffold standards."
    )
    parser.add_argument(
        "path",
        nargs="?",
        default=".",
        type=Path,
        help="project folder (default: the current folder)",
    )
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="IDS",
        help="only these check ids (comma-separated or repeated)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="IDS",
        help="skip these check ids (comma-separated or repeated)",
    )
    parser.add_argument(
        "--format",
        dest="output_format",
        default=default_format,
        choices=("auto", "table", "json", "text"),
        help="output format (auto: the table on a terminal, one line per finding otherwise)",
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return parser


def main(
    argv: Sequence[str] | None = None,
    prog: str = "mlops-scaffold-check",
    default_format: str = "auto",
    extra_ignore: Sequence[str] = (),
    only: Sequence[str] = (),
) -> int:
    """argparse front end of `run`; hooks pin `only`/`extra_ignore` to their subset."""
    args = build_parser(prog, default_format).parse_args(argv)
    select = list(only) or args.select
    return run(args.path, select, [*args.ignore, *extra_ignore], args.output_format, args.strict)
