"""`mlops-scaffold new`: ask, confirm, render atomically, then run the setup steps."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.panel import Panel
from rich.prompt import Confirm
from rich.tree import Tree

from generator.answers import check_known, load_answers_file, parse_data_options
from generator.environments import runner_hint
from generator.errors import Aborted, DestinationError, UsageError
from generator.render import (
    check_destination,
    list_files,
    place_rendered,
    render_preview,
    render_project,
)
from generator.setup import resume_command, run_setup, tool_command
from generator.setup_steps import StepResult
from generator.template_source import CANONICAL_URL, resolve_source
from generator.versions import source_questions
from generator.wizard import collect_answers, summary_table

if TYPE_CHECKING:
    from generator.interop.detect import LocalTemplate


def run_new(
    dest: Path | None,
    *,
    defaults: bool,
    data: list[str],
    answers_file: Path | None,
    yes: bool,
    dry_run: bool,
    force: bool,
    no_setup: bool,
    console: Console,
    template: str | None = None,
    trust: bool = False,
    no_run: bool = False,
) -> int:
    if template is not None and not _is_our_template(template):
        return _run_new_from_template(
            template,
            dest,
            trust=trust,
            defaults=defaults,
            data=data,
            answers_file=answers_file,
            yes=yes,
            dry_run=dry_run,
            force=force,
            no_setup=no_setup,
            console=console,
        )
    source = resolve_source()
    questions = source_questions(source)
    provided: dict[str, Any] = {}
    if answers_file is not None:
        provided |= load_answers_file(answers_file)
    provided |= parse_data_options(data)
    check_known(provided, questions)

    overrides: dict[str, Any] = {}
    if dest is not None:
        dest = dest.expanduser().absolute()
        _refuse_unfinished(dest, force=force)
        check_destination(dest, force=force)
        if "project_name" not in provided and dest.name:
            overrides["project_name"] = dest.name
    if not (no_setup or dry_run) and shutil.which("git") is None:
        raise DestinationError("git is not installed; install git or pass --no-setup")

    terminal = sys.stdin.isatty()
    interactive = terminal and not defaults
    answers = collect_answers(
        questions,
        provided,
        # --yes without a terminal: nothing else could answer, the defaults do.
        use_defaults=defaults or (yes and not terminal),
        interactive=interactive,
        console=console,
        default_overrides=overrides,
    )
    if dest is None:
        dest = Path.cwd() / answers["distribution_name"]
        _refuse_unfinished(dest, force=force)
        check_destination(dest, force=force)

    console.print()
    console.print(summary_table(answers, f"New project in {dest}"))
    if (
        interactive
        and not yes
        and not Confirm.ask("Create the project?", default=True, console=console)
    ):
        raise Aborted("aborted; nothing was written")

    if dry_run:
        files = render_preview(source, answers)
        console.print(_tree(dest, files))
        console.print(f"[dim]dry run: {len(files)} files would be written; nothing was written.[/]")
        return 0

    with console.status("Rendering the template..."):
        files = render_project(source, dest, answers, force=force)
    console.print(f"[green]✓[/] rendered {len(files)} files into {dest}")
    if no_setup:
        console.print(_next_steps(dest, answers, setup_done=False))
        return 0

    results = run_setup(dest, answers, console, with_pipeline=not no_run)
    console.print(_next_steps(dest, answers, setup_done=True, results=results))
    failed = [r for r in results if r.status == "failed"]
    return 1 if failed else 0


def _refuse_unfinished(dest: Path, *, force: bool) -> None:
    """A folder that holds a rendered project of ours: say how to finish it, not "not empty"."""
    if not force and (dest / ".copier-answers.yml").is_file():
        raise DestinationError(
            f"{dest} already holds a project made by mlops-scaffold; if its setup did not "
            f"finish, finish it with: {resume_command(dest)}"
        )


def _is_our_template(source: str) -> bool:
    """`--template` naming our own canonical URL is the default path (always trusted)."""

    def bare(url: str) -> str:
        return url.strip().removeprefix("git+").removesuffix("/").removesuffix(".git")

    aliases = {bare(CANONICAL_URL), "gh:mlops-scaffold/mlops-scaffold"}
    return bare(source) in aliases


def _run_new_from_template(
    source: str,
    dest: Path | None,
    *,
    trust: bool,
    defaults: bool,
    data: list[str],
    answers_file: Path | None,
    yes: bool,
    dry_run: bool,
    force: bool,
    no_setup: bool,
    console: Console,
) -> int:
    """`new --template SOURCE`: a third-party Copier or cookiecutter template, same wizard.

    The template is fetched and checked for code it would run (hooks, tasks, extensions) before
    anything is asked; only then is it asked, rendered by its own engine into a hidden folder
    beside the destination, moved into place, and set up (git and the first commit; the steps
    that need our template's files skip themselves).
    """
    from generator.interop.ask import ask_template
    from generator.interop.detect import open_template

    provided: dict[str, Any] = {}
    if answers_file is not None:
        provided |= load_answers_file(answers_file)
    provided |= parse_data_options(data)
    if dest is not None:
        dest = dest.expanduser().absolute()
        check_destination(dest, force=force)
    if not (no_setup or dry_run) and shutil.which("git") is None:
        raise DestinationError("git is not installed; install git or pass --no-setup")
    interactive = sys.stdin.isatty() and not defaults

    with open_template(source) as template:
        if template.kind == "copier" and dest is None:
            raise UsageError("a Copier template needs a destination: new DEST --template SOURCE")
        answers, engine_answers = ask_template(
            template,
            provided,
            trust=trust,
            use_defaults=defaults,
            interactive=interactive,
            console=console,
            project_name=dest.name if dest is not None else None,
        )
        where = f" in {dest}" if dest is not None else ""
        title = f"New project{where} from the {template.kind} template {source}"
        console.print()
        console.print(summary_table(answers, title))
        if (
            interactive
            and not yes
            and not Confirm.ask("Create the project?", default=True, console=console)
        ):
            raise Aborted("aborted; nothing was written")

        parent = dest.parent if dest is not None else Path.cwd()
        if dry_run:
            with tempfile.TemporaryDirectory(prefix="mlops-scaffold-dry-run-") as tmp:
                project = _render_third_party(template, Path(tmp), engine_answers, trust=trust)
                files = list_files(project)
                dest = dest or parent / project.name
            console.print(_tree(dest, files))
            console.print(
                f"[dim]dry run: {len(files)} files would be written; nothing was written.[/]"
            )
            return 0

        try:
            parent.mkdir(parents=True, exist_ok=True)
            staging = Path(
                tempfile.mkdtemp(prefix=".mlops-scaffold.", suffix=".partial", dir=parent)
            )
        except OSError as error:
            raise DestinationError(f"cannot write to {parent}: {error.strerror}") from None
        try:
            with console.status(f"Rendering the {template.kind} template..."):
                project = _render_third_party(template, staging, engine_answers, trust=trust)
            dest = dest or parent / project.name
            check_destination(dest, force=force)
            files = place_rendered(project, dest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    console.print(f"[green]✓[/] rendered {len(files)} files into {dest}")
    if no_setup:
        console.print(
            Panel(
                f"cd {dest}\ngit init -b main && git add -A && git commit",
                title="Next steps",
                expand=False,
            )
        )
        return 0
    results = run_setup(dest, answers, console)
    failed = [r for r in results if r.status == "failed"]
    return 1 if failed else 0


def _render_third_party(
    template: LocalTemplate, staging: Path, answers: dict[str, Any], *, trust: bool
) -> Path:
    """Render with the template's engine under `staging`; returns the project folder."""
    from generator.interop.engines import render_cookiecutter, render_copier

    if template.kind == "cookiecutter":
        return render_cookiecutter(template, staging, answers, trust=trust)
    project = staging / "project"
    project.mkdir()
    render_copier(template, project, answers, trust=trust)
    return project


def _next_steps(
    dest: Path,
    answers: Mapping[str, Any],
    *,
    setup_done: bool,
    results: list[StepResult] | None = None,
) -> Panel:
    run = runner_hint(answers)
    tool = tool_command()
    lines = [f"cd {dest}"]
    if not setup_done:
        lines += [f"{tool} setup      # git, environment, hooks, first run and commit"]
    lines += [
        f"make repro      # run the pipeline ({run}dvc repro)",
        "make test       # the project's tests",
        "make ui         # MLflow UI on mlflow.db",
        f"{tool} update   # later: bring in template improvements",
    ]
    title = "Next steps"
    if results and any(r.status == "failed" for r in results):
        title = "Next steps (finish the failed setup steps above first)"
    return Panel("\n".join(lines), title=title, expand=False)


def _tree(dest: Path, files: list[Path]) -> Tree:
    root = Tree(f"[bold]{dest}[/]")
    nodes: dict[Path, Tree] = {Path("."): root}
    for path in files:
        for depth in range(1, len(path.parts)):
            folder = Path(*path.parts[:depth])
            if folder not in nodes:
                nodes[folder] = nodes[folder.parent].add(f"[blue]{folder.name}/[/]")
        nodes[path.parent].add(path.name)
    return root
