"""The data contract: a table that breaks it stops the pipeline with one clear line.

Checks run in order (columns, nulls, types, ranges) so the first message names the real cause.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .features import TARGET


class SchemaError(ValueError):
    """The table does not match the schema; the message names the column."""


@dataclass(frozen=True)
class Column:
    """Expected type and range of one column; `allowed` restricts it to a set of values."""

    name: str
    kind: str  # "float" or "int"
    minimum: float | None = None
    maximum: float | None = None
    allowed: frozenset[int] | None = None
    nullable: bool = False


_MEASUREMENTS = (
    "radius",
    "texture",
    "perimeter",
    "area",
    "smoothness",
    "compactness",
    "concavity",
    "concave_points",
    "symmetry",
    "fractal_dimension",
)
# Cell-nucleus measurements are physical sizes and ratios: never negative, far below 1e4.
FEATURES = (
    *(f"mean_{m}" for m in _MEASUREMENTS),
    *(f"{m}_error" for m in _MEASUREMENTS),
    *(f"worst_{m}" for m in _MEASUREMENTS),
)
SCHEMA = (
    *(Column(name, "float", minimum=0.0, maximum=1e4) for name in FEATURES),
    Column(TARGET, "int", allowed=frozenset({0, 1})),
)
FEATURE_SCHEMA = tuple(column for column in SCHEMA if column.name != TARGET)
"""What new rows need: the model's inputs, without the target (scoring, serving, monitoring)."""


def validate(frame: pd.DataFrame, schema: tuple[Column, ...] = SCHEMA) -> None:
    """Raise SchemaError on the first violation of `schema`."""
    expected = [column.name for column in schema]
    missing = [name for name in expected if name not in frame.columns]
    if missing:
        raise SchemaError(f"column '{missing[0]}' is missing ({len(missing)} missing in total)")
    unexpected = [name for name in frame.columns if name not in expected]
    if unexpected:
        raise SchemaError(f"column '{unexpected[0]}' is not in the schema")
    for column in schema:
        _check_column(frame[column.name], column)


def feature_table(frame: pd.DataFrame, schema: tuple[Column, ...] = FEATURE_SCHEMA) -> pd.DataFrame:
    """The feature columns of new rows, in schema order and validated.

    Other columns (the target when labels are known, ids) are left out, so a file of new rows
    may carry them. Raise SchemaError when a feature is missing or breaks the schema.
    """
    missing = [column.name for column in schema if column.name not in frame.columns]
    if missing:
        raise SchemaError(f"column '{missing[0]}' is missing ({len(missing)} missing in total)")
    table = frame[[column.name for column in schema]]
    validate(table, schema)
    return table


def _check_column(values: pd.Series, column: Column) -> None:
    nulls = int(values.isna().sum())
    if nulls and not column.nullable:
        raise SchemaError(f"column '{column.name}' has {nulls} null value(s)")
    present = values.dropna()
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if not numeric:
        raise SchemaError(f"column '{column.name}' should be {column.kind}, got {values.dtype}")
    if column.kind == "int" and not (present == present.round()).all():
        raise SchemaError(f"column '{column.name}' should be int, got fractional values")
    if column.minimum is not None and (present < column.minimum).any():
        raise SchemaError(
            f"column '{column.name}' has values below {column.minimum} (min {present.min()})"
        )
    if column.maximum is not None and (present > column.maximum).any():
        raise SchemaError(
            f"column '{column.name}' has values above {column.maximum} (max {present.max()})"
        )
    if column.allowed is not None:
        bad = sorted(set(present.tolist()) - column.allowed)
        if bad:
            raise SchemaError(f"column '{column.name}' has unexpected values {bad[:5]}")
