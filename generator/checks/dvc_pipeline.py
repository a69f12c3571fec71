"""Check `dvc-pipeline`: `dvc.yaml` parses, its params exist and its deps can be satisfied.

A broken pipeline is otherwise found only when someone runs `dvc repro`, often in CI or on a
colleague's machine; these errors are cheap to catch at commit time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .dvc_files import (
    DEFAULT_PARAMS,
    INTERPOLATION,
    MISSING,
    PIPELINE,
    Pipeline,
    Stage,
    dvc_file_problems,
    dvc_tracked,
    is_url,
    is_within,
    load_params_file,
    load_pipeline,
    lookup,
)
from .model import CheckInputError, Problem
from .project import Project
from .registry import register


def _without_dvc(project: Project) -> bool:
    """Rendered with `data_versioning: none`: its pipeline is `make repro`, there is no dvc.yaml."""
    answers = project.yaml(".copier-answers.yml")
    data = answers.data if answers is not None else None
    return isinstance(data, dict) and data.get("data_versioning") == "none"


@register(
    "dvc-pipeline",
    "A pipeline that names missing params or inputs fails on the next `dvc repro`.",
    "fix dvc.yaml (see `dvc stage list`), add the missing key to params.yaml or the missing file",
)
def check_dvc_pipeline(project: Project) -> Iterator[Problem]:
    with contextlib.suppress(CheckInputError):  # outside git: no committed .dvc files
        yield from dvc_file_problems(project)
    pipeline = load_pipeline(project)
    if pipeline is None and not _without_dvc(project):
        yield Problem(
            "dvc.yaml not found: the project has no pipeline",
            path=PIPELINE,
            fix="add the pipeline stages to dvc.yaml (`dvc stage add ...`)",
        )
    if pipeline is None:
        return
    yield from pipeline.problems
    yield from _check_params(project, pipeline)
    yield from _check_interpolations(project, pipeline)
    yield from _check_deps(project, pipeline)


def _params_data(project: Project, relpath: str, cache: dict[str, Any]) -> Any:
    if relpath not in cache:
        try:
            cache[relpath] = load_params_file(project, relpath)
        except CheckInputError as exc:
            cache[relpath] = exc
    return cache[relpath]


def _check_params(project: Project, pipeline: Pipeline) -> Iterator[Problem]:
    cache: dict[str, Any] = {}
    reported: set[str] = set()
    for stage in pipeline.stages:
        for ref in stage.params:
            if "${" in ref.file or (ref.key and "${" in ref.key):
                continue
            data = _params_data(project, ref.file, cache)
            if isinstance(data, CheckInputError):
                if ref.file not in reported:
                    reported.add(ref.file)
                    yield Problem(data.message, data.path, data.line)
            elif data is None:
                yield Problem(
                    f"stage `{stage.name}` uses params from {ref.file}, which is missing",
                    PIPELINE,
                    ref.line,
                )
            elif data is not ... and ref.key is not None and lookup(data, ref.key) is MISSING:
                yield Problem(
                    f"stage `{stage.name}` uses param `{ref.key}`, missing from {ref.file}",
                    PIPELINE,
                    ref.line,
                )


def _vars_sources(project: Project, pipeline: Pipeline) -> list[Any] | None:
    """Where `${...}` values come from; None when some source can't be read statically."""
    cache: dict[str, Any] = {}
    params = _params_data(project, DEFAULT_PARAMS, cache)
    sources: list[Any] = [] if params is None else [params]
    for item in pipeline.vars:
        if isinstance(item, dict):
            sources.append(item)
        elif isinstance(item, str):
            data = _params_data(project, item.split(":", 1)[0], cache)
            sources.append(data)
    if any(s is ... or isinstance(s, CheckInputError) or s is None for s in sources):
        return None
    return sources


def _check_interpolations(project: Project, pipeline: Pipeline) -> Iterator[Problem]:
    sources = _vars_sources(project, pipeline)
    if sources is None:
        return
    for stage in pipeline.stages:
        if stage.templated or _has_stage_vars(pipeline, stage):
            continue
        for text, line in [*stage.cmds, *stage.deps, *stage.outs]:
            for key in INTERPOLATION.findall(text):
                if all(lookup(source, key) is MISSING for source in sources):
                    yield Problem(
                        f"stage `{stage.name}` interpolates `${{{key}}}`, missing from "
                        f"{DEFAULT_PARAMS} and `vars`",
                        PIPELINE,
                        line,
                    )


def _has_stage_vars(pipeline: Pipeline, stage: Stage) -> bool:
    body = (pipeline.doc.data.get("stages") or {}).get(stage.name)
    return isinstance(body, dict) and "vars" in body


def _check_deps(project: Project, pipeline: Pipeline) -> Iterator[Problem]:
    produced = [path for stage in pipeline.stages for path, _ in stage.outs]
    try:
        tracked = dvc_tracked(project, None)
    except CheckInputError:
        tracked = []  # outside git: only the working tree and stage outputs count
    for stage in pipeline.stages:
        for dep, line in stage.deps:
            if is_url(dep) or "${" in dep or project.exists(dep):
                continue
            if is_within(dep, produced) or any(is_within(out, [dep]) for out in produced):
                continue
            if is_within(dep, tracked):
                continue  # tracked by a .dvc file, not pulled yet
            yield Problem(
                f"stage `{stage.name}` depends on {dep}, which neither exists nor is "
                "produced by a stage",
                PIPELINE,
                line,
            )
