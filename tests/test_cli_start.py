"""Fast start: --help, --version and options never import the heavy libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

REPO = Path(__file__).resolve().parents[1]
HEAVY = {"copier", "cookiecutter", "dvc", "mlflow", "plumbum", "sklearn"}

PROBE = """
import sys
from generator.cli import app
try:
    app({args!r})
except SystemExit:
    pass
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {heavy!r})
print('HEAVY=' + ','.join(heavy))
"""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["options"], ["new", "--help"]])
def test_light_commands_import_nothing_heavy(args: list[str]) -> None:
    code = PROBE.format(args=args, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "HEAVY=\n" in done.stdout, done.stdout


def test_version_matches_package() -> None:
    from generator import __version__

    done = run_cli("--version")
    assert done.stdout.strip() == f"mlops-scaffold {__version__}"
