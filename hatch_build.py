"""Hatch build hook: ship the template's tagged history inside the package.

An installed wheel has no git history, yet `mlops-scaffold update` must re-render the version a
project was made from (DESIGN.md decision 3). So the build writes `generator/_template/`:

- `template.bundle`: a git bundle of a template-only history (`copier.yml` + `templates/`), one
  commit per release tag `vX.Y.Z`, tagged with the same names, so Copier's `_commit` is the tag;
- `copier.yml`: the questions of this version, so the wizard reads them without cloning.

A checkout without the tag of this version (a fresh CI clone, a development build) bundles HEAD
under the name `v<version>`. An sdist carries both files, so a wheel built from it needs no git.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from packaging.version import InvalidVersion, Version

TEMPLATE_PATHS = ("copier.yml", "templates")
OUTPUT_DIR = Path("generator") / "_template"
OUTPUT_FILES = ("template.bundle", "copier.yml")
COMMITTER = ("mlops-scaffold release", "release@mlops-scaffold.invalid")


def _git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", "-c", f"core.hooksPath={os.devnull}", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {done.stderr.strip()}")
    return done.stdout


def release_tags(root: Path) -> list[str]:
    """Tags `vX.Y.Z` that hold a template, oldest first (PEP 440 order)."""
    tags = []
    for tag in _git("tag", "--list", "v*", cwd=root).split():
        try:
            version = Version(tag)
        except InvalidVersion:
            continue
        if _git("ls-tree", "--name-only", tag, "--", "copier.yml", cwd=root).strip():
            tags.append((version, tag))
    return [tag for _, tag in sorted(tags)]


def _extract(root: Path, ref: str, dest: Path) -> None:
    """Replace the work tree of `dest` with the template files of `ref`."""
    for child in dest.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    present = [
        p for p in TEMPLATE_PATHS if _git("ls-tree", "--name-only", ref, "--", p, cwd=root).strip()
    ]
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref, "--", *present],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # Python < 3.10.12: our own archive, no filter needed
            tar.extractall(dest)


def build_bundle(root: Path, version: str, out_dir: Path) -> list[str]:
    """Write the bundle and this version's copier.yml into `out_dir`; returns the tags bundled."""
    wanted = f"v{version}"
    refs = [(tag, tag) for tag in release_tags(root)]
    if wanted not in dict(refs):
        refs.append((wanted, "HEAD"))
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mlops-scaffold-bundle-") as tmp:
        repo = Path(tmp)
        _git("init", "-q", cwd=repo)
        for tag, ref in refs:
            _extract(root, ref, repo)
            date = _git("log", "-1", "--format=%cI", ref, cwd=root).strip()
            env = {
                **os.environ,
                "GIT_AUTHOR_NAME": COMMITTER[0],
                "GIT_AUTHOR_EMAIL": COMMITTER[1],
                "GIT_COMMITTER_NAME": COMMITTER[0],
                "GIT_COMMITTER_EMAIL": COMMITTER[1],
                "GIT_AUTHOR_DATE": date,
                "GIT_COMMITTER_DATE": date,
            }
            _git("add", "-A", cwd=repo)
            _git(
                "-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty",
                "-m", f"template {tag}", cwd=repo, env=env,
            )  # fmt: skip
            _git("tag", tag, cwd=repo)
        bundle = out_dir / "template.bundle"
        bundle.unlink(missing_ok=True)
        _git("bundle", "create", str(bundle), "--all", cwd=repo)
        questions = _git("show", f"{wanted}:copier.yml", cwd=repo)
    (out_dir / "copier.yml").write_text(questions, encoding="utf-8")
    return [tag for tag, _ in refs]


class TemplateBundleHook(BuildHookInterface):
    """Builds `generator/_template/` and forces it into wheels and sdists (it is gitignored)."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            return  # an editable install renders from its checkout
        root = Path(self.root)
        out_dir = root / OUTPUT_DIR
        if (root / ".git").exists():
            build_bundle(root, self.metadata.version, out_dir)
        elif not all((out_dir / name).is_file() for name in OUTPUT_FILES):
            raise RuntimeError(
                f"cannot bundle the template: {root} is not a git checkout and has no {OUTPUT_DIR}"
            )
        for name in OUTPUT_FILES:
            build_data["force_include"][str(out_dir / name)] = str(OUTPUT_DIR / name)
