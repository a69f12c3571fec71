"""Template versions: which ones the source holds, what Copier will record, how they compare.

Everything here is plain git on the local stand-in of the canonical URL (a checkout, a template
repository or the wheel's bundle), so `update --check` answers without importing Copier.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
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
    """-1, 0 or 1 as `current` is older than, equal to or newer than `target`; None if unknown."""
    if current == target:
        return 0
    old, new = pep440(current), pep440(target)
    if old is None or new is None:
        return None
    return (old > new) - (old < new)


def release_tags(source: TemplateSource) -> list[str]:
    """Tags of the source that are PEP 440 versions, oldest first."""
    lines = git("ls-remote", "--tags", "--refs", str(source.location)).splitlines()
    tags = [line.split("\t", 1)[1].removeprefix("refs/tags/") for line in lines if "\t" in line]
    versions = [(pep440(tag), tag) for tag in tags]
    return [tag for version, tag in sorted((v, t) for v, t in versions if v is not None)]


def resolve_ref(source: TemplateSource, to: str | None) -> str:
    """The git ref to update to: `--to` (with or without the `v`), else the source's default."""
    if to is None:
        return source.default_ref
    tags = release_tags(source)
    for candidate in (to, f"v{to}"):
        if candidate in tags:
            return candidate
    if source.location.is_dir():
        try:
            git("rev-parse", "--verify", "--quiet", f"{to}^{{commit}}", cwd=source.location)
            return to
        except TemplateError:
            pass
    listed = ", ".join(tags) or "none"
    raise UsageError(f"template version {to!r} not found (available: {listed})")


def describe(source: TemplateSource, ref: str) -> str:
    """The `_commit` Copier records when it renders `ref` (`git describe --tags --always`)."""
    if source.location.is_dir():
        return git("describe", "--tags", "--always", ref, cwd=source.location).strip()
    if ref in release_tags(source):
        return ref
    raise TemplateError(f"version {ref} is not in the bundled template {source.location}")


def questions_text(source: TemplateSource, ref: str) -> str:
    """copier.yml as of `ref`: the questions Copier will use for the target version."""
    if source.location.is_dir():
        return git("show", f"{ref}:copier.yml", cwd=source.location)
    shipped = source.questions_file
    if source.kind == "bundle" and ref == source.default_ref and shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="mlops-scaffold-questions-") as tmp:
        git("init", "-q", "--bare", tmp)
        git("fetch", "-q", str(source.location), f"{ref}:refs/tags/{ref}", cwd=Path(tmp))
        return git("show", f"{ref}:copier.yml", cwd=Path(tmp))


def source_questions(source: TemplateSource, ref: str | None = None) -> list[Question]:
    """The questions of the version Copier will render, never the working tree's copier.yml."""
    ref = ref or source.default_ref
    return parse_questions(questions_text(source, ref), f"copier.yml at {ref}")
