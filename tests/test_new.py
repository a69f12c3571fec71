"""`mlops-scaffold new` without a terminal: defaults, --data, answers files, dry runs, refusals."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.cli_helpers import assert_one_line_error, run_cli, tree_snapshot
from tests.conftest import git, make_template_repo


def answers_of(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def test_defaults_render_every_default(template_repo: Path, tmp_path: Path) -> None:
    done = run_cli("new", str(tmp_path / "churn-model"), "--defaults", "--no-setup")
    assert done.returncode == 0, done.stderr
    answers = answers_of(tmp_path / "churn-model")
    assert answers["project_name"] == "churn-model"  # the folder name is the default
    assert answers["distribution_name"] == "churn-model"
    assert answers["package_name"] == "churn_model"
    assert answers["_src_path"] == "https://github.com/mlops-scaffold/mlops-scaffold.git"
    assert answers["_commit"] == "v0.1.0"


@pytest.mark.parametrize(
    ("tracker", "versioning", "step", "absent"),
    [
        ("mlflow", "dvc", "make ui", "make sync"),
        ("wandb", "dvc", "make sync", "make ui"),
        ("none", "none", "make repro", "make ui"),
    ],
)
def test_next_steps_name_only_targets_the_project_has(
    template_repo: Path, tmp_path: Path, tracker: str, versioning: str, step: str, absent: str
) -> None:
    project = tmp_path / "p"
    flags = ("-d", f"tracker={tracker}", "-d", f"data_versioning={versioning}")
    done = run_cli("new", str(project), "--defaults", "--no-setup", *flags)
    assert done.returncode == 0, done.stderr
    assert step in done.stdout and absent not in done.stdout, done.stdout
    assert ("dvc repro" in done.stdout) == (versioning == "dvc"), done.stdout
    makefile = (project / "Makefile").read_text()
    steps = [line.strip(" │") for line in done.stdout.splitlines()]
    targets = [step.split()[1] for step in steps if step.startswith("make ")]
    assert len(targets) >= 2, done.stdout
    for target in targets:
        assert f"\n{target}:" in makefile, (target, tracker)


def test_data_overrides_and_derives_later_defaults(template_repo: Path, tmp_path: Path) -> None:
    done = run_cli(
        "new",
        str(tmp_path / "p"),
        "--defaults",
        "--no-setup",
        "--data",
        "project_name=Fraud Detector",
        "-d",
        "git_lfs=no",
    )
    assert done.returncode == 0, done.stderr
    answers = answers_of(tmp_path / "p")
    assert answers["distribution_name"] == "fraud-detector"
    assert answers["package_name"] == "fraud_detector"
    assert answers["git_lfs"] is False


def test_answers_file_then_data_wins(template_repo: Path, tmp_path: Path) -> None:
    answers_file = tmp_path / "answers.yml"
    answers_file.write_text(
        "_commit: ignored\nproject_name: From File\nauthor_name: Ada\npython_version: '3.12'\n"
    )
    done = run_cli(
        "new",
        str(tmp_path / "p"),
        "--answers-file",
        str(answers_file),
        "--data",
        "author_name=Grace",
        "--defaults",
        "--no-setup",
    )
    assert done.returncode == 0, done.stderr
    answers = answers_of(tmp_path / "p")
    assert answers["project_name"] == "From File"
    assert answers["author_name"] == "Grace"
    assert answers["python_version"] == "3.12"


def test_dry_run_writes_nothing(template_repo: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    done = run_cli("new", str(tmp_path / "p"), "--defaults", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert ".copier-answers.yml" in done.stdout
    assert "nothing was written" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_no_terminal_and_unanswered_question_is_an_error(
    template_repo: Path, tmp_path: Path
) -> None:
    done = run_cli("new", str(tmp_path / "p"), "--data", "project_name=X", timeout=60)
    assert_one_line_error(done, 1)
    assert "'distribution_name'" in done.stderr
    assert not (tmp_path / "p").exists()


def test_same_files_as_plain_copier_copy(template_repo: Path, tmp_path: Path) -> None:
    data = ["project_name=Same Files", "author_name=Ada Lovelace", "git_lfs=false"]
    ours = tmp_path / "ours"
    flags = [part for d in data for part in ("--data", d)]
    done = run_cli("new", str(ours), "--defaults", "--no-setup", *flags)
    assert done.returncode == 0, done.stderr
    plain = tmp_path / "plain"
    copier = Path(sys.executable).parent / "copier"
    subprocess.run(
        [
            str(copier),
            "copy",
            "--defaults",
            "--trust",
            "--vcs-ref",
            "HEAD",
            *flags,
            str(template_repo),
            str(plain),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    ours_files, plain_files = tree_snapshot(ours), tree_snapshot(plain)
    # `new` adds the table and the schema inferred from it (data, not template files).
    from_the_table = {"data/raw/breast_cancer.csv", "src/same_files/schema.py"}
    assert sorted(ours_files) == sorted([*plain_files, *from_the_table])
    for name in plain_files:
        if name == ".copier-answers.yml":
            continue
        assert ours_files[name] == plain_files[name], name
    ours_answers, plain_answers = answers_of(ours), answers_of(plain)
    ours_answers.pop("_src_path"), plain_answers.pop("_src_path")
    assert ours_answers == plain_answers


BAD_ANSWERS = [
    ("project_name=", "must not be empty"),
    ("project_name=a/b", "path separators"),
    ("project_name=..", '".."'),
    ("distribution_name=Bad Name", "lowercase"),
    ("distribution_name=-leading", "lowercase"),
    ("distribution_name=../escape", "path separators"),
    ("package_name=1abc", "not a valid lowercase Python identifier"),
    ("package_name=class", "Python keyword"),
    ("package_name=json", "shadow the standard-library"),
    ("package_name=my-pkg", "not a valid lowercase Python identifier"),
    ("package_name=../x", "path separators"),
    ("package_name=test", "loads on its own"),
    ("package_name=__future__", "loads on its own"),
    ("package_name=sitecustomize", "loads on its own"),
    ("package_name=mlflow", "the project's own dependency"),
    ("package_name=sklearn", "the project's own dependency"),
    ("distribution_name=mlflow", "the project's own dependencies"),
    ("description=one\x01two", "control characters"),
    ("package_name=" + "a" * 300, "at most 100 characters"),
    ("distribution_name=" + "a" * 300, "at most 100 characters"),
    ("project_name=" + "a" * 300, "at most 200 characters"),
    ("author_name=a\x1bb", "control characters"),
    ("author_email=not-an-email", "not an email address"),
    ("python_version=2.7", "invalid choice"),
    ("git_lfs=perhaps", "invalid value"),
]


@pytest.mark.parametrize(("answer", "message"), BAD_ANSWERS)
def test_bad_answers_are_refused(
    template_repo: Path, tmp_path: Path, answer: str, message: str
) -> None:
    done = run_cli("new", str(tmp_path / "p"), "--defaults", "-d", answer, timeout=60)
    assert_one_line_error(done, 1)
    assert message in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_derived_default_that_is_invalid_names_the_question(
    template_repo: Path, tmp_path: Path
) -> None:
    done = run_cli("new", str(tmp_path / "json"), "--defaults", timeout=60)
    assert_one_line_error(done, 1)
    assert "package_name" in done.stderr and "standard-library" in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--data", "nonsense"], 2),
        (["--data", "no_such_question=1"], 2),
        (["--answers-file", "/nonexistent/answers.yml"], 2),
    ],
)
def test_usage_errors_exit_2(
    template_repo: Path, tmp_path: Path, args: list[str], code: int
) -> None:
    done = run_cli("new", str(tmp_path / "p"), "--defaults", *args, timeout=60)
    assert_one_line_error(done, code)
    assert not (tmp_path / "p").exists()


def test_answers_file_that_is_not_yaml(template_repo: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("project_name: [unclosed\n")
    done = run_cli("new", str(tmp_path / "p"), "--answers-file", str(bad), "--defaults")
    assert_one_line_error(done, 2)
    assert not (tmp_path / "p").exists()


ANSWERS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("project_name: Caf\xe9\n".encode("latin-1"), "not UTF-8 text (byte 0xe9"),
        ("project_name: x\n".encode("utf-16"), "not UTF-8 text"),
        (bytes(range(256)), "not UTF-8 text"),
        (ANSWERS_BOMB.encode(), "expands to more than"),
        (b"project_name: &a [*a]\n", "contains itself"),
        (b'description: "a\\0b"\n', "control characters"),
    ],
    ids=["latin-1", "utf-16", "binary", "alias-bomb", "recursive", "nul"],
)
def test_answers_file_that_cannot_be_used(
    template_repo: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "answers.yml"
    bad.write_bytes(content)
    done = run_cli("new", str(tmp_path / "p"), "--answers-file", str(bad), "--defaults")
    assert_one_line_error(done)
    assert message in done.stderr
    assert not (tmp_path / "p").exists()


def test_answers_file_that_is_a_device(template_repo: Path, tmp_path: Path) -> None:
    done = run_cli("new", str(tmp_path / "p"), "--answers-file", "/dev/zero", "--defaults")
    assert_one_line_error(done, 2)
    assert "not a regular file" in done.stderr


def test_non_empty_destination_is_refused_and_unchanged(
    template_repo: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "existing"
    (dest / "sub").mkdir(parents=True)
    (dest / "notes.txt").write_text("mine\n")
    (dest / "sub" / "data.bin").write_bytes(b"\x00\x01")
    before = tree_snapshot(dest)
    done = run_cli("new", str(dest), "--defaults")
    assert_one_line_error(done, 1)
    assert "not empty" in done.stderr
    assert tree_snapshot(dest) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]


def test_force_renders_into_non_empty_destination(template_repo: Path, tmp_path: Path) -> None:
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine\n")
    done = run_cli("new", str(dest), "--defaults", "--no-setup", "--force")
    assert done.returncode == 0, done.stderr
    assert (dest / "notes.txt").read_text() == "mine\n"
    assert (dest / ".copier-answers.yml").is_file()


@pytest.mark.parametrize("where", ["file-parent", "proc"])
def test_unwritable_destination(template_repo: Path, tmp_path: Path, where: str) -> None:
    if where == "file-parent":
        (tmp_path / "a-file").write_text("x")
        dest = tmp_path / "a-file" / "project"
    else:
        dest = Path("/proc/mlops-scaffold-test/project")
    done = run_cli("new", str(dest), "--defaults", "--no-setup")
    assert_one_line_error(done, 1)
    assert not dest.exists()


def test_destination_that_is_a_file(template_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("keep me\n")
    done = run_cli("new", str(target), "--defaults", "--no-setup")
    assert_one_line_error(done, 1)
    assert target.read_text() == "keep me\n"


@pytest.fixture
def broken_template(tmp_path: Path) -> Path:
    """The real template plus a file that fails late in the render (a division by zero)."""
    repo = make_template_repo(tmp_path / "broken-template")
    (repo / "templates" / "project" / "zz_fails.txt.jinja").write_text("{{ 1 // 0 }}\n")
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "break", cwd=repo)
    return repo


def test_failure_mid_render_leaves_nothing(broken_template: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    done = run_cli(
        "new",
        str(work / "p"),
        "--defaults",
        "--no-setup",
        env={"MLOPS_SCAFFOLD_TEMPLATE": str(broken_template)},
    )
    assert_one_line_error(done, 1)
    assert "rendering failed" in done.stderr
    assert list(work.iterdir()) == []


def test_failure_mid_render_with_force_keeps_existing_folder(
    broken_template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "keep.txt").write_text("precious\n")
    before = tree_snapshot(dest)
    done = run_cli(
        "new",
        str(dest),
        "--defaults",
        "--no-setup",
        "--force",
        env={"MLOPS_SCAFFOLD_TEMPLATE": str(broken_template)},
    )
    assert_one_line_error(done, 1)
    assert tree_snapshot(dest) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken-template", "existing"]


def test_dry_run_matches_real_render(template_repo: Path, tmp_path: Path) -> None:
    dry = run_cli("new", str(tmp_path / "p"), "--defaults", "--dry-run")
    real = run_cli("new", str(tmp_path / "p"), "--defaults", "--no-setup")
    assert dry.returncode == real.returncode == 0
    written = [p for p in (tmp_path / "p").rglob("*") if p.is_file()]
    assert f"{len(written)} files would be written" in dry.stdout
    assert filecmp.dircmp(tmp_path / "p", tmp_path / "p").left_only == []
    shutil.rmtree(tmp_path / "p")


@pytest.mark.parametrize("kind", ["folder", "symlink"])
def test_existing_empty_destination_is_filled_in_place(
    template_repo: Path, tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    target.chmod(0o750)
    inode = target.stat().st_ino
    dest = target
    if kind == "symlink":
        dest = tmp_path / "link"
        dest.symlink_to(target)
    done = run_cli("new", str(dest), "--defaults", "--no-setup", "-d", "project_name=inplace")
    assert done.returncode == 0, done.stderr
    assert target.stat().st_ino == inode
    assert target.stat().st_mode & 0o777 == 0o750
    assert (target / "pyproject.toml").is_file()
    if kind == "symlink":
        assert dest.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["target"] + (["link"] if kind == "symlink" else [])
    )


def test_dangling_symlink_destination_is_refused(template_repo: Path, tmp_path: Path) -> None:
    dest = tmp_path / "link"
    dest.symlink_to(tmp_path / "nowhere")
    done = run_cli("new", str(dest), "--defaults", "--no-setup")
    assert_one_line_error(done, 1)
    assert "symlink to nothing" in done.stderr


@pytest.mark.parametrize(
    ("dest", "code", "message"),
    [
        ("", 2, "the destination is empty"),
        ("a" * 300, 1, "file systems allow 255"),
    ],
    ids=["empty", "too-long"],
)
def test_destination_that_cannot_be_a_folder_name(
    template_repo: Path, tmp_path: Path, dest: str, code: int, message: str
) -> None:
    done = run_cli("new", dest, "--defaults", "--no-setup", cwd=tmp_path)
    assert_one_line_error(done, code)
    assert message in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_markup_in_answers_and_destination_prints_literally(
    template_repo: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "[/x]"
    done = run_cli(
        "new", str(dest), "--defaults", "--no-setup", "-d", "description=[/x] [bold]b[/bold]"
    )
    assert done.returncode == 0, done.stderr
    assert "[/x] [bold]b[/bold]" in done.stdout
    assert str(dest) in done.stdout.replace("\n", "")


def test_destination_named_like_jinja_is_a_name(template_repo: Path, tmp_path: Path) -> None:
    dest = tmp_path / "{{ 7*7 }}"
    done = run_cli("new", str(dest), "--defaults", "--no-setup", "-d", "package_name=seven")
    assert done.returncode == 0, done.stderr
    assert answers_of(dest)["project_name"] == "{{ 7*7 }}"
    assert answers_of(dest)["distribution_name"] == "7-7"
    assert "{{ 7*7 }}" in (dest / "README.md").read_text()
    assert not (tmp_path / "49").exists()


def test_a_template_from_before_the_table_questions_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    """MLOPS_SCAFFOLD_TEMPLATE may name a fork that never asked for a table: no KeyError."""
    repo = make_template_repo(tmp_path / "old-fork")
    copier_yml = repo / "copier.yml"
    text = copier_yml.read_text()
    for name in ("task", "target", "dataset_file"):
        text = text.replace(f"\n{name}:\n", f"\nold_{name}:\n")
    copier_yml.write_text(text)
    git("commit", "-q", "-am", "a fork from before the table questions", cwd=repo)
    env = {"MLOPS_SCAFFOLD_TEMPLATE": str(repo)}
    work = tmp_path / "work"
    work.mkdir()
    done = run_cli("new", str(work / "p"), "--defaults", "--no-setup", env=env)
    assert_one_line_error(done, 1)
    assert "asks no dataset_file, target, task" in done.stderr, done.stderr
    assert list(work.iterdir()) == []

    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "README.md").write_text("# Existing\n")
    git("init", "-q", "-b", "main", cwd=existing)
    git("add", "-A", cwd=existing)
    git("commit", "-q", "-m", "existing work", cwd=existing)
    before = tree_snapshot(existing)
    done = run_cli("adopt", str(existing), "--defaults", env=env)
    assert_one_line_error(done, 1)
    assert "asks no dataset_file, target, task" in done.stderr, done.stderr
    assert tree_snapshot(existing) == before
