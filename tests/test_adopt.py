"""`mlops-scaffold adopt`: cookiecutter-made projects (CCDS, cruft) brought under our template.

The published `cookiecutter-data-science` package ships only the `ccds` CLI, not its template
(the template is cloned from GitHub at run time), so the tests build a template with the CCDS v2
layout and questions (`ccds.json`, a hook that calls `ccds.hook_utils`) and render it through
the installed `ccds` command with `--no-input`: real ccds, real cookiecutter, real git.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.template_source import CANONICAL_URL
from tests.cli_helpers import assert_one_line_error, run_cli, tree_snapshot
from tests.conftest import git

CCDS_CONTEXT = {
    "project_name": "project_name",
    "repo_name": "{{ cookiecutter.project_name.lower().replace(' ', '_') }}",
    "module_name": "{{ cookiecutter.project_name.lower().replace(' ', '_').replace('-', '_') }}",
    "author_name": "Your name (or your organization/company/team)",
    "description": "A short description of the project.",
    "python_version_number": "3.10",
    "dataset_storage": [{"none": "none"}, {"s3": {"bucket": "bucket-name"}}],
    "environment_manager": ["virtualenv", "uv", "none"],
    "dependency_file": ["requirements.txt", "pyproject.toml"],
    "pydata_packages": ["none", "basic"],
    "open_source_license": ["No license file", "MIT", "BSD-3-Clause"],
    "include_code_scaffold": ["Yes", "No"],
}
CCDS_FILES = {
    "README.md": "# {{ cookiecutter.project_name }}\n\n{{ cookiecutter.description }}\n",
    "pyproject.toml": (
        '[build-system]\nrequires = ["flit_core >=3.2,<4"]\n'
        'build-backend = "flit_core.buildapi"\n\n'
        '[project]\nname = "{{ cookiecutter.module_name }}"\nversion = "0.0.1"\n'
        'description = "{{ cookiecutter.description }}"\n'
        'authors = [{ name = "{{ cookiecutter.author_name }}" }]\n\n'
        "[tool.ruff]\nline-length = 99\n"
    ),
    "Makefile": "PROJECT_NAME = {{ cookiecutter.repo_name }}\n\ndata:\n\tpython -m "
    "{{ cookiecutter.module_name }}.dataset\n",
    ".gitignore": "/data/\n.env\n__pycache__/\n*.py[cod]\n",
    ".env": "",
    "LICENSE": "{{ cookiecutter.open_source_license }} license\n",
    "data/raw/.gitkeep": "",
    "data/interim/.gitkeep": "",
    "data/processed/.gitkeep": "",
    "data/external/.gitkeep": "",
    "models/.gitkeep": "",
    "notebooks/.gitkeep": "",
    "references/.gitkeep": "",
    "reports/figures/.gitkeep": "",
    "{{ cookiecutter.module_name }}/__init__.py": (
        "from {{ cookiecutter.module_name }} import config  # noqa: F401\n"
    ),
    "{{ cookiecutter.module_name }}/config.py": (
        "from pathlib import Path\n\nfrom dotenv import load_dotenv\n\nload_dotenv()\n"
        "PROJ_ROOT = Path(__file__).resolve().parents[1]\nRAW_DATA_DIR = PROJ_ROOT / 'data' / "
        "'raw'\n"
    ),
    "{{ cookiecutter.module_name }}/dataset.py": (
        "from {{ cookiecutter.module_name }}.config import RAW_DATA_DIR\n\n\n"
        "def main() -> None:\n    print(RAW_DATA_DIR)\n"
    ),
    "{{ cookiecutter.module_name }}/features.py": "def main() -> None:\n    pass\n",
    "{{ cookiecutter.module_name }}/plots.py": "def main() -> None:\n    pass\n",
    "{{ cookiecutter.module_name }}/modeling/__init__.py": "",
    "{{ cookiecutter.module_name }}/modeling/train.py": "def main() -> None:\n    pass\n",
    "{{ cookiecutter.module_name }}/modeling/predict.py": "def main() -> None:\n    pass\n",
}
# Like CCDS's own hook: the dependency list and requires-python come from the ccds package.
CCDS_HOOK = """\
import shutil
from pathlib import Path

from ccds.hook_utils.dependencies import packages, write_dependencies, write_python_version

write_dependencies(
    "{{ cookiecutter.dependency_file }}",
    packages + ["ruff"],
    [],
    repo_name="{{ cookiecutter.repo_name }}",
    module_name="{{ cookiecutter.module_name }}",
    python_version="{{ cookiecutter.python_version_number }}",
)
write_python_version("{{ cookiecutter.python_version_number }}")
if "{{ cookiecutter.open_source_license }}" == "No license file":
    Path("LICENSE").unlink()
if "{{ cookiecutter.include_code_scaffold }}" == "No":
    shutil.rmtree("{{ cookiecutter.module_name }}")
"""


@pytest.fixture(scope="session")
def ccds_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ccds") / "cookiecutter-data-science"
    for name, text in CCDS_FILES.items():
        path = root / "{{ cookiecutter.repo_name }}" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "ccds.json").write_text(json.dumps(CCDS_CONTEXT, indent=2))
    # As upstream: plain cookiecutter is told to use ccds; ccds reads ccds.json instead.
    (root / "cookiecutter.json").write_text(json.dumps({"DEPRECATED": "use the ccds command"}))
    (root / "hooks").mkdir()
    (root / "hooks" / "post_gen_project.py").write_text(CCDS_HOOK)
    return root


def ccds_render(template: Path, out: Path, *answers: str) -> Path:
    """`ccds TEMPLATE --no-input KEY=VALUE...` (the installed package's CLI)."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "ccds", str(template), "--no-input", "-o", str(out), *answers],
        check=True,
        capture_output=True,
        text=True,
    )
    (project,) = out.iterdir()
    return project


def commit_all(project: Path, message: str) -> None:
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", message, cwd=project)


@pytest.fixture
def ccds_project(ccds_template: Path, tmp_path: Path) -> Path:
    """A CCDS project with its own code edits and (git-ignored) data, committed on main."""
    project = ccds_render(
        ccds_template,
        tmp_path / "out",
        "project_name=Churn Model",
        "author_name=Ada Lovelace",
        "description=Predicts churn.",
        "python_version_number=3.11",
        "open_source_license=MIT",
    )
    dataset = project / "churn_model" / "dataset.py"
    dataset.write_text(dataset.read_text() + "\n\nUSER_EDIT = 'kept'\n")
    (project / "data" / "raw" / "customers.csv").write_text("id,churned\n1,0\n")
    git("init", "-q", "-b", "main", cwd=project)
    commit_all(project, "Project from cookiecutter-data-science")
    return project


def answers_of(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def state(project: Path) -> tuple[dict[str, bytes], str, str]:
    """Files, refs and index: 'nothing changed' means all three are equal."""
    return (
        tree_snapshot(project),
        git("show-ref", cwd=project),
        git("ls-files", "--stage", cwd=project),
    )


def resolve_taking_template(project: Path, conflicts: list[str]) -> None:
    """What a reviewer who wants the template's version of every conflicted file does."""
    git("checkout", "--theirs", "--", *conflicts, cwd=project)
    git("add", "--", *conflicts, cwd=project)
    git("commit", "-q", "--no-edit", cwd=project)


def test_ccds_project_is_adopted_on_a_branch(template_repo: Path, ccds_project: Path) -> None:
    main_before = git("rev-parse", "main", cwd=ccds_project)
    assert (ccds_project / "requirements.txt").is_file()  # the ccds hook ran

    done = run_cli("adopt", str(ccds_project), "--defaults")

    assert done.returncode == 1, done.stderr + done.stdout  # conflicts to review
    assert "Traceback" not in done.stderr
    assert git("branch", "--show-current", cwd=ccds_project).strip() == "mlops-scaffold/adopt"
    assert git("rev-parse", "main", cwd=ccds_project) == main_before  # main untouched
    answers = answers_of(ccds_project)
    assert answers["_src_path"] == CANONICAL_URL
    assert answers["_commit"] == "v0.1.0"
    assert answers["project_name"] == "Churn Model"  # README title
    assert answers["distribution_name"] == "churn-model"  # pyproject.toml name
    assert answers["package_name"] == "churn_model"  # the module folder
    assert answers["description"] == "Predicts churn."
    assert answers["author_name"] == "Ada Lovelace"
    assert answers["python_version"] == "3.11"  # requires-python ~=3.11.0, from ccds's hook
    assert "pyproject.toml (requires-python)" in done.stdout

    # Both have these files: inline markers, unmerged in the index, explained in the output.
    conflicts = sorted(git("diff", "--name-only", "--diff-filter=U", cwd=ccds_project).split())
    assert conflicts == sorted(
        [
            ".gitignore",
            "LICENSE",  # both carry a license text; ours is the official one, with the year
            "Makefile",
            "README.md",
            "pyproject.toml",
            "src/churn_model/__init__.py",
            "src/churn_model/config.py",
            "src/churn_model/features.py",
            "src/churn_model/plots.py",
        ]
    )
    pyproject = (ccds_project / "pyproject.toml").read_text()
    assert "<<<<<<< HEAD" in pyproject and ">>>>>>> mlops-scaffold/template" in pyproject
    assert 'name = "churn_model"' in pyproject and 'name = "churn-model"' in pyproject
    for name in conflicts:
        assert name in done.stdout
    assert "git checkout --theirs" in done.stdout and "git merge --abort" in done.stdout
    # The project's own code moved to the src layout with its edits; its data is untouched.
    assert "USER_EDIT = 'kept'" in (ccds_project / "src/churn_model/dataset.py").read_text()
    assert (ccds_project / "src/churn_model/modeling/train.py").is_file()
    assert not (ccds_project / "churn_model").exists()
    assert (ccds_project / "data/raw/customers.csv").read_text() == "id,churned\n1,0\n"
    assert (ccds_project / "requirements.txt").is_file()
    # Our pipeline and tracking came in without conflict.
    for name in ("dvc.yaml", "params.yaml", "src/churn_model/tracking.py", ".dvcignore"):
        assert (ccds_project / name).is_file(), name

    resolve_taking_template(ccds_project, conflicts)
    assert git("status", "--porcelain", cwd=ccds_project) == ""
    check = run_cli("update", str(ccds_project), "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "up to date" in check.stdout


@pytest.mark.slow
def test_adopted_ccds_project_runs_its_pipeline(template_repo: Path, ccds_project: Path) -> None:
    from tests.project_env import run

    done = run_cli("adopt", str(ccds_project), "--defaults")
    assert done.returncode == 1, done.stderr
    conflicts = git("diff", "--name-only", "--diff-filter=U", cwd=ccds_project).split()
    resolve_taking_template(ccds_project, conflicts)

    run("uv", "sync", "--python", "3.11", cwd=ccds_project)
    assert (ccds_project / ".dvc" / "config").is_file()  # the template ships DVC's config
    run("uv", "run", "dvc", "repro", cwd=ccds_project)
    assert (ccds_project / "reports/metrics.json").is_file()
    assert (ccds_project / "mlflow.db").is_file()
    assert (ccds_project / "data/raw/customers.csv").read_text() == "id,churned\n1,0\n"
    check = run_cli("update", str(ccds_project), "--check")
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture
def cruft_project(tmp_path: Path) -> Path:
    """A project made with cruft: `.cruft.json` holds the cookiecutter answers."""
    project = tmp_path / "legacy"
    project.mkdir()
    cruft = {
        "template": "https://github.com/example/cookiecutter-ds.git",
        "commit": "0123456789abcdef0123456789abcdef01234567",
        "checkout": None,
        "context": {
            "cookiecutter": {
                "project_name": "Cruft Made",
                "project_slug": "cruft-made",
                "module_name": "cruft_made",
                "full_name": "Grace Hopper",
                "email": "grace@example.com",
                "project_short_description": "Made with cruft.",
                "python_version": "3.12",
                "_template": "https://github.com/example/cookiecutter-ds.git",
                "_commit": "0123456789abcdef0123456789abcdef01234567",
            }
        },
        "directory": None,
    }
    (project / ".cruft.json").write_text(json.dumps(cruft, indent=2))
    (project / "analysis.md").write_text("# Findings\n")
    git("init", "-q", "-b", "main", cwd=project)
    commit_all(project, "Project from cruft")
    return project


def test_cruft_answers_are_taken_and_a_clean_adoption_is_committed(
    template_repo: Path, cruft_project: Path
) -> None:
    done = run_cli("adopt", str(cruft_project), "--defaults")

    assert done.returncode == 0, done.stderr + done.stdout
    answers = answers_of(cruft_project)
    assert answers["project_name"] == "Cruft Made"
    assert answers["distribution_name"] == "cruft-made"
    assert answers["package_name"] == "cruft_made"
    assert answers["author_name"] == "Grace Hopper"
    assert answers["author_email"] == "grace@example.com"
    assert answers["description"] == "Made with cruft."
    assert answers["python_version"] == "3.12"
    assert ".cruft.json (full_name)" in done.stdout
    # One merge commit on the branch; the tree is clean; the project's own file is kept.
    assert git("status", "--porcelain", cwd=cruft_project) == ""
    assert git("branch", "--show-current", cwd=cruft_project).strip() == "mlops-scaffold/adopt"
    log = git("log", "--format=%s", "main..HEAD", cwd=cruft_project).splitlines()
    assert log[0] == "Adopt the mlops-scaffold template v0.1.0"
    assert not (cruft_project / ".cruft.json").exists()  # cruft no longer drives updates
    assert (cruft_project / "analysis.md").read_text() == "# Findings\n"
    # The task's demo, as `new` without --dataset: its schema committed, its table (data) ignored.
    assert "src/cruft_made/schema.py" in git("ls-files", cwd=cruft_project).split()
    assert (cruft_project / "data" / "raw" / "breast_cancer.csv").is_file()
    assert "mlops-scaffold/template" not in git("branch", "--list", cwd=cruft_project)
    check = run_cli("update", str(cruft_project), "--check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_data_overrides_what_the_project_says(template_repo: Path, cruft_project: Path) -> None:
    done = run_cli("adopt", str(cruft_project), "--defaults", "-d", "package_name=legacy_model")
    assert done.returncode == 0, done.stderr
    assert answers_of(cruft_project)["package_name"] == "legacy_model"
    assert answers_of(cruft_project)["project_name"] == "Cruft Made"


def test_not_a_git_repository_is_refused(template_repo: Path, tmp_path: Path) -> None:
    project = tmp_path / "plain"
    project.mkdir()
    (project / "README.md").write_text("# Plain\n")
    before = tree_snapshot(project)
    done = run_cli("adopt", str(project), "--defaults")
    assert_one_line_error(done, 2)
    assert "not a git repository" in done.stderr and "git init" in done.stderr
    assert tree_snapshot(project) == before
    assert not (project / ".git").exists()


def test_dirty_tree_is_refused_and_nothing_changes(
    template_repo: Path, cruft_project: Path
) -> None:
    (cruft_project / "analysis.md").write_text("# Findings, edited\n")
    (cruft_project / "scratch.txt").write_text("untracked\n")
    before = state(cruft_project)
    done = run_cli("adopt", str(cruft_project), "--defaults")
    assert_one_line_error(done, 2)
    assert "uncommitted changes" in done.stderr and "analysis.md" in done.stderr
    assert state(cruft_project) == before


def test_adopting_twice_is_refused(template_repo: Path, cruft_project: Path) -> None:
    assert run_cli("adopt", str(cruft_project), "--defaults").returncode == 0
    before = state(cruft_project)
    done = run_cli("adopt", str(cruft_project), "--defaults")
    assert_one_line_error(done, 2)
    assert "mlops-scaffold update" in done.stderr
    assert state(cruft_project) == before
