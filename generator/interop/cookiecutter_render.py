"""Render a cookiecutter template with cookiecutter's file semantics, every write kept inside.

Cookiecutter's `generate_files` renders with an unsandboxed environment, joins rendered names
to the output folder unchecked (a `../` slug writes anywhere), follows symlinks out of the
template, and renders the output path itself as Jinja. Here the same walk (copy-only paths,
binary files copied, newline detection, file modes, `templates/` includes) is planned first:
every name and every text file is rendered before anything is written, each path is resolved
and refused when it leaves the project, so a refusal writes nothing. Hooks run only when the
template is trusted, with cookiecutter's own hook runner, in the final project folder (so
paths a hook records stay valid).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.errors import RenderError, TemplateError, UntrustedTemplateError
from generator.interop.cookiecutter_env import ccds_hooks, importable, make_environment
from generator.interop.detect import LocalTemplate

NAME_MAX = 255


@dataclass(frozen=True)
class Write:
    """One planned output: a folder, a rendered text file, or a file copied as is."""

    rel: str  # relative to the project folder, normalised
    kind: str  # "dir" | "text" | "copy"
    source: Path | None = None
    content: str = ""
    newline: str | None = None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def outside_symlinks(root: Path) -> list[str]:
    """Symlinks in the template whose target is outside it (they would copy outside files)."""
    real_root = root.resolve()
    found = []
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            if path.is_symlink():
                target = path.resolve()
                if target != real_root and real_root not in target.parents:
                    found.append(path.relative_to(root).as_posix())
    return sorted(found)


def check_symlinks(root: Path) -> None:
    outside = outside_symlinks(root)
    if outside:
        raise UntrustedTemplateError(
            f"template symlink {outside[0]} points outside the template; refused"
        )


def _render(env: Any, text: str, context: Mapping[str, Any], what: str) -> str:
    from jinja2 import TemplateError as JinjaError
    from jinja2.exceptions import SecurityError

    try:
        return env.from_string(text).render(**context)
    except SecurityError as error:
        raise UntrustedTemplateError(
            f"{what}: the template reaches outside the sandbox ({_one_line(error)}); "
            "review it, then pass --trust"
        ) from None
    except JinjaError as error:
        raise RenderError(f"cannot render {what}: {_one_line(error)}") from None


def find_project_template(root: Path) -> Path:
    """The folder cookiecutter renders: the root entry named like `{{ cookiecutter.x }}`."""
    for name in sorted(os.listdir(root)):
        if "cookiecutter" in name and "{{" in name and "}}" in name and (root / name).is_dir():
            return root / name
    raise TemplateError(f"{root} has no folder named like '{{{{ cookiecutter.project_slug }}}}'")


def is_ccds(root: Path) -> bool:
    """cookiecutter-data-science v2: questions in ccds.json, rendered as `ccds` does."""
    return (root / "ccds.json").is_file()


def project_folder_name(root: Path, context: Mapping[str, Any], *, trusted: bool) -> str:
    """The rendered name of the template's project folder; a single, valid folder name."""
    template_dir = find_project_template(root)
    env = make_environment(context["cookiecutter"], trusted=trusted, lenient=is_ccds(root))
    name = _render(env, template_dir.name, context, f"the folder name {template_dir.name}")
    if not name.strip() or name in (".", "..") or "/" in name or "\0" in name:
        raise RenderError(f"the template's project folder name {name!r} is not a folder name")
    if len(os.fsencode(name)) > NAME_MAX:
        raise RenderError(f"the template's project folder name is over {NAME_MAX} bytes")
    return name


def _inside(rel: str, what: str) -> str:
    """`rel` normalised; refused when it is absolute or climbs out of the project."""
    normal = os.path.normpath(rel)
    if os.path.isabs(rel) or normal == ".." or normal.startswith("../") or "\0" in rel:
        raise UntrustedTemplateError(
            f"{what} would be written outside the project ({rel}); refused"
        )
    for part in Path(normal).parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise RenderError(f"{what}: a name in {normal[:80]}... is over {NAME_MAX} bytes")
    return normal


def _newline(source: Path, variables: Mapping[str, Any]) -> str | None:
    configured = variables.get("_new_lines")
    if configured:
        return str(configured)
    with source.open(encoding="utf-8") as handle:
        handle.readline()
        found = handle.newlines
    return found[0] if isinstance(found, tuple) else found


def plan(root: Path, context: Mapping[str, Any], *, trusted: bool) -> list[Write]:
    """Every output of the template, rendered and checked, in cookiecutter's walk order."""
    from binaryornot.check import is_binary
    from cookiecutter.generate import is_copy_only_path
    from jinja2 import FileSystemLoader
    from jinja2 import TemplateError as JinjaError
    from jinja2.exceptions import SecurityError

    check_symlinks(root)
    template_dir = find_project_template(root)
    variables = context["cookiecutter"]
    env = make_environment(variables, trusted=trusted, lenient=is_ccds(root))
    env.loader = FileSystemLoader([str(template_dir), str(template_dir.parent / "templates")])
    copy_context = dict(context)
    writes: list[Write] = []
    dirs_planned: set[str] = {"."}

    def add_dir(rel: str, what: str) -> None:
        normal = _inside(rel, what)
        if normal not in dirs_planned:
            dirs_planned.add(normal)
            writes.append(Write(normal, "dir"))

    for folder, dirs, files in os.walk(template_dir):
        here = os.path.relpath(folder, template_dir)
        copy_dirs = []
        render_dirs = []
        for name in sorted(dirs):
            unrendered = os.path.normpath(os.path.join(here, name))
            (copy_dirs if is_copy_only_path(unrendered, copy_context) else render_dirs).append(name)
        dirs[:] = render_dirs
        for name in copy_dirs:
            unrendered = os.path.normpath(os.path.join(here, name))
            out = _render(env, unrendered, context, f"the folder name {unrendered}")
            add_dir(out, unrendered)
            base = template_dir / unrendered
            for sub, subdirs, subfiles in os.walk(base):
                subdirs.sort()
                rel_sub = os.path.relpath(sub, base)
                for d in subdirs:
                    add_dir(os.path.join(out, rel_sub, d), unrendered)
                for f in sorted(subfiles):
                    source = Path(sub, f)
                    target = _inside(os.path.join(out, rel_sub, f), f"{unrendered}/{f}")
                    writes.append(Write(target, "copy", source))
        for name in render_dirs:
            unrendered = os.path.normpath(os.path.join(here, name))
            out = _render(env, unrendered, context, f"the folder name {unrendered}")
            add_dir(out, unrendered)
        for name in sorted(files):
            unrendered = os.path.normpath(os.path.join(here, name))
            source = template_dir / unrendered
            out = _render(env, unrendered, context, f"the file name {unrendered}")
            if not os.path.basename(out) or os.path.normpath(out) in dirs_planned:
                continue  # a name that renders empty: cookiecutter skips the file
            target = _inside(out, unrendered)
            if is_copy_only_path(unrendered, copy_context) or is_binary(str(source)):
                writes.append(Write(target, "copy", source))
                continue
            try:
                template = env.get_template(unrendered.replace(os.sep, "/"))
                content = template.render(**context)
                newline = _newline(source, variables)
            except SecurityError as error:
                raise UntrustedTemplateError(
                    f"{unrendered}: the template reaches outside the sandbox "
                    f"({_one_line(error)}); review it, then pass --trust"
                ) from None
            except JinjaError as error:
                raise RenderError(f"cannot render {unrendered}: {_one_line(error)}") from None
            except UnicodeDecodeError:
                raise RenderError(f"cannot render {unrendered}: it is not UTF-8 text") from None
            writes.append(Write(target, "text", source, content, newline))
    return writes


def _target(project: Path, rel: str) -> Path:
    """The path to write; its real location must stay in the project (no symlink out)."""
    path = project / rel
    real_project = project.resolve()
    real = path.parent.resolve() if not path.is_symlink() else path.resolve()
    if real != real_project and real_project not in real.parents:
        raise UntrustedTemplateError(f"{rel} would be written outside the project; refused")
    return path


def write_plan(writes: list[Write], project: Path) -> list[Path]:
    """Carry out a checked plan in `project`; returns the files written."""
    written = []
    for write in writes:
        path = _target(project, write.rel)
        if write.kind == "dir":
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            path.unlink()
        assert write.source is not None
        if write.kind == "copy":
            shutil.copyfile(write.source, path)
        else:
            with path.open("w", encoding="utf-8", newline=write.newline) as handle:
                handle.write(write.content)
        shutil.copymode(write.source, path)
        written.append(Path(write.rel))
    return written


def build_context(
    root: Path,
    answers: Mapping[str, Any],
    overrides: Mapping[str, Any],
    *,
    template: str,
    output_dir: Path,
) -> dict[str, Any]:
    """The context cookiecutter renders with: the answered variables plus its `_` extras,
    and `_cookiecutter` (the template's variables with the answers applied)."""
    from collections import OrderedDict

    from cookiecutter.generate import apply_overwrites_to_context, generate_context

    name = "ccds" if is_ccds(root) else "cookiecutter"
    raw = generate_context(str(root / f"{name}.json"))[name]
    original = OrderedDict((k, v) for k, v in raw.items())
    # A ccds option list keeps its raw options in `_cookiecutter`, as under `ccds`.
    plain = {k: v for k, v in overrides.items() if not isinstance(v, dict)}
    try:
        apply_overwrites_to_context(original, plain)
    except ValueError as error:
        raise RenderError(_one_line(error)) from None
    variables = OrderedDict(answers)
    variables["_template"] = template
    variables["_output_dir"] = str(output_dir)
    variables["_repo_dir"] = str(root)
    variables["_checkout"] = None
    return {
        "cookiecutter": variables,
        "_cookiecutter": {k: v for k, v in original.items() if not k.startswith("_")},
    }


def render(
    root: Path, context: dict[str, Any], project: Path, *, trusted: bool, hooks: bool
) -> list[Path]:
    """Render into `project` (created if missing): plan, pre-gen hook, write, post-gen hook."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.hooks import run_hook_from_repo_dir

    with importable(root, trusted=trusted), ccds_hooks(is_ccds(root)):
        writes = plan(root, context, trusted=trusted)
        project.mkdir(parents=True, exist_ok=True)
        try:
            if hooks and trusted:
                run_hook_from_repo_dir(str(root), "pre_gen_project", project, context, False)
            files = write_plan(writes, project)
            if hooks and trusted:
                run_hook_from_repo_dir(str(root), "post_gen_project", project, context, False)
        except CookiecutterException as error:
            raise RenderError(f"cookiecutter failed: {_one_line(error)}") from None
        except OSError as error:
            raise RenderError(f"cannot write the project: {_one_line(error)}") from None
    return files


@contextmanager
def pre_prompt(template: LocalTemplate) -> Iterator[LocalTemplate]:
    """A trusted template's `pre_prompt` hook, run as cookiecutter runs it: on a copy of the
    template, which is then the template asked and rendered (deleted on exit)."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.hooks import run_pre_prompt_hook

    try:
        copied = Path(run_pre_prompt_hook(str(template.root)))
    except CookiecutterException as error:
        raise RenderError(f"cookiecutter failed: {_one_line(error)}") from None
    if copied == template.root:
        yield template
        return
    try:
        yield replace(template, root=copied, config_file=copied / "cookiecutter.json")
    finally:
        shutil.rmtree(copied.parent, ignore_errors=True)
