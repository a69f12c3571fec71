"""The template's questions, read from copier.yml with PyYAML.

The wizard, `options` and the README table all read questions from here. Parsing copier.yml
directly (rather than through Copier's private `Template`) keeps `--help` and `options` free of
the ~1 s `import copier`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import TemplateError
from generator.yamlfile import parse as parse_yaml

TYPES = ("str", "bool", "int", "float", "yaml", "json")


@dataclass(frozen=True)
class Choice:
    label: str
    value: Any


@dataclass(frozen=True)
class Question:
    name: str
    type: str = "str"
    help: str = ""
    default: Any = None
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    when: Any = True
    validator: str = ""
    secret: bool = False
    multiselect: bool = False  # Copier's `multiselect: true`: a list of the choices

    @property
    def computed(self) -> bool:
        """A `when: false` question is never asked: Copier computes it from its default."""
        return self.when is False


def _parse_choices(raw: Any) -> tuple[Choice, ...]:
    if raw is None:
        return ()
    if isinstance(raw, dict):
        return tuple(Choice(str(label), value) for label, value in raw.items())
    choices = []
    for item in raw:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            choices.append(Choice(str(item[0]), item[1]))
        else:
            choices.append(Choice(str(item), item))
    return tuple(choices)


def _parse_question(name: str, spec: Any) -> Question:
    if not isinstance(spec, dict):
        # Copier's short form `name: default`.
        return Question(name=name, type=_infer_type(spec), default=spec)
    qtype = str(spec.get("type") or _infer_type(spec.get("default")))
    if qtype not in TYPES:
        raise TemplateError(f"question '{name}' has unsupported type '{qtype}'")
    return Question(
        name=name,
        type=qtype,
        help=str(spec.get("help", "") or "").strip(),
        default=spec.get("default"),
        choices=_parse_choices(spec.get("choices")),
        when=spec.get("when", True),
        validator=str(spec.get("validator", "") or ""),
        secret=bool(spec.get("secret", False)),
        multiselect=bool(spec.get("multiselect", False)) and bool(spec.get("choices")),
    )


def _infer_type(default: Any) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, (list, dict)):
        return "yaml"
    return "str"


def parse_questions(text: str, source: str = "copier.yml") -> list[Question]:
    """Questions in file order; `_`-prefixed keys are Copier settings, not questions."""
    try:
        data = parse_yaml(text) or {}
    except yaml.YAMLError as error:
        raise TemplateError(f"{source} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{source} must be a mapping of questions")
    return [
        _parse_question(str(name), spec)
        for name, spec in data.items()
        if not str(name).startswith("_")
    ]


def load_questions(copier_yml: Path) -> list[Question]:
    try:
        text = copier_yml.read_text(encoding="utf-8")
    except OSError as error:
        raise TemplateError(f"cannot read {copier_yml}: {error.strerror}") from None
    return parse_questions(text, str(copier_yml))


def load_settings(copier_yml: Path) -> dict[str, Any]:
    """The `_`-prefixed Copier settings of a template (e.g. `_answers_file`)."""
    data = parse_yaml(copier_yml.read_text(encoding="utf-8")) or {}
    return {k: v for k, v in data.items() if str(k).startswith("_")}
