"""Property: whatever the answers, destination names and file bytes, `new --no-setup`, `update`
and `check` end with an exit code and a message, never a traceback and never a partial folder.

The commands run in-process with exceptions propagating, so any exception that escapes the
CLI's error handling fails the example. Answers mix hostile strings (rich markup, Jinja, path
tricks, control characters, very long names) with arbitrary Unicode; files get arbitrary bytes.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from checks_project import commit_all as commit_checks_project
from checks_project import make_project
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from template_versions import cli, commit_all, fingerprint, git, new_project

from generator.template_source import OVERRIDE_ENV

HOSTILE = [
    "",
    " ",
    "[/x]",
    "[bold]b[/bold]",
    "{{ 7*7 }}",
    "{% raw %}",
    "{{ cycler.__init__.__globals__.os }}",
    "../..",
    "a/b",
    "a" * 300,
    "\x1b[31mred",
    "tab\there",
    "line\nbreak",
    "$(touch pwned)",
    '"quoted"',
    "mlflow",
    "test",
    "__future__",
    "Café ☕",
]
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
)
QUESTIONS = ["project_name", "description", "author_name", "package_name", "distribution_name"]
FILE_BYTES = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [
            "project_name: Café\n".encode("latin-1"),
            "project_name: x\n".encode("utf-16"),
            b"a: &a [*a]\n",
            b'description: "a\\0b"\n',
            b"- just\n- a list\n",
            b"project_name: [unclosed\n",
            b"_commit: 5\n_src_path: [1]\n",
        ]
    ),
    TEXT.map(lambda text: f"description: {text!r}\n".encode()),
)
EXAMPLES = itertools.count()
SETTINGS = settings(
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example is a real command
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _no_partial(root: Path) -> bool:
    return not any(path.name.endswith(".partial") for path in root.rglob("*"))


@settings(SETTINGS, max_examples=12)
@given(
    answers=st.dictionaries(st.sampled_from(QUESTIONS), TEXT, max_size=3),
    dest_name=TEXT.filter(lambda name: "/" not in name and name not in (".", "..")),
    answers_file=st.none() | FILE_BYTES,
)
@example(answers={"description": "[/x] {{ 7*7 }}"}, dest_name="{{ 7*7 }}", answers_file=None)
@example(answers={}, dest_name="[bold]x[red]", answers_file=b'author_name: "[bold]me"\n')
def test_new_never_tracebacks_nor_leaves_a_partial_folder(
    template_repo: Path,
    tmp_path_factory: pytest.TempPathFactory,
    answers: dict[str, str],
    dest_name: str,
    answers_file: bytes | None,
) -> None:
    root = tmp_path_factory.mktemp(f"new{next(EXAMPLES)}")
    base = root / "base"
    base.mkdir()
    args = ["new", str(base / dest_name) if dest_name else "", "--defaults", "--no-setup"]
    if answers_file is not None:
        (root / "answers.yml").write_bytes(answers_file)
        args += ["--answers-file", str(root / "answers.yml")]
    for name, value in answers.items():
        args += ["-d", f"{name}={value}"]

    result = cli(*args)

    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert _no_partial(root)
    if result.exit_code == 0:
        assert (base / dest_name / ".copier-answers.yml").is_file()
        assert sorted(p.name for p in base.iterdir()) == [dest_name]
    else:
        assert list(base.iterdir()) == [], result.output


@pytest.fixture(scope="module")
def made(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_project(tmp_path_factory.mktemp("made") / "project")


@settings(SETTINGS, max_examples=6)
@given(
    answers=st.dictionaries(st.sampled_from(["description", "author_name"]), TEXT, max_size=2),
    answers_file=st.none() | FILE_BYTES,
)
@example(answers={"description": "[/x] [bold]"}, answers_file=None)
@example(answers={}, answers_file="_commit: caf\xe9\n".encode("latin-1"))
def test_update_never_tracebacks_and_a_refusal_changes_nothing(
    made: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    template_repo: Path,
    answers: dict[str, str],
    answers_file: bytes | None,
) -> None:
    monkeypatch.setenv(OVERRIDE_ENV, str(template_repo))
    project = shutil.copytree(
        made, tmp_path_factory.mktemp(f"update{next(EXAMPLES)}") / "p", symlinks=True
    )
    if answers_file is not None:
        (project / ".copier-answers.yml").write_bytes(answers_file)
        commit_all(project, "answers by hand")
    before = fingerprint(project)
    head = git("rev-parse", "HEAD", cwd=project)
    args = ["update", str(project), "--defaults"]
    for name, value in answers.items():
        args += ["-d", f"{name}={value}"]

    result = cli(*args)

    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert git("rev-parse", "HEAD", cwd=project) == head
    if result.exit_code == 2:
        assert fingerprint(project) == before, result.output
        assert "git reset --hard" not in result.output


CHECKED_FILES = [
    "params.yaml",
    "dvc.yaml",
    "dvc.lock",
    "pyproject.toml",
    ".copier-answers.yml",
    "notebooks/explore.ipynb",
    "data/raw.csv.dvc",
    ".github/workflows/ci.yml",
    "src/demo/train.py",
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("checked") / "demo")


@settings(SETTINGS, max_examples=40)
@given(files=st.dictionaries(st.sampled_from(CHECKED_FILES), FILE_BYTES, min_size=1, max_size=3))
def test_check_never_tracebacks(
    checked: Path, tmp_path_factory: pytest.TempPathFactory, files: dict[str, bytes]
) -> None:
    project = shutil.copytree(
        checked, tmp_path_factory.mktemp(f"check{next(EXAMPLES)}") / "demo", symlinks=True
    )
    for relpath, data in files.items():
        path = project / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    commit_checks_project(project)

    result = cli("check", str(project), "--format", "text")

    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
