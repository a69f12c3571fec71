"""Every ml_framework x tracker x data_versioning combination, installed and run for real, with
every task on every framework (each task twice per framework, see COMBINATIONS).

For each of the 18 combinations: render, `uv sync`, run the pipeline (`dvc repro`, then
`dvc repro --force` must leave `dvc.lock` byte-identical; `make repro` without DVC), check what
the tracker recorded, then run the generated project's own checks: mypy (strict on src/) and
its tests under the coverage gate of its pyproject.toml (`fail_under`), the starter notebook
included (it runs once the pipeline's outputs exist).

CI time on two cores: the six combinations of one framework run in order in one test and share
one environment (`UV_PROJECT_ENVIRONMENT`; same package name), so `uv sync` only swaps the
tracker's and DVC's packages, from the shared uv cache; the three framework tests spread over
pytest-xdist workers. PyTorch comes from the machine's CPU wheel through a local index that
overrides the project's `pytorch-cpu` index by name (`UV_INDEX=pytorch-cpu=...`): PyPI's Linux
wheels would pull about 3 GB of CUDA packages, which the test checks never happens.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest
from project_env import project_env, render_project, run

pytestmark = pytest.mark.slow

FRAMEWORKS = ("pytorch", "lightgbm", "sklearn")  # the longest first (see conftest.LONGEST_FIRST)
# Smaller dependency sets between larger ones keep each `uv sync` of the shared environment short.
# Each task runs twice per framework, with two trackers, with and without DVC: every task x
# framework pipeline runs, and every task meets every tracker and both kinds of versioning.
COMBINATIONS = (
    ("mlflow", "dvc", "binary"),
    ("mlflow", "none", "regression"),
    ("none", "none", "multiclass"),
    ("none", "dvc", "regression"),
    ("wandb", "dvc", "multiclass"),
    ("wandb", "none", "binary"),
)
METRICS = {
    "binary": {"accuracy", "precision", "recall", "f1", "roc_auc"},
    "multiclass": {"accuracy", "f1_macro"},
    "regression": {"rmse", "mae", "r2"},
}
FIGURES = {
    "binary": ["confusion", "roc"],
    "multiclass": ["confusion"],
    "regression": ["predicted", "residuals"],
}


def _runner(venv: Path, torch_index: str):
    """`run` with the shared environment, the local torch index and offline W&B."""
    env = project_env() | {
        "UV_PROJECT_ENVIRONMENT": str(venv),
        # Same package name in every combination: mypy's cache carries over between them.
        "MYPY_CACHE_DIR": str(venv.parent / "mypy-cache"),
        "UV_INDEX": f"pytorch-cpu={torch_index}",
        "WANDB_MODE": "offline",
        "WANDB_SILENT": "true",
    }

    def member(*args: str, cwd: Path) -> str:
        done = subprocess.run(
            list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=1800
        )
        assert done.returncode == 0, (
            f"{' '.join(args)} failed ({done.returncode}) in {cwd}\n"
            f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
        )
        return done.stdout + done.stderr

    return member


def _check_first_run(project: Path, tracker: str, task: str) -> None:
    """Metrics written; the tracker's store holds the runs and the first model is champion."""
    metrics = json.loads((project / "reports/metrics.json").read_text())
    assert set(metrics) == METRICS[task] | {"baseline"}, metrics
    primary = {"binary": "f1", "multiclass": "f1_macro", "regression": "rmse"}[task]
    better = (lambda a, b: a < b) if task == "regression" else (lambda a, b: a > b)
    assert better(metrics[primary], metrics["baseline"][primary]), metrics
    drift = json.loads((project / "reports/drift.json").read_text())
    assert drift["drift"] is False and "prediction" in drift, drift["drifted"]
    registry = project / "reports/registry.json"
    if tracker == "none":
        assert not registry.exists()
        assert not (project / "mlflow.db").exists() and not (project / "wandb").exists()
        return
    decision = json.loads(registry.read_text())
    assert decision["decision"] == "promoted", decision
    assert decision["aliases"] == ["challenger", "champion"], decision
    if tracker == "mlflow":
        assert (project / "mlflow.db").is_file()
        assert not (project / "mlruns").exists()
    else:
        offline_runs = list((project / "wandb").glob("offline-run-*"))
        # register's and monitor's: train starts no tracker, register logs its params and data.
        assert len(offline_runs) == 2, offline_runs
        logs = [b"".join(f.read_bytes() for f in run.glob("*.wandb")) for run in offline_runs]
        assert sum(b"train_md5" in log and b"train." in log for log in logs) == 1
        # register logs evaluate's figures (evaluate itself starts no tracker).
        figures = (project / "wandb").glob("offline-run-*/files/media/images/figures/*.png")
        assert sorted(f.name.split("_")[0] for f in figures) == FIGURES[task]
        champion = json.loads((project / "reports/champion.json").read_text())
        assert champion["score"] == decision["score"]


def _check_batch_scoring(member, project: Path, tracker: str) -> None:
    """The champion, loaded back from the tracker, scores every row with its version."""
    member("uv", "run", "python", "-m", "my_ml_project.score", cwd=project)
    rows = (project / "data/processed/test.csv").read_text().splitlines()
    scored = (project / "data/processed/predictions.csv").read_text().splitlines()
    assert len(scored) == len(rows), (len(scored), len(rows))
    header = scored[0].split(",")
    assert header[-2:] == ["model", "model_version"] and "prediction" in header, header
    if tracker == "mlflow":
        champion = str(
            json.loads((project / "reports/registry.json").read_text())["champion_version"]
        )
    else:
        champion = json.loads((project / "reports/champion.json").read_text())["model_fingerprint"]
    assert {line.rsplit(",", 1)[1] for line in scored[1:]} == {champion}
    if tracker == "mlflow":  # the README's ways of loading the champion, on raw rows
        member("uv", "run", "python", "-c", README_LOADERS, cwd=project)


# The README's loaders of the champion: the project's own for every framework, MLflow's generic
# one on raw rows where the logged model holds the preprocessing (scikit-learn's pipeline).
README_LOADERS = """
import pandas as pd
import mlflow.pyfunc
from my_ml_project import model
from my_ml_project.champion import load_champion
from my_ml_project.features import split_xy

features = split_xy(pd.read_csv("data/processed/test.csv").head(5))[0]
assert len(load_champion().scores(features)) == 5
if model.MLFLOW_FLAVOR == "sklearn":  # load_champion has pointed MLflow at the store
    loaded = mlflow.pyfunc.load_model("models:/my-ml-project@champion")
    assert len(loaded.predict(features)) == 5
"""


def _run_combination(
    member,
    template_repo: Path,
    root: Path,
    framework: str,
    combination: tuple[str, str, str],
) -> str:
    tracker, versioning, task = combination
    project = render_project(
        template_repo,
        root / "project",
        ml_framework=framework,
        tracker=tracker,
        data_versioning=versioning,
        task=task,
    )
    run("git", "init", "-q", cwd=project)
    member("uv", "sync", cwd=project)
    if versioning == "dvc" and not (project / ".dvc").is_dir():
        member("uv", "run", "dvc", "init", "-q", cwd=project)
    run("git", "add", "-A", cwd=project)
    run("git", "commit", "-q", "-m", "Initial commit", cwd=project)
    if versioning == "dvc":
        member("uv", "run", "dvc", "repro", cwd=project)
        _check_first_run(project, tracker, task)
        lock = (project / "dvc.lock").read_bytes()
        member("uv", "run", "dvc", "repro", "--force", cwd=project)
        assert (project / "dvc.lock").read_bytes() == lock, "dvc.lock changed on a forced rerun"
        if tracker != "none":  # the same model again does not beat the champion
            decision = json.loads((project / "reports/registry.json").read_text())
            assert decision["decision"] == "kept_champion", decision
            _check_batch_scoring(member, project, tracker)
    else:
        member("make", "repro", cwd=project)
        assert not (project / "dvc.lock").exists() and not (project / ".dvc").exists()
        _check_first_run(project, tracker, task)
    member("uv", "run", "mypy", cwd=project)
    tests = member("uv", "run", "pytest", "-q", "-p", "no:cacheprovider", "--cov", cwd=project)
    assert "Required test coverage of" in tests and " reached." in tests, tests[-2000:]
    assert not re.search(r"SKIPPED .*test_notebook", tests), "the notebook was skipped"
    return re.search(r"Total coverage: ([\d.]+)%", tests).group(1)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_pipelines_of_framework(
    framework: str, template_repo: Path, tmp_path: Path, torch_index: str
) -> None:
    """Six tracker x data-versioning x task combinations of `framework`, in one environment.

    Prints each combination's time and coverage (what `fail_under` is set from)."""
    venv = tmp_path / "venv"
    member = _runner(venv, torch_index)
    failures: list[str] = []
    timings: list[str] = []
    for combination in COMBINATIONS:
        name = f"{framework}-{'-'.join(combination)}"
        started = time.monotonic()
        coverage = "-"
        try:
            coverage = _run_combination(
                member, template_repo, tmp_path / name, framework, combination
            )
        except AssertionError as error:
            failures.append(f"{name}: {error}")
        timings.append(f"{name}: {time.monotonic() - started:.0f} s, coverage {coverage} %")
    print("\n" + "\n".join(timings))
    installed = member("uv", "pip", "list", "--python", str(venv / "bin" / "python"), cwd=tmp_path)
    assert "nvidia" not in installed.lower(), "a CUDA package was installed"
    assert not failures, "\n\n".join(failures)
