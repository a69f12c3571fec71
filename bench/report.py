"""Turn measured rows into one table: printed with rich, and written as `bench/results.md`.

Ratios are medians of per-round ratios (each run of a variant divided by its reference's run in
the same round), so a load spike on this noisy machine hits both sides of a ratio alike.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from measure import Stats, paired_ratio, stats
from rows import Row, Variant
from workspace import Workspace

MEMORY_ROWS = ("2", "3", "5")
HEADER = (
    "Row", "What", "Median", "Spread (min-max)", "Runs", "Ratio", "CPU (ratio)", "Peak RSS",
    "Target", "Met",
)  # fmt: skip


@dataclass(frozen=True)
class Line:
    row: str
    what: str
    median: str = ""
    spread: str = ""
    runs: str = ""
    ratio: str = ""
    cpu: str = ""
    rss: str = ""
    target: str = ""
    met: str = ""

    def cells(self) -> tuple[str, ...]:
        return (self.row, self.what, self.median, self.spread, self.runs, self.ratio, self.cpu,
                self.rss, self.target, self.met)  # fmt: skip


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"


def _spread(st: Stats, fmt: Callable[[float], str] = _s) -> str:
    return f"{fmt(st.low)}-{fmt(st.high)}"


def _ratio(st: Stats | None) -> str:
    if st is None:
        return ""
    return f"{st.median:.2f}x ({st.low:.2f}-{st.high:.2f})"


def _find(row: Row, label: str) -> Variant | None:
    return next((v for v in row.variants if v.label == label and v.samples), None)


def _variant_lines(row: Row, variant: Variant) -> list[Line]:
    number = row.number
    target = row.targets.get(variant.label)
    target_text = target.text(row.reference) if target else ""
    if variant.error and not variant.samples:
        return [Line(number, variant.label, "failed", variant.error, target=target_text)]
    if not variant.samples:
        return [Line(number, variant.label, "not available", variant.reason, target=target_text)]
    totals = [s.total for s in variant.samples]
    st = stats(totals)
    ref = _find(row, target.against if target and target.against else row.reference)
    cpu_times = [s.cpu_seconds for s in variant.samples]
    ratio = cpu_ratio = None
    if ref is not None and ref is not variant:
        ratio = paired_ratio(totals, [s.total for s in ref.samples])
        cpu_ratio = paired_ratio(cpu_times, [s.cpu_seconds for s in ref.samples])
    cpu = _s(statistics.median(cpu_times)) + (f" ({cpu_ratio.median:.2f}x)" if cpu_ratio else "")
    met = ""
    if target and target.kind == "ratio" and ratio is not None:
        met = "yes" if ratio.median <= target.limit else "NO"
    elif target and target.kind == "seconds":
        fast = st.median < target.limit
        if target.also_ratio is not None and ratio is not None:
            fast = fast and ratio.median <= target.also_ratio
        met = "yes" if fast else "NO"
    notes = sorted({n for s in variant.samples for n in s.notes})
    what = variant.label + (f" [{'; '.join(notes)}]" if notes else "")
    if variant.error:
        what += f" [stopped: {variant.error}]"
    rss = _mib(statistics.median(s.max_rss_kib for s in variant.samples))
    lines = [Line(number, what, _s(st.median), _spread(st), str(st.runs), _ratio(ratio), cpu,
                  rss, target_text, met)]  # fmt: skip
    if row.parts and len(variant.samples[0].seconds) > 1:
        for step in variant.samples[0].seconds:
            part = stats([s.seconds.get(step, 0.0) for s in variant.samples])
            lines.append(Line("", f"  - {step}", _s(part.median), _spread(part), str(part.runs)))
    if row.per_file and variant.files:
        per = stats([t / variant.files for t in totals])
        lines.append(Line("", f"  - per file ({variant.files} files)", _s(per.median),
                          _spread(per), str(per.runs)))  # fmt: skip
    return lines


def row_lines(row: Row) -> list[Line]:
    if row.skipped:
        return [Line(row.number, row.name, "not run", row.skipped)]
    lines = [Line(row.number, f"{row.name}:" + (f" ({row.note})" if row.note else ""))]
    for variant in row.variants:
        lines += _variant_lines(row, variant)
    return lines


def memory_lines(rows: dict[str, Row]) -> list[Line]:
    """Row 7: peak RSS of rows 2, 3 and 5, each against its reference's peak."""
    lines = [Line("7", "Peak memory (largest process of each run's tree):")]
    for number in MEMORY_ROWS:
        row = rows.get(number)
        if row is None or row.skipped:
            why = row.skipped if row else "row not selected (--rows)"
            lines.append(Line("7", f"row {number}", "not run", why))
            continue
        ref = _find(row, row.reference)
        for variant in row.variants:
            if not variant.samples:
                continue
            peaks = [float(s.max_rss_kib) for s in variant.samples]
            st = stats(peaks)
            ratio = None
            if ref is not None and ref is not variant:
                ratio = paired_ratio(peaks, [float(s.max_rss_kib) for s in ref.samples])
            lines.append(Line("7", f"row {number}: {variant.label}", _mib(st.median),
                              _spread(st, _mib), str(st.runs), _ratio(ratio)))  # fmt: skip
    return lines


def _run(argv: list[str], env: dict[str, str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def machine(ws: Workspace) -> list[str]:
    """What the numbers were measured on: they only compare within one run on one machine."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        memory = "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    tools = {
        "mlops-scaffold": [ws.tool("mlops-scaffold"), "--version"],
        "copier": [ws.tool("copier"), "--version"],
        "cookiecutter": [ws.tool("cookiecutter"), "--version"],
        "uv": ["uv", "--version"],
        "git": ["git", "--version"],
    }
    versions = ", ".join(f"{name}: {_run(argv, ws.env)}" for name, argv in tools.items())
    return [
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- OS: {platform.platform()}",
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory}; load average at start {load}",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')}",
        f"- Tools: {versions}",
    ]


def markdown(lines: list[Line], about: list[str], settings: str) -> str:
    out = [
        "# mlops-scaffold benchmark",
        "",
        "Written by `bench/run`; every figure is measured in this run. Median of the runs after",
        "the warm-up, min-max spread; ratios are medians of per-round ratios to the row's",
        "reference (runs interleaved round by round). CPU: user + system seconds of the run's",
        "process tree, which other jobs on a loaded machine disturb less than wall time.",
        "Peak RSS: largest process of a run's tree. Targets are judged on wall time.",
        "",
        "## Machine",
        "",
        *about,
        f"- Settings: {settings}",
        "",
        "## Results",
        "",
        "| " + " | ".join(HEADER) + " |",
        "| " + " | ".join("---" for _ in HEADER) + " |",
    ]
    for line in lines:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in line.cells()) + " |")
    return "\n".join(out) + "\n"


def print_table(lines: list[Line]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*HEADER, show_lines=False)
    for line in lines:
        table.add_row(*line.cells())
    Console(width=200).print(table)
