"""Does a third-party template run its own code? Which feature, in which file?

Cookiecutter runs `hooks/` scripts and imports `_extensions`; Copier runs `_tasks` and
`_migrations` and imports `_jinja_extensions`. Each needs an explicit `--trust` (DESIGN.md
decision 7); without it the refusal names the features so the user knows what to review.
A cookiecutter template that chooses among sub-templates is inspected with every one of them.
Copier's default filters `expandvars` and `fileglob` read the environment and list files even
in its sandbox, so a Copier template using them needs `--trust` too.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from generator.errors import UntrustedTemplateError
from generator.interop.detect import LocalTemplate

COOKIECUTTER_HOOKS = ("pre_prompt", "pre_gen_project", "post_gen_project")
COPIER_UNSAFE = {
    "_tasks": "tasks",
    "_migrations": "migrations",
    "_jinja_extensions": "Jinja extensions",
}


def _cookiecutter_hooks(root: Path) -> list[str]:
    hooks = root / "hooks"
    if not hooks.is_dir():
        return []
    return sorted(
        f"hooks/{path.name}"
        for path in hooks.iterdir()
        if path.is_file() and path.stem in COOKIECUTTER_HOOKS and not path.name.endswith("~")
    )


HOST_FILTERS = re.compile(rb"\b(expandvars|fileglob)\b")
SCAN_LIMIT = 2_000_000  # bytes read per file when looking for host filters


def _cookiecutter_features(root: Path, context: dict[str, Any], prefix: str, seen: set) -> list:
    from generator.interop.cookiecutter_questions import load_context, nested_templates

    real = root.resolve()
    if real in seen:
        return []
    seen.add(real)
    found = [f"hook {prefix}{name}" for name in _cookiecutter_hooks(root)]
    extensions = context.get("_extensions") or []
    if extensions:
        where = f" in {prefix}cookiecutter.json" if prefix else ""
        found.append(f"Jinja extensions{where} ({', '.join(map(str, extensions))})")
    for _key, (_label, folder) in nested_templates(root, context).items():
        sub = os.path.relpath(folder, real).replace(os.sep, "/") + "/"
        sub_context = load_context(folder / "cookiecutter.json")
        found += _cookiecutter_features(folder, sub_context, prefix + sub, seen)
    return found


def _host_filters(root: Path) -> list[str]:
    """Files of a Copier template that call `expandvars` or `fileglob`."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_symlink() or not path.is_file():
                continue
            try:
                with path.open("rb") as handle:
                    head = handle.read(SCAN_LIMIT)
            except OSError:
                continue
            if HOST_FILTERS.search(head):
                found.append(path.relative_to(root).as_posix())
    return found


def unsafe_features(template: LocalTemplate, config: dict[str, Any] | None = None) -> list[str]:
    """Human-readable unsafe features of `template`; empty when it only renders files."""
    if template.kind == "cookiecutter":
        context = config
        if context is None:
            context = json.loads(template.config_file.read_text(encoding="utf-8"))
        return _cookiecutter_features(template.root, context, "", set())
    from generator.interop.copier_config import load_copier_config

    settings = config if config is not None else load_copier_config(template.config_file)
    found = [label for key, label in COPIER_UNSAFE.items() if settings.get(key)]
    readers = _host_filters(template.root)
    if readers:
        found.append(f"expandvars/fileglob read this machine ({', '.join(readers[:3])})")
    return found


def check_trust(template: LocalTemplate, *, trust: bool, config: dict[str, Any] | None) -> None:
    """Refuse (exit 2, before anything is asked or written) an unsafe template not trusted."""
    if trust:
        return
    features = unsafe_features(template, config)
    if features:
        raise UntrustedTemplateError(
            f"template {template.source} runs its own code on this machine "
            f"({'; '.join(features)}); review it, then pass --trust to allow it"
        )
