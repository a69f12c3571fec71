"""Shared fixtures: isolated git/Copier settings and a tagged copy of the real template.

Tests never read the developer's git or Copier configuration, and never render from the
working tree directly: a temporary git repository made from it stands in for the template
source, as a release would.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_FILES = ("copier.yml", "templates")

# The modules whose tests took longest in CI (`--durations`), longest first. With two workers a
# 10-minute test begun last leaves the other worker idle for 10 minutes: these start first, the
# other slow tests next, the fast ones fill the gaps at the end.
LONGEST_FIRST = (
    "test_variant_pipelines",
    "test_variants_env",
    "test_experiments_at_scale",
    "test_dataset_projects",
)


def _shares_a_module_fixture(item: pytest.Item) -> bool:
    """Whether the test uses a module-scoped fixture (most build a project's environment)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        definition.scope == "module"
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


def _start_order(item: pytest.Item) -> tuple[int, int]:
    module = item.path.stem
    rank = LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)
    return rank, 0 if item.get_closest_marker("slow") else 1


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its hook runs last)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup`, the tests of a module that share a module-scoped fixture run
    on one worker, so the fixture (a project, its environment, its pipeline run) is built once
    instead of once per worker; and the longest tests start first (`--no-loadscope-reorder`
    keeps this order)."""
    for item in items:
        if _shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
    items.sort(key=_start_order)


def git(*args: str, cwd: Path) -> str:
    """Run git and return its stdout; a failure raises with git's message."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def _isolate_environment(root: Path) -> None:
    gitconfig = root / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n[core]\n\tautocrlf = input\n"
        '[protocol "file"]\n\tallow = always\n'
    )
    os.environ["GIT_CONFIG_GLOBAL"] = str(gitconfig)
    os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
    for key in [
        k
        for k in os.environ
        if k.startswith("GIT_") and k not in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")
    ]:
        del os.environ[key]
    settings = root / "copier-settings.yml"
    settings.write_text("{}\n")
    os.environ["COPIER_SETTINGS_PATH"] = str(settings)
    os.environ["COPIER_CACHE_DIR"] = str(root / "copier-cache")
    # Compiling every installed module costs ~80 s per environment here; letting the
    # project's processes write bytecode at first import compiles only what they use.
    os.environ["UV_COMPILE_BYTECODE"] = "0"
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
    os.environ["MLFLOW_TRACKING_URI"] = ""
    del os.environ["MLFLOW_TRACKING_URI"]
    os.environ["NO_COLOR"] = "1"
    os.environ["COLUMNS"] = "200"
    # A generated project's stages start a warm server (warm.py) that waits 15 minutes for the
    # next stage; dozens of projects' servers would hold gigabytes through the whole run.
    os.environ["WARM_STAGES_IDLE"] = "120"


@pytest.fixture(scope="session", autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved = dict(os.environ)
    _isolate_environment(tmp_path_factory.mktemp("isolation"))
    yield
    stop_warm_servers(tmp_path_factory.getbasetemp())
    os.environ.clear()
    os.environ.update(saved)


def warm_servers(under: Path) -> list[int]:
    """Pids of the warm stage servers (warm.py) whose Python lives under `under`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # ended meanwhile
        if "--serve" in (arg.decode(errors="replace") for arg in argv) and argv[0].decode(
            errors="replace"
        ).startswith(f"{under}{os.sep}"):
            found.append(int(entry.name))
    return found


def stop_warm_servers(under: Path) -> None:
    """End the warm servers of the projects under `under`: the test run is over."""
    for pid in warm_servers(under):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def make_template_repo(dest: Path, tag: str = "v0.1.0") -> Path:
    """Copy the working tree's template into a fresh git repository tagged `tag`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATE_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / name)
    git("init", "-q", "-b", "main", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", f"template {tag}", cwd=dest)
    git("tag", tag, cwd=dest)
    return dest


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tagged git copy of the real template; the tool renders from it in tests."""
    repo = make_template_repo(tmp_path_factory.mktemp("template") / "mlops-scaffold")
    os.environ["MLOPS_SCAFFOLD_TEMPLATE"] = str(repo)
    return repo


def copier_render(template: Path, dest: Path, **data: object) -> Path:
    """Render with plain Copier (no wizard, no setup steps): the reference rendering."""
    import copier

    copier.run_copy(
        str(template),
        str(dest),
        data=dict(data),
        defaults=True,
        unsafe=True,
        vcs_ref="HEAD",
        quiet=True,
        settings=copier.Settings(defaults={}, trust=[]),
    )
    return dest


@pytest.fixture
def render(template_repo: Path, tmp_path: Path):
    """Render the template with plain Copier into a fresh folder; returns a function."""
    counter = iter(range(1000))

    def _render(**data: object) -> Path:
        return copier_render(template_repo, tmp_path / f"project{next(counter)}", **data)

    return _render


TORCH_WHEELS = Path("/opt/wheels")


@pytest.fixture(scope="session")
def torch_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A local package index (PEP 503 layout) serving the machine's CPU-only torch wheels, as
    PyTorch's CPU index does: shared by the pipeline and experiment tests."""
    wheels = sorted(TORCH_WHEELS.glob("torch-*+cpu-*.whl"))
    if not wheels:
        pytest.skip(f"no CPU torch wheel in {TORCH_WHEELS}")
    root = tmp_path_factory.mktemp("torch-index")
    (root / "torch").mkdir()
    links = "".join(f'<a href="{w.as_uri()}">{w.name}</a>\n' for w in wheels)
    (root / "torch" / "index.html").write_text(f"<html><body>\n{links}</body></html>\n")
    return root.as_uri()
