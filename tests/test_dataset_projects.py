"""`new --dataset --target` for every task, with the bundled demo and with a table like a user's.

Each project is made by the real `mlops-scaffold new` (setup included: uv sync, `dvc add` of the
raw table, the pipeline's first run), then: the schema lists the ID and date columns as
excluded, the champion answers a raw row of the table over HTTP, batch scoring runs, and the
`monitor` stage flags a batch with a new category (or a shifted column) by name. The gate is
checked for real too: a model worse than the dummy baseline is never promoted, and a
regression model with a lower RMSE is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run_cli
from dataset_helpers import CATEGORICAL, DATE_COLUMN, ID_COLUMN, write_mixed_table
from project_env import project_env, run

pytestmark = pytest.mark.slow

PACKAGE = "data_project"
DEMOS = {
    "binary": ("breast_cancer.csv", "target"),
    "multiclass": ("wine.csv", "cultivar"),
    "regression": ("house_prices.csv", "price"),
}

# Run inside the project: serve the champion in-process and send raw rows of the table.
SERVE = """
import json, sys
from pathlib import Path
from fastapi.testclient import TestClient
from {package}.champion import load_champion
from {package}.config import RAW_DATA
from {package}.data import read_raw
from {package}.serve import create_app

rows = json.loads(read_raw(RAW_DATA).head(3).to_json(orient="records"))
client = TestClient(create_app(load_champion(), 0.5))
answer = client.post("/predict", json={{"rows": rows}})
print(json.dumps({{"status": answer.status_code, "body": answer.json()}}))
"""

# Writes a batch: the test split with a new category in a categorical column, or else a
# numeric column shifted by three standard deviations. Prints the column.
BATCH = """
from {package}.config import TEST_DATA, TRAIN_DATA
from {package}.data import read_table, write_table
from {package}.schema import CATEGORICAL, NUMERIC

batch, train = read_table(TEST_DATA), read_table(TRAIN_DATA)
if CATEGORICAL:
    column = CATEGORICAL[0]
    batch.loc[batch.index[:5], column] = "never-seen-before"
else:
    column = NUMERIC[0]
    batch[column] = batch[column] + 3 * train[column].std()
write_table(batch, __import__("pathlib").Path("batch.csv"))
print(column)
"""


def new(dest: Path, *args: str) -> Path:
    done = run_cli(
        "new", str(dest), "--defaults", "-d", f"project_name={PACKAGE}", *args,
        env=project_env(), timeout=1800,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return dest


def python(project: Path, code: str, check: bool = True):
    return run("uv", "run", "python", "-c", code.format(package=PACKAGE), cwd=project, check=check)


def schema(project: Path) -> dict:
    code = (
        "import json; from {package} import schema as s; "
        "print(json.dumps({{'numeric': s.NUMERIC, 'categorical': s.CATEGORICAL, "
        "'excluded': s.EXCLUDED, 'target': s.TARGET}}))"
    )
    return json.loads(python(project, code).stdout.strip().splitlines()[-1])


def check_served_scored_and_monitored(project: Path, task: str) -> None:
    """The champion answers raw rows; scoring and monitoring run; a shifted batch is named."""
    registry = json.loads((project / "reports/registry.json").read_text())
    assert registry["decision"] == "promoted", registry
    served = json.loads(python(project, SERVE).stdout.strip().splitlines()[-1])
    assert served["status"] == 200, served
    body = served["body"]
    assert body["model_version"] == "1" and len(body["predictions"]) == 3
    for prediction in body["predictions"]:
        if task == "regression":
            assert isinstance(prediction["prediction"], float)
            assert prediction["probabilities"] is None
        else:
            probabilities = prediction["probabilities"]
            assert sum(probabilities.values()) == pytest.approx(1.0)
            assert str(prediction["prediction"]) in probabilities
    raw = next(path for path in (project / "data/raw").iterdir() if path.suffix == ".csv")
    run("uv", "run", "python", "-m", f"{PACKAGE}.score", "--input", str(raw), cwd=project)
    assert (project / "data/processed/predictions.csv").is_file()
    quiet = run("uv", "run", "python", "-m", f"{PACKAGE}.monitor", cwd=project)
    assert "no drift" in quiet.stdout
    column = python(project, BATCH).stdout.strip().splitlines()[-1]
    flagged = run(
        "uv", "run", "python", "-m", f"{PACKAGE}.monitor", "--batch", "batch.csv",
        cwd=project, check=False,
    )  # fmt: skip
    assert flagged.returncode != 0
    assert "drift in 1 of" in flagged.stderr and column in flagged.stderr, flagged.stderr
    report = json.loads((project / "reports/drift.json").read_text())
    assert report["drifted"] == [column]
    assert "prediction" in report  # the prediction distribution is compared too


@pytest.mark.parametrize("task", sorted(DEMOS))
def test_bundled_demo_runs_served_and_monitored(task: str, tmp_path: Path) -> None:
    """`new -d task=...` without --dataset starts from the task's demo, like a user's file."""
    project = new(tmp_path / "demo", "-d", f"task={task}")
    file, target = DEMOS[task]
    assert (project / "data/raw" / file).is_file()
    assert (project / "data/raw" / f"{file}.dvc").is_file()  # `dvc add`, committed
    found = schema(project)
    assert found["target"] == target
    if task == "regression":  # the demo with an identifier and a date column
        assert set(found["excluded"]) >= {"id", "listed_on"}
        assert found["categorical"]
    check_served_scored_and_monitored(project, task)


@pytest.mark.parametrize("task", sorted(DEMOS))
def test_users_table_with_categories_gaps_id_and_date(task: str, tmp_path: Path) -> None:
    table = tmp_path / "my data.csv"
    target = write_mixed_table(table, task)
    project = new(tmp_path / "mine", "--dataset", str(table), "--target", target)
    answers = (project / ".copier-answers.yml").read_text()
    assert f"task: {task}" in answers and str(tmp_path) not in answers  # no source path kept
    found = schema(project)
    assert set(found["excluded"]) == {ID_COLUMN, DATE_COLUMN}, found
    assert set(found["categorical"]) == set(CATEGORICAL)
    assert "area" in found["numeric"] and target not in found["numeric"]
    check_served_scored_and_monitored(project, task)


def set_params(project: Path, old: str, new_text: str) -> None:
    params = project / "params.yaml"
    text = params.read_text()
    assert old in text, text
    params.write_text(text.replace(old, new_text, 1))


def repro(project: Path) -> dict:
    run("uv", "run", "dvc", "repro", cwd=project)
    return json.loads((project / "reports/registry.json").read_text())


def test_model_worse_than_the_baseline_is_not_promoted(tmp_path: Path) -> None:
    """Even the first version: probabilities never reach the threshold, so F1 is 0 < dummy's."""
    project = new(tmp_path / "worse", "--no-run")
    set_params(project, "  C: 1.0\n", "  C: 0.00000001\n")
    set_params(project, "  threshold: 0.5\n", "  threshold: 0.9\n")
    decision = repro(project)
    assert decision["decision"] == "rejected", decision
    assert decision["score"] < decision["baseline_score"]
    assert "champion" not in decision["aliases"] and "baseline" in decision["reason"]


def test_regression_model_with_lower_rmse_is_promoted(tmp_path: Path) -> None:
    table = tmp_path / "houses.csv"
    write_mixed_table(table, "regression")
    project = new(tmp_path / "rmse", "--dataset", str(table), "--target", "price", "--no-run")
    set_params(project, "  alpha: 1.0\n", "  alpha: 1000.0\n")
    first = repro(project)
    assert first["decision"] == "promoted" and first["metric"] == "rmse"
    assert first["score"] < first["baseline_score"]
    set_params(project, "  alpha: 1000.0\n", "  alpha: 1.0\n")
    better = repro(project)
    assert better["score"] < first["score"]
    assert better["decision"] == "promoted" and better["version"] == 2, better
    set_params(project, "  alpha: 1.0\n", "  alpha: 100.0\n")
    worse = repro(project)
    assert worse["score"] > better["score"] and worse["decision"] == "kept_champion"
