"""Which columns the model sees: one place to add feature engineering."""

from __future__ import annotations

import pandas as pd

TARGET = "target"


def split_xy(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Separate the features from the target column."""
    return frame.drop(columns=[TARGET]), frame[TARGET]
