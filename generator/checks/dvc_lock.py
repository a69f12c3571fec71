"""Check `dvc-lock`: `dvc.lock` matches the deps and params in the working tree.

A stale lock means the committed results (metrics, models) were not produced by the committed
code and params; run at pre-push, since it hashes every dependency.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .dvc_files import (
    LOCKFILE,
    MISSING,
    PIPELINE,
    Stage,
    interpolate,
    interpolation_values,
    is_url,
    load_params_file,
    load_pipeline,
    lookup,
)
from .dvc_hash import dir_md5, file_md5
from .model import CheckInputError, Problem, Severity
from .project import Project
from .registry import register
from .yaml_lines import YamlDoc

REPRO = "run `dvc repro` and commit dvc.lock"


@register(
    "dvc-lock",
    "A stale dvc.lock means the committed results don't come from the committed code and params.",
    REPRO,
    stage="push",
)
def check_dvc_lock(project: Project) -> Iterator[Problem]:
    pipeline = load_pipeline(project)
    if pipeline is None or not pipeline.stages:
        return
    lock = project.yaml(LOCKFILE)
    if lock is None:
        yield Problem(
            "dvc.lock not found: the pipeline has never been reproduced",
            PIPELINE,
            severity=Severity.WARNING,
        )
        return
    locked = lock.data.get("stages") if isinstance(lock.data, dict) else None
    if not isinstance(locked, dict):
        yield Problem("dvc.lock has no `stages` mapping", LOCKFILE, 1)
        return
    params_cache: dict[str, Any] = {}
    values = interpolation_values(project, pipeline)
    for stage in pipeline.stages:
        names = (
            [name for name in locked if str(name).startswith(f"{stage.name}@")]
            if stage.templated
            else [stage.name]
            if stage.name in locked
            else []
        )
        if not names:
            yield Problem(f"stage `{stage.name}` is not in dvc.lock", PIPELINE, stage.line)
            continue
        for name in names:
            entry = locked[name]
            where = ("stages", name)
            if not isinstance(entry, dict):
                yield Problem(
                    f"stage `{name}` in dvc.lock is not a mapping", LOCKFILE, lock.line(*where)
                )
                continue
            if not stage.templated:
                yield from _compare_definition(stage, entry, lock, where, values)
            yield from _compare_deps(project, stage, entry, lock, where)
            yield from _compare_params(project, stage, entry, lock, where, params_cache)


def _compare_definition(
    stage: Stage,
    entry: dict[str, Any],
    lock: YamlDoc,
    where: tuple[object, ...],
    values: dict[str, Any],
) -> Iterator[Problem]:
    """Command and dep list against dvc.lock, `${...}` resolved from params.yaml and `vars`."""
    cmds = [interpolate(cmd, values) for cmd, _ in stage.cmds]
    recorded = entry.get("cmd")
    recorded = [recorded] if isinstance(recorded, str) else recorded
    if None not in cmds and recorded != cmds:
        yield Problem(
            f"stage `{stage.name}`: the command changed since dvc.lock was written",
            LOCKFILE,
            lock.line(*where, "cmd"),
        )
    resolved = [interpolate(dep, values) for dep, _ in stage.deps]
    if None in resolved:
        return  # a dep names a value we can't resolve offline: DVC will say
    deps = {dep if is_url(dep) else posixpath.normpath(dep) for dep in resolved if dep}
    recorded_deps = {
        stage.path(d["path"]) if not is_url(d["path"]) else d["path"]
        for d in entry.get("deps") or []
        if isinstance(d, dict) and isinstance(d.get("path"), str)
    }
    for dep in sorted(deps - recorded_deps):
        yield Problem(
            f"stage `{stage.name}`: dep {dep} is not recorded in dvc.lock",
            LOCKFILE,
            lock.line(*where),
        )
    for dep in sorted(recorded_deps - deps):
        yield Problem(
            f"stage `{stage.name}`: dvc.lock records dep {dep}, no longer in dvc.yaml",
            LOCKFILE,
            lock.line(*where, "deps"),
        )


def _compare_deps(
    project: Project, stage: Stage, entry: dict[str, Any], lock: YamlDoc, where: tuple[object, ...]
) -> Iterator[Problem]:
    deps = entry.get("deps") or []
    if not isinstance(deps, list):
        yield Problem("`deps` must be a list", LOCKFILE, lock.line(*where, "deps"))
        return
    for index, dep in enumerate(deps):
        line = lock.line(*where, "deps", index)
        if not isinstance(dep, dict) or not isinstance(dep.get("path"), str):
            yield Problem(f"invalid dep entry {dep!r}", LOCKFILE, line)
            continue
        recorded = dep.get("md5")
        if is_url(dep["path"]) or not isinstance(recorded, str):
            continue  # URL deps and other hash kinds (etag, checksum) can't be checked offline
        relpath = stage.path(dep["path"])
        yield from _compare_hash(project, relpath, dep, recorded, line, where[-1])


def _compare_hash(
    project: Project,
    relpath: str,
    dep: dict[str, Any],
    recorded: str,
    line: int | None,
    stage_name: object,
) -> Iterator[Problem]:
    path = project.root / relpath
    legacy = dep.get("hash") != "md5"  # DVC 2 entries carry no `hash` field
    try:
        if recorded.endswith(".dir"):
            if not path.is_dir():
                yield _absent(relpath, line, stage_name, path)
                return
            actual, nfiles, size = dir_md5(path, legacy)
            if (
                actual != recorded
                and _dvcignore(project)
                and (dep.get("nfiles"), dep.get("size")) == (nfiles, size)
            ):
                yield Problem(
                    f"stage `{stage_name}`: dep {relpath}/ hashes differently, but "
                    ".dvcignore rules (not applied here) may explain it",
                    LOCKFILE,
                    line,
                    Severity.WARNING,
                    "run `dvc status` to confirm",
                )
                return
        elif path.is_file():
            actual = file_md5(path, legacy)
        else:
            yield _absent(relpath, line, stage_name, path)
            return
    except OSError as exc:
        raise CheckInputError(f"can't be read: {exc.strerror}", path=relpath) from None
    if actual != recorded:
        yield Problem(
            f"stage `{stage_name}`: dep {relpath} changed since dvc.lock was written",
            LOCKFILE,
            line,
        )


def _absent(relpath: str, line: int | None, stage_name: object, path: Path) -> Problem:
    kind = "a file" if path.is_file() else "a folder" if path.is_dir() else "missing"
    return Problem(
        f"stage `{stage_name}`: dep {relpath} is {kind} in the workspace, can't compare it",
        LOCKFILE,
        line,
        Severity.WARNING,
        "`dvc pull` (or `dvc repro`) to restore it",
    )


def _dvcignore(project: Project) -> bool:
    path = project.root / ".dvcignore"
    if not path.is_file():
        return False
    text = project.read_text(".dvcignore")
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def _compare_params(
    project: Project,
    stage: Stage,
    entry: dict[str, Any],
    lock: YamlDoc,
    where: tuple[object, ...],
    cache: dict[str, Any],
) -> Iterator[Problem]:
    recorded = entry.get("params") or {}
    if not isinstance(recorded, dict):
        yield Problem("`params` must be a mapping", LOCKFILE, lock.line(*where, "params"))
        return
    if not stage.templated:
        wanted = {(ref.file, ref.key) for ref in stage.params if ref.key is not None}
        have = {
            (stage.path(str(file)), str(key))
            for file, values in recorded.items()
            if isinstance(values, dict)
            for key in values
        }
        for file, key in sorted(wanted - have):
            yield Problem(
                f"stage `{stage.name}`: param `{key}` ({file}) is not in dvc.lock",
                LOCKFILE,
                lock.line(*where),
            )
    for file, values in recorded.items():
        if not isinstance(values, dict):
            continue
        relpath = stage.path(str(file))
        if relpath not in cache:
            cache[relpath] = load_params_file(project, relpath)
        data = cache[relpath]
        if data is ...:
            continue
        for key, value in values.items():
            current = MISSING if data is None else lookup(data, str(key))
            if current is MISSING:
                yield Problem(
                    f"stage `{where[-1]}`: param `{key}` is recorded in dvc.lock but "
                    f"missing from {relpath}",
                    LOCKFILE,
                    lock.line(*where, "params", file, key),
                )
            elif current != value:
                yield Problem(
                    f"stage `{where[-1]}`: param `{key}` is {current!r} in {relpath} "
                    f"but {value!r} in dvc.lock",
                    LOCKFILE,
                    lock.line(*where, "params", file, key),
                )
