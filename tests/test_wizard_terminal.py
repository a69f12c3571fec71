"""The interactive wizard through a real terminal (pexpect): type, get corrected, confirm."""

from __future__ import annotations

import os
from pathlib import Path

import pexpect
import yaml

from tests.cli_helpers import BIN


def spawn(args: list[str], cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "120"}
    return pexpect.spawn(
        str(BIN), args, cwd=str(cwd), env=env, encoding="utf-8", timeout=60, dimensions=(50, 120)
    )


def answer(child: pexpect.spawn, question: str, text: str) -> None:
    child.expect(question)
    child.expect(">")
    child.sendline(text)


def test_interactive_session_creates_project(template_repo: Path, tmp_path: Path) -> None:
    child = spawn(["new", "--no-setup"], tmp_path)
    child.expect("project_name")
    child.expect("Human-readable name")  # help text is shown with every question
    child.expect(">")
    child.sendline("Churn Model")
    # An invalid distribution name is explained and asked again.
    answer(child, "distribution_name", "Churn Model!")
    child.expect("lowercase letters, digits and single dashes")
    child.expect(">")
    child.sendline("")  # Enter takes the derived default, churn-model
    answer(child, "package_name", "")
    answer(child, "description", "Predicts churn.")
    answer(child, "author_name", "Ada")
    answer(child, "author_email", "ada@example.com")
    child.expect("python_version")
    child.expect(r"1\. 3\.11 \(default\)")  # choices are numbered, the default marked
    child.expect(">")
    child.sendline("3")  # the third choice: 3.12
    answer(child, "git_lfs", "n")
    # Enter takes the defaults: a local DVC remote, uv, MIT, MkDocs.
    for name in ("dvc_remote", "env_manager", "license", "docs"):
        answer(child, name, "")
    child.expect("ci")
    child.expect(">")
    child.sendline("")
    answer(child, "tracking_backend", "")
    child.expect("Create the project")
    child.sendline("y")
    child.expect("rendered")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    answers = yaml.safe_load((tmp_path / "churn-model" / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "Churn Model"
    assert answers["distribution_name"] == "churn-model"
    assert answers["package_name"] == "churn_model"
    assert answers["python_version"] == "3.12"
    assert answers["git_lfs"] is False
    assert answers["author_name"] == "Ada"


def test_declining_the_summary_writes_nothing(template_repo: Path, tmp_path: Path) -> None:
    child = spawn(["new", "p", "--no-setup", "--data", "project_name=P"], tmp_path)
    for _ in range(30):  # Enter on every question, however many there are
        index = child.expect([">", "Create the project"])
        if index == 1:
            break
        child.sendline("")
    child.sendline("n")
    child.expect("aborted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert list(tmp_path.iterdir()) == []
