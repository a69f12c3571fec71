"""Hatch build hook: ship the template's release history inside the package.

An installed wheel has no git history, yet `mlops-scaffold update` must re-render the version a
project was made from (DESIGN.md decision 3). So the build writes `generator/_template/`:

- `template.bundle`: a git bundle of this checkout's history up to HEAD, with a `vX.Y.Z` tag on
  each commit where the package version changed (generator/releases.py: tags need not exist
  in the clone). Its commits are main's own, so every `_commit` any earlier commit recorded
  resolves in it. About half a megabyte;
- `copier.yml`: the questions of this version, so the wizard reads them without cloning.

An sdist carries both files, so a wheel built from it needs no git.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

OUTPUT_DIR = Path("generator") / "_template"
OUTPUT_FILES = ("template.bundle", "copier.yml")


def build_bundle(root: Path, out_dir: Path) -> str:
    """Write the bundle and HEAD's copier.yml into `out_dir`; returns the commit bundled."""
    sys.path.insert(0, str(root))
    try:
        from generator.releases import write_bundle
    finally:
        sys.path.remove(str(root))
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mlops-scaffold-bundle-") as tmp:
        commit = write_bundle(root, out_dir / "template.bundle", Path(tmp))
    questions = subprocess.run(
        ["git", "show", f"{commit}:copier.yml"], cwd=root, capture_output=True, check=True
    ).stdout
    (out_dir / "copier.yml").write_bytes(questions)
    return commit


class TemplateBundleHook(BuildHookInterface):
    """Builds `generator/_template/` and forces it into wheels and sdists (it is gitignored)."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            return  # an editable install renders from its checkout
        root = Path(self.root)
        out_dir = root / OUTPUT_DIR
        if (root / ".git").exists():
            build_bundle(root, out_dir)
        elif not all((out_dir / name).is_file() for name in OUTPUT_FILES):
            raise RuntimeError(
                f"cannot bundle the template: {root} is not a git checkout and has no {OUTPUT_DIR}"
            )
        for name in OUTPUT_FILES:
            build_data["force_include"][str(out_dir / name)] = str(OUTPUT_DIR / name)
