"""Check the project's DVC remotes: a local folder must be writable; a cloud or ssh remote
must have credentials in reach. No DVC import and no cloud API call, only short TCP probes
of self-hosted endpoints, so the check never hangs on a network that drops packets.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from generator.doctor.dvc_config import Remote, read_config, remotes
from generator.doctor.environment import Variable
from generator.doctor.probes import tcp_reason
from generator.doctor.report import Finding, Status

ADD_REMOTE = "dvc remote add -d storage <url>  (credentials in .dvc/config.local or the env)"


def check_dvc(root: Path, env: dict[str, Variable], timeout: float) -> list[Finding]:
    """One finding per configured remote, or one saying why there is none."""
    dvc_dir = root / ".dvc"
    if not dvc_dir.is_dir():
        if (root / "dvc.yaml").is_file():
            return [Finding("DVC remote", Status.FAIL, "DVC is not initialised", "dvc init")]
        return [Finding("DVC remote", Status.OK, "the project does not use DVC")]
    found = remotes(read_config(dvc_dir))
    if not found:
        return [
            Finding("DVC remote", Status.WARN, "no remote: data stays on this machine", ADD_REMOTE)
        ]
    findings = [_check_remote(remote, dvc_dir, env, timeout) for remote in found]
    if not any(remote.default for remote in found):
        names = ", ".join(r.name for r in found)
        findings.append(
            Finding(
                "DVC remote",
                Status.WARN,
                f"no default remote (core.remote); configured: {names}",
                f"dvc remote default {found[0].name}",
            )
        )
    return findings


def _check_remote(
    remote: Remote, dvc_dir: Path, env: dict[str, Variable], timeout: float
) -> Finding:
    scheme = urlsplit(remote.url).scheme.lower()
    label = f"DVC remote {remote.name}" + (" (default)" if remote.default else "")
    if scheme in ("", "file") or len(scheme) == 1:  # one letter: a Windows drive
        return _check_local(remote, dvc_dir, label)
    checker = _CLOUD.get(scheme)
    if checker is None:
        return Finding(label, Status.WARN, f"{remote.url}: {scheme} remotes are not checked")
    return checker(remote, env, timeout, label)


def _check_local(remote: Remote, dvc_dir: Path, label: str) -> Finding:
    raw = urlsplit(remote.url).path if remote.url.startswith("file:") else remote.url
    path = Path(os.path.normpath(dvc_dir / Path(raw).expanduser()))
    if path.is_dir():
        if os.access(path, os.W_OK | os.X_OK):
            return Finding(label, Status.OK, f"local folder {path} exists and is writable")
        return Finding(label, Status.FAIL, f"local folder {path} is not writable", _chmod(path))
    # `dvc push` creates the folder and its parents: the nearest existing one must allow it.
    ancestor = next(p for p in path.parents if p.exists())
    if not ancestor.is_dir():
        return Finding(
            label, Status.FAIL, f"{ancestor} is a file, not a folder", "change the remote's url"
        )
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return Finding(label, Status.FAIL, f"cannot create {path}", _chmod(ancestor))
    return Finding(label, Status.OK, f"local folder {path}: `dvc push` creates it")


def _chmod(path: Path) -> str:
    return f"make {path} writable for your user (chmod/chown), or change the remote's url"


def _present(env: dict[str, Variable], *names: str) -> str | None:
    """'A, B (environment)' when every name is set, else None."""
    if all(name in env for name in names):
        sources = sorted({env[name].source for name in names})
        return f"{', '.join(names)} ({', '.join(sources)})"
    return None


def _first(*candidates: str | None) -> str | None:
    return next((c for c in candidates if c), None)


def _file(path: str | None) -> str | None:
    return path if path and Path(path).expanduser().is_file() else None


def _credentials(remote: Remote, label: str, found: str | None, missing: str, fix: str) -> Finding:
    if found:
        return Finding(label, Status.OK, f"{remote.url}: credentials from {found} (not verified)")
    return Finding(label, Status.WARN, f"{remote.url}: {missing}", fix)


def _endpoint_probe(remote: Remote, endpoint: str, label: str, timeout: float) -> Finding | None:
    parts = urlsplit(endpoint)
    if not parts.hostname:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if reason := tcp_reason(parts.hostname, port, timeout):
        return Finding(
            label, Status.FAIL, f"{remote.url}: endpoint {reason}", "start the object store"
        )
    return None


def _check_s3(remote: Remote, env: dict[str, Variable], timeout: float, label: str) -> Finding:
    endpoint = remote.options.get("endpointurl")
    if endpoint and (failed := _endpoint_probe(remote, endpoint, label, timeout)):
        return failed
    options = remote.options
    found = _first(
        _present(env, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
        _present(env, "AWS_PROFILE"),
        _present(env, "AWS_WEB_IDENTITY_TOKEN_FILE"),
        "access_key_id in the DVC config" if "access_key_id" in options else None,
        "profile in the DVC config" if "profile" in options else None,
        _file(options.get("credentialpath")),
        _file("~/.aws/credentials"),
    )
    return _credentials(
        remote,
        label,
        found,
        "no AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws)",
        "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or put them in .env), or "
        f"dvc remote modify --local {remote.name} profile <name>",
    )


def _check_gcs(remote: Remote, env: dict[str, Variable], timeout: float, label: str) -> Finding:
    adc = "~/.config/gcloud/application_default_credentials.json"
    found = _first(
        _present(env, "GOOGLE_APPLICATION_CREDENTIALS"),
        _file(remote.options.get("credentialpath")),
        _file(adc),
    )
    return _credentials(
        remote,
        label,
        found,
        "no Google credentials (GOOGLE_APPLICATION_CREDENTIALS or gcloud login)",
        "gcloud auth application-default login, or export "
        "GOOGLE_APPLICATION_CREDENTIALS=<key.json>",
    )


def _check_azure(remote: Remote, env: dict[str, Variable], timeout: float, label: str) -> Finding:
    options = remote.options
    found = _first(
        _present(env, "AZURE_STORAGE_CONNECTION_STRING"),
        _present(env, "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_KEY"),
        _present(env, "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_SAS_TOKEN"),
        _present(env, "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID"),
        next(
            (
                f"{key} in the DVC config"
                for key in ("connection_string", "account_key", "sas_token")
                if key in options
            ),
            None,
        ),
    )
    return _credentials(
        remote,
        label,
        found,
        "no Azure credentials (AZURE_STORAGE_CONNECTION_STRING, account key, SAS or client secret)",
        f"dvc remote modify --local {remote.name} connection_string <string>, or export "
        "AZURE_STORAGE_CONNECTION_STRING",
    )


def _check_ssh(remote: Remote, env: dict[str, Variable], timeout: float, label: str) -> Finding:
    parts = urlsplit(remote.url)
    host = parts.hostname or ""
    port = int(remote.options.get("port") or parts.port or 22)
    if reason := tcp_reason(host, port, timeout):
        return Finding(
            label, Status.FAIL, f"{remote.url}: {reason}", f"check that {host} is reachable"
        )
    keys = ("id_ed25519", "id_ecdsa", "id_rsa")
    found = _first(
        _file(remote.options.get("keyfile")),
        "password in the DVC config" if "password" in remote.options else None,
        _present(env, "SSH_AUTH_SOCK"),
        next((f"~/.ssh/{k}" for k in keys if _file(f"~/.ssh/{k}")), None),
    )
    return _credentials(
        remote,
        label,
        found,
        "no SSH key (keyfile, ssh-agent or ~/.ssh/id_*)",
        f"dvc remote modify --local {remote.name} keyfile <path>, or ssh-add your key",
    )


_CLOUD: dict[str, Callable[[Remote, dict[str, Variable], float, str], Finding]] = {
    "s3": _check_s3,
    "gs": _check_gcs,
    "gcs": _check_gcs,
    "azure": _check_azure,
    "ssh": _check_ssh,
}
