"""Turning a report into text: a rich table for people on a terminal, one plain line per finding
in a pipe or a CI log (paths never broken across lines), JSON (report.schema.json) for tools.

Imports rich only for the table, so the plain and JSON paths stay light.
"""

from __future__ import annotations

import json
from typing import TextIO

from .. import __version__
from .model import Severity
from .runner import Report

SCHEMA_VERSION = 1
FORMATS = ("auto", "table", "json", "text")


def resolve_format(output_format: str, stream: TextIO) -> str:
    """`auto`: the table on a terminal, plain lines anywhere else."""
    if output_format != "auto":
        return output_format
    isatty = getattr(stream, "isatty", None)
    return "table" if isatty is not None and isatty() else "text"


def report_dict(report: Report) -> dict[str, object]:
    """The report as JSON-ready data, in the shape documented by report.schema.json."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "root": str(report.root),
        "strict": report.strict,
        "exit_code": report.exit_code,
        "summary": {
            "checks": len(report.results),
            "passed": sum(result.status == "pass" for result in report.results),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
        },
        "checks": [
            {"id": r.check.id, "status": r.status, "rationale": r.check.rationale}
            for r in report.results
        ],
        "findings": [finding.to_dict() for finding in report.findings],
    }


def write_json(report: Report, stream: TextIO) -> None:
    json.dump(report_dict(report), stream, indent=2)
    stream.write("\n")


def write_text(report: Report, stream: TextIO) -> None:
    """One `path:line: level [check] message (fix: ...)` line per finding, as linters print."""
    for finding in report.findings:
        location = finding.location() or str(report.root)
        fix = f" (fix: {finding.fix})" if finding.fix else ""
        message = " ".join(f"{finding.message}{fix}".split())  # one finding, one line
        stream.write(f"{location}: {finding.severity.value} [{finding.check}] {message}\n")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    verdict = "failed" if errors else "passed"
    stream.write(
        f"mlops-scaffold check {verdict}: {len(report.results)} checks, "
        f"{errors} error(s), {warnings} warning(s)\n"
    )


def write_table(report: Report, stream: TextIO) -> None:
    """One row per finding, one row per passing check, then a one-line summary."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=stream, highlight=False)
    table = Table(
        title=f"mlops-scaffold check: {report.root}",
        title_justify="left",
        show_lines=False,
        expand=False,
    )
    table.add_column("Check", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("File:line", overflow="fold")
    table.add_column("Problem")
    table.add_column("How to fix")
    styles = {"error": "bold red", "warning": "yellow", "pass": "green"}
    for result in report.results:
        if not result.findings:
            table.add_row(result.check.id, Text("pass", styles["pass"]), "", "", "")
        for finding in result.findings:
            status = finding.severity.value
            table.add_row(
                finding.check,
                Text(status, styles[status]),
                finding.location(),
                finding.message,
                finding.fix,
            )
    console.print(table)
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    verdict = Text("failed", "bold red") if errors else Text("passed", "bold green")
    console.print(
        Text.assemble(
            verdict,
            f": {len(report.results)} checks, {errors} error(s), {warnings} warning(s)"
            + (" (strict: warnings count as errors)" if report.strict else ""),
        )
    )
