"""`new --dataset`: the user's table is profiled, its task inferred, its schema written.

Fast: profiles and schemas of real tables (the three bundled demos and one the test makes, in
CSV and Parquet), and the real CLI with `--no-setup` for every bad input (one line, exit 1,
nothing written) and for what reaches the project (the table, schema.py, the answers).
"""

from __future__ import annotations

import csv
import datetime
import importlib.util
import io
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pandera.errors
import pexpect
import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.dataset import DEMOS, demo_path, infer_task, profile_table
from generator.schema_source import schema_source
from tests.cli_helpers import assert_one_line_error, run_cli

RUFF = Path(sys.executable).parent / "ruff"
PROJECT_RULES = "E,F,W,I,B,UP,SIM,RUF"  # the generated project's ruff selection


def customers(rows: int = 60) -> list[dict[str, object]]:
    """A table as a user brings it: numbers, categories, gaps, an id, two dates, free text."""
    start = datetime.date(2023, 1, 1)
    table = []
    for i in range(rows):
        day = start + datetime.timedelta(days=3 * i)
        table.append(
            {
                "customer_id": f"C{i:04d}",
                "signup": day.isoformat(),
                "last_seen": (day + datetime.timedelta(days=40)).strftime("%d/%m/%Y"),
                "age": "" if i % 9 == 4 else 20 + (i * 7) % 45,
                "income": "" if i % 11 == 3 else round(1800.5 + (i * 137.25) % 4000, 2),
                "plan": "" if i % 13 == 5 else ("basic", "plus", "pro")[i % 3],
                "comment": "" if i % 7 == 0 else f"called on day {i} about the invoice {i * 31}",
                "segment": ("retail", "smb", "enterprise", "public")[i % 4],
                "churned": "yes" if i % 2 else "no",
            }
        )
    return table


def write_csv(path: Path, table: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    return path


def write_parquet(path: Path, table: list[dict[str, object]]) -> Path:
    """The same table as Parquet, the way pandas writes it (categories as dictionaries)."""
    frame = pd.read_csv(write_csv(path.with_suffix(".csv"), table))
    frame["segment"] = frame["segment"].astype("category")
    frame.to_parquet(path, index=False)
    path.with_suffix(".csv").unlink()
    return path


def load_schema(source: str, where: Path) -> ModuleType:
    path = where / "schema.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"schema_{abs(hash(where))}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_frame(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


# --- inference ---------------------------------------------------------------------------


@pytest.mark.parametrize("task", list(DEMOS))
def test_each_demo_infers_its_own_task(task: str) -> None:
    file_name, target = DEMOS[task]
    found = profile_table(demo_path(task), target)
    assert found.task == task
    assert found.file_name == file_name
    assert found.numeric, found


def test_the_regression_demo_has_categories_gaps_and_excludes_its_id_and_date() -> None:
    found = profile_table(demo_path("regression"), "price")
    assert found.excluded == {"id": "unique identifier", "listed_on": "date"}
    assert set(found.categorical) == {"district", "heating", "garden"}
    assert found.column("area").nulls > 0 and found.column("heating").nulls > 0


def test_house_prices_script_writes_the_committed_table() -> None:
    script = demo_path("regression").with_name("make_house_prices.py")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, check=True)
    assert done.stdout == demo_path("regression").read_bytes()


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_users_table_is_profiled_column_by_column(tmp_path: Path, kind: str) -> None:
    writer = write_csv if kind == "csv" else write_parquet
    path = writer(tmp_path / f"customers.{kind}", customers())
    found = profile_table(path, "churned")
    assert found.task == "binary"
    assert found.excluded == {
        "customer_id": "unique identifier",
        "signup": "date",
        "last_seen": "date",
        "comment": "free text",
    }
    assert found.numeric == ["age", "income"]
    assert found.categorical == ["plan", "segment"]
    assert found.column("age").nulls == 7 and found.column("plan").nulls == 5
    assert found.column("segment").values == ("enterprise", "public", "retail", "smb")


@pytest.mark.parametrize(
    ("target", "task"),
    [("segment", "multiclass"), ("income", "regression"), ("age", "regression")],
)
def test_the_task_follows_the_targets_type_and_distinct_values(
    tmp_path: Path, target: str, task: str
) -> None:
    table = [row for row in customers(200) if row[target] != ""]
    found = profile_table(write_csv(tmp_path / "t.csv", table), target)
    assert found.task == task


def test_few_whole_numbers_are_classes_many_are_a_quantity(tmp_path: Path) -> None:
    rows = [{"x": i % 7, "five": i % 5, "many": i % 40, "half": (i % 2) / 1.0} for i in range(400)]
    path = write_csv(tmp_path / "numbers.csv", rows)
    assert profile_table(path, "five").task == "multiclass"
    assert profile_table(path, "many").task == "regression"
    assert profile_table(path, "half").task == "binary"
    assert infer_task(profile_table(path, "five").column("x")) == "multiclass"


# --- schema.py ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        *[(demo_path(task), DEMOS[task][1]) for task in DEMOS],
        ("customers.csv", "churned"),
        ("customers.parquet", "churned"),
    ],
    ids=[*DEMOS, "customers-csv", "customers-parquet"],
)
def test_schema_is_clean_python_that_validates_its_own_table(
    tmp_path: Path, source: Path | str, target: str
) -> None:
    if isinstance(source, str):
        writer = write_csv if source.endswith(".csv") else write_parquet
        source = writer(tmp_path / source, customers())
    found = profile_table(Path(source), target)
    text = schema_source(found)
    compile(text, "schema.py", "exec")
    for command in (
        ["format", "--isolated", "--line-length", "100", "--check", "-"],
        ["check", "--isolated", "--line-length", "100", "--select", PROJECT_RULES, "-"],
    ):
        done = subprocess.run(
            [str(RUFF), *command, "--stdin-filename", "schema.py"],
            input=text,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr, text)
    schema = load_schema(text, tmp_path)
    assert target == schema.TARGET
    assert found.numeric == schema.NUMERIC and found.categorical == schema.CATEGORICAL
    assert found.excluded == schema.EXCLUDED
    schema.SCHEMA.validate(read_frame(Path(source)), lazy=True)


def test_schema_rejects_bad_rows_naming_every_column_at_once(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "customers.csv", customers())
    schema = load_schema(schema_source(profile_table(source, "churned")), tmp_path)
    frame = read_frame(source)
    frame.loc[0, "income"] = -5_000_000.0
    frame.loc[1, "plan"] = "platinum"
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schema.SCHEMA.validate(frame, lazy=True)
    assert {"income", "plan"} <= set(caught.value.failure_cases["column"])


def test_schema_ranges_are_widened_and_nullability_follows_the_data(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "customers.csv", customers())
    schema = load_schema(schema_source(profile_table(source, "churned")), tmp_path)
    columns = schema.SCHEMA.columns
    assert columns["age"].nullable and not columns["segment"].nullable
    assert "customer_id" not in columns and "comment" not in columns
    in_range = next(c for c in columns["age"].checks if "in_range" in str(c))
    low, high = in_range.statistics["min_value"], in_range.statistics["max_value"]
    assert low < 20 and high > 64  # observed 20..64, widened


def test_odd_names_and_long_values_stay_valid_and_formatted(tmp_path: Path) -> None:
    long = "a category whose label is much longer than one line of code " * 2
    wide = "a column name with spaces that is longer than a whole line of the schema file " * 2
    rows = [
        {
            'name "quoted"': i * 1.5,
            "it's": ("x", "y", "z", long)[i % 4],
            "ünïcode": ("é", "ß", "сорт")[i % 3],  # the last is Cyrillic (ambiguous Unicode)
            wide: i % 3,
            "y": i % 2,
        }
        for i in range(60)
    ]
    found = profile_table(write_csv(tmp_path / "odd.csv", rows), "y")
    text = schema_source(found)
    for command in (["format", "--check"], ["check", "--select", PROJECT_RULES]):
        done = subprocess.run(
            [str(RUFF), *command, "--isolated", "--line-length", "100", "-"],
            input=text,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (done.stdout, done.stderr, text)
    schema = load_schema(text, tmp_path)
    assert ['name "quoted"', wide] == schema.NUMERIC
    assert schema.CATEGORICAL == ["it's", "ünïcode"]
    schema.SCHEMA.validate(pd.read_csv(tmp_path / "odd.csv"), lazy=True)


# --- the command line: bad input ---------------------------------------------------------


def _table(tmp_path: Path, name: str, rows: list[dict[str, object]]) -> Path:
    return write_csv(tmp_path / name, rows)


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    """case -> (arguments after DEST, a phrase the one-line error must contain)."""
    good = write_csv(tmp_path / "customers.csv", customers())
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"this is not parquet at all\n" * 10)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(1 << 42)  # 4 TB, sparse: larger than any memory here
    sheet = tmp_path / "table.xlsx"
    sheet.write_bytes(b"PK")
    one_value = _table(tmp_path, "one.csv", [{"x": i, "y": 1} for i in range(40)])
    few = _table(tmp_path, "few.csv", [{"x": i, "y": i % 2} for i in range(12)])
    scarce = _table(
        tmp_path, "scarce.csv", [{"x": i % 7 + 0.5, "y": int(i < 3)} for i in range(60)]
    )
    no_feature = _table(
        tmp_path,
        "nofeature.csv",
        [{"id": i, "day": f"2024-01-{i % 28 + 1:02d}", "y": i % 2} for i in range(40)],
    )
    names = _table(tmp_path, "names.csv", [{"x": i % 5, "y": f"n{i}"} for i in range(300)])
    target = ["--target", "churned"]
    return {
        "missing file": (["--dataset", str(tmp_path / "absent.csv"), *target], "not found"),
        "a folder": (["--dataset", str(folder), *target], "not a file"),
        "not parquet": (["--dataset", str(corrupt), *target], "cannot read"),
        "unsupported": (["--dataset", str(sheet), *target], "unsupported extension"),
        "too large": (["--dataset", str(huge), *target], "at most"),
        "unknown target": (["--dataset", str(good), "--target", "chruned"], "customer_id"),
        "one value": (["--dataset", str(one_value), "--target", "y"], "one value"),
        "few rows": (["--dataset", str(few), "--target", "y"], "at least 20"),
        "few per class": (["--dataset", str(scarce), "--target", "y"], "at least 10 per class"),
        "no feature": (["--dataset", str(no_feature), "--target", "y"], "no usable feature"),
        "too many classes": (["--dataset", str(names), "--target", "y"], "at most 100"),
        "binary vs 4": (
            ["--dataset", str(good), "--target", "segment", "-d", "task=binary"],
            "use task=multiclass",
        ),
        "regression vs text": (
            ["--dataset", str(good), *target, "-d", "task=regression"],
            "numeric target",
        ),
        "demo, wrong target": (["-d", "target=nope"], "binary demo: pass --dataset"),
    }


CASES = [
    "missing file",
    "a folder",
    "not parquet",
    "unsupported",
    "too large",
    "unknown target",
    "one value",
    "few rows",
    "few per class",
    "no feature",
    "too many classes",
    "binary vs 4",
    "regression vs text",
    "demo, wrong target",
]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_exit_1_and_nothing_written(
    template_repo: Path, tmp_path: Path, case: str
) -> None:
    args, phrase = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli("new", str(out / "project"), "--defaults", "--no-setup", *args)
    assert_one_line_error(done, code=1)
    assert phrase in " ".join(done.stderr.split()), done.stderr
    assert list(out.iterdir()) == []  # no project, no staging folder


def test_a_dataset_without_a_target_on_no_terminal_says_so(
    template_repo: Path, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "customers.csv", customers())
    done = run_cli("new", str(tmp_path / "p"), "--defaults", "--no-setup", "--dataset", str(source))
    assert_one_line_error(done, code=2)
    assert "--target" in done.stderr
    assert not (tmp_path / "p").exists()


# --- the command line: what reaches the project ------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_new_copies_the_table_writes_its_schema_and_records_no_path(
    template_repo: Path, tmp_path: Path, kind: str
) -> None:
    private = tmp_path / "private-source-folder"
    private.mkdir()
    writer = write_csv if kind == "csv" else write_parquet
    source = writer(private / f"Customer Export.{kind}", customers())
    project = tmp_path / "churn"
    done = run_cli(
        "new", str(project), "--yes", "--no-setup", "--dataset", str(source), "--target", "churned"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    stored = f"Customer_Export.{kind}"
    assert (project / "data" / "raw" / stored).read_bytes() == source.read_bytes()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["task"], answers["target"], answers["dataset_file"]) == (
        "binary",
        "churned",
        stored,
    )
    for path in project.rglob("*"):
        if path.is_file() and path.suffix != f".{kind}":
            text = path.read_text(encoding="utf-8", errors="replace")
            assert str(private) not in text and "Customer Export" not in text, path
    schema = load_schema((project / "src" / "churn" / "schema.py").read_text(), tmp_path)
    assert schema.EXCLUDED["customer_id"] == "unique identifier"
    assert schema.EXCLUDED["signup"] == "date"


def test_task_override_that_fits_the_target_is_taken(template_repo: Path, tmp_path: Path) -> None:
    # rooms: whole numbers 1..8, inferred multiclass; a regression on it is a fair choice.
    project = tmp_path / "rooms"
    done = run_cli(
        "new",
        str(project),
        "--defaults",
        "--no-setup",
        "--dataset",
        str(demo_path("regression")),
        "--target",
        "rooms",
        "-d",
        "task=regression",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "target rooms -> regression" in " ".join(done.stdout.split())
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["task"] == "regression" and answers["target"] == "rooms"


@pytest.mark.parametrize("task", list(DEMOS))
def test_without_a_dataset_each_task_gets_its_demo(
    template_repo: Path, tmp_path: Path, task: str
) -> None:
    project = tmp_path / "demo"
    done = run_cli("new", str(project), "--defaults", "--no-setup", "-d", f"task={task}")
    assert done.returncode == 0, done.stdout + done.stderr
    file_name, target = DEMOS[task]
    assert (project / "data" / "raw" / file_name).read_bytes() == demo_path(task).read_bytes()
    schema = load_schema((project / "src" / "demo" / "schema.py").read_text(), tmp_path)
    assert target == schema.TARGET
    schema.SCHEMA.validate(pd.read_csv(project / "data" / "raw" / file_name), lazy=True)


def test_dry_run_with_a_dataset_lists_its_files_and_writes_nothing(
    template_repo: Path, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "customers.csv", customers())
    project = tmp_path / "dry"
    done = run_cli(
        "new",
        str(project),
        "--defaults",
        "--dry-run",
        "--dataset",
        str(source),
        "--target",
        "churned",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "customers.csv" in done.stdout and "schema.py" in done.stdout
    assert not project.exists()


def test_parquet_dictionary_columns_are_categories(tmp_path: Path) -> None:
    table = pa.table(
        {
            "colour": pa.array(["red", "blue", "red", None] * 10).dictionary_encode(),
            "size": pa.array([1.0, 2.5, None, 4.0] * 10),
            "label": pa.array([0, 1] * 20),
        }
    )
    pyarrow.parquet.write_table(table, tmp_path / "d.parquet")
    found = profile_table(tmp_path / "d.parquet", "label")
    assert found.categorical == ["colour"] and found.numeric == ["size"]
    assert pyarrow.csv  # the CSV reader is pyarrow's too


# --- the wizard on a terminal ------------------------------------------------------------


def test_wizard_asks_for_the_table_and_target_and_confirms_the_inferred_task(
    template_repo: Path, tmp_path: Path
) -> None:
    from tests.test_wizard_terminal import drive, spawn

    source = tmp_path / "houses.csv"
    source.write_bytes(demo_path("regression").read_bytes())
    child = spawn(["new", "homes", "--no-setup"], tmp_path)
    child.logfile_read = transcript = io.StringIO()
    shown = drive(
        child,
        {"dataset": [str(tmp_path / "missing.csv"), str(source)], "target": ["prize", "price"]},
    )
    child.sendline("y")
    child.expect("rendered")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    seen = {name: " ".join(text.split()) for name, text in shown.items()}
    assert "[asked again]" in seen["dataset"] and "not found" in seen["dataset"]
    assert "[asked again]" in seen["target"] and "listed_on" in seen["target"]
    assert "target price -> regression" in " ".join(transcript.getvalue().split())
    assert "Regression (regression) (default)" in seen["task"]
    assert "dataset_file" not in shown  # the table's own name; never asked
    answers = yaml.safe_load((tmp_path / "homes" / ".copier-answers.yml").read_text())
    assert (answers["task"], answers["target"], answers["dataset_file"]) == (
        "regression",
        "price",
        "houses.csv",
    )


def test_wizard_task_that_contradicts_the_target_stops_before_writing(
    template_repo: Path, tmp_path: Path
) -> None:
    from tests.test_wizard_terminal import drive, spawn

    child = spawn(["new", "homes", "--no-setup"], tmp_path)
    drive_until_task = {
        "dataset": [str(demo_path("regression"))],
        "target": ["price"],
        "task": ["binary"],
    }
    with pytest.raises(pexpect.EOF):
        drive(child, drive_until_task)
    child.close()
    assert child.exitstatus == 1
    assert "task=binary needs a target with 2 values" in " ".join(child.before.split())
    assert not (tmp_path / "homes").exists()


def test_the_wheel_ships_the_demo_tables(tmp_path: Path) -> None:
    import zipfile

    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        ["uv", "build", "--wheel", "--quiet", "--out-dir", str(tmp_path), str(root)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for file_name, _ in DEMOS.values():
        assert f"generator/demo_data/{file_name}" in names
    assert "generator/demo_data/make_house_prices.py" in names


def test_true_false_text_in_a_csv_is_a_category_as_written(tmp_path: Path) -> None:
    rows = [{"flag": ("true", "False")[i % 2], "x": i * 0.5, "y": i % 2} for i in range(40)]
    source = write_csv(tmp_path / "flags.csv", rows)
    found = profile_table(source, "y")
    assert found.categorical == ["flag"]
    assert found.column("flag").values == ("False", "true")
    schema = load_schema(schema_source(found), tmp_path)
    schema.SCHEMA.validate(pd.read_csv(source, dtype={"flag": str}), lazy=True)


# --- the setup step -----------------------------------------------------------------------


def test_dvc_add_step_skips_what_it_cannot_or_need_not_do(tmp_path: Path) -> None:
    from generator.setup_steps import StepFailed, StepSkipped, dvc_add_raw_table

    answers = {"data_versioning": "dvc", "dataset_file": "t.csv", "env_manager": "uv"}
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "t.csv").write_text("a,b\n1,2\n")

    def skipped(given: dict[str, str]) -> str:
        with pytest.raises(StepSkipped) as caught:
            dvc_add_raw_table(tmp_path, given)
        return caught.value.detail

    assert skipped({**answers, "data_versioning": "none"}) == "DVC not chosen"
    assert skipped({**answers, "dataset_file": ""}) == "no raw table in the answers"
    assert skipped(answers) == "DVC is not initialised"
    (tmp_path / ".dvc").mkdir()
    (raw / "t.csv.dvc").write_text("outs: []\n")
    assert skipped(answers) == "already tracked"  # `mlops-scaffold setup` again
    (raw / "t.csv").unlink()
    (raw / "t.csv.dvc").unlink()
    with pytest.raises(StepFailed) as failed:
        dvc_add_raw_table(tmp_path, answers)
    assert "data/raw/t.csv is missing" in failed.value.detail
    assert "dvc add data/raw/t.csv" in failed.value.fix


# --- update --------------------------------------------------------------------------------


def test_update_never_touches_the_schema_of_a_dataset_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import make_template_repo
    from tests.template_versions import RENDERED, cli, commit_all, release

    template = make_template_repo(tmp_path / "template", "v0.1.0")
    monkeypatch.setenv("MLOPS_SCAFFOLD_TEMPLATE", str(template))
    source = write_csv(tmp_path / "customers.csv", customers())
    project = tmp_path / "churn"
    made = cli(
        "new",
        str(project),
        "--defaults",
        "--no-setup",
        "--dataset",
        str(source),
        "--target",
        "churned",
    )
    assert made.exit_code == 0, made.output
    schema = project / "src" / "churn" / "schema.py"
    schema.write_text(schema.read_text() + "# my own check goes here\n")
    commit_all(project, "first commit", init=True)
    edited = schema.read_bytes()

    def edit(t: Path) -> None:
        # The worst case: a newer template that ships a schema.py of its own.
        package = t / RENDERED / "src" / "{{ package_name }}"
        (package / "schema.py").write_text('TARGET = "target"\n')
        readme = t / RENDERED / "README.md.jinja"
        readme.write_text(readme.read_text() + "\nTemplate v0.2.0.\n")

    release(template, "v0.2.0", edit)
    updated = cli("update", str(project), "--defaults")
    assert updated.exit_code == 0, updated.output
    assert "Template v0.2.0." in (project / "README.md").read_text()
    assert schema.read_bytes() == edited
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["target"] == "churned"


def test_an_answers_files_table_answers_yield_to_the_dataset_given(
    template_repo: Path, tmp_path: Path
) -> None:
    previous = tmp_path / "answers.yml"
    previous.write_text("task: binary\ntarget: churned\ndataset_file: customers.csv\n")
    project = tmp_path / "homes"
    done = run_cli(
        "new",
        str(project),
        "--yes",
        "--no-setup",
        "--answers-file",
        str(previous),
        "--dataset",
        str(demo_path("regression")),
        "--target",
        "price",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["task"], answers["target"], answers["dataset_file"]) == (
        "regression",
        "price",
        "house_prices.csv",
    )


@settings(max_examples=25, deadline=None)
@given(
    names=st.lists(st.text(min_size=1, max_size=60), min_size=3, max_size=8, unique=True),
    values=st.lists(st.text(max_size=50), min_size=2, max_size=12, unique=True),
    low=st.floats(-1e9, 1e9, allow_nan=False),
    width=st.floats(0, 1e9, allow_nan=False),
)
def test_any_names_and_values_give_valid_formatted_lint_clean_python(
    names: list[str], values: list[str], low: float, width: float
) -> None:
    from generator.dataset import ColumnProfile, Profile

    target, number, text, *dropped = names
    columns = (
        ColumnProfile(number, "float", 1, 10, low, low + width),
        ColumnProfile(text, "str", 0, len(values), values=tuple(sorted(values))),
        ColumnProfile(target, "str", 0, 2, values=("a", "b")),
        *(ColumnProfile(name, "str", 0, 100, excluded="free text") for name in dropped),
    )
    profile = Profile("t.csv", 100, columns, target, "binary", "binary", {"a": 50, "b": 50})
    source = schema_source(profile)
    compile(source, "schema.py", "exec")
    for command in (["format", "--check"], ["check", "--select", PROJECT_RULES]):
        done = subprocess.run(
            [str(RUFF), *command, "--isolated", "--line-length", "100", "-"],
            input=source,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (done.stdout, source)
    namespace: dict[str, object] = {}
    exec(compile(source, "schema.py", "exec"), namespace)
    assert namespace["NUMERIC"] == [number] and namespace["CATEGORICAL"] == [text]
    assert namespace["EXCLUDED"] == dict.fromkeys(dropped, "free text")
