"""`mlops-scaffold options` and the README's table come from copier.yml and must agree."""

from __future__ import annotations

from pathlib import Path

from generator.options import README_BEGIN, README_END, options_markdown
from generator.questions import load_questions
from tests.cli_helpers import run_cli

REPO = Path(__file__).resolve().parents[1]


def test_readme_table_matches_copier_yml() -> None:
    readme = (REPO / "README.md").read_text()
    start, end = readme.index(README_BEGIN), readme.index(README_END) + len(README_END)
    expected = options_markdown(load_questions(REPO / "copier.yml"))
    assert readme[start:end] == expected, (
        "README options table is stale: regenerate it with `mlops-scaffold options --markdown`"
    )


def test_options_lists_every_asked_question() -> None:
    done = run_cli("options", env={"COLUMNS": "250"})
    assert done.returncode == 0, done.stderr
    for question in load_questions(REPO / "copier.yml"):
        if question.computed:
            assert question.name not in done.stdout
        else:
            assert question.name in done.stdout
            assert question.help[:40] in done.stdout


def test_every_question_has_help_and_default() -> None:
    for question in load_questions(REPO / "copier.yml"):
        assert question.default is not None, question.name
        if not question.computed:
            assert question.help, question.name
