"""The generated project for real: uv sync, dvc repro, MLflow (SQLite) and its own tests.

One render and one `uv sync` serve the whole module. Each pipeline step is a module-scoped
fixture that depends on the previous one and snapshots what the tests check, so the tests
hold in any order and each step runs once.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_helpers import run_cli
from conftest import warm_servers
from project_env import project_env, render_project, run

pytestmark = pytest.mark.slow

PACKAGE = "my_ml_project"
MODEL_NAME = "my-ml-project"
STAGES = ("prepare", "train", "evaluate", "register", "monitor")

# Read back the tracking store with MLflow itself, independently of the project's code.
QUERY = """
import json
from mlflow import MlflowClient
client = MlflowClient(tracking_uri="sqlite:///mlflow.db")
experiment = client.get_experiment_by_name("my-ml-project")
runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
versions = {}
for found in client.search_model_versions("name='my-ml-project'"):
    version = client.get_model_version("my-ml-project", found.version)
    versions[version.version] = {"aliases": sorted(version.aliases), "tags": version.tags}
print(json.dumps({
    "artifact_location": experiment.artifact_location,
    "runs": [
        {
            "name": r.info.run_name,
            "params": r.data.params,
            "metrics": r.data.metrics,
            "tags": r.data.tags,
            "artifacts": sorted(
                a.path
                for folder in ("figures", "reports")
                for a in client.list_artifacts(r.info.run_id, folder)
            ),
        }
        for r in runs
    ],
    "versions": versions,
}))
"""


@dataclass(frozen=True)
class Step:
    """What one `dvc repro` did: its output, the stages it ran, and the files it left."""

    output: str
    ran: tuple[str, ...]
    seconds: float
    metrics: bytes
    lock: bytes
    registry: dict


def repro(project: Path, *args: str) -> Step:
    started = time.monotonic()
    done = run("uv", "run", "dvc", "repro", *args, cwd=project)
    output = done.stdout + done.stderr
    return Step(
        output=output,
        ran=tuple(re.findall(r"Running stage '(\w+)'", output)),
        seconds=time.monotonic() - started,
        metrics=(project / "reports/metrics.json").read_bytes(),
        lock=(project / "dvc.lock").read_bytes(),
        registry=json.loads((project / "reports/registry.json").read_text()),
    )


@pytest.fixture(scope="module")
def project(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rendered, installed (`uv sync`), `dvc init`-ed and committed: a fresh clone's state."""
    root = render_project(template_repo, tmp_path_factory.mktemp("pipeline") / "project")
    run("git", "init", "-q", cwd=root)
    run("uv", "sync", cwd=root)  # the machine's Python: UV_PYTHON_DOWNLOADS=never
    if not (root / ".dvc").exists():  # a template may ship .dvc/config already
        run("uv", "run", "dvc", "init", "-q", cwd=root)
    run("git", "add", "-A", cwd=root)
    run("git", "commit", "-q", "-m", "Initial commit", cwd=root)
    return root


@pytest.fixture(scope="module")
def first(project: Path) -> tuple[Step, str]:
    """The first `dvc repro`, and `git status` right after it."""
    step = repro(project)
    status = run("git", "status", "--porcelain", "--untracked-files=all", cwd=project).stdout
    return step, status


@pytest.fixture(scope="module")
def second(first: tuple[Step, str], project: Path) -> Step:
    return repro(project)


@pytest.fixture(scope="module")
def forced(second: Step, project: Path) -> Step:
    """Everything again from scratch: same data, same seed, so the same metrics bytes."""
    return repro(project, "--force")


@pytest.fixture(scope="module")
def worse(forced: Step, project: Path) -> Step:
    """Stronger regularisation (train.C 1.0 -> 0.01) gives a lower F1 on the test split."""
    params = project / "params.yaml"
    text = params.read_text()
    assert "  C: 1.0\n" in text
    params.write_text(text.replace("  C: 1.0\n", "  C: 0.01\n"))
    return repro(project)


@pytest.fixture(scope="module")
def tracking_store(worse: Step, project: Path) -> dict:
    done = run("uv", "run", "python", "-c", QUERY, cwd=project)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_first_repro_runs_every_stage(first: tuple[Step, str], project: Path) -> None:
    step, _ = first
    assert step.ran == STAGES
    metrics = json.loads(step.metrics)
    assert set(metrics) == {"accuracy", "precision", "recall", "f1", "roc_auc", "baseline"}
    assert metrics["roc_auc"] > 0.95
    # The dummy baseline (the most frequent class) is scored on the same split, and beaten.
    assert set(metrics["baseline"]) == set(metrics) - {"baseline"}
    assert metrics["baseline"]["roc_auc"] == 0.5 and metrics["baseline"]["f1"] < metrics["f1"]
    assert step.registry["baseline_score"] == metrics["baseline"]["f1"]
    for name in ("data/raw/breast_cancer.csv", "data/processed/train.csv", "models/model.joblib"):
        assert (project / name).is_file(), name
    assert step.registry["decision"] == "promoted"
    assert step.registry["aliases"] == ["challenger", "champion"]
    assert "Traceback" not in step.output


def test_first_repro_leaves_only_expected_changes(first: tuple[Step, str]) -> None:
    """DVC adds no .gitignore of its own: the committed one already ignores its outs.

    reports/registry.json (the registry's decision, which depends on its history) is git-ignored.
    """
    _, status = first
    changed = {line[3:] for line in status.splitlines()}
    assert changed == {
        "dvc.lock",
        "reports/drift.html",
        "reports/drift.json",
        "reports/metrics.json",
        "reports/plots/confusion.json",
        "reports/plots/roc.json",
    }


def test_metrics_and_plots_are_understood_by_dvc(first: tuple[Step, str], project: Path) -> None:
    shown = run("uv", "run", "dvc", "metrics", "show", "--json", cwd=project).stdout
    assert '"roc_auc"' in shown
    plots = run("uv", "run", "dvc", "plots", "show", "--json", cwd=project).stdout
    assert "reports/plots/roc.json" in plots and "reports/plots/confusion.json" in plots


def test_second_repro_runs_nothing(second: Step, project: Path) -> None:
    assert second.ran == ()
    status = run("uv", "run", "dvc", "status", cwd=project).stdout
    assert "up to date" in status


def test_reproduced_lock_passes_the_dvc_lock_check(second: Step, project: Path) -> None:
    """The shipped standards hook agrees with DVC on a freshly reproduced pipeline."""
    done = run_cli("check", str(project), "--select", "dvc-lock", "--format", "json", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["summary"]["errors"] == 0


def test_forced_repro_is_byte_identical(first: tuple[Step, str], forced: Step) -> None:
    assert forced.ran == STAGES
    assert forced.metrics == first[0].metrics
    # No run id or registry version in a DVC out: CI's "dvc.lock unchanged" check holds.
    assert forced.lock == first[0].lock
    # An equal model does not beat the champion: it becomes challenger only.
    assert forced.registry["decision"] == "kept_champion"
    assert forced.registry["aliases"] == ["challenger"]


def test_training_param_reruns_train_and_downstream_only(worse: Step) -> None:
    # monitor compares the model's predictions on both sides too, so a new model reruns it.
    assert worse.ran == ("train", "evaluate", "register", "monitor")


def test_worse_model_is_challenger_not_champion(forced: Step, worse: Step) -> None:
    assert worse.registry["score"] < forced.registry["score"]
    assert worse.registry["decision"] == "kept_champion"
    assert worse.registry["aliases"] == ["challenger"]
    assert worse.registry["champion_version"] == 1


def test_tracking_store_holds_runs_and_registry(tracking_store: dict, project: Path) -> None:
    # The monitor stage logs runs of its own (first, forced and worse repro), without a model.
    monitor_runs = [r for r in tracking_store["runs"] if r["tags"].get("dvc_stage") == "monitor"]
    assert len(monitor_runs) == 3
    assert all("model_fingerprint" not in r["tags"] for r in monitor_runs)
    # One run per model: the forced repro trains the same model file, so `register` adds its
    # evaluation to the first model's run instead of starting a second one.
    runs = [r for r in tracking_store["runs"] if r not in monitor_runs]
    assert len(runs) == 2
    first_run = runs[0]
    assert first_run["params"]["train.C"] == "1.0"
    assert first_run["params"]["seed"] == "42"
    assert "train_md5" in first_run["params"]
    assert {"accuracy", "f1", "roc_auc", "baseline.f1"} <= set(first_run["metrics"])
    assert first_run["tags"]["dvc_stage"] == "train,register"
    assert first_run["tags"]["evaluate.threshold"] == "0.5"
    # `register` logs evaluate's files and figures (evaluate itself starts no tracker).
    assert first_run["artifacts"] == [
        "figures/confusion_matrix.png",
        "figures/roc_curve.png",
        "reports/confusion.json",
        "reports/metrics.json",
        "reports/roc.json",
    ]
    assert first_run["tags"]["seed"] == "42"
    assert re.fullmatch(r"[0-9a-f]{40}", first_run["tags"]["git_commit"])
    assert runs[1]["params"]["train.C"] == "0.01"
    # Names say what the run is and differ: stage, framework, `train` parameters, a counter.
    assert runs[0]["name"].startswith("train-sklearn-C=1-") and runs[0]["name"].endswith("-#1")
    assert runs[1]["name"].startswith("train-sklearn-C=0.01-") and runs[1]["name"].endswith("-#2")
    versions = tracking_store["versions"]
    assert versions["1"]["aliases"] == ["champion"]
    assert versions["1"]["tags"]["status"] == "champion"
    assert versions["2"]["aliases"] == []
    assert versions["3"]["aliases"] == ["challenger"]
    assert versions["3"]["tags"]["status"] == "not_promoted"
    assert tracking_store["artifact_location"].endswith("/mlartifacts")
    assert (project / "mlflow.db").is_file()
    assert not (project / "mlruns").exists()


def test_generated_test_suite_passes(worse: Step, project: Path) -> None:
    done = run("uv", "run", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert " passed" in done.stdout


def test_generated_project_is_ruff_clean(worse: Step, project: Path) -> None:
    run("uv", "run", "ruff", "check", "--no-cache", ".", cwd=project)
    run("uv", "run", "ruff", "format", "--check", "--no-cache", ".", cwd=project)


# --- stages in a warm process (warm.py) ----------------------------------------------------------

# A stage module the tests add: what its process is, what it was given, and how it ends.
PROBE = """import os, sys
from pathlib import Path
stat = Path(f"/proc/{os.getppid()}/stat").read_text()
print("probe", sys.argv[1:], os.environ.get("OMP_NUM_THREADS"), os.getcwd())
print("server" if b"--serve" in Path("/proc/self/cmdline").read_bytes() else "client")
print("grandparent", stat.rpartition(")")[2].split()[1])
print("on stderr", file=sys.stderr)
if os.environ.get("PROBE_WAIT"):
    Path(os.environ["PROBE_WAIT"]).write_text(str(os.getpid()))
    import time
    time.sleep(120)
raise SystemExit(int(sys.argv[-1]) if sys.argv[-1].isdigit() else 0)
"""


@pytest.fixture
def probe(tracking_store: dict, project: Path) -> Iterator[Path]:
    """src/<package>/probe.py for one test; the pipeline steps above have run by then."""
    module = project / "src" / PACKAGE / "probe.py"
    module.write_text(PROBE)
    yield module
    module.unlink()


def probe_run(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return run(
        ".venv/bin/python",
        "-m",
        f"{PACKAGE}.warm",
        "probe",
        *args,
        cwd=project,
        check=False,
        env=env,
    )


def test_stages_run_warm_and_give_what_a_cold_run_gives(
    tracking_store: dict, project: Path
) -> None:
    warm = repro(project, "--force")
    assert warm_servers(project), "no warm server runs from the project's environment"
    cold = run("uv", "run", "dvc", "repro", "--force", cwd=project, env={"WARM_STAGES": "0"})
    assert re.findall(r"Running stage '(\w+)'", cold.stdout + cold.stderr) == list(STAGES)
    assert (project / "dvc.lock").read_bytes() == warm.lock
    assert (project / "reports/metrics.json").read_bytes() == warm.metrics


def test_a_warm_stage_is_its_module_run_as_a_process(probe: Path, project: Path) -> None:
    done = probe_run(project, "a b", "3")
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    assert lines[0] == f"probe ['a b', '3'] None {project}"
    assert lines[1] == "server"  # a fork of the warm server
    server = int(lines[2].split()[1])
    assert server in warm_servers(project)
    assert done.stderr == "on stderr\n"
    # The project's code is read afresh by every stage: an edit counts at once.
    probe.write_text(PROBE.replace('"probe"', '"edited"'))
    again = probe_run(project)
    assert again.returncode == 0 and again.stdout.startswith("edited [] None")
    assert again.stdout.splitlines()[2] == f"grandparent {server}"  # the same server
    # Another environment is served by another server; WARM_STAGES=0 runs in the caller.
    other = probe_run(project, OMP_NUM_THREADS="1").stdout.splitlines()
    assert other[0] == f"edited [] 1 {project}"
    assert other[2] != f"grandparent {server}" and int(other[2].split()[1]) in warm_servers(project)
    assert probe_run(project, WARM_STAGES="0").stdout.splitlines()[1] == "client"


def waiting_probe(project: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    """A warm probe stage that waits, its client, and the stage's pid once it runs."""
    started = tmp_path / "pid"
    client = subprocess.Popen(
        [".venv/bin/python", "-m", f"{PACKAGE}.warm", "probe"],
        cwd=project,
        env=project_env() | {"PROBE_WAIT": str(started)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return client, int(started.read_text())


def test_ctrl_c_reaches_a_warm_stage(probe: Path, project: Path, tmp_path: Path) -> None:
    client, stage = waiting_probe(project, tmp_path)
    client.send_signal(signal.SIGINT)
    _, stderr = client.communicate(timeout=30)
    assert client.returncode == -signal.SIGINT
    assert "KeyboardInterrupt" in stderr
    assert not Path(f"/proc/{stage}").exists()


def test_a_killed_client_takes_its_stage_along(probe: Path, project: Path, tmp_path: Path) -> None:
    client, stage = waiting_probe(project, tmp_path)
    client.kill()
    client.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{stage}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{stage}").exists()
