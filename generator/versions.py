"""Template versions: which ones the source holds, what Copier will record, how they compare.

Everything here is plain git on the source's release repository (generator/releases.py: the
history of a checkout, a template repository or the wheel's bundle, tagged where the version
changed), so `update --check` answers without importing Copier.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from packaging.version import InvalidVersion, Version

from generator.errors import TemplateError, UsageError
from generator.questions import Question, parse_questions
from generator.template_source import TemplateSource

_DESCRIBED = re.compile(r"^(?P<base>.+)-(?P<count>\d+)-g(?P<hash>[0-9a-f]+)$")


def git(*args: str, cwd: Path | None = None) -> str:
    """Run git without prompts or hooks; a failure raises TemplateError with git's message."""
    done = subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise TemplateError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def pep440(commit: str) -> Version | None:
    """The version Copier derives from a `_commit` (`v1.2.0`, `v1.2.0-3-gabc1234`), if any."""
    match = _DESCRIBED.match(commit)
    try:
        if match:
            return Version(f"{match['base']}.post{match['count']}+{match['hash']}")
        return Version(commit)
    except InvalidVersion:
        return None


def compare(current: str, target: str) -> int | None:
    """-1, 0 or 1 as `current` is older than, equal to or newer than `target`; None if unknown.

    The commit hash is left out: two spellings of one commit (abbreviated to 7 or 8 digits)
    are the same version, and commits of one history are ordered by their distance to a tag.
    """
    if current == target:
        return 0
    old, new = pep440(current), pep440(target)
    if old is None or new is None:
        return None
    old, new = Version(old.public), Version(new.public)
    return (old > new) - (old < new)


def release_tags(source: TemplateSource) -> list[str]:
    """Tags of the source that are PEP 440 versions, oldest first."""
    tags = git("tag", "--list", cwd=source.location).split()
    versions = [(pep440(tag), tag) for tag in tags]
    return [tag for version, tag in sorted((v, t) for v, t in versions if v is not None)]


def resolve_ref(source: TemplateSource, to: str | None) -> str:
    """The git ref to update to: `--to` (a version with or without the `v`, or a commit),
    else the source's HEAD."""
    if to is None:
        return source.default_ref
    tags = release_tags(source)
    for candidate in (to, f"v{to}"):
        if candidate in tags:
            return candidate
    resolved = resolve_commit(source, to)
    if resolved is not None:
        return resolved
    listed = ", ".join(tags) or "none"
    raise UsageError(f"template version {to!r} not found (available: {listed})")


def resolve_commit(source: TemplateSource, ref: str) -> str | None:
    """The commit `ref` names in the source (a tag, a hash, `v0.1.0-3-gabc1234`), if any."""
    if not ref or ref.startswith("-"):
        return None
    try:
        commit = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=source.location)
    except TemplateError:
        return None
    return commit.strip()


def describe(source: TemplateSource, ref: str) -> str:
    """The `_commit` Copier records when it renders `ref` (`git describe --tags --always`)."""
    return git("describe", "--tags", "--always", ref, cwd=source.location).strip()


def questions_text(source: TemplateSource, ref: str) -> str:
    """copier.yml as of `ref`: the questions Copier will use for the target version."""
    return git("show", f"{ref}:copier.yml", cwd=source.location)


def source_questions(source: TemplateSource, ref: str | None = None) -> list[Question]:
    """The questions of the version Copier will render, never the working tree's copier.yml."""
    ref = ref or source.default_ref
    return parse_questions(questions_text(source, ref), f"copier.yml at {ref}")


OUR_QUESTIONS = frozenset(
    {"project_name", "package_name", "distribution_name", "task", "target", "dataset_file"}
)
"""Questions `new` and `adopt` answer themselves (names, the table and its task)."""


def our_questions(source: TemplateSource) -> list[Question]:
    """The questions of our template's current version; another template is refused.

    `MLOPS_SCAFFOLD_TEMPLATE` may name any repository, a fork from before the table questions
    among them: the commands that fill these answers in need them asked.
    """
    questions = source_questions(source)
    missing = sorted(OUR_QUESTIONS - {question.name for question in questions})
    if missing:
        raise TemplateError(
            f"{source.origin} is not mlops-scaffold's template as this version knows it: its "
            f"copier.yml asks no {', '.join(missing)}; render another template with --template"
        )
    return questions
