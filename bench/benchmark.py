"""`bench/run`: measure mlops-scaffold against its peers and write `bench/results.md`.

Variants of a row run interleaved, round by round (a warm-up round first, then the timed ones),
so that each ratio compares runs made under the same machine load. `--smoke` does one run of the
cheap rows and skips the rows that install a project environment: CI runs it to prove the
script works, never to judge the numbers.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from measure import RunFailed, run
from report import machine, markdown, memory_lines, print_table, row_lines
from rows import BUILDERS, EXPENSIVE, SKIPPED_NAMES, Context, Row, Variant
from workspace import REPO, Workspace


def _count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts)


def _one_run(variant: Variant) -> None:
    """Prepare (untimed) and measure one run; a failure stops the variant, not the benchmark."""
    assert variant.prepare is not None
    try:
        prepared = variant.prepare()
        sample = run(prepared.steps)
        if prepared.output is not None:
            problem = variant.verify(prepared.output) if variant.verify else ""
            if problem:
                raise RunFailed(problem)
            variant.files = _count_files(prepared.output)
    except (RunFailed, OSError, RuntimeError) as error:
        variant.error = str(error) or type(error).__name__
        variant.prepare = None
        return
    variant.samples.append(sample)


def measure_row(row: Row, warmup: int, runs: int, log: bool = True) -> None:
    for round_number in range(warmup + runs):
        for variant in row.variants:
            if variant.prepare is None:
                continue
            if round_number < warmup:
                _one_run(variant)
                variant.samples.clear()
            else:
                _one_run(variant)
        if log:
            kind = "warm-up" if round_number < warmup else "run"
            print(f"  row {row.number}: {kind} {round_number + 1}/{warmup + runs} done", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="One run of the cheap rows.")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per row (default 5).")
    parser.add_argument("--warmup", type=int, default=1, help="Warm-up runs (default 1).")
    parser.add_argument("--rows", default=",".join(BUILDERS), help="Rows to run, e.g. 1,2,5.")
    parser.add_argument("--output", type=Path, default=REPO / "bench" / "results.md")
    args = parser.parse_args(argv)
    warmup, runs = (0, 1) if args.smoke else (args.warmup, max(args.runs, 1))
    chosen = [number.strip() for number in args.rows.split(",") if number.strip()]
    unknown = [n for n in chosen if n not in BUILDERS]
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {', '.join(BUILDERS)}")

    started = time.perf_counter()
    ws = Workspace.create()
    ctx = Context(ws, smoke=args.smoke)
    rows: dict[str, Row] = {}
    try:
        about = machine(ws)
        for number, build in BUILDERS.items():
            if number not in chosen:
                continue
            if args.smoke and number in EXPENSIVE:
                reason = "skipped by --smoke (installs the project's environment)"
                rows[number] = Row(number, SKIPPED_NAMES[number], [], "", skipped=reason)
                continue
            print(f"row {number}...", flush=True)
            try:
                row = build(ctx)
            except Exception as error:  # a broken set-up must not hide the other rows
                rows[number] = Row(number, SKIPPED_NAMES.get(number, number), [], "",
                                   skipped=f"set-up failed: {error}")  # fmt: skip
                continue
            measure_row(row, warmup, runs)
            rows[number] = row
    finally:
        ws.cleanup()

    lines = [line for row in rows.values() for line in row_lines(row)]
    lines += memory_lines(rows)
    settings = f"{runs} timed run(s) after {warmup} warm-up run(s)" + (
        " (--smoke)" if args.smoke else ""
    )
    settings += f"; whole benchmark {time.perf_counter() - started:.0f} s"
    print_table(lines)
    args.output.write_text(markdown(lines, about, settings))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
