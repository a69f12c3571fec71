"""`new --template SOURCE`: third-party cookiecutter and Copier templates through our wizard.

Real cookiecutter, real Copier, real git: the templates are made by the tests, rendered from a
folder, a git repository and a zip, and refused without `--trust` when they would run code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pexpect
import pytest
import yaml

from tests.cli_helpers import assert_one_line_error, run_cli, tree_snapshot
from tests.conftest import git
from tests.test_wizard_terminal import spawn

README = (
    "# {{ cookiecutter.project_name }}\n"
    "slug={{ cookiecutter.project_slug }} license={{ cookiecutter.license }} "
    "docker={{ cookiecutter.use_docker }} module={{ cookiecutter.__module }} "
    "private={{ cookiecutter._private }}\n"
)
HOOK = (
    "from pathlib import Path\n\n"
    'Path("HOOK_RAN").write_text("{{ cookiecutter.project_slug }}\\n")\n'
)


def make_cookiecutter_template(root: Path) -> Path:
    """A template with a choice list, a derived default, `_`/`__` variables and a hook."""
    context = {
        "project_name": "Demo Project",
        "project_slug": "{{ cookiecutter.project_name.lower().replace(' ', '-') }}",
        "license": ["MIT", "BSD-3-Clause", "Proprietary"],
        "use_docker": False,
        "_private": "kept",
        "__module": "{{ cookiecutter.project_slug.replace('-', '_') }}",
        "__prompts__": {"project_name": "Human name of the project"},
    }
    project = root / "{{ cookiecutter.project_slug }}"
    project.mkdir(parents=True)
    (root / "cookiecutter.json").write_text(json.dumps(context, indent=2))
    (project / "README.md").write_text(README)
    (root / "hooks").mkdir()
    (root / "hooks" / "post_gen_project.py").write_text(HOOK)
    return root


@pytest.fixture
def cc_template(tmp_path: Path) -> Path:
    return make_cookiecutter_template(tmp_path / "cc-template")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    return work


def readme_fields(project: Path) -> dict[str, str]:
    line = (project / "README.md").read_text().splitlines()[1]
    return dict(item.split("=", 1) for item in line.split())


def git_source(template: Path) -> str:
    git("init", "-q", "-b", "main", cwd=template)
    git("add", "-A", cwd=template)
    git("commit", "-q", "-m", "template", cwd=template)
    return f"file://{template}"


def zip_source(template: Path) -> str:
    archive = shutil.make_archive(
        str(template.parent / "cc-template"), "zip", template.parent, template.name
    )
    return archive


def test_hook_is_refused_without_trust_and_nothing_is_written(
    cc_template: Path, workdir: Path
) -> None:
    before = tree_snapshot(workdir)
    done = run_cli("new", "--template", str(cc_template), "--defaults", cwd=workdir)
    assert_one_line_error(done, 2)
    assert "hooks/post_gen_project.py" in done.stderr
    assert "--trust" in done.stderr
    assert tree_snapshot(workdir) == before
    assert list(workdir.iterdir()) == []


def test_defaults_render_with_trust_run_the_hook_and_commit(
    cc_template: Path, workdir: Path
) -> None:
    done = run_cli("new", "--template", str(cc_template), "--defaults", "--trust", cwd=workdir)
    assert done.returncode == 0, done.stderr + done.stdout
    project = workdir / "demo-project"  # the folder the template names
    assert readme_fields(project) == {
        "slug": "demo-project",
        "license": "MIT",  # a choice list's default is its first item
        "docker": "False",
        "module": "demo_project",  # a `__` variable, computed by cookiecutter, never asked
        "private": "kept",
    }
    assert (project / "HOOK_RAN").read_text() == "demo-project\n"
    assert "__module" not in done.stdout and "_private" not in done.stdout
    # The setup steps of `new`: git and a first commit; ours that need our files skip.
    assert git("log", "--format=%s", cwd=project).splitlines() == [
        f"Initial commit from mlops-scaffold {_version()}"
    ]
    assert git("status", "--porcelain", cwd=project) == ""
    assert "not this template's setup" in done.stdout  # none of our environment steps
    assert sorted(p.name for p in workdir.iterdir()) == ["demo-project"]  # no staging left


def test_setup_of_a_third_party_project_with_pyproject_adds_no_lock_file(
    cc_template: Path, workdir: Path
) -> None:
    (cc_template / "{{ cookiecutter.project_slug }}" / "pyproject.toml").write_text(
        '[project]\nname = "{{ cookiecutter.project_slug }}"\nversion = "0.1.0"\n'
    )
    done = run_cli("new", "--template", str(cc_template), "--defaults", "--trust", cwd=workdir)
    assert done.returncode == 0, done.stderr + done.stdout
    project = workdir / "demo-project"
    assert not (project / "uv.lock").exists() and not (project / ".venv").exists()
    assert git("status", "--porcelain", cwd=project) == ""
    assert len(git("log", "--format=%s", cwd=project).splitlines()) == 1


def _version() -> str:
    from generator import __version__

    return __version__


def test_data_answers_a_choice_and_derives_later_defaults(cc_template: Path, workdir: Path) -> None:
    done = run_cli(
        "new",
        str(workdir / "dest"),
        "--template",
        str(cc_template),
        "--trust",
        "--defaults",
        "--no-setup",
        "-d",
        "project_name=Fraud Detector",
        "-d",
        "license=Proprietary",
        "-d",
        "use_docker=yes",
    )
    assert done.returncode == 0, done.stderr
    project = workdir / "dest"  # DEST wins over the template's folder name
    fields = readme_fields(project)
    assert fields["slug"] == "fraud-detector"
    assert fields["license"] == "Proprietary"
    assert fields["docker"] == "True"
    assert (project / "README.md").read_text().startswith("# Fraud Detector\n")
    assert not (project / ".git").exists()


def test_bad_choice_and_unknown_question_are_one_line_errors(
    cc_template: Path, workdir: Path
) -> None:
    base = ["new", "--template", str(cc_template), "--trust", "--defaults", "--no-setup"]
    done = run_cli(*base, "-d", "license=GPL", cwd=workdir)
    assert_one_line_error(done, 1)
    assert "invalid choice 'GPL'" in done.stderr
    done = run_cli(*base, "-d", "__module=x", cwd=workdir)
    assert_one_line_error(done, 2)
    assert "unknown question(s)" in done.stderr
    assert list(workdir.iterdir()) == []


def test_wizard_asks_cookiecutter_questions_in_a_terminal(cc_template: Path, workdir: Path) -> None:
    child = spawn(["new", "--template", str(cc_template), "--trust", "--no-setup"], workdir)
    child.expect("project_name")
    child.expect("Human name of the project")  # __prompts__ is the help text
    child.expect(">")
    child.sendline("Fancy Name")
    child.expect("project_slug")
    child.expect(r"> \(fancy-name\)")  # the derived default is shown, rendered
    child.sendline("")
    child.expect("license")
    child.expect(r"1\. MIT \(default\)")
    child.expect(">")
    child.sendline("3")
    child.expect("use_docker")
    child.expect(">")
    child.sendline("y")
    child.expect("Create the project")
    child.sendline("y")
    child.expect("rendered")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    project = workdir / "fancy-name"
    assert readme_fields(project) == {
        "slug": "fancy-name",
        "license": "Proprietary",
        "docker": "True",
        "module": "fancy_name",
        "private": "kept",
    }
    assert (project / "HOOK_RAN").is_file()


@pytest.mark.parametrize("kind", ["git", "zip"])
def test_git_and_zip_sources(cc_template: Path, workdir: Path, kind: str) -> None:
    source = git_source(cc_template) if kind == "git" else zip_source(cc_template)
    refused = run_cli("new", "--template", source, "--defaults", "--no-setup", cwd=workdir)
    assert_one_line_error(refused, 2)
    assert list(workdir.iterdir()) == []

    done = run_cli("new", "--template", source, "--defaults", "--trust", "--no-setup", cwd=workdir)
    assert done.returncode == 0, done.stderr
    project = workdir / "demo-project"
    assert readme_fields(project)["license"] == "MIT"
    assert (project / "HOOK_RAN").read_text() == "demo-project\n"
    assert sorted(p.name for p in workdir.iterdir()) == ["demo-project"]


def test_missing_source_is_a_one_line_error(workdir: Path) -> None:
    done = run_cli("new", "--template", str(workdir / "nope"), "--defaults", cwd=workdir)
    assert_one_line_error(done, 1)
    assert "template not found" in done.stderr


COPIER_YML = """\
project_name:
  type: str
  help: Name of the thing.
  default: Copier Thing
flavour:
  type: str
  help: Which flavour?
  choices: [vanilla, chocolate]
  default: vanilla
slug:
  type: str
  default: "{{ project_name | lower | replace(' ', '-') }}"
_tasks:
  - "touch TASK_RAN"
"""


@pytest.fixture
def copier_template(tmp_path: Path) -> Path:
    root = tmp_path / "copier-template"
    root.mkdir()
    (root / "copier.yml").write_text(COPIER_YML)
    (root / "README.md.jinja").write_text("{{ project_name }} {{ flavour }} {{ slug }}\n")
    (root / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml -}}\n"
    )
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "template", cwd=root)
    git("tag", "v1.0.0", cwd=root)
    return root


def test_copier_tasks_need_trust(copier_template: Path, workdir: Path) -> None:
    dest = workdir / "thing"
    args = ["new", str(dest), "--template", str(copier_template), "--defaults"]
    refused = run_cli(*args, "-d", "flavour=chocolate")
    assert_one_line_error(refused, 2)
    assert "tasks" in refused.stderr and "--trust" in refused.stderr
    assert not dest.exists() and list(workdir.iterdir()) == []

    done = run_cli(*args, "-d", "flavour=chocolate", "-d", "project_name=Big Thing", "--trust")
    assert done.returncode == 0, done.stderr
    assert (dest / "README.md").read_text() == "Big Thing chocolate big-thing\n"
    assert (dest / "TASK_RAN").is_file()  # the task ran, with --trust only
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v1.0.0"  # a git template: Copier records its version
    assert answers["flavour"] == "chocolate"
    assert git("log", "--format=%s", cwd=dest).count("\n") == 1  # setup: one first commit


def test_copier_template_without_unsafe_features_needs_no_trust(
    copier_template: Path, workdir: Path
) -> None:
    config = copier_template / "copier.yml"
    config.write_text(COPIER_YML.split("_tasks:")[0])
    git("commit", "-q", "-am", "no tasks", cwd=copier_template)
    dest = workdir / "thing"
    args = ["new", str(dest), "--template", str(copier_template), "--defaults", "--no-setup"]
    # As Copier does, the newest tag renders by default: v1.0.0 still has its task.
    refused = run_cli(*args)
    assert_one_line_error(refused, 2)
    assert "tasks" in refused.stderr
    done = run_cli(*args, "--vcs-ref", "HEAD")
    assert done.returncode == 0, done.stderr
    assert (dest / "README.md").read_text() == "thing vanilla thing\n"  # DEST names the project
    assert not (dest / "TASK_RAN").exists()
    head = git("rev-parse", "--short", "HEAD", cwd=copier_template).strip()
    assert yaml.safe_load((dest / ".copier-answers.yml").read_text())["_commit"].endswith(head)


def test_newest_tag_renders_and_a_dirty_template_records_a_real_commit(
    copier_template: Path, workdir: Path
) -> None:
    readme = copier_template / "README.md.jinja"
    readme.write_text("v2 {{ project_name }}\n")
    git("commit", "-q", "-am", "v2", cwd=copier_template)
    git("tag", "v2.0.0", cwd=copier_template)
    git("tag", "v3.0.0rc1", cwd=copier_template)  # a pre-release: not picked by default
    readme.write_text("uncommitted {{ project_name }}\n")  # the template author's work
    args = ["new", "--template", str(copier_template), "--defaults", "--no-setup", "--trust"]
    done = run_cli("new", str(workdir / "a"), *args[1:], cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert (workdir / "a" / "README.md").read_text() == "v2 a\n"
    assert yaml.safe_load((workdir / "a" / ".copier-answers.yml").read_text())["_commit"] == (
        "v2.0.0"
    )
    done = run_cli("new", str(workdir / "b"), *args[1:], "--vcs-ref", "v1.0.0", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert (workdir / "b" / "README.md").read_text() == "b vanilla b\n"
    assert yaml.safe_load((workdir / "b" / ".copier-answers.yml").read_text())["_commit"] == (
        "v1.0.0"
    )
    # No tags at all and uncommitted changes: the last commit renders, and is recorded.
    git("tag", "-d", "v1.0.0", "v2.0.0", "v3.0.0rc1", cwd=copier_template)
    done = run_cli("new", str(workdir / "c"), *args[1:], cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert "uncommitted changes" in done.stdout
    assert (workdir / "c" / "README.md").read_text() == "v2 c\n"
    recorded = yaml.safe_load((workdir / "c" / ".copier-answers.yml").read_text())["_commit"]
    assert git("cat-file", "-t", recorded, cwd=copier_template).strip() == "commit"
