"""`mlops-scaffold update`: bring a project to a newer template version without losing work.

Copier does the three-way merge (old render, project, new render); this module decides the
target version, refuses before touching anything (dirty tree, no answers file, downgrade), asks
only the questions that are new or whose recorded answer is no longer valid, and reports what
the merge did. Conflicts stay inline with unmerged index entries (DESIGN.md decision 5).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from generator.answers import (
    AnswerError,
    cast,
    check_known,
    is_asked,
    parse_data_options,
    render_value,
    validate,
)
from generator.errors import Refused, ScaffoldError
from generator.questions import Question, parse_questions
from generator.template_source import (
    CANONICAL_URL,
    TemplateSource,
    copier_environment,
    resolve_source,
)
from generator.terminal import literal
from generator.textfile import YAML_LIMIT, UnreadableFile, read_text
from generator.update_binary import keep_user_changes, snapshot
from generator.update_renames import moved_changes
from generator.versions import (
    compare,
    describe,
    pep440,
    questions_text,
    release_tags,
    resolve_commit,
    resolve_ref,
)
from generator.wizard import collect_answers
from generator.yamlfile import parse as parse_yaml
from generator.yamlfile import scalar_as_written

ANSWERS_FILE = ".copier-answers.yml"
_HASH = re.compile(r"^[0-9a-f]{7,40}$")
UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}


class UpdateFailed(ScaffoldError):
    """Copier failed part-way; the tree may hold a partial update that git can revert.

    Exit code 3: 1 already means "conflicts left to resolve" and 2 "refused, nothing changed".
    """

    exit_code = 3


@dataclass
class Project:
    """A generated project inside a git work tree, and what its answers file records."""

    path: Path
    top: Path
    answers: dict[str, Any]

    @property
    def commit(self) -> str:
        return str(self.answers["_commit"])

    @property
    def recorded(self) -> dict[str, Any]:
        return {k: v for k, v in self.answers.items() if not k.startswith("_")}


@dataclass
class Report:
    """What an update changed, relative to the project folder."""

    merged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _git(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=check,
        stdin=subprocess.DEVNULL,
    )


_GITHUB_PREFIX = re.compile(
    r"^(git\+)?((ssh://)?git@github\.com[:/]|(https?|git)://(www\.)?github\.com/|gh:)",
    re.IGNORECASE,
)


def _bare_url(url: str) -> str:
    """`gh:Org/Repo`, `git@github.com:org/repo.git`, `ssh://...`, `https://...`: one spelling."""
    url = _GITHUB_PREFIX.sub("github.com/", url.strip())
    return url.removesuffix("/").removesuffix(".git").lower()


def is_our_template(src_path: str, source: TemplateSource) -> bool:
    """`_src_path` names our template: the canonical URL however spelled (case, SSH, `gh:`),
    or a local clone or bundle of it (a history with the same first commit)."""
    if _bare_url(src_path) == _bare_url(CANONICAL_URL):
        return True
    local = Path(src_path).expanduser()
    if local.is_file():
        done = _git("bundle", "list-heads", str(local), cwd=Path.cwd(), check=False)
        heads = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
        return done.returncode == 0 and any(source.has_commit(head) for head in heads)
    if not local.is_dir():
        return False
    done = _git("rev-list", "--max-parents=0", "--all", cwd=local, check=False)
    return done.returncode == 0 and bool(set(done.stdout.split()) & source.root_commits())


def open_project(path: Path, source: TemplateSource) -> Project:
    """Read the answers file and locate the git work tree; refuse anything not updatable."""
    if not path.is_dir():
        raise Refused(f"{path} is not a folder")
    answers_path = path / ANSWERS_FILE
    if not answers_path.is_file():
        raise Refused(
            f"{path} has no {ANSWERS_FILE}: it was not made by mlops-scaffold (or Copier), "
            "so there is nothing to update from"
        )
    try:
        text = read_text(answers_path, limit=YAML_LIMIT)
        answers = parse_yaml(text) or {}
    except UnreadableFile as error:
        raise Refused(f"{answers_path} is {error.reason}") from None
    except yaml.YAMLError as error:
        raise Refused(f"{answers_path} is not valid YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(answers, dict) or not answers.get("_commit") or not answers.get("_src_path"):
        raise Refused(f"{answers_path} records no template version (_commit and _src_path)")
    answers["_commit"] = scalar_as_written(text, "_commit") or answers["_commit"]
    if not is_our_template(str(answers["_src_path"]), source):
        raise Refused(
            f"{answers_path} names another template ({answers['_src_path']}); "
            f"mlops-scaffold only updates projects of {CANONICAL_URL}"
        )
    done = _git("rev-parse", "--show-toplevel", cwd=path, check=False)
    if done.returncode != 0:
        raise Refused(f"{path} is not in a git repository; run `git init` and commit it first")
    return Project(path=path, top=Path(done.stdout.strip()), answers=answers)


def uncommitted(project: Project) -> list[str]:
    """`git status --porcelain` lines of the project folder (ignored files left out)."""
    return _git(
        "status", "--porcelain", "--untracked-files=all", "--", ".", cwd=project.path
    ).stdout.splitlines()


def refuse_dirty(project: Project) -> None:
    """Copier merges against the last commit: every change must be committed first."""
    status = uncommitted(project)
    if status:
        shown = "; ".join(line.strip() for line in status[:20])
        more = f" (and {len(status) - 20} more)" if len(status) > 20 else ""
        raise Refused(
            f"the project has uncommitted changes: {shown}{more}. Commit or stash them first"
        )


def _answers_to_keep(
    questions: list[Question], recorded: Mapping[str, Any], provided: Mapping[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Recorded answers still valid for the target's questions, and whether any question is
    left to answer (given on the command line, new, or with an answer no longer valid)."""
    context: dict[str, Any] = {}
    keep: dict[str, Any] = {}
    pending = False
    for question in questions:
        default = render_value(question.default, context)
        if question.computed or not is_asked(question, context):
            context[question.name] = default
            continue
        if question.name in provided:
            context[question.name] = cast(question, provided[question.name])
            pending = True
            continue
        if question.name in recorded:
            try:
                value = cast(question, recorded[question.name])
                validate(question, value, context)
            except AnswerError:
                context[question.name] = default
                pending = True
                continue
            keep[question.name] = context[question.name] = value
        else:
            context[question.name] = default
            pending = True
    return keep, pending


def plan_answers(
    questions: list[Question],
    recorded: Mapping[str, Any],
    provided: Mapping[str, Any],
    *,
    use_defaults: bool,
    console: Console,
) -> dict[str, Any]:
    """Answers that change (given, new or no longer valid), for Copier's `data=`."""
    keep, pending = _answers_to_keep(questions, recorded, provided)
    if not pending:
        return {}
    answers = collect_answers(
        questions,
        {**keep, **provided},
        use_defaults=use_defaults,
        interactive=sys.stdin.isatty() and not use_defaults,
        console=console,
    )
    return {
        name: value
        for name, value in answers.items()
        if name not in keep and (name not in recorded or recorded[name] != value)
    }


def _src_aliases(src_path: str) -> list[str]:
    """The recorded `_src_path` as Copier will hand it to git (it adds `.git` to https URLs and
    expands `gh:`), so the redirect to our source also catches another spelling of our URL."""
    spelled = re.sub(r"^gh:", "https://github.com/", src_path.strip()).removeprefix("git+")
    if spelled.startswith("https://") and not spelled.endswith(".git"):
        spelled += ".git"
    return sorted({src_path, spelled})


def copier_update(
    source: TemplateSource, project: Path, ref: str, data: Mapping[str, Any], src_path: str
) -> None:
    """One `copier.run_update`, with the canonical URL (as the project spells it) pointed at
    `source`."""
    import copier

    with copier_environment(source, aliases=_src_aliases(src_path)):
        try:
            copier.run_update(
                str(project),
                data=dict(data),
                defaults=True,
                overwrite=True,
                conflict="inline",
                skip_answered=True,
                unsafe=True,  # only ever our own template (DESIGN.md decision 7)
                vcs_ref=ref,
                quiet=True,
                settings=copier.Settings(defaults={}, trust=[]),
            )
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as error:  # Copier raises many types; all become one message
            text = " ".join(str(error).split()) or type(error).__name__
            if _revert(project):
                raise UpdateFailed(f"the update failed: {text}; nothing was changed") from None
            raise UpdateFailed(
                f"the update failed: {text}. `git status` shows the partial change; "
                "`git reset --hard && git clean -fd` reverts it"
            ) from None


@contextmanager
def _answers_symlink_kept(answers: Path) -> Iterator[None]:
    """Copier rewrites the answers file as a regular file; a symlinked one (shared answers,
    a monorepo's config folder) stays a symlink, its target getting the new content."""
    link = os.readlink(answers) if answers.is_symlink() else None
    target = answers.resolve() if link is not None else None
    yield
    if link is None or target is None or answers.is_symlink() or not answers.is_file():
        return
    target.write_bytes(answers.read_bytes())
    answers.unlink()
    answers.symlink_to(link)


def _revert(project: Path) -> bool:
    """Undo a failed update's partial writes; the tree was clean before (`refuse_dirty`),
    so this restores exactly the last commit. True when the project is as it was."""
    for args in (
        ("reset", "-q", "HEAD", "--", "."),
        ("checkout", "-q", "HEAD", "--", "."),
        ("clean", "-fdq", "--", "."),
    ):
        _git(*args, cwd=project, check=False)
    status = _git("status", "--porcelain", "--", ".", cwd=project, check=False)
    return status.returncode == 0 and not status.stdout.strip()


def collect_report(project: Path) -> Report:
    """Classify the uncommitted changes Copier left, from `git status`."""
    prefix = _git("rev-parse", "--show-prefix", cwd=project).stdout.strip()
    status = _git(
        "status", "--porcelain", "-z", "--untracked-files=all", "--", ".", cwd=project
    ).stdout
    report = Report()
    entries = iter(status.split("\0"))
    for entry in entries:
        if not entry:
            continue
        code, name = entry[:2], entry[3:].removeprefix(prefix)
        if "R" in code or "C" in code:  # a staged rename (by a migration): `to`, then `from`
            origin = next(entries).removeprefix(prefix)
            if "R" in code:
                report.removed.append(origin)
            report.added.append(name)
        elif name == ANSWERS_FILE:
            continue
        elif code in UNMERGED:
            report.conflicts.append(name)
        elif code == "??" or "A" in code:
            report.added.append(name)
        elif "D" in code:
            report.removed.append(name)
        else:
            report.merged.append(name)
    return report


def report_table(report: Report) -> Table:
    table = Table(show_header=True, header_style="bold", title="Update report")
    table.add_column("result")
    table.add_column("files", overflow="fold")
    rows = [
        ("[green]merged cleanly[/]", report.merged),
        ("[red]conflicts[/]", report.conflicts),
        ("[cyan]added[/]", report.added),
        ("[yellow]removed[/]", report.removed),
    ]
    for label, files in rows:
        table.add_row(label, literal("\n".join(files)) if files else "[dim]none[/]")
    return table


def _print_diff(diff: str, console: Console) -> None:
    styles = {"+": "green", "-": "red", "@": "cyan"}
    for line in diff.splitlines():
        style = "bold" if line.startswith(("diff ", "+++", "---")) else styles.get(line[:1], "")
        console.print(Text(line, style=style), soft_wrap=True)


def dry_run(
    source: TemplateSource, project: Project, ref: str, data: Mapping[str, Any]
) -> tuple[str, Report]:
    """Update a throwaway clone; return the diff it made and its report. Nothing else is written."""
    subdir = project.path.relative_to(project.top)
    with tempfile.TemporaryDirectory(prefix="mlops-scaffold-dry-run-") as tmp:
        clone = Path(tmp) / "clone"
        _git("clone", "-q", "--shared", str(project.top), str(clone), cwd=Path(tmp))
        copier_update(source, clone / subdir, ref, data, str(project.answers["_src_path"]))
        report = collect_report(clone / subdir)
        _git("add", "-A", "--", ".", cwd=clone / subdir)
        diff = _git("diff", "--cached", "HEAD", "--", ".", cwd=clone / subdir).stdout
    return diff, report


def project_version(source: TemplateSource, project: Project) -> str:
    """The project's `_commit` as a version: a bare commit hash (what a template without tags
    records) is described against the source's release tags, e.g. `v0.1.0-25-g7b4ffd9`."""
    commit = project.commit
    if commit in release_tags(source):
        return commit
    # An all-digit hash such as `3811168` parses as a version: look at the form, not the parse.
    looks_like_hash = _HASH.match(commit) is not None
    if (looks_like_hash or pep440(commit) is None) and resolve_commit(source, commit) is not None:
        return describe(source, commit)
    return commit


def _versions_line(current: str, target: str) -> str:
    return f"template version: [bold]{current}[/] -> [bold]{target}[/]"


def run_update(
    path: Path | None,
    *,
    defaults: bool,
    data: list[str],
    to: str | None,
    dry_run_only: bool,
    check: bool,
    console: Console,
) -> int:
    """The command: 0 when clean, 1 when conflicts are left (or `--check` finds a newer version)."""
    source = resolve_source()
    project = open_project((path or Path.cwd()).expanduser().resolve(), source)
    ref = resolve_ref(source, to)
    target = describe(source, ref)
    current = project_version(source, project)
    order = compare(current, target)
    if check:
        if order is not None and order >= 0:
            message = f"up to date: template {current} (latest {target})"
            console.print(message, highlight=False, soft_wrap=True)
            return 0
        console.print(
            f"template update available: {current} -> {target} (run `mlops-scaffold update`)",
            highlight=False,
            soft_wrap=True,
        )
        return 1
    if order == 1:
        raise Refused(
            f"the project is at template {current}, newer than {target}; downgrades are "
            "not supported (install a newer mlops-scaffold, or pass --to)"
        )
    if not dry_run_only:  # a dry run updates a clone of the last commit: nothing here changes
        refuse_dirty(project)

    questions = parse_questions(questions_text(source, ref), f"copier.yml at {target}")
    provided = parse_data_options(data)
    check_known(provided, questions)
    console.print(_versions_line(current, target))
    changes = plan_answers(
        questions, project.recorded, provided, use_defaults=defaults, console=console
    )
    if order == 0 and not changes:
        console.print("[green]✓[/] already up to date; nothing to do")
        return 0
    for name, value in changes.items():
        old = literal(project.recorded.get(name, "(new)"))
        console.print(f"  answer [bold]{literal(name)}[/]: {old} -> {literal(value)}")

    if dry_run_only:
        with console.status("Updating a temporary clone (dry run)..."):
            diff, report = dry_run(source, project, ref, changes)
        _print_diff(diff, console)
        console.print(report_table(report))
        note = (
            " Uncommitted changes are not part of it: it updates the last commit."
            if uncommitted(project)
            else ""
        )
        console.print(f"[dim]dry run: nothing was written.{note}[/]")
        return 0

    binaries = snapshot(project.path)
    committed = set(_git("ls-files", "-z", cwd=project.path).stdout.split("\0")) - {""}
    with console.status(f"Updating to {target} (three-way merge)..."):
        with _answers_symlink_kept(project.path / ANSWERS_FILE):
            copier_update(source, project.path, ref, changes, str(project.answers["_src_path"]))
        kept = keep_user_changes(source, project.path, binaries, project.commit, project.recorded)
        versions = ((project.commit, project.recorded), (ref, {**project.recorded, **changes}))
        try:
            moved = moved_changes(source, project.path, committed, versions)
        except ScaffoldError as error:
            moved = []
            console.print(f"[yellow]![/] renamed files not checked: {literal(error.message)}")
    report = collect_report(project.path)
    console.print(report_table(report))
    for change in moved:
        where = (
            f"which you renamed to {change.renamed_to}"
            if change.renamed_to
            else "which you removed"
        )
        console.print(
            f"[yellow]![/] the template changed {literal(change.original)}, {literal(where)}; "
            "its change, to apply by hand:"
        )
        _print_diff(change.diff, console)
    if kept.kept:
        console.print(
            "[green]✓[/] kept your version of binary or non-UTF-8 file(s) the template did "
            f"not change: {literal(', '.join(kept.kept))}"
        )
    if report.conflicts:
        console.print(
            f"[red]✗[/] {len(report.conflicts)} file(s) with conflicts: `git status` lists them as "
            "unmerged. Resolve the <<<<<<< before updating / >>>>>>> after updating blocks, "
            "`git add` the files, then commit."
        )
        return 1
    console.print(f"[green]✓[/] updated to {target}; review with `git diff`, then commit")
    return 0
