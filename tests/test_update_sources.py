"""`update` recognises our template however a project's `_src_path` spells it, describes bare
commit hashes that older projects recorded, and `--dry-run` needs no clean tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import make_template_repo
from template_versions import (
    RENDERED,
    answers,
    cli,
    commit_all,
    edit_text,
    git,
    new_project,
    release,
)

from generator.template_source import CANONICAL_URL, OVERRIDE_ENV, resolve_source
from generator.update import is_our_template, open_project


@pytest.fixture
def template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = make_template_repo(tmp_path / "template", "v0.1.0")
    monkeypatch.setenv(OVERRIDE_ENV, str(repo))
    return repo


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Path:
    return new_project(tmp_path / "project")


def _record_src_path(project: Path, src_path: str) -> None:
    path = project / ".copier-answers.yml"
    data = yaml.safe_load(path.read_text())
    data["_src_path"] = src_path
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    commit_all(project, f"record {src_path}")


def _release_v2(template: Path) -> None:
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(t / RENDERED / ".gitignore", lambda text: text + "# v0.2.0 rule\n"),
    )


@pytest.mark.parametrize(
    "spelling",
    [
        CANONICAL_URL,
        "https://github.com/MLOps-Scaffold/MLOps-Scaffold",
        "git@github.com:mlops-scaffold/mlops-scaffold.git",
        "ssh://git@github.com/mlops-scaffold/mlops-scaffold.git",
        "gh:mlops-scaffold/mlops-scaffold",
        "git+https://github.com/mlops-scaffold/mlops-scaffold.git/",
    ],
)
def test_every_spelling_of_the_canonical_url_updates(
    template: Path, project: Path, spelling: str
) -> None:
    _record_src_path(project, spelling)
    _release_v2(template)
    result = cli("update", str(project), "--defaults")
    assert result.exit_code == 0, result.output
    assert answers(project)["_commit"] == "v0.2.0"
    assert "# v0.2.0 rule" in (project / ".gitignore").read_text()


def test_a_local_clone_of_the_template_updates(
    template: Path, project: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "my-clone"
    subprocess.run(["git", "clone", "-q", str(template), str(clone)], check=True)
    _record_src_path(project, str(clone))
    _release_v2(template)  # the clone does not have it: the tool's own source does
    result = cli("update", str(project), "--defaults")
    assert result.exit_code == 0, result.output
    assert "# v0.2.0 rule" in (project / ".gitignore").read_text()


def test_the_tools_own_checkout_is_our_template() -> None:
    source = resolve_source()
    assert is_our_template(str(source.origin), source)


@pytest.mark.parametrize("other", ["https://github.com/someone/else.git", "/nonexistent/x"])
def test_another_template_is_refused(template: Path, project: Path, other: str) -> None:
    _record_src_path(project, other)
    result = cli("update", str(project), "--defaults")
    assert result.exit_code == 2, result.output
    assert "names another template" in result.output


def test_an_unrelated_local_repository_is_refused(
    template: Path, project: Path, tmp_path: Path
) -> None:
    unrelated = make_template_repo(tmp_path / "unrelated", "v0.1.0")
    # Same files, other history. Made within the template's second, the same tree, message and
    # identity would be the same commit: a history of its own needs a root of its own.
    git("commit", "-q", "--amend", "-m", "an unrelated template", cwd=unrelated)
    git("tag", "-f", "v0.1.0", cwd=unrelated)
    _record_src_path(project, str(unrelated))
    assert cli("update", str(project), "--defaults").exit_code == 2


def test_a_bare_commit_hash_is_described_and_updates(template: Path, project: Path) -> None:
    """What a template without tags made projects record before versions came from commits."""
    head = git("rev-parse", "--short", "v0.1.0", cwd=template).strip()
    path = project / ".copier-answers.yml"
    path.write_text(path.read_text().replace("_commit: v0.1.0", f"_commit: {head}"))
    commit_all(project, "an old project")
    assert cli("update", str(project), "--check").exit_code == 0
    _release_v2(template)
    behind = cli("update", str(project), "--check")
    assert behind.exit_code == 1 and "v0.1.0 -> v0.2.0" in behind.output, behind.output
    assert cli("update", str(project), "--defaults").exit_code == 0
    assert answers(project)["_commit"] == "v0.2.0"


def test_an_all_digit_commit_hash_is_a_hash_not_a_version(template: Path, project: Path) -> None:
    """`3811168` parses as a PEP 440 version far above v0.2.0: it must still be described."""
    for attempt in range(400):
        git("commit", "-q", "--allow-empty", "-m", f"between releases {attempt}", cwd=template)
        head = git("rev-parse", "--short", "HEAD", cwd=template).strip()
        if head.isdigit():
            break
    else:
        pytest.skip("no all-digit abbreviated hash in 400 commits")
    path = project / ".copier-answers.yml"
    path.write_text(path.read_text().replace("_commit: v0.1.0", f"_commit: {head}"))
    commit_all(project, "a project made between releases")
    _release_v2(template)
    behind = cli("update", str(project), "--check")
    assert behind.exit_code == 1, behind.output
    assert f"v0.1.0-{attempt + 1}-g{head}" in behind.output and "v0.2.0" in behind.output


@pytest.mark.parametrize("spelled", ["0320764", "'0320764'", "3811168"])
def test_a_recorded_hash_is_read_as_written_not_as_a_yaml_number(
    template: Path, project: Path, spelled: str
) -> None:
    """Unquoted, `0320764` is the octal integer 106996 to YAML: CI once met such a hash."""
    path = project / ".copier-answers.yml"
    path.write_text(path.read_text().replace("_commit: v0.1.0", f"_commit: {spelled}"))
    opened = open_project(project, resolve_source())
    assert opened.commit == spelled.strip("'")


def test_dry_run_works_on_a_dirty_tree_and_changes_nothing(template: Path, project: Path) -> None:
    _release_v2(template)
    (project / "dvc_plots").mkdir()
    (project / "dvc_plots" / "index.html").write_text("<html></html>\n")  # ignored now
    (project / "scratch.txt").write_text("work in progress\n")
    before = {
        p: p.read_bytes() for p in project.rglob("*") if p.is_file() and ".git" not in p.parts
    }
    result = cli("update", str(project), "--defaults", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+# v0.2.0 rule" in result.output
    assert "Uncommitted changes are not part of it" in " ".join(result.output.split())
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before
    status = git("status", "--porcelain", cwd=project)
    assert "dvc_plots" not in status and "scratch.txt" in status
