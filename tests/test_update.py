"""`mlops-scaffold update` on projects made by `mlops-scaffold new`, against real tagged copies of
the template: the three-way merge keeps both sides, conflicts are inline and unmerged, answers
can change, refusals change nothing, and plain `copier update` still works on our projects."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_template_repo
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from project_env import run
from template_versions import (
    RENDERED,
    answers,
    cli,
    commit_all,
    edit_text,
    fingerprint,
    git,
    new_project,
    release,
    replace_once,
    unmerged,
)

from generator.template_source import CANONICAL_URL, OVERRIDE_ENV


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tagged copy (v0.1.0) of the real template and a project made from it by
    `mlops-scaffold new --defaults`, committed; tests work on copies of both."""
    root = tmp_path_factory.mktemp("pristine")
    template = make_template_repo(root / "template", "v0.1.0")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(OVERRIDE_ENV, str(template))
        project = new_project(root / "project")
    return template, project


@pytest.fixture
def template(pristine: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own template repository (tag v0.1.0), used as the tool's template source."""
    repo = shutil.copytree(pristine[0], tmp_path / "template", symlinks=True)
    monkeypatch.setenv(OVERRIDE_ENV, str(repo))
    return repo


@pytest.fixture
def project(pristine: tuple[Path, Path], template: Path, tmp_path: Path) -> Path:
    """This test's own copy of the project made at v0.1.0."""
    return shutil.copytree(pristine[1], tmp_path / "project", symlinks=True)


def _append(line: str):
    return lambda text: text + line + "\n"


def test_new_records_exact_version(project: Path) -> None:
    recorded = answers(project)
    assert recorded["_commit"] == "v0.1.0"
    assert recorded["_src_path"] == CANONICAL_URL


def test_both_sides_kept_without_conflict(template: Path, project: Path) -> None:
    edit_text(project / "pyproject.toml", _append("# user: kept after the update"))
    (project / "notes.md").write_text("my notes\n")
    commit_all(project, "user edits")
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(t / RENDERED / ".gitignore", _append("# template v0.2.0 rule")),
    )

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 0, result.output
    assert "v0.1.0 -> v0.2.0" in result.output
    assert "# user: kept after the update" in (project / "pyproject.toml").read_text()
    assert (project / ".gitignore").read_text().endswith("# template v0.2.0 rule\n")
    assert (project / "notes.md").read_text() == "my notes\n"
    assert answers(project)["_commit"] == "v0.2.0"
    assert not unmerged(project)
    assert "<<<<<<<" not in (project / ".gitignore").read_text()
    assert ".gitignore" in result.output  # reported as merged


def test_same_lines_conflict_inline_and_unmerged(template: Path, project: Path) -> None:
    first = (project / ".gitignore").read_text().splitlines()[0]
    edit_text(project / ".gitignore", replace_once(first, "# user's first line"))
    commit_all(project, "user edits")
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(
            t / RENDERED / ".gitignore", replace_once(first, "# template's first line")
        ),
    )

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 1, result.output
    text = (project / ".gitignore").read_text()
    assert "<<<<<<< before updating" in text
    assert ">>>>>>> after updating" in text
    assert "# user's first line" in text and "# template's first line" in text
    assert unmerged(project) == {".gitignore"}
    assert "UU .gitignore" in git("status", "--porcelain", cwd=project).splitlines()
    assert "conflicts" in result.output and "unmerged" in result.output


def test_deleted_removed_and_added_files(template: Path, project: Path) -> None:
    user_deleted = project / "data" / "external" / ".gitkeep"
    template_removed = Path("reports") / "figures" / ".gitkeep"
    assert user_deleted.is_file() and (project / template_removed).is_file()
    user_deleted.unlink()
    commit_all(project, "user deletes a file")

    def edit(t: Path) -> None:
        (t / RENDERED / template_removed).unlink()
        (t / RENDERED / "docs").mkdir(exist_ok=True)
        (t / RENDERED / "docs" / "added-in-v0.2.0.md").write_text("# New in v0.2.0\n")

    release(template, "v0.2.0", edit)

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 0, result.output
    assert not user_deleted.exists()
    assert not (project / template_removed).exists()
    assert (project / "docs" / "added-in-v0.2.0.md").read_text() == "# New in v0.2.0\n"
    assert "docs/added-in-v0.2.0.md" in result.output
    assert str(template_removed) in result.output


def test_changing_an_answer_removes_lfs_rules(template: Path, project: Path) -> None:
    assert answers(project)["git_lfs"] is True
    assert "filter=lfs" in (project / ".gitattributes").read_text()
    release(template, "v0.2.0", lambda t: None)

    result = cli("update", str(project), "--defaults", "--data", "git_lfs=false")

    assert result.exit_code == 0, result.output
    assert "filter=lfs" not in (project / ".gitattributes").read_text()
    assert answers(project)["git_lfs"] is False
    assert answers(project)["_commit"] == "v0.2.0"


def test_changing_an_answer_without_new_version(project: Path) -> None:
    result = cli("update", str(project), "--defaults", "--data", "git_lfs=false")

    assert result.exit_code == 0, result.output
    assert "filter=lfs" not in (project / ".gitattributes").read_text()
    assert answers(project)["_commit"] == "v0.1.0"


def test_ci_none_removes_github_folder(template: Path, project: Path) -> None:
    if not (project / ".github").is_dir():
        pytest.skip("the template renders no .github/ yet (CI templates land separately)")
    result = cli("update", str(project), "--defaults", "--data", "ci=none")

    assert result.exit_code == 0, result.output
    assert not (project / ".github").exists()
    assert answers(project)["ci"] == "none"


def test_new_question_is_answered_and_recorded(template: Path, project: Path) -> None:
    def edit(t: Path) -> None:
        question = (
            "\nlicense_holder:\n  type: str\n  help: Who holds the copyright.\n"
            "  default: The Authors\n"
        )
        text = (t / "copier.yml").read_text()
        marker = "# Computed values"
        (t / "copier.yml").write_text(text.replace(marker, question + "\n" + marker, 1))
        (t / RENDERED / "NOTICE.jinja").write_text("Copyright {{ license_holder }}\n")

    release(template, "v0.2.0", edit)

    result = cli("update", str(project), "--defaults", "--data", "license_holder=ACME")

    assert result.exit_code == 0, result.output
    assert (project / "NOTICE").read_text() == "Copyright ACME\n"
    assert answers(project)["license_holder"] == "ACME"


def test_migration_renames_a_file_on_update(template: Path, tmp_path: Path) -> None:
    """A breaking change ships a `_migrations` step: v0.2.0 renames a file, and an `after`
    migration carries the project's own (edited) copy to the new name. (A `before` step that
    `git mv`s the file instead ends in a whole-file conflict: Copier's old render has no file
    under the new name, so the merge base is empty.)"""
    old, new = Path("docs", "guide.md"), Path("docs", "user-guide.md")
    guide = "".join(f"Guide line {n}.\n" for n in range(10))

    def add_guide(t: Path) -> None:
        (t / RENDERED / "docs").mkdir(exist_ok=True)
        (t / RENDERED / old).write_text(guide)

    release(template, "v0.1.1", add_guide)
    project = new_project(tmp_path / "project")
    edit_text(project / old, _append("User addition, carried through the rename."))
    commit_all(project, "user edits")

    def rename(t: Path) -> None:
        (t / RENDERED / old).rename(t / RENDERED / new)
        migration = (
            "_migrations:\n"
            "  - version: v0.2.0\n"
            "    when: \"{{ _stage == 'after' }}\"\n"
            f"    command: git show HEAD:{old} > {new}\n"
        )
        text = (t / "copier.yml").read_text()
        (t / "copier.yml").write_text(text.replace("\n\n", "\n" + migration + "\n", 1))

    release(template, "v0.2.0", rename)

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 0, result.output
    assert not (project / old).exists()
    assert (project / new).read_text() == guide + "User addition, carried through the rename.\n"
    assert not unmerged(project)


def test_check_reports_newer_version(template: Path, project: Path) -> None:
    current = cli("update", str(project), "--check")
    assert current.exit_code == 0, current.output
    assert "up to date" in current.output

    release(template, "v0.2.0", lambda t: None)
    behind = cli("update", str(project), "--check")
    assert behind.exit_code == 1
    assert len(behind.output.strip().splitlines()) == 1
    assert "v0.1.0 -> v0.2.0" in behind.output


def test_dry_run_prints_diff_and_writes_nothing(template: Path, project: Path) -> None:
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(t / RENDERED / ".gitignore", _append("# template v0.2.0 rule")),
    )
    before = fingerprint(project)

    result = cli("update", str(project), "--defaults", "--dry-run")

    assert result.exit_code == 0, result.output
    assert "+# template v0.2.0 rule" in result.output
    assert "+_commit: v0.2.0" in result.output
    assert fingerprint(project) == before


def test_update_to_chosen_version_from_a_bundle(
    template: Path, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A git bundle (what the wheel ships) as the source; `--to` picks a version below the
    newest, and its questions are read from the bundle itself."""
    for tag in ("v0.2.0", "v0.3.0"):
        rule = f"# template {tag} rule"
        release(
            template,
            tag,
            lambda t, rule=rule: edit_text(t / RENDERED / ".gitignore", _append(rule)),
        )
    bundle = tmp_path / "template.bundle"
    git("bundle", "create", str(bundle), "--all", cwd=template)
    monkeypatch.setenv(OVERRIDE_ENV, str(bundle))

    result = cli("update", str(project), "--defaults", "--to", "0.2.0")

    assert result.exit_code == 0, result.output
    assert answers(project)["_commit"] == "v0.2.0"
    assert "# template v0.2.0 rule" in (project / ".gitignore").read_text()
    assert "# template v0.3.0 rule" not in (project / ".gitignore").read_text()
    unknown = cli("update", str(project), "--to", "v9.9.9")
    assert unknown.exit_code == 2
    assert "'v9.9.9' not found (available: v0.1.0, v0.2.0, v0.3.0)" in unknown.output


@pytest.mark.parametrize("dirt", ["untracked", "modified"])
def test_dirty_tree_is_refused(template: Path, project: Path, dirt: str) -> None:
    release(template, "v0.2.0", lambda t: None)
    if dirt == "untracked":
        (project / "scratch.txt").write_text("work in progress\n")
        name = "scratch.txt"
    else:
        edit_text(project / "pyproject.toml", _append("# uncommitted"))
        name = "pyproject.toml"
    before = fingerprint(project)

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 2, result.output
    assert "uncommitted changes" in result.output and name in result.output
    assert fingerprint(project) == before


def test_missing_answers_file_is_refused(template: Path, project: Path) -> None:
    (project / ".copier-answers.yml").unlink()
    commit_all(project, "drop the answers file")
    release(template, "v0.2.0", lambda t: None)
    before = fingerprint(project)

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 2, result.output
    assert ".copier-answers.yml" in result.output
    assert fingerprint(project) == before


def test_downgrade_is_refused(template: Path, tmp_path: Path) -> None:
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(t / RENDERED / ".gitignore", _append("# template v0.2.0 rule")),
    )
    project = new_project(tmp_path / "at-v0.2.0")
    assert answers(project)["_commit"] == "v0.2.0"
    before = fingerprint(project)

    result = cli("update", str(project), "--defaults", "--to", "0.1.0")

    assert result.exit_code == 2, result.output
    assert "downgrade" in result.output
    assert fingerprint(project) == before


def test_not_a_git_repository_is_refused(template: Path, tmp_path: Path) -> None:
    result = cli("new", str(tmp_path / "loose"), "--defaults", "--no-setup")
    assert result.exit_code == 0, result.output

    refused = cli("update", str(tmp_path / "loose"), "--defaults")

    assert refused.exit_code == 2
    assert "git" in refused.output


# Files a user edits with `#` comments. Not the answers file (Copier's own), nor
# .pre-commit-config.yaml: it pins the template version, so every update changes it.
COMMENTED = (".py", ".toml", ".yaml", ".yml", ".cfg", "Makefile", ".dvcignore", ".gitattributes")


def _commented_files(project: Path) -> list[str]:
    names = git("ls-files", cwd=project).splitlines()
    skipped = (".pre-commit-config.yaml", ".copier-answers.yml")
    return sorted(n for n in names if n.endswith(COMMENTED) and n not in skipped)


@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example is a real update
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_separate_edits_all_survive(
    pristine: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Random user edits across the project, and template edits to other lines of .gitignore
    (more than two lines from any user edit, so no hunk touches both): all of them survive."""
    root = tmp_path_factory.mktemp("prop")
    template = shutil.copytree(pristine[0], root / "template", symlinks=True)
    project = shutil.copytree(pristine[1], root / "project", symlinks=True)
    rules = (project / ".gitignore").read_text().splitlines()
    user_lines = data.draw(
        st.sets(st.integers(0, len(rules) - 1), min_size=1, max_size=4),
        label="user's .gitignore lines",
    )
    apart = [n for n in range(len(rules)) if all(abs(n - u) > 2 for u in user_lines)]
    template_lines = data.draw(
        st.sets(st.sampled_from(apart), min_size=1, max_size=6),
        label="template's .gitignore lines",
    )
    inserts = data.draw(
        st.lists(
            st.tuples(st.sampled_from(_commented_files(project)), st.integers(0, 10**6)),
            min_size=1,
            max_size=8,
        ),
        label="comment lines inserted (file, position)",
    )

    edit_text(project / ".gitignore", lambda text: _replace_lines(text, user_lines, "user"))
    expected: list[tuple[str, str]] = []
    for number, (name, position) in enumerate(inserts):
        line = f"# user edit {number}"
        lines_of = (project / name).read_text().splitlines(keepends=True)
        lines_of.insert(position % (len(lines_of) + 1), line + "\n")
        (project / name).write_text("".join(lines_of))
        expected.append((name, line))
    commit_all(project, "user edits")
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(
            t / RENDERED / ".gitignore",
            lambda text: _replace_lines(text, template_lines, "template"),
        ),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(OVERRIDE_ENV, str(template))
        result = cli("update", str(project), "--defaults")

    assert result.exit_code == 0, result.output
    merged = (project / ".gitignore").read_text().splitlines()
    for n, rule in enumerate(rules):
        who = "user" if n in user_lines else "template" if n in template_lines else None
        assert merged[n] == (f"# {who} {n}" if who else rule)
    for name, line in expected:
        assert line in (project / name).read_text().splitlines(), name
    assert answers(project)["_commit"] == "v0.2.0"


def _replace_lines(text: str, numbers: set[int], who: str) -> str:
    lines = [f"# {who} {n}" if n in numbers else line for n, line in enumerate(text.splitlines())]
    return "\n".join(lines) + "\n"


def test_plain_copier_update_works_on_our_project(
    template: Path, project: Path, tmp_path: Path
) -> None:
    """Interoperability: `copier update` alone, with the canonical URL sent to the template
    repository by an insteadOf rule in the (test's isolated) git configuration."""
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(t / RENDERED / ".gitignore", _append("# template v0.2.0 rule")),
    )
    gitconfig = tmp_path / "gitconfig"
    shutil.copy(os.environ["GIT_CONFIG_GLOBAL"], gitconfig)
    subprocess.run(
        ["git", "config", "--file", str(gitconfig), f"url.{template}.insteadOf", CANONICAL_URL],
        check=True,
    )
    env = {k: v for k, v in os.environ.items() if k != OVERRIDE_ENV}
    env |= {"GIT_CONFIG_GLOBAL": str(gitconfig), "COPIER_CACHE_DIR": str(tmp_path / "cache")}
    copier = Path(sys.executable).parent / "copier"

    done = subprocess.run(
        [str(copier), "update", "--defaults", "--trust", "--skip-answered"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )

    assert done.returncode == 0, done.stderr
    assert answers(project)["_commit"] == "v0.2.0"
    assert (project / ".gitignore").read_text().endswith("# template v0.2.0 rule\n")


@pytest.mark.slow
def test_pipeline_runs_after_update(template: Path, project: Path) -> None:
    """The generated project's own pipeline still runs after an update: `uv sync` and
    `dvc repro` in a project that was set up (environment, DVC) before updating."""
    assert (project / "dvc.yaml").is_file(), "the template renders no dvc.yaml"
    run("uv", "sync", "--python", "3.11", cwd=project)
    if not (project / ".dvc" / "config").is_file():  # the template ships .dvc/ with its remote
        run("uv", "run", "dvc", "init", "-q", cwd=project)
    commit_all(project, "environment lock and DVC")
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(t / RENDERED / ".gitignore", _append("# template v0.2.0 rule")),
    )

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 0, result.output
    assert answers(project)["_commit"] == "v0.2.0"
    commit_all(project, "update to v0.2.0")
    run("uv", "sync", "--python", "3.11", cwd=project)
    run("uv", "run", "dvc", "repro", cwd=project)
    assert (project / "dvc.lock").is_file()


PNG_V1 = bytes.fromhex("89504e470d0a1a0a") + b"\0template logo v1" + bytes(32)
PNG_V2 = bytes.fromhex("89504e470d0a1a0a") + b"\0template logo v2" + bytes(32)
LATIN1 = "Café du template\n".encode("latin-1")
UTF16 = "notes du template\n".encode("utf-16")


@pytest.fixture
def binary_project(
    pristine: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A template whose v0.1.1 ships a PNG, a Latin-1 and a UTF-16 file, and a project made
    from v0.1.1 in which the user changed all three (committed)."""
    template = shutil.copytree(pristine[0], tmp_path / "template", symlinks=True)
    monkeypatch.setenv(OVERRIDE_ENV, str(template))

    def add(t: Path) -> None:
        (t / RENDERED / "assets").mkdir(parents=True, exist_ok=True)
        (t / RENDERED / "assets" / "logo.png").write_bytes(PNG_V1)
        (t / RENDERED / "assets" / "latin1.txt").write_bytes(LATIN1)
        (t / RENDERED / "assets" / "notes.txt").write_bytes(UTF16)

    release(template, "v0.1.1", add)
    project = new_project(tmp_path / "project")
    (project / "assets" / "logo.png").write_bytes(PNG_V1 + b"user's edit")
    (project / "assets" / "latin1.txt").write_bytes("Café de l'utilisateur\n".encode("latin-1"))
    (project / "assets" / "notes.txt").write_bytes("notes de l'utilisateur\n".encode("utf-16"))
    commit_all(project, "user edits binaries")
    return template, project


def test_user_changes_to_binary_and_non_utf8_files_survive_an_update(
    binary_project: tuple[Path, Path],
) -> None:
    template, project = binary_project
    edited = {
        name: (project / "assets" / name).read_bytes()
        for name in ("logo.png", "latin1.txt", "notes.txt")
    }
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(t / RENDERED / ".gitignore", _append("# template v0.2.0 rule")),
    )

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 0, result.output
    for name, data in edited.items():
        assert (project / "assets" / name).read_bytes() == data, name
    assert (project / ".gitignore").read_text().endswith("# template v0.2.0 rule\n")
    assert not unmerged(project)


def test_binary_changed_on_both_sides_is_an_unmerged_conflict(
    binary_project: tuple[Path, Path],
) -> None:
    template, project = binary_project
    mine = (project / "assets" / "logo.png").read_bytes()
    release(
        template, "v0.2.0", lambda t: (t / RENDERED / "assets" / "logo.png").write_bytes(PNG_V2)
    )

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 1, result.output
    assert (project / "assets" / "logo.png").read_bytes() == mine  # the user's, in the tree
    assert "assets/logo.png" in unmerged(project)
    git("checkout", "--theirs", "--", "assets/logo.png", cwd=project)
    assert (project / "assets" / "logo.png").read_bytes() == PNG_V2


def test_failed_update_that_changed_nothing_does_not_advise_a_reset(
    template: Path, project: Path
) -> None:
    before = fingerprint(project)
    release(
        template,
        "v0.2.0",
        lambda t: (t / RENDERED / "BROKEN.md.jinja").write_text("{{ unclosed \n"),
    )

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 3, result.output
    assert "nothing was changed" in result.output, git("status", "--porcelain", cwd=project)
    assert "git reset" not in result.output
    assert fingerprint(project) == before


def test_symlinked_answers_file_stays_a_symlink(template: Path, project: Path) -> None:
    shared = project / "config" / "copier-answers.yml"
    shared.parent.mkdir()
    (project / ".copier-answers.yml").rename(shared)
    (project / ".copier-answers.yml").symlink_to(Path("config") / "copier-answers.yml")
    commit_all(project, "answers in config/")
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(t / RENDERED / ".gitignore", _append("# template v0.2.0 rule")),
    )

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 0, result.output
    link = project / ".copier-answers.yml"
    assert link.is_symlink() and os.readlink(link) == "config/copier-answers.yml"
    assert answers(project)["_commit"] == "v0.2.0"  # read through the link
    assert "_commit: v0.2.0" in shared.read_text()


def test_template_change_to_a_renamed_file_is_reported_with_its_diff(
    template: Path, project: Path
) -> None:
    git("mv", "Makefile", "tasks.mk", cwd=project)
    commit_all(project, "user renames the Makefile")
    release(
        template,
        "v0.2.0",
        lambda t: edit_text(t / RENDERED / "Makefile.jinja", _append("# template v0.2.0 target")),
    )

    result = cli("update", str(project), "--defaults")

    assert result.exit_code == 0, result.output
    assert "the template changed Makefile, which you renamed to tasks.mk" in result.output
    assert "+# template v0.2.0 target" in result.output
    assert "--- a/Makefile" in result.output


BINARY_NAMES = ("logo.png", "latin1.txt", "notes.txt")


@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example is a real update
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_binary_utf16_and_renamed_edits_all_survive(
    pristine: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """User edits to binary, Latin-1 and UTF-16 files and a rename; template edits to the
    other binary files and to the renamed file: the user's bytes all survive, the template's
    edits land, and the change to the renamed file is reported with its diff."""
    root = tmp_path_factory.mktemp("binprop")
    template = shutil.copytree(pristine[0], root / "template", symlinks=True)
    user = data.draw(st.sets(st.sampled_from(BINARY_NAMES), max_size=3), label="user edits")
    left = [n for n in BINARY_NAMES if n not in user]
    theirs = data.draw(st.sets(st.sampled_from(left)) if left else st.just(set()), label="template")
    rename = data.draw(st.booleans(), label="user renames the Makefile")
    contents = {
        "logo.png": PNG_V1,
        "latin1.txt": LATIN1,
        "notes.txt": UTF16,
    }
    encodings = {"logo.png": None, "latin1.txt": "latin-1", "notes.txt": "utf-16"}

    def payload(name: str, who: str) -> bytes:
        if encodings[name] is None:
            return PNG_V1 + b"\0" + data.draw(st.binary(min_size=1, max_size=40), label=who)
        text = data.draw(st.text(st.characters(codec="latin-1"), max_size=30), label=who)
        return f"{who}: {text}\n".encode(encodings[name])

    def add(t: Path) -> None:
        (t / RENDERED / "assets").mkdir(parents=True, exist_ok=True)
        for name, content in contents.items():
            (t / RENDERED / "assets" / name).write_bytes(content)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(OVERRIDE_ENV, str(template))
        release(template, "v0.1.1", add)
        project = new_project(root / "project")
        mine = {name: payload(name, "user") for name in sorted(user)}
        for name, content in mine.items():
            (project / "assets" / name).write_bytes(content)
        if rename:
            git("mv", "Makefile", "tasks.mk", cwd=project)
        commit_all(project, "user edits")
        new = {name: payload(name, "template") for name in sorted(theirs)}

        def change(t: Path) -> None:
            for name, content in new.items():
                (t / RENDERED / "assets" / name).write_bytes(content)
            edit_text(t / RENDERED / "Makefile.jinja", _append("# template v0.2.0 target"))

        release(template, "v0.2.0", change)
        result = cli("update", str(project), "--defaults")

    assert result.exit_code == 0, result.output
    for name, content in {**mine, **new}.items():
        assert (project / "assets" / name).read_bytes() == content, name
    if rename:
        assert "which you renamed to tasks.mk" in result.output
        assert not (project / "Makefile").exists()
    else:
        assert (project / "Makefile").read_text().endswith("# template v0.2.0 target\n")
    assert not unmerged(project)
