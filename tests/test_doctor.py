"""`mlops-scaffold doctor`: real probes of real endpoints (a running MLflow server, a closed
port, a small HTTP server on loopback) and real DVC config files; nothing is mocked.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cli_helpers import run_cli
from team_services import free_port, tracking_server

from generator.doctor.dvc_config import parse_config, read_config, remotes
from generator.doctor.dvc_remote import check_dvc
from generator.doctor.environment import Variable, project_environment, read_dotenv
from generator.doctor.report import Status
from generator.doctor.tracking import check_tracking

HEAVY = ("mlflow", "dvc", "copier", "cookiecutter")


def project(root: Path, remote_url: str | None = None, local: str = "") -> Path:
    """A DVC project folder: dvc.yaml, .dvc/config with a default remote, .dvc/config.local."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dvc.yaml").write_text("stages: {}\n")
    (root / ".dvc").mkdir(exist_ok=True)
    config = "[core]\n    autostage = true\n"
    if remote_url:
        config += f"    remote = storage\n['remote \"storage\"']\n    url = {remote_url}\n"
    (root / ".dvc/config").write_text(config)
    if local:
        (root / ".dvc/config.local").write_text(local)
    return root


def doctor(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed command, with MLFLOW_TRACKING_URI unset unless given."""
    base = {"MLFLOW_TRACKING_URI": "", "COLUMNS": "250"} | env
    return run_cli("doctor", str(root), env=base, timeout=60)


def rows(output: str) -> dict[str, list[str]]:
    """The table's rows by check name: [status, details, fix], wrapped lines joined."""
    found: dict[str, list[str]] = {}
    last = ""
    for line in output.splitlines():
        if not line.startswith("│"):
            continue
        check, *cells = (cell.strip() for cell in line.strip("│").split("│"))
        if check:
            last = check
            found[last] = cells
        else:
            found[last] = [f"{a} {b}".strip() for a, b in zip(found[last], cells, strict=True)]
    return found


def variables(**values: str) -> dict[str, Variable]:
    return {k: Variable(v, "environment") for k, v in values.items()}


# --- End to end through the CLI ------------------------------------------------------------


def test_passes_against_the_running_server(tmp_path: Path) -> None:
    server = tracking_server()
    root = project(tmp_path / "p", "../../remote")
    (tmp_path / "remote").mkdir()
    (root / ".env").write_text(f"MLFLOW_TRACKING_URI={server}\n")
    done = doctor(root)
    assert done.returncode == 0, done.stdout + done.stderr
    table = rows(done.stdout)
    assert table["MLflow tracking"][:2] == [
        "ok",
        f"{server} (MLFLOW_TRACKING_URI from .env) answers /health",
    ]
    assert table["DVC remote storage (default)"][0] == "ok"


def test_fails_with_the_fix_when_the_port_is_closed(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "../../remote")
    (tmp_path / "remote").mkdir()
    (root / "deploy/tracking").mkdir(parents=True)
    (root / "deploy/tracking/docker-compose.yml").write_text("services: {}\n")
    uri = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    done = doctor(root, MLFLOW_TRACKING_URI=uri)
    assert time.monotonic() - started < 20
    assert done.returncode == 1, done.stdout
    status, details, fix = rows(done.stdout)["MLflow tracking"]
    assert status == "fail"
    assert details == f"{uri} (MLFLOW_TRACKING_URI from environment): connection refused"
    assert "docker compose -f deploy/tracking/docker-compose.yml up -d" in fix
    assert "make tracking-server" in fix
    assert "Traceback" not in done.stdout + done.stderr


def test_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    root = project(tmp_path / "p", str(tmp_path))
    (root / ".env").write_text("MLFLOW_TRACKING_URI=sqlite:///mlflow.db\n")
    closed = f"http://127.0.0.1:{free_port()}"
    assert doctor(root).returncode == 0
    done = doctor(root, MLFLOW_TRACKING_URI=closed)
    assert done.returncode == 1
    assert "from environment" in rows(done.stdout)["MLflow tracking"][1]


def test_rich_table_and_no_heavy_import(tmp_path: Path) -> None:
    root = project(tmp_path / "p", str(tmp_path))
    code = (
        "import sys\nfrom generator.cli import app\n"
        f"try:\n    app(['doctor', {str(root)!r}])\nexcept SystemExit as exit:\n"
        "    code = exit.code\n"
        f"print('HEAVY', sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "NO_COLOR": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HEAVY []" in done.stdout
    assert "┃ Check" in done.stdout and "MLflow tracking" in done.stdout


def test_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    done = doctor(tmp_path / "nowhere")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"error: {tmp_path / 'nowhere'} is not a folder"]


# --- MLflow tracking URIs ------------------------------------------------------------------


def test_sqlite_default_and_missing_folder(tmp_path: Path) -> None:
    ok = check_tracking(tmp_path, {}, 1)
    assert ok.status is Status.OK and "mlflow.db (default)" in ok.detail
    missing = check_tracking(tmp_path, variables(MLFLOW_TRACKING_URI="sqlite:///db/x/m.db"), 1)
    assert missing.status is Status.FAIL
    assert missing.fix == f"mkdir -p {tmp_path / 'db/x'}"
    absolute = check_tracking(
        tmp_path, variables(MLFLOW_TRACKING_URI=f"sqlite:///{tmp_path}/a.db"), 1
    )
    assert absolute.status is Status.OK


def test_file_store_is_refused(tmp_path: Path) -> None:
    found = check_tracking(tmp_path, variables(MLFLOW_TRACKING_URI="./mlruns"), 1)
    assert found.status is Status.FAIL and "file store" in found.detail


def test_database_uri_is_probed(tmp_path: Path) -> None:
    uri = f"postgresql://u:p@127.0.0.1:{free_port()}/db"
    found = check_tracking(tmp_path, variables(MLFLOW_TRACKING_URI=uri), 1)
    assert found.status is Status.FAIL and "cannot connect" in found.detail


class _Handler(BaseHTTPRequestHandler):
    """A proxy in front of MLflow: no /health; the API wants a bearer token."""

    def do_GET(self) -> None:
        if self.path.startswith("/api/2.0/mlflow/experiments/search"):
            if self.headers.get("Authorization") == "Bearer secret":
                self._send(200, json.dumps({"experiments": []}))
            else:
                self._send(401, "{}")
        else:
            self._send(404, "not found")

    def _send(self, status: int, body: str) -> None:
        self.send_response(status)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        """Silent."""


@pytest.fixture
def proxy() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_api_fallback_and_credentials(tmp_path: Path, proxy: str) -> None:
    refused = check_tracking(tmp_path, variables(MLFLOW_TRACKING_URI=proxy), 2)
    assert refused.status is Status.FAIL and "HTTP 401" in refused.detail
    assert "MLFLOW_TRACKING_TOKEN" in refused.fix
    env = variables(MLFLOW_TRACKING_URI=proxy, MLFLOW_TRACKING_TOKEN="secret")
    answered = check_tracking(tmp_path, env, 2)
    assert answered.status is Status.OK and "REST API" in answered.detail
    elsewhere = check_tracking(tmp_path, variables(MLFLOW_TRACKING_URI=f"{proxy}/other"), 2)
    assert elsewhere.status is Status.FAIL and "is this an MLflow server?" in elsewhere.detail


# --- The environment and DVC's configuration ----------------------------------------------


def test_dotenv_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(
        "# comment\nexport A=1\nB='two words' # note\nC=\nnot a pair\nD=\"x=y\"\n"
    )
    assert read_dotenv(tmp_path / ".env") == {"A": "1", "B": "two words", "C": "", "D": "x=y"}
    monkeypatch.setenv("A", "env")
    merged = project_environment(tmp_path)
    assert merged["A"] == Variable("env", "environment")
    assert merged["B"] == Variable("two words", ".env")
    assert "C" not in merged


def test_config_local_overrides_config(tmp_path: Path) -> None:
    root = project(
        tmp_path / "p",
        "s3://bucket/path",
        local="['remote \"storage\"']\n    url = /srv/dvc\n['remote \"backup\"']\n    url = gs://b\n",
    )
    found = remotes(read_config(root / ".dvc"))
    assert [(r.name, r.url, r.default) for r in found] == [
        ("storage", "/srv/dvc", True),
        ("backup", "gs://b", False),
    ]
    assert parse_config("[core]\nremote=x\n") == {"core": {"remote": "x"}}


def test_local_remote(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "../../store/dvc")
    created = check_dvc(root, {}, 1)
    assert [f.status for f in created] == [Status.OK]
    assert created[0].detail == f"local folder {tmp_path / 'store/dvc'}: `dvc push` creates it"
    (tmp_path / "store/dvc").mkdir(parents=True)
    assert check_dvc(root, {}, 1)[0].detail.endswith("exists and is writable")
    (tmp_path / "file").write_text("")
    blocked = check_dvc(project(tmp_path / "q", "../../file/dvc"), {}, 1)[0]
    assert blocked.status is Status.FAIL and "is a file" in blocked.detail


def test_without_dvc_or_remote(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert check_dvc(plain, {}, 1)[0].status is Status.OK
    (plain / "dvc.yaml").write_text("stages: {}\n")
    uninitialised = check_dvc(plain, {}, 1)[0]
    assert uninitialised.status is Status.FAIL and uninitialised.fix == "dvc init"
    no_remote = check_dvc(project(tmp_path / "p"), {}, 1)
    assert no_remote[0].status is Status.WARN and "dvc remote add" in no_remote[0].fix


def test_cloud_remotes_report_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws, ~/.ssh or gcloud login
    s3 = project(tmp_path / "s3", "s3://bucket/x")
    assert check_dvc(s3, {}, 1)[0].status is Status.WARN
    keys = variables(AWS_ACCESS_KEY_ID="a", AWS_SECRET_ACCESS_KEY="b")
    found = check_dvc(s3, keys, 1)[0]
    assert found.status is Status.OK and "AWS_ACCESS_KEY_ID" in found.detail
    gs = project(tmp_path / "gs", "gs://bucket/x")
    assert check_dvc(gs, {}, 1)[0].status is Status.WARN
    assert check_dvc(gs, variables(GOOGLE_APPLICATION_CREDENTIALS="k.json"), 1)[0].status is (
        Status.OK
    )
    azure = project(tmp_path / "az", "azure://container/x")
    conn = variables(AZURE_STORAGE_CONNECTION_STRING="x")
    assert check_dvc(azure, conn, 1)[0].status is Status.OK


def test_unreachable_endpoints_fail_fast(tmp_path: Path) -> None:
    port = free_port()
    minio = project(
        tmp_path / "minio",
        "s3://bucket/x",
        local=f"['remote \"storage\"']\n    endpointurl = http://127.0.0.1:{port}\n",
    )
    ssh = project(tmp_path / "ssh", f"ssh://user@127.0.0.1:{port}/srv/dvc")
    started = time.monotonic()
    for root in (minio, ssh):
        found = check_dvc(root, {}, 1)[0]
        assert found.status is Status.FAIL and "cannot connect" in found.detail
    assert time.monotonic() - started < 5
