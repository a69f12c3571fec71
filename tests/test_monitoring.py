"""Drift monitoring in the generated project (issue 11): the `monitor` stage, for real.

One project (MLflow, DVC) is installed for the module. The stage needs no model, so
`dvc repro monitor` runs only `prepare` and `monitor`: on the default batch (the held-out test
split) it passes; pointed at a batch with one shifted feature it fails, naming that feature,
and leaves both reports and a dvc.lock without the failed result. Every run is logged to the
tracker, which MLflow's own client reads back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from project_env import render_project, run

pytestmark = pytest.mark.slow

PACKAGE = "my_ml_project"
SHIFTED = "mean_radius"

# A copy of the test split with one feature moved by 1.5 standard deviations of the training data.
SHIFT = """
import sys
import pandas as pd
column = sys.argv[1]
batch = pd.read_csv("data/processed/test.csv")
train = pd.read_csv("data/processed/train.csv")
batch[column] = batch[column] + 1.5 * train[column].std()
batch.to_csv("data/external/shifted.csv", index=False)
"""

# Read the monitor runs back with MLflow itself, independently of the project's code.
QUERY = """
import json, os
from mlflow import MlflowClient
client = MlflowClient(tracking_uri="sqlite:///mlflow.db")
experiment = client.get_experiment_by_name("my-ml-project")
runs = client.search_runs(
    [experiment.experiment_id], "tags.dvc_stage = 'monitor'",
    order_by=["attributes.start_time ASC"],
)
found = []
for run in runs:
    files = [a.path for a in client.list_artifacts(run.info.run_id, "monitoring")]
    report = client.download_artifacts(run.info.run_id, "monitoring/drift.json")
    found.append({
        "name": run.info.run_name, "metrics": run.data.metrics, "tags": run.data.tags,
        "files": sorted(files),
        "drifted": json.load(open(report))["drifted"],
    })
print(json.dumps(found))
"""


@dataclass(frozen=True)
class Check:
    """One `dvc repro monitor`: exit code, output, and the reports and lock it left."""

    returncode: int
    output: str
    report: dict
    page: str
    lock: dict


def monitor(project: Path) -> Check:
    done = run("uv", "run", "dvc", "repro", "monitor", cwd=project, check=False)
    return Check(
        returncode=done.returncode,
        output=done.stdout + done.stderr,
        report=json.loads((project / "reports/drift.json").read_text()),
        page=(project / "reports/drift.html").read_text(),
        lock=yaml.safe_load((project / "dvc.lock").read_text()),
    )


class _Page(HTMLParser):
    """Counts the tags of a page and fails on a tag closed without being opened."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in ("meta", "rect", "br"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "rect":
            return
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def parse_page(page: str) -> dict[str, int]:
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert parser.open == [], f"unclosed tags: {parser.open}"
    return parser.tags


@pytest.fixture(scope="module")
def project(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = render_project(
        template_repo, tmp_path_factory.mktemp("monitoring") / "project", docs="none", ci="none"
    )
    run("git", "init", "-q", cwd=root)
    run("uv", "sync", cwd=root)
    if not (root / ".dvc").exists():
        run("uv", "run", "dvc", "init", "-q", cwd=root)
    run("git", "add", "-A", cwd=root)
    run("git", "commit", "-q", "-m", "Initial commit", cwd=root)
    return root


@pytest.fixture(scope="module")
def in_distribution(project: Path) -> Check:
    """The default batch: the held-out test split of the same data."""
    return monitor(project)


@pytest.fixture(scope="module")
def shifted(in_distribution: Check, project: Path) -> Check:
    """monitor.batch pointed at the test split with one feature shifted."""
    run(".venv/bin/python", "-c", SHIFT, SHIFTED, cwd=project)
    params = project / "params.yaml"
    text = params.read_text()
    assert "  batch: data/processed/test.csv\n" in text
    params.write_text(text.replace("data/processed/test.csv", "data/external/shifted.csv"))
    return monitor(project)


@pytest.fixture(scope="module")
def tracked(shifted: Check, project: Path) -> list[dict]:
    done = run(".venv/bin/python", "-c", QUERY, cwd=project)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_batch_like_the_training_data_passes(in_distribution: Check) -> None:
    assert in_distribution.returncode == 0, in_distribution.output
    ran = re.findall(r"Running stage '(\w+)'", in_distribution.output)
    assert ran == ["prepare", "train", "monitor"]  # the model: the prediction distribution
    assert "monitor: no drift in 30 features of data/processed/test.csv" in in_distribution.output
    report = in_distribution.report
    assert report["drift"] is False and report["drifted"] == []
    assert report["rows"] == {"reference": 455, "batch": 114}
    assert report["thresholds"] == {
        "psi": 0.2,
        "alpha": 0.01,
        "alpha_per_feature": pytest.approx(0.01 / 30, rel=1e-5),
        "bins": 10,
    }
    assert len(report["features"]) == 30
    assert all(stats["psi"] < 0.2 for stats in report["features"].values())
    assert "monitor" in in_distribution.lock["stages"]


def test_reports_parse_and_show_every_feature(in_distribution: Check) -> None:
    tags = parse_page(in_distribution.page)
    # one plot and one row per feature, and one plot of the prediction distribution
    assert tags["svg"] == 31 and tags["tr"] == 31
    for name in in_distribution.report["features"]:
        assert f"<td>{name}</td>" in in_distribution.page
    assert "No drift" in in_distribution.page


def test_one_shifted_feature_fails_the_stage_and_is_named(
    shifted: Check, in_distribution: Check
) -> None:
    assert shifted.returncode != 0
    assert (
        f"error: drift in 1 of 30 features of data/external/shifted.csv: {SHIFTED} "
        "(see reports/drift.html)"
    ) in shifted.output
    assert "Traceback" not in shifted.output
    assert shifted.report["drift"] is True and shifted.report["drifted"] == [SHIFTED]
    stats = shifted.report["features"][SHIFTED]
    assert stats["psi"] > 0.2 and stats["p_value"] < 0.01 / 30 and stats["drifted"] is True
    others = [s for name, s in shifted.report["features"].items() if name != SHIFTED]
    assert not any(s["drifted"] for s in others)
    # The page leads with the drifted feature; dvc.lock keeps the last passing result.
    tags = parse_page(shifted.page)
    assert tags["svg"] == 31  # 30 features and the predictions
    assert shifted.page.index(f"<td>{SHIFTED}</td>") < shifted.page.index("<td>mean_texture</td>")
    assert f"Drift in 1 of 30 features: {SHIFTED}" in shifted.page
    assert shifted.lock["stages"]["monitor"] == in_distribution.lock["stages"]["monitor"]


def test_every_check_is_logged_to_the_tracker(tracked: list[dict]) -> None:
    assert len(tracked) == 2  # the passing check and the failing one, each a run of its own
    passing, failing = tracked
    for found in tracked:
        assert found["files"] == ["monitoring/drift.html", "monitoring/drift.json"]
        assert found["tags"]["dvc_stage"] == "monitor"
        assert "model_fingerprint" not in found["tags"]  # no stage takes it for a model's run
        assert len([m for m in found["metrics"] if m.startswith("psi.")]) == 30
    assert passing["metrics"]["drifted_features"] == 0 and passing["tags"]["drift"] == "false"
    assert failing["metrics"]["drifted_features"] == 1 and failing["tags"]["drift"] == "true"
    assert failing["metrics"][f"psi.{SHIFTED}"] > 0.2
    assert failing["tags"]["monitor.batch"] == "data/external/shifted.csv"
    assert failing["drifted"] == [SHIFTED]
    # Named after what was checked, with a counter: seeded random names would repeat.
    assert [found["name"] for found in tracked] == [
        "monitor-batch=test-#1",
        "monitor-batch=shifted-#2",
    ]


def test_one_off_check_of_another_file(shifted: Check, project: Path) -> None:
    """`python -m <package>.monitor --batch` checks a file without touching params.yaml."""
    done = run(
        ".venv/bin/python",
        "-m",
        f"{PACKAGE}.monitor",
        "--batch",
        "data/processed/test.csv",
        cwd=project,
    )
    assert "no drift in 30 features of data/processed/test.csv" in done.stdout
    assert json.loads((project / "reports/drift.json").read_text())["drift"] is False
