"""Start a server command, wait for the first `200` of its /health, stop it: the time a user
waits after typing e.g. `make ui` before the page answers.

    python first_answer.py PORT -- COMMAND...

The command runs in its own session so that everything it starts (make, uv, the CLI, uvicorn,
MLflow's job runner) is stopped with it; exits non-zero when it dies or never answers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import IO

DEADLINE_SECONDS = 300


def answered(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """TERM to the group, then KILL to what outlived its leader (MLflow's job runner)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def main(argv: list[str]) -> int:
    port, separator, *command = argv
    if separator != "--" or not command:
        print("usage: first_answer.py PORT -- COMMAND...", file=sys.stderr)
        return 2
    url = f"http://127.0.0.1:{port}/health"
    # A file, not a pipe: a chatty server never blocks on it.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            return _wait(url, process, log)
        finally:
            stop(process)


def _wait(url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> int:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not answered(url):
        if process.poll() is not None:
            log.seek(0)
            error = log.read().decode(errors="replace")
            print(f"the server stopped before answering: {error[-400:]}", file=sys.stderr)
            return 1
        if time.monotonic() > deadline:
            print(f"no answer from {url} in {DEADLINE_SECONDS} s", file=sys.stderr)
            return 1
        time.sleep(0.05)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
