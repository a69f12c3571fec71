"""`mlops-scaffold adopt`: bring a cookiecutter-made project under our template, as a git merge.

What can be read from the project is not asked (`interop.project_facts`); the rest comes from
the wizard, `--data` or `--defaults`. Our template is rendered with those answers into a
temporary folder and committed as a parentless commit, then merged into a new branch
`mlops-scaffold/adopt` (`git merge --allow-unrelated-histories`). A merge is what a reviewer
already knows: files only the template has are added, the project's own files stay as they are,
and a file both have with different content is a conflict marked inline (`<<<<<<< HEAD` = the
project's version, `>>>>>>> mlops-scaffold/template` = the template's) and unmerged in the
index, so `git status`, editors, `git checkout --ours/--theirs` and `git merge --abort` work.
Nothing is written on the current branch; the project's files are never silently replaced.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.prompt import Confirm
from rich.table import Table

from generator.answers import (
    AnswerError,
    cast,
    check_known,
    is_asked,
    parse_data_options,
    render_value,
    validate,
)
from generator.dataset import copy_table
from generator.errors import Aborted, NotAdoptableError, ScaffoldError
from generator.interop.project_facts import CRUFT_FILE, Fact, package_folder, read_facts
from generator.project_data import DatasetChoice, choose_demo, write_into
from generator.questions import Question
from generator.template_source import TemplateSource, resolve_source
from generator.terminal import literal
from generator.versions import our_questions
from generator.wizard import collect_answers

BRANCH = "mlops-scaffold/adopt"
TEMPLATE_BRANCH = "mlops-scaffold/template"
ANSWERS_FILE = ".copier-answers.yml"
TEMPLATE_LABEL = "mlops-scaffold template"


class AdoptFailed(ScaffoldError):
    """git failed part-way; the message says how to get back to where the user was."""


def _git(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    if check and done.returncode != 0:
        lines = [ln for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
        raise AdoptFailed(
            f"git {args[0]} failed: {lines[-1].strip() if lines else done.returncode}; "
            f"`git switch -` returns to your branch and `git branch -D {BRANCH}` removes ours"
        )
    return done


def check_adoptable(project: Path) -> str:
    """Refuse, before anything changes, what cannot be adopted; returns the current branch."""
    if not project.is_dir():
        raise NotAdoptableError(f"{project} is not a folder")
    top = _git("rev-parse", "--show-toplevel", cwd=project, check=False)
    if top.returncode != 0:
        raise NotAdoptableError(
            f"{project} is not a git repository; adopt brings the template in as a git change "
            f"you review, so first run: cd {project} && git init -b main && git add -A && "
            "git commit -m 'Initial commit'"
        )
    if Path(top.stdout.strip()).resolve() != project:
        raise NotAdoptableError(
            f"{project} is inside the git repository {top.stdout.strip()}; "
            "adopt works on a repository's top folder"
        )
    if _git("rev-parse", "--verify", "--quiet", "HEAD", cwd=project, check=False).returncode:
        raise NotAdoptableError(f"{project} has no commit yet; commit the project first")
    if (project / ANSWERS_FILE).exists():
        raise NotAdoptableError(
            f"{project} already has {ANSWERS_FILE}: it is a Copier project; "
            "use `mlops-scaffold update`"
        )
    status = _git("status", "--porcelain", "--untracked-files=all", cwd=project).stdout
    if status.strip():
        lines = status.splitlines()
        shown = "; ".join(line.strip() for line in lines[:10])
        more = f" (and {len(lines) - 10} more)" if len(lines) > 10 else ""
        raise NotAdoptableError(
            f"the project has uncommitted changes: {shown}{more}. Commit or stash them first"
        )
    for branch in (BRANCH, TEMPLATE_BRANCH):
        ref = f"refs/heads/{branch}"
        if _git("rev-parse", "--verify", "--quiet", ref, cwd=project, check=False).returncode == 0:
            raise NotAdoptableError(
                f"branch {branch} already exists (an earlier adopt?); merge or delete it first "
                f"(git branch -D {branch})"
            )
    branch = _git("symbolic-ref", "--quiet", "--short", "HEAD", cwd=project, check=False)
    return branch.stdout.strip() or _git("rev-parse", "--short", "HEAD", cwd=project).stdout.strip()


def usable_facts(questions: list[Question], facts: Mapping[str, Fact]) -> dict[str, Fact]:
    """Facts that are valid answers to our questions (in order, over the answers before them)."""
    context: dict[str, Any] = {}
    usable: dict[str, Fact] = {}
    for question in questions:
        default = render_value(question.default, context)
        if question.computed or not is_asked(question, context):
            context[question.name] = default
            continue
        context[question.name] = default
        fact = facts.get(question.name)
        if fact is None:
            continue
        try:
            value = cast(question, fact.value)
            validate(question, value, context)
        except AnswerError:
            continue  # e.g. a Python version the template does not offer: asked instead
        usable[question.name] = Fact(value, fact.origin)
        context[question.name] = value
    return usable


def _answers_table(answers: Mapping[str, Any], origins: Mapping[str, str]) -> Table:
    table = Table(title="Answers for the template", show_header=True, header_style="bold")
    table.add_column("question")
    table.add_column("answer")
    table.add_column("from", style="dim")
    for name, value in answers.items():
        shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        table.add_row(literal(name), literal(shown), literal(origins.get(name, "asked / default")))
    return table


def _identity(project: Path, answers: Mapping[str, Any]) -> list[str]:
    """`-c user.*` for the commits we make, only where the user has not configured git."""
    options = []
    for key, answer in (("user.name", "author_name"), ("user.email", "author_email")):
        if not _git("config", key, cwd=project, check=False).stdout.strip():
            options += ["-c", f"{key}={answers.get(answer) or 'mlops-scaffold'}"]
    return options


def render_commit(
    source: TemplateSource, project: Path, answers: Mapping[str, Any]
) -> tuple[str, str]:
    """Render our template and commit it, parentless, into the project's object store.

    Returns (commit, template version). A private index keeps the user's index untouched.
    """
    from generator.render import render_to

    git_dir = _git("rev-parse", "--absolute-git-dir", cwd=project).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="mlops-scaffold-adopt-") as tmp:
        staging = Path(tmp) / "render"
        staging.mkdir()
        render_to(source, staging, answers)
        # The template's code reads src/<package>/schema.py, which `new` writes from the table:
        # an adopted project starts from the task's demo and its schema, as `new` without
        # --dataset does (the table itself is git-ignored data: see `adopt_demo_table`).
        write_into(staging, str(answers["package_name"]), demo_choice(answers))
        version = _commit_of(staging)
        env = {"GIT_DIR": git_dir, "GIT_WORK_TREE": str(staging), "GIT_INDEX_FILE": f"{tmp}/index"}
        _git("add", "-A", cwd=staging, env=env)
        tree = _git("write-tree", cwd=staging, env=env).stdout.strip()
    message = f"{TEMPLATE_LABEL} {version}, rendered with this project's answers"
    identity = _identity(project, answers)
    commit = _git(*identity, "commit-tree", tree, "-m", message, cwd=project).stdout.strip()
    return commit, version


def demo_choice(answers: Mapping[str, Any]) -> DatasetChoice:
    return choose_demo(
        str(answers.get("task", "binary")),
        str(answers.get("target", "target")),
        str(answers.get("dataset_file", "breast_cancer.csv")),
    )


def adopt_demo_table(project: Path, answers: Mapping[str, Any]) -> None:
    """The demo table into data/raw/ (git-ignored, so the merge cannot bring it), unless the
    project already has a file of that name."""
    choice = demo_choice(answers)
    raw = project / "data" / "raw" / choice.profile.file_name
    if not raw.exists():
        copy_table(choice.source, raw)


def _commit_of(render: Path) -> str:
    from generator.yamlfile import parse as parse_yaml

    recorded = parse_yaml((render / ANSWERS_FILE).read_text(encoding="utf-8")) or {}
    return str(recorded.get("_commit", "(unversioned)"))


def prepare(project: Path, package: str, identity: list[str]) -> list[str]:
    """Changes that must precede the merge, committed on the branch; returns what was done.

    A flat `<package>/` would shadow the template's `src/<package>/` for `python -m`, so it
    moves (history kept, shown as renames); `.cruft.json` would keep cruft updating the project
    from the old template.
    """
    done: list[str] = []
    found = package_folder(project)
    target = project / "src" / package
    if (
        found is not None
        and found.parent == project
        and found.name == package
        and not target.exists()
    ):
        target.parent.mkdir(exist_ok=True)
        _git("mv", package, f"src/{package}", cwd=project)
        done.append(f"moved {package}/ to src/{package}/ (the template's src layout)")
    if (project / CRUFT_FILE).is_file():
        _git("rm", "-q", CRUFT_FILE, cwd=project)
        done.append(f"removed {CRUFT_FILE} (the project now follows .copier-answers.yml)")
    if done:
        message = "Prepare for mlops-scaffold: " + "; ".join(done)
        _git(*identity, "commit", "-q", "--no-verify", "-m", message, cwd=project)
    return done


def merge_template(project: Path, commit: str, version: str, identity: list[str]) -> list[str]:
    """Merge the rendered template; returns the paths left in conflict (empty: committed).

    The commit is merged through a short-lived branch so conflict markers name it
    (`>>>>>>> mlops-scaffold/template`); MERGE_HEAD keeps it while conflicts are resolved.
    """
    _git("update-ref", f"refs/heads/{TEMPLATE_BRANCH}", commit, cwd=project)
    try:
        done = _git(
            *identity,
            "merge",
            "--allow-unrelated-histories",
            "--no-ff",
            "--no-verify",
            "-m",
            f"Adopt the mlops-scaffold template {version}",
            TEMPLATE_BRANCH,
            cwd=project,
            check=False,
        )
    finally:
        _git("update-ref", "-d", f"refs/heads/{TEMPLATE_BRANCH}", cwd=project)
    conflicts = _git("diff", "--name-only", "--diff-filter=U", cwd=project).stdout.split()
    if done.returncode != 0 and not conflicts:
        lines = [ln for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
        raise AdoptFailed(
            f"git merge failed: {lines[-1] if lines else done.returncode}; "
            f"`git merge --abort && git switch -` returns to where you were"
        )
    return conflicts


def run_adopt(
    path: Path | None, *, defaults: bool, data: list[str], yes: bool, console: Console
) -> int:
    """The command: 0 when the branch holds the adoption commit, 1 when conflicts await."""
    project = (path or Path.cwd()).expanduser().resolve()
    original = check_adoptable(project)
    source = resolve_source()
    questions = our_questions(source)
    provided = parse_data_options(data)
    check_known(provided, questions)

    facts = {
        k: v for k, v in usable_facts(questions, read_facts(project)).items() if k not in provided
    }
    interactive = sys.stdin.isatty() and not defaults
    answers = collect_answers(
        questions,
        {**{k: f.value for k, f in facts.items()}, **provided},
        use_defaults=defaults,
        interactive=interactive,
        console=console,
        unasked=frozenset({"target", "dataset_file"}),  # the task's demo answers them
    )
    origins = {k: f.origin for k, f in facts.items()} | {k: "--data" for k in provided}
    console.print()
    console.print(_answers_table(answers, origins))
    if (
        interactive
        and not yes
        and not Confirm.ask(
            f"Adopt {project.name} on a new branch {BRANCH}?", default=True, console=console
        )
    ):
        raise Aborted("aborted; nothing was changed")

    with console.status("Rendering the template with these answers..."):
        commit, version = render_commit(source, project, answers)
    identity = _identity(project, answers)
    _git("switch", "-q", "-c", BRANCH, cwd=project)
    for line in prepare(project, str(answers["package_name"]), identity):
        console.print(f"[green]✓[/] {literal(line)}")
    conflicts = merge_template(project, commit, version, identity)
    adopt_demo_table(project, answers)
    console.print(_report(project, original, version, conflicts))
    return 1 if conflicts else 0


def _report(project: Path, original: str, version: str, conflicts: list[str]) -> Panel:
    original = literal(original)
    if not conflicts:
        lines = [
            f"[green]✓[/] adopted the template {version} on branch [bold]{BRANCH}[/] "
            f"(your branch {original} is unchanged).",
            f"review:  git diff {original}...{BRANCH}",
            f"keep it: git switch {original} && git merge {BRANCH}",
            f"drop it: git switch {original} && git branch -D {BRANCH}",
        ]
    else:
        lines = [
            f"[yellow]![/] merging the template {version} on branch [bold]{BRANCH}[/]: "
            f"{len(conflicts)} file(s) exist in both with different content:",
            *(f"    {literal(name)}" for name in conflicts),
            "They are marked inline X and unmerged in `git status`.",
            "For each: edit it, or `git checkout --ours FILE` (keep yours) / "
            "`git checkout --theirs FILE` (take the template's); then `git add FILE`.",
            "Finish with `git commit`; or cancel with "
            f"`git merge --abort && git switch {original} && git branch -D {BRANCH}`.",
        ]
    lines += [
        "",
        "then:    uv sync && uv run dvc repro",
        "later:   mlops-scaffold update   # template improvements, three-way merged",
    ]
    return Panel("\n".join(lines), title=f"Adopting {literal(project.name)}", expand=False)
