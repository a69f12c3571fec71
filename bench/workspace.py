"""The isolated places and environment every benchmark run uses.

Runs must not read the user's git or Copier settings (they change what gets rendered) nor leave
anything behind, so each benchmark gets a private git config, empty Copier settings and a scratch
folder under `bench/.work/` that is removed at the end. Caches that only make runs warm (the peer
venv, pre-commit hook environments) live in `bench/.work/cache/` and are kept between benchmarks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
CANONICAL_URL = "https://github.com/mlops-scaffold/mlops-scaffold.git"
PEER_PACKAGES = ["cookiecutter-data-science", "pyinstrument"]


def dev_bin() -> Path:
    """The dev venv's bin folder: ours when run through `uv run`, else the checkout's .venv."""
    here = Path(sys.executable).parent
    return here if (here / "mlops-scaffold").exists() else REPO / ".venv" / "bin"


def git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@dataclass
class Workspace:
    """Scratch folder, caches and the isolated environment of one benchmark."""

    root: Path
    cache: Path
    bin: Path
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls) -> Workspace:
        WORK.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
        cache = WORK / "cache"
        cache.mkdir(exist_ok=True)
        (root / "gitconfig").write_text(
            "[user]\n\tname = Bench\n\temail = bench@example.com\n"
            "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
        )
        (root / "copier-settings.yml").write_text("{}\n")  # empty YAML is invalid
        bin_dir = dev_bin()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COPIER_", "GIT_"))}
        for key in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "MLOPS_SCAFFOLD_TEMPLATE"):
            env.pop(key, None)
        path = env.get("PATH", "").split(os.pathsep)
        if str(bin_dir) not in path:  # uv and the tools, for the steps that look them up
            path.append(str(bin_dir))
        env |= {
            "PATH": os.pathsep.join(path),
            "GIT_CONFIG_GLOBAL": str(root / "gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "COPIER_SETTINGS_PATH": str(root / "copier-settings.yml"),
            "PRE_COMMIT_HOME": str(cache / "pre-commit"),
            "UV_COMPILE_BYTECODE": "1",
            "NO_COLOR": "1",
        }
        return cls(root, cache, bin_dir, env)

    def tool(self, name: str) -> str:
        return str(self.bin / name)

    def template_env(self, template: Path) -> dict[str, str]:
        """Our tool and plain Copier both resolve the canonical URL to `template`."""
        return self.env | {
            "MLOPS_SCAFFOLD_TEMPLATE": str(template),
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": f"url.{template}.insteadOf",
            "GIT_CONFIG_VALUE_0": CANONICAL_URL,
        }

    def fresh_dir(self, name: str) -> Path:
        """A new, non-existing path under the scratch folder."""
        parent = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.root))
        return parent / name

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def snapshot_template(ws: Workspace, name: str, ref: str | None = None) -> Path:
    """A git repo of the checkout's `copier.yml` + `templates/`, tagged v0.1.0.

    Without `ref`, the work tree's: the checkout's HEAD may lag it, and other people edit it
    while we run; a snapshot gives every run the same template. With `ref`, the template as
    that commit had it, for a row that measures a change against the design before it.
    """
    repo = ws.root / name
    repo.mkdir()
    if ref is None:
        shutil.copy2(REPO / "copier.yml", repo / "copier.yml")
        shutil.copytree(
            REPO / "templates", repo / "templates", ignore=shutil.ignore_patterns("__pycache__")
        )
    else:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", ref, "copier.yml", "templates"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(repo)], input=archive, check=True)
    git("init", "-q", "-b", "main", cwd=repo, env=ws.env)
    git("add", "-A", cwd=repo, env=ws.env)
    git("commit", "-q", "-m", "template v0.1.0", cwd=repo, env=ws.env)
    git("tag", "v0.1.0", cwd=repo, env=ws.env)
    return repo


def release_v2(ws: Workspace, repo: Path) -> None:
    """Change one template file and tag v0.2.0: the smallest real update."""
    readme = next((repo / "templates" / "project").glob("README.md*"))
    readme.write_text(readme.read_text() + "\n## Changelog\n\nTemplate v0.2.0.\n")
    git("commit", "-q", "-am", "template v0.2.0", cwd=repo, env=ws.env)
    git("tag", "v0.2.0", cwd=repo, env=ws.env)


def local_wheel(ws: Workspace) -> Path:
    """A folder with a wheel of this checkout, for pip's --find-links.

    Generated projects' standards hook pins `mlops-scaffold==<version>` from PyPI; the benchmark
    measures the checkout, so pre-commit's pip finds that version here. Built from a copy: the
    build hook writes the template bundle into the source tree.
    """
    wheels = ws.root / "wheels"
    if any(wheels.glob("*.whl")):
        return wheels
    source = ws.root / "wheel-source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(".venv", "dist", "__pycache__", ".*_cache", ".work"),
    )
    uv = shutil.which("uv", path=ws.env["PATH"]) or "uv"
    subprocess.run(
        [uv, "build", "--wheel", "--quiet", "--out-dir", str(wheels)],
        cwd=source,
        env=ws.env,
        check=True,
        capture_output=True,
    )
    shutil.rmtree(source, ignore_errors=True)
    return wheels


def peer_venv(ws: Workspace) -> tuple[Path | None, str]:
    """A venv with the published cookiecutter-data-science (and pyinstrument), or why not."""
    venv = ws.cache / "peers-venv"
    python = venv / "bin" / "python"
    uv = shutil.which("uv", path=ws.env["PATH"])
    if uv is None:
        return None, "uv not found"
    if not python.exists():
        made = subprocess.run(
            [uv, "venv", "-q", "--python", sys.executable, str(venv)],
            env=ws.env,
            capture_output=True,
            text=True,
        )
        if made.returncode != 0:
            return None, f"uv venv failed: {made.stderr.strip()[-200:]}"
    done = subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(python), *PEER_PACKAGES],
        env=ws.env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return None, f"installing {' '.join(PEER_PACKAGES)} failed: {done.stderr.strip()[-200:]}"
    return venv, ""


def find_ccds_template(venv: Path) -> tuple[Path | None, str]:
    """The cookiecutter template folder inside the installed cookiecutter-data-science.

    `BENCH_CCDS_TEMPLATE` may point at a local copy when the package does not ship one
    (2.3.0 ships only the `ccds` CLI and fetches the template from GitHub at run time).
    """
    override = os.environ.get("BENCH_CCDS_TEMPLATE")
    if override:
        path = Path(override).expanduser().resolve()
        if any((path / name).is_file() for name in ("cookiecutter.json", "ccds.json")):
            return path, ""
        return None, f"BENCH_CCDS_TEMPLATE={override} holds no cookiecutter.json or ccds.json"
    site = next(venv.glob("lib/python*/site-packages"), None)
    roots = [site / "ccds", *site.glob("cookiecutter_data_science*")] if site else []
    for root in roots:
        for config in [*root.rglob("cookiecutter.json"), *root.rglob("ccds.json")]:
            if any(p.name.startswith("{{") for p in config.parent.iterdir()):
                return config.parent, ""
    return None, (
        "the published cookiecutter-data-science package ships only the `ccds` CLI, no template "
        "(it clones it from GitHub at run time); set BENCH_CCDS_TEMPLATE to a local copy"
    )
