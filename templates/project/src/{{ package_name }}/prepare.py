"""Stage `prepare`: materialise the raw table, validate it, split it into train and test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .config import RAW_DATA, TEST_DATA, TRAIN_DATA, load_params
from .data import load_source, read_table, split, write_table
from .seed import seed_everything
from .validation import SchemaError, validate


def read_valid_table(path: Path) -> pd.DataFrame:
    """Read and validate `path`; a violation exits with one line naming the column."""
    frame = read_table(path)
    try:
        validate(frame)
    except SchemaError as exc:
        raise SystemExit(f"error: {path} breaks the data schema: {exc}") from None
    return frame


def main() -> None:
    """Validate the table as written to disk, so the check sees what later stages read."""
    params = load_params()
    seed_everything(params.seed)
    write_table(load_source(), RAW_DATA)
    raw = read_valid_table(RAW_DATA)
    train, test = split(raw, params.test_size, params.seed)
    write_table(train, TRAIN_DATA)
    write_table(test, TEST_DATA)
    print(f"prepare: {len(raw)} rows -> {len(train)} train, {len(test)} test")


if __name__ == "__main__":
    main()
