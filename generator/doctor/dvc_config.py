"""Read DVC's configuration (`.dvc/config`, then `.dvc/config.local`) without importing dvc.

DVC writes configobj-style INI: `[core]`, `['remote "storage"']`, indented `key = value`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

Sections = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Remote:
    """A remote's name, url and other options; relative local urls are against `.dvc/`."""

    name: str
    url: str
    options: dict[str, str] = field(default_factory=dict)
    default: bool = False


def parse_config(text: str) -> Sections:
    """Sections of an INI text, the quotes around `remote "name"` sections removed."""
    sections: Sections = {}
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip()
            if len(name) > 1 and name[0] == name[-1] and name[0] in "'\"":
                name = name[1:-1]
            current = sections.setdefault(name, {})
        elif current is not None and "=" in line:
            key, _, value = line.partition("=")
            current[key.strip().lower()] = value.strip().strip("'\"")
    return sections


def read_config(dvc_dir: Path) -> Sections:
    """The merged configuration: config.local overrides config key by key."""
    merged: Sections = {}
    for name in ("config", "config.local"):
        path = dvc_dir / name
        if path.is_file():
            for section, values in parse_config(path.read_text(encoding="utf-8")).items():
                merged.setdefault(section, {}).update(values)
    return merged


def remotes(config: Sections) -> list[Remote]:
    """Every remote with a url, the default one (core.remote) first."""
    default = config.get("core", {}).get("remote", "")
    found = []
    for section, values in config.items():
        kind, _, name = section.partition(" ")
        name = name.strip().strip('"')
        if kind == "remote" and name and values.get("url"):
            options = {k: v for k, v in values.items() if k != "url"}
            found.append(Remote(name, values["url"], options, default=name == default))
    return sorted(found, key=lambda r: (not r.default, r.name))
