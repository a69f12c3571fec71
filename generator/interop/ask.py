"""Ask a third-party template's questions with our wizard, after its trust check.

The trust check comes first so that a template's Jinja extensions (loaded to render cookiecutter
defaults) never run before the user has said `--trust`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rich.console import Console

from generator.answers import template_environment
from generator.interop.cookiecutter_questions import (
    ask_cookiecutter,
    asked_names,
    ccds_names,
    check_provided,
    load_context,
    nested_templates,
)
from generator.interop.copier_config import (
    copier_environment,
    copier_questions,
    load_copier_config,
)
from generator.interop.detect import LocalTemplate
from generator.interop.trust import check_trust
from generator.questions import Choice, Question
from generator.wizard import collect_answers

NESTED_QUESTION = "template"


@dataclass
class Asked:
    """What was asked: answers to show, answers for the engine, and what renders them.

    `template` is the one to render (a chosen sub-template of a cookiecutter template that
    nests them); `variables` is every cookiecutter variable as rendered (empty for Copier).
    """

    shown: dict[str, Any]
    engine: dict[str, Any]
    template: LocalTemplate
    variables: dict[str, Any] = field(default_factory=dict)


def _choose_nested(
    template: LocalTemplate,
    context: dict[str, Any],
    provided: dict[str, Any],
    *,
    use_defaults: bool,
    interactive: bool,
    console: Console,
) -> tuple[LocalTemplate, dict[str, Any], dict[str, Any]]:
    """The sub-template to render, asked as a choice like cookiecutter asks it."""
    nested = nested_templates(template.root, context)
    if not nested:
        return template, context, {}
    choices = tuple(Choice(label, key) for key, (label, _folder) in nested.items())
    question = Question(
        name=NESTED_QUESTION,
        help="Select a template",
        default=next(iter(nested)),
        choices=choices,
    )
    given = {NESTED_QUESTION: provided.pop(NESTED_QUESTION)} if NESTED_QUESTION in provided else {}
    picked = collect_answers(
        [question], given, use_defaults=use_defaults, interactive=interactive, console=console
    )[NESTED_QUESTION]
    folder = nested[picked][1]
    chosen = replace(template, root=folder, config_file=folder / "cookiecutter.json")
    return chosen, load_context(chosen.config_file), {NESTED_QUESTION: picked}


def copier_context(template: LocalTemplate, folder_name: str | None) -> dict[str, Any]:
    """What Copier's defaults may read besides earlier answers (`_folder_name`, ...)."""
    folder = folder_name or ""
    return {
        "_folder_name": folder,
        "_copier_conf": {"src_path": template.copier_src, "dst_path": folder, "vcs_ref": None},
    }


def ask_template(
    template: LocalTemplate,
    provided: Mapping[str, Any],
    *,
    trust: bool,
    use_defaults: bool,
    interactive: bool,
    console: Console,
    project_name: str | None = None,
) -> Asked:
    """Check trust, then ask; `project_name` (a value, never Jinja) defaults that question."""
    if template.kind == "copier":
        config = load_copier_config(template.config_file)
        check_trust(template, trust=trust, config=config)
        questions = copier_questions(config, str(template.config_file))
        check_provided(provided, [q.name for q in questions if not q.computed], template.source)
        names = {q.name for q in questions}
        overrides = (
            {"project_name": project_name} if project_name and "project_name" in names else {}
        )
        env = copier_environment(config, template.root, trusted=trust)
        with template_environment(env):
            answers = collect_answers(
                questions,
                provided,
                use_defaults=use_defaults,
                interactive=interactive,
                console=console,
                default_overrides=overrides,
                initial_context=copier_context(template, project_name),
            )
        return Asked(answers, answers, template)
    context = load_context(template.config_file)
    check_trust(template, trust=trust, config=context)
    provided = dict(provided)
    template, context, picked = _choose_nested(
        template,
        context,
        provided,
        use_defaults=use_defaults,
        interactive=interactive,
        console=console,
    )
    names = ccds_names(context) if template.ccds else asked_names(context)
    check_provided(provided, names, template.source)
    overrides = {"project_name": project_name} if project_name and "project_name" in names else {}
    asked = ask_cookiecutter(
        template.root,
        context,
        provided,
        use_defaults=use_defaults,
        interactive=interactive,
        console=console,
        trusted=trust,
        default_overrides=overrides,
        ccds=template.ccds,
    )
    return Asked(picked | asked.shown, asked.extra_context, template, asked.variables)
