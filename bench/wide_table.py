"""The user's table of bench rows 8a/8b: `rows` x 50 columns, deterministic, standard library.

40 numeric columns (some with gaps), 8 categorical ones, an identifier and a binary target: the
shape `new --dataset` profiles, excludes from and writes a schema for.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

NUMERIC = 40
CATEGORICAL = 8
CATEGORIES = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")


def write_wide_table(path: Path, rows: int, seed: int = 8) -> Path:
    """Write the table as CSV (`id`, `x00`..`x39`, `c0`..`c7`, `label`) and return its path."""
    rng = random.Random(seed)
    header = ["id", *(f"x{i:02d}" for i in range(NUMERIC))]
    header += [*(f"c{i}" for i in range(CATEGORICAL)), "label"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for number in range(rows):
            numbers = [rng.gauss(0.0, 1.0 + i % 5) for i in range(NUMERIC)]
            score = numbers[0] + 0.5 * numbers[1] - numbers[2] + rng.gauss(0.0, 1.0)
            cells: list[object] = [
                "" if i % 10 == 9 and rng.random() < 0.05 else f"{value:.4f}"
                for i, value in enumerate(numbers)
            ]
            cells += [rng.choice(CATEGORIES[: 3 + i % 4]) for i in range(CATEGORICAL)]
            writer.writerow([number + 1, *cells, int(score > 0)])
    return path
