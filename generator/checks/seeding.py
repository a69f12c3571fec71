"""Check `pipeline-seeding`: every pipeline entry point seeds through the project's seed utility
with a seed read from params.yaml.

A run is reproducible only if its randomness is seeded from a tracked parameter; a hard-coded
or missing seed silently changes results between `dvc repro` runs. Checked on the code with
`ast`, never by importing or running it.
"""

from __future__ import annotations

import ast
import glob
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from .dvc_files import DEFAULT_PARAMS, PIPELINE, load_params_file, load_pipeline
from .entry_points import entry_points, is_project_module
from .model import CheckInputError, Problem
from .project import Project
from .registry import register

MAX_DEPTH = 4  # how far a seed value is traced back through assignments


@dataclass
class SeedUtility:
    """The project's seed module (`pkg.seed`), its file and its public functions."""

    module: str
    file: str
    functions: set[str]
    reads_params: bool  # the utility loads the seed itself when called without one


@dataclass
class _Assignments(ast.NodeVisitor):
    values: dict[str, list[ast.expr]] = field(default_factory=dict)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind(target, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind(node.target, node.value)
        self.generic_visit(node)

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.values.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._bind(element, value)


@register(
    "pipeline-seeding",
    "Unseeded or hard-coded randomness makes `dvc repro` results irreproducible.",
    "call the project's seed utility at the start of the entry point with the seed from "
    "params.yaml, e.g. `seed_everything(params['seed'])`",
)
def check_seeding(project: Project) -> Iterator[Problem]:
    pipeline = load_pipeline(project)
    if pipeline is None:
        return  # `dvc-pipeline` reports the missing pipeline
    targets: dict[str, tuple[str, int | None]] = {}
    for stage in pipeline.stages:
        for command, line in stage.cmds:
            for entry in entry_points(project, command, stage.wdir):
                if entry.file is not None:
                    targets.setdefault(entry.file, (stage.name, line))
                elif not entry.is_module or is_project_module(project, entry.target):
                    yield Problem(
                        f"stage `{stage.name}` runs {entry.target}, which is not in the project",
                        PIPELINE,
                        line,
                    )
    if not targets:
        return
    utility = _seed_utility(project)
    if isinstance(utility, Problem):
        yield utility
        return
    seed_keys = _seed_keys(project)
    if not seed_keys:
        yield Problem(
            "params.yaml defines no seed (a key named like `seed`)",
            DEFAULT_PARAMS if project.exists(DEFAULT_PARAMS) else None,
            fix="add `seed: 42` to params.yaml and pass it to the seed utility",
        )
        return
    for file, (stage_name, _line) in targets.items():
        yield from _check_entry(project, file, stage_name, utility, seed_keys)


def _parse(project: Project, relpath: str) -> ast.Module:
    try:
        return ast.parse(project.read_text(relpath), filename=relpath)
    except SyntaxError as exc:
        raise CheckInputError(f"invalid Python: {exc.msg}", path=relpath, line=exc.lineno) from None


def _seed_utility(project: Project) -> SeedUtility | Problem:
    configured = project.config.seed_module
    if configured:
        stem = posixpath.join(*configured.split("."))
        files = [f for f in (f"src/{stem}.py", f"{stem}.py") if project.exists(f)]
    else:
        files = sorted(
            posixpath.relpath(path, project.root).replace("\\", "/")
            for pattern in ("src/*/seed.py", "*/seed.py")
            for path in glob.glob(str(project.root / pattern))
        )
    if not files:
        where = f"`{configured}`" if configured else "src/<package>/seed.py"
        return Problem(
            f"no seed utility found ({where})",
            fix="add the seed utility (the template's src/<package>/seed.py)",
        )
    file = files[0]
    module = (file[4:] if file.startswith("src/") else file)[: -len(".py")].replace("/", ".")
    tree = _parse(project, file)
    functions = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }
    if not functions:
        return Problem("the seed utility defines no public function", file)
    reads_params = "params" in project.read_text(file)
    return SeedUtility(module, file, functions, reads_params)


def _seed_keys(project: Project) -> set[str]:
    """Names of the seed-like keys in params.yaml (`seed`, `random_state`, `train.seed`...)."""
    data = load_params_file(project, DEFAULT_PARAMS)
    keys: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                name = str(key)
                if ("seed" in name.lower() or name == "random_state") and not isinstance(
                    value, dict | list
                ):
                    keys.add(name)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return keys


def _seed_names(tree: ast.Module, utility: SeedUtility, module: str) -> tuple[set[str], set[str]]:
    """(names bound to seed functions, names bound to the seed module) in an entry module."""
    functions: set[str] = set()
    modules: set[str] = set()
    package = module.rsplit(".", 1)[0] if "." in module else ""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.split(".")[: max(0, len(package.split(".")) - node.level + 1)]
                source = ".".join([*base, source] if source else base)
            for alias in node.names:
                if source == utility.module and alias.name in utility.functions:
                    functions.add(alias.asname or alias.name)
                elif f"{source}.{alias.name}" == utility.module:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == utility.module:
                    modules.add(alias.asname or alias.name)
    return functions, modules


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _seed_calls(
    tree: ast.Module, functions: set[str], modules: set[str], utility: SeedUtility
) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name is None:
            continue
        owner, _, attr = name.rpartition(".")
        if name in functions or (owner in modules and attr in utility.functions):
            calls.append(node)
    return calls


def _evidence(
    expr: ast.expr, assignments: dict[str, list[ast.expr]], depth: int = 0
) -> tuple[set[str], bool]:
    """(words the value is read through, whether it is only literals) for a seed expression."""
    if isinstance(expr, ast.Constant):
        return ({expr.value} if isinstance(expr.value, str) else set()), True
    words: set[str] = set()
    literal = True
    nodes = list(ast.walk(expr))
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words.add(node.value)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
            literal = False
        elif isinstance(node, ast.Name):
            words.add(node.id)
            sources = assignments.get(node.id, [])
            if not sources or depth >= MAX_DEPTH:
                literal = False
            for source in sources:
                found, is_literal = _evidence(source, assignments, depth + 1)
                words |= found
                literal = literal and is_literal
        elif isinstance(node, ast.Call | ast.Subscript):
            literal = False
    return words, literal


def _check_entry(
    project: Project, file: str, stage_name: str, utility: SeedUtility, seed_keys: set[str]
) -> Iterator[Problem]:
    if file == utility.file:
        return
    tree = _parse(project, file)
    module = (file[4:] if file.startswith("src/") else file)[: -len(".py")].replace("/", ".")
    functions, modules = _seed_names(tree, utility, module)
    calls = _seed_calls(tree, functions, modules, utility)
    names = ", ".join(sorted(utility.functions))
    if not calls:
        yield Problem(
            f"entry point of stage `{stage_name}` never calls the seed utility "
            f"({utility.module}: {names})",
            file,
            1,
        )
        return
    finder = _Assignments()
    finder.visit(tree)
    problems = []
    for call in calls:
        args = [*call.args, *(keyword.value for keyword in call.keywords)]
        if not args:
            if utility.reads_params:
                return  # the utility reads params.yaml itself
            problems.append(Problem("seed utility called without a seed", file, call.lineno))
            continue
        words, literal = _evidence(args[0], finder.values)
        if literal:
            problems.append(
                Problem("the seed is hard-coded; read it from params.yaml", file, call.lineno)
            )
        elif words & seed_keys:
            return  # one call seeded from params.yaml is enough
        else:
            expected = "`/`".join(sorted(seed_keys))
            problems.append(
                Problem(
                    f"the seed passed to the seed utility isn't read from params.yaml "
                    f"(no `{expected}` lookup)",
                    file,
                    call.lineno,
                )
            )
    yield from problems
