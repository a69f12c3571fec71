"""The template's variant matrix, computed from copier.yml, and the files each variant renders.

Every asked question with choices (or a bool) is a dimension, so a new question or choice joins
the matrix by itself. Two sets of renders come out of it:

- `each_choice_variants`: a few renders that hold every choice of every question at least once;
- `pairwise_variants`: a small, deterministic covering set in which every feasible pair of
  choices of two questions appears at least once (greedy all-pairs).

Copier's `when` and `validator` expressions are evaluated here with Copier's Jinja filters, so a
variant never carries an answer Copier would not ask, and combinations a validator refuses are
left out (`refusal` says why). `expected_files` is the exact file set of a render: the core
files decided here, plus `variant_files_extra` for the questions of the environment/docs owner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2.sandbox import SandboxedEnvironment
from variant_files_extra import excluded_files, extra_files

REPO_ROOT = Path(__file__).resolve().parents[1]
COPIER_YML = REPO_ROOT / "copier.yml"

Answers = dict[str, Any]
Pair = tuple[tuple[int, int], tuple[int, int]]
"""Two (dimension index, choice index) items, the lower dimension first."""


@dataclass(frozen=True)
class Question:
    """One question of copier.yml, as much of it as the matrix needs."""

    name: str
    type: str
    default: Any
    choices: tuple[Any, ...]
    when: Any
    validator: str

    @property
    def computed(self) -> bool:
        return self.when is False

    @property
    def values(self) -> tuple[Any, ...]:
        """The answers of a dimension, default first; () for free-text questions."""
        if self.type == "bool":
            values: tuple[Any, ...] = (True, False)
        else:
            values = self.choices
        if self.default in values:
            values = (self.default, *(v for v in values if v != self.default))
        return values


@cache
def questions() -> tuple[Question, ...]:
    """The questions of copier.yml in order (settings starting with `_` left out)."""
    raw = yaml.safe_load(COPIER_YML.read_text(encoding="utf-8"))
    found = []
    for name, spec in raw.items():
        if name.startswith("_"):
            continue
        spec = spec if isinstance(spec, dict) else {"default": spec}
        choices = spec.get("choices") or ()
        if isinstance(choices, dict):
            choices = tuple(choices.values())
        default = spec.get("default")
        kind = spec.get("type") or ("bool" if isinstance(default, bool) else "str")
        found.append(
            Question(
                name=name,
                type=kind,
                default=default,
                choices=tuple(choices),
                when=spec.get("when", True),
                validator=str(spec.get("validator") or ""),
            )
        )
    return tuple(found)


@cache
def dimensions() -> tuple[Question, ...]:
    """The questions the matrix varies: asked, with a finite set of answers."""
    return tuple(q for q in questions() if not q.computed and len(q.values) > 1)


@cache
def _jinja() -> SandboxedEnvironment:
    # The filters Copier adds to every template (regex_search, strftime, to_nice_yaml, ...).
    return SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])


@cache
def _compiled(source: str) -> Any:
    return _jinja().from_string(source)


def _render(template: Any, context: Mapping[str, Any]) -> Any:
    if not isinstance(template, str) or ("{{" not in template and "{%" not in template):
        return template
    return _compiled(template).render(**context)


def _truthy(value: Any) -> bool:
    """Copier's reading of a rendered `when`: YAML-style booleans, numbers, non-empty text."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return text not in {"", "n", "no", "f", "false", "off", "~", "null", "none", "0"}


def resolve(answers: Mapping[str, Any]) -> tuple[Answers, Answers, str | None]:
    """(context, asked answers, refusal) of `answers` filled up with copier.yml's defaults.

    The context holds every question's value, as Copier renders files with; the asked answers
    are those of questions whose `when` holds; the refusal is the first validator's message.
    """
    context: Answers = {}
    asked: Answers = {}
    refused: str | None = None
    for question in questions():
        asks = not question.computed and _truthy(_render(question.when, context))
        if asks and question.name in answers:
            value = answers[question.name]
        else:
            value = _render(question.default, context)
            if question.type == "bool":
                value = _truthy(value)
        context[question.name] = value
        if not asks:
            continue
        asked[question.name] = value
        message = str(_render(question.validator, context)).strip()
        if message and refused is None:
            refused = f"{question.name}: {message}"
    return context, asked, refused


def refusal(answers: Mapping[str, Any]) -> str | None:
    """Why Copier would refuse `answers` (a validator's message), or None."""
    return resolve(answers)[2]


def normalise(answers: Mapping[str, Any]) -> Answers | None:
    """The matrix answers Copier would ask and accept, or None if a validator refuses them."""
    found = _normalise(tuple(sorted(answers.items())))
    return None if found is None else dict(found)


@cache
def _normalise(answers: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...] | None:
    _, asked, refused = resolve(dict(answers))
    if refused is not None:
        return None
    names = {q.name for q in dimensions()}
    return tuple((name, value) for name, value in asked.items() if name in names)


def _items(answers: Mapping[str, Any]) -> list[tuple[int, int]]:
    items = []
    for index, question in enumerate(dimensions()):
        if question.name in answers and answers[question.name] in question.values:
            items.append((index, question.values.index(answers[question.name])))
    return items


def _pairs(answers: Mapping[str, Any]) -> set[Pair]:
    items = _items(answers)
    return {(a, b) for i, a in enumerate(items) for b in items[i + 1 :]}


def _answers(items: Iterable[tuple[int, int]]) -> Answers:
    dims = dimensions()
    return {dims[d].name: dims[d].values[v] for d, v in items}


def each_choice_variants() -> list[Answers]:
    """A few renders that hold every choice of every question at least once (greedy).

    Row by row, each question takes its first choice not rendered yet, unless Copier would then
    refuse the row or stop asking a question already set; a choice no row can hold is dropped.
    """
    dims = dimensions()
    missing = {(d, v) for d, q in enumerate(dims) for v in range(len(q.values))}
    rows: list[Answers] = []
    while missing:
        row: dict[int, int] = {}
        for dim, question in enumerate(dims):
            wanted = [v for v in range(len(question.values)) if (dim, v) in missing]
            for value in [*wanted, 0]:
                candidate = {**row, dim: value}
                if _keeps(_answers(candidate.items()), _answers(row.items())):
                    row = candidate
                    break
        normalised = normalise(_answers(row.items())) or {}
        covered = set(_items(normalised)) & missing
        if not covered:
            missing.discard(min(missing))
            continue
        missing -= covered
        rows.append(normalised)
    return rows


def _keeps(answers: Answers, required: Answers) -> bool:
    """Copier accepts `answers` and still asks every question of `required`."""
    normalised = normalise(answers)
    return normalised is not None and all(
        normalised.get(name) == value for name, value in required.items()
    )


def _grow(seed: Pair, uncovered: set[Pair]) -> Answers:
    """A row holding `seed`, each other dimension set to the value covering most new pairs."""
    row = dict(seed)
    for dim, question in enumerate(dimensions()):
        if dim in row:
            continue
        ranked = sorted(
            range(len(question.values)),
            key=lambda v, d=dim: (
                -sum((tuple(sorted(((d, v), (e, w)))) in uncovered) for e, w in row.items())
            ),
        )
        for value in ranked:  # stable sort: ties keep the default first
            if _keeps(_answers([*row.items(), (dim, value)]), _answers(seed)):
                row[dim] = value
                break
    return _answers(row.items())


@cache
def _pairwise() -> tuple[tuple[Answers, ...], tuple[Pair, ...]]:
    dims = dimensions()
    uncovered: set[Pair] = {
        ((a, va), (b, vb))
        for a in range(len(dims))
        for b in range(a + 1, len(dims))
        for va in range(len(dims[a].values))
        for vb in range(len(dims[b].values))
    }
    rows: list[Answers] = []
    infeasible: list[Pair] = []
    while uncovered:
        seed = min(uncovered)
        row = normalise(_grow(seed, uncovered))
        covered = _pairs(row) & uncovered if row is not None else set()
        if seed not in covered:
            uncovered.discard(seed)
            infeasible.append(seed)
        if covered:
            uncovered -= covered
            rows.append(row)
    return tuple(rows), tuple(infeasible)


def pairwise_variants() -> list[Answers]:
    """A deterministic set of renders covering every feasible pair of choices."""
    return [dict(row) for row in _pairwise()[0]]


def infeasible_pairs() -> list[tuple[Answers, str]]:
    """Pairs no render can hold, each with the reason (a refusal, or a question not asked)."""
    found = []
    for pair in _pairwise()[1]:
        answers = _answers(pair)
        reason = refusal(answers) or "one of them is not asked with the other"
        found.append((answers, reason))
    return found


def variant_id(answers: Mapping[str, Any]) -> str:
    """A readable pytest id: the answers that differ from the defaults."""
    return ",".join(f"{k}={v}" for k, v in sorted(answers.items())) or "defaults"


def matrix() -> list[Answers]:
    """The defaults, the each-choice renders and the pairwise renders, without duplicates.

    Answers equal to the defaults are left out, as a user would leave them.
    """
    defaults = normalise({}) or {}
    rows: list[Answers] = []
    seen: set[str] = set()
    for row in [defaults, *each_choice_variants(), *pairwise_variants()]:
        if variant_id(row) not in seen:
            seen.add(variant_id(row))
            rows.append({k: v for k, v in row.items() if defaults.get(k) != v})
    return rows


# --- the files of a render ---------------------------------------------------------------

SOURCE = (
    "__init__.py",
    "config.py",
    "data.py",
    "drift.py",
    "evaluate.py",
    "features.py",
    "jsonfile.py",
    "model.py",
    "monitor.py",
    "params_edit.py",
    "plots.py",
    "prepare.py",
    "seed.py",
    "sweep.py",
    "task.py",
    "train.py",
    "validation.py",
)
TESTS = (
    "__init__.py",
    "conftest.py",
    "test_drift.py",
    "test_notebook.py",
    "test_pipeline_config.py",
    "test_seed.py",
    "test_train.py",
    "test_validation.py",
)
ALWAYS = (
    ".copier-answers.yml",
    ".gitattributes",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".python-version",
    "Makefile",
    "README.md",
    "data/external/.gitkeep",
    "data/interim/.gitkeep",
    "data/processed/.gitkeep",
    "data/raw/.gitkeep",
    "models/.gitkeep",
    "notebooks/start.ipynb",
    "params.yaml",
    "pyproject.toml",
    "reports/figures/.gitkeep",
)
CI_FILES = {
    "github": (
        ".github/dependabot.yml",
        ".github/workflows/audit.yml",
        ".github/workflows/ci.yml",
        ".github/workflows/monitor.yml",
        ".github/workflows/template-update.yml",
    ),
    "gitlab": (".gitlab-ci.yml",),
    "none": (),
}
TRACKING_SERVER_FILES = (
    ".env.example",
    "deploy/tracking/.env.example",
    "deploy/tracking/Dockerfile",
    "deploy/tracking/README.md",
    "deploy/tracking/create_bucket.py",
    "deploy/tracking/docker-compose.yml",
    "deploy/tracking/tracking.mk",
)


def core_files(answers: Mapping[str, Any]) -> set[str]:
    """Files decided by the pipeline questions (framework, tracker, DVC), CI and tracking."""
    context = resolve(answers)[0]
    package = f"src/{context['package_name']}"
    files = set(ALWAYS) | {f"{package}/{name}" for name in SOURCE}
    files |= {f"tests/{name}" for name in TESTS}
    if context["data_versioning"] == "dvc":
        files |= {"dvc.yaml", ".dvcignore", "scripts/plots_report.py"}
        files |= {f"{package}/warm.py", "tests/test_warm.py"}  # stages in a warm process
    if context["tracker"] != "none":
        files |= {f"{package}/tracking.py", f"{package}/registry.py", "tests/test_tracking.py"}
        files |= {f"{package}/evaluation.py", f"{package}/gate.py", "tests/test_evaluation.py"}
        files |= {f"{package}/run_names.py"}  # names of tracker runs (issue 19)
        # Serving and batch scoring of the registry's champion, and the serving image.
        files |= {f"{package}/{name}" for name in ("champion.py", "score.py", "serve.py")}
        files |= {"tests/test_serving.py", "Dockerfile", ".dockerignore"}
        files.add("scripts/smoke_test.py")  # the delivery workflow's check of the image
        if context["ci"] == "github":
            files.add(".github/workflows/delivery.yml")
    if context["ml_framework"] == "pytorch":
        files.add(f"{package}/distributed.py")  # torchrun / DDP (issue 19)
    files |= set(CI_FILES[context["ci"]])
    if context["tracking_backend"] == "server":
        files |= set(TRACKING_SERVER_FILES)
    return files


def expected_files(answers: Mapping[str, Any]) -> set[str]:
    """The exact set of files (POSIX paths) a render with `answers` holds."""
    context = resolve(answers)[0]
    return (core_files(answers) | extra_files(context)) - excluded_files(context)
