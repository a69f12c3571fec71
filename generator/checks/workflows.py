"""Check `workflow-security`: GitHub workflows pin third-party actions and declare permissions.

A tag like `@v4` can be moved to malicious code by whoever controls the action; a full commit
SHA can't. Without `permissions`, jobs get the repository's default token scope, often write.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .model import Problem
from .project import Project
from .registry import register
from .yaml_lines import YamlDoc

WORKFLOWS = ".github/workflows"
PINNED = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")


@register(
    "workflow-security",
    "Actions pinned by tag can be swapped for malicious code; unset permissions grant too much.",
    "pin `uses:` to a full 40-character commit SHA (keep the tag in a comment) and add "
    "`permissions: {contents: read}` at the top",
)
def check_workflows(project: Project) -> Iterator[Problem]:
    folder = project.root / WORKFLOWS
    if not folder.is_dir():
        return
    for file in sorted(folder.iterdir()):
        if file.suffix in (".yml", ".yaml") and file.is_file():
            path = f"{WORKFLOWS}/{file.name}"
            doc = project.yaml(path)
            if doc is not None:
                yield from _check_workflow(path, doc)


def _uses(value: Any, path: str, line: int | None) -> Iterator[Problem]:
    if not isinstance(value, str):
        return
    if value.startswith(("./", "docker://")):
        return
    if not PINNED.match(value):
        yield Problem(f"`{value}` is not pinned to a full commit SHA", path, line)


def _check_workflow(path: str, doc: YamlDoc) -> Iterator[Problem]:
    data = doc.data
    if not isinstance(data, dict):
        yield Problem("a workflow must be a mapping", path, 1)
        return
    jobs = data.get("jobs")
    if not isinstance(jobs, dict):
        yield Problem("the workflow has no `jobs` mapping", path, doc.line("jobs"))
        return
    top_permissions = "permissions" in data
    for name, job in jobs.items():
        where = ("jobs", name)
        if not isinstance(job, dict):
            yield Problem(f"job `{name}` must be a mapping", path, doc.line(*where))
            continue
        if not top_permissions and "permissions" not in job:
            yield Problem(
                f"job `{name}` declares no `permissions` (and the workflow has none "
                "at the top level)",
                path,
                doc.line(*where),
            )
        yield from _uses(job.get("uses"), path, doc.line(*where, "uses"))
        steps = job.get("steps") or []
        for index, step in enumerate(steps if isinstance(steps, list) else []):
            if isinstance(step, dict):
                yield from _uses(step.get("uses"), path, doc.line(*where, "steps", index, "uses"))
