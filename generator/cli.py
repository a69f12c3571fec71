"""The `mlops-scaffold` command line: dispatch only.

Each command imports its module inside the function, so `--help`, `--version` and `options`
never import copier, cookiecutter, dvc or mlflow (DESIGN.md decision 8).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from generator import __version__

app = typer.Typer(
    name="mlops-scaffold",
    help="Create, update and check production-grade MLOps repositories (DVC + MLflow).",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help: it reads the same in a terminal, a pipe and a CI log (no `<bool>` columns).
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _guarded(action: Callable[[], int]) -> None:
    """Run a command; typed errors become one line on stderr and their exit code."""
    from generator.errors import ScaffoldError

    try:
        code = action()
    except ScaffoldError as error:
        _console(stderr=True).print(f"error: {error.message}", markup=False, soft_wrap=True)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        _console(stderr=True).print("aborted", markup=False)
        raise typer.Exit(130) from None
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlops-scaffold {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Create, update and check production-grade MLOps repositories (DVC + MLflow)."""


@app.command()
def new(
    dest: Annotated[
        str | None,
        typer.Argument(metavar="DEST", help="Folder to create (default: ./<distribution_name>)."),
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Take every default; ask nothing.")
    ] = False,
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", metavar="KEY=VALUE", help="Answer a question (repeatable)."),
    ] = None,
    answers_file: Annotated[
        Path | None,
        typer.Option("--answers-file", metavar="FILE", help="YAML file of answers."),
    ] = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help="Do not ask for confirmation; without a terminal, unanswered questions take "
            "their defaults.",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the files that would be written; write nothing."),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Render into a non-empty folder.")] = False,
    no_setup: Annotated[
        bool, typer.Option("--no-setup", help="Render only: no git, environment, DVC or hooks.")
    ] = False,
    no_run: Annotated[
        bool,
        typer.Option(
            "--no-run", help="Set up, but do not run the pipeline and commit its baseline."
        ),
    ] = False,
    template: Annotated[
        str | None,
        typer.Option(
            "--template",
            metavar="SOURCE",
            help="Another Copier or cookiecutter template: a folder, a .zip or a git URL.",
        ),
    ] = None,
    trust: Annotated[
        bool,
        typer.Option(
            "--trust", help="Allow --template's hooks, tasks, migrations and Jinja extensions."
        ),
    ] = False,
    vcs_ref: Annotated[
        str | None,
        typer.Option(
            "--vcs-ref",
            metavar="REF",
            help="Git tag, branch or commit of a Copier --template (default: its newest tag).",
        ),
    ] = None,
    dataset: Annotated[
        Path | None,
        typer.Option(
            "--dataset",
            metavar="PATH",
            help="Your table (CSV or Parquet), copied to data/raw/ with a schema inferred from "
            "it (default: the task's bundled demo).",
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            metavar="COLUMN",
            help="The column of --dataset to predict; the task is inferred from it.",
        ),
    ] = None,
) -> None:
    """Create a new project with a wizard."""
    from generator.new import NewOptions, run_new

    options = NewOptions(
        defaults=defaults,
        data=tuple(data or ()),
        answers_file=answers_file,
        yes=yes,
        dry_run=dry_run,
        force=force,
        no_setup=no_setup,
        template=template,
        trust=trust,
        no_run=no_run,
        vcs_ref=vcs_ref,
        dataset=dataset,
        target=target,
    )
    _guarded(lambda: run_new(dest, options, _console()))


@app.command()
def setup(
    path: Annotated[
        Path | None,
        typer.Argument(metavar="PATH", help="The rendered project (default: the current folder)."),
    ] = None,
    no_run: Annotated[
        bool,
        typer.Option("--no-run", help="Do not run the pipeline and commit its baseline."),
    ] = False,
) -> None:
    """Finish an interrupted or failed setup.

    Runs every setup step again; what is already done is skipped.
    """
    from generator.setup import run_setup_command

    _guarded(lambda: run_setup_command(path, no_run=no_run, console=_console()))


@app.command()
def adopt(
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="PATH", help="The cookiecutter-made project's git repository (default: here)."
        ),
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Default for every answer not read from the project.")
    ] = False,
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", metavar="KEY=VALUE", help="Answer a question (repeatable)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Bring a cookiecutter project under this template.

    The result is a git branch to review.
    """
    from generator.adopt import run_adopt

    _guarded(
        lambda: run_adopt(path, defaults=defaults, data=data or [], yes=yes, console=_console())
    )


@app.command()
def update(
    path: Annotated[
        Path | None,
        typer.Argument(metavar="PATH", help="Project folder (default: the current folder)."),
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Default for every new question; ask nothing.")
    ] = False,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data", "-d", metavar="KEY=VALUE", help="Change an answer, e.g. git_lfs=false."
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", metavar="VERSION", help="Template version (default: the tool's)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the diff it would apply; write nothing.")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if a newer template version exists.")
    ] = False,
) -> None:
    """Update a project to a newer template version.

    A three-way merge; conflicts are left inline.
    """
    from generator.update import run_update

    _guarded(
        lambda: run_update(
            path,
            defaults=defaults,
            data=data or [],
            to=to,
            dry_run_only=dry_run,
            check=check,
            console=_console(),
        )
    )


@app.command()
def options(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the Markdown table used in the README.")
    ] = False,
) -> None:
    """List the template's questions and defaults."""
    from generator.options import options_markdown, options_table
    from generator.questions import load_questions
    from generator.template_source import resolve_source

    def action() -> int:
        # The working tree's questions: a template developer regenerates the README table
        # from them before committing (`new` renders the committed version).
        questions = load_questions(resolve_source().questions_file)
        if markdown:
            typer.echo(options_markdown(questions))
        else:
            _console().print(options_table(questions))
        return 0

    _guarded(action)


@app.command()
def check(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="Project folder (default: the current folder).")
    ] = Path("."),
    select: Annotated[
        list[str] | None,
        typer.Option("--select", metavar="IDS", help="Only these check ids (comma-separated)."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", metavar="IDS", help="Skip these check ids (comma-separated)."),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="auto (a table on a terminal, one line per finding otherwise), table, json "
            "or text.",
        ),
    ] = "auto",
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
) -> None:
    """Check a project against the standards.

    What the pre-commit hook runs.
    """
    from generator.checks.cli_entry import run

    raise typer.Exit(run(path, select or [], ignore or [], output_format, strict))


@app.command()
def doctor(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="Project folder (default: the current folder).")
    ] = Path("."),
) -> None:
    """Check the tracking store and the DVC remotes.

    Prints the fix for what does not answer.
    """
    from generator.doctor import run_doctor

    _guarded(lambda: run_doctor(path, console=_console()))


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["check"] and not {"-h", "--help"} & set(argv):
        # `check` runs on every commit: its argparse front end (same options) skips the
        # per-parameter setup Typer does, about half of the command's start-up time.
        from generator.checks.cli_entry import main as check_main

        sys.exit(check_main(argv[1:], prog="mlops-scaffold check"))
    app()
