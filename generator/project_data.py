"""The table a new project starts from: the user's `--dataset` or the task's bundled demo.

`new` chooses and profiles it before anything is written (so a bad table leaves nothing behind),
then puts two files into the render before it moves into place: the table, byte for byte, as
`data/raw/<dataset_file>`, and `src/<package>/schema.py`, the data contract inferred from it.
Only the file's name reaches the answers file; the path it came from is recorded nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.prompt import Prompt

from generator.errors import DatasetUnreadable, TargetError, UsageError
from generator.terminal import literal

if TYPE_CHECKING:
    from generator.dataset import Profile


DEMO_ANSWER = "demo"


@dataclass(frozen=True)
class DatasetChoice:
    """The table and what `new` learnt about it (the profile's task is the one rendered)."""

    source: Path
    profile: Profile
    demo: bool = False


def stored_name(source: Path) -> str:
    """The name of the copy under data/raw/: the source's name, made a plain portable file
    name (letters, digits, `_`, `-`, `.`) with a `.csv` or `.parquet` suffix."""
    suffix = ".csv" if source.suffix.lower() == ".csv" else ".parquet"
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", source.stem)
    stem = re.sub(r"\.{2,}", ".", stem).lstrip(".-") or "data"
    return stem + suffix


def check_stored_name(source: Path, name: str) -> None:
    """`-d dataset_file=` renames the copy, but cannot change what kind of file it is."""
    from generator.dataset import SUFFIXES

    if SUFFIXES.get(Path(name).suffix.lower()) != SUFFIXES.get(source.suffix.lower()):
        raise UsageError(
            f"dataset_file={name} names the copy of {source.name}: give it the same kind of "
            f"suffix ({source.suffix})"
        )


def ask_dataset(console: Console, *, again: bool = False) -> Path | None:
    """The wizard's first question: the user's table, or Enter for the bundled demo."""
    if not again:
        console.print()
        console.print("[bold cyan]dataset[/]")
        console.print(
            "  [dim]Your table (a CSV or Parquet file): it is copied to data/raw/ and its schema "
            "inferred. Enter keeps the bundled demo of the task you choose.[/]"
        )
    raw = Prompt.ask("  >", default=DEMO_ANSWER, console=console).strip()
    return Path(raw).expanduser() if raw and raw != DEMO_ANSWER else None


def ask_target(columns: list[str], console: Console) -> str:
    """The target column, asked until it is one of the table's columns (default: the last,
    where exports usually put the label)."""
    console.print()
    console.print("[bold cyan]target[/]")
    shown = ", ".join(columns[:30]) + (", ..." if len(columns) > 30 else "")
    console.print(f"  [dim]The column to predict; the table has: {literal(shown)}[/]")
    while True:
        raw = Prompt.ask("  >", default=columns[-1], console=console).strip()
        if raw in columns:
            return raw
        console.print(f"  [red]✗ {literal(repr(raw))} is not a column of the table[/]")


def choose(
    source: Path,
    target: str | None,
    task: str | None,
    *,
    interactive: bool,
    console: Console,
) -> DatasetChoice:
    """Read and profile the user's table; `task` is `-d task=` (checked against the target)."""
    from generator.dataset import profile, read_table

    table = read_table(source)
    if target is None:
        if not interactive:
            raise UsageError("--dataset needs --target COLUMN (the column to predict)")
        target = ask_target(table.column_names, console)
    return DatasetChoice(source, profile(table, source, target, task=task))


def choose_demo(task: str, target: str, file_name: str) -> DatasetChoice:
    """The task's bundled demo, profiled like a user's table."""
    from generator.dataset import demo_path, profile_table

    source = demo_path(task)
    check_stored_name(source, file_name)
    try:
        found = profile_table(source, target, task=task, file_name=file_name)
    except TargetError as error:
        raise TargetError(
            f"{error.message} (the bundled {task} demo: pass --dataset to start from your table)"
        ) from None
    return DatasetChoice(source, found, demo=True)


def summary(choice: DatasetChoice) -> str:
    """One line on what `new` found in the table (rich markup, user text escaped)."""
    found = choice.profile
    what = "the bundled demo " if choice.demo else ""
    parts = [
        f"{what}{literal(choice.source.name)}: {found.rows} rows, {len(found.columns)} columns",
        f"target {literal(found.target)} -> {found.task}",
        f"{len(found.numeric)} numeric and {len(found.categorical)} categorical features",
    ]
    if found.excluded:
        listed = ", ".join(f"{name} ({why})" for name, why in found.excluded.items())
        parts.append(f"excluded: {literal(listed)}")
    return "; ".join(parts)


def write_into(root: Path, package_name: str, choice: DatasetChoice) -> None:
    """The table and its schema into a rendered project at `root` (before it moves into
    place, so a failure here leaves nothing)."""
    from generator.dataset import copy_table
    from generator.schema_source import schema_source

    package = root / "src" / package_name
    if not package.is_dir():
        raise DatasetUnreadable(f"the rendered project has no src/{package_name}/")
    try:
        copy_table(choice.source, root / "data" / "raw" / choice.profile.file_name)
    except OSError as error:
        raise DatasetUnreadable(f"cannot copy {choice.source}: {error.strerror}") from None
    (package / "schema.py").write_text(schema_source(choice.profile), encoding="utf-8")
