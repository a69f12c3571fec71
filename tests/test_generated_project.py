"""Fast checks of the generated project's files: set, syntax, lint, git and LFS rules."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from project_env import files_of, render_project

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

PACKAGE = "my_ml_project"
EXPECTED_FILES = sorted(
    [
        ".copier-answers.yml",
        ".dockerignore",
        ".dvc/.gitignore",
        ".dvc/config",
        ".dvcignore",
        ".gitattributes",
        ".github/dependabot.yml",
        ".github/workflows/audit.yml",
        ".github/workflows/ci.yml",
        ".github/workflows/delivery.yml",
        ".github/workflows/monitor.yml",
        ".github/workflows/template-update.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".python-version",
        "Dockerfile",
        "LICENSE",
        "Makefile",
        "README.md",
        "data/external/.gitkeep",
        "data/interim/.gitkeep",
        "data/processed/.gitkeep",
        "data/raw/.gitkeep",
        "data/raw/breast_cancer.csv",  # the demo table and its schema.py: `new` writes them
        "docs/contributing.md",
        "docs/data.md",
        "docs/index.md",
        "docs/operations.md",
        "docs/pipeline.md",
        "docs/tracking.md",
        "dvc.yaml",
        "mkdocs.yml",
        "models/.gitkeep",
        "notebooks/start.ipynb",
        "params.yaml",
        "pyproject.toml",
        "reports/figures/.gitkeep",
        "scripts/plots_report.py",
        "scripts/smoke_test.py",
        f"src/{PACKAGE}/__init__.py",
        f"src/{PACKAGE}/champion.py",
        f"src/{PACKAGE}/config.py",
        f"src/{PACKAGE}/data.py",
        f"src/{PACKAGE}/drift.py",
        f"src/{PACKAGE}/evaluate.py",
        f"src/{PACKAGE}/evaluation.py",
        f"src/{PACKAGE}/features.py",
        f"src/{PACKAGE}/gate.py",
        f"src/{PACKAGE}/jsonfile.py",
        f"src/{PACKAGE}/model.py",
        f"src/{PACKAGE}/monitor.py",
        f"src/{PACKAGE}/params_edit.py",
        f"src/{PACKAGE}/plots.py",
        f"src/{PACKAGE}/prepare.py",
        f"src/{PACKAGE}/registry.py",
        f"src/{PACKAGE}/run_names.py",
        f"src/{PACKAGE}/schema.py",
        f"src/{PACKAGE}/score.py",
        f"src/{PACKAGE}/seed.py",
        f"src/{PACKAGE}/serve.py",
        f"src/{PACKAGE}/sweep.py",
        f"src/{PACKAGE}/task.py",
        f"src/{PACKAGE}/tracking.py",
        f"src/{PACKAGE}/train.py",
        f"src/{PACKAGE}/validation.py",
        f"src/{PACKAGE}/warm.py",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/test_drift.py",
        "tests/test_evaluation.py",
        "tests/test_notebook.py",
        "tests/test_pipeline_config.py",
        "tests/test_seed.py",
        "tests/test_serving.py",
        "tests/test_tracking.py",
        "tests/test_train.py",
        "tests/test_validation.py",
        "tests/test_warm.py",
    ]
)
HOSTILE = "\"quote\" $(rm -rf /) ${{ github.token }} {{ x }} 'single' back\\slash"


@pytest.fixture(scope="module")
def project(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default render (git_lfs on), shared by the read-only checks of this module."""
    return render_project(template_repo, tmp_path_factory.mktemp("default") / "project")


@pytest.fixture(scope="module")
def project_without_lfs(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_project(
        template_repo, tmp_path_factory.mktemp("nolfs") / "project", git_lfs=False
    )


def git_repo_copy(project: Path, tmp_path: Path) -> Path:
    """A git-initialised copy of a render, for `git check-ignore` / `git check-attr`."""
    copy = tmp_path / "repo"
    subprocess.run(["cp", "-r", str(project), str(copy)], check=True)
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
    return copy


def dvc_paths(project: Path) -> tuple[set[str], set[str]]:
    """(cached outs, uncached outs + metrics + plots) declared in dvc.yaml."""
    pipeline = yaml.safe_load((project / "dvc.yaml").read_text())
    cached: set[str] = set()
    uncached: set[str] = set()
    for stage in pipeline["stages"].values():
        for out in stage.get("outs", []):
            if isinstance(out, dict):
                ((path, options),) = out.items()
                (cached if options.get("cache", True) else uncached).add(path)
            else:
                cached.add(out)
    uncached |= set(pipeline.get("metrics", []))
    uncached |= {next(iter(p)) if isinstance(p, dict) else p for p in pipeline.get("plots", [])}
    return cached, uncached


def test_exact_file_set(project: Path, project_without_lfs: Path) -> None:
    assert files_of(project) == EXPECTED_FILES
    assert files_of(project_without_lfs) == EXPECTED_FILES


def test_no_leftover_jinja(project: Path) -> None:
    for name in files_of(project):
        text = (project / name).read_text(encoding="utf-8")
        text = re.sub(r"\$\{\{.*?\}\}", "", text)  # GitHub Actions expressions are not Jinja
        assert "{{" not in text and "{%" not in text, f"unrendered Jinja in {name}"


def test_structured_files_parse(project: Path) -> None:
    parsed = 0
    for name in files_of(project):
        text = (project / name).read_text(encoding="utf-8")
        if name.endswith((".yaml", ".yml")):
            yaml.safe_load(text)
        elif name.endswith(".toml"):
            tomllib.loads(text)
        elif name.endswith(".json"):
            json.loads(text)
        else:
            continue
        parsed += 1
    assert parsed >= 5


def test_python_compiles(project: Path) -> None:
    for name in files_of(project):
        if name.endswith(".py"):
            compile((project / name).read_text(encoding="utf-8"), name, "exec")


def test_pyproject_contents(project: Path) -> None:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "my-ml-project"
    assert pyproject["project"]["requires-python"] == ">=3.11"
    dev = " ".join(pyproject["dependency-groups"]["dev"])
    for tool in ("dvc", "pytest", "ruff"):
        assert tool in dev
    assert any(dep.startswith("mlflow>=3") for dep in pyproject["project"]["dependencies"])
    assert (project / ".python-version").read_text().strip() == "3.11"
    assert not (project / "uv.lock").exists()


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_is_clean(project: Path, command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_lfs_rules_match_no_dvc_path(project: Path, tmp_path: Path) -> None:
    repo = git_repo_copy(project, tmp_path)
    cached, uncached = dvc_paths(project)
    paths = sorted(cached | uncached | {"dvc.lock", "params.yaml", "data/raw/extra.csv"})
    done = subprocess.run(
        ["git", "check-attr", "filter", "--", *paths],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "lfs" not in done.stdout, done.stdout
    patterns = [
        line.split()[0]
        for line in (project / ".gitattributes").read_text().splitlines()
        if "filter=lfs" in line
    ]
    assert {"*.onnx", "*.pt", "*.h5"} <= set(patterns)
    for path in paths:
        assert not any(fnmatch.fnmatch(Path(path).name, p) for p in patterns), path
    hand_committed = subprocess.run(
        ["git", "check-attr", "filter", "--", "assets/pretrained.onnx"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert hand_committed.stdout.strip().endswith("filter: lfs")


def test_no_lfs_rules_without_git_lfs(project_without_lfs: Path) -> None:
    attributes = (project_without_lfs / ".gitattributes").read_text()
    assert "lfs" not in attributes
    assert "Git LFS" not in (project_without_lfs / "README.md").read_text()


def ignored(repo: Path, paths: list[str]) -> set[str]:
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", "--", *paths],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    return set(done.stdout.split())


def test_gitignore_keeps_dvc_files_and_ignores_outputs(project: Path, tmp_path: Path) -> None:
    repo = git_repo_copy(project, tmp_path)
    cached, uncached = dvc_paths(project)
    kept = [
        "dvc.lock",
        "docs/contributing.md",
        "docs/data.md",
        "docs/index.md",
        "docs/pipeline.md",
        "docs/tracking.md",
        "dvc.yaml",
        "mkdocs.yml",
        "params.yaml",
        "data.dvc",
        "data/raw.dvc",
        "data/raw/extra.csv.dvc",
        "data/external/deep/nested/file.dvc",
        "models/pretrained.dvc",
        "data/raw/.gitkeep",
        "models/.gitkeep",
        "reports/figures/.gitkeep",
        "uv.lock",
        "Dockerfile",
        ".dockerignore",
        *sorted(uncached),
    ]
    assert ignored(repo, kept) == set()
    expected_ignored = [
        *sorted(cached),
        "data/interim/part.parquet",
        "data/external/deep/nested/file.csv",
        "models/anything.pkl",
        "models/champion/champion.json",
        "data/processed/predictions.csv",
        "mlflow.db",
        "mlartifacts/1/abc/artifacts/model.pkl",
        "mlruns/0/meta.yaml",
        ".venv/bin/python",
        "src/pkg/__pycache__/x.cpython-311.pyc",
        ".pytest_cache/v/cache",
        "notebooks/.ipynb_checkpoints/a.ipynb",
        ".env",
    ]
    assert ignored(repo, expected_ignored) == set(expected_ignored)


def test_hostile_text_stays_data(render) -> None:
    project = render(description=HOSTILE, author_name=HOSTILE)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == HOSTILE
    assert pyproject["project"]["authors"][0]["name"] == HOSTILE
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["description"] == HOSTILE
    for name in files_of(project):
        text = (project / name).read_text(encoding="utf-8")
        if name.endswith((".yaml", ".yml")):
            yaml.safe_load(text)
        elif name.endswith(".py"):
            compile(text, name, "exec")
            assert "rm -rf" not in text, name
    for name in ("Makefile", "dvc.yaml"):
        assert "rm -rf" not in (project / name).read_text()
