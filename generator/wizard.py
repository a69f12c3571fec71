"""The rich wizard: asks the template's questions in order, explains bad answers, asks again.

Answers given on the command line or in a file are never asked; `--defaults` takes each default
(rendered over the answers so far). With no terminal, a question left to ask is an error that
names it: the wizard never waits for input that cannot come.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.prompt import Confirm, Prompt
from rich.table import Table

from generator.answers import (
    AnswerError,
    cast,
    choice_values,
    is_asked,
    render_value,
    validate,
)
from generator.errors import MissingAnswerError
from generator.questions import Question
from generator.terminal import literal


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_display(item) for item in value)
    return str(value)


def _picked(raw: str, values: list[Any]) -> str | list[Any]:
    """Multiselect input: `1,3` picks by number; anything else is cast as values."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if parts and all(p.isdigit() and 1 <= int(p) <= len(values) for p in parts):
        return [values[int(p) - 1] for p in parts]
    return raw


def _ask(question: Question, default: Any, context: Mapping[str, Any], console: Console) -> Any:
    """Prompt until the answer is valid; Enter takes the default."""
    console.print()
    console.print(f"[bold cyan]{literal(question.name)}[/]")
    if question.help:
        console.print(f"  [dim]{literal(question.help)}[/]")
    values = choice_values(question, context)
    if values:
        for number, (choice, value) in enumerate(zip(question.choices, values, strict=True), 1):
            chosen = value in default if isinstance(default, list) else value == default
            marker = " [green](default)[/]" if chosen else ""
            label = choice.label if choice.label == str(value) else f"{choice.label} ({value})"
            console.print(f"  {number}. {literal(label)}{marker}")
    while True:
        if question.type == "bool" and not values:
            return Confirm.ask("  >", default=bool(default), console=console)
        shown_default = None if default is None else _display(default)
        raw = Prompt.ask("  >", default=shown_default, console=console, password=question.secret)
        try:
            if question.multiselect:
                value = cast(question, _picked(raw, values))
            elif values and raw.strip().isdigit() and 1 <= int(raw) <= len(values):
                value = values[int(raw) - 1]
            else:
                value = cast(question, raw)
            validate(question, value, context)
            return value
        except AnswerError as error:
            console.print(f"  [red]✗ {literal(error.message)}[/]")


def collect_answers(
    questions: list[Question],
    provided: Mapping[str, Any],
    *,
    use_defaults: bool,
    interactive: bool,
    console: Console,
    default_overrides: Mapping[str, Any] | None = None,
    initial_context: Mapping[str, Any] | None = None,
    unasked: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Answer every question that applies; returns only asked questions (Copier's `data=`).

    Questions in `unasked` take their default even on a terminal: another prompt answers them
    (`new` asks for a table, whose target and file name answer `target` and `dataset_file`).
    """
    context: dict[str, Any] = dict(initial_context or {})
    answers: dict[str, Any] = {}
    overrides = dict(default_overrides or {})
    for question in questions:
        # An override (the destination's name) is a value, never a Jinja template.
        if question.name in overrides:
            default = overrides[question.name]
        else:
            default = render_value(question.default, context)
        if question.computed or not is_asked(question, context):
            context[question.name] = default
            continue
        if question.name in provided:
            value = cast(question, provided[question.name])
            validate(question, value, context)
        elif use_defaults or question.name in unasked:
            if default is None:
                raise MissingAnswerError(
                    f"question '{question.name}' has no default; pass --data {question.name}=VALUE"
                )
            value = cast(question, default)
            try:
                validate(question, value, context)
            except AnswerError as error:
                raise AnswerError(
                    f"{error.message} (the default, derived from earlier answers; "
                    f"pass --data {question.name}=VALUE)"
                ) from None
        elif interactive:
            value = _ask(question, default, context, console)
        else:
            raise MissingAnswerError(
                f"question '{question.name}' is unanswered and there is no terminal to ask it on; "
                f"pass --data {question.name}=VALUE, --answers-file or --defaults"
            )
        context[question.name] = value
        answers[question.name] = value
    return answers


def summary_table(answers: Mapping[str, Any], title: str) -> Table:
    table = Table(title=literal(title), show_header=True, header_style="bold")
    table.add_column("question")
    table.add_column("answer")
    for name, value in answers.items():
        table.add_row(literal(name), literal(_display(value)))
    return table
