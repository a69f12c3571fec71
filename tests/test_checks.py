"""The standards checks: each fails on a project that breaks it, naming file and line, and all
pass on a clean project and on a freshly rendered one."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from checks_project import (
    NOTEBOOK,
    SHA,
    TRAIN_PY,
    clean_files,
    commit_all,
    git,
    make_project,
    write,
)
from project_env import install_demo

from generator.checks.cli_entry import main, run
from generator.checks.dvc_hash import dir_md5, file_md5
from generator.checks.model import Severity
from generator.checks.registry import all_checks
from generator.checks.runner import run_checks

Mutation = Callable[[Path], None]
BOMB = "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)


def line_of(project: Path, relpath: str, needle: str) -> int:
    lines = (project / relpath).read_text().splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def replace(relpath: str, old: str, new: str) -> Mutation:
    def mutate(project: Path) -> None:
        path = project / relpath
        text = path.read_text()
        assert old in text, f"{old!r} not in {relpath}"
        path.write_text(text.replace(old, new))

    return mutate


def add(files: dict[str, str | bytes]) -> Mutation:
    return lambda project: write(project, files)


def notebook_with_outputs() -> str:
    notebook = json.loads(json.dumps(NOTEBOOK))
    notebook["cells"][1]["execution_count"] = 3
    notebook["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["1"]}]
    return json.dumps(notebook, indent=1) + "\n"


# (case id, mutation, check id, path, text on the expected line or None, extra args)
VIOLATIONS: list[tuple[str, Mutation, str, str | None, str | None, list[str]]] = [
    (
        "large-file",
        add({"assets/weights.bin": os.urandom(1100 * 1024)}),
        "large-files",
        "assets/weights.bin",
        None,
        [],
    ),
    (
        "data-committed",
        add({"data/processed/leak.csv": "a\n1\n"}),
        "data-in-git",
        "data/processed/leak.csv",
        None,
        [],
    ),
    (
        "param-missing",
        replace("dvc.yaml", "- train.lr", "- train.momentum"),
        "dvc-pipeline",
        "dvc.yaml",
        "train.momentum",
        [],
    ),
    (
        "dep-missing",
        replace("dvc.yaml", "- src/demo/train.py", "- src/demo/fit.py"),
        "dvc-pipeline",
        "dvc.yaml",
        "src/demo/fit.py",
        [],
    ),
    (
        "interpolation-missing",
        replace("dvc.yaml", "python -m demo.prepare", "python -m demo.prepare --n ${prepare.rows}"),
        "dvc-pipeline",
        "dvc.yaml",
        "${prepare.rows}",
        [],
    ),
    (
        "lock-param-changed",
        replace("params.yaml", "lr: 0.1", "lr: 0.2"),
        "dvc-lock",
        "dvc.lock",
        "train.lr: 0.1",
        [],
    ),
    (
        "lock-dep-changed",
        replace("src/demo/train.py", '"""Stage train."""', '"""Train."""'),
        "dvc-lock",
        "dvc.lock",
        "path: src/demo/train.py",
        [],
    ),
    (
        "lock-cmd-changed",
        replace("dvc.yaml", "uv run python -m demo.train", "python -m demo.train"),
        "dvc-lock",
        "dvc.lock",
        "cmd: uv run python -m demo.train",
        [],
    ),
    (
        "seed-hard-coded",
        replace("src/demo/train.py", "seed_everything(seed)", "seed_everything(42)"),
        "pipeline-seeding",
        "src/demo/train.py",
        "seed_everything(42)",
        [],
    ),
    (
        "seed-constant-variable",
        replace("src/demo/train.py", 'seed = CONFIG["seed"]', "seed = 7"),
        "pipeline-seeding",
        "src/demo/train.py",
        "seed_everything(seed)",
        [],
    ),
    (
        "seed-not-called",
        replace("src/demo/prepare.py", 'seed_everything(params["seed"])', "print(params)"),
        "pipeline-seeding",
        "src/demo/prepare.py",
        '"""Stage prepare."""',
        [],
    ),
    (
        "seed-not-from-params",
        replace(
            "src/demo/prepare.py", 'seed_everything(params["seed"])', "seed_everything(len(params))"
        ),
        "pipeline-seeding",
        "src/demo/prepare.py",
        "seed_everything(len(params))",
        [],
    ),
    (
        "mlflow-file-store",
        replace("src/demo/tracking.py", "sqlite:///mlflow.db", "./mlruns"),
        "mlflow-tracking-uri",
        "src/demo/tracking.py",
        "./mlruns",
        [],
    ),
    (
        "mlflow-env",
        add({".env": "MLFLOW_TRACKING_URI=file:./mlruns\n"}),
        "mlflow-tracking-uri",
        ".env",
        "MLFLOW_TRACKING_URI",
        [],
    ),
    (
        "mlflow-workflow-env",
        replace(
            ".github/workflows/ci.yml",
            "permissions:",
            "env:\n  MLFLOW_TRACKING_URI: mlruns\npermissions:",
        ),
        "mlflow-tracking-uri",
        ".github/workflows/ci.yml",
        "MLFLOW_TRACKING_URI",
        [],
    ),
    (
        "notebook-outputs",
        add({"notebooks/explore.ipynb": notebook_with_outputs()}),
        "notebook-outputs",
        "notebooks/explore.ipynb",
        '"cell_type": "code"',
        [],
    ),
    (
        "template-behind",
        replace(".copier-answers.yml", "_commit: v0.1.0", "_commit: v0.0.9"),
        "template-version",
        ".copier-answers.yml",
        "_commit",
        ["--strict"],
    ),
    (
        "template-behind-describe",
        replace(".copier-answers.yml", "_commit: v0.1.0", "_commit: v0.0.9-4-g1a2b3c4"),
        "template-version",
        ".copier-answers.yml",
        "_commit",
        ["--strict"],
    ),
    (
        "action-unpinned",
        replace(".github/workflows/ci.yml", f"actions/checkout@{SHA}", "actions/checkout@v4"),
        "workflow-security",
        ".github/workflows/ci.yml",
        "actions/checkout@v4",
        [],
    ),
    (
        "reusable-unpinned",
        add(
            {
                ".github/workflows/release.yml": "on: push\npermissions: {}\njobs:\n  call:\n"
                "    uses: org/repo/.github/workflows/x.yml@main\n"
            }
        ),
        "workflow-security",
        ".github/workflows/release.yml",
        "uses: org/repo",
        [],
    ),
    (
        "no-permissions",
        replace(".github/workflows/ci.yml", "permissions:\n  contents: read\n", ""),
        "workflow-security",
        ".github/workflows/ci.yml",
        "  test:",
        [],
    ),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "demo")


def test_clean_project_passes_every_check(project: Path) -> None:
    report = run_checks(project, strict=True)
    assert [f.to_dict() for f in report.findings] == []
    assert [r.check.id for r in report.results] == list(all_checks())
    assert report.exit_code == 0


@pytest.mark.parametrize(
    ("mutate", "check_id", "path", "needle", "args"),
    [pytest.param(*case[1:], id=case[0]) for case in VIOLATIONS],
)
def test_each_check_fails_on_its_violation(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    mutate: Mutation,
    check_id: str,
    path: str | None,
    needle: str | None,
    args: list[str],
) -> None:
    mutate(project)
    commit_all(project)
    line = line_of(project, path, needle) if needle else None
    report = run_checks(project, select=[check_id], strict="--strict" in args)
    located = [(f.check, f.severity, f.path, f.line) for f in report.findings]
    assert (check_id, Severity.ERROR, path, line) in located, located

    assert main([str(project), "--select", check_id, "--format", "text", *args]) == 1
    out = capsys.readouterr().out
    expected = f"{path}:{line}: error [{check_id}]" if line else f"{path}: error [{check_id}]"
    assert expected in out, out


def test_findings_of_other_checks_are_not_triggered_by_one_violation(project: Path) -> None:
    """Each violation is attributed to its own check (the table stays readable)."""
    replace("src/demo/tracking.py", "sqlite:///mlflow.db", "./mlruns")(project)
    commit_all(project)
    report = run_checks(project)
    assert {f.check for f in report.findings} == {"mlflow-tracking-uri"}


def test_lfs_pointers_and_dvc_outputs_are_not_large_files(project: Path) -> None:
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{'a' * 64}\nsize 734003200\n"
    write(
        project,
        {
            "assets/model.onnx": pointer,
            "models-tracked/big.bin": os.urandom(600 * 1024),
            "models-tracked.dvc": "outs:\n- path: models-tracked\n",
        },
    )
    commit_all(project)
    report = run_checks(project, select=["large-files"])
    assert report.findings == []


def test_max_file_size_is_configurable(project: Path) -> None:
    write(project, {"assets/weights.bin": os.urandom(600 * 1024)})
    commit_all(project)
    assert run_checks(project, select=["large-files"]).exit_code == 0  # default limit: 1 MB
    with (project / "pyproject.toml").open("a") as stream:
        stream.write("\n[tool.mlops-scaffold]\nmax-file-size-kb = 500\n")
    assert run_checks(project, select=["large-files"]).exit_code == 1


def test_lock_files_are_never_large_files(project: Path) -> None:
    write(project, {"uv.lock": "# lock\n" * 300_000})
    commit_all(project)
    assert run_checks(project, select=["large-files"]).findings == []


def test_config_select_ignore_and_strict(project: Path) -> None:
    write(project, {"data/processed/leak.csv": "x\n"})
    replace(".copier-answers.yml", "_commit: v0.1.0", "_commit: v0.0.1")(project)
    commit_all(project)
    report = run_checks(project)
    assert report.exit_code == 1
    assert {(f.check, f.severity) for f in report.findings} == {
        ("data-in-git", Severity.ERROR),
        ("template-version", Severity.WARNING),
    }
    with (project / "pyproject.toml").open("a") as stream:
        stream.write('\n[tool.mlops-scaffold]\nignore = ["data-in-git"]\n')
    assert run_checks(project).exit_code == 0
    assert run_checks(project, strict=True).exit_code == 1
    assert [
        r.check.id for r in run_checks(project, select=["data-in-git", "dvc-lock"]).results
    ] == ["dvc-lock"]


def test_template_warnings_do_not_fail_without_strict(project: Path) -> None:
    (project / ".copier-answers.yml").unlink()
    report = run_checks(project, select=["template-version"])
    assert report.exit_code == 0
    [finding] = report.findings
    assert finding.severity is Severity.WARNING and "not linked" in finding.message


def test_template_version_ahead_of_tag_is_not_behind(project: Path) -> None:
    replace(".copier-answers.yml", "_commit: v0.1.0", "_commit: v0.1.0-3-gabc1234")(project)
    assert run_checks(project, select=["template-version"], strict=True).findings == []


@pytest.mark.parametrize(
    ("relpath", "content", "check_id", "line"),
    [
        ("dvc.yaml", "stages:\n  train:\n    cmd: [unclosed\n", "dvc-pipeline", 4),
        (".github/workflows/ci.yml", "jobs: {\n", "workflow-security", 2),
        (".copier-answers.yml", "_commit: [\n", "template-version", 2),
        ("notebooks/explore.ipynb", '{\n  "cells": [\n', "notebook-outputs", 3),
        ("params.yaml", b"seed: \xff\xfe\n", "dvc-pipeline", None),
        ("src/demo/train.py", "def broken(:\n", "pipeline-seeding", 1),
        (
            "notebooks/explore.ipynb",
            '{"cells": [{"cell_type": "code", "outputs": 5, "source": ""}]}',
            "notebook-outputs",
            None,
        ),
        ("params.yaml", "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + BOMB, "dvc-pipeline", None),
        ("params.yaml", "seed: 1\n" + "#" * (5 * 1024 * 1024) + "\n", "dvc-pipeline", None),
        ("data/raw.csv.dvc", "outs: 5\n", "dvc-pipeline", 1),
        ("data/raw.csv.dvc", "outs:\n- path: ../../../etc/passwd\n", "dvc-pipeline", 2),
        ("data/raw.csv.dvc", "outs:\n- path: raw.csv\n  md5: zz\n", "dvc-pipeline", 2),
        ("data/raw.csv.dvc", b"\xff\xfe\x00o\x00", "dvc-pipeline", None),
    ],
    ids=[
        "dvc-yaml",
        "workflow",
        "answers",
        "notebook",
        "params-not-utf8",
        "python-syntax",
        "notebook-outputs-not-a-list",
        "params-alias-bomb",
        "params-over-4mb",
        "dvc-file-outs-not-a-list",
        "dvc-file-path-outside",
        "dvc-file-bad-md5",
        "dvc-file-utf16",
    ],
)
def test_malformed_input_fails_the_check_with_a_message(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    relpath: str,
    content: str | bytes,
    check_id: str,
    line: int | None,
) -> None:
    write(project, {relpath: content})
    if relpath.endswith(".dvc"):
        commit_all(project)
    assert main([str(project), "--select", check_id, "--format", "text"]) == 1
    captured = capsys.readouterr()
    location = f"{relpath}:{line}" if line else relpath
    assert f"{location}: error [{check_id}]" in captured.out, captured.out
    assert "Traceback" not in captured.out + captured.err


def test_params_symlinked_to_a_device_is_a_finding(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "params.yaml").unlink()
    (project / "params.yaml").symlink_to("/dev/zero")
    assert main([str(project), "--select", "dvc-pipeline", "--format", "text"]) == 1
    out = capsys.readouterr().out
    assert "params.yaml: error [dvc-pipeline] not a regular file" in out, out


def test_pyproject_whose_tool_is_not_a_table_keeps_the_defaults(project: Path) -> None:
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text('tool = "x"\n' + text.replace("[tool.", "[tools."))
    report = run_checks(project)
    assert report.results  # ran every check with the default configuration


def test_missing_dvc_yaml_fails_only_the_pipeline_check(project: Path) -> None:
    (project / "dvc.yaml").unlink()
    report = run_checks(project)
    assert {(f.check, f.path) for f in report.findings} == {("dvc-pipeline", "dvc.yaml")}


def test_not_a_git_repository_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, {k: v for k, v in clean_files().items()})
    report = run_checks(tmp_path, select=["large-files", "data-in-git", "notebook-outputs"])
    assert report.exit_code == 0
    assert {f.severity for f in report.findings} == {Severity.WARNING}


@pytest.mark.parametrize(
    "args",
    [["--select", "no-such-check"], ["--ignore", "nope"], ["--format", "xml"]],
)
def test_usage_errors_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    if args[0] == "--format":
        assert run(project, [], [], "xml", False) == 2
    else:
        assert main([str(project), *args]) == 2
    assert "error:" in capsys.readouterr().err


def test_path_not_a_directory_and_bad_config_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(project / "README.md", [], [], "table", False) == 2
    assert "not a directory" in capsys.readouterr().err
    with (project / "pyproject.toml").open("a") as stream:
        stream.write('\n[tool.mlops-scaffold]\nselec = ["large-files"]\n')
    assert run(project, [], [], "table", False) == 2
    assert "unknown key" in capsys.readouterr().err


def test_table_output_lists_check_status_location_and_fix(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace("src/demo/tracking.py", "sqlite:///mlflow.db", "./mlruns")(project)
    assert run(project, ["mlflow-tracking-uri", "notebook-outputs"], [], "table", False) == 1
    out = capsys.readouterr().out
    for text in (
        "mlflow-tracking-uri",
        "error",
        "src/demo/tracking.py:5",
        "sqlite:///mlflow.db",
        "notebook-outputs",
        "pass",
        "failed",
    ):
        assert text in out, out


def test_dir_hash_matches_dvc(tmp_path: Path) -> None:
    """The tree DVC 3.67 hashed to 17b360d9...dir (`dvc repro`, recorded in its dvc.lock)."""
    write(
        tmp_path,
        {
            "d/x.txt": b"a\r\nb\n",
            "d/sub/y.txt": "hi\n",
            "d/a-c.txt": "z\n",
            "d/.gitignore": "q\n",
            "d/bin": b"\x00\x01",
            "f.txt": "p\n",
        },
    )
    assert dir_md5(tmp_path / "d") == ("17b360d9c06f6a57287c232e7b14e38f.dir", 5, 14)
    assert file_md5(tmp_path / "f.txt") == "9d7bf075372908f55e2d945c39e0a613"
    # DVC 2 lock entries hashed text after CRLF -> LF
    assert file_md5(tmp_path / "d/x.txt", dos2unix=True) == hashlib.md5(b"a\nb\n").hexdigest()
    assert file_md5(tmp_path / "d/bin", dos2unix=True) == hashlib.md5(b"\x00\x01").hexdigest()


def test_dvc_lock_directory_dep(project: Path) -> None:
    write(project, {"data/ref/a.csv": "1\n", "data/ref/b/c.csv": "2\n"})
    digest, nfiles, size = dir_md5(project / "data/ref")
    replace(
        "dvc.yaml", "      - data/raw/input.csv\n", "      - data/raw/input.csv\n      - data/ref\n"
    )(project)
    replace(
        "dvc.lock",
        "    params:\n      params.yaml:\n        seed: 42\n    outs:\n    - path: data/processed",
        f"    - path: data/ref\n      hash: md5\n      md5: {digest}\n      size: {size}\n"
        f"      nfiles: {nfiles}\n    params:\n      params.yaml:\n        seed: 42\n"
        "    outs:\n    - path: data/processed",
    )(project)
    assert run_checks(project, select=["dvc-lock"]).findings == []
    write(project, {"data/ref/b/c.csv": "3\n"})
    [finding] = run_checks(project, select=["dvc-lock"]).findings
    assert "data/ref changed" in finding.message


def test_seed_utility_called_through_module_alias_passes(project: Path) -> None:
    write(
        project,
        {
            "src/demo/train.py": TRAIN_PY.replace(
                "from .seed import seed_everything", "from demo import seed as seeding"
            ).replace("seed_everything(seed)", "seeding.seed_everything(seed=CONFIG['seed'])")
        },
    )
    assert run_checks(project, select=["pipeline-seeding"]).findings == []


def test_python_script_entry_points_are_checked(project: Path) -> None:
    write(project, {"scripts/report.py": "print('no seed')\n"})
    replace("dvc.yaml", "python -m demo.prepare", "python scripts/report.py")(project)
    [finding] = run_checks(project, select=["pipeline-seeding"]).findings
    assert finding.path == "scripts/report.py"


RUNNER_PY = '''"""Runs `python -m demo.STAGE` in a warm process."""

STAGE_RUNNER = True
'''


def test_a_stage_runner_is_checked_through_to_the_stage_it_runs(project: Path) -> None:
    write(project, {"src/demo/warm.py": RUNNER_PY})
    replace("dvc.yaml", "python -m demo.prepare", "python -m demo.warm prepare")(project)
    assert run_checks(project, select=["pipeline-seeding"]).findings == []
    # The stage it runs is checked: an unseeded prepare fails as it would when run directly.
    write(project, {"src/demo/prepare.py": "print('no seed')\n"})
    [finding] = run_checks(project, select=["pipeline-seeding"]).findings
    assert finding.path == "src/demo/prepare.py"
    # A module without the marker is an entry point of its own: warm.py has no seeding.
    write(project, {"src/demo/warm.py": RUNNER_PY.replace("True", "False")})
    [finding] = run_checks(project, select=["pipeline-seeding"]).findings
    assert finding.path == "src/demo/warm.py"


def test_json_output_validates_against_the_schema(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema_file = Path(__file__).parents[1] / "generator/checks/report.schema.json"
    schema = json.loads(schema_file.read_text())
    write(project, {"data/processed/leak.csv": "x\n"})
    commit_all(project)
    (project / ".copier-answers.yml").unlink()
    assert main([str(project), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    validate(report, schema)
    assert report["summary"]["errors"] >= 1 and report["exit_code"] == 1
    assert {f["check"] for f in report["findings"]} >= {"data-in-git", "template-version"}


def validate(instance: object, schema: dict[str, object]) -> None:
    """jsonschema when installed; otherwise the subset of JSON Schema the report schema uses."""
    try:
        import jsonschema
    except ImportError:
        _validate(instance, schema, "$")
    else:
        jsonschema.validate(instance, schema)


def _validate(value: object, schema: dict, where: str) -> None:  # type: ignore[type-arg]
    import re

    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    python = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "null": type(None),
        "integer": int,
    }
    if types:
        assert any(
            isinstance(value, python[t]) and not (t == "integer" and isinstance(value, bool))
            for t in types
        ), f"{where}: {value!r} is not {types}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if isinstance(value, str):
        assert len(value) >= schema.get("minLength", 0), where
        assert "pattern" not in schema or re.search(schema["pattern"], value), where
    if isinstance(value, int) and "minimum" in schema:
        assert value >= schema["minimum"], where
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: missing {key}"
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            assert set(value) <= set(properties), f"{where}: extra {set(value) - set(properties)}"
        for key, item in value.items():
            if key in properties:
                _validate(item, properties[key], f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _validate(item, schema["items"], f"{where}[{index}]")


def test_structural_validator_rejects_a_bad_report() -> None:
    schema = json.loads(
        (Path(__file__).parents[1] / "generator/checks/report.schema.json").read_text()
    )
    with pytest.raises(AssertionError):
        _validate({"schema_version": 1}, schema, "$")


def test_freshly_rendered_project_passes(render: Callable[..., Path]) -> None:
    project = render(project_name="Demo Checks")
    install_demo(project)  # the table and schema.py that `new` adds to a plain render
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "rendered")
    report = run_checks(project)
    errors = [f.to_dict() for f in report.findings if f.severity is Severity.ERROR]
    assert errors == []


def test_check_is_fast_and_imports_nothing_heavy(project: Path) -> None:
    code = (
        "import sys, runpy; sys.argv=['x', sys.argv[1], '--format', 'json']\n"
        "try:\n    runpy.run_module('generator.checks', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = {'copier', 'dvc', 'mlflow', 'cookiecutter', 'typer', 'rich', 'jinja2'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(project)], capture_output=True, text=True, check=True
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_dvc_lock_resolves_interpolated_deps_from_params(project: Path) -> None:
    """`${key}` deps are compared as DVC resolves them, from params.yaml."""
    replace("dvc.yaml", "      - data/raw/input.csv\n", "      - ${prepare.input}\n")(project)
    replace("params.yaml", "seed: 42\n", "seed: 42\nprepare:\n  input: data/raw/input.csv\n")(
        project
    )
    assert run_checks(project, select=["dvc-lock"]).findings == []

    write(project, {"data/raw/other.csv": "x\n"})
    replace("params.yaml", "input: data/raw/input.csv", "input: data/raw/other.csv")(project)
    messages = sorted(f.message for f in run_checks(project, select=["dvc-lock"]).findings)
    assert messages == [
        "stage `prepare`: dep data/raw/other.csv is not recorded in dvc.lock",
        "stage `prepare`: dvc.lock records dep data/raw/input.csv, no longer in dvc.yaml",
    ]
