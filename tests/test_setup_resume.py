"""Setup interrupted with Ctrl-C at each step, in a real terminal, then finished with the one
command the message names: the project ends complete, as if nothing had happened."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
from pathlib import Path

import pexpect
import pytest
import yaml

from tests.cli_helpers import BIN, run_cli
from tests.conftest import git

pytestmark = pytest.mark.slow

STEPS = (
    "git init",
    "git lfs install",
    "environment (uv sync)",
    "bytecode of the imported modules",
    "dvc init",
    "dvc add (the raw table)",
    "pre-commit install",
    "first commit",
    "pipeline run (make repro)",
    "baseline commit",
)
FINISH = re.compile(r"Finish the setup with: ([^\r\n]+)")


def _as_in_a_terminal() -> None:
    """Ctrl-C reaches a command typed in a terminal: a test run started in the background of
    a non-interactive shell ignores SIGINT, and its children would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _spawn(argv: list[str], cwd: Path) -> pexpect.spawn:
    # A real terminal (not TERM=dumb, where rich draws no live progress): each step shows as
    # it starts.
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "200"}
    return pexpect.spawn(
        argv[0], argv[1:], cwd=str(cwd), env=env, encoding="utf-8", timeout=300,
        dimensions=(60, 200), preexec_fn=_as_in_a_terminal,
    )  # fmt: skip


def _interrupt_at(child: pexpect.spawn, step: str) -> tuple[str, str] | None:
    """Ctrl-C as soon as `step` shows; returns (the step the message names, its command).

    None when the setup finished first: the last step takes a few milliseconds, so on a busy
    machine the Ctrl-C can come after it.
    """
    child.expect_exact(step)
    child.sendintr()
    if child.expect([FINISH, pexpect.EOF]) == 1:
        child.close()
        assert step == STEPS[-1] and child.exitstatus == 0, (child.exitstatus, child.before)
        return None
    command = child.match.group(1).strip()
    shown = child.before + child.match.group(0)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, (child.exitstatus, shown)
    during = re.search(r"setup interrupted during (.+?);", shown)
    return (during.group(1) if during else ""), command


def test_setup_interrupted_at_each_step_resumes_to_a_complete_project(
    template_repo: Path, tmp_path: Path
) -> None:
    project = tmp_path / "resumed"
    child = _spawn([str(BIN), "new", str(project), "--defaults"], tmp_path)
    interrupted: list[str] = []
    commands: set[str] = set()
    for step in STEPS:
        cut = _interrupt_at(child, step)
        if cut is None:
            break  # the setup is complete
        during, command = cut
        interrupted.append(during)
        commands.add(command)
        # The folder now holds a rendered project: `new` again names the same command.
        again = run_cli("new", str(project), "--defaults")
        assert again.returncode == 1 and command in " ".join(again.stderr.split()), again.stderr
        child = _spawn(shlex.split(command), tmp_path)
    else:
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before

    # One command, named every time; the long steps were really cut short.
    on_path = shutil.which("mlops-scaffold")
    tool = "mlops-scaffold" if on_path and Path(on_path) == BIN else str(BIN)
    assert commands == {f"{tool} setup {project}"}
    assert "environment (uv sync)" in interrupted and "pipeline run (make repro)" in interrupted
    assert git("rev-list", "--count", "HEAD", cwd=project).strip() == "2"
    assert git("status", "--porcelain", cwd=project) == ""
    assert "dvc.lock" in git("ls-files", cwd=project).split()
    assert (project / ".git" / "hooks" / "pre-commit").is_file()
    done = run_cli("check", str(project), "--strict")
    assert done.returncode == 0, done.stdout
    commit = yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"]
    assert commit.startswith("v"), commit


def test_setup_of_a_render_only_project_sets_it_up(template_repo: Path, tmp_path: Path) -> None:
    """`new --no-setup` then `setup --no-run`: git, environment and hooks, one commit."""
    project = tmp_path / "later"
    assert run_cli("new", str(project), "--defaults", "--no-setup").returncode == 0
    done = run_cli("setup", str(project), "--no-run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert git("rev-list", "--count", "HEAD", cwd=project).strip() == "1"
    assert git("status", "--porcelain", cwd=project) == ""
    assert not (project / "dvc.lock").exists()


def test_setup_refuses_a_folder_that_is_not_a_rendered_project(tmp_path: Path) -> None:
    done = run_cli("setup", str(tmp_path))
    assert done.returncode == 1
    assert "has no .copier-answers.yml" in done.stderr and "Traceback" not in done.stderr
