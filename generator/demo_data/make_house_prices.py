"""Make house_prices.csv, the regression demo: `python make_house_prices.py > house_prices.csv`.

A synthetic table (no download, no licence to carry) that exercises what a real table has and
the breast-cancer demo has not: string categories, missing values in numeric and categorical
columns, an identifier and a date that must not become features. Standard library only and
seeded, so the same Python always writes the same bytes; the committed CSV is the reference.
"""

from __future__ import annotations

import csv
import datetime
import random
import sys

ROWS = 1000
SEED = 17
DISTRICTS = {"centre": 1.45, "north": 1.10, "south": 0.95, "riverside": 1.25, "outskirts": 0.75}
HEATING = {"gas": 1.0, "heat_pump": 1.06, "electric": 0.96, "oil": 0.92}


def rows(rng: random.Random) -> list[list[object]]:
    first_day = datetime.date(2022, 1, 1)
    table: list[list[object]] = []
    for number in range(ROWS):
        district = rng.choice(list(DISTRICTS))
        heating = rng.choice(list(HEATING))
        area = max(18.0, rng.gauss(95.0, 35.0))
        rooms = max(1, min(8, round(area / 28 + rng.gauss(0, 0.7))))
        year_built = rng.randint(1900, 2023)
        distance = max(0.2, rng.gauss(12.0 if district == "outskirts" else 5.0, 2.5))
        garden = rng.random() < (0.7 if district in ("outskirts", "south") else 0.3)
        age_factor = 1.0 - 0.0015 * (2024 - year_built)
        price = (
            area
            * 2600
            * DISTRICTS[district]
            * HEATING[heating]
            * age_factor
            * (1.08 if garden else 1.0)
            * (1.0 - 0.012 * distance)
            + 9000 * rooms
            + rng.gauss(0, 18000)
        )
        listed_on = first_day + datetime.timedelta(days=rng.randint(0, 729))
        row: list[object] = [
            100001 + number,
            listed_on.isoformat(),
            district,
            heating,
            round(area, 1),
            rooms,
            year_built,
            round(distance, 2),
            "yes" if garden else "no",
            round(max(price, 20000.0), -2),
        ]
        # Missing values, as a real export has them: area and heating now and then.
        if rng.random() < 0.04:
            row[4] = ""
        if rng.random() < 0.06:
            row[3] = ""
        table.append(row)
    return table


def main() -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(
        [
            "id",
            "listed_on",
            "district",
            "heating",
            "area",
            "rooms",
            "year_built",
            "distance_to_centre_km",
            "garden",
            "price",
        ]
    )
    writer.writerows(rows(random.Random(SEED)))


if __name__ == "__main__":
    main()
