"""Loading, splitting and fingerprinting the dataset.

The source is scikit-learn's bundled breast-cancer table (569 rows, binary target), so the
pipeline runs offline. Replace `load_source` to plug in your own data.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .features import TARGET


def load_source() -> pd.DataFrame:
    """Return the raw table with snake_case column names and an integer `target` column."""
    from sklearn.datasets import load_breast_cancer  # here: later stages need no scikit-learn

    frame: pd.DataFrame = load_breast_cancer(as_frame=True).frame
    frame.columns = [str(column).replace(" ", "_") for column in frame.columns]
    frame[TARGET] = frame[TARGET].astype("int64")
    return frame


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV written by `write_table`."""
    return pd.read_csv(path)


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV byte-for-byte reproducibly (fixed float format, no index, LF endings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")


def split(frame: pd.DataFrame, test_size: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stratified train/test split, deterministic for a given seed."""
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(
        frame, test_size=test_size, random_state=seed, stratify=frame[TARGET]
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def file_md5(path: Path) -> str:
    """MD5 of a file, the hash DVC records in dvc.lock, so MLflow runs point at DVC data."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
