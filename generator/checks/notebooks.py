"""Check `notebook-outputs`: notebooks are committed without outputs or execution counts.

Outputs bloat history, leak data into git and make every re-run a noisy diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from .model import CheckInputError, Problem
from .project import Project
from .registry import register


@register(
    "notebook-outputs",
    "Notebook outputs leak data into git and turn every re-run into a noisy diff.",
    "clear them: `jupyter nbconvert --clear-output --inplace <nb>` (or use nbstripout)",
)
def check_notebooks(project: Project) -> Iterator[Problem]:
    for entry in project.git_files():
        if entry.path.endswith(".ipynb"):
            yield from _check_notebook(project, entry.path)


def _check_notebook(project: Project, path: str) -> Iterator[Problem]:
    try:
        text = project.read_text(path)
    except CheckInputError as exc:
        if not (project.root / path).exists():
            return  # deleted in the working tree: nothing will be committed from it
        raise exc
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CheckInputError(f"invalid notebook JSON: {exc.msg}", path, exc.lineno) from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise CheckInputError("not a notebook: no `cells` list", path)
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if '"cell_type"' in line]
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs") or []
        count = cell.get("execution_count")
        if not isinstance(outputs, list):
            raise CheckInputError(f"cell {index + 1}: `outputs` is not a list", path)
        if not outputs and count is None:
            continue
        found = []
        if outputs:
            found.append(f"{len(outputs)} output(s)")
        if count is not None:
            found.append(f"execution count {count}")
        line = lines[index] if len(lines) == len(cells) else None
        yield Problem(f"cell {index + 1} has {' and '.join(found)}", path, line)
