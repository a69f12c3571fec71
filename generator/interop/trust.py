"""Does a third-party template run its own code? Which feature, in which file?

Cookiecutter runs `hooks/` scripts and imports `_extensions`; Copier runs `_tasks` and
`_migrations` and imports `_jinja_extensions`. Each needs an explicit `--trust` (DESIGN.md
decision 7); without it the refusal names the features so the user knows what to review.
"""

from __future__ import annotations

import json
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


def unsafe_features(template: LocalTemplate, config: dict[str, Any] | None = None) -> list[str]:
    """Human-readable unsafe features of `template`; empty when it only renders files."""
    if template.kind == "cookiecutter":
        context = config
        if context is None:
            context = json.loads(template.config_file.read_text(encoding="utf-8"))
        found = [f"hook {name}" for name in _cookiecutter_hooks(template.root)]
        extensions = context.get("_extensions") or []
        if extensions:
            found.append(f"Jinja extensions ({', '.join(map(str, extensions))})")
        return found
    from generator.interop.copier_config import load_copier_config

    settings = config if config is not None else load_copier_config(template.config_file)
    return [label for key, label in COPIER_UNSAFE.items() if settings.get(key)]


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
