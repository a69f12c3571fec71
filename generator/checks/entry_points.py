"""Finding the Python modules and scripts that pipeline stage commands run.

Shared knowledge of how a stage `cmd` starts Python (`python -m pkg.mod`, `uv run python x.py`),
so checks about entry points agree on which files those are. A project module that assigns
`STAGE_RUNNER = True` at its top level (the template's `warm.py`) runs its first argument as a
module of its package: `python -m pkg.warm train` is an entry point of `pkg.train`.
"""

from __future__ import annotations

import ast
import posixpath
import re
import shlex
from dataclasses import dataclass

from .project import Project

PYTHON = re.compile(r"^python(\d+(\.\d+)?)?$")
SEPARATORS = frozenset({"&&", "||", ";", "|"})
RUNNERS = ("uv", "poetry", "pipenv", "pdm", "hatch")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
OPTIONS_WITH_VALUE = frozenset({"-W", "-X", "--with", "--python", "-p", "--group", "--extra"})
RUNNER_MARKER = "STAGE_RUNNER"


@dataclass(frozen=True)
class EntryPoint:
    """What a command runs: a module (`-m`) or a script path, resolved to a file if found."""

    target: str
    is_module: bool
    file: str | None


def _segments(command: str) -> list[list[str]]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    segments: list[list[str]] = [[]]
    for token in lexer:
        if token in SEPARATORS:
            segments.append([])
        else:
            segments[-1].append(token)
    return [segment for segment in segments if segment]


def _python_target(tokens: list[str]) -> tuple[str, bool, list[str]] | None:
    """(module or script, is_module, its arguments) that a command's tokens run with Python."""
    index = 0
    while index < len(tokens) and ASSIGNMENT.match(tokens[index]):
        index += 1  # VAR=value prefixes
    if tokens[index : index + 2] in ([runner, "run"] for runner in RUNNERS):
        index += 2
        while index < len(tokens) and tokens[index].startswith("-"):
            index += 2 if tokens[index] in OPTIONS_WITH_VALUE else 1
        if index < len(tokens) and tokens[index].endswith(".py"):
            return tokens[index], False, tokens[index + 1 :]  # `uv run script.py`
    if index >= len(tokens) or not PYTHON.match(posixpath.basename(tokens[index])):
        return None
    index += 1
    while index < len(tokens):
        token = tokens[index]
        if token == "-m":
            if index + 1 >= len(tokens):
                return None
            return tokens[index + 1], True, tokens[index + 2 :]
        if token.startswith("-m"):
            return token[2:], True, tokens[index + 1 :]
        if token == "-c":
            return None
        if not token.startswith("-"):
            return token, False, tokens[index + 1 :]
        index += 2 if token in OPTIONS_WITH_VALUE else 1
    return None


def module_file(project: Project, module: str, wdir: str = "") -> str | None:
    """The file `python -m module` runs, searched in `src/`, the root and the stage wdir."""
    parts = module.split(".")
    for base in dict.fromkeys(("src", "", wdir)):
        stem = posixpath.join(base, *parts) if base else posixpath.join(*parts)
        for candidate in (f"{stem}.py", posixpath.join(stem, "__main__.py")):
            if (project.root / candidate).is_file():
                return candidate
    return None


def is_project_module(project: Project, module: str) -> bool:
    """True when the module's top-level package lives in the project (not a dependency)."""
    top = module.split(".")[0]
    return any(
        (project.root / base / name).exists()
        for base in ("src", ".")
        for name in (top, f"{top}.py")
    )


def _is_runner(project: Project, file: str) -> bool:
    """True when the module assigns `STAGE_RUNNER = True` at its top level."""
    try:
        tree = ast.parse(project.read_text(file), filename=file)
    except (SyntaxError, ValueError):
        return False
    return any(
        isinstance(node, ast.Assign | ast.AnnAssign)
        and any(
            isinstance(target, ast.Name) and target.id == RUNNER_MARKER
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
        and isinstance(node.value, ast.Constant)
        and node.value.value is True
        for node in tree.body
    )


def entry_points(project: Project, command: str, wdir: str = "") -> list[EntryPoint]:
    """Every Python module or script a shell command runs; invalid quoting yields nothing."""
    try:
        segments = _segments(command)
    except ValueError:
        return []
    found = []
    for tokens in segments:
        target = _python_target(tokens)
        if target is None or "${" in target[0]:
            continue
        name, is_module, arguments = target
        if is_module:
            file = module_file(project, name, wdir)
            if file is not None and arguments and _is_runner(project, file):
                name = f"{name.rpartition('.')[0]}.{arguments[0]}".lstrip(".")
                file = module_file(project, name, wdir)
            found.append(EntryPoint(name, True, file))
        else:
            path = posixpath.normpath(posixpath.join(wdir, name)) if wdir else name
            found.append(EntryPoint(path, False, path if (project.root / path).is_file() else None))
    return found
