"""Check `template-version`: the project is not behind the installed template version.

Projects that drift from the template miss fixes to CI, hooks and pipeline plumbing;
`mlops-scaffold update` merges the newer template in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import __version__
from ..textfile import YAML_LIMIT
from ..yamlfile import scalar_as_written
from .model import Problem, Severity
from .project import Project
from .registry import register

ANSWERS = ".copier-answers.yml"
DESCRIBE = re.compile(r"^v?(?P<release>\d+(?:\.\d+)*)(?P<rest>.*)$")
SUFFIX = re.compile(  # pre/dev/post release markers, `git describe` distance, local version
    r"^(?:[.-]?(?:a|b|rc|alpha|beta|dev|post)\.?\d*)*"
    r"(?:-(?P<distance>\d+)-g[0-9a-f]+)?(?:-dirty)?(?:\+[\w.]+)?$"
)


def parse_version(text: str) -> tuple[tuple[int, ...], int] | None:
    """(release numbers, commits after the tag) from `v0.1.0`, `0.2.0rc1` or `v0.1.0-3-gabc`."""
    match = DESCRIBE.match(text.strip())
    if match is None:
        return None
    release = tuple(int(part) for part in match.group("release").split("."))
    release = release + (0,) * (3 - len(release))
    suffix = SUFFIX.match(match.group("rest"))
    if suffix is None:
        return None  # e.g. a commit SHA that happens to start with digits
    return release, int(suffix.group("distance") or 0)


def _show(release: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in release)


@register(
    "template-version",
    "Projects behind the template miss its fixes to CI, hooks and pipeline plumbing.",
    "run `mlops-scaffold update` to merge the newer template into the project",
)
def check_template_version(project: Project) -> Iterator[Problem]:
    doc = project.yaml(ANSWERS)
    if doc is None:
        yield Problem(
            f"{ANSWERS} not found: the project is not linked to the template",
            severity=Severity.WARNING,
            fix="create projects with `mlops-scaffold new` (or `copier copy`) to keep them "
            "updatable",
        )
        return
    commit = doc.data.get("_commit") if isinstance(doc.data, dict) else None
    if commit:
        commit = (
            scalar_as_written(project.read_text(ANSWERS, limit=YAML_LIMIT), "_commit") or commit
        )
    if not commit:
        yield Problem(
            "no `_commit` recorded: the template version is unknown",
            ANSWERS,
            1,
            Severity.WARNING,
            "re-link the project with `copier recopy`",
        )
        return
    project_version = parse_version(str(commit))
    tool_version = parse_version(__version__)
    line = doc.line("_commit")
    if project_version is None or tool_version is None:
        yield Problem(
            f"template commit `{commit}` is not a release version, can't compare it "
            f"with mlops-scaffold {__version__}",
            ANSWERS,
            line,
            Severity.WARNING,
        )
        return
    if project_version < tool_version:
        yield Problem(
            f"made from template {commit}; the installed mlops-scaffold is {__version__} "
            f"(template v{_show(tool_version[0])})",
            ANSWERS,
            line,
            Severity.WARNING,
        )
