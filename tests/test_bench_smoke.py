"""`bench/run --smoke` works end to end: it exits 0 and writes a table with every row.

The benchmark is never a timed test (DESIGN.md): this only proves the script runs here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ROW_NAMES = [
    "CLI start",
    "Render",
    "Zero to tracked run",
    "dvc repro: no-op and one-parameter change",
    "Update v0.1.0 -> v0.2.0",
    "check on a fresh project",
    "pre-commit on a fresh project",
    "new --dataset: schema inference",
    "new --dataset: inference and first pipeline run",
    "Peak memory",
]


@pytest.mark.slow
def test_bench_smoke_writes_every_row(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "benchmark.py"), "--smoke", "--output", str(output)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = output.read_text()
    assert "## Machine" in table
    for name in ROW_NAMES:
        assert name in table, f"row {name!r} missing from results.md"
    rows = {line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| ")}
    assert {"1", "2", "3", "4", "5", "6a", "6b", "7", "8a", "8b"} <= rows
    assert "Traceback" not in done.stdout + done.stderr
