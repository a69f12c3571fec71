"""Wheels as users get them: the built wheel carries the template's tagged history, and a
project made by an installed (not editable) v0.1.0 updates offline with the v0.2.0 wheel.

The "releases" are temporary git repositories made from this working tree (a clone would miss
uncommitted work), tagged as a release would be; `uv build --wheel` runs the real build hook.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from template_versions import answers, commit_all, edit_text, git

from generator.template_source import CANONICAL_URL, OVERRIDE_ENV

# Any attempt to reach the network fails fast (nothing listens on port 9).
OFFLINE = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "ALL_PROXY": "http://127.0.0.1:9",
}


def _source_tree(dest: Path) -> Path:
    """This working tree's non-ignored files in a fresh git repository, without tags."""
    listed = git("ls-files", "-co", "--exclude-standard", "-z", cwd=REPO_ROOT).split("\0")
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    commit_all(dest, "release candidate", init=True)
    return dest


def _build_wheel(source: Path, out: Path) -> Path:
    done = subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(out), str(source)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = out.glob("*.whl")
    return wheel


def _bundled_tags(wheel: Path, tmp: Path) -> list[str]:
    bundle = tmp / "template.bundle"
    with zipfile.ZipFile(wheel) as archive:
        bundle.write_bytes(archive.read("generator/_template/template.bundle"))
        assert b"project_name:" in archive.read("generator/_template/copier.yml")
    heads = git("bundle", "list-heads", str(bundle), cwd=tmp).splitlines()
    return sorted(line.split()[1].removeprefix("refs/tags/") for line in heads if "tags/" in line)


def _tool_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (OVERRIDE_ENV, "VIRTUAL_ENV")}
    return env | OFFLINE


def _tool(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "mlops-scaffold"), *args],
        cwd=cwd,
        env=_tool_env(),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def _install(venv: Path, wheel: Path) -> None:
    done = subprocess.run(
        ["uv", "pip", "install", "--python", str(venv / "bin" / "python"), "--reinstall-package",
         "mlops-scaffold", str(wheel)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_untagged_checkout_bundles_head_as_its_version(tmp_path: Path) -> None:
    """A fresh clone without tags still builds: the commit that brought the version is its
    release, tagged in the bundle though not in the clone."""
    from generator import __version__

    source = _source_tree(tmp_path / "source")
    assert not git("tag", cwd=source)
    wheel = _build_wheel(source, tmp_path / "dist")
    assert _bundled_tags(wheel, tmp_path) == [f"v{__version__}"]


@pytest.mark.slow
def test_installed_wheel_updates_offline_to_newer_wheel(tmp_path: Path) -> None:
    source = _source_tree(tmp_path / "source")
    init = source / "generator" / "__init__.py"
    init.write_text('"""mlops-scaffold (test release)."""\n\n__version__ = "0.1.0"\n')
    commit_all(source, "release 0.1.0")
    git("tag", "v0.1.0", cwd=source)
    wheel_1 = _build_wheel(source, tmp_path / "dist-0.1.0")

    init.write_text('"""mlops-scaffold (test release)."""\n\n__version__ = "0.2.0"\n')
    gitignore = source / "templates" / "project" / ".gitignore"
    edit_text(gitignore, lambda text: text + "# added in template v0.2.0\n")
    commit_all(source, "release 0.2.0")
    git("tag", "v0.2.0", cwd=source)
    wheel_2 = _build_wheel(source, tmp_path / "dist-0.2.0")
    assert _bundled_tags(wheel_1, tmp_path) == ["v0.1.0"]
    assert _bundled_tags(wheel_2, tmp_path) == ["v0.1.0", "v0.2.0"]

    venv = tmp_path / "venv"
    subprocess.run(["uv", "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    _install(venv, wheel_1)
    work = tmp_path / "work"
    work.mkdir()
    made = _tool(venv, "new", "project", "--defaults", "--no-setup", cwd=work)
    assert made.returncode == 0, made.stdout + made.stderr
    project = work / "project"
    assert answers(project)["_commit"] == "v0.1.0"
    assert answers(project)["_src_path"] == CANONICAL_URL
    commit_all(project, "first commit", init=True)
    edit_text(project / "pyproject.toml", lambda text: text + "# user edit\n")
    commit_all(project, "user edit")
    assert _tool(venv, "update", "--check", cwd=project).returncode == 0

    _install(venv, wheel_2)
    assert _tool(venv, "--version", cwd=work).stdout.strip() == "mlops-scaffold 0.2.0"
    check = _tool(venv, "update", "--check", cwd=project)
    assert check.returncode == 1, check.stdout + check.stderr
    updated = _tool(venv, "update", "--defaults", cwd=project)

    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert answers(project)["_commit"] == "v0.2.0"
    assert answers(project)["_src_path"] == CANONICAL_URL
    assert gitignore.read_text() == (project / ".gitignore").read_text()
    assert (project / "pyproject.toml").read_text().endswith("# user edit\n")
    assert not git("ls-files", "-u", cwd=project)


@pytest.mark.slow
def test_wheel_updates_a_project_made_between_releases(tmp_path: Path) -> None:
    """No tags anywhere, no version bump: a project made by a wheel of one commit of main
    records that commit (`v0.1.0-1-g<commit>`), and a wheel of a later commit updates it."""
    from generator import __version__

    source = _source_tree(tmp_path / "source")
    gitignore = source / "templates" / "project" / ".gitignore"
    edit_text(gitignore, lambda text: text + "# a fix after the release\n")
    commit_all(source, "template fix")
    made_at = git("rev-parse", "--short", "HEAD", cwd=source).strip()
    wheel_1 = _build_wheel(source, tmp_path / "dist-1")
    edit_text(gitignore, lambda text: text + "# another fix\n")
    commit_all(source, "another template fix")
    wheel_2 = _build_wheel(source, tmp_path / "dist-2")
    assert not git("tag", cwd=source)

    venv = tmp_path / "venv"
    subprocess.run(["uv", "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    _install(venv, wheel_1)
    work = tmp_path / "work"
    work.mkdir()
    assert _tool(venv, "new", "project", "--defaults", "--no-setup", cwd=work).returncode == 0
    project = work / "project"
    assert answers(project)["_commit"] == f"v{__version__}-1-g{made_at}"
    commit_all(project, "first commit", init=True)

    _install(venv, wheel_2)
    behind = _tool(venv, "update", "--check", cwd=project)
    assert behind.returncode == 1, behind.stdout + behind.stderr
    updated = _tool(venv, "update", "--defaults", cwd=project)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert answers(project)["_commit"].startswith(f"v{__version__}-2-g")
    assert (project / ".gitignore").read_text().endswith("# another fix\n")
