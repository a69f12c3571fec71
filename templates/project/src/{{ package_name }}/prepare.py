"""Stage `prepare`: validate the raw table, split it into train and test.

The raw table (config.RAW_DATA) is only read: DVC tracks it as data (`dvc add`), not as an
output of this stage.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .config import RAW_DATA, TEST_DATA, TRAIN_DATA, load_params
from .data import read_raw, split, write_table
from .seed import seed_everything
from .validation import SchemaError, validate


def read_valid_table(path: Path) -> pd.DataFrame:
    """Read and validate `path`; violations exit non-zero, one line each naming the column."""
    frame = read_raw(path)
    try:
        return validate(frame)
    except SchemaError as exc:
        raise SystemExit(f"error: {path} breaks the data schema (src schema.py):\n{exc}") from None


def main() -> None:
    """Split the validated table (stratified on the target for classification: task.py)."""
    params = load_params()
    seed_everything(params.seed)
    raw = read_valid_table(RAW_DATA)
    train, test = split(raw, params.test_size, params.seed)
    write_table(train, TRAIN_DATA)
    write_table(test, TEST_DATA)
    print(f"prepare: {len(raw)} rows of {RAW_DATA} -> {len(train)} train, {len(test)} test")


if __name__ == "__main__":
    main()
