"""The bytecode step of `new`: it compiles the pipeline's imports only when Python would not."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from generator.setup_steps import warm_bytecode


def _project_with_package(tmp_path: Path) -> Path:
    """A project whose `.venv/bin/python` is this interpreter and whose package has a module."""
    project = tmp_path / "project"
    package = project / "demo_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "stage.py").write_text("VALUE = 1\n")
    bin_dir = project / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    return project


def _bytecode(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "demo_pkg").rglob("*.pyc"))


def test_bytecode_is_compiled_when_python_would_not_write_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project_with_package(tmp_path)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    warm_bytecode(project, {"package_name": "demo_pkg", "env_manager": "uv"})
    compiled = _bytecode(project)
    assert any(name.startswith("stage.") for name in compiled), compiled
    assert any(name.startswith("__init__.") for name in compiled), compiled
    assert os.environ["PYTHONDONTWRITEBYTECODE"] == "1"  # lifted for the child only


def test_bytecode_step_does_nothing_when_python_writes_it_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project_with_package(tmp_path)
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    warm_bytecode(project, {"package_name": "demo_pkg", "env_manager": "uv"})
    assert _bytecode(project) == []
