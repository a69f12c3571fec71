"""A third-party copier.yml: its settings and questions, with Copier's `!include` resolved.

Copier lets a template split copier.yml with `!include GLOB` (a whole document or a value);
plain `yaml.safe_load` rejects the tag, so includes are loaded here relative to the template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.errors import TemplateError
from generator.questions import Question, parse_questions


def _loader(root: Path) -> type[yaml.SafeLoader]:
    class IncludeLoader(yaml.SafeLoader):
        pass

    def include(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        pattern = loader.construct_scalar(node)  # type: ignore[arg-type]
        merged: dict[str, Any] = {}
        for path in sorted(root.glob(str(pattern))):
            if root.resolve() not in path.resolve().parents:
                raise TemplateError(f"copier.yml includes {pattern}, outside the template")
            for document in yaml.load_all(path.read_text(encoding="utf-8"), _loader(root)):
                if isinstance(document, dict):
                    merged |= document
        return merged

    IncludeLoader.add_constructor("!include", include)
    return IncludeLoader


def load_copier_config(config_file: Path) -> dict[str, Any]:
    """Every document of copier.yml merged in order (later keys win, as in Copier)."""
    try:
        documents = list(
            yaml.load_all(config_file.read_text(encoding="utf-8"), _loader(config_file.parent))
        )
    except (OSError, yaml.YAMLError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise TemplateError(f"cannot read {config_file}: {first}") from None
    merged: dict[str, Any] = {}
    for document in documents:
        if document is None:
            continue
        if not isinstance(document, dict):
            raise TemplateError(f"{config_file} must be a mapping of questions and settings")
        merged |= document
    return merged


def copier_questions(config: dict[str, Any], source: str) -> list[Question]:
    """The questions of a loaded copier.yml, parsed like our own template's."""
    questions = {k: v for k, v in config.items() if not str(k).startswith("_")}
    return parse_questions(yaml.safe_dump(questions, sort_keys=False), source)


def copier_environment(config: dict[str, Any], root: Path, *, trusted: bool) -> Any:
    """The Jinja environment Copier renders this template with: its `_envops`, Ansible's
    filters, and its `_jinja_extensions` once trusted; `expandvars`/`fileglob` only then."""
    from jinja2 import FileSystemLoader, StrictUndefined, Undefined
    from jinja2.sandbox import SandboxedEnvironment

    from generator.answers import HOST_FILTERS

    envops = dict(config.get("_envops") or {})
    undefined = envops.pop("undefined", None)
    if undefined is not None:
        classes = {"jinja2.Undefined": Undefined, "jinja2.StrictUndefined": StrictUndefined}
        if undefined not in classes:
            raise TemplateError(f"copier.yml: unsupported _envops.undefined {undefined!r}")
        envops["undefined"] = classes[undefined]
    extensions = ["jinja2_ansible_filters.AnsibleCoreFiltersExtension"]
    if trusted:
        extensions += [str(name) for name in config.get("_jinja_extensions") or []]
    try:
        env = SandboxedEnvironment(
            loader=FileSystemLoader(str(root)), extensions=extensions, **envops
        )
    except ImportError as error:
        raise TemplateError(
            f"cannot load the template's Jinja extensions ({error}); install them beside "
            "mlops-scaffold, as Copier needs them too"
        ) from None
    except TypeError as error:
        raise TemplateError(f"copier.yml: bad _envops: {error}") from None
    if not trusted:
        for name in HOST_FILTERS:
            env.filters.pop(name, None)
    return env
