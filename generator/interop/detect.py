"""Which engine a template needs, and a local folder to read it from.

A SOURCE is a local folder, a zip file or a git repository. Git and zip sources are fetched into
a temporary folder with cookiecutter's own helpers (`vcs.clone`, `zipfile.unzip`), so the same
addresses work as with `cookiecutter SOURCE`; the engine is read from the files at its root
(`copier.yml`/`copier.yaml` or `cookiecutter.json`).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.errors import TemplateError

COPIER_FILES = ("copier.yml", "copier.yaml")
COOKIECUTTER_FILE = "cookiecutter.json"
CCDS_FILE = "ccds.json"


@dataclass(frozen=True)
class LocalTemplate:
    """A template readable on disk, and how each engine should be pointed at it."""

    source: str  # what the user typed
    root: Path  # the folder holding the engine's configuration file
    kind: str  # "copier" or "cookiecutter"
    config_file: Path
    copier_src: str  # for Copier: the git address (so `_commit` is recorded) or the folder
    copier_ref: str | None = None  # the tag or commit Copier renders (None: not a git template)
    note: str = ""  # something the user should know about what is rendered

    @property
    def ccds(self) -> bool:
        """A cookiecutter-data-science v2 template, asked and rendered as `ccds` does."""
        return self.config_file.name == CCDS_FILE


def _is_zip(source: str) -> bool:
    return source.lower().endswith(".zip")


def _repo_address(source: str) -> str | None:
    """The expanded git address when SOURCE names a remote or `file:` repository, else None."""
    from cookiecutter.config import DEFAULT_CONFIG
    from cookiecutter.repository import expand_abbreviations, is_repo_url

    expanded = expand_abbreviations(source, DEFAULT_CONFIG["abbreviations"])
    return expanded if is_repo_url(expanded) else None


def _copier_address(address: str) -> str:
    """Copier reads `git+`, `.git`, `git@` and https addresses; mark the others as git."""
    if address.startswith(("git+", "git@", "https://")) or address.endswith(".git"):
        return address
    return f"git+{address}"


def kind_of(root: Path) -> tuple[str, Path]:
    """("copier" | "cookiecutter", configuration file) of a template folder."""
    for name in COPIER_FILES:
        if (root / name).is_file():
            return "copier", root / name
    # cookiecutter-data-science v2 keeps its questions in ccds.json (its cookiecutter.json
    # only tells plain cookiecutter users to run `ccds`).
    if (root / CCDS_FILE).is_file():
        return "cookiecutter", root / CCDS_FILE
    if (root / COOKIECUTTER_FILE).is_file():
        return "cookiecutter", root / COOKIECUTTER_FILE
    raise TemplateError(
        f"{root} is not a template: it has no copier.yml, copier.yaml or cookiecutter.json"
    )


def _fetch(source: str, workdir: Path) -> tuple[Path, str]:
    """A local folder for SOURCE (cloned or unzipped into `workdir` when needed)."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.vcs import clone
    from cookiecutter.zipfile import unzip

    address = _repo_address(source)
    try:
        if _is_zip(source):
            is_url = address is not None or source.startswith(("http://", "https://"))
            location = source if is_url else str(Path(source).expanduser().resolve())
            if not is_url and not Path(location).is_file():
                raise TemplateError(f"template zip not found: {source}")
            # unzip makes its own temporary folder; move it under ours so it is cleaned up.
            unpacked = Path(unzip(location, is_url, clone_to_dir=workdir, no_input=True))
            moved = workdir / "unzipped"
            shutil.move(str(unpacked.parent), moved)
            return moved / unpacked.name, str(moved / unpacked.name)
        if address is not None:
            git_address = address if address.startswith(("git+", "hg+")) else f"git+{address}"
            return Path(clone(git_address, clone_to_dir=workdir, no_input=True)), _copier_address(
                address
            )
    except CookiecutterException as error:
        raise TemplateError(f"cannot fetch template {source}: {_one_line(error)}") from None
    except (OSError, ValueError, subprocess.CalledProcessError) as error:  # e.g. a failed clone
        raise TemplateError(f"cannot fetch template {source}: {_one_line(error)}") from None
    folder = Path(source).expanduser().resolve()
    if not folder.is_dir():
        raise TemplateError(f"template not found: {source} (a folder, a .zip or a git URL)")
    return folder, str(folder)


def _one_line(error: BaseException) -> str:
    output = getattr(error, "output", None)
    if isinstance(output, bytes):
        lines = [ln for ln in output.decode(errors="replace").splitlines() if ln.strip()]
        if lines:
            return lines[-1].strip()
    return " ".join(str(error).split()) or type(error).__name__


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


def newest_tag(tags: list[str]) -> str | None:
    """The newest PEP 440 version among `tags`, pre-releases left out (Copier's default)."""
    from packaging.version import InvalidVersion, Version

    versions = []
    for tag in tags:
        try:
            parsed = Version(tag)
        except InvalidVersion:
            continue
        if not parsed.is_prerelease:
            versions.append((parsed, tag))
    return max(versions)[1] if versions else None


def _pinned(root: Path, vcs_ref: str | None, workdir: Path) -> tuple[Path, str, str] | None:
    """For a git template: a clean checkout of the ref Copier will render, and that ref.

    The ref is `--vcs-ref`, else the newest version tag (as Copier picks it), else HEAD's
    commit: uncommitted changes in a local template are never rendered, so the recorded
    `_commit` always names a commit that exists.
    """
    top = _git("rev-parse", "--show-toplevel", cwd=root)
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != root.resolve():
        if vcs_ref is not None:
            raise TemplateError(f"--vcs-ref {vcs_ref}: the template is not a git repository")
        return None
    if vcs_ref is None:
        tags = _git("tag", "--list", cwd=root).stdout.split()
        vcs_ref = newest_tag(tags)
    wanted = vcs_ref or "HEAD"
    commit = _git("rev-parse", "--verify", "--quiet", f"{wanted}^{{commit}}", cwd=root)
    if commit.returncode != 0:
        raise TemplateError(f"the template has no tag, branch or commit named {wanted}")
    sha = commit.stdout.strip()
    note = ""
    if vcs_ref is None and _git("status", "--porcelain", cwd=root).stdout.strip():
        note = f"the template has uncommitted changes; rendering its last commit {sha[:12]}"
    checkout = workdir / "at-ref"
    cloned = _git("clone", "--quiet", "--no-checkout", str(root), str(checkout), cwd=workdir)
    switched = _git("-c", "advice.detachedHead=false", "checkout", "--quiet", sha, cwd=checkout)
    if cloned.returncode != 0 or switched.returncode != 0:
        error = (cloned.stderr or switched.stderr).strip().splitlines()
        raise TemplateError(f"cannot check out {wanted}: {error[-1] if error else 'git failed'}")
    return checkout, vcs_ref or sha, note


@contextmanager
def open_template(source: str, vcs_ref: str | None = None) -> Iterator[LocalTemplate]:
    """The template at SOURCE on disk; fetched copies are deleted on exit.

    A Copier template in git is read at the ref Copier renders (see `_pinned`), so the
    questions asked and the unsafe features checked are those of the files rendered.
    """
    workdir = Path(tempfile.mkdtemp(prefix="mlops-scaffold-template-"))
    try:
        root, copier_src = _fetch(source, workdir)
        kind, config_file = kind_of(root)
        ref, note = None, ""
        if kind == "copier":
            pinned = _pinned(root, vcs_ref, workdir)
            if pinned is not None:
                checkout, ref, note = pinned
                kind, config_file = kind_of(checkout)
                root = checkout
        elif vcs_ref is not None:
            raise TemplateError("--vcs-ref applies to Copier templates only")
        yield LocalTemplate(source, root, kind, config_file, copier_src, ref, note)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
