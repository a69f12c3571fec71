"""The user's table at `new --dataset`: read it, profile its columns, infer the task.

Everything here runs before anything is written, so a table that cannot make a project is one
typed error (generator/errors.py) and an untouched disk. pyarrow reads CSV and Parquet with
type inference close to what pandas does in the generated project, and computes the profile
in columnar passes; it is imported inside the functions so `--help` never pays for it.

The decisions a profile makes (which column is a feature, which is excluded and why) are
written into the project's schema.py by generator/schema_source.py, where the user can see and
edit them: nothing is silently dropped.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import (
    DatasetTooLarge,
    DatasetUnreadable,
    NoFeatureError,
    TargetError,
    TaskMismatch,
    TooFewRows,
)

if TYPE_CHECKING:
    import pyarrow as pa

DEMO_DIR = Path(__file__).parent / "demo_data"
# The bundled demo of each task, handled exactly like a user's file.
DEMOS: dict[str, tuple[str, str]] = {
    "binary": ("breast_cancer.csv", "target"),
    "multiclass": ("wine.csv", "cultivar"),
    "regression": ("house_prices.csv", "price"),
}
TASKS = tuple(DEMOS)
SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}

# The generated pipeline holds out this share of rows, stratified by class (params.yaml
# `data.test_size`): each class needs TEST_ROWS_PER_CLASS rows in the test split.
TEST_SHARE = 0.2
TEST_ROWS_PER_CLASS = 2
MIN_ROWS = 20
# An integer target with at most this many values is a class label; more is a quantity.
MAX_CLASSES = 20
# A string feature with more distinct values than this (or than FREE_TEXT_SHARE of its rows,
# or longer than FREE_TEXT_LENGTH characters on average) is free text, not a category.
MAX_CATEGORIES = 100
FREE_TEXT_SHARE = 0.5
FREE_TEXT_LENGTH = 40
# Reading a table takes a few times its file's size in memory (Parquet is compressed more).
MEMORY_FACTOR = {"csv": 3, "parquet": 8}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y")


@dataclass(frozen=True)
class ColumnProfile:
    """What `new` learnt about one column; `excluded` is the reason it is not a feature."""

    name: str
    kind: str  # "int", "float", "bool", "str", "date" or "other"
    nulls: int
    distinct: int  # distinct non-null values
    minimum: float | None = None
    maximum: float | None = None
    values: tuple[Any, ...] = ()  # the distinct values, sorted, when there are few
    excluded: str | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "float")


@dataclass(frozen=True)
class Profile:
    """A table's columns, its target and the task inferred from (or confirmed for) it."""

    file_name: str
    rows: int
    columns: tuple[ColumnProfile, ...]
    target: str
    task: str
    inferred_task: str
    class_counts: dict[Any, int] = field(default_factory=dict)

    def column(self, name: str) -> ColumnProfile:
        return next(c for c in self.columns if c.name == name)

    @property
    def features(self) -> list[ColumnProfile]:
        return [c for c in self.columns if c.name != self.target and c.excluded is None]

    @property
    def numeric(self) -> list[str]:
        return [c.name for c in self.features if c.numeric]

    @property
    def categorical(self) -> list[str]:
        return [c.name for c in self.features if not c.numeric]

    @property
    def excluded(self) -> dict[str, str]:
        return {
            c.name: c.excluded
            for c in self.columns
            if c.name != self.target and c.excluded is not None
        }


def demo_path(task: str) -> Path:
    return DEMO_DIR / DEMOS[task][0]


def file_kind(path: Path) -> str:
    """ "csv" or "parquet" from the file name; anything else is refused before reading."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(SUFFIXES)
        raise DatasetUnreadable(
            f"dataset {path} has an unsupported extension {path.suffix or '(none)'!r}; "
            f"use a CSV or Parquet file ({known})"
        )
    return kind


def available_memory() -> int:
    """Bytes of memory available now (Linux MemAvailable; else physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def _size(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if count < 1024 or unit == "TB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError


def check_readable(path: Path) -> str:
    """Refuse a missing, unreadable, unsupported or too large file before reading a byte."""
    kind = file_kind(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DatasetUnreadable(f"dataset not found: {path}") from None
    except OSError as error:
        raise DatasetUnreadable(f"cannot read dataset {path}: {error.strerror}") from None
    if not path.is_file():
        raise DatasetUnreadable(f"dataset {path} is not a file")
    if not os.access(path, os.R_OK):
        raise DatasetUnreadable(f"cannot read dataset {path}: permission denied")
    memory = available_memory()
    limit = memory // MEMORY_FACTOR[kind]
    if stat.st_size > limit:
        raise DatasetTooLarge(
            f"dataset {path} is {_size(stat.st_size)}; `new` reads the whole table into memory "
            f"and can read a {kind} file of at most {_size(limit)} here ({_size(memory)} "
            f"available); start from a sample of it and point the pipeline at the full table"
        )
    return kind


def read_table(path: Path) -> pa.Table:
    """The table in `path` (CSV or Parquet), with dictionary columns decoded."""
    import pyarrow as pa

    kind = check_readable(path)
    try:
        if kind == "csv":
            from pyarrow import csv

            # No boolean inference: the project reads categorical columns of a CSV as text, so
            # a "true"/"false" column is the category "true", as it is written.
            convert = csv.ConvertOptions(strings_can_be_null=True, true_values=[], false_values=[])
            table = csv.read_csv(path, convert_options=convert)
        else:
            from pyarrow import parquet

            table = parquet.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise DatasetUnreadable(f"cannot read {path} as {kind.upper()}: {first}") from None
    except MemoryError:
        raise DatasetTooLarge(
            f"dataset {path} does not fit in the memory available ({_size(available_memory())})"
        ) from None
    names = table.column_names
    if not names or table.num_columns < 1:
        raise DatasetUnreadable(f"dataset {path} has no columns")
    blank = [i + 1 for i, name in enumerate(names) if not str(name).strip()]
    if blank:
        raise DatasetUnreadable(f"dataset {path}: column {blank[0]} has no name")
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise DatasetUnreadable(f"dataset {path}: column {duplicated[0]!r} appears twice")
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        columns.append(column)
    return pa.table(columns, names=names)


def _kind(data_type: pa.DataType) -> str:
    import pyarrow as pa

    if pa.types.is_boolean(data_type):
        return "bool"
    if pa.types.is_integer(data_type):
        return "int"
    if pa.types.is_floating(data_type) or pa.types.is_decimal(data_type):
        return "float"
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        return "str"
    if pa.types.is_temporal(data_type):
        return "date"
    return "other"


def _parses_as_dates(column: pa.ChunkedArray) -> bool:
    """A string column whose every value is a date or time in one common format."""
    import pyarrow.compute as pc

    values = column.drop_null()
    if len(values) == 0:
        return False
    sample = [str(v) for v in values.slice(0, 200).to_pylist()]
    for text in sample:
        if not any(ch.isdigit() for ch in text):
            return False
    if _all_iso(sample) and _all_iso(values.to_pylist()):
        return True
    for fmt in DATE_FORMATS:
        try:
            pc.strptime(values, format=fmt, unit="s")
        except Exception:  # pyarrow raises ArrowInvalid on the first value that does not parse
            continue
        return True
    return False


def _all_iso(texts: list[Any]) -> bool:
    try:
        for text in texts:
            datetime.datetime.fromisoformat(str(text).strip())
    except ValueError:
        return False
    return True


def _exclusion(
    kind: str, column: pa.ChunkedArray, rows: int, nulls: int, distinct: int
) -> str | None:
    """Why a column cannot be a feature, or None when it can."""
    import pyarrow.compute as pc

    present = rows - nulls
    if kind == "other":
        return f"unsupported type {column.type}"
    if kind == "date" or (kind == "str" and present and _parses_as_dates(column)):
        return "date"
    if present == 0:
        return "empty"
    if distinct <= 1:
        return "constant"
    if kind in ("int", "str") and nulls == 0 and distinct == rows and rows >= MIN_ROWS:
        return "unique identifier"
    if kind == "str":
        mean_length = pc.mean(pc.utf8_length(column.drop_null())).as_py() or 0
        if (
            distinct > MAX_CATEGORIES
            or distinct > FREE_TEXT_SHARE * present
            or mean_length > FREE_TEXT_LENGTH
        ):
            return "free text"
    return None


def profile_column(name: str, column: pa.ChunkedArray, rows: int) -> ColumnProfile:
    import pyarrow.compute as pc

    kind = _kind(column.type)
    nulls = column.null_count
    if kind == "float":
        column = column.cast("float64")
        # NaN (Parquet keeps it apart from null) is a missing value too.
        nan = pc.sum(pc.is_nan(column)).as_py() or 0
        if nan:
            column = pc.if_else(pc.is_nan(column), None, column)
            nulls += nan
    distinct = pc.count_distinct(column, mode="only_valid").as_py() if kind != "other" else 0
    minimum = maximum = None
    if kind in ("int", "float") and distinct:
        bounds = pc.min_max(column)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if math.isfinite(low) and math.isfinite(high):
            minimum, maximum = float(low), float(high)
    values: tuple[Any, ...] = ()
    if kind in ("int", "str", "bool", "float") and 0 < distinct <= MAX_CATEGORIES:
        values = tuple(sorted(pc.unique(column.drop_null()).to_pylist()))
    excluded = _exclusion(kind, column, rows, nulls, distinct)
    return ColumnProfile(name, kind, nulls, distinct, minimum, maximum, values, excluded)


def _integral(profile: ColumnProfile) -> bool:
    """Whole numbers only (a float column of 0.0 and 1.0 is integer-coded)."""
    if profile.kind in ("int", "bool"):
        return True
    return (
        profile.kind == "float"
        and bool(profile.values)
        and all(float(v).is_integer() for v in profile.values)
    )


def infer_task(target: ColumnProfile) -> str:
    """The task a target implies: 2 values are binary; a few labels (strings, or up to
    MAX_CLASSES whole numbers) multiclass; other numbers regression."""
    if target.distinct == 2:
        return "binary"
    if target.kind in ("str", "bool"):
        return "multiclass"
    if _integral(target) and target.distinct <= MAX_CLASSES:
        return "multiclass"
    return "regression"


def _check_task(task: str, target: ColumnProfile) -> None:
    """A task given with `-d task=` must suit the target's type and number of values."""
    name = target.name
    if task == "regression" and not target.numeric:
        raise TaskMismatch(
            f"task=regression needs a numeric target; {name!r} holds {target.kind} values "
            f"({target.distinct} distinct): use task={infer_task(target)}"
        )
    if task == "binary" and target.distinct != 2:
        raise TaskMismatch(
            f"task=binary needs a target with 2 values; {name!r} has {target.distinct}: "
            f"use task={infer_task(target)}"
        )
    if task == "multiclass":
        if target.distinct < 3:
            raise TaskMismatch(
                f"task=multiclass needs a target with 3 or more classes; {name!r} has "
                f"{target.distinct}: use task=binary"
            )
        if target.kind == "float" and not _integral(target):
            raise TaskMismatch(
                f"task=multiclass needs class labels; {name!r} holds fractional numbers "
                f"({target.distinct} distinct): use task=regression"
            )


def _check_target(name: str, table: pa.Table, path: Path) -> None:
    if name not in table.column_names:
        shown = ", ".join(table.column_names[:8])
        more = f", ... ({table.num_columns} columns)" if table.num_columns > 8 else ""
        raise TargetError(
            f"target column {name!r} is not in {path.name}; its columns: {shown}{more}"
        )


def _check_rows(profile: ColumnProfile, rows: int, task: str, counts: dict[Any, int]) -> None:
    if rows < MIN_ROWS:
        raise TooFewRows(
            f"the table has {rows} rows; a project needs at least {MIN_ROWS} to hold out a "
            f"{TEST_SHARE:.0%} test split"
        )
    if task == "regression":
        return
    need = math.ceil(TEST_ROWS_PER_CLASS / TEST_SHARE)
    scarce = sorted((n, str(v)) for v, n in counts.items() if n < need)
    if scarce:
        count, value = scarce[0]
        raise TooFewRows(
            f"class {value!r} of target {profile.name!r} has {count} rows; the stratified "
            f"{TEST_SHARE:.0%} test split needs at least {need} per class "
            f"({TEST_ROWS_PER_CLASS} in the test split)"
        )


def profile_table(
    path: Path, target: str, *, task: str | None = None, file_name: str | None = None
) -> Profile:
    """Read and profile `path`; `task` is the user's `-d task=` (checked), else inferred."""
    return profile(read_table(path), path, target, task=task, file_name=file_name)


def profile(
    table: pa.Table,
    path: Path,
    target: str,
    *,
    task: str | None = None,
    file_name: str | None = None,
) -> Profile:
    """Profile a table read from `path` (named in the messages) for `target`."""
    import pyarrow.compute as pc

    _check_target(target, table, path)
    rows = table.num_rows
    if rows < MIN_ROWS:
        raise TooFewRows(
            f"{path.name} has {rows} rows; a project needs at least {MIN_ROWS} to hold out a "
            f"{TEST_SHARE:.0%} test split"
        )
    columns = tuple(profile_column(name, table.column(name), rows) for name in table.column_names)
    target_profile = next(c for c in columns if c.name == target)
    if target_profile.nulls:
        raise TargetError(
            f"target column {target!r} has {target_profile.nulls} missing values; drop those "
            f"rows (or fill them) first"
        )
    if target_profile.kind in ("date", "other"):
        raise TargetError(
            f"target column {target!r} holds {target_profile.kind} values; choose a numeric or "
            f"categorical column"
        )
    if target_profile.distinct < 2:
        raise TargetError(
            f"target column {target!r} has one value ({target_profile.values[0]!r}) in every "
            f"row; there is nothing to learn"
        )
    if not target_profile.numeric and target_profile.distinct > MAX_CATEGORIES:
        raise TargetError(
            f"target column {target!r} has {target_profile.distinct} distinct values; a class "
            f"target has at most {MAX_CATEGORIES} (a numeric column makes a regression)"
        )
    inferred = infer_task(target_profile)
    counts: dict[Any, int] = {}
    if target_profile.distinct <= MAX_CATEGORIES:
        pairs = pc.value_counts(table.column(target)).to_pylist()
        counts = {pair["values"]: pair["counts"] for pair in pairs}
    # The target is never excluded as a feature would be (all-distinct prices are not an id).
    columns = tuple(
        ColumnProfile(c.name, c.kind, c.nulls, c.distinct, c.minimum, c.maximum, c.values, None)
        if c.name == target
        else c
        for c in columns
    )
    found = Profile(
        file_name=file_name or path.name,
        rows=rows,
        columns=columns,
        target=target,
        task=inferred,
        inferred_task=inferred,
        class_counts=counts,
    )
    if not found.features:
        reasons = ", ".join(f"{name}: {why}" for name, why in list(found.excluded.items())[:5])
        raise NoFeatureError(
            f"{path.name} has no usable feature besides the target {target!r}"
            + (f" (excluded: {reasons})" if reasons else "")
        )
    return choose_task(found, task or inferred)


def choose_task(found: Profile, task: str) -> Profile:
    """The profile for `task` (the inferred one, `-d task=` or the wizard's answer), refused
    when the target contradicts it or has too few rows for its split."""
    if task not in TASKS:
        raise TaskMismatch(f"unknown task {task!r}; choose one of: {', '.join(TASKS)}")
    target = found.column(found.target)
    _check_task(task, target)
    if task != "regression" and not found.class_counts:
        raise TaskMismatch(
            f"task={task} needs class labels; {found.target!r} has {target.distinct} distinct "
            f"values: use task=regression"
        )
    _check_rows(target, found.rows, task, found.class_counts)
    return dataclasses.replace(found, task=task)


def copy_table(source: Path, destination: Path) -> None:
    """The raw table, byte for byte, into the project's data/raw/."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
