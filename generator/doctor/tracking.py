"""Check the MLflow tracking URI the project will use, without importing mlflow.

sqlite: the database's folder must be writable (MLflow creates the file). http(s): the
server's `/health` or its REST API must answer. Other stores get the cheapest honest probe.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from generator.doctor.environment import Variable
from generator.doctor.probes import auth_headers, http_get, is_json, tcp_reason
from generator.doctor.report import Finding, Status

CHECK = "MLflow tracking"
DEFAULT_URI = "sqlite:///mlflow.db"
SEARCH_API = "/api/2.0/mlflow/experiments/search?max_results=1"
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mssql": 1433}


def check_tracking(root: Path, env: dict[str, Variable], timeout: float) -> Finding:
    """Where runs will go, and whether that store answers."""
    configured = env.get("MLFLOW_TRACKING_URI")
    uri = configured.value.strip() if configured else DEFAULT_URI
    origin = f"MLFLOW_TRACKING_URI from {configured.source}" if configured else "default"
    scheme = urlsplit(uri).scheme.lower()
    base = scheme.split("+", 1)[0]
    if base in ("http", "https"):
        plain = {name: var.value for name, var in env.items()}
        return _check_server(uri, origin, plain, root, timeout)
    if base == "sqlite":
        return _check_sqlite(uri, origin, root)
    if base in DEFAULT_PORTS:
        return _check_database(uri, origin, base, timeout)
    if base in ("", "file"):
        return Finding(
            CHECK,
            Status.FAIL,
            f"{uri} ({origin}) is a file store, which MLflow 3 refuses",
            f"use a database: MLFLOW_TRACKING_URI={DEFAULT_URI} (or unset it), or a server URL",
        )
    return Finding(CHECK, Status.WARN, f"{uri} ({origin}): not checked for scheme {scheme}")


def _check_server(
    uri: str, origin: str, env: dict[str, str], root: Path, timeout: float
) -> Finding:
    base = uri.rstrip("/")
    status, body = http_get(f"{base}/health", timeout)
    if status == 200:
        return Finding(CHECK, Status.OK, f"{uri} ({origin}) answers /health")
    if status is None:  # nothing answered: asking the API would only wait again
        return Finding(
            CHECK, Status.FAIL, f"{uri} ({origin}): {body}", _start_server_fix(uri, origin, root)
        )
    # A proxy in front of the server may hide /health: ask the REST API itself.
    api_status, api_body = http_get(f"{base}{SEARCH_API}", timeout, auth_headers(env))
    if api_status == 200 and is_json(api_body):
        return Finding(CHECK, Status.OK, f"{uri} ({origin}) answers the REST API")
    if api_status in (401, 403):
        return Finding(
            CHECK,
            Status.FAIL,
            f"{uri} ({origin}) refused the credentials (HTTP {api_status})",
            "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or "
            "MLFLOW_TRACKING_TOKEN) in .env",
        )
    answer = f"HTTP {api_status}" if api_status else api_body
    why = f"HTTP {status} on /health, {answer} on the REST API: is this an MLflow server?"
    return Finding(CHECK, Status.FAIL, f"{uri} ({origin}): {why}", "correct MLFLOW_TRACKING_URI")


def _start_server_fix(uri: str, origin: str, root: Path) -> str:
    host = (urlsplit(uri).hostname or "").lower()
    where = ".env" if ".env" in origin else "the environment"
    fixes = []
    if host in ("127.0.0.1", "localhost", "::1"):
        if (root / "deploy" / "tracking" / "docker-compose.yml").is_file():
            fixes.append("start it: docker compose -f deploy/tracking/docker-compose.yml up -d")
        fixes.append("start it without Docker: make tracking-server")
    else:
        fixes.append(f"check that the server is up and {host} is reachable from here")
    fixes.append(f"correct MLFLOW_TRACKING_URI in {where}")
    return "; or ".join(fixes)


def _check_sqlite(uri: str, origin: str, root: Path) -> Finding:
    raw = urlsplit(uri).path
    if raw in ("", "/", "/:memory:"):
        return Finding(CHECK, Status.WARN, f"{uri} ({origin}) is in memory: runs are lost")
    # sqlite:///relative.db -> "/relative.db"; sqlite:////abs.db -> "//abs.db".
    database = Path(raw[1:])
    if not database.is_absolute():
        database = root / database
    folder = database.parent
    shown = _shown(database, root)
    if not folder.is_dir():
        return Finding(
            CHECK, Status.FAIL, f"{uri} ({origin}): folder {folder} missing", f"mkdir -p {folder}"
        )
    if not os.access(folder, os.W_OK | os.X_OK) or (
        database.exists() and not os.access(database, os.W_OK)
    ):
        return Finding(
            CHECK,
            Status.FAIL,
            f"{uri} ({origin}): {shown} is not writable",
            f"make {folder} writable for your user (chmod/chown)",
        )
    state = "exists" if database.exists() else "is created on the first run"
    return Finding(CHECK, Status.OK, f"SQLite database {shown} ({origin}) {state}, writable")


def _check_database(uri: str, origin: str, base: str, timeout: float) -> Finding:
    parts = urlsplit(uri)
    host, port = parts.hostname or "localhost", parts.port or DEFAULT_PORTS[base]
    shown = f"{base} database on {host}:{port} ({origin})"
    if reason := tcp_reason(host, port, timeout):
        return Finding(
            CHECK, Status.FAIL, f"{shown}: {reason}", "start the database or correct the URI"
        )
    return Finding(CHECK, Status.OK, f"{shown} accepts connections (login not checked)")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
