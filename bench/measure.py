"""Time commands in a fresh child process and summarise the samples.

Every run goes through a new wrapper process (this file run as a script) so that
`getrusage(RUSAGE_CHILDREN)` reports the peak RSS of that run alone: the largest process in the
run's tree, since the kernel keeps the maximum over every waited-for descendant. The wrapper
times each step itself, so its own start-up is never counted.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Step:
    """One command of a run; `env` is the full environment (already isolated by the caller)."""

    name: str
    argv: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    ok_codes: tuple[int, ...] = (0,)


@dataclass(frozen=True)
class Sample:
    """One run: wall seconds per step name, peak RSS of the run's process tree in KiB, CPU
    seconds of the tree (user + system: robust when other jobs load the machine), and notes
    (accepted non-zero exit codes)."""

    seconds: dict[str, float]
    max_rss_kib: int
    cpu_seconds: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


class RunFailed(Exception):
    """A step exited non-zero; the message holds its last output lines."""


def run(steps: list[Step]) -> Sample:
    """Run `steps` in order inside a fresh wrapper process; raise RunFailed on a failed step."""
    payload = json.dumps(
        [{**asdict(step), "cwd": str(step.cwd), "argv": list(step.argv)} for step in steps]
    )
    done = subprocess.run(
        [sys.executable, __file__],
        input=payload,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RunFailed(f"bench wrapper crashed: {done.stderr.strip()[-500:]}")
    result = json.loads(done.stdout)
    if result.get("failed"):
        raise RunFailed(result["failed"])
    return Sample(
        dict(result["seconds"]),
        int(result["max_rss_kib"]),
        float(result["cpu_seconds"]),
        tuple(result["notes"]),
    )


def _child(steps: list[dict[str, object]]) -> dict[str, object]:
    """The wrapper's side: run and time each step; stop at the first failure."""
    seconds: dict[str, float] = {}
    notes: list[str] = []
    failed = ""
    for step in steps:
        argv = [str(a) for a in step["argv"]]  # type: ignore[union-attr]
        started = time.perf_counter()
        done = subprocess.run(
            argv,
            cwd=str(step["cwd"]),
            env={str(k): str(v) for k, v in step["env"].items()} or None,  # type: ignore[union-attr]
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
        )
        seconds[str(step["name"])] = seconds.get(str(step["name"]), 0.0) + (
            time.perf_counter() - started
        )
        if done.returncode != 0 and done.returncode in step["ok_codes"]:  # type: ignore[operator]
            notes.append(f"{step['name']} exited {done.returncode}")
        elif done.returncode != 0:
            lines = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip()]
            tail = " | ".join(lines[-3:])[-400:]
            failed = f"{' '.join(argv[:4])} exited {done.returncode}: {tail}"
            break
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "max_rss_kib": usage.ru_maxrss,  # KiB on Linux
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "notes": notes,
        "failed": failed,
    }


@dataclass(frozen=True)
class Stats:
    median: float
    low: float
    high: float
    runs: int


def stats(values: list[float]) -> Stats:
    return Stats(statistics.median(values), min(values), max(values), len(values))


def paired_ratio(ours: list[float], reference: list[float]) -> Stats | None:
    """Ratios of runs made in the same round, so drift in machine load cancels out."""
    pairs = [a / b for a, b in zip(ours, reference, strict=False) if b > 0]
    return stats(pairs) if pairs else None


if __name__ == "__main__":
    json.dump(_child(json.loads(sys.stdin.read())), sys.stdout)
