"""The `env_manager`, `dvc_remote`, `license`, `docs` and `python_version` answers (issue 5).

Static tests check what each answer renders. The slow ones build the environment of each env
manager for real, the way `mlops-scaffold new` and the generated README do it, then run the
pipeline and the project's own tests in it: one environment per manager, package caches shared.
conda can't reach its channels here, so its environment.yml is validated and its pip section
installed with pip into a venv.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml
from conftest import copier_render, git
from project_env import project_env, render_project, run
from test_workflows import assert_data_files_parse, assert_github_lint_clean
from variant_files_extra import DOCS_FILES, excluded_files, extra_files

from generator.setup_steps import run_steps

MANAGERS = ("uv", "pip", "poetry", "conda")
REMOTE_URLS = {
    "s3": ("s3://CHANGE-ME-bucket/my-ml-project", "dvc[s3]", "AWS_ACCESS_KEY_ID"),
    "gcs": ("gs://CHANGE-ME-bucket/my-ml-project", "dvc[gs]", "GOOGLE_APPLICATION_CREDENTIALS"),
    "azure": (
        "azure://CHANGE-ME-container/my-ml-project",
        "dvc[azure]",
        "AZURE_STORAGE_CONNECTION_STRING",
    ),
    "ssh": ("ssh://CHANGE-ME-host/srv/dvc/my-ml-project", "dvc[ssh]", "SSH key"),
}
LICENSE_PHRASES = {
    "MIT": ("MIT License", "Permission is hereby granted, free of charge"),
    "Apache-2.0": ("Apache License", "Version 2.0, January 2004", "END OF TERMS AND CONDITIONS"),
    "BSD-3-Clause": ("BSD 3-Clause License", "Neither the name of the copyright holder"),
}


def pyproject(project: Path) -> dict[str, Any]:
    return tomllib.loads((project / "pyproject.toml").read_text())


def dev_requirements(project: Path) -> list[str]:
    groups = pyproject(project)["dependency-groups"]
    return [*groups["dev"], *groups.get("docs", [])]


def hook_entries(project: Path) -> list[str]:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    return [
        hook["entry"]
        for repo in config["repos"]
        for hook in repo["hooks"]
        if hook["language"] == "system"
    ]


def project_answers(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def rendered_files(project: Path) -> set[str]:
    return {path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file()}


# --- what each answer renders -------------------------------------------------------------


@pytest.mark.parametrize("manager", MANAGERS)
def test_env_manager_drives_makefile_hooks_and_ci(render, manager: str) -> None:
    project = render(env_manager=manager, ci="github")
    answers = project_answers(project)
    files = rendered_files(project)
    assert extra_files(answers) <= files
    assert not excluded_files(answers) & files
    assert_data_files_parse(project)
    assert_github_lint_clean(project)

    makefile = (project / "Makefile").read_text()
    runner = {
        "uv": "RUN := uv run",
        "pip": 'RUN := env "PATH=$(CURDIR)/.venv/bin:$$PATH"',
        "poetry": "RUN := poetry run",
        "conda": "RUN := conda run --no-capture-output --name $(CONDA_ENV)",
    }[manager]
    assert runner in makefile
    assert "\tuv " not in makefile or manager == "uv"
    assert re.search(r"^repro:.*\n\t\$\(RUN\) dvc repro$", makefile, re.MULTILINE)

    hook_prefix = {
        "uv": "uv run --frozen ",
        "pip": ".venv/bin/",
        "poetry": "poetry run ",
        "conda": "conda run --no-capture-output --name my-ml-project ",
    }[manager]
    # The standards hook runs the mlops-scaffold installed on the machine, not the project's.
    entries = [entry for entry in hook_entries(project) if 'exec "$tool" check' not in entry]
    assert entries and all(hook_prefix in entry for entry in entries), entries
    if manager != "uv":
        assert "uv run" not in (project / ".pre-commit-config.yaml").read_text()

    dependabot = yaml.safe_load((project / ".github/dependabot.yml").read_text())
    ecosystems = {update["package-ecosystem"] for update in dependabot["updates"]}
    expected = {"uv": {"uv"}, "pip": {"pip"}, "poetry": {"pip"}, "conda": set()}[manager]
    assert ecosystems == expected | {"docker", "github-actions"}

    ci = (project / ".github/workflows/ci.yml").read_text()
    if manager != "uv":
        assert "uv " not in ci and "setup-uv" not in ci
    readme = (project / "README.md").read_text()
    assert {"uv": "uv sync", "pip": "requirements.txt", "poetry": "poetry install"}.get(
        manager, "environment.yml"
    ) in readme


@pytest.mark.parametrize("manager", MANAGERS)
def test_gitlab_ci_follows_env_manager(render, manager: str) -> None:
    project = render(env_manager=manager, ci="gitlab")
    text = (project / ".gitlab-ci.yml").read_text()
    config = yaml.safe_load(text)
    script = "\n".join(config["test"]["script"])
    install = {
        "uv": "uv sync --locked",
        "pip": ".venv/bin/pip install -r requirements.txt -e .",
        "poetry": "poetry sync",
        "conda": "conda env create --file environment.yml",
    }[manager]
    assert install in script
    assert re.search(r"(uv run --frozen )?dvc repro", script)
    if manager != "uv":
        assert "uv run --frozen" not in script
    schema = Path(sys.executable).parent / "check-jsonschema"
    check = subprocess.run(
        [str(schema), "--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_poetry_pyproject_is_poetry_2(render) -> None:
    data = pyproject(render(env_manager="poetry"))
    assert data["build-system"]["build-backend"] == "poetry.core.masonry.api"
    assert data["tool"]["poetry"]["packages"] == [{"include": "my_ml_project", "from": "src"}]
    assert "dev" in data["dependency-groups"]  # PEP 735 groups: Poetry >= 2.2 reads them


@pytest.mark.parametrize("version", ["3.10", "3.12", "3.13"])
def test_python_version_reaches_every_file(render, version: str) -> None:
    project = render(python_version=version, env_manager="conda", ci="gitlab")
    assert pyproject(project)["project"]["requires-python"] == f">={version}"
    assert (project / ".python-version").read_text().strip() == version
    environment = yaml.safe_load((project / "environment.yml").read_text())
    assert f"python={version}" in environment["dependencies"]
    gitlab = render(python_version=version, env_manager="pip", ci="gitlab")
    assert f"image: python:{version}-bookworm" in (gitlab / ".gitlab-ci.yml").read_text()
    github = render(python_version=version, env_manager="pip", ci="github")
    ci = (github / ".github/workflows/ci.yml").read_text()
    assert "python-version-file: .python-version" in ci


def test_conda_environment_yml_matches_pyproject(render) -> None:
    project = render(env_manager="conda", dvc_remote="s3", python_version="3.12")
    environment = yaml.safe_load((project / "environment.yml").read_text())
    assert environment["name"] == "my-ml-project"
    assert environment["channels"] == ["conda-forge", "nodefaults"]
    dependencies = environment["dependencies"]
    assert "python=3.12" in dependencies and "pip" in dependencies
    pip_section = next(item["pip"] for item in dependencies if isinstance(item, dict))
    assert pip_section[0] == "--editable ."
    assert sorted(pip_section[1:]) == sorted(dev_requirements(project))


@pytest.mark.parametrize("license_id", [*LICENSE_PHRASES, "proprietary"])
def test_license(render, license_id: str) -> None:
    project = render(license=license_id, author_name="Ada Lovelace")
    data = pyproject(project)["project"]
    if license_id == "proprietary":
        assert not (project / "LICENSE").exists()
        assert "license" not in data
        assert data["classifiers"] == ["Private :: Do Not Upload"]
        return
    text = (project / "LICENSE").read_text()
    for phrase in LICENSE_PHRASES[license_id]:
        assert phrase in text
    year = datetime.date.today().year  # copyright_year: computed at render time
    assert re.search(rf"Copyright (\(c\) )?{year},? Ada Lovelace", text), text[-800:]
    assert "[yyyy]" not in text and "Charles Marsh" not in text and "Kim Davies" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert data["license"] == license_id
    assert data["license-files"] == ["LICENSE"]


@pytest.mark.parametrize("remote", sorted(REMOTE_URLS))
def test_cloud_dvc_remote(render, remote: str) -> None:
    url, extra, credential = REMOTE_URLS[remote]
    project = render(dvc_remote=remote)
    config = (project / ".dvc/config").read_text()
    assert "remote = storage" in config and f"url = {url}" in config
    assert any(req.startswith(f"{extra}>=") for req in dev_requirements(project))
    readme = " ".join((project / "README.md").read_text().split())
    assert "Replace the placeholder" in readme and url in readme
    assert credential in readme
    assert (project / ".dvc/.gitignore").read_text() == "/config.local\n/tmp\n/cache\n"


def test_local_dvc_remote_is_beside_the_repository(render) -> None:
    project = render()
    config = (project / ".dvc/config").read_text()
    assert "url = ../../my-ml-project-dvc-storage" in config
    assert all(not req.startswith("dvc[") for req in dev_requirements(project))


@pytest.mark.parametrize(
    ("remote", "url", "reason"),
    [
        ("s3", "gs://bucket/x", 'starts with "s3://"'),
        ("ssh", "ssh://user:secret@host/x", "credentials"),
        ("gcs", "gs://bucket/with space", "spaces"),
    ],
)
def test_dvc_remote_url_is_validated(render, remote: str, url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        render(dvc_remote=remote, dvc_remote_url=url)


def test_docs_choice(render) -> None:
    with_docs = render(docs="mkdocs")
    assert rendered_files(with_docs) >= DOCS_FILES
    mkdocs = yaml.safe_load((with_docs / "mkdocs.yml").read_text())
    assert mkdocs["theme"]["name"] == "material"
    assert "docs" in pyproject(with_docs)["dependency-groups"]
    assert "docs:" in (with_docs / "Makefile").read_text()
    assert "mkdocs build --strict" in (with_docs / ".github/workflows/ci.yml").read_text()
    without = render(docs="none")
    assert not DOCS_FILES & rendered_files(without)
    assert "docs" not in pyproject(without)["dependency-groups"]
    assert "mkdocs" not in (without / "Makefile").read_text()


# --- environments built and used for real ----------------------------------------------------


def make(project: Path, target: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["make", target],
        cwd=project,
        env={**project_env(), **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert done.returncode == 0, f"make {target}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def set_up(project: Path, env: dict[str, str] | None = None) -> None:
    """`mlops-scaffold new`'s setup steps on a plain render: every step must succeed."""
    saved = dict(os.environ)
    os.environ.update({**project_env(), **(env or {})})
    try:
        # The pipeline runs next, by `make repro` (run_pipeline_and_tests), as a user would.
        results = run_steps(project, project_answers(project), with_pipeline=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed
    statuses = {r.name.split(" (")[0]: r.status for r in results}
    assert statuses["environment"] == statuses["dvc init"] == "ok", results


def run_pipeline_and_tests(project: Path, env: dict[str, str] | None = None) -> None:
    make(project, "repro", env)
    assert (project / "dvc.lock").is_file() and (project / "reports/metrics.json").is_file()
    make(project, "test", env)


@pytest.mark.slow
def test_uv_environment_docs_and_local_remote_round_trip(
    template_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("uv-env")
    project = render_project(template_repo, work / "my-ml-project", env_manager="uv")
    set_up(project)
    assert (project / "uv.lock").is_file()
    run(".venv/bin/dvc", "status", cwd=project)
    run_pipeline_and_tests(project)
    make(project, "docs")
    assert (project / "site/index.html").is_file()

    git("add", "-A", cwd=project)
    git("commit", "-q", "--no-verify", "-m", "pipeline results", cwd=project)
    run(".venv/bin/dvc", "push", cwd=project)
    assert any((work / "my-ml-project-dvc-storage").rglob("*"))
    clone = work / "clone"
    git("clone", "-q", str(project), str(clone), cwd=work)
    run(str(project / ".venv/bin/dvc"), "pull", cwd=clone)
    for output in ("models/model.joblib", "data/processed/train.csv"):
        original = project / output
        if original.exists():
            assert (clone / output).read_bytes() == original.read_bytes(), output


@pytest.mark.slow
def test_pip_environment_is_pinned_and_runs(
    template_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = render_project(
        template_repo, tmp_path_factory.mktemp("pip-env") / "p", env_manager="pip", docs="none"
    )
    set_up(project)
    requirements = [
        line
        for line in (project / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert requirements and all(re.fullmatch(r"[\w.\[\],-]+==[\w.+!-]+", r) for r in requirements)
    names = {r.split("==")[0].lower().replace("_", "-") for r in requirements}
    assert {"dvc", "mlflow", "pytest", "ruff", "pre-commit"} <= names
    make(project, "setup")  # the README's way, on the existing pins: pip install -r ... -e .
    run_pipeline_and_tests(project)


@pytest.fixture(scope="module")
def poetry_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Poetry 2 from PyPI in a tool venv of its own, as `pipx install poetry` would do."""
    venv = tmp_path_factory.mktemp("poetry-tool") / "venv"
    run(sys.executable, "-m", "venv", str(venv), cwd=venv.parent)
    run(str(venv / "bin/pip"), "install", "--quiet", "poetry>=2.2,<3", cwd=venv.parent)
    return venv / "bin"


@pytest.mark.slow
def test_poetry_environment_locks_and_runs(
    template_repo: Path, tmp_path_factory: pytest.TempPathFactory, poetry_bin: Path
) -> None:
    project = render_project(
        template_repo, tmp_path_factory.mktemp("poetry-env") / "p", env_manager="poetry"
    )
    path = {"PATH": f"{poetry_bin}:{project_env()['PATH']}"}
    # This machine's PyPI serves the simple API but not the per-release JSON API that Poetry's
    # built-in PyPI source reads ("Package ruff (x.y.z) not found"): resolve from the simple
    # API instead, as a user behind such a mirror does.
    source = ("source", "add", "--priority=primary", "pypi-simple", "https://pypi.org/simple/")
    run(str(poetry_bin / "poetry"), *source, cwd=project)
    set_up(project, path)
    assert (project / "poetry.lock").is_file() and (project / ".venv/bin/dvc").is_file()
    run_pipeline_and_tests(project, path)


@pytest.mark.slow
def test_conda_pip_section_installs(
    template_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """conda's channels are out of reach: pip installs environment.yml's pip section."""
    project = copier_render(
        template_repo, tmp_path_factory.mktemp("conda-env") / "p", env_manager="conda"
    )
    environment = yaml.safe_load((project / "environment.yml").read_text())
    pip_section = next(
        item["pip"] for item in environment["dependencies"] if isinstance(item, dict)
    )
    (project / "conda-pip.txt").write_text("\n".join(pip_section) + "\n")
    run(sys.executable, "-m", "venv", ".venv", cwd=project)
    run(".venv/bin/pip", "install", "--quiet", "-r", "conda-pip.txt", cwd=project)
    (project / "conda-pip.txt").unlink()
    for tool in ("dvc", "pytest", "ruff", "pre-commit", "mkdocs"):
        assert (project / ".venv/bin" / tool).is_file(), tool
    run(".venv/bin/python", "-c", "import my_ml_project", cwd=project)
    git("init", "-q", "-b", "main", cwd=project)  # DVC reads the shipped .dvc/ in a git repo
    run(".venv/bin/dvc", "remote", "default", cwd=project)


@pytest.mark.slow
def test_mkdocs_site_builds_strict(template_repo: Path, tmp_path: Path) -> None:
    """MkDocs Material from PyPI builds the rendered docs with --strict, for hostile answers."""
    project = copier_render(
        template_repo,
        tmp_path / "docs-project",
        project_name="Bob's {{ churn }} & model: #1",
        env_manager="pip",
        dvc_remote="s3",
    )
    venv = tmp_path / "mkdocs-venv"
    run(sys.executable, "-m", "venv", str(venv), cwd=tmp_path)
    requirement = pyproject(project)["dependency-groups"]["docs"]
    run(str(venv / "bin/pip"), "install", "--quiet", *requirement, cwd=tmp_path)
    run(str(venv / "bin/mkdocs"), "build", "--strict", cwd=project)
    assert "Bob&#39;s {{ churn }}" in (project / "site/index.html").read_text() or (
        "Bob's {{ churn }}" in (project / "site/index.html").read_text()
    )
