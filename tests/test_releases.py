"""Template versions from the commits themselves: a release is where the package version changed.

Every repository here is a clone of this one made without tags (as a user's clone may be), so
nothing leans on tags existing; one test adds a tag to show that existing tags are kept.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from generator import __version__
from generator.releases import build_release_repo, release_points
from generator.template_source import TemplateSource
from generator.versions import compare, describe
from tests.conftest import REPO_ROOT, git


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of this repository's committed history, without tags."""
    dest = tmp_path_factory.mktemp("upstream") / "mlops-scaffold"
    subprocess.run(["git", "clone", "-q", "--no-tags", str(REPO_ROOT), str(dest)], check=True)
    assert git("tag", cwd=dest) == ""
    return dest


@pytest.fixture
def clone(upstream: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-tags", str(upstream), str(dest)], check=True)
    return dest


def _source(repo: Path) -> TemplateSource:
    return TemplateSource(repo, "override", repo / "copier.yml")


def _first_commit_with(repo: Path, version: str) -> str:
    commits = git("log", "--reverse", "--format=%H", "--", "generator/__init__.py", cwd=repo)
    for commit in commits.split():
        if f'__version__ = "{version}"' in git("show", f"{commit}:generator/__init__.py", cwd=repo):
            return commit
    raise AssertionError(version)


def test_the_first_commit_of_each_version_is_its_release(clone: Path) -> None:
    points = release_points(clone)
    assert points[f"v{__version__}"] == _first_commit_with(clone, __version__)


def test_a_clone_without_tags_records_its_release_and_the_commit_of_main(clone: Path) -> None:
    source = _source(clone)
    head = git("rev-parse", "HEAD", cwd=clone).strip()
    recorded = describe(source, source.default_ref)
    match = re.fullmatch(rf"v{re.escape(__version__)}(?:-(\d+)-g([0-9a-f]+))?", recorded)
    assert match, recorded
    if match.group(2):  # between releases: the hash is main's own commit, resolvable anywhere
        assert head.startswith(match.group(2))
        assert git("rev-parse", f"{recorded}^{{commit}}", cwd=clone).strip() == head


def test_a_version_bump_commit_is_the_new_release(clone: Path) -> None:
    before = describe(_source(clone), "HEAD")
    init = clone / "generator" / "__init__.py"
    init.write_text(init.read_text().replace(__version__, "99.0.0"))
    git("commit", "-qam", "Release 99.0.0", cwd=clone)
    git("commit", "-q", "--allow-empty", "-m", "After the release", cwd=clone)
    source = _source(clone)
    assert describe(source, "HEAD~1") == "v99.0.0"
    after = describe(source, "HEAD")
    assert after.startswith("v99.0.0-1-g"), after
    assert compare(before, after) == -1 and compare(after, "v99.0.0") == 1


def test_existing_tags_are_kept(clone: Path) -> None:
    git("tag", "v0.0.1", "HEAD~2", cwd=clone)
    points = release_points(clone)
    assert points["v0.0.1"] == git("rev-parse", "HEAD~2", cwd=clone).strip()
    assert f"v{__version__}" in points


def test_a_shallow_clone_invents_no_release(upstream: Path, tmp_path: Path) -> None:
    """Where the history is cut, whether the version changed there cannot be seen."""
    if git("rev-list", "--count", "HEAD", cwd=upstream).strip() == "1":
        pytest.skip("a one-commit history has nothing to cut")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{upstream}", str(shallow)], check=True
    )
    assert f"v{__version__}" not in release_points(shallow)


def test_the_release_repository_borrows_objects_and_copies_none(
    clone: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "releases.git"
    head = build_release_repo(clone, repo)
    assert git("rev-parse", "HEAD", cwd=repo).strip() == head
    assert (repo / "objects" / "info" / "alternates").is_file()
    packed = list((repo / "objects").glob("pack/*.pack"))
    loose = [p for p in (repo / "objects").iterdir() if len(p.name) == 2]
    assert not packed and not loose
