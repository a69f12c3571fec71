"""YAML loading that keeps line numbers, so findings can point at `dvc.yaml:12`.

PyYAML's composed node tree carries marks; plain `safe_load` throws them away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.yamlfile import check_expansion

from .model import CheckInputError

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # libyaml missing: the pure-Python loader gives the same result
    _Loader = yaml.SafeLoader

Key = tuple[object, ...]


@dataclass
class YamlDoc:
    """A parsed YAML document and the 1-based line of every mapping key and list item."""

    data: Any
    lines: dict[Key, int] = field(default_factory=dict)

    def line(self, *path: object) -> int | None:
        """Line of the deepest known prefix of `path` (a key or index path)."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def _collect(node: yaml.Node, path: Key, lines: dict[Key, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _collect(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _collect(item, (*path, index), lines)


def parse_yaml(text: str, path: str) -> YamlDoc:
    """Parse one YAML document; invalid YAML raises `CheckInputError` naming file and line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        check_expansion(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CheckInputError(f"invalid YAML: {problem}", path=path, line=line) from None
    finally:
        loader.dispose()
    lines: dict[Key, int] = {(): 1}
    if node is not None:
        _collect(node, (), lines)
    return YamlDoc(data, lines)
