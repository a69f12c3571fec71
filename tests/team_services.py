"""The services `.ci/services` starts (PostgreSQL, an MLflow server on it), as test fixtures.

A developer without PostgreSQL gets a skip that says how to start them; CI, which exports
MLOPS_SCAFFOLD_REQUIRE_SERVICES=1 with `eval "$(bash .ci/services)"`, gets a failure instead,
so the team tests can never pass there by being skipped.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest

STATE = Path(os.environ.get("MLOPS_SCAFFOLD_CI_DIR", "/tmp/mlops-scaffold-ci"))
HOW = "start them with `bash .ci/services` (PostgreSQL and an mlflow server on loopback)"


def _missing(reason: str) -> None:
    if os.environ.get("MLOPS_SCAFFOLD_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}, and CI requires it: {HOW}")
    pytest.skip(f"{reason}: {HOW}")


def _read(name: str) -> str:
    path = STATE / name
    return path.read_text().strip() if path.is_file() else ""


def healthy(uri: str, timeout: float = 3) -> bool:
    """True when the MLflow server at `uri` answers GET /health."""
    try:
        with urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def tracking_server() -> str:
    """The running team server's URI, or skip (fail in CI) when there is none."""
    uri = os.environ.get("MLOPS_SCAFFOLD_TRACKING_URI") or _read("tracking_uri")
    if not uri:
        _missing("no MLflow tracking server was started")
    if not healthy(uri):
        _missing(f"the MLflow tracking server {uri} does not answer /health")
    return uri


def backend_store() -> str:
    """The PostgreSQL URI the team server uses, for a second server on the same database."""
    tracking_server()
    uri = _read("backend_store_uri")
    if not uri:
        _missing("the PostgreSQL URI of the services is unknown")
    return uri


def free_port() -> int:
    """A TCP port nothing listens on now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop a server started with `start_new_session=True` and everything it spawned."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
