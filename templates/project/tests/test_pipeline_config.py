"""dvc.yaml and params.yaml agree: a typo in either fails here, not halfway through a run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def out_paths(stage: dict[str, Any]) -> set[str]:
    """Paths of a stage's outs, whether written as strings or `{path: options}`."""
    return {next(iter(out)) if isinstance(out, dict) else out for out in stage.get("outs", [])}


def has_key(params: dict[str, Any], dotted: str) -> bool:
    node: Any = params
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_every_stage_param_exists() -> None:
    params = load("params.yaml")
    for name, stage in load("dvc.yaml")["stages"].items():
        for key in stage.get("params", []):
            assert isinstance(key, str), f"stage {name}: use plain keys of params.yaml"
            assert has_key(params, key), f"stage {name}: '{key}' is not in params.yaml"


def test_every_stage_uses_the_seed() -> None:
    for name, stage in load("dvc.yaml")["stages"].items():
        assert "seed" in stage.get("params", []), f"stage {name} does not depend on `seed`"


def test_every_dep_exists_or_is_produced_upstream() -> None:
    stages = load("dvc.yaml")["stages"]
    produced: set[str] = set()
    for name, stage in stages.items():  # stages are listed in pipeline order
        for dep in stage.get("deps", []):
            assert dep in produced or (ROOT / dep).exists(), f"stage {name}: missing dep {dep}"
        produced |= out_paths(stage)


def test_metrics_and_plots_are_stage_outputs() -> None:
    pipeline = load("dvc.yaml")
    produced = set().union(*(out_paths(stage) for stage in pipeline["stages"].values()))
    declared = list(pipeline.get("metrics", [])) + [
        next(iter(plot)) if isinstance(plot, dict) else plot for plot in pipeline.get("plots", [])
    ]
    for path in declared:
        assert path in produced, f"{path} is declared in dvc.yaml but no stage writes it"
