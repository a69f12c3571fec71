"""Checking tables against the data contract, schema.SCHEMA (a pandera schema, yours to edit).

Validation is lazy: every problem is collected, then reported one line each, naming the
column, so one run shows everything to fix. A table that breaks the contract stops the
pipeline; a batch of new rows (scoring, serving, monitoring) is checked on its feature columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError as PanderaError
from pandera.errors import SchemaErrors

from .features import FEATURES
from .schema import CATEGORICAL, SCHEMA

MAX_LINES = 20
"""The most problems a message lists; the rest are counted."""


class SchemaError(ValueError):
    """The table does not match the schema; each line of the message names a column."""


def _describe(check: str, found: pd.DataFrame) -> str:
    values = ", ".join(str(value) for value in found["failure_case"].head(3))
    if check == "not_nullable":
        return f"{len(found)} missing value(s) where none are allowed"
    return f"fails {check} ({len(found)} value(s), e.g. {values})"


def _problems(error: SchemaErrors) -> list[str]:
    """One line per column, naming it, with each failed check and a few offending values.

    A missing value also fails the type coercion of a column that may not have any: the
    coercion failure is then left out, so the line says what is actually wrong.
    """
    cases = error.failure_cases.copy()
    absent = cases["check"] == "column_in_dataframe"
    cases.loc[absent, "column"] = cases.loc[absent, "failure_case"]
    lines = []
    for column, found in cases.groupby("column", sort=True, dropna=False):
        name = "the table" if pd.isna(column) else f"column '{column}'"
        checks = set(found["check"])
        if "column_in_dataframe" in checks:
            lines.append(f"{name}: missing")
            continue
        if "not_nullable" in checks:
            typed = found["check"].astype(str).str.match(r"(coerce_)?dtype\(")
            found = found[~(typed & found["failure_case"].isna())]
        parts = [_describe(check, rows) for check, rows in found.groupby("check", sort=True)]
        lines.append(f"{name}: {'; '.join(parts)}")
    return lines


def _missing_as_nan(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing strings as NaN (not None or pd.NA), the one missing value every encoder knows."""
    frame = frame.copy()
    for name in CATEGORICAL:
        if name in frame.columns:
            values = frame[name].astype(object)
            frame[name] = values.where(values.notna(), np.nan)
    return frame


def _validate(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    try:
        return _missing_as_nan(schema.validate(_missing_as_nan(frame), lazy=True))
    except SchemaErrors as exc:
        lines = _problems(exc)
    except PanderaError as exc:  # not collected lazily (e.g. the table itself is unusable)
        lines = [str(exc).splitlines()[0]]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], f"... and {len(lines) - MAX_LINES} more problem(s)"]
    raise SchemaError("\n".join(lines))


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    """The table coerced to the schema's types; raise SchemaError listing every problem."""
    return _validate(frame, SCHEMA)


FEATURE_SCHEMA = SCHEMA.select_columns([name for name in FEATURES if name in SCHEMA.columns])
"""What new rows need: the model's inputs, without the target (scoring, serving, monitoring)."""


MONITOR_SCHEMA = FEATURE_SCHEMA.update_columns(
    {name: {"checks": []} for name in FEATURE_SCHEMA.columns}
)
"""FEATURE_SCHEMA with types and nullability but no value checks (ranges, allowed categories):
monitoring measures a shift or a new category and reports it, by name, instead of refusing
the batch."""


def feature_table(frame: pd.DataFrame, shifted: bool = False) -> pd.DataFrame:
    """The feature columns of new rows, in schema order, coerced and validated.

    Other columns (the target when labels are known, ids, dates) are left out, so a file of new
    rows in the raw form of the table is accepted. Raise SchemaError on any problem; with
    `shifted`, values out of the schema's ranges and categories (monitoring) are let through.
    """
    missing = [name for name in FEATURES if name not in frame.columns]
    if missing:
        raise SchemaError("\n".join(f"column '{name}': missing" for name in missing))
    schema = MONITOR_SCHEMA if shifted else FEATURE_SCHEMA
    return _validate(frame[FEATURES], schema)[FEATURES]
