"""Every variant of the matrix (variant_matrix.py) renders a clean project.

Each render is checked for its exact file set and no empty folder, no leftover Jinja, parsing
YAML/TOML/JSON, compiling and ruff-clean Python (with the project's own ruff settings), and an
answers file that renders the same project again. Renders are in-process Copier calls, ruff
runs once per command per render, so the whole matrix stays fast and pytest-xdist friendly.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from project_env import files_of, install_demo
from variant_matrix import (
    dimensions,
    each_choice_variants,
    expected_files,
    infeasible_pairs,
    matrix,
    normalise,
    pairwise_variants,
    variant_id,
)

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

VARIANTS = matrix()


class _TaggedLoader(yaml.SafeLoader):
    """Safe YAML that reads application tags (mkdocs' `!!python/name:`, `!ENV`) as plain nodes."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_TaggedLoader.add_multi_constructor("!", _any_tag)
_TaggedLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def _parse(name: str, text: str) -> bool:
    """Parse a structured file; False when `name` is not YAML, TOML or JSON."""
    if name.endswith((".yaml", ".yml")):
        yaml.load(text, Loader=_TaggedLoader)
    elif name.endswith(".toml"):
        tomllib.loads(text)
    elif name.endswith(".json"):
        json.loads(text)
    else:
        return False
    return True


def _ruff(project: Path, *command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"ruff {' '.join(command)}:\n{done.stdout}{done.stderr}"


def _recorded_answers(project: Path) -> dict[str, Any]:
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    return {key: value for key, value in recorded.items() if not key.startswith("_")}


@pytest.mark.parametrize("answers", VARIANTS, ids=[variant_id(a) for a in VARIANTS])
def test_variant_renders_clean(render, answers: dict[str, Any]) -> None:
    project = render(**answers)
    files = files_of(project)

    expected = expected_files(answers)
    assert set(files) == expected, (
        f"missing: {sorted(expected - set(files))}, unexpected: {sorted(set(files) - expected)}"
    )
    empty = [
        str(p.relative_to(project))
        for p in project.rglob("*")
        if p.is_dir() and not any(p.iterdir())
    ]
    assert not empty, f"empty folders: {empty}"

    for name in files:
        text = (project / name).read_text(encoding="utf-8")
        plain = re.sub(r"\$\{\{.*?\}\}", "", text)  # GitHub Actions expressions are not Jinja
        assert "{{" not in plain and "{%" not in plain, f"unrendered Jinja in {name}"
        _parse(name, text)
        if name.endswith(".py"):
            compile(text, name, "exec")
    _ruff(project, "check")
    _ruff(project, "format", "--check")

    recorded = _recorded_answers(project)
    for name, value in answers.items():
        assert recorded.get(name) == value, f"answer {name} not recorded as given"
    again = render(**recorded)
    assert files_of(again) == files
    for name in files:
        assert (again / name).read_bytes() == (project / name).read_bytes(), name


def test_matrix_holds_every_choice() -> None:
    seen = {
        (name, value)
        for row in (normalise(v) or {} for v in VARIANTS)
        for name, value in row.items()
    }
    for question in dimensions():
        for value in question.values:
            assert (question.name, value) in seen, f"{question.name}={value} is never rendered"


def test_each_choice_and_pairwise_sets_are_deterministic() -> None:
    assert each_choice_variants() == each_choice_variants()
    assert pairwise_variants() == pairwise_variants()
    assert len(VARIANTS) == len({variant_id(v) for v in VARIANTS})


def test_pairwise_covers_every_feasible_pair() -> None:
    rows = [normalise(row) or {} for row in pairwise_variants()]
    dims = dimensions()
    left_out = {tuple(sorted(answers.items())) for answers, _ in infeasible_pairs()}
    for i, first in enumerate(dims):
        for second in dims[i + 1 :]:
            for a in first.values:
                for b in second.values:
                    pair = {first.name: a, second.name: b}
                    if tuple(sorted(pair.items())) in left_out:
                        continue
                    assert any(
                        row.get(first.name) == a and row.get(second.name) == b for row in rows
                    ), pair


REFUSED = [pair for pair in infeasible_pairs() if "not asked" not in pair[1]]


@pytest.mark.parametrize(("answers", "reason"), REFUSED, ids=[variant_id(a) for a, _ in REFUSED])
def test_refused_combination_names_the_reason(render, answers: dict[str, Any], reason: str) -> None:
    """A combination left out of the matrix is one Copier refuses, with the validator's reason."""
    with pytest.raises(ValueError, match="Validation error") as refused:
        render(**answers)
    assert reason.split(": ", 1)[1].split()[0] in str(refused.value)


@pytest.mark.parametrize(
    "answers",
    [
        {"ml_framework": "pytorch", "tracker": "wandb"},
        {"ml_framework": "lightgbm", "data_versioning": "none"},
        {"tracker": "none", "data_versioning": "none"},
    ],
    ids=variant_id,
)
def test_pipeline_variants_pass_the_standards_check(render, answers: dict[str, Any]) -> None:
    """`mlops-scaffold check` (a pre-commit hook of every project) accepts each pipeline variant."""
    from generator.checks.model import Severity
    from generator.checks.runner import run_checks

    project = render(**answers)
    install_demo(project)  # the table and schema.py that `new` writes beside the render
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    errors = [f.to_dict() for f in run_checks(project).findings if f.severity == Severity.ERROR]
    assert errors == []
