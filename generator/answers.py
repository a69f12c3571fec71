"""Answers: parsed from the command line and files, cast to their question's type, validated.

Validation here mirrors Copier's (type, choices, Jinja validator) so the wizard can explain a bad
answer and ask again; Copier re-validates everything it receives through `data=` anyway.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from generator.errors import AnswerError, UsageError
from generator.questions import Question
from generator.textfile import YAML_LIMIT, UnreadableFile, read_text
from generator.yamlfile import parse as parse_yaml

TRUE_WORDS = {"y", "yes", "true", "t", "on", "1"}
FALSE_WORDS = {"n", "no", "false", "f", "off", "0"}


HOST_FILTERS = ("expandvars", "fileglob")  # read this machine's environment and files
_TEMPLATE_ENV: ContextVar[Any] = ContextVar("template_env", default=None)


@lru_cache(maxsize=1)
def _jinja_env():
    from jinja2.sandbox import SandboxedEnvironment

    # Copier loads Ansible's core filters (regex_search, regex_replace, ...) by default.
    env = SandboxedEnvironment(
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        keep_trailing_newline=True,
    )
    for name in HOST_FILTERS:
        env.filters.pop(name, None)
    return env


@contextmanager
def template_environment(env: Any) -> Iterator[None]:
    """Render defaults, conditions and validators with a template's own environment (its
    `_envops`, and its `_jinja_extensions` once trusted) instead of the plain sandbox."""
    token = _TEMPLATE_ENV.set(env)
    try:
        yield
    finally:
        _TEMPLATE_ENV.reset(token)


def render_text(template: str, context: Mapping[str, Any]) -> str:
    from jinja2 import TemplateError as JinjaError

    env = _TEMPLATE_ENV.get() or _jinja_env()
    try:
        return env.from_string(template).render(**context)
    except JinjaError as error:
        raise AnswerError(f"cannot evaluate template expression {template!r}: {error}") from None


def render_value(value: Any, context: Mapping[str, Any]) -> Any:
    """Render a default the way Copier does: strings are Jinja templates, other values stay."""
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        return render_text(value, context)
    return value


def is_asked(question: Question, context: Mapping[str, Any]) -> bool:
    when = question.when
    if isinstance(when, str):
        rendered = render_text(when, context).strip().lower()
        return rendered not in ("", "false", "no", "0", "none", "off", "n")
    return bool(when)


def cast(question: Question, raw: Any) -> Any:
    """Convert a typed-in or file value to the question's type; raises AnswerError.

    A multiselect answer is a list: given as a list, a YAML list (`[a, b]`) or `a,b`."""
    if not question.multiselect:
        return _cast_one(question, raw)
    items = raw
    if isinstance(raw, str):
        text = raw.strip()
        try:
            items = parse_yaml(text) if text.startswith("[") else None
        except yaml.YAMLError:
            items = None
        if not isinstance(items, list):
            items = [part.strip() for part in text.split(",") if part.strip()]
    if not isinstance(items, list):
        raise AnswerError(f"invalid value {raw!r} for '{question.name}': expected a list")
    return [_cast_one(question, item) for item in items]


def _cast_one(question: Question, raw: Any) -> Any:
    kind = question.type
    try:
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            word = str(raw).strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise ValueError("expected yes or no")
        if kind == "int":
            if isinstance(raw, bool):
                raise ValueError("expected an integer")
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "yaml":
            return parse_yaml(raw) if isinstance(raw, str) else raw
        if kind == "json":
            return json.loads(raw) if isinstance(raw, str) else raw
        if raw is None:
            return ""
        if isinstance(raw, bool | int | float):
            return str(raw)
        if not isinstance(raw, str):
            raise ValueError("expected text")
        return raw
    except (ValueError, yaml.YAMLError) as error:
        raise AnswerError(f"invalid value {raw!r} for '{question.name}': {error}") from None


def choice_values(question: Question, context: Mapping[str, Any]) -> list[Any]:
    return [render_value(choice.value, context) for choice in question.choices]


def validate(question: Question, value: Any, context: Mapping[str, Any]) -> None:
    """Raise AnswerError with the template's own message when `value` is not acceptable."""
    if question.choices and question.multiselect:
        allowed = choice_values(question, context)
        wrong = [item for item in value if item not in allowed]
        if wrong:
            listed = ", ".join(str(v) for v in allowed)
            raise AnswerError(
                f"invalid choice {wrong[0]!r} for '{question.name}'; choose among: {listed}"
            )
    elif question.choices:
        allowed = choice_values(question, context)
        if value not in allowed:
            listed = ", ".join(str(v) for v in allowed)
            raise AnswerError(
                f"invalid choice {value!r} for '{question.name}'; choose one of: {listed}"
            )
    if question.validator:
        message = render_text(question.validator, {**context, question.name: value}).strip()
        if message:
            raise AnswerError(f"invalid value for '{question.name}': {' '.join(message.split())}")


def parse_data_options(items: Iterable[str]) -> dict[str, str]:
    """`--data KEY=VALUE` options into a mapping (the last one wins)."""
    data: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--data expects KEY=VALUE, got {item!r}")
        data[key] = value
    return data


def load_answers_file(path: Path) -> dict[str, Any]:
    """A YAML mapping of answers; `_`-keys (as in a Copier answers file) are ignored."""
    try:
        text = read_text(path, limit=YAML_LIMIT)
    except UnreadableFile as error:
        if error.reason == "not found":
            raise UsageError(f"answers file not found: {path}") from None
        raise UsageError(f"answers file {path} is {error.reason}") from None
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as error:
        first = str(error).splitlines()[0]
        raise UsageError(f"answers file {path} is not valid YAML: {first}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"answers file {path} must be a mapping of question: answer")
    return {str(k): v for k, v in data.items() if not str(k).startswith("_")}


def check_known(provided: Mapping[str, Any], questions: Iterable[Question]) -> None:
    names = {q.name for q in questions if not q.computed}
    unknown = sorted(set(provided) - names)
    if unknown:
        raise UsageError(
            f"unknown question(s): {', '.join(unknown)} (see `mlops-scaffold options`)"
        )
