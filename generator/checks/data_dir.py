"""Check `data-in-git`: data lives in DVC; git keeps only the folder layout and DVC pointers."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from .model import Problem
from .project import Project
from .registry import register

DATA_DIR = "data/"
# `.gitignore` is allowed too: `dvc add data/raw/x.csv` writes `data/raw/.gitignore` and asks
# for it to be committed, so forbidding it would forbid DVC's own workflow.
ALLOWED_NAMES = frozenset({".gitkeep", ".gitignore"})


@register(
    "data-in-git",
    "Data committed to git can't be versioned, shared or reproduced like DVC-tracked data.",
    "`git rm --cached <file>`, then `dvc add <file>` and commit the `.dvc` file instead",
)
def check_data_dir(project: Project) -> Iterator[Problem]:
    for entry in project.git_files():
        if not entry.path.startswith(DATA_DIR):
            continue
        name = posixpath.basename(entry.path)
        if name in ALLOWED_NAMES or name.endswith(".dvc"):
            continue
        yield Problem("file under data/ committed to git", path=entry.path)
