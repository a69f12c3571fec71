"""Names of tracker runs that say what the run is, since the seeded RNGs make random names repeat.

MLflow and W&B draw a random name per run, but `seed_everything` seeds Python's and NumPy's
generators first, so every training run would be called the same. A name here is the stage,
the model's framework, its `train` parameters and a counter, e.g.
`train-sklearn-C=0.1-max_iter=1000-#3`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_LENGTH = 120
"""MLflow shows about this much of a name in its runs table; W&B allows 128 characters."""


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def run_name(stage: str, framework: str, hyperparameters: Mapping[str, Any], count: int) -> str:
    """`<stage>-<framework>-<key>=<value>...-#<count>`, the parameters cut to fit MAX_LENGTH."""
    params = "-".join(f"{key}={_short(value)}" for key, value in sorted(hyperparameters.items()))
    suffix = f"-#{count}"
    head = "-".join(part for part in (stage, framework, params) if part)
    return head[: MAX_LENGTH - len(suffix)] + suffix
