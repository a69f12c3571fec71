"""Tables for the dataset tests, and a stand-in for `new`'s data step on plain Copier renders.

`mlops-scaffold new` copies the table to data/raw/ and writes schema.py (the tool side of issue
17); tests that render with plain Copier call `install_dataset` to do the same, so every
rendering the suite runs has a data contract.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SCHEMA_HEADER = '''"""The data contract of data/raw/{file} (written by the test suite)."""

from __future__ import annotations

import pandera.pandas as pa

'''


def breast_cancer() -> pd.DataFrame:
    """The binary demo: scikit-learn's breast-cancer table, snake_case names, `target` 0/1."""
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    frame.columns = [str(column).replace(" ", "_") for column in frame.columns]
    frame["target"] = frame["target"].astype("int64")
    return frame


def mixed_table(task: str, rows: int = 600, seed: int = 0) -> tuple[pd.DataFrame, str]:
    """A table with numeric and categorical columns, missing values, an ID and a date column.

    The target follows the features (so a model beats the dummy baseline): a price for
    regression, two or three classes otherwise. Returns the table and the target's name.
    """
    rng = np.random.default_rng(seed)
    area = rng.normal(100, 30, rows).clip(20, None)
    rooms = rng.integers(1, 7, rows).astype(float)
    district = rng.choice(["north", "south", "east", "west"], rows)
    heating = rng.choice(["gas", "electric", "heat_pump"], rows)
    effect = pd.Series(district).map({"north": 40, "south": -20, "east": 10, "west": 0})
    value = 2.0 * area + 15 * rooms + effect.to_numpy() + rng.normal(0, 15, rows)
    frame = pd.DataFrame(
        {
            "listing_id": np.arange(100_000, 100_000 + rows),
            "listed_on": pd.date_range("2024-01-01", periods=rows, freq="D").strftime("%Y-%m-%d"),
            "area": area.round(1),
            "rooms": rooms,
            "district": district,
            "heating": heating,
        }
    )
    frame.loc[rng.random(rows) < 0.08, "area"] = np.nan
    frame.loc[rng.random(rows) < 0.08, "heating"] = np.nan
    if task == "regression":
        frame["price"] = value.round(2)
        return frame, "price"
    if task == "binary":
        frame["expensive"] = np.where(value > np.median(value), "yes", "no")
        return frame, "expensive"
    cuts = np.quantile(value, [1 / 3, 2 / 3])
    frame["segment"] = np.select([value <= cuts[0], value <= cuts[1]], ["low", "mid"], "high")
    return frame, "segment"


def infer_schema(frame: pd.DataFrame, target: str, file: str) -> str:
    """A minimal schema.py for `frame`: what `new` infers, for renders that skip `new`."""
    numeric, categorical, excluded, columns = [], [], {}, []
    for name in frame.columns:
        values = frame[name]
        nullable = bool(values.isna().any())
        if name == target:
            kind = "int" if pd.api.types.is_integer_dtype(values) else (
                "float" if pd.api.types.is_float_dtype(values) else "str"
            )
            columns.append(f'        "{name}": pa.Column({kind}, nullable=False),')
            continue
        if values.nunique() == len(values):
            excluded[name] = "unique identifier"
            continue
        if values.dtype == object and pd.to_datetime(values, errors="coerce").notna().all():
            excluded[name] = "date"
            continue
        if pd.api.types.is_numeric_dtype(values):
            low, high = float(values.min()), float(values.max())
            margin = 0.1 * (high - low)
            numeric.append(name)
            columns.append(
                f'        "{name}": pa.Column(float, pa.Check.in_range({low - margin!r}, '
                f"{high + margin!r}), nullable={nullable}),"
            )
        else:
            categorical.append(name)
            allowed = sorted(str(v) for v in values.dropna().unique())
            columns.append(
                f'        "{name}": pa.Column(str, pa.Check.isin({allowed!r}), '
                f"nullable={nullable}),"
            )
    return (
        SCHEMA_HEADER.format(file=file)
        + f"TARGET = {target!r}\nNUMERIC = {numeric!r}\nCATEGORICAL = {categorical!r}\n"
        + f"EXCLUDED = {excluded!r}\n\n"
        + "SCHEMA = pa.DataFrameSchema(\n    {\n"
        + "\n".join(columns)
        + "\n    },\n    coerce=True,\n    strict=False,\n)\n"
    )


def install_dataset(project: Path, frame: pd.DataFrame, target: str, file: str) -> None:
    """Write the table to data/raw/<file> and its schema.py, as `new --dataset` does."""
    raw = project / "data" / "raw" / file
    raw.parent.mkdir(parents=True, exist_ok=True)
    if file.endswith(".parquet"):
        frame.to_parquet(raw, index=False)
    else:
        frame.to_csv(raw, index=False, lineterminator="\n")
    package = next(path for path in (project / "src").iterdir() if path.is_dir())
    (package / "schema.py").write_text(infer_schema(frame, target, file), encoding="utf-8")
