"""The team-server variant (tracking_backend=server): its files, and two members for real.

The slow tests need the services of `.ci/services` (PostgreSQL and an `mlflow server` on it):
two rendered projects train against that one server and share data through a DVC remote, and
`make tracking-server` serves the same PostgreSQL database without Docker.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from cli_helpers import run_cli
from project_env import files_of, project_env, render_project, run
from team_services import (
    backend_store,
    free_port,
    healthy,
    stop_process_group,
    tracking_server,
)
from variant_matrix import TRACKING_SERVER_FILES

SERVER_FILES = set(TRACKING_SERVER_FILES)
# An exact version: digits and dots (optionally v-prefixed, optionally a suffix such as -alpine).
EXACT_TAG = re.compile(r"^v?\d+(\.\d+)+([.-][0-9A-Za-z.]+)?$")
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"

# Read the server back with MLflow's own client, independently of the project's code.
QUERY = """
import json, sys
import mlflow
from mlflow import MlflowClient
uri, name = sys.argv[1], sys.argv[2]
client = MlflowClient(tracking_uri=uri)
experiment = client.get_experiment_by_name(name)
runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
versions = {}
for found in client.search_model_versions(f"name='{name}'"):
    version = client.get_model_version(name, found.version)
    versions[version.version] = {"aliases": sorted(version.aliases), "tags": version.tags}
mlflow.set_tracking_uri(uri)
champion = mlflow.artifacts.download_artifacts(f"models:/{name}@champion")
print(json.dumps({
    "artifact_location": experiment.artifact_location,
    "runs": [
        {"id": r.info.run_id, "params": r.data.params, "metrics": r.data.metrics,
         "tags": r.data.tags}
        for r in runs
    ],
    "versions": versions,
    "champion_files": sorted(p.name for p in __import__("pathlib").Path(champion).iterdir()),
}))
"""


def image_is_pinned(image: str) -> bool:
    """An exact version tag or a digest; never `latest` nor a moving major tag."""
    if DIGEST.search(image):
        return True
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and bool(EXACT_TAG.match(tag))


def test_image_pin_rule() -> None:
    assert image_is_pinned("postgres:17.6")
    assert image_is_pinned("ghcr.io/mlflow/mlflow:v3.17.2")
    assert image_is_pinned("rustfs/rustfs@sha256:" + "a" * 64)
    for loose in ("postgres", "postgres:latest", "postgres:17", "localhost:5000/app", "x:stable"):
        assert not image_is_pinned(loose), loose


# --- The rendered files -------------------------------------------------------------------


def test_server_variant_adds_exactly_the_deploy_files(render) -> None:
    local = set(files_of(render()))
    server = set(files_of(render(tracking_backend="server")))
    assert server - local == SERVER_FILES
    assert local <= server


def test_compose_file_validates_against_the_compose_spec(render) -> None:
    """check-jsonschema's built-in copy of the Compose specification's JSON schema."""
    compose = render(tracking_backend="server") / "deploy/tracking/docker-compose.yml"
    done = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(compose)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_image_is_pinned_and_data_is_on_volumes(render) -> None:
    folder = render(tracking_backend="server") / "deploy/tracking"
    compose = yaml.safe_load((folder / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"mlflow", "postgres", "object-store"} <= set(services)
    for name, service in services.items():
        assert image_is_pinned(service["image"]), (name, service["image"])
    bases = re.findall(r"^FROM\s+(\S+)", (folder / "Dockerfile").read_text(), re.MULTILINE)
    assert bases and all(image_is_pinned(base) for base in bases), bases
    installs = re.findall(r"pip install[^\n]*", (folder / "Dockerfile").read_text())
    packages = [w for line in installs for w in line.split()[2:] if not w.startswith("-")]
    assert packages and all(re.fullmatch(r"[\w.-]+==[\w.]+", p) for p in packages), packages
    assert set(compose["volumes"]) == {"postgres-data", "object-store-data"}
    for name in ("postgres", "object-store"):
        assert any(v.split(":")[0] in compose["volumes"] for v in services[name]["volumes"])


def test_no_secret_is_committed(render) -> None:
    """Credentials come from the git-ignored .env; the examples leave secrets empty."""
    project = render(tracking_backend="server")
    for example in (project / ".env.example", project / "deploy/tracking/.env.example"):
        for line in example.read_text().splitlines():
            key, _, value = line.partition("=")
            if not line.startswith("#") and re.search("PASSWORD|SECRET|TOKEN", key):
                assert value == "", line
    compose = yaml.safe_load((project / "deploy/tracking/docker-compose.yml").read_text())
    for service in compose["services"].values():
        for key, value in (service.get("environment") or {}).items():
            if re.search("PASSWORD|SECRET|ACCESS_KEY", key):
                assert str(value).startswith("${"), (key, value)
    ignored = run("git", "check-ignore", ".env", "deploy/tracking/.env", cwd=_git(project))
    assert ignored.stdout.split() == [".env", "deploy/tracking/.env"]


def test_make_tracking_server_target_only_in_server_projects(render) -> None:
    server = run("make", "help", cwd=render(tracking_backend="server")).stdout
    local = run("make", "help", cwd=render()).stdout
    assert "tracking-server" in server
    assert "tracking-server" not in local


def test_readme_has_the_team_section(render) -> None:
    server = (render(tracking_backend="server") / "README.md").read_text()
    local = (render() / "README.md").read_text()
    for text in (server, local):
        assert "## Working as a team" in text
        assert "export-experiments" in text and "mlflow db upgrade" in text
        assert "dvc push" in text and "dvc pull" in text
    assert "cp .env.example .env" in server
    assert "tracking_backend=server" in local


def _git(project: Path) -> Path:
    if not (project / ".git").exists():
        run("git", "init", "-q", cwd=project)
    return project


# --- Two team members against one server, for real ---------------------------------------


def _member_env(project: Path, server: str) -> None:
    """What a new member does: copy .env.example to .env and set the server's URL."""
    example = (project / ".env.example").read_text()
    assert "MLFLOW_TRACKING_URI=http://127.0.0.1:5000\n" in example
    (project / ".env").write_text(
        example.replace(
            "MLFLOW_TRACKING_URI=http://127.0.0.1:5000", f"MLFLOW_TRACKING_URI={server}"
        )
    )


def _shared_environment(venv: Path):
    """Run uv and make with one environment for both members: same uv.lock, one install.

    `uv run` re-points the editable install at the project it runs in, so each member's
    stages import that member's code.
    """

    def member(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            list(args),
            cwd=cwd,
            env=project_env() | {"UV_PROJECT_ENVIRONMENT": str(venv)},
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        assert done.returncode == 0, f"{args} in {cwd}\n{done.stdout}\n{done.stderr}"
        return done

    return member


def _outputs(project: Path) -> dict[str, bytes]:
    names = ("data/processed/train.csv", "data/processed/test.csv", "models/model.joblib")
    return {name: (project / name).read_bytes() for name in names}


@pytest.mark.slow
def test_two_members_share_the_server_and_the_remote(tmp_path: Path, template_repo: Path) -> None:
    server = tracking_server()
    # A registered model (and experiment) name of its own: the server outlives the test.
    name = f"team-{uuid.uuid4().hex[:10]}"
    origin = tmp_path / "origin.git"
    member = _shared_environment(tmp_path / "venv")
    run("git", "init", "-q", "--bare", "-b", "main", str(origin), cwd=tmp_path)

    # Alice creates the project, trains, pushes code to git and data to the DVC remote: the
    # rendered default remote, a folder beside the repository that `dvc push` creates.
    alice = render_project(
        template_repo,
        tmp_path / "alice",
        tracking_backend="server",
        distribution_name=name,
        dvc_remote="local",
    )
    remote = tmp_path / f"{name}-dvc-storage"
    run("git", "init", "-q", "-b", "main", cwd=alice)
    _member_env(alice, server)
    member("uv", "sync", "--python", "3.11", cwd=alice)
    raw = next((alice / "data" / "raw").glob("*.csv")).relative_to(alice)
    member("uv", "run", "dvc", "add", "--quiet", str(raw), cwd=alice)  # as new's setup does
    run("git", "add", "-A", cwd=alice)
    run("git", "commit", "-q", "-m", "Initial commit", cwd=alice)
    member("make", "repro", cwd=alice)  # MLFLOW_TRACKING_URI comes from .env only
    member("uv", "run", "dvc", "push", cwd=alice)
    assert any(remote.rglob("*")), "dvc push stored nothing in the remote folder"
    run("git", "add", "-A", cwd=alice)
    run("git", "commit", "-q", "-m", "First model", cwd=alice)
    run("git", "remote", "add", "origin", str(origin), cwd=alice)
    run("git", "push", "-q", "origin", "main", cwd=alice)
    assert ".env" not in run("git", "ls-files", cwd=alice).stdout.split()

    doctor = run_cli("doctor", str(alice), env=project_env() | {"COLUMNS": "300"})
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "answers /health" in doctor.stdout and "writable" in doctor.stdout

    # Bob clones, pulls the data, and trains a worse model against the same server.
    bob = tmp_path / "bob"
    run("git", "clone", "-q", str(origin), str(bob), cwd=tmp_path)
    _member_env(bob, server)
    member("uv", "sync", "--python", "3.11", cwd=bob)
    member("uv", "run", "dvc", "pull", cwd=bob)
    assert _outputs(bob) == _outputs(alice)
    status = member("uv", "run", "dvc", "status", cwd=bob).stdout
    assert "up to date" in status, status
    params = bob / "params.yaml"
    params.write_text(params.read_text().replace("  C: 1.0\n", "  C: 0.01\n"))
    member("make", "repro", cwd=bob)

    alice_decision = json.loads((alice / "reports/registry.json").read_text())
    bob_decision = json.loads((bob / "reports/registry.json").read_text())
    assert alice_decision["decision"] == "promoted"
    assert bob_decision["decision"] == "kept_champion"
    assert bob_decision["score"] < alice_decision["score"]
    assert bob_decision["champion_version"] == 1
    for clone in (alice, bob):
        assert not (clone / "mlflow.db").exists(), "a run was logged locally"

    done = member("uv", "run", "python", "-c", QUERY, server, name, cwd=alice)
    store = json.loads(done.stdout.strip().splitlines()[-1])
    assert store["artifact_location"].startswith("mlflow-artifacts:")
    # Alice's and Bob's model runs; the monitor stage's runs have no model (no train.C).
    model_runs = [r for r in store["runs"] if "train.C" in r["params"]]
    runs = {r["params"]["train.C"]: r for r in model_runs}
    assert len(model_runs) == 2 and set(runs) == {"1.0", "0.01"}
    assert all(r["tags"]["dvc_stage"] == "monitor" for r in store["runs"] if r not in model_runs)
    for found in runs.values():
        assert {"accuracy", "f1", "roc_auc"} <= set(found["metrics"])
        assert found["tags"]["dvc_stage"] == "train,register"
        assert re.fullmatch(r"[0-9a-f]{40}", found["tags"]["git_commit"])
    assert store["versions"]["1"]["tags"]["run_id"] == runs["1.0"]["id"]
    assert store["versions"]["2"]["tags"]["run_id"] == runs["0.01"]["id"]
    assert store["versions"]["1"]["aliases"] == ["champion"]
    assert store["versions"]["1"]["tags"]["status"] == "champion"
    assert store["versions"]["2"]["aliases"] == ["challenger"]
    assert store["versions"]["2"]["tags"]["status"] == "not_promoted"
    assert "MLmodel" in store["champion_files"]


# --- make tracking-server: MLflow on PostgreSQL without Docker -----------------------------


def _rest(uri: str, path: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{uri}{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.slow
def test_make_tracking_server_serves_the_postgresql_store(
    tmp_path: Path, template_repo: Path
) -> None:
    database = backend_store()
    shared = tracking_server()
    project = render_project(template_repo, tmp_path / "project", tracking_backend="server")
    refused = run("make", "tracking-server", cwd=project, check=False)
    assert refused.returncode != 0
    assert "set MLFLOW_BACKEND_STORE_URI in .env" in refused.stderr

    with (project / ".env").open("a") as env:
        env.write(f"MLFLOW_BACKEND_STORE_URI={database}\n")
    port = free_port()
    uri = f"http://127.0.0.1:{port}"
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        ["make", "tracking-server", f"TRACKING_PORT={port}"],
        cwd=project,
        env=project_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while not healthy(uri, timeout=2):
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(1)
        # An experiment created through the CI server is visible here: same database.
        name = f"make-server-{uuid.uuid4().hex[:10]}"
        _rest(shared, "/api/2.0/mlflow/experiments/create", {"name": name})
        query = urllib.parse.urlencode({"experiment_name": name})
        found = _rest(uri, f"/api/2.0/mlflow/experiments/get-by-name?{query}")
        assert found["experiment"]["name"] == name
    finally:
        stop_process_group(server)
        log.close()
