"""Running the setup steps with progress, and `mlops-scaffold setup`, which finishes them.

`new` renders, then runs the steps here; when they are interrupted (Ctrl-C) or one fails, the
message names one command, `mlops-scaffold setup DEST`, that runs every step again: each is
idempotent, so what was done is skipped and what was not is finished.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from generator.answers import load_answers_file
from generator.errors import DestinationError, ScaffoldError
from generator.setup_steps import THIRD_PARTY_STEPS, StepResult, run_steps

ANSWERS_FILE = ".copier-answers.yml"


class SetupInterrupted(ScaffoldError):
    """Ctrl-C during the setup steps: the project is rendered, its setup is not finished."""

    exit_code = 130


def tool_command() -> str:
    """How the user runs this tool: `mlops-scaffold` when it is on PATH, else its full path."""
    if shutil.which("mlops-scaffold"):
        return "mlops-scaffold"
    argv0 = Path(sys.argv[0])
    if argv0.name == "mlops-scaffold" and argv0.is_file():
        return shlex.quote(str(argv0.absolute()))
    return "mlops-scaffold"


def resume_command(dest: Path) -> str:
    return f"{tool_command()} setup {shlex.quote(str(dest))}"


def run_setup(
    dest: Path,
    answers: Mapping[str, Any],
    console: Console,
    *,
    with_pipeline: bool = True,
    third_party: bool = False,
) -> list[StepResult]:
    """Every setup step with a progress line each; Ctrl-C becomes SetupInterrupted."""
    current: list[str] = []
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            tasks: dict[str, Any] = {}

            def start(name: str) -> None:
                current[:] = [name]
                tasks[name] = progress.add_task(name, total=1)

            def end(result: StepResult) -> None:
                mark = {"ok": "[green]✓[/]", "skipped": "[yellow]![/]", "failed": "[red]✗[/]"}
                text = f"{mark[result.status]} {escape(result.name)}"
                if result.detail:
                    text += f" [dim]({escape(result.detail)})[/]"
                progress.update(tasks[result.name], description=text, completed=1)

            results = run_steps(
                dest,
                answers,
                on_start=start,
                on_end=end,
                with_pipeline=with_pipeline,
                only=THIRD_PARTY_STEPS if third_party else None,
            )
    except KeyboardInterrupt:
        step = f" during {current[0]}" if current else ""
        raise SetupInterrupted(
            f"setup interrupted{step}; the project is rendered in {dest}. "
            f"Finish the setup with: {resume_command(dest)}"
        ) from None
    for result in results:
        if result.fix and result.status != "ok":
            style = "red" if result.status == "failed" else "yellow"
            what = escape(f"{result.name}: {result.detail}")
            console.print(f"[{style}]{what}[/] -> {escape(result.fix)}", highlight=False)
    if any(result.status == "failed" for result in results):
        console.print(
            f"[red]✗[/] setup did not finish; after fixing the above, finish it with: "
            f"{escape(resume_command(dest))}",
            highlight=False,
        )
    return results


def run_setup_command(path: Path | None, *, no_run: bool, console: Console) -> int:
    """`mlops-scaffold setup [PATH]`: finish (or redo) the setup of a rendered project."""
    dest = (path or Path.cwd()).expanduser().absolute()
    if not dest.is_dir():
        raise DestinationError(f"{dest} is not a folder")
    answers_path = dest / ANSWERS_FILE
    if not answers_path.is_file():
        raise DestinationError(
            f"{dest} has no {ANSWERS_FILE}: it is not a project rendered by mlops-scaffold"
        )
    answers = load_answers_file(answers_path)
    results = run_setup(dest, answers, console, with_pipeline=not no_run)
    return 1 if any(result.status == "failed" for result in results) else 0
