"""Ask a third-party template's questions with our wizard, after its trust check.

The trust check comes first so that a template's Jinja extensions (loaded to render cookiecutter
defaults) never run before the user has said `--trust`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console

from generator.interop.cookiecutter_questions import (
    ask_cookiecutter,
    asked_names,
    check_provided,
    load_context,
)
from generator.interop.copier_config import copier_questions, load_copier_config
from generator.interop.detect import LocalTemplate
from generator.interop.trust import check_trust
from generator.wizard import collect_answers


def ask_template(
    template: LocalTemplate,
    provided: Mapping[str, Any],
    *,
    trust: bool,
    use_defaults: bool,
    interactive: bool,
    console: Console,
    project_name: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(answers to show, answers for the engine); `project_name` defaults that question."""
    if template.kind == "copier":
        config = load_copier_config(template.config_file)
        check_trust(template, trust=trust, config=config)
        questions = copier_questions(config, str(template.config_file))
        check_provided(provided, [q.name for q in questions if not q.computed], template.source)
        names = {q.name for q in questions}
        overrides = (
            {"project_name": project_name} if project_name and "project_name" in names else {}
        )
        answers = collect_answers(
            questions,
            provided,
            use_defaults=use_defaults,
            interactive=interactive,
            console=console,
            default_overrides=overrides,
        )
        return answers, answers
    context = load_context(template.config_file)
    check_trust(template, trust=trust, config=context)
    names = asked_names(context)
    check_provided(provided, names, template.source)
    overrides = {"project_name": project_name} if project_name and "project_name" in names else {}
    asked = ask_cookiecutter(
        template.root,
        context,
        provided,
        use_defaults=use_defaults,
        interactive=interactive,
        console=console,
        default_overrides=overrides,
    )
    return asked.shown, asked.extra_context
