"""Render the template atomically: into a hidden folder beside the destination, then move it.

A failure or Ctrl-C while Copier writes leaves nothing behind and never touches an existing
folder (DESIGN.md decision 9). Copier is imported here only, so commands that do not render
never pay for it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from generator.errors import DestinationError, RenderError
from generator.paths import check_name_lengths
from generator.template_source import TemplateSource, copier_environment


def check_destination(dest: Path, *, force: bool) -> None:
    """Refuse a destination we must not write to, before asking or rendering anything."""
    check_name_lengths(dest)
    if dest.is_symlink() and not dest.exists():
        raise DestinationError(f"destination {dest} is a symlink to nothing")
    if dest.exists() and not dest.is_dir():
        raise DestinationError(f"destination {dest} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise DestinationError(f"destination {dest} is not empty (use --force to render into it)")
    parent = _existing_parent(dest)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise DestinationError(f"cannot write to {parent}: permission denied")


def _existing_parent(path: Path) -> Path:
    for candidate in [path.parent, *path.parent.parents]:
        if candidate.exists():
            return candidate
    return Path("/")


def _copier_failure(error: BaseException) -> RenderError:
    text = " ".join(str(error).split()) or type(error).__name__
    return RenderError(f"rendering failed: {text}")


def copy_isolated(
    src: str,
    staging: Path,
    answers: Mapping[str, Any],
    *,
    unsafe: bool,
    ref: str,
    skip_tasks: bool = False,
) -> None:
    """`copier copy` of every answer via `data=`, blind to the user's Copier settings.

    Copier re-validates each answer (DESIGN.md decision 6), and user `defaults:` can't leak in.
    """
    import copier

    copier.run_copy(
        src,
        str(staging),
        data=dict(answers),
        defaults=True,
        unsafe=unsafe,
        vcs_ref=ref,
        skip_tasks=skip_tasks,
        quiet=True,
        overwrite=True,
        settings=copier.Settings(defaults={}, trust=[]),
    )


def render_to(
    source: TemplateSource, staging: Path, answers: Mapping[str, Any], *, ref: str | None = None
) -> None:
    """Run Copier into the empty folder `staging` (plain `copier copy` semantics)."""
    with copier_environment(source):
        try:
            # unsafe: only ever our own template (DESIGN.md decision 7)
            copy_isolated(source.url, staging, answers, unsafe=True, ref=ref or source.default_ref)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as error:  # Copier raises many types; all become one message
            raise _copier_failure(error) from None


def render_project(
    source: TemplateSource,
    dest: Path,
    answers: Mapping[str, Any],
    *,
    force: bool = False,
    ref: str | None = None,
    finish: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Render into `dest` atomically; returns the files written, relative to `dest`.

    `finish` adds to the render before it moves into place (the table and schema of `new`),
    so its failure leaves nothing behind either."""
    check_destination(dest, force=force)
    parent = dest.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=parent))
    except OSError as error:
        raise DestinationError(f"cannot write to {parent}: {error.strerror}") from None
    try:
        render_to(source, staging, answers, ref=ref)
        if finish is not None:
            finish(staging)
        files = list_files(staging)
        _move_into_place(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return files


def place_rendered(staging: Path, dest: Path) -> list[Path]:
    """Move a finished render of any engine from `staging` into `dest`; returns its files."""
    files = list_files(staging)
    _move_into_place(staging, dest)
    return files


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _move_into_place(staging: Path, dest: Path) -> None:
    # mkdtemp makes the staging folder private (0700); the project gets the usual mode.
    staging.chmod(0o777 & ~_umask())
    if not dest.exists():
        staging.rename(dest)
        return
    if not any(dest.iterdir()):
        # Fill an existing empty folder in place: it keeps its mode, group and inode, and a
        # mount point or a symlink to a folder stays what it is.
        for child in sorted(staging.iterdir()):
            shutil.move(str(child), str(dest / child.name))
        staging.rmdir()
        return
    # --force into a non-empty folder: the render is complete, so overlay it file by file.
    shutil.copytree(staging, dest, dirs_exist_ok=True, symlinks=True)
    shutil.rmtree(staging)


def render_preview(
    source: TemplateSource, answers: Mapping[str, Any], *, ref: str | None = None
) -> list[Path]:
    """The files a render would write, from a throwaway render; nothing is kept."""
    with tempfile.TemporaryDirectory(prefix="mlops-scaffold-dry-run-") as tmp:
        staging = Path(tmp) / "project"
        staging.mkdir()
        render_to(source, staging, answers, ref=ref)
        return list_files(staging)


def list_files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file() or p.is_symlink())
