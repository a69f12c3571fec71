"""Reading the raw table, splitting it, and the processed splits' files.

The raw table (config.RAW_DATA, CSV or Parquet) is data, not code: `mlops-scaffold new` put it
there and DVC tracks it (`dvc add`); nothing here ever writes it. The processed splits are
CSV files with categorical columns read back as strings, so "007" stays "007".
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .schema import CATEGORICAL, TARGET


def read_raw(path: Path) -> pd.DataFrame:
    """Read the raw table, CSV or Parquet by its suffix; a missing file exits with a hint."""
    if not path.is_file():
        raise SystemExit(
            f"error: {path} does not exist: put the raw table there "
            "(`dvc pull` fetches it when it is versioned with DVC)"
        )
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    return read_table(path)


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV (a processed split or a batch of new rows) with categorical columns as strings."""
    header = pd.read_csv(path, nrows=0).columns
    return pd.read_csv(path, dtype={name: str for name in CATEGORICAL if name in header})


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV byte-for-byte reproducibly (fixed float format, no index, LF endings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")


def split(
    frame: pd.DataFrame, test_size: float, seed: int, stratify: bool | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train/test split, deterministic for a seed; stratified on the target for classes.

    `stratify` defaults to the task's choice: yes for classification, no for regression.
    """
    from sklearn.model_selection import train_test_split

    if stratify is None:
        from .task import current

        stratify = current().classification

    train, test = train_test_split(
        frame,
        test_size=test_size,
        random_state=seed,
        stratify=frame[TARGET] if stratify else None,
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def file_md5(path: Path) -> str:
    """MD5 of a file, the hash DVC records in dvc.lock, so MLflow runs point at DVC data."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
