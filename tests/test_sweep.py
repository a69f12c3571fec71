"""Issue 19: `python -m <pkg>.sweep` in the default project, for real (Optuna, MLflow, DVC).

A few trials of cross-validation on the training split become MLflow child runs of one sweep
run; the best parameters land in params.yaml with its comments kept, and `dvc repro` afterwards
trains and registers that model. The same seed proposes the same trials; a rerun continues the
study. Two workers on the PostgreSQL that `.ci/services` starts share one study and finish
exactly the requested number of trials, none lost or run twice.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from project_env import project_env, render_project, run

TEMPLATE_SRC = Path(__file__).parents[1] / "templates/project/src/{{ package_name }}"
PACKAGE = "my_ml_project"

# The study read back with Optuna itself, independently of the project's code.
TRIALS = """
import json, sys
import optuna
study = optuna.load_study(study_name=sys.argv[2], storage=sys.argv[1])
print(json.dumps([
    {"number": t.number, "state": t.state.name, "params": t.params, "value": t.value,
     "surplus": t.user_attrs.get("surplus", False)}
    for t in study.get_trials(deepcopy=False)
]))
"""

RUNS = """
import json
from mlflow import MlflowClient
client = MlflowClient(tracking_uri="sqlite:///mlflow.db")
experiment = client.get_experiment_by_name("my-ml-project")
print(json.dumps([
    {"id": r.info.run_id, "name": r.info.run_name, "status": r.info.status, "params": r.data.params,
     "metrics": r.data.metrics, "tags": r.data.tags,
     "artifacts": sorted(a.path for a in client.list_artifacts(r.info.run_id, "sweep"))}
    for r in client.search_runs([experiment.experiment_id])
]))
"""


def _params_edit():
    spec = importlib.util.spec_from_file_location("params_edit", TEMPLATE_SRC / "params_edit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_best_params_replace_values_and_keep_comments() -> None:
    edit = _params_edit()
    text = (
        "seed: 42\n\ntrain:\n  # strength\n  C: 1.0  # inverse\n  max_iter: 1000\n\n"
        "# next section\nevaluate:\n  C: 7\n"
    )
    after = edit.set_section_values(text, "train", {"C": 0.25, "tol": 1e-05})
    assert after == (
        "seed: 42\n\ntrain:\n  # strength\n  C: 0.25  # inverse\n  max_iter: 1000\n  tol: 1e-05\n"
        "\n# next section\nevaluate:\n  C: 7\n"
    )
    assert "+  C: 0.25  # inverse" in edit.diff(text, after, "params.yaml")
    assert edit.diff(text, text, "params.yaml") == ""


# --- the default project, for real ------------------------------------------------------------


def _python(project: Path, *args: str, env: dict | None = None, check: bool = True):
    done = subprocess.run(
        [str(project / ".venv/bin/python"), *args],
        cwd=project,
        env=env or project_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if check:
        assert done.returncode == 0, f"{args} failed\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _trials(project: Path, storage: str, study: str = "my-ml-project") -> list[dict]:
    done = _python(project, "-c", TRIALS, storage, study)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _set_sweep(project: Path, **values: object) -> None:
    params = project / "params.yaml"
    text = params.read_text()
    for key, value in values.items():
        lines = text.splitlines(keepends=True)
        start = lines.index("sweep:\n")
        index = next(i for i in range(start, len(lines)) if lines[i].startswith(f"  {key}:"))
        lines[index] = f"  {key}: {value}\n"
        text = "".join(lines)
    params.write_text(text)


@pytest.fixture(scope="module")
def project(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project, installed and committed, with its data prepared."""
    root = render_project(template_repo, tmp_path_factory.mktemp("sweep") / "project")
    run("git", "init", "-q", cwd=root)
    run("uv", "sync", cwd=root)
    if not (root / ".dvc").exists():
        run("uv", "run", "dvc", "init", "-q", cwd=root)
    run("git", "add", "-A", cwd=root)
    run("git", "commit", "-q", "-m", "Initial commit", cwd=root)
    run("uv", "run", "dvc", "repro", "prepare", cwd=root)
    return root


@pytest.fixture(scope="module")
def swept(project: Path) -> dict:
    """`make sweep` with four trials: its output, the study, the MLflow runs, params.yaml."""
    _set_sweep(project, n_trials=4)
    before = (project / "params.yaml").read_text()
    done = run("make", "sweep", cwd=project)
    return {
        "output": done.stdout + done.stderr,
        "before": before,
        "after": (project / "params.yaml").read_text(),
        "trials": _trials(project, "sqlite:///reports/sweep/optuna.db"),
        "runs": json.loads(
            run("uv", "run", "python", "-c", RUNS, cwd=project).stdout.strip().splitlines()[-1]
        ),
        "best": json.loads((project / "reports/sweep/best.json").read_text()),
    }


@pytest.mark.slow
def test_sweep_trials_are_child_runs_of_one_sweep_run(swept: dict) -> None:
    trials = swept["trials"]
    assert [t["state"] for t in trials if t["state"] in ("COMPLETE", "PRUNED")], trials
    assert len([t for t in trials if t["state"] in ("COMPLETE", "PRUNED")]) == 4, trials
    parents = [r for r in swept["runs"] if r["tags"].get("dvc_stage") == "sweep"]
    assert len(parents) == 1, [r["name"] for r in swept["runs"]]
    parent = parents[0]
    children = [r for r in swept["runs"] if r["tags"].get("dvc_stage") == "sweep-trial"]
    assert len(children) == 4
    for child in children:
        assert child["tags"]["mlflow.parentRunId"] == parent["id"]
        assert child["status"] == "FINISHED"
        assert set(child["params"]) == {"C"}
    completed = [c for c in children if c["tags"]["optuna_state"] == "complete"]
    assert completed and all("cv_f1" in c["metrics"] for c in completed)
    assert len({c["name"] for c in children}) == 4  # trial-000 ... trial-003
    assert parent["metrics"]["best_score"] == swept["best"]["best_score"]
    assert (
        "sweep/best.json" in parent["artifacts"] and "sweep/importance.json" in parent["artifacts"]
    )
    assert not any(r["tags"].get("dvc_stage", "").startswith("train") for r in swept["runs"])
    assert "Traceback" not in swept["output"]


@pytest.mark.slow
def test_sweep_writes_best_params_into_params_yaml_with_a_diff(swept: dict) -> None:
    best_c = swept["best"]["best_params"]["C"]
    assert f"  C: {round(best_c, 10)!r}\n" in swept["after"]
    assert "-  C: 1.0" in swept["output"] and f"+  C: {round(best_c, 10)!r}" in swept["output"]
    # Only the value changed: every comment line of params.yaml is still there.
    comments = [line for line in swept["before"].splitlines() if line.lstrip().startswith("#")]
    assert comments == [
        line for line in swept["after"].splitlines() if line.lstrip().startswith("#")
    ]
    assert len(swept["before"].splitlines()) == len(swept["after"].splitlines())


@pytest.mark.slow
def test_dvc_repro_after_a_sweep_trains_and_registers_the_best(swept: dict, project: Path) -> None:
    done = run("uv", "run", "dvc", "repro", cwd=project)
    assert "Running stage 'train'" in done.stdout + done.stderr
    registry = json.loads((project / "reports/registry.json").read_text())
    assert registry["decision"] == "promoted", registry
    runs = json.loads(
        run("uv", "run", "python", "-c", RUNS, cwd=project).stdout.strip().splitlines()[-1]
    )
    trained = [r for r in runs if "train" in r["tags"].get("dvc_stage", "").split(",")]
    assert len(trained) == 1
    assert float(trained[0]["params"]["train.C"]) == pytest.approx(
        swept["best"]["best_params"]["C"], rel=1e-8
    )


@pytest.mark.slow
def test_same_seed_gives_the_same_trials_and_a_rerun_continues(swept: dict, project: Path) -> None:
    env = project_env() | {"OPTUNA_STORAGE": "sqlite:///reports/sweep/again.db"}
    _python(project, "-m", f"{PACKAGE}.sweep", "--no-write", env=env)
    again = _trials(project, "sqlite:///reports/sweep/again.db")
    assert [t["params"] for t in again] == [t["params"] for t in swept["trials"]]
    assert [t["value"] for t in again] == [t["value"] for t in swept["trials"]]
    # The study is continued: two more finished trials, the first four untouched.
    _set_sweep(project, n_trials=6)
    _python(project, "-m", f"{PACKAGE}.sweep", "--no-write", env=env)
    continued = _trials(project, "sqlite:///reports/sweep/again.db")
    finished = [t for t in continued if t["state"] in ("COMPLETE", "PRUNED")]
    assert len(finished) == 6
    assert continued[:4] == again
    _set_sweep(project, n_trials=4)


# --- many workers on the team's PostgreSQL ----------------------------------------------------


def _team_env(project: Path) -> dict[str, str]:
    """Workers as on machines of a team: the study on PostgreSQL, runs on the MLflow server.

    Each test gets a fresh schema on the services' database for its study and a fresh
    experiment on the services' MLflow server for its runs.
    """
    from team_services import tracking_server

    storage = _postgres_storage(project)
    return project_env() | {
        "OPTUNA_STORAGE": storage,
        "MLFLOW_TRACKING_URI": tracking_server(),
        "MLFLOW_EXPERIMENT_NAME": f"sweep-{storage.rsplit('%3D', 1)[1]}",
    }


def _team_runs(project: Path, env: dict[str, str]) -> list[dict]:
    query = RUNS.replace(
        'MlflowClient(tracking_uri="sqlite:///mlflow.db")', "MlflowClient()"
    ).replace('"my-ml-project"', "__import__('os').environ['MLFLOW_EXPERIMENT_NAME']")
    done = _python(project, "-c", query, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres_storage(project: Path) -> str:
    """A fresh schema on the services' PostgreSQL database, as an Optuna storage URL."""
    from team_services import backend_store

    uri = backend_store()
    schema = f"optuna_{uuid.uuid4().hex[:12]}"
    create = (
        "import sqlalchemy, sys\n"
        "engine = sqlalchemy.create_engine(sys.argv[1])\n"
        "with engine.begin() as c: c.execute(sqlalchemy.text(f'CREATE SCHEMA {sys.argv[2]}'))\n"
    )
    _python(project, "-c", create, uri, schema)
    return f"{uri}?options=-csearch_path%3D{schema}"


@pytest.fixture(scope="module")
def postgres_project(project: Path) -> Path:
    """The project with PostgreSQL's driver: what tracking_backend=server adds to it."""
    run(
        "uv",
        "pip",
        "install",
        "--python",
        str(project / ".venv/bin/python"),
        "psycopg2-binary>=2.9,<3",
        cwd=project,
    )
    return project


@pytest.mark.slow
def test_two_workers_on_postgresql_share_one_study(postgres_project: Path) -> None:
    project = postgres_project
    env = _team_env(project)
    storage = env["OPTUNA_STORAGE"]
    _set_sweep(project, n_trials=6)
    python = str(project / ".venv/bin/python")
    workers = [
        subprocess.Popen(
            [python, "-m", f"{PACKAGE}.sweep", "--no-write", "--worker", str(index)],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for index in (0, 1)  # as on two machines, each with its own worker index
    ]
    outputs = [worker.communicate(timeout=1800)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    trials = _trials(project, storage)
    finished = [t for t in trials if t["state"] in ("COMPLETE", "PRUNED")]
    assert len(finished) == 6, trials
    assert sorted(t["number"] for t in trials) == list(range(len(trials)))
    # Nothing ran twice: every trial that is not finished was a surplus one, never computed.
    assert all(t["surplus"] for t in trials if t["state"] not in ("COMPLETE", "PRUNED")), trials
    params = [json.dumps(t["params"], sort_keys=True) for t in finished]
    assert len(set(params)) == len(params), params  # the two workers sample different trials
    runs = _team_runs(project, env)
    children = [r for r in runs if r["tags"].get("dvc_stage") == "sweep-trial"]
    assert sorted(int(r["tags"]["optuna_trial"]) for r in children) == sorted(
        t["number"] for t in finished
    )
    parents = {r["id"] for r in runs if r["tags"].get("dvc_stage") == "sweep"}
    assert len(parents) == 1 and {r["tags"]["mlflow.parentRunId"] for r in children} == parents
    _set_sweep(project, n_trials=4)


@pytest.mark.slow
def test_a_killed_worker_loses_no_finished_trial(postgres_project: Path) -> None:
    """SIGKILL mid-sweep: finished trials stay; the rerun fails the stale one and completes."""
    project = postgres_project
    env = _team_env(project)
    storage = env["OPTUNA_STORAGE"]
    _set_sweep(project, n_trials=12)
    worker = subprocess.Popen(
        [str(project / ".venv/bin/python"), "-m", f"{PACKAGE}.sweep", "--no-write"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        time.sleep(1)
        assert worker.poll() is None, "the worker ended before it was killed"
        done = _python(project, "-c", TRIALS, storage, "my-ml-project", check=False)
        if done.returncode:  # the study is not created yet
            continue
        trials = json.loads(done.stdout.strip().splitlines()[-1])
        if len([t for t in trials if t["state"] == "COMPLETE"]) >= 2:
            break
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    kept = [t for t in _trials(project, storage) if t["state"] in ("COMPLETE", "PRUNED")]
    assert len(kept) >= 2
    _python(project, "-m", f"{PACKAGE}.sweep", "--no-write", env=env)
    trials = _trials(project, storage)
    finished = [t for t in trials if t["state"] in ("COMPLETE", "PRUNED")]
    assert len(finished) == 12, trials
    assert all(t in trials for t in kept)  # the trials finished before the kill are unchanged
    _set_sweep(project, n_trials=4)
