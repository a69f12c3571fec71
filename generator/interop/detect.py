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


@dataclass(frozen=True)
class LocalTemplate:
    """A template readable on disk, and how each engine should be pointed at it."""

    source: str  # what the user typed
    root: Path  # the folder holding the engine's configuration file
    kind: str  # "copier" or "cookiecutter"
    config_file: Path
    copier_src: str  # for Copier: the git address (so `_commit` is recorded) or the folder


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


@contextmanager
def open_template(source: str) -> Iterator[LocalTemplate]:
    """The template at SOURCE on disk; fetched copies are deleted on exit."""
    workdir = Path(tempfile.mkdtemp(prefix="mlops-scaffold-template-"))
    try:
        root, copier_src = _fetch(source, workdir)
        kind, config_file = kind_of(root)
        yield LocalTemplate(source, root, kind, config_file, copier_src)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
