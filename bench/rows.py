"""The benchmark rows of issue 9: what runs, against which reference, and the target.

Each row is built right before it is measured (`build(number, ctx)`), so a row can reuse what
an earlier one left behind (row 4 and 6b use the project that row 3 set up) and a command that
does not exist yet becomes "not available" instead of a crash.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from measure import Sample, Step
from workspace import (
    CANONICAL_URL,
    REPO,
    Workspace,
    find_ccds_template,
    git,
    local_wheel,
    peer_venv,
    release_v2,
    snapshot_template,
)

PROJECT = "demo"  # dest folder name; `new` derives project_name from it, Copier gets it as data


@dataclass(frozen=True)
class Prepared:
    """The steps of one run, and the folder it writes (to count files and verify)."""

    steps: list[Step]
    output: Path | None = None


@dataclass
class Variant:
    label: str
    prepare: Callable[[], Prepared] | None  # None: not available, see `reason`
    reason: str = ""
    verify: Callable[[Path], str] | None = None  # returns an error message, or ""
    samples: list[Sample] = field(default_factory=list)
    files: int = 0
    error: str = ""


@dataclass(frozen=True)
class Target:
    kind: str  # "ratio": at most `limit` x the row's reference; "seconds": median under `limit`
    limit: float
    also_ratio: float | None = None  # "seconds" and, in the same run, at most this x reference
    against: str | None = None  # the variant a "ratio" divides by, when not the row's reference

    def text(self, reference: str) -> str:
        if self.kind == "ratio":
            return f"<= {self.limit:g}x {self.against or reference}"
        also = f" and <= {self.also_ratio:g}x {reference}" if self.also_ratio else ""
        return f"< {self.limit:g} s{also}"


@dataclass
class Row:
    number: str
    name: str
    variants: list[Variant]
    reference: str  # label of the variant the others are divided by
    targets: dict[str, Target] = field(default_factory=dict)
    parts: bool = False  # show each step's median under the variant
    per_file: bool = False
    note: str = ""
    skipped: str = ""


@dataclass
class Context:
    ws: Workspace
    smoke: bool
    template: Path | None = None
    ready_project: Path | None = None  # set up and reproduced by row 3


ISSUE_FILED = "7b4ffd9"
"""main when issue 19 was filed: the "today" its row-4 targets are ratios against."""


def _template(ctx: Context) -> Path:
    if ctx.template is None:
        ctx.template = snapshot_template(ctx.ws, "template")
    return ctx.template


def _has_command(ctx: Context, command: str) -> str:
    """Empty when `mlops-scaffold COMMAND --help` works, else why it does not."""
    done = subprocess.run(
        [ctx.ws.tool("mlops-scaffold"), command, "--help"],
        env=ctx.ws.env,
        capture_output=True,
        text=True,
    )
    return "" if done.returncode == 0 else f"`mlops-scaffold {command}` does not exist yet"


def _steps(
    name: str, argv: list[str], cwd: Path, env: dict[str, str], ok_codes: tuple[int, ...] = (0,)
) -> Prepared:
    return Prepared([Step(name, argv, cwd, env, ok_codes)])


def row_cli_start(ctx: Context) -> Row:
    ws = ctx.ws

    def start(tool: str) -> Variant:
        return Variant(
            f"{tool} --help", lambda: _steps("start", [ws.tool(tool), "--help"], ws.root, ws.env)
        )

    return Row(
        "1",
        "CLI start",
        [start("mlops-scaffold"), start("copier"), start("cookiecutter")],
        reference="copier --help",
        targets={"mlops-scaffold --help": Target("ratio", 0.5)},
    )


def _render_ours(ctx: Context, env: dict[str, str], *extra: str) -> Prepared:
    dest = ctx.ws.fresh_dir(PROJECT)
    argv = [ctx.ws.tool("mlops-scaffold"), "new", str(dest), "--defaults", *extra]
    return Prepared([Step("render", argv, dest.parent, env)], dest)


def row_render(ctx: Context) -> Row:
    ws = ctx.ws
    env = ws.template_env(_template(ctx))

    def copier_copy() -> Prepared:
        dest = ws.fresh_dir(PROJECT)
        argv = [ws.tool("copier"), "copy", "--trust", "--defaults", "--quiet", "--vcs-ref=HEAD"]
        argv += [f"--data=project_name={PROJECT}", CANONICAL_URL, str(dest)]
        return Prepared([Step("render", argv, dest.parent, env)], dest)

    ccds = Variant("cookiecutter ccds --no-input", None)
    venv, why = peer_venv(ws)
    template, why = find_ccds_template(venv) if venv else (None, why)
    if venv and template:
        uses_ccds = not (template / "cookiecutter.json").is_file()
        tool = str(venv / "bin" / ("ccds" if uses_ccds else "cookiecutter"))

        def ccds_render() -> Prepared:
            out = ws.fresh_dir("ccds")
            out.mkdir()
            argv = [tool, "--no-input", "--output-dir", str(out), str(template)]
            return Prepared([Step("render", argv, out, ws.env)], out)

        ccds.prepare = ccds_render
    else:
        ccds.reason = why
    return Row(
        "2",
        "Render",
        [
            Variant("new --defaults --no-setup", lambda: _render_ours(ctx, env, "--no-setup")),
            Variant("copier copy (same template, same answers)", copier_copy),
            ccds,
        ],
        reference="copier copy (same template, same answers)",
        targets={"new --defaults --no-setup": Target("ratio", 1.2)},
        per_file=True,
    )


def _shell(script: str) -> list[str]:
    return ["sh", "-c", script]


def _user_env(ctx: Context) -> dict[str, str]:
    """The environment of a user's shell: the workspace compiles bytecode for its own tool
    venvs (UV_COMPILE_BYTECODE), which would make every `uv run` in a project compile its
    whole environment (the first time) and check it (each later time, ~0.8 s)."""
    env = ctx.ws.template_env(_template(ctx))
    return {k: v for k, v in env.items() if k != "UV_COMPILE_BYTECODE"}


def row_zero_to_run(ctx: Context) -> Row:
    env = _user_env(ctx)
    repro = ["uv", "run", "--quiet", "dvc", "repro", "--quiet"]

    def whole() -> Prepared:
        # `new` runs the pipeline once itself and commits the baseline.
        prepared = _render_ours(ctx, env)
        assert prepared.output is not None
        dest = prepared.output
        ctx.ready_project = dest
        return Prepared([Step("new --defaults", prepared.steps[0].argv, dest.parent, env)], dest)

    def by_hand() -> Prepared:
        prepared = _render_ours(ctx, env, "--no-setup")
        dest = prepared.output
        assert dest is not None
        steps = [
            *prepared.steps,
            Step("git init", ["git", "init", "-q", "-b", "main"], dest, env),
            Step(
                "git lfs install",
                _shell("! command -v git-lfs || git lfs install --local"),
                dest,
                env,
            ),
            Step("environment (uv sync)", ["uv", "sync", "--quiet"], dest, env),
            Step(
                "dvc init",
                _shell(
                    "test -f .dvc/config || .venv/bin/dvc init --quiet"
                ),  # the template ships .dvc/
                dest,
                env,
            ),
            Step(
                "pre-commit install",
                _shell("test ! -x .venv/bin/pre-commit || .venv/bin/pre-commit install"),
                dest,
                env,
            ),
            Step(
                "first commit", _shell("git add -A && git commit -q --no-verify -m init"), dest, env
            ),
            Step("dvc repro", repro, dest, env),
            Step(
                "baseline commit",
                _shell("git add -A && git commit -q --no-verify -m baseline"),
                dest,
                env,
            ),
        ]
        return Prepared(steps, dest)

    return Row(
        "3",
        "Zero to tracked run",
        [
            Variant("new --defaults (first run and baseline commit included)", whole),
            Variant("same steps by hand", by_hand),
        ],
        reference="same steps by hand",
        targets={
            "new --defaults (first run and baseline commit included)": Target(
                "seconds", 60, also_ratio=1.0
            ),
        },
        parts=True,
        note="warm uv package cache (the warm-up run fills it); dvc repro runs via `uv run`",
    )


def _ready_project(ctx: Context, ref: str | None = None) -> Path:
    """Row 3's last project, or a new one set up and reproduced now (untimed); with `ref`,
    always a new one, made by the tool and template as that commit had them."""
    if ref is None and ctx.ready_project is not None and (ctx.ready_project / "dvc.lock").is_file():
        return ctx.ready_project
    if ref is None:
        env, tool = _user_env(ctx), ctx.ws.tool("mlops-scaffold")
    else:  # no template override: the old tool renders its own
        env = {k: v for k, v in ctx.ws.env.items() if k != "UV_COMPILE_BYTECODE"}
        tool = _tool_at(ctx, ref)
    dest = ctx.ws.fresh_dir(PROJECT if ref is None else f"{PROJECT}-{ref}")
    steps = [[tool, "new", str(dest), "--defaults"]]
    if ref is not None:  # a tool before 51af522 leaves the first run to the user
        steps.append(["uv", "run", "--quiet", "dvc", "repro", "--quiet"])
    for argv in steps:
        cwd = dest.parent if argv[0] == tool else dest
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"setting up a project failed: {done.stderr.strip()[-300:]}")
    if ref is None:
        ctx.ready_project = dest
    return dest


def _tool_at(ctx: Context, ref: str) -> str:
    """`mlops-scaffold` as commit `ref` had it, in a clone of its own: an editable install
    renders the clone's own template, so the project is what a user got then."""
    clone = ctx.ws.root / f"tool-{ref}"
    if not clone.exists():
        git("clone", "-q", "--shared", "-n", str(REPO), str(clone), cwd=ctx.ws.root, env=ctx.ws.env)
        git("checkout", "-q", ref, cwd=clone, env=ctx.ws.env)
        subprocess.run(["uv", "sync", "--frozen", "--quiet"], cwd=clone, env=ctx.ws.env, check=True)
    return str(clone / ".venv" / "bin" / "mlops-scaffold")


def row_repro(ctx: Context) -> Row:
    project = _ready_project(ctx)
    before = _ready_project(ctx, ISSUE_FILED)
    env = _user_env(ctx)
    repro = ["uv", "run", "--quiet", "dvc", "repro", "--quiet"]
    values = iter(f"{0.5**n:g}" for n in range(1, 1000))
    # What any stage that starts MLflow pays before its own work: a changed parameter reruns
    # two of them (register, monitor) besides train and evaluate.
    start = (
        "import sklearn.linear_model, mlflow; "
        "mlflow.set_tracking_uri('sqlite:///mlflow.db'); mlflow.search_experiments()"
    )
    floor = ["uv", "run", "--quiet", "python", "-c", start]

    def change(root: Path, extra: dict[str, str] | None = None) -> Callable[[], Prepared]:
        def prepare() -> Prepared:
            params = root / "params.yaml"
            # `train.C` only (two spaces in), not the sweep's search space for it.
            text, count = re.subn(r"(?m)^(  C:\s*)\S+", rf"\g<1>{next(values)}", params.read_text())
            if count != 1:
                raise RuntimeError("params.yaml has no `train.C` to change")
            params.write_text(text)
            return _steps("dvc repro", repro, root, env | (extra or {}))

        return prepare

    def forced(root: Path) -> Callable[[], Prepared]:
        return lambda: _steps("dvc repro -f", [*repro, "--force"], root, env)

    old = f"template at {ISSUE_FILED}"
    return Row(
        "4",
        "dvc repro: no-op and one-parameter change",
        [
            Variant("no-op dvc repro", lambda: _steps("dvc repro", repro, project, env)),
            Variant("train.C changed, dvc repro", change(project)),
            Variant(f"train.C changed, dvc repro ({old})", change(before)),
            Variant("train.C changed, WARM_STAGES=0", change(project, {"WARM_STAGES": "0"})),
            Variant("forced dvc repro (every stage)", forced(project)),
            Variant(f"forced dvc repro ({old})", forced(before)),
            Variant(
                "dvc --version",
                lambda: _steps("dvc", ["uv", "run", "--quiet", "dvc", "--version"], project, env),
            ),
            Variant("one tracked stage's start", lambda: _steps("python", floor, project, env)),
        ],
        reference="dvc --version",
        targets={
            "no-op dvc repro": Target("seconds", 3),
            "train.C changed, dvc repro": Target(
                "ratio", 0.5, against=f"train.C changed, dvc repro ({old})"
            ),
            "forced dvc repro (every stage)": Target(
                "ratio", 0.6, against=f"forced dvc repro ({old})"
            ),
        },
        note=(
            "the reference is DVC's own start through `uv run` (the floor of any dvc command); "
            f"the `{old}` variants run the same in a project that the tool and template of "
            "main when issue 19 was filed made, set up in the same run; `WARM_STAGES=0` runs "
            "every stage in a process of its own, as the first stages of a new environment do; "
            "`one tracked stage's start` imports scikit-learn and MLflow and opens the SQL "
            "store, as a cold register or monitor does first"
        ),
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def row_ui(ctx: Context) -> Row:
    """From typing `make ui` to the first answer, against `mlflow ui` with MLflow's defaults."""
    project = _ready_project(ctx)
    env = _user_env(ctx)
    waiter = [sys.executable, str(Path(__file__).with_name("first_answer.py"))]

    def first_answer(*command: str) -> Callable[[], Prepared]:
        """A run of `command` with `{port}` filled in with a port free at that moment."""

        def prepare() -> Prepared:
            port = str(_free_port())
            argv = [*waiter, port, "--", *(part.format(port=port) for part in command)]
            return _steps("first answer", argv, project, env)

        return prepare

    mlflow_ui = "uv run --quiet mlflow ui --backend-store-uri sqlite:///mlflow.db --port {port}"
    return Row(
        "9",
        "make ui: start to the first answer of /health",
        [
            Variant("make ui", first_answer("make", "ui", "MLFLOW_PORT={port}")),
            Variant(
                "mlflow ui (MLflow's defaults: 4 workers, job runner)",
                first_answer(*mlflow_ui.split()),
            ),
        ],
        reference="mlflow ui (MLflow's defaults: 4 workers, job runner)",
        targets={"make ui": Target("seconds", 10)},
        note=(
            "row 3's project (its pipeline has run); a free loopback port per run; CPU and RSS "
            "miss the server processes, which are stopped, not waited for"
        ),
    )


def _commit_new_project(ctx: Context, template: Path, name: str) -> Path:
    """`new --defaults --no-setup` + git init + commit (untimed set-up)."""
    env = ctx.ws.template_env(template)
    dest = ctx.ws.fresh_dir(name)
    argv = [ctx.ws.tool("mlops-scaffold"), "new", str(dest), "--defaults", "--no-setup"]
    subprocess.run(argv, cwd=dest.parent, env=env, check=True, capture_output=True)
    git("init", "-q", "-b", "main", cwd=dest, env=env)
    git("add", "-A", cwd=dest, env=env)
    git("commit", "-q", "-m", "init", cwd=dest, env=env)
    return dest


def row_update(ctx: Context) -> Row:
    ws = ctx.ws
    labels = ("update --defaults", "copier update --defaults --trust")
    missing = _has_command(ctx, "update")
    row = Row(
        "5",
        "Update v0.1.0 -> v0.2.0",
        [Variant(label, None, missing) for label in labels],
        reference=labels[1],
        targets={labels[0]: Target("ratio", 1.15)},
    )
    if missing:
        return row
    template = snapshot_template(ws, "template-update")
    base = _commit_new_project(ctx, template, PROJECT)
    release_v2(ws, template)
    env = ws.template_env(template)

    def copy_of_base() -> Path:
        dest = ws.fresh_dir(PROJECT)
        shutil.copytree(base, dest, symlinks=True)
        return dest

    def ours() -> Prepared:
        dest = copy_of_base()
        argv = [ws.tool("mlops-scaffold"), "update", "--defaults", str(dest)]
        return Prepared([Step("update", argv, dest, env)], dest)

    def plain() -> Prepared:
        dest = copy_of_base()
        argv = [ws.tool("copier"), "update", "--defaults", "--trust"]
        return Prepared([Step("update", argv, dest, env)], dest)

    def updated(project: Path) -> str:
        readme = (project / "README.md").read_text()
        return "" if "Template v0.2.0." in readme else "README.md did not get the v0.2.0 change"

    row.variants = [
        Variant(labels[0], ours, verify=updated),
        Variant(labels[1], plain, verify=updated),
    ]
    return row


def row_check(ctx: Context) -> Row:
    ws = ctx.ws
    missing = _has_command(ctx, "check")
    row = Row(
        "6a",
        "check on a fresh project",
        [Variant("check", None, missing), Variant("mlops-scaffold --version", None, missing)],
        reference="mlops-scaffold --version",
        targets={"check": Target("seconds", 0.5)},
        note="the reference is our CLI's start (the floor of any command)",
    )
    if missing:
        return row
    project = _commit_new_project(ctx, _template(ctx), PROJECT)
    tool = ws.tool("mlops-scaffold")
    row.variants = [
        Variant(
            "check",
            # exit 1 = findings: still a complete run, and the note shows it in the table
            lambda: _steps(
                "check", [tool, "check", str(project)], project, ws.env, ok_codes=(0, 1)
            ),
        ),
        Variant(
            "mlops-scaffold --version",
            lambda: _steps("start", [tool, "--version"], project, ws.env),
        ),
    ]
    return row


def row_pre_commit(ctx: Context) -> Row:
    ws = ctx.ws
    project = _ready_project(ctx)
    tool = ws.tool("pre-commit")
    env = ws.env | {"PIP_FIND_LINKS": str(local_wheel(ws))}
    return Row(
        "6b",
        "pre-commit on a fresh project",
        [
            Variant(
                "pre-commit run --all-files",
                lambda: _steps(
                    "hooks", [tool, "run", "--all-files"], project, env, ok_codes=(0, 1)
                ),
            ),
            Variant(
                "pre-commit run (no files)",
                lambda: _steps("hooks", [tool, "run"], project, env, ok_codes=(0, 1)),
            ),
        ],
        reference="pre-commit run (no files)",
        note="hook environments warm (the warm-up run installs them); reference: same, no files",
    )


def _wide_table(ctx: Context) -> Path:
    """The row's user table (untimed set-up): 100 000 x 50, or 2 000 x 50 with --smoke."""
    from wide_table import write_wide_table

    path = ctx.ws.root / "tables" / "customer_table.csv"
    if not path.is_file():
        write_wide_table(path, 2_000 if ctx.smoke else 100_000)
    return path


def _dataset_row(ctx: Context, number: str, name: str, *setup: str) -> Row:
    """`new --dataset` on the wide table against `new` of the bundled demo, same options."""
    missing = _has_command(ctx, "new")
    table = _wide_table(ctx)
    env = _user_env(ctx)
    rows = sum(1 for _ in table.open(encoding="utf-8")) - 1
    options = " ".join(["--defaults", *setup])
    label = f"new {options} --dataset ({rows} rows x 50 columns)"
    demo = f"new {options} (bundled demo)"
    if (
        "--dataset"
        not in subprocess.run(
            [ctx.ws.tool("mlops-scaffold"), "new", "--help"],
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    ):
        missing = missing or "`new --dataset` does not exist yet"
    if missing:
        return Row(
            number, name, [Variant(label, None, missing), Variant(demo, None, missing)], demo
        )

    def schema_written(project: Path) -> str:
        schema = next(project.glob("src/*/schema.py"), None)
        if schema is None or '"id": "unique identifier"' not in schema.read_text():
            return "schema.py missing, or the id column not excluded"
        return ""

    return Row(
        number,
        name,
        [
            Variant(
                label,
                lambda: _render_ours(
                    ctx, env, *setup, "--dataset", str(table), "--target", "label"
                ),
                verify=schema_written,
            ),
            Variant(demo, lambda: _render_ours(ctx, env, *setup)),
        ],
        reference=demo,
        parts=not setup,
        note="the table is written once, untimed; both render the same template with defaults",
    )


def row_dataset_inference(ctx: Context) -> Row:
    return _dataset_row(ctx, "8a", "new --dataset: schema inference", "--no-setup")


def row_dataset_pipeline(ctx: Context) -> Row:
    return _dataset_row(ctx, "8b", "new --dataset: inference and first pipeline run")


BUILDERS: dict[str, Callable[[Context], Row]] = {
    "1": row_cli_start,
    "2": row_render,
    "5": row_update,
    "6a": row_check,
    "3": row_zero_to_run,
    "4": row_repro,
    "6b": row_pre_commit,
    "8a": row_dataset_inference,
    "8b": row_dataset_pipeline,
    "9": row_ui,
}
EXPENSIVE = {"3", "4", "6b", "8b", "9"}  # they install the project's environment
SKIPPED_NAMES = {
    "8b": "new --dataset: inference and first pipeline run",
    "3": "Zero to tracked run",
    "4": "dvc repro: no-op and one-parameter change",
    "6b": "pre-commit on a fresh project",
    "9": "make ui: start to the first answer of /health",
}
