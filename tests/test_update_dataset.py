"""A project made with `new --dataset` updates to a newer template version, its schema kept.

schema.py is the user's data contract: the template ships none and lists it in
`_skip_if_exists`, so neither a template change nor a template that starts shipping a file of
that name touches it, and the raw table's file name (an answer) survives the update.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_template_repo
from dataset_helpers import write_mixed_table
from template_versions import RENDERED, answers, cli, commit_all, edit_text, release, replace_once

from generator.template_source import OVERRIDE_ENV

PACKAGE = "house_model"


@pytest.fixture
def template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = make_template_repo(tmp_path / "template", "v0.1.0")
    monkeypatch.setenv(OVERRIDE_ENV, str(repo))
    return repo


def test_update_keeps_the_users_schema_and_table(template: Path, tmp_path: Path) -> None:
    table = tmp_path / "houses.csv"
    write_mixed_table(table, "regression")
    project = tmp_path / "project"
    made = cli(
        "new", str(project), "--defaults", "--no-setup", "--data", f"project_name={PACKAGE}",
        "--dataset", str(table), "--target", "price",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    commit_all(project, "first commit", init=True)
    schema = project / "src" / PACKAGE / "schema.py"
    edit_text(schema, lambda text: text + "\n# my own check, added by hand\n")
    commit_all(project, "tighten the schema")
    before = schema.read_bytes()

    def newer(root: Path) -> None:
        package = root / RENDERED / "src" / "{{ package_name }}"
        edit_text(
            package / "task.py", replace_once('"""What the model', '"""v0.2.0: what the model')
        )
        (package / "schema.py").write_text('TARGET = "shipped by the template"\n')

    release(template, "v0.2.0", newer)
    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 0, result.output
    assert answers(project)["_commit"] == "v0.2.0"
    assert (project / "src" / PACKAGE / "task.py").read_text().startswith('"""v0.2.0: what')
    assert schema.read_bytes() == before
    assert answers(project)["dataset_file"] == "houses.csv"
    assert answers(project)["task"] == "regression"
    assert (project / "data/raw/houses.csv").read_bytes() == table.read_bytes()
