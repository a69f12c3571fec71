"""The data a check produces, and the typed errors that stop a check or a whole run.

Checks return findings instead of printing, so the same results feed the rich table, the JSON
report, the pre-commit hooks and the tests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    """How bad a finding is: errors fail the run, warnings only inform (unless strict)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem found by one check, located as precisely as the input allows."""

    check: str
    severity: Severity
    message: str
    fix: str
    path: str | None = None
    line: int | None = None

    def location(self) -> str:
        """`path:line`, `path`, or "" when the finding is about the project as a whole."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass(frozen=True)
class Problem:
    """What a check function reports; the runner adds the check id and its default fix."""

    message: str
    path: str | None = None
    line: int | None = None
    severity: Severity = Severity.ERROR
    fix: str | None = None


class ChecksError(Exception):
    """Base class of the errors this package raises."""


class UsageError(ChecksError):
    """The run can't start: unknown check id, PATH not a directory, bad configuration."""


class CheckInputError(ChecksError):
    """A check's input is unusable (invalid YAML, unreadable file): the check fails with this.

    The runner turns it into a finding, so malformed input never becomes a traceback.
    """

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        severity: Severity = Severity.ERROR,
        fix: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.severity = severity
        self.fix = fix
