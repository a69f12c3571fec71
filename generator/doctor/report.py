"""What a doctor check found, and how the findings become a table and an exit code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from rich.table import Table


class Status(str, Enum):
    """`warn` does not fail the command: the project works, but maybe not as the team intends."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    """One checked thing: what it is, how it went, and the command that fixes it."""

    check: str
    status: Status
    detail: str
    fix: str = ""


_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red"}


def findings_table(findings: list[Finding], root: Path) -> Table:
    """A rich table with one row per finding; the fix column is empty when nothing is wrong."""
    table = Table(title=f"mlops-scaffold doctor: {root}", title_justify="left")
    table.add_column("Check", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Details", overflow="fold")
    table.add_column("Fix", overflow="fold")
    for finding in findings:
        style = _STYLE[finding.status]
        table.add_row(
            finding.check,
            f"[{style}]{finding.status.value}[/]",
            finding.detail,
            finding.fix,
        )
    return table


def exit_code(findings: list[Finding]) -> int:
    """1 when any check failed, else 0."""
    return 1 if any(f.status is Status.FAIL for f in findings) else 0
