"""What the CLI prints reads right where it lands: a table on a terminal, one unbroken line per
finding in a pipe or a CI log, and help without type columns."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pexpect
import pytest

from tests.cli_helpers import BIN, run_cli
from tests.conftest import git

COMMANDS = ("new", "setup", "adopt", "update", "options", "check", "doctor")


@pytest.fixture(scope="module")
def project_with_a_finding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("output")
    project = root / "project"
    done = run_cli("new", str(project), "--defaults", "--no-setup")
    assert done.returncode == 0, done.stdout + done.stderr
    deep = project / "data" / "raw" / "a-rather-long-folder-name-for-the-table" / "big.bin"
    deep.parent.mkdir(parents=True)
    deep.write_bytes(b"\0" * 2048)
    git("init", "-q", "-b", "main", cwd=project)
    git("add", "-A", cwd=project)
    git("add", "-f", str(deep.relative_to(project)), cwd=project)
    git("commit", "-q", "-m", "with data", cwd=project)
    return project


def test_check_in_a_pipe_prints_one_line_per_finding(project_with_a_finding: Path) -> None:
    done = subprocess.run(
        [str(BIN), "check", str(project_with_a_finding)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert done.returncode == 1
    path = "data/raw/a-rather-long-folder-name-for-the-table/big.bin"
    lines = [line for line in done.stdout.splitlines() if path in line]
    assert lines, done.stdout
    assert all(line.startswith(f"{path}") and " error [" in line for line in lines), lines
    assert "(fix: " in lines[0]
    assert "┃" not in done.stdout and "│" not in done.stdout
    assert done.stdout.rstrip().splitlines()[-1].startswith("mlops-scaffold check failed")


def test_check_on_a_terminal_prints_the_table(project_with_a_finding: Path) -> None:
    env = {**os.environ, "TERM": "xterm", "NO_COLOR": "1"}
    child = pexpect.spawn(
        str(BIN), ["check", str(project_with_a_finding)], env=env, encoding="utf-8",
        dimensions=(50, 160), timeout=60,
    )  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "│" in child.before and "How to fix" in child.before


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_type_columns(command: str) -> None:
    done = run_cli(command, "--help")
    assert done.returncode == 0, done.stderr
    assert "<bool>" not in done.stdout, done.stdout
    assert "--help" in done.stdout
