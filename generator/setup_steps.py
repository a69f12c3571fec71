"""Side effects after rendering: git, Git LFS, the environment, DVC, pre-commit, the first
commit, then the pipeline's first run committed as the baseline.

They live in the tool, not in Copier `_tasks`, because Copier runs tasks three times per update
and only with `--trust` (DESIGN.md decision 4). A missing optional binary skips its step with a
warning that says how to finish by hand; the project stays usable. Every step is idempotent, so
`mlops-scaffold setup` finishes an interrupted or failed setup by running them all again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import __version__, environments


@dataclass(frozen=True)
class StepResult:
    name: str
    status: str  # "ok", "skipped" or "failed"
    seconds: float = 0.0
    detail: str = ""
    fix: str = ""


class StepSkipped(Exception):
    def __init__(self, detail: str, fix: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fix = fix


class StepFailed(Exception):
    def __init__(self, detail: str, fix: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fix = fix


def _step_env(extra: Mapping[str, str] | None) -> dict[str, str]:
    """The caller's environment without its active virtualenv: Poetry would install the
    project into whatever venv `mlops-scaffold` itself runs from, instead of `.venv`."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    return {**env, **(extra or {})}


def _run(
    cmd: list[str] | tuple[str, ...],
    cwd: Path,
    fix: str,
    env: Mapping[str, str] | None = None,
) -> str:
    try:
        done = subprocess.run(
            list(cmd),
            cwd=cwd,
            capture_output=True,
            text=True,
            env=_step_env(env),
            stdin=subprocess.DEVNULL,
        )
    except OSError as error:
        raise StepFailed(f"{cmd[0]}: {error.strerror}", fix) from None
    if done.returncode != 0:
        # The error is the last line of stderr; progress messages (poetry's) go to stdout.
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        lines = lines or [ln for ln in done.stdout.splitlines() if ln.strip()]
        raise StepFailed(lines[-1].strip() if lines else f"exit code {done.returncode}", fix)
    return done.stdout


def git_init(project: Path, answers: Mapping[str, Any]) -> None:
    fix = f"cd {project} && git init -b main"
    if shutil.which("git") is None:
        raise StepFailed("git is not installed", "install git, then: " + fix)
    if (project / ".git").exists():
        raise StepSkipped("already a git repository", "")
    try:
        _run(["git", "init", "-q", "-b", "main"], project, fix)
    except StepFailed:  # git < 2.28 has no -b
        _run(["git", "init", "-q"], project, fix)
        _run(["git", "symbolic-ref", "HEAD", "refs/heads/main"], project, fix)


def git_lfs_install(project: Path, answers: Mapping[str, Any]) -> None:
    fix = (
        "install git-lfs (e.g. apt-get install git-lfs), "
        f"then: cd {project} && git lfs install --local"
    )
    if not answers.get("git_lfs", False):
        raise StepSkipped("Git LFS not chosen", "")
    if shutil.which("git-lfs") is None:
        raise StepSkipped("git-lfs is not installed", fix)
    configured = subprocess.run(
        ["git", "config", "--local", "--get", "filter.lfs.process"],
        cwd=project,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    if configured.returncode == 0:
        # Again (`mlops-scaffold setup`): pre-commit owns the git hooks by now, and
        # `git lfs install` would refuse to overwrite them.
        raise StepSkipped("already installed", "")
    _run(["git", "lfs", "install", "--local"], project, fix)


def install_environment(project: Path, answers: Mapping[str, Any]) -> None:
    """Install with the chosen env manager, writing its lock file as `make setup` does."""
    if not (project / "pyproject.toml").is_file():
        raise StepSkipped("no pyproject.toml", "")
    fix = f"cd {project} && {environments.SETUP_HINTS[environments.manager(answers)]}"
    program, how = environments.manager_program(answers)
    if program is None:
        missing = how.removeprefix("install ").split(" (")[0]
        raise StepSkipped(f"{missing} is not installed", f"{how}, then: {fix}")
    for command in environments.install_commands(answers, program, project):
        output = _run(command.argv, project, fix, env=environments.install_env())
        if command.stdout_to:
            (project / command.stdout_to).write_text(output, encoding="utf-8")


# What a generated pipeline imports, in two groups that two processes compile at once (the
# data stack; DVC and the tracker). Besides the start-up imports: what the stages import lazily
# (DVC's graph, MLflow's SQL store and the migration scripts Alembic reads on each start,
# skops, which imports every scikit-learn estimator when MLflow saves a model, GitPython,
# OpenTelemetry, narwhals). "*name" also imports every submodule; missing modules (other
# variants) are skipped. Whole packages cost more to compile than they save; each name here
# was found by listing the modules a stage of the default project ran without bytecode.
_WARM_GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "numpy",
        "pandas",
        "pandas.io.formats.csvs",
        "pyarrow.pandas_compat",
        "*narwhals._pandas_like",
        "scipy",
        "sklearn",
        "sklearn.datasets",
        "sklearn.metrics",
        "skops.io",
        "joblib",
        "yaml",
        "matplotlib.pyplot",
        "PIL.BmpImagePlugin",
        "PIL.GifImagePlugin",
        "PIL.JpegImagePlugin",
        "PIL.PpmImagePlugin",
        "lightgbm",
        "torch",
        "pytest",
        # The data contract (schema.py) and what it pulls in on first validation.
        "*pandera.backends.pandas",
        "*pandera.accessors",
        "*pandera.strategies",
        "pandera.api.geopandas",
        "pyarrow.vendored.version",
        "pandas.core.methods.to_dict",
        "*narwhals._interchange",
        "narwhals._namespace",
        "narwhals.stable.v2._namespace",
        "matplotlib.backends.backend_agg",
        "PIL.features",
        # Installed with the notebook kernel; the plotting and tracking libraries import it
        # when they find it.
        "*IPython.core",
        "*traitlets",
        "optuna",
        "<package>",
    ),
    (
        "dvc.cli",
        "dvc.repo",
        "networkx",
        "mlflow",
        "mlflow.sklearn",
        "mlflow.lightgbm",
        "mlflow.pytorch",
        "mlflow.pyfunc",
        "mlflow.models.display_utils",
        "*mlflow.tracing.processor",
        "*mlflow.tracing.export",
        "*opentelemetry.sdk.metrics",
        "mlflow.store.tracking.sqlalchemy_store",
        "mlflow.store.tracking.sqlalchemy_workspace_store",
        "mlflow.store.model_registry.sqlalchemy_store",
        "mlflow.store.model_registry.sqlalchemy_workspace_store",
        "*sqlalchemy.dialects.sqlite",
        "alembic.command",
        "alembic.config",
        "mlflow.pyfunc.scoring_server",
        "*mlflow.pyfunc.utils",
        "*mlflow.store.db_migrations",
        # `make ui`: the CLI, the server app and its web stack.
        "mlflow.cli",
        "mlflow.server.fastapi_app",
        "*uvicorn",
        "h11",
        "*git",
        "*gitdb",
        "*smmap",
        "wandb",
    ),
)
_WARM_CODE = """
import importlib, pkgutil, sys, warnings
warnings.simplefilter("ignore")
for name in sys.argv[1:]:
    walk = name.startswith("*")
    name = name.lstrip("*")
    try:
        module = importlib.import_module(name)
    except BaseException:
        continue
    if not walk or not hasattr(module, "__path__"):
        continue
    for sub in pkgutil.walk_packages(module.__path__, name + ".", onerror=lambda _: None):
        try:
            importlib.import_module(sub.name)
        except BaseException:
            pass
"""


def warm_bytecode(project: Path, answers: Mapping[str, Any]) -> None:
    """Compile the bytecode of what the pipeline imports, once, instead of all site-packages.

    Only when PYTHONDONTWRITEBYTECODE is set: then Python never writes bytecode and every stage
    would compile its imports again on every run. Otherwise the first run writes it, and doing
    it here would only make `new` slower.
    """
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return
    python = _project_python(project, answers)
    if python is None:
        raise StepSkipped("no project environment", "")
    # Done once per locked environment: `mlops-scaffold setup` runs every step again.
    marker = python.parent.parent / ".mlops-scaffold-bytecode"
    stamp = _lock_stamp(project)
    if marker.is_file() and marker.read_text(encoding="utf-8") == stamp:
        raise StepSkipped("already compiled", "")
    package = "*" + str(answers.get("package_name", ""))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    workers = [
        subprocess.Popen(
            [str(python), "-c", _WARM_CODE, *(package if m == "<package>" else m for m in group)],
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for group in _WARM_GROUPS
    ]
    try:
        for worker in workers:
            worker.wait()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    marker.write_text(stamp, encoding="utf-8")


def _project_python(project: Path, answers: Mapping[str, Any]) -> Path | None:
    """The Python of the project's environment, once the environment step made it."""
    if environments.manager(answers) == "conda":
        bin_dir = environments.conda_env_bin(answers)
    else:
        bin_dir = project / ".venv" / "bin"
    python = bin_dir / "python" if bin_dir else None
    return python if python is not None and python.exists() else None


def _lock_stamp(project: Path) -> str:
    """The lock files' contents, hashed: a new lock is a new environment to compile."""
    digest = hashlib.sha256()
    for name in ("uv.lock", "requirements.txt", "poetry.lock", "environment.yml"):
        path = project / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def dvc_init(project: Path, answers: Mapping[str, Any]) -> None:
    if answers.get("data_versioning", "dvc") != "dvc":
        raise StepSkipped("DVC not chosen", "")
    if not (project / "dvc.yaml").is_file():
        raise StepSkipped("no dvc.yaml", "")
    run = environments.runner_hint(answers)
    fix = f"cd {project} && make setup && {run}dvc init"
    dvc = environments.project_tool(project, answers, "dvc")
    if dvc is None:
        raise StepSkipped("dvc is not installed (it comes with the project's environment)", fix)
    if (project / ".dvc" / "config").is_file():
        # The template ships .dvc/ with its remote (plain `copier copy` users get it too), and
        # `dvc init` refuses an existing .dvc/: check that DVC reads the shipped configuration.
        check = f"fix .dvc/config, then: cd {project} && {run}dvc remote list"
        _run([dvc, "remote", "default"], project, check)
        return
    _run([dvc, "init", "--quiet"], project, fix)


def dvc_add_raw_table(project: Path, answers: Mapping[str, Any]) -> None:
    """`dvc add data/raw/<dataset_file>`: the table is data, versioned by DVC, and its `.dvc`
    pointer goes into the first commit (the table itself is git-ignored)."""
    if answers.get("data_versioning", "dvc") != "dvc":
        raise StepSkipped("DVC not chosen", "")
    name = answers.get("dataset_file")
    if not name:
        raise StepSkipped("no raw table in the answers", "")
    relative = f"data/raw/{name}"
    run = environments.runner_hint(answers)
    fix = f"cd {project} && {run}dvc add {relative}"
    if not (project / ".dvc").is_dir():
        raise StepSkipped("DVC is not initialised", f"{run}dvc init, then: {fix}")
    if not (project / relative).is_file():
        raise StepFailed(f"{relative} is missing", f"put the table there, then: {fix}")
    if (project / f"{relative}.dvc").is_file():
        raise StepSkipped("already tracked", "")
    dvc = environments.project_tool(project, answers, "dvc")
    if dvc is None:
        raise StepSkipped("dvc is not installed (it comes with the project's environment)", fix)
    _run([dvc, "add", "--quiet", relative], project, fix)


def pre_commit_install(project: Path, answers: Mapping[str, Any]) -> None:
    if not (project / ".pre-commit-config.yaml").is_file():
        raise StepSkipped("no .pre-commit-config.yaml", "")
    fix = f"cd {project} && make setup && {environments.runner_hint(answers)}pre-commit install"
    tool = environments.project_tool(project, answers, "pre-commit")
    if tool is None:
        raise StepSkipped(
            "pre-commit is not installed (it comes with the project's environment)", fix
        )
    _run([tool, "install"], project, fix)


def _commit(project: Path, answers: Mapping[str, Any], message: str, fix: str) -> bool:
    """Commit everything not ignored, without hooks; False when there was nothing to commit.

    The rendered tree is what this tool's tests verify against the same hooks; hook
    environments install on the user's first own commit instead of inside `new`.
    """
    identity = []
    for key, answer in (("user.name", "author_name"), ("user.email", "author_email")):
        probe = subprocess.run(["git", "config", key], cwd=project, capture_output=True, text=True)
        if not probe.stdout.strip():
            identity += ["-c", f"{key}={answers.get(answer) or 'mlops-scaffold'}"]
    _run(["git", "add", "-A"], project, fix)
    staged = subprocess.run(
        ["git", "diff", "--cached", "--quiet"], cwd=project, stdin=subprocess.DEVNULL
    )
    if staged.returncode == 0 and _has_commit(project):
        return False
    _run(["git", *identity, "commit", "-q", "--no-verify", "-m", message], project, fix)
    return True


def _has_commit(project: Path) -> bool:
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
        cwd=project,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return done.returncode == 0


def first_commit(project: Path, answers: Mapping[str, Any]) -> None:
    fix = f"cd {project} && git add -A && git commit -m 'Initial commit'"
    if not (project / ".git").exists():
        raise StepSkipped("not a git repository", fix)
    if _has_commit(project):
        raise StepSkipped("already committed", "")
    _commit(project, answers, f"Initial commit from mlops-scaffold {__version__}", fix)


def run_pipeline(project: Path, answers: Mapping[str, Any]) -> None:
    """The pipeline's first run (`make repro`, as the user would), so that the first
    experiment has a baseline: `dvc exp show` and `dvc metrics diff` compare with it."""
    if not (project / "Makefile").is_file() or not (project / "params.yaml").is_file():
        raise StepSkipped("no pipeline", "")
    fix = f"cd {project} && make repro"
    if _project_python(project, answers) is None:
        raise StepSkipped("no project environment", f"make setup, then: {fix}")
    make = shutil.which("make")
    if make is None:
        raise StepSkipped("make is not installed", f"install make, then: {fix}")
    env = {**environments.install_env()}
    if answers.get("tracker") == "wandb":
        env.setdefault("WANDB_MODE", os.environ.get("WANDB_MODE", "offline"))
    _run([make, "--no-print-directory", "repro"], project, fix, env=env)


def baseline_commit(project: Path, answers: Mapping[str, Any]) -> None:
    fix = f"cd {project} && git add -A && git commit -m 'Baseline: the first pipeline run'"
    if not (project / ".git").exists() or not _has_commit(project):
        raise StepSkipped("no first commit", fix)
    if not _commit(project, answers, "Baseline: the first pipeline run", fix):
        raise StepSkipped("nothing to commit", "")


Step = Callable[[Path, Mapping[str, Any]], None]

STEPS: list[tuple[str, Step]] = [
    ("git init", git_init),
    ("git lfs install", git_lfs_install),
    ("environment (uv sync)", install_environment),
    ("bytecode of the imported modules", warm_bytecode),
    ("dvc init", dvc_init),
    ("dvc add (the raw table)", dvc_add_raw_table),
    ("pre-commit install", pre_commit_install),
    ("first commit", first_commit),
    ("pipeline run (make repro)", run_pipeline),
    ("baseline commit", baseline_commit),
]


PIPELINE_STEPS = (run_pipeline, baseline_commit)
# A project from another template: what any git project needs, nothing of ours. Its own
# environment, hooks and pipeline are its README's to set up (our `uv sync` would add a
# uv.lock the template never made, or fail after a good render).
THIRD_PARTY_STEPS = (git_init, first_commit)
# A step is skipped when one it builds on failed.
_NEEDS: dict[Step, tuple[Step, ...]] = {
    git_lfs_install: (git_init,),
    dvc_add_raw_table: (dvc_init,),
    first_commit: (git_init,),
    baseline_commit: (git_init, run_pipeline),
}


def run_steps(
    project: Path,
    answers: Mapping[str, Any],
    on_start: Callable[[str], None] = lambda name: None,
    on_end: Callable[[StepResult], None] = lambda result: None,
    *,
    with_pipeline: bool = True,
    only: tuple[Step, ...] | None = None,
) -> list[StepResult]:
    """Run every step in order (or those in `only`); a failed git init skips the steps that
    need git, and a failed pipeline run is not committed as the baseline."""
    results: list[StepResult] = []
    failed: dict[Step, str] = {}
    for name, step in STEPS:
        if step is install_environment:
            name = environments.step_label(answers)
        on_start(name)
        started = time.perf_counter()
        try:
            if only is not None and step not in only:
                raise StepSkipped("not this template's setup: see its README", "")
            if not with_pipeline and step in PIPELINE_STEPS:
                raise StepSkipped("--no-run", "")
            blocked = [failed[need] for need in _NEEDS.get(step, ()) if need in failed]
            if blocked:
                raise StepSkipped(f"{blocked[0]} failed", "")
            step(project, answers)
            result = StepResult(name, "ok", time.perf_counter() - started)
        except StepSkipped as skip:
            result = StepResult(
                name, "skipped", time.perf_counter() - started, skip.detail, skip.fix
            )
        except StepFailed as failure:
            result = StepResult(
                name, "failed", time.perf_counter() - started, failure.detail, failure.fix
            )
            failed[step] = name
        results.append(result)
        on_end(result)
    return results
