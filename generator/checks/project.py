"""What the checks read about a project, read once and shared between checks.

One `git ls-files` call lists every committed file with its blob size, so the git-based checks
cost one subprocess however large the repository is.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator.textfile import TEXT_LIMIT, YAML_LIMIT, UnreadableFile, read_text

from .config import Config
from .model import CheckInputError, Severity
from .yaml_lines import YamlDoc, parse_yaml

GITLINK_MODE = "160000"  # a submodule: no blob, no size


@dataclass(frozen=True)
class IndexEntry:
    """A file in git's index (what is or will be committed): path relative to the root."""

    path: str
    mode: str
    size: int


@dataclass
class Project:
    """A project folder under check, with cached reads of its files and its git index."""

    root: Path
    config: Config = field(default_factory=Config)
    _index: list[IndexEntry] | None = field(default=None, init=False, repr=False)
    _yaml: dict[str, YamlDoc | None] = field(default_factory=dict, init=False, repr=False)

    def git_files(self) -> list[IndexEntry]:
        """Every file in the index under the root; a folder outside git is a warning."""
        if self._index is None:
            self._index = self._read_index()
        return self._index

    def _read_index(self) -> list[IndexEntry]:
        listing = self._git(["ls-files", "-s", "-z"])
        records = [
            (meta.split(" "), path)
            for meta, _, path in (
                record.partition("\t") for record in listing.split("\0") if record
            )
        ]
        blobs = [fields[1] for fields, _ in records if fields[0] != GITLINK_MODE]
        sizes = iter(
            self._git(["cat-file", "--batch-check=%(objectsize)"], "\n".join(blobs) + "\n").split()
            if blobs
            else []
        )
        entries = []
        for (mode, _name, _stage), path in records:
            size = 0 if mode == GITLINK_MODE else int(next(sizes, "0").replace("missing", "0"))
            entries.append(IndexEntry(path, mode, size))
        return entries

    def _git(self, args: list[str], stdin: str | None = None) -> str:
        """Run git in the root; outside a repository the git-based checks get a warning."""
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.root,
                input=stdin,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="surrogateescape",
                check=False,
            )
        except OSError as exc:
            raise CheckInputError(f"git can't be run: {exc}", severity=Severity.WARNING) from None
        if done.returncode != 0:
            reason = done.stderr.strip().splitlines()
            raise CheckInputError(
                "not a git repository, so committed files can't be checked"
                if reason and "not a git repository" in reason[-1]
                else f"git {args[0]} failed: {reason[-1] if reason else done.returncode}",
                severity=Severity.WARNING,
                fix="run `git init` and commit the project",
            )
        return done.stdout

    def exists(self, relpath: str) -> bool:
        return (self.root / relpath).exists()

    def read_text(self, relpath: str, *, limit: int = TEXT_LIMIT) -> str:
        """A UTF-8 file's text; unreadable, oversized or undecodable files fail the check."""
        try:
            return read_text(self.root / relpath, limit=limit)
        except UnreadableFile as exc:
            message = f"{relpath} not found" if exc.reason == "not found" else exc.reason
            raise CheckInputError(message, path=relpath) from None

    def yaml(self, relpath: str) -> YamlDoc | None:
        """Parsed YAML with line numbers, or None when the file doesn't exist."""
        if relpath not in self._yaml:
            path = self.root / relpath
            self._yaml[relpath] = (
                parse_yaml(self.read_text(relpath, limit=YAML_LIMIT), relpath)
                if path.exists()
                else None
            )
        return self._yaml[relpath]
