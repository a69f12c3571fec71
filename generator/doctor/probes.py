"""Network probes with hard timeouts: the doctor must answer even when a host drops packets."""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping


def tcp_reason(host: str, port: int, timeout: float) -> str | None:
    """None when `host:port` accepts a TCP connection, else why not (refused, timeout...)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except TimeoutError:
        return f"no answer from {host}:{port} within {timeout:g} s"
    except OSError as error:
        return f"cannot connect to {host}:{port} ({error.strerror or error})"


def http_get(
    url: str, timeout: float, headers: Mapping[str, str] | None = None
) -> tuple[int | None, str]:
    """GET `url`: (HTTP status, body start) or (None, why there was no answer)."""
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(2000).decode("utf-8", "replace")
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return None, f"no answer within {timeout:g} s"
        if isinstance(reason, OSError) and reason.strerror:
            return None, reason.strerror.lower()
        return None, str(reason)
    except (TimeoutError, OSError) as error:
        return None, str(error) or f"no answer within {timeout:g} s"


def auth_headers(env: Mapping[str, str]) -> dict[str, str]:
    """The headers MLflow's client would send: a bearer token or basic auth, when configured."""
    if token := env.get("MLFLOW_TRACKING_TOKEN"):
        return {"Authorization": f"Bearer {token}"}
    user, password = env.get("MLFLOW_TRACKING_USERNAME"), env.get("MLFLOW_TRACKING_PASSWORD")
    if user and password:
        encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
        return {"Authorization": f"Basic {encoded}"}
    return {}


def is_json(body: str) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True
