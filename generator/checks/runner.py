"""Running the selected checks on a project and collecting one report.

Typed input errors become findings of the check that hit them, so one malformed file fails
one check with a message instead of aborting the run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config, load_config
from .model import CheckInputError, Finding, Problem, Severity, UsageError
from .project import Project
from .registry import Check, select_checks


@dataclass
class CheckResult:
    check: Check
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        """ "error", "warning" or "pass": the worst severity among the findings."""
        severities = {finding.severity for finding in self.findings}
        if Severity.ERROR in severities:
            return "error"
        return "warning" if severities else "pass"


@dataclass
class Report:
    root: Path
    strict: bool
    results: list[CheckResult]

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.results for finding in result.findings]

    def count(self, severity: Severity) -> int:
        return sum(finding.severity is severity for finding in self.findings)

    @property
    def exit_code(self) -> int:
        """0 when nothing failed (warnings allowed), 1 when a check reported an error."""
        return 1 if self.count(Severity.ERROR) else 0


def _finding(check: Check, problem: Problem | CheckInputError, strict: bool) -> Finding:
    severity = Severity.ERROR if strict else problem.severity
    return Finding(
        check.id, severity, problem.message, problem.fix or check.fix, problem.path, problem.line
    )


def run_check(check: Check, project: Project, strict: bool) -> CheckResult:
    result = CheckResult(check)
    try:
        for problem in check.run(project):
            result.findings.append(_finding(check, problem, strict))
    except CheckInputError as exc:
        result.findings.append(_finding(check, exc, strict))
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError) as exc:
        # A file shaped unlike anything the check knows (a number where a list belongs...):
        # a finding of that check, never a traceback that hides every other check's result.
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        problem = CheckInputError(f"a file this check reads is malformed ({detail})")
        result.findings.append(_finding(check, problem, strict))
    return result


def run_checks(
    root: Path,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    strict: bool = False,
    config: Config | None = None,
) -> Report:
    """Run the checks chosen by the CLI and `[tool.mlops-scaffold]` on the project at `root`.

    CLI `select` replaces the configured one; `ignore` lists add up; `strict` (either source)
    turns warnings into errors.
    """
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory")
    config = config if config is not None else load_config(root)
    select = list(select) or list(config.select)
    checks = select_checks(select, [*config.ignore, *ignore])
    strict = strict or config.strict
    project = Project(root.resolve(), config)
    return Report(project.root, strict, [run_check(check, project, strict) for check in checks])
