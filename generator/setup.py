"""Running the setup steps with progress, and `mlops-scaffold setup`, which finishes them.

`new` renders, then runs the steps here; when they are interrupted (Ctrl-C) or one fails, the
message names one command, `mlops-scaffold setup DEST`, that runs every step again: each is
idempotent, so what was done is skipped and what was not is finished.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Callable, Mapping
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
    """How the user runs this tool: `mlops-scaffold` when that is the command on PATH, else
    the full path of the one running (a venv's, or `~/.local/bin` not on PATH)."""
    argv0 = Path(sys.argv[0])
    on_path = shutil.which("mlops-scaffold")
    if argv0.name != "mlops-scaffold" or not argv0.is_file():
        return "mlops-scaffold"
    if on_path and Path(on_path).resolve() == argv0.resolve():
        return "mlops-scaffold"
    return shlex.quote(str(argv0.absolute()))


def resume_command(dest: Path) -> str:
    return f"{tool_command()} setup {shlex.quote(str(dest))}"


_MARKS = {"ok": "[green]✓[/]", "skipped": "[yellow]![/]", "failed": "[red]✗[/]"}


def _line(result: StepResult) -> str:
    text = f"{_MARKS[result.status]} {escape(result.name)}"
    return text + (f" [dim]({escape(result.detail)})[/]" if result.detail else "")


def run_setup(
    dest: Path,
    answers: Mapping[str, Any],
    console: Console,
    *,
    with_pipeline: bool = True,
    third_party: bool = False,
) -> list[StepResult]:
    """Every setup step, shown as it runs; Ctrl-C becomes SetupInterrupted.

    On a terminal each step is a live progress line; in a pipe or a CI log (where a live display
    would print nothing until the end) one line as each step ends.
    """
    current: list[str] = []

    def run(on_start: Callable[[str], None], on_end: Callable[[StepResult], None]) -> Any:
        def start(name: str) -> None:
            current[:] = [name]
            on_start(name)

        return run_steps(
            dest,
            answers,
            on_start=start,
            on_end=on_end,
            with_pipeline=with_pipeline,
            only=THIRD_PARTY_STEPS if third_party else None,
        )

    try:
        if console.is_terminal and not console.is_dumb_terminal:
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console,
                transient=False,
            ) as progress:
                tasks: dict[str, Any] = {}

                def start(name: str) -> None:
                    tasks[name] = progress.add_task(escape(name), total=1)

                def end(result: StepResult) -> None:
                    progress.update(tasks[result.name], description=_line(result), completed=1)

                results = run(start, end)
        else:
            results = run(
                lambda name: None,
                lambda result: console.print(f"  {_line(result)} [dim]{result.seconds:.0f} s[/]"),
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
