"""Template releases from the commits themselves: where the version in the package changed.

Git tags need not travel with the main branch (a clone of main may have none), so a release is
the first commit at which `generator/__init__.py` holds a new `__version__`. The tool never
renders from a checkout or bundle directly: it renders from a *release repository*, a bare
repository that borrows the source's objects (git alternates) and carries `vX.Y.Z` tags on those
commits. Copier then records `_commit: v0.2.0` or `v0.2.0-3-g1a2b3c4`, where `1a2b3c4` is the real
commit of main: resolvable in every clone of the canonical repository and in every later wheel.

Plain git and the standard library only: the wheel's build hook (hatch_build.py) imports this.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

VERSION_FILE = "generator/__init__.py"
_VERSION = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)
_RELEASE = re.compile(r"^v?\d+(\.\d+)*([a-z]+\d*)?(\.post\d+)?(\.dev\d+)?$")


class ReleaseError(Exception):
    """git could not read the source's history."""


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise ReleaseError(f"git {args[0]} failed: {lines[-1] if lines else done.returncode}")
    return done.stdout


def version_of(text: str) -> str | None:
    match = _VERSION.search(text)
    return match.group(1) if match else None


def _shallow_boundary(repo: Path) -> set[str]:
    shallow = Path(_git("rev-parse", "--git-path", "shallow", cwd=repo).strip())
    shallow = shallow if shallow.is_absolute() else repo / shallow
    return set(shallow.read_text().split()) if shallow.is_file() else set()


def release_points(repo: Path, head: str = "HEAD") -> dict[str, str]:
    """`{"v0.2.0": commit}`: the first commit of each version in the history of `head`.

    A commit at the edge of a shallow clone is no release point: whether the version changed
    there cannot be seen. Existing PEP 440 `v*` tags of the repository are kept as they are.
    """
    commits = _git("log", "--reverse", "--format=%H", head, "--", VERSION_FILE, cwd=repo).split()
    boundary = _shallow_boundary(repo)
    points: dict[str, str] = {}
    for commit in commits:
        version = version_of(_git("show", f"{commit}:{VERSION_FILE}", cwd=repo))
        if version is None or f"v{version}" in points:
            continue
        if commit in boundary:
            points[f"v{version}"] = ""  # seen, but its release commit is not in this clone
            continue
        points[f"v{version}"] = commit
    points = {tag: commit for tag, commit in points.items() if commit}
    tags = _git("tag", "--list", "v*", "--format=%(refname:short) %(objectname)", cwd=repo)
    for line in tags.splitlines():
        tag, _, target = line.partition(" ")
        if _RELEASE.match(tag):
            points[tag] = _git("rev-parse", f"{target}^{{commit}}", cwd=repo).strip()
    return points


def _objects_dir(repo: Path) -> Path:
    common = Path(_git("rev-parse", "--git-common-dir", cwd=repo).strip())
    return (common if common.is_absolute() else repo / common).resolve() / "objects"


def build_release_repo(source: Path, dest: Path, head: str = "HEAD") -> str:
    """Make `dest` a bare repository of `source`'s history with release tags; returns the
    commit of `head`. Nothing is copied: `dest` reads `source`'s objects through alternates."""
    commit = _git("rev-parse", "--verify", f"{head}^{{commit}}", cwd=source).strip()
    points = release_points(source, commit)
    _git("init", "-q", "--bare", str(dest), cwd=source)
    alternates = dest / "objects" / "info" / "alternates"
    alternates.write_text(f"{_objects_dir(source)}\n", encoding="utf-8")
    refs = [f"update refs/heads/main {commit}"]
    refs += [f"update refs/tags/{tag} {target}" for tag, target in points.items()]
    subprocess.run(
        ["git", "update-ref", "--stdin"],
        cwd=dest,
        input="\n".join(refs) + "\n",
        text=True,
        capture_output=True,
        check=True,
    )
    _git("symbolic-ref", "HEAD", "refs/heads/main", cwd=dest)
    return commit


def write_bundle(source: Path, bundle: Path, scratch: Path, head: str = "HEAD") -> str:
    """A git bundle of `source`'s history up to `head` with its release tags (for the wheel)."""
    repo = scratch / "releases.git"
    commit = build_release_repo(source, repo, head)
    bundle.unlink(missing_ok=True)
    _git("bundle", "create", "-q", str(bundle), "--all", cwd=repo)
    return commit
