"""`mlops-scaffold new`: ask, confirm, render atomically, then run the setup steps."""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.panel import Panel
from rich.prompt import Confirm
from rich.tree import Tree

from generator.answers import check_known, load_answers_file, parse_data_options
from generator.dataset import choose_task
from generator.environments import runner_hint
from generator.errors import Aborted, DatasetUnreadable, DestinationError, UsageError
from generator.paths import destination
from generator.project_data import (
    DatasetChoice,
    ask_dataset,
    check_stored_name,
    choose,
    choose_demo,
    stored_name,
    summary,
    write_into,
)
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
from generator.terminal import literal
from generator.versions import our_questions
from generator.wizard import collect_answers, summary_table

if TYPE_CHECKING:
    from generator.interop.ask import Asked


@dataclass(frozen=True)
class NewOptions:
    """The options of `new`, as the command line gives them."""

    defaults: bool = False
    data: tuple[str, ...] = ()
    answers_file: Path | None = None
    yes: bool = False
    dry_run: bool = False
    force: bool = False
    no_setup: bool = False
    template: str | None = None
    trust: bool = False
    no_run: bool = False
    vcs_ref: str | None = None
    dataset: Path | None = None  # the user's table (CSV or Parquet); None: the task's demo
    target: str | None = None


def run_new(dest: str | Path | None, options: NewOptions, console: Console) -> int:
    dest = destination(dest)
    if options.template is not None and not _is_our_template(options.template):
        if options.dataset is not None or options.target is not None:
            raise UsageError(
                "--dataset and --target make a project of our template, not --template's"
            )
        return _run_new_from_template(options.template, dest, options, console)
    if options.vcs_ref is not None:
        raise UsageError("--vcs-ref chooses a version of a --template; ours follows the tool")
    source = resolve_source()
    questions = our_questions(source)
    provided: dict[str, Any] = {}
    if options.answers_file is not None:
        provided |= load_answers_file(options.answers_file)
    given = parse_data_options(options.data)
    provided |= given
    check_known(provided, questions)
    if options.target is not None:
        if given.get("target", options.target) != options.target:
            raise UsageError("--target and -d target= name different columns")
        provided["target"] = options.target

    overrides: dict[str, Any] = {}
    force = options.force
    if dest is not None:
        _refuse_unfinished(dest, force=force)
        check_destination(dest, force=force)
        if "project_name" not in provided and dest.name:
            overrides["project_name"] = dest.name
    if not (options.no_setup or options.dry_run) and shutil.which("git") is None:
        raise DestinationError("git is not installed; install git or pass --no-setup")

    terminal = sys.stdin.isatty()
    interactive = terminal and not options.defaults
    choice = _choose_dataset(
        options, _table_answers(provided, given, options), interactive=interactive, console=console
    )
    if choice is not None:
        # The table decides the target and the file's name; the task it implies becomes the
        # task question's default (asked to confirm, or taken with --yes / --defaults).
        provided["target"] = choice.profile.target
        provided["dataset_file"] = choice.profile.file_name
        if "task" not in given:
            provided.pop("task", None)  # an answers file's task was another table's
        overrides["task"] = choice.profile.task
        console.print(f"[green]✓[/] read {summary(choice)}")
    answers = collect_answers(
        questions,
        provided,
        # --yes without a terminal: nothing else could answer, the defaults do.
        use_defaults=options.defaults or (options.yes and not terminal),
        interactive=interactive,
        console=console,
        default_overrides=overrides,
        # Without a table the task's demo answers these; `-d` may still set them.
        unasked=frozenset({"target", "dataset_file"}),
    )
    task = str(answers.get("task", "binary"))
    if choice is None:
        choice = choose_demo(task, str(answers["target"]), str(answers["dataset_file"]))
    elif task != choice.profile.task:
        choice = replace(choice, profile=choose_task(choice.profile, task))
    if dest is None:
        dest = destination(Path.cwd() / answers["distribution_name"])
        assert dest is not None
        _refuse_unfinished(dest, force=force)
        check_destination(dest, force=force)

    console.print()
    console.print(summary_table(answers, f"New project in {dest}"))
    if (
        interactive
        and not options.yes
        and not Confirm.ask("Create the project?", default=True, console=console)
    ):
        raise Aborted("aborted; nothing was written")

    package = str(answers["package_name"])
    if options.dry_run:
        files = render_preview(source, answers)
        files = sorted({*files, *_dataset_files(package, choice)})
        console.print(_tree(dest, files))
        console.print(f"[dim]dry run: {len(files)} files would be written; nothing was written.[/]")
        return 0

    with console.status("Rendering the template..."):
        files = render_project(
            source,
            dest,
            answers,
            force=force,
            finish=lambda root: write_into(root, package, choice),
        )
    console.print(f"[green]✓[/] rendered {len(files)} files into {literal(dest)}")
    if options.no_setup:
        console.print(_next_steps(dest, answers, setup_done=False))
        return 0

    results = run_setup(dest, answers, console, with_pipeline=not options.no_run)
    console.print(_next_steps(dest, answers, setup_done=True, results=results))
    failed = [r for r in results if r.status == "failed"]
    return 1 if failed else 0


def _choose_dataset(
    options: NewOptions, provided: Mapping[str, Any], *, interactive: bool, console: Console
) -> DatasetChoice | None:
    """The user's table from `--dataset`, or asked for on a terminal (Enter: the demo);
    profiled now, so a table that cannot make a project stops `new` before any write."""
    asked = options.dataset is None and interactive
    dataset = ask_dataset(console) if asked else options.dataset
    while dataset is not None:
        target = provided.get("target")
        task = provided.get("task")
        try:
            choice = choose(
                dataset,
                None if target is None else str(target),
                None if task is None else str(task),
                interactive=interactive,
                console=console,
            )
        except DatasetUnreadable as error:
            if not asked:
                raise
            console.print(f"  [red]✗ {literal(error.message)}[/]")
            dataset = ask_dataset(console, again=True)
            continue
        name = str(provided.get("dataset_file") or stored_name(dataset))
        check_stored_name(dataset, name)
        return replace(choice, profile=replace(choice.profile, file_name=name))
    return None


def _table_answers(
    provided: Mapping[str, Any], given: Mapping[str, Any], options: NewOptions
) -> dict[str, Any]:
    """What may answer for a table: `-d` and --target; an answers file's task, target and
    dataset_file were another table's, so they yield to the one given now."""
    from_table = {"task", "target", "dataset_file"}
    kept = {k: v for k, v in provided.items() if k not in from_table or k in given}
    if options.target is not None:
        kept["target"] = options.target
    return kept


def _dataset_files(package: str, choice: DatasetChoice) -> list[Path]:
    return [Path("data", "raw", choice.profile.file_name), Path("src", package, "schema.py")]


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
    source: str, dest: Path | None, options: NewOptions, console: Console
) -> int:
    """`new --template SOURCE`: a third-party Copier or cookiecutter template, same wizard.

    The template is fetched and checked for code it would run (hooks, tasks, extensions) before
    anything is asked; only then is it asked, rendered by its own engine into a hidden folder
    beside the destination, moved into place, and set up (git and the first commit; the steps
    that need our template's files skip themselves).
    """
    from generator.interop.ask import ask_template
    from generator.interop.cookiecutter_render import pre_prompt
    from generator.interop.detect import open_template

    trust, vcs_ref, defaults = options.trust, options.vcs_ref, options.defaults
    yes, dry_run, force, no_setup = options.yes, options.dry_run, options.force, options.no_setup
    provided: dict[str, Any] = {}
    if options.answers_file is not None:
        provided |= load_answers_file(options.answers_file)
    provided |= parse_data_options(options.data)
    if dest is not None:
        check_destination(dest, force=force)
    if not (no_setup or dry_run) and shutil.which("git") is None:
        raise DestinationError("git is not installed; install git or pass --no-setup")
    interactive = sys.stdin.isatty() and not defaults

    with contextlib.ExitStack() as stack:
        template = stack.enter_context(open_template(source, vcs_ref))
        if template.note:
            console.print(f"[yellow]![/] {literal(template.note)}")
        if template.kind == "copier" and dest is None:
            raise UsageError("a Copier template needs a destination: new DEST --template SOURCE")
        if template.kind == "cookiecutter" and trust and not dry_run:
            template = stack.enter_context(pre_prompt(template))
        asked = ask_template(
            template,
            provided,
            trust=trust,
            use_defaults=defaults,
            interactive=interactive,
            console=console,
            project_name=dest.name if dest is not None else None,
        )
        answers = asked.shown
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
        if asked.template.kind == "cookiecutter":
            files, dest = _new_cookiecutter(
                asked, source, dest, parent, trust=trust, dry_run=dry_run, force=force
            )
        else:
            assert dest is not None
            files = _new_copier(asked, dest, trust=trust, dry_run=dry_run, force=force)
        if dry_run:
            console.print(_tree(dest, files))
            console.print(
                f"[dim]dry run: {len(files)} files would be written; nothing was written.[/]"
            )
            return 0

    console.print(f"[green]✓[/] rendered {len(files)} files into {literal(dest)}")
    if no_setup:
        console.print(
            Panel(
                literal(f"cd {dest}\ngit init -b main && git add -A && git commit"),
                title="Next steps",
                expand=False,
            )
        )
        return 0
    results = run_setup(dest, answers, console, third_party=True)
    failed = [r for r in results if r.status == "failed"]
    return 1 if failed else 0


def _new_copier(asked: Asked, dest: Path, *, trust: bool, dry_run: bool, force: bool) -> list[Path]:
    """Copier renders into a hidden folder beside DEST, then it moves into place."""
    from generator.interop.engines import render_copier

    if dry_run:
        with tempfile.TemporaryDirectory(prefix="mlops-scaffold-dry-run-") as tmp:
            project = Path(tmp) / "project"
            project.mkdir()
            render_copier(asked.template, project, asked.engine, trust=trust, run_tasks=False)
            return list_files(project)
    staging = _staging(dest.parent)
    try:
        project = staging / "project"
        project.mkdir()
        render_copier(asked.template, project, asked.engine, trust=trust)
        check_destination(dest, force=force)
        return place_rendered(project, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _staging(parent: Path) -> Path:
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".mlops-scaffold.", suffix=".partial", dir=parent))
    except OSError as error:
        raise DestinationError(f"cannot write to {parent}: {error.strerror}") from None


def _new_cookiecutter(
    asked: Asked,
    source: str,
    dest: Path | None,
    parent: Path,
    *,
    trust: bool,
    dry_run: bool,
    force: bool,
) -> tuple[list[Path], Path]:
    """Cookiecutter renders in place, so hooks see (and may record) the final folder.

    Everything is rendered and checked before the first write; a failure removes what was
    written (an existing empty folder is kept, with its mode, owner and inode). A dry run
    renders into a throwaway folder and runs no hook.
    """
    from generator.interop.cookiecutter_render import (
        build_context,
        project_folder_name,
        render,
    )

    root = asked.template.root
    nested = asked.template.config_file != asked.template.root / "cookiecutter.json"
    context = build_context(
        root,
        asked.variables,
        asked.engine,
        template=str(root) if asked.template.source != source or nested else source,
        output_dir=parent,
    )
    if dest is None:
        dest = parent / project_folder_name(root, context, trusted=trust)
        check_destination(dest, force=force)
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="mlops-scaffold-dry-run-") as tmp:
            files = render(root, context, Path(tmp) / "project", trusted=trust, hooks=False)
        return files, dest
    if dest.is_dir() and any(dest.iterdir()):  # --force into a non-empty folder: overlay
        staging = _staging(parent)
        try:
            render(root, context, staging / "project", trusted=trust, hooks=True)
            return place_rendered(staging / "project", dest), dest
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    created = not dest.exists()
    try:
        files = render(root, context, dest, trusted=trust, hooks=True)
    except BaseException:
        _undo(dest, created=created)
        raise
    return files, dest


def _undo(dest: Path, *, created: bool) -> None:
    """Remove a failed in-place render: the folder we made, or what we put in an empty one."""
    if created:
        shutil.rmtree(dest, ignore_errors=True)
        return
    if not dest.is_dir():
        return
    for child in dest.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


# The generated Makefile's way to look at the runs, per tracker (none has no target).
_TRACKER_STEPS = {
    "mlflow": "make ui         # MLflow UI on mlflow.db",
    "wandb": "make sync       # upload the offline W&B runs (after wandb login)",
}


def _next_steps(
    dest: Path,
    answers: Mapping[str, Any],
    *,
    setup_done: bool,
    results: list[StepResult] | None = None,
) -> Panel:
    run = runner_hint(answers)
    tool = tool_command()
    lines = [f"cd {literal(dest)}"]
    if not setup_done:
        lines += [f"{tool} setup      # git, environment, hooks, first run and commit"]
    if answers.get("data_versioning", "dvc") == "dvc":
        lines.append(f"make repro      # run the pipeline ({run}dvc repro)")
    else:
        lines.append("make repro      # run every pipeline stage in order")
    lines.append("make test       # the project's tests")
    tracker_step = _TRACKER_STEPS.get(str(answers.get("tracker", "mlflow")))
    if tracker_step:
        lines.append(tracker_step)
    lines.append(f"{tool} update   # later: bring in template improvements")
    title = "Next steps"
    if results and any(r.status == "failed" for r in results):
        title = "Next steps (finish the failed setup steps above first)"
    return Panel("\n".join(lines), title=title, expand=False)


def _tree(dest: Path, files: list[Path]) -> Tree:
    root = Tree(f"[bold]{literal(dest)}[/]")
    nodes: dict[Path, Tree] = {Path("."): root}
    for path in files:
        for depth in range(1, len(path.parts)):
            folder = Path(*path.parts[:depth])
            if folder not in nodes:
                nodes[folder] = nodes[folder.parent].add(f"[blue]{literal(folder.name)}/[/]")
        nodes[path.parent].add(literal(path.name))
    return root
