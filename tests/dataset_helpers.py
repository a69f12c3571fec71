"""A table like a user's, for the dataset tests: numbers, categories, gaps, an ID and a date.

Written with the standard library (the tool's environment has no pandas). The target follows
the features, so a model beats the dummy baseline: a price (regression), expensive or not
(binary), or a low/mid/high segment (multiclass).
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

DISTRICTS = {"north": 40.0, "south": -20.0, "east": 10.0, "west": 0.0}
HEATING = ("gas", "electric", "heat_pump")
TARGETS = {"regression": "price", "binary": "expensive", "multiclass": "segment"}
ID_COLUMN, DATE_COLUMN = "listing_id", "listed_on"
CATEGORICAL = ("district", "heating")


def write_mixed_table(path: Path, task: str, rows: int = 600, seed: int = 0) -> str:
    """Write the table as CSV at `path`; return the name of its target column."""
    rng = random.Random(seed)
    records = []
    for index in range(rows):
        area = max(20.0, rng.gauss(100, 30))
        rooms = rng.randint(1, 6)
        district = rng.choice(sorted(DISTRICTS))
        value = 2.0 * area + 15 * rooms + DISTRICTS[district] + rng.gauss(0, 15)
        records.append(
            {
                ID_COLUMN: 100_000 + index,
                DATE_COLUMN: (date(2024, 1, 1) + timedelta(days=index)).isoformat(),
                "area": "" if rng.random() < 0.08 else f"{area:.1f}",
                "rooms": rooms,
                "district": district,
                "heating": "" if rng.random() < 0.08 else rng.choice(HEATING),
                "_value": value,
            }
        )
    values = sorted(record["_value"] for record in records)
    median, low, high = values[rows // 2], values[rows // 3], values[2 * rows // 3]
    target = TARGETS[task]
    for record in records:
        value = record.pop("_value")
        if task == "regression":
            record[target] = f"{value:.2f}"
        elif task == "binary":
            record[target] = "yes" if value > median else "no"
        else:
            record[target] = "low" if value <= low else ("mid" if value <= high else "high")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    return target
