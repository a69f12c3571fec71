"""`make audit` of the generated project (issue 20): pip-audit on the exported lock file.

pip-audit asks OSV (https://api.osv.dev) about every pinned requirement; these machines reach
no such service. So the real pip-audit, through the project's own `make audit` command line,
talks to a stand-in for OSV: a local HTTPS proxy (`HTTPS_PROXY`) that terminates TLS with a
certificate for api.osv.dev signed by a throwaway CA (`REQUESTS_CA_BUNDLE`) and answers OSV's
v1 query API from a fixture. Only the advisory data is ours: the export, pip-audit's client,
its parsing, its table and its exit code are the real ones.
"""

from __future__ import annotations

import http.server
import json
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from project_env import project_env, render_project, run

pytestmark = pytest.mark.slow

ADVISORY = "GHSA-mlop-sc4f-f0ld"  # made up: what a real finding's table row names


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate for api.osv.dev that it signs (openssl)."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-subj", "/CN=test advisory CA", "-days", "1",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
    )  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "osv.key", "-out", "osv.csr",
        "-subj", "/CN=api.osv.dev",
    )  # fmt: skip
    (folder / "san.ext").write_text("subjectAltName=DNS:api.osv.dev\n")
    openssl(
        "x509", "-req", "-in", "osv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "osv.pem", "-days", "1", "-extfile", "san.ext",
    )  # fmt: skip
    return folder / "ca.pem", folder / "osv.pem", folder / "osv.key"


class FakeOSV:
    """OSV's `POST /v1/query`, answering from `vulnerable`: {(name, version): advisory}."""

    def __init__(self, certificate: Path, key: Path) -> None:
        self.vulnerable: dict[tuple[str, str], dict] = {}
        self.queries: list[tuple[str, str]] = []
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(certificate, key)

    def answer(self, query: dict) -> dict:
        key = (query["package"]["name"], query["version"])
        self.queries.append(key)
        advisory = self.vulnerable.get(key)
        return {"vulns": [advisory]} if advisory else {}


def serve_proxy(osv: FakeOSV) -> tuple[socketserver.ThreadingTCPServer, int]:
    """An HTTP CONNECT proxy whose every tunnel ends at `osv`, over TLS."""

    class OSVHandler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.dumps(osv.answer(json.loads(self.rfile.read(length)))).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Tunnel(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            request_line = self.rfile.readline().decode()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            if not request_line.startswith("CONNECT api.osv.dev:443 "):
                self.wfile.write(b"HTTP/1.1 403 Forbidden\r\n\r\n")
                return
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            tls = osv.tls.wrap_socket(self.connection, server_side=True)
            OSVHandler(tls, self.client_address, self.server)

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Tunnel)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


@pytest.fixture(scope="module")
def audited(
    template_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, FakeOSV, dict[str, str]]]:
    """A rendered, locked project, the fake OSV and the environment `make audit` runs in."""
    root = tmp_path_factory.mktemp("audit")
    project = render_project(template_repo, root / "project", ci="github")
    run("uv", "lock", cwd=project)
    # pip-audit itself comes from PyPI once; the audit then runs with uv offline.
    run("uv", "tool", "run", "pip-audit==2.10.1", "--version", cwd=project)
    ca, certificate, key = make_certificates(root)
    osv = FakeOSV(certificate, key)
    server, port = serve_proxy(osv)
    env = project_env() | {
        "HTTPS_PROXY": f"http://127.0.0.1:{port}",
        "https_proxy": f"http://127.0.0.1:{port}",
        "REQUESTS_CA_BUNDLE": str(ca),
        "UV_OFFLINE": "1",
        "TMPDIR": str(root),
    }
    for name in ("NO_PROXY", "no_proxy"):
        env.pop(name, None)
    # pip-audit's cache goes to each test's XDG_CACHE_HOME; uv's stays where pip-audit is.
    env["UV_CACHE_DIR"] = run("uv", "cache", "dir", cwd=project).stdout.strip()
    try:
        yield project, osv, env
    finally:
        server.shutdown()


def make_audit(project: Path, env: dict[str, str], cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "audit"],
        cwd=project,
        env=env | {"XDG_CACHE_HOME": str(cache)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def locked(project: Path) -> set[tuple[str, str]]:
    """Name and version of every package of uv.lock but the project itself."""
    import tomllib

    lock = tomllib.loads((project / "uv.lock").read_text())
    return {
        (package["name"].lower(), package["version"])
        for package in lock["package"]
        if package.get("source", {}).get("editable") != "."
        and package.get("source", {}).get("virtual") != "."
    }


def elsewhere_only(requirements: Path) -> set[str]:
    """Packages whose every line of the exported requirements has a marker false here."""
    from packaging.markers import Marker
    from packaging.requirements import Requirement

    holds: dict[str, bool] = {}
    for line in requirements.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith(("#", "-")):
            continue
        requirement = Requirement(line.split(" \\")[0])
        here = requirement.marker is None or Marker(str(requirement.marker)).evaluate()
        name = requirement.name.lower()
        holds[name] = holds.get(name, False) or here
    return {name for name, here in holds.items() if not here}


def test_audit_checks_every_locked_package_and_passes_when_none_is_known(
    audited, tmp_path: Path
) -> None:
    project, osv, env = audited
    osv.queries.clear()
    osv.vulnerable.clear()
    done = make_audit(project, env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No known vulnerabilities found" in done.stdout + done.stderr
    # Every query is a locked version, and every locked package is asked about except those
    # that only other platforms install (pip-audit evaluates the export's markers here).
    lock = locked(project)
    asked = {(name.lower(), version) for name, version in osv.queries}
    assert asked <= lock, sorted(asked - lock)[:10]
    unasked = {name for name, _ in lock} - {name for name, _ in asked}
    assert unasked == elsewhere_only(Path(env["TMPDIR"]) / "my-ml-project-audit.txt")


def test_a_known_advisory_fails_the_audit_and_is_named(audited, tmp_path: Path) -> None:
    project, osv, env = audited
    version = max(version for name, version in locked(project) if name == "pyyaml")
    osv.vulnerable = {
        ("pyyaml", version): {
            "id": ADVISORY,
            "summary": "Arbitrary code execution in a made-up loader",
            "affected": [
                {
                    "package": {"name": "pyyaml", "ecosystem": "PyPI"},
                    "ranges": [
                        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}
                    ],
                }
            ],
        }
    }
    done = make_audit(project, env, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    row = next(line for line in output.splitlines() if line.startswith("pyyaml "))
    assert version in row and ADVISORY in row and "99.0" in row, row
    assert "Found 1 known vulnerability in 1 package" in output
