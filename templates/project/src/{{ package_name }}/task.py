"""What the model predicts, as data: one `Task` per problem shape, chosen by config.TASK.

A task knows its metrics, the metric the registry gates on and which way is better, its plots,
its baseline (a dummy model every version must beat) and how scores become predictions. The
stages ask the task instead of branching on it, so adding a problem shape is adding one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .config import TASK


@dataclass(frozen=True)
class Task:
    """A problem shape: metrics, gate metric and direction, plots, baseline, predictions."""

    name: str
    classification: bool
    primary_metric: str
    """The metric `register.metric` defaults to (params.yaml)."""
    lower_is_better: frozenset[str]
    """Metrics where a smaller value is better (errors); every other metric: larger is better."""
    plots: tuple[str, ...]
    """Plots of `evaluate` (reports/plots/<name>.json), drawn by DVC and by the tracker."""
    metrics: Callable[[pd.Series, np.ndarray, Sequence[Any], float], dict[str, float]]

    def better(self, metric: str, score: float, than: float, margin: float = 0.0) -> bool:
        """Whether `score` beats `than` by more than `margin` on `metric`, in its direction."""
        if metric in self.lower_is_better:
            return score < than - margin
        return score > than + margin

    def passes(self, metric: str, score: float, floor: float | None) -> bool:
        """Whether `score` is at least as good as the absolute `floor` (None: no floor)."""
        if floor is None:
            return True
        return score <= floor if metric in self.lower_is_better else score >= floor

    def predict(self, scores: np.ndarray, classes: Sequence[Any], threshold: float) -> np.ndarray:
        """Predictions from model scores.

        Binary: the second class when its probability reaches `threshold`; multiclass: the most
        probable class; regression: the predicted values themselves.
        """
        if not self.classification:
            return np.asarray(scores, dtype=float)
        labels = np.asarray(classes, dtype=object)
        if len(labels) == 2:
            picked = (scores[:, 1] >= threshold).astype(int)
        else:
            picked = np.argmax(scores, axis=1)
        return _native(labels[picked])

    def baseline(self) -> Any:
        """The dummy model a version must beat: the most frequent class, or the mean."""
        from sklearn.dummy import DummyClassifier, DummyRegressor

        if self.classification:
            return DummyClassifier(strategy="most_frequent")
        return DummyRegressor(strategy="mean")


def _native(values: np.ndarray) -> np.ndarray:
    """Labels as plain ints when they are whole numbers (JSON and pandas keep them ints)."""
    try:
        as_int = values.astype(np.int64)
    except (TypeError, ValueError):
        return values
    return as_int if np.array_equal(as_int, values.astype(float)) else values


def _round(values: dict[str, Any]) -> dict[str, float]:
    """Rounded so reruns write byte-identical files."""
    return {name: round(float(value), 6) for name, value in values.items()}


def binary_metrics(
    target: pd.Series, scores: np.ndarray, classes: Sequence[Any], threshold: float
) -> dict[str, float]:
    """F1, ROC AUC, accuracy, precision and recall; the positive class is the second one."""
    from sklearn.metrics import (
        accuracy_score,
        f1_score,
        precision_score,
        recall_score,
        roc_auc_score,
    )

    predicted = BINARY.predict(scores, classes, threshold)
    positive = classes[1]
    actual = target.to_numpy()
    kwargs: dict[str, Any] = {"pos_label": positive, "zero_division": 0}
    return _round(
        {
            "accuracy": accuracy_score(actual, predicted),
            "precision": precision_score(actual, predicted, **kwargs),
            "recall": recall_score(actual, predicted, **kwargs),
            "f1": f1_score(actual, predicted, **kwargs),
            "roc_auc": roc_auc_score(actual == positive, scores[:, 1]),
        }
    )


def multiclass_metrics(
    target: pd.Series, scores: np.ndarray, classes: Sequence[Any], threshold: float
) -> dict[str, float]:
    """Macro F1 (every class counts the same) and accuracy."""
    from sklearn.metrics import accuracy_score, f1_score

    predicted = MULTICLASS.predict(scores, classes, threshold)
    actual = target.to_numpy()
    return _round(
        {
            "accuracy": accuracy_score(actual, predicted),
            "f1_macro": f1_score(actual, predicted, average="macro", zero_division=0),
        }
    )


def regression_metrics(
    target: pd.Series, scores: np.ndarray, classes: Sequence[Any], threshold: float
) -> dict[str, float]:
    """Root mean squared error, mean absolute error and R² of the predicted values."""
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    actual = target.to_numpy(dtype=float)
    predicted = np.asarray(scores, dtype=float)
    return _round(
        {
            "rmse": float(np.sqrt(mean_squared_error(actual, predicted))),
            "mae": mean_absolute_error(actual, predicted),
            "r2": r2_score(actual, predicted),
        }
    )


BINARY = Task(
    name="binary",
    classification=True,
    primary_metric="f1",
    lower_is_better=frozenset(),
    plots=("roc", "confusion"),
    metrics=binary_metrics,
)
MULTICLASS = Task(
    name="multiclass",
    classification=True,
    primary_metric="f1_macro",
    lower_is_better=frozenset(),
    plots=("confusion",),
    metrics=multiclass_metrics,
)
REGRESSION = Task(
    name="regression",
    classification=False,
    primary_metric="rmse",
    lower_is_better=frozenset({"rmse", "mae"}),
    plots=("residuals", "predicted_vs_actual"),
    metrics=regression_metrics,
)
TASKS = {task.name: task for task in (BINARY, MULTICLASS, REGRESSION)}


def current() -> Task:
    """The project's task (the `task` answer of the template, in config.TASK)."""
    return TASKS[TASK]
