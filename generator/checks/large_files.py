"""Check `large-files`: big blobs belong in Git LFS or DVC, not in git history."""

from __future__ import annotations

from collections.abc import Iterator

from .dvc_files import dvc_tracked, is_within, load_pipeline
from .model import CheckInputError, Problem
from .project import Project
from .registry import register

# Lock files are text that must live in git, and grow with the dependency tree, not with data.
LOCK_FILES = frozenset(
    {"uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "conda-lock.yml", "dvc.lock"}
)


@register(
    "large-files",
    "Large files committed to git bloat every clone forever; Git LFS or DVC store them instead.",
    "track it with DVC (`dvc add <file>`) or Git LFS (`git lfs track`), then `git rm --cached` it",
)
def check_large_files(project: Project) -> Iterator[Problem]:
    """Flag index blobs above the limit; an LFS pointer is a small blob, so it passes."""
    limit_kb = project.config.max_file_size_kb
    entries = [
        e
        for e in project.git_files()
        if e.size > limit_kb * 1024 and e.path.rsplit("/", 1)[-1] not in LOCK_FILES
    ]
    if not entries:
        return
    try:
        pipeline = load_pipeline(project)
    except CheckInputError:
        pipeline = None  # an invalid dvc.yaml is reported by `dvc-pipeline`
    tracked = dvc_tracked(project, pipeline)
    for entry in entries:
        if is_within(entry.path, tracked):
            continue
        yield Problem(
            f"{entry.size // 1024} KB committed to git (limit {limit_kb} KB)", path=entry.path
        )
