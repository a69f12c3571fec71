"""Which columns the model sees, and the preprocessing saved with it.

Features are schema.NUMERIC and schema.CATEGORICAL, nothing else: schema.EXCLUDED (identifiers,
dates, free text) and any other column of the table are never used. The preprocessing is part
of the saved model, so a served row in the raw form of the table gets a prediction.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .schema import CATEGORICAL, NUMERIC, TARGET

FEATURES = [*NUMERIC, *CATEGORICAL]
"""The model's inputs, in this order."""


def split_xy(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The feature columns (schema order) and the target column."""
    return frame[FEATURES], frame[TARGET]


def build_encoder() -> Any:
    """Impute, scale and one-hot encode: medians and scaling for numbers, the most frequent
    value and one column per category for strings (a category unseen in training: all zeros).
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    encoder: Any = ColumnTransformer(
        [("numeric", numeric, list(NUMERIC)), ("categorical", categorical, list(CATEGORICAL))],
        remainder="drop",
    )
    return encoder  # scikit-learn ships no type information


def as_categories(features: pd.DataFrame) -> pd.DataFrame:
    """Numbers as floats and strings as pandas categories: LightGBM's native input.

    LightGBM records each category column's categories at training time and maps a predicted
    frame's categories onto them, so an unseen category counts as missing.
    """
    frame = features.copy()
    for name in NUMERIC:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    for name in CATEGORICAL:
        frame[name] = frame[name].astype(object).astype("category")
    return frame
