"""Every `mlops-scaffold` example of the README runs as written, in order, in one folder.

The README's two fresh-machine commands are run by tests/test_user_install.py (the install) and
by CI itself (the tests); here are the usage examples. The wizard's example runs in a real
terminal (pexpect) and is declined at the confirmation, the others with no terminal at all.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pexpect
import pytest

from tests.cli_helpers import BIN, run_cli
from tests.conftest import REPO_ROOT
from tests.test_wizard_terminal import drive

pytestmark = pytest.mark.slow


def readme_examples() -> list[str]:
    """Lines of the README's shell blocks that run the tool, comments dropped."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command.startswith("mlops-scaffold "):
                lines.append(command)
    return lines


def test_the_readme_has_the_examples_this_test_runs() -> None:
    examples = readme_examples()
    assert "mlops-scaffold new" in examples
    assert any(" --yes" in line and "-d " in line for line in examples)
    assert any(line.startswith("mlops-scaffold setup ") for line in examples)


def test_every_readme_example_runs_as_written(template_repo: Path, tmp_path: Path) -> None:
    for example in readme_examples():
        argv = shlex.split(example)[1:]
        if argv == ["new"]:  # the wizard: every default, declined at the summary
            env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "120"}
            child = pexpect.spawn(
                str(BIN), argv, cwd=str(tmp_path), env=env, encoding="utf-8", timeout=60
            )
            drive(child, {})
            child.sendline("n")
            child.expect("aborted; nothing was written")
            child.expect(pexpect.EOF)
            continue
        done = run_cli(*argv, cwd=tmp_path)
        assert done.returncode == 0, f"{example}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stdout + done.stderr
    made = sorted(path.name for path in tmp_path.iterdir())
    assert made == ["churn-model", *(f"churn-model-{n}" for n in (2, 3, 5))], made
    answers = (tmp_path / "churn-model-2" / ".copier-answers.yml").read_text()
    assert "project_name: Churn Model" in answers and "git_lfs: false" in answers
