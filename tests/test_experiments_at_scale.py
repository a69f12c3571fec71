"""Issue 19 beyond sweeps: DDP training with torchrun, DVC's queue, CPU-only PyTorch everywhere.

The PyTorch projects install torch from this machine's CPU wheel through a local PEP 503 index
that stands in for PyTorch's CPU index (download.pytorch.org is out of reach here): uv by its
index name (`UV_INDEX=pytorch-cpu=...`), pip by `make lock TORCH_INDEX=...`. The PyPI mirror
still serves the CUDA build of torch, so a configuration that asked PyPI for torch would pull
nvidia packages, which the tests check never happens.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest
import tomllib
import yaml
from project_env import project_env, render_project, run

CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def _runner(torch_index: str):
    env = project_env() | {"UV_INDEX": f"pytorch-cpu={torch_index}"}

    def member(*args: str, cwd: Path, timeout: float = 1800) -> str:
        done = subprocess.run(
            list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, (
            f"{' '.join(args)} failed ({done.returncode})\n"
            f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
        )
        return done.stdout + done.stderr

    return member


# --- what the answers render -------------------------------------------------------------------


@pytest.mark.parametrize("manager", ["uv", "pip", "poetry", "conda"])
def test_pytorch_comes_from_the_cpu_build_by_default(render, manager: str) -> None:
    project = render(ml_framework="pytorch", env_manager=manager)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    makefile = (project / "Makefile").read_text()
    if manager == "uv":
        assert pyproject["tool"]["uv"]["sources"]["torch"] == {"index": "pytorch-cpu"}
        assert pyproject["tool"]["uv"]["index"] == [
            {"name": "pytorch-cpu", "url": CPU_INDEX, "explicit": True}
        ]
    elif manager == "pip":
        assert f"TORCH_INDEX ?= {CPU_INDEX}\n" in makefile
        command = '.venv/bin/pip install --no-deps --index-url $(TORCH_INDEX) "torch>=2.5,<3"'
        assert f"PIP_CONFIG_FILE=/dev/null {command}" in makefile
        assert '{ echo "--extra-index-url $(TORCH_INDEX)";' in makefile
    elif manager == "poetry":
        assert pyproject["tool"]["poetry"]["dependencies"]["torch"] == {"source": "pytorch-cpu"}
        assert pyproject["tool"]["poetry"]["source"] == [
            {"name": "pytorch-cpu", "url": CPU_INDEX, "priority": "explicit"}
        ]
    else:
        environment = yaml.safe_load((project / "environment.yml").read_text())
        assert "pytorch=*=cpu*" in environment["dependencies"]
    # The CUDA index appears in comments (how to switch) but is configured nowhere.
    assert 'whl/cu128"' not in (project / "pyproject.toml").read_text()
    assert "whl/cu128\n" not in makefile


@pytest.mark.parametrize("manager", ["uv", "pip", "poetry", "conda"])
def test_accelerator_cuda_chooses_the_cuda_build(render, manager: str) -> None:
    project = render(ml_framework="pytorch", env_manager=manager, accelerator="cuda")
    text = (project / "pyproject.toml").read_text() + (project / "Makefile").read_text()
    if manager == "conda":
        environment = yaml.safe_load((project / "environment.yml").read_text())
        assert "pytorch=*=cuda*" in environment["dependencies"]
    else:
        assert "https://download.pytorch.org/whl/cu128" in text
        assert 'whl/cpu"' not in text and "whl/cpu\n" not in text  # no CPU index configured
    assert "CUDA 12.8 build" in (project / "README.md").read_text()


def test_accelerator_is_asked_only_for_pytorch(render) -> None:
    answers = yaml.safe_load((render(ml_framework="sklearn") / ".copier-answers.yml").read_text())
    assert "accelerator" not in answers
    pytorch = render(ml_framework="pytorch", accelerator="cuda")
    assert yaml.safe_load((pytorch / ".copier-answers.yml").read_text())["accelerator"] == "cuda"


# --- environments for real: no CUDA package by default ---------------------------------------


@pytest.mark.slow
def test_pip_pytorch_environment_has_no_cuda_package(
    template_repo: Path, tmp_path: Path, torch_index: str
) -> None:
    """`make lock` then `make environment`, the pip way, with the stand-in CPU index."""
    project = render_project(
        template_repo, tmp_path / "p", ml_framework="pytorch", env_manager="pip", docs="none"
    )
    member = _runner(torch_index)
    member("make", "lock", f"TORCH_INDEX={torch_index}", cwd=project)
    requirements = (project / "requirements.txt").read_text().splitlines()
    assert requirements[0] == f"--extra-index-url {torch_index}"
    assert any(re.fullmatch(r"torch==[\d.]+\+cpu", line) for line in requirements), requirements
    member("make", "environment", f"TORCH_INDEX={torch_index}", cwd=project)
    installed = member(".venv/bin/pip", "list", "--format=freeze", cwd=project).lower()
    assert "nvidia" not in installed and "+cpu" in installed, installed


@pytest.mark.slow
def test_conda_pytorch_pip_section_keeps_the_cpu_build(
    template_repo: Path, tmp_path: Path, torch_index: str
) -> None:
    """conda's channels are out of reach: a venv with the CPU torch stands in for the conda
    environment after its `pytorch=*=cpu*` package, then pip installs the pip section."""
    project = render_project(
        template_repo, tmp_path / "p", ml_framework="pytorch", env_manager="conda", docs="none"
    )
    member = _runner(torch_index)
    environment = yaml.safe_load((project / "environment.yml").read_text())
    assert "pytorch=*=cpu*" in environment["dependencies"]
    pip_section = next(i["pip"] for i in environment["dependencies"] if isinstance(i, dict))
    (project / "conda-pip.txt").write_text("\n".join(pip_section) + "\n")
    member("python3", "-m", "venv", ".venv", cwd=project)
    # What conda-forge's pytorch cpu build provides; pip's configuration here has an extra index
    # with CUDA builds, so it is ignored for this step (conda would not read it).
    member(
        "env",
        "PIP_CONFIG_FILE=/dev/null",
        ".venv/bin/pip",
        "install",
        "--quiet",
        "--index-url",
        torch_index,
        "--no-deps",
        "torch",
        cwd=project,
    )
    member(".venv/bin/pip", "install", "--quiet", "-r", "conda-pip.txt", cwd=project)
    installed = member(".venv/bin/pip", "list", "--format=freeze", cwd=project).lower()
    assert "nvidia" not in installed and "+cpu" in installed, installed


# --- DDP with torchrun, and DVC's queue --------------------------------------------------------


@pytest.fixture(scope="module")
def pytorch_project(template_repo: Path, tmp_path_factory: pytest.TempPathFactory, torch_index):
    root = render_project(
        template_repo, tmp_path_factory.mktemp("ddp") / "project", ml_framework="pytorch"
    )
    member = _runner(torch_index)
    run("git", "init", "-q", cwd=root)
    member("uv", "sync", cwd=root)
    if not (root / ".dvc").exists():
        member("uv", "run", "dvc", "init", "-q", cwd=root)
    # As `new`'s setup does (issue 17): the raw table is DVC-tracked, so the git clone in which
    # a queued experiment runs gets it from the cache (git ignores data/).
    for table in sorted((root / "data/raw").glob("*.csv")):
        member("uv", "run", "dvc", "add", "-q", str(table.relative_to(root)), cwd=root)
    run("git", "add", "-A", cwd=root)
    run("git", "commit", "-q", "-m", "Initial commit", cwd=root)
    installed = member("uv", "pip", "list", cwd=root).lower()
    assert "nvidia" not in installed, "a CUDA package was installed"
    return root


@pytest.mark.slow
def test_torchrun_on_two_cpu_processes_trains_registers_and_repeats(
    pytorch_project: Path, torch_index: str
) -> None:
    member = _runner(torch_index)
    project = pytorch_project
    output = member("make", "train-ddp", "NPROC=2", cwd=project)
    assert output.count("train: model saved") == 1  # one logging rank
    repro = member("uv", "run", "dvc", "repro", cwd=project)
    assert "Stage 'train' didn't change, skipping" in repro  # dvc.lock holds the DDP model
    first = (project / "reports/metrics.json").read_bytes()
    model = (project / "models/model.pt").read_bytes()
    registry = json.loads((project / "reports/registry.json").read_text())
    assert registry["decision"] == "promoted" and registry["version"] == 1, registry
    assert json.loads(first)["roc_auc"] > 0.9

    member("make", "train-ddp", "NPROC=2", cwd=project)
    assert (project / "models/model.pt").read_bytes() == model  # same seed, same weights
    again = member("uv", "run", "dvc", "repro", cwd=project)
    assert "Running stage" not in again  # the same model: dvc.lock already has it
    assert (project / "reports/metrics.json").read_bytes() == first


@pytest.mark.slow
def test_queued_grid_of_three_runs_with_two_workers(
    pytorch_project: Path, torch_index: str
) -> None:
    member = _runner(torch_index)
    project = pytorch_project
    run("git", "add", "-A", cwd=project)
    run("git", "commit", "-q", "--allow-empty", "-m", "baseline", cwd=project)
    member(
        "uv",
        "run",
        "dvc",
        "exp",
        "run",
        "--queue",
        "-S",
        "train.learning_rate=0.005,0.01,0.02",
        cwd=project,
    )
    member("uv", "run", "dvc", "queue", "start", "-j", "2", cwd=project)
    shown = _wait_for_queue(member, project)
    rates = {row["params"]["train.learning_rate"] for row in shown}
    assert {0.005, 0.01, 0.02} <= rates, shown


def _wait_for_queue(member, project: Path) -> list[dict]:
    """Poll `dvc queue status` until nothing is queued or running; then `dvc exp show --json`."""
    deadline = time.monotonic() + 3000
    while time.monotonic() < deadline:
        status = member("uv", "run", "dvc", "queue", "status", cwd=project)
        if not re.search(r"\b(Queued|Running)\b", status):
            break
        time.sleep(10)
    assert not re.search(r"\bFailed\b", status), status
    data = json.loads(member("uv", "run", "dvc", "exp", "show", "--json", cwd=project))
    rows = []
    for commit in data:
        for exp in commit.get("experiments") or []:
            for revision in exp.get("revs") or []:
                params = revision["data"]["params"]["params.yaml"]["data"]
                rows.append({"name": exp.get("name"), "params": _flatten(params)})
    return rows


def _flatten(node: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in node.items():
        if isinstance(value, dict):
            flat |= _flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat
