"""The interactive wizard through a real terminal (pexpect): type, get corrected, confirm."""

from __future__ import annotations

import os
from pathlib import Path

import pexpect
import yaml

from tests.cli_helpers import BIN

HEADER = r"\r\n([a-z][a-z0-9_]*)\r\n"  # the question's name, alone on its line
PROMPT = r"  > [^\r\n]*: "  # rich's prompt, with the default in parentheses
SUMMARY = "Create the project"


def spawn(args: list[str], cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "120"}
    return pexpect.spawn(
        str(BIN), args, cwd=str(cwd), env=env, encoding="utf-8", timeout=60, dimensions=(50, 120)
    )


def drive(child: pexpect.spawn, replies: dict[str, list[str]]) -> dict[str, str]:
    """Answer each question by name (Enter for the others) until the summary.

    A prompt that comes back without a new question header is the same question asked again
    after an invalid answer. Returns what the terminal showed before each prompt.
    """
    shown: dict[str, str] = {}
    current = ""
    while True:
        index = child.expect([HEADER, PROMPT, SUMMARY])
        if index == 2:
            return shown
        if index == 0:
            current = child.match.group(1)
            child.expect(PROMPT)
            shown[current] = child.before
        else:
            shown[current] = shown.get(current, "") + "\n[asked again]\n" + child.before
        queue = replies.get(current, [])
        child.sendline(queue.pop(0) if queue else "")


def test_interactive_session_creates_project(template_repo: Path, tmp_path: Path) -> None:
    child = spawn(["new", "--no-setup"], tmp_path)
    shown = drive(
        child,
        {
            "project_name": ["Churn Model"],
            # An invalid answer is explained and asked again; Enter then takes the default.
            "distribution_name": ["Churn Model!", ""],
            "author_name": ["Ada"],
            "python_version": ["3"],  # the third numbered choice
            "git_lfs": ["n"],
        },
    )
    child.sendline("y")
    child.expect("rendered")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before

    # Whitespace-insensitive: rich wraps long lines at the terminal's width (80 on TERM=dumb).
    seen = {name: " ".join(text.split()) for name, text in shown.items()}
    assert "Human-readable name" in seen["project_name"]  # help under every question
    assert "lowercase letters, digits and single dashes" in seen["distribution_name"]
    assert "[asked again]" in seen["distribution_name"]
    assert "1. 3.11 (default)" in seen["python_version"]  # numbered, default marked
    answers = yaml.safe_load((tmp_path / "churn-model" / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "Churn Model"
    assert answers["distribution_name"] == "churn-model"
    assert answers["package_name"] == "churn_model"
    assert answers["python_version"] == "3.12"
    assert answers["git_lfs"] is False
    assert answers["author_name"] == "Ada"


def test_declining_the_summary_writes_nothing(template_repo: Path, tmp_path: Path) -> None:
    child = spawn(["new", "p", "--no-setup", "--data", "project_name=P"], tmp_path)
    shown = drive(child, {})
    assert "project_name" not in shown  # answered on the command line, never asked
    child.sendline("n")
    child.expect("aborted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert list(tmp_path.iterdir()) == []
