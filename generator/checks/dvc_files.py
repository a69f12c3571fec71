"""Reading DVC's files (`dvc.yaml`, `*.dvc`, params files) without importing DVC.

DVC costs seconds to import; the subset of its formats the checks need is small and stable
(DVC 3 schema), so it is parsed here with line numbers kept for the findings.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .model import CheckInputError, Problem
from .project import Project
from .yaml_lines import YamlDoc

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PIPELINE = "dvc.yaml"
LOCKFILE = "dvc.lock"
DEFAULT_PARAMS = "params.yaml"
TOP_KEYS = frozenset({"stages", "vars", "params", "metrics", "plots", "artifacts", "datasets"})
STAGE_KEYS = frozenset(
    {
        "cmd",
        "wdir",
        "deps",
        "params",
        "outs",
        "metrics",
        "plots",
        "frozen",
        "desc",
        "meta",
        "always_changed",
        "vars",
    }
)
OUT_KEYS = ("outs", "metrics", "plots")
INTERPOLATION = re.compile(r"\$\{\s*([^}\s]+)\s*\}")
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@dataclass
class ParamRef:
    """A param a stage depends on: `key` in `file` (None = the whole file)."""

    file: str
    key: str | None
    line: int | None


@dataclass
class Stage:
    """A pipeline stage, its paths already joined with its `wdir` (relative to the root)."""

    name: str
    line: int | None
    wdir: str = ""
    cmds: list[tuple[str, int | None]] = field(default_factory=list)
    deps: list[tuple[str, int | None]] = field(default_factory=list)
    outs: list[tuple[str, int | None]] = field(default_factory=list)
    params: list[ParamRef] = field(default_factory=list)
    templated: bool = False  # foreach/matrix: names are expanded by DVC at run time

    def path(self, relpath: str) -> str:
        """`relpath` as written in the stage, made relative to the project root."""
        return posixpath.normpath(posixpath.join(self.wdir, relpath)) if self.wdir else relpath


@dataclass
class Pipeline:
    stages: list[Stage]
    problems: list[Problem]
    vars: list[Any]
    doc: YamlDoc


def is_url(path: str) -> bool:
    return bool(URL.match(path))


def _path_entries(
    value: object, where: tuple[object, ...], doc: YamlDoc, problems: list[Problem]
) -> list[tuple[str, int | None]]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(f"`{where[-1]}` must be a list", PIPELINE, doc.line(*where)))
        return []
    entries = []
    for index, item in enumerate(value):
        line = doc.line(*where, index)
        if isinstance(item, dict) and len(item) == 1:
            item = next(iter(item))
        if isinstance(item, str) and item:
            entries.append((item, line))
        else:
            problems.append(
                Problem(f"`{where[-1]}` entries must be paths, got {item!r}", PIPELINE, line)
            )
    return entries


def _params(
    value: object, where: tuple[object, ...], doc: YamlDoc, wdir: str, problems: list[Problem]
) -> list[ParamRef]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem("`params` must be a list", PIPELINE, doc.line(*where)))
        return []
    refs = []

    def join(name: str) -> str:
        return posixpath.normpath(posixpath.join(wdir, name)) if wdir else name

    for index, item in enumerate(value):
        line = doc.line(*where, index)
        if isinstance(item, str):
            refs.append(ParamRef(join(DEFAULT_PARAMS), item, line))
        elif isinstance(item, dict):
            for file, keys in item.items():
                if keys is None or keys == []:
                    refs.append(ParamRef(join(str(file)), None, line))
                elif isinstance(keys, list) and all(isinstance(key, str) for key in keys):
                    refs.extend(ParamRef(join(str(file)), key, line) for key in keys)
                else:
                    problems.append(
                        Problem(f"params of {file} must be a list of keys", PIPELINE, line)
                    )
        else:
            problems.append(Problem(f"invalid params entry {item!r}", PIPELINE, line))
    return refs


def _stage(
    name: str,
    body: object,
    doc: YamlDoc,
    where: tuple[object, ...],
    problems: list[Problem],
    templated: bool,
) -> Stage | None:
    line = doc.line(*where)
    if not isinstance(body, dict):
        problems.append(Problem(f"stage `{name}` must be a mapping", PIPELINE, line))
        return None
    for key in body:
        if key not in STAGE_KEYS:
            problems.append(
                Problem(f"stage `{name}` has unknown key `{key}`", PIPELINE, doc.line(*where, key))
            )
    wdir = body.get("wdir") or ""
    if not isinstance(wdir, str):
        problems.append(Problem(f"stage `{name}`: `wdir` must be a path", PIPELINE, line))
        wdir = ""
    wdir = posixpath.normpath(wdir) if wdir else ""
    wdir = "" if wdir == "." else wdir
    stage = Stage(name, line, wdir, templated=templated)
    cmd = body.get("cmd")
    if isinstance(cmd, str) and cmd.strip():
        stage.cmds = [(cmd, doc.line(*where, "cmd"))]
    elif isinstance(cmd, list) and cmd and all(isinstance(c, str) for c in cmd):
        stage.cmds = [(c, doc.line(*where, "cmd", i)) for i, c in enumerate(cmd)]
    else:
        problems.append(
            Problem(
                f"stage `{name}` needs a `cmd` (a command or a list of commands)",
                PIPELINE,
                doc.line(*where, "cmd"),
            )
        )
    stage.deps = [
        (stage.path(p), ln) if not is_url(p) else (p, ln)
        for p, ln in _path_entries(body.get("deps"), (*where, "deps"), doc, problems)
    ]
    for key in OUT_KEYS:
        stage.outs += [
            (stage.path(p), ln)
            for p, ln in _path_entries(body.get(key), (*where, key), doc, problems)
        ]
    stage.params = _params(body.get("params"), (*where, "params"), doc, wdir, problems)
    return stage


def parse_pipeline(doc: YamlDoc) -> Pipeline:
    """Stages of a `dvc.yaml` and every structural problem found on the way."""
    problems: list[Problem] = []
    data = doc.data
    if not isinstance(data, dict):
        problems.append(Problem("dvc.yaml must be a mapping with a `stages` key", PIPELINE, 1))
        return Pipeline([], problems, [], doc)
    for key in data:
        if key not in TOP_KEYS:
            problems.append(Problem(f"unknown top-level key `{key}`", PIPELINE, doc.line(key)))
    stages_value = data.get("stages") or {}
    if not isinstance(stages_value, dict):
        problems.append(
            Problem(
                "`stages` must be a mapping of stage names to stages", PIPELINE, doc.line("stages")
            )
        )
        stages_value = {}
    stages = []
    for name, body in stages_value.items():
        where: tuple[object, ...] = ("stages", name)
        templated = isinstance(body, dict) and ("foreach" in body or "matrix" in body)
        if isinstance(body, dict) and "foreach" in body:
            if "do" not in body:
                problems.append(
                    Problem(
                        f"stage `{name}` has `foreach` without `do`", PIPELINE, doc.line(*where)
                    )
                )
                continue
            body, where = body["do"], (*where, "do")
        elif isinstance(body, dict) and "matrix" in body:
            body = {k: v for k, v in body.items() if k != "matrix"}
        stage = _stage(str(name), body, doc, where, problems, templated)
        if stage is not None:
            stages.append(stage)
    vars_value = data.get("vars") or []
    return Pipeline(stages, problems, vars_value if isinstance(vars_value, list) else [], doc)


def load_pipeline(project: Project) -> Pipeline | None:
    """The parsed `dvc.yaml`, or None when the project has none."""
    doc = project.yaml(PIPELINE)
    return None if doc is None else parse_pipeline(doc)


def load_params_file(project: Project, relpath: str) -> Any:
    """Contents of a params file (YAML, JSON or TOML); None when it doesn't exist.

    Python params files are not evaluated: `...` (Ellipsis) stands for "unknown contents".
    """
    path = project.root / relpath
    if not path.exists():
        return None
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return project.yaml(relpath).data  # type: ignore[union-attr]
    if suffix == ".py":
        return ...
    text = project.read_text(relpath)
    try:
        return json.loads(text) if suffix == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise CheckInputError(f"invalid params file: {exc}", path=relpath) from None


MISSING = object()  # `lookup` found no value at the key


def lookup(data: Any, key: str) -> Any:
    """Value at a dotted DVC param key (`train.lr`, `layers.0`), or `MISSING`."""
    if isinstance(data, dict) and key in data:
        return data[key]
    node = data
    for part in key.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


_PLACEHOLDER = re.compile(r"\$\{\s*([^}\s]+)\s*\}")


def interpolation_values(project: Project, pipeline: Pipeline) -> dict[str, Any]:
    """What `${...}` in dvc.yaml can name: params.yaml (DVC's default) and inline `vars`."""
    values: dict[str, Any] = {}
    params = load_params_file(project, DEFAULT_PARAMS)
    if isinstance(params, dict):
        values.update(params)
    for entry in pipeline.vars:
        if isinstance(entry, dict):
            values.update(entry)
    return values


def interpolate(text: str, values: dict[str, Any]) -> str | None:
    """`text` with every `${key}` replaced as DVC does; None when a key has no plain value."""
    unresolved = False

    def value(match: re.Match[str]) -> str:
        nonlocal unresolved
        found = lookup(values, match.group(1))
        if found is MISSING or isinstance(found, (dict, list)) or found is None:
            unresolved = True
            return ""
        return str(found).lower() if isinstance(found, bool) else str(found)

    result = _PLACEHOLDER.sub(value, text)
    return None if unresolved else result


def dvc_tracked(project: Project, pipeline: Pipeline | None) -> list[str]:
    """Paths DVC manages: `*.dvc` outputs and pipeline outputs (relative to the root)."""
    tracked: list[str] = []
    for entry in project.git_files():
        if not entry.path.endswith(".dvc"):
            continue
        folder = posixpath.dirname(entry.path)
        outs: list[str] = []
        try:
            doc = project.yaml(entry.path)
            data = doc.data if doc else None
            if isinstance(data, dict) and isinstance(data.get("outs"), list):
                outs = [
                    o["path"]
                    for o in data["outs"]
                    if isinstance(o, dict) and isinstance(o.get("path"), str)
                ]
        except CheckInputError:
            outs = []
        if not outs:
            outs = [posixpath.basename(entry.path)[: -len(".dvc")]]
        tracked += [posixpath.normpath(posixpath.join(folder, out)) for out in outs]
    if pipeline is not None:
        tracked += [path for stage in pipeline.stages for path, _ in stage.outs]
    return tracked


def is_within(path: str, roots: list[str]) -> bool:
    """True when `path` is one of `roots` or inside one of them."""
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


_DVC_MD5 = re.compile(r"^[0-9a-f]{32}(\.dir)?$")


def dvc_file_problems(project: Project) -> Iterator[Problem]:
    """Committed `*.dvc` files DVC could not use: not YAML, no outputs, paths leaving the
    repository, hashes that are not md5 digests."""
    for entry in project.git_files():
        if not entry.path.endswith(".dvc") or not project.exists(entry.path):
            continue
        path = entry.path
        try:
            doc = project.yaml(path)
        except CheckInputError as exc:
            yield Problem(exc.message, path, exc.line)
            continue
        data = doc.data if doc is not None else None
        outs = data.get("outs") if isinstance(data, dict) else None
        if not isinstance(outs, list) or not outs:
            yield Problem("not a DVC file: no `outs` list of tracked outputs", path, 1)
            continue
        folder = posixpath.dirname(path)
        for index, out in enumerate(outs):
            line = doc.line("outs", index) if doc is not None else None
            if not isinstance(out, dict) or not isinstance(out.get("path"), str):
                yield Problem(f"output {index + 1} has no `path`", path, line)
                continue
            target = posixpath.normpath(posixpath.join(folder, out["path"]))
            if posixpath.isabs(out["path"]) or target == ".." or target.startswith("../"):
                yield Problem(f"output {out['path']} is outside the repository", path, line)
            digest = out.get("md5")
            if digest is not None and not (isinstance(digest, str) and _DVC_MD5.match(digest)):
                yield Problem(f"output {out['path']} has an invalid md5 {digest!r}", path, line)
