"""cookiecutter.json as wizard questions, asked one at a time with cookiecutter's semantics.

Cookiecutter renders each default (`{{ cookiecutter.x }}`, `slugify`, template `_extensions`)
over the answers so far with its own Jinja environment, so defaults are rendered here with that
environment and each question then goes through our wizard (`collect_answers`): the same
prompts, `--data`, `--defaults` and no-terminal errors as our own template. `_` variables are
never asked; `__` variables are computed as cookiecutter does, never asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from generator.errors import TemplateError, UsageError
from generator.interop.cookiecutter_env import importable, make_environment
from generator.questions import Choice, Question
from generator.wizard import collect_answers

PROMPTS_KEY = "__prompts__"


@dataclass
class CookiecutterAnswers:
    """Answers as shown to the user, and as `extra_context` (choices by their raw option)."""

    shown: dict[str, Any] = field(default_factory=dict)
    extra_context: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)  # every variable, as rendered


def load_context(config_file: Path) -> dict[str, Any]:
    try:
        context = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TemplateError(f"cannot read {config_file}: {error}") from None
    if not isinstance(context, dict):
        raise TemplateError(f"{config_file} must be a JSON object of variables")
    return context


def asked_names(context: Mapping[str, Any]) -> list[str]:
    """The variables cookiecutter prompts for (not `_private` nor `__computed`)."""
    return [name for name in context if not name.startswith("_")]


def check_provided(provided: Mapping[str, Any], names: list[str], source: str) -> None:
    unknown = sorted(set(provided) - set(names))
    if unknown:
        raise UsageError(
            f"unknown question(s) for template {source}: {', '.join(unknown)} "
            f"(it asks: {', '.join(names)})"
        )


def nested_templates(root: Path, context: Mapping[str, Any]) -> dict[str, tuple[str, Path]]:
    """A template that only chooses among sub-templates: key -> (label, folder inside root).

    Cookiecutter's `"templates": {key: {"path", "title", "description"}}` and its older
    `"template": ["Label (path)", ...]`; a path leaving the template is refused.
    """
    found: dict[str, tuple[str, str]] = {}
    templates = context.get("templates")
    if isinstance(templates, dict) and templates:
        for key, spec in templates.items():
            if not isinstance(spec, dict) or not isinstance(spec.get("path"), str):
                raise TemplateError(f"cookiecutter.json: templates.{key} needs a 'path'")
            title = str(spec.get("title", key))
            description = str(spec.get("description", key))
            label = title if title == description else f"{title} ({description})"
            found[str(key)] = (label, spec["path"])
    elif isinstance(context.get("template"), list):
        for item in context["template"]:
            match = re.search(r"\((.+)\)", str(item))
            if not match or "{" in str(item):
                raise TemplateError(f"cookiecutter.json: cannot read the template entry {item!r}")
            found[str(item)] = (str(item), match[1])
    real_root = root.resolve()
    result: dict[str, tuple[str, Path]] = {}
    for key, (label, rel) in found.items():
        folder = (root / rel).resolve()
        if Path(rel).is_absolute() or (folder != real_root and real_root not in folder.parents):
            raise TemplateError(f"cookiecutter.json: sub-template {rel} is outside the template")
        if not (folder / "cookiecutter.json").is_file():
            raise TemplateError(f"cookiecutter.json: sub-template {rel} has no cookiecutter.json")
        result[key] = (label, folder)
    return result


def _help(prompts: Mapping[str, Any], name: str) -> str:
    prompt = prompts.get(name)
    if isinstance(prompt, dict):
        prompt = prompt.get("__prompt__")
    return str(prompt) if prompt else ""


def _question(
    name: str, raw: Any, rendered: Any, prompts: Mapping[str, Any], override: Any
) -> Question:
    help_text = _help(prompts, name)
    if isinstance(raw, list):
        labels = prompts.get(name) if isinstance(prompts.get(name), dict) else {}
        choices = tuple(Choice(str(labels.get(value, value)), value) for value in rendered)
        default = override if override in rendered else rendered[0]
        return Question(name=name, type="str", help=help_text, default=default, choices=choices)
    default = rendered if override is None else override
    if isinstance(raw, bool):
        return Question(name=name, type="bool", help=help_text, default=default)
    if isinstance(raw, dict):
        return Question(name=name, type="yaml", help=help_text, default=default)
    return Question(
        name=name, type="str", help=help_text, default="" if default is None else default
    )


def ask_cookiecutter(
    root: Path,
    context: dict[str, Any],
    provided: Mapping[str, Any],
    *,
    use_defaults: bool,
    interactive: bool,
    console: Console,
    trusted: bool,
    default_overrides: Mapping[str, Any] | None = None,
    ccds: bool = False,
) -> CookiecutterAnswers:
    """Ask every prompted variable in cookiecutter's order (dict variables last).

    Defaults render in the sandbox unless the template is trusted; answers given by the user
    are values, never rendered as Jinja. `ccds`: cookiecutter-data-science v2's `ccds.json`
    semantics, as its `ccds` command asks them: every `_` variable is kept raw, undefined
    variables render empty, and a list of one-key objects is a choice whose chosen option
    then asks its own sub-values (`dataset_storage` -> `{"s3": {"bucket": ...}}`)."""
    from cookiecutter.prompt import render_variable
    from jinja2 import TemplateError as JinjaError
    from jinja2.exceptions import SecurityError

    from generator.errors import UntrustedTemplateError

    overrides = dict(default_overrides or {})
    prompts = context.get(PROMPTS_KEY) or {}
    variables = {k: v for k, v in context.items() if k != PROMPTS_KEY}
    result = CookiecutterAnswers()
    so_far: dict[str, Any] = {}
    ordered = [(k, v) for k, v in variables.items() if not isinstance(v, dict)]
    ordered += [(k, v) for k, v in variables.items() if isinstance(v, dict)]

    def ask(question: Question) -> Any:
        name = question.name
        return collect_answers(
            [question],
            {name: provided[name]} if name in provided else {},
            use_defaults=use_defaults,
            interactive=interactive,
            console=console,
            # Already rendered by cookiecutter's rules: a value now, never re-rendered.
            default_overrides={name: question.default},
        )[name]

    with importable(root, trusted=trusted):
        env = make_environment(variables, trusted=trusted, lenient=ccds)
        for name, raw in ordered:
            try:
                if name.startswith("_") and (ccds or not name.startswith("__")):
                    so_far[name] = raw
                    continue
                if ccds and _is_option_list(raw):
                    value = _ask_options(name, raw, env, so_far, prompts, ask, result)
                    so_far[name] = result.extra_context[name] = value
                    continue
                rendered = render_variable(env, raw, so_far)
            except SecurityError as error:
                raise UntrustedTemplateError(
                    f"the default of '{name}' reaches outside the sandbox ({error}); "
                    "review the template, then pass --trust"
                ) from None
            except JinjaError as error:
                raise TemplateError(f"cannot render the default of '{name}': {error}") from None
            if name.startswith("__"):
                so_far[name] = rendered
                continue
            question = _question(name, raw, rendered, prompts, overrides.get(name))
            value = ask(question)
            so_far[name] = value
            result.shown[name] = value
            # A choice is passed back as its raw option: cookiecutter matches it unrendered.
            result.extra_context[name] = (
                raw[rendered.index(value)] if isinstance(raw, list) else value
            )
    result.variables = {name: so_far[name] for name in variables if name in so_far}
    return result


def _is_option_list(raw: Any) -> bool:
    return (
        isinstance(raw, list)
        and bool(raw)
        and all(isinstance(item, dict) and len(item) == 1 for item in raw)
    )


def _ask_options(
    name: str,
    raw: list[dict[str, Any]],
    env: Any,
    so_far: dict[str, Any],
    prompts: Mapping[str, Any],
    ask: Any,
    result: CookiecutterAnswers,
) -> dict[str, Any]:
    """A ccds choice with sub-values: the option, then each of its values (`name.key`)."""
    from cookiecutter.prompt import render_variable

    keys = [render_variable(env, next(iter(item)), so_far) for item in raw]
    chosen = ask(
        Question(
            name=name,
            help=_help(prompts, name),
            default=keys[0],
            choices=tuple(Choice(str(key), key) for key in keys),
        )
    )
    result.shown[name] = chosen
    sub = next(iter(raw[keys.index(chosen)].values()))
    if isinstance(sub, dict):
        values = {}
        for key, default in sub.items():
            rendered = render_variable(env, default, so_far)
            values[key] = ask(Question(name=f"{name}.{key}", default=rendered))
            result.shown[f"{name}.{key}"] = values[key]
        return {chosen: values}
    if isinstance(sub, list):
        options = [render_variable(env, option, so_far) for option in sub]
        picked = ask(
            Question(
                name=f"{name}.{chosen}",
                default=options[0],
                choices=tuple(Choice(str(o), o) for o in options),
            )
        )
        result.shown[f"{name}.{chosen}"] = picked
        return {chosen: picked}
    return {chosen: sub}


def ccds_names(context: Mapping[str, Any]) -> list[str]:
    """Every name a ccds.json asks, sub-values included (`dataset_storage.bucket`)."""
    names = []
    for name, raw in context.items():
        if name.startswith("_"):
            continue
        names.append(name)
        if _is_option_list(raw):
            for item in raw:
                ((option, sub),) = item.items()
                if isinstance(sub, dict):
                    names += [f"{name}.{key}" for key in sub if f"{name}.{key}" not in names]
                elif isinstance(sub, list):
                    names.append(f"{name}.{option}")
    return names
