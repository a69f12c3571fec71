"""The pull-request report (issue 20): scripts/plots_report.py on two commits of a project.

The script compares two revisions with DVC and renders the plots that dvc.yaml defines as PNG
images (vl-convert, no browser) next to the comment's markdown body. Two commits of a rendered
project with different parameters, metrics and plot data stand in for a base branch and a pull
request: the files are what `evaluate` writes, committed to git as the pipeline commits them.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
import yaml
from project_env import render_project, run

pytestmark = pytest.mark.slow

# DVC and the renderer only: the script needs nothing else of the project's environment.
REPORT_TOOLS = ("--with", "dvc>=3.50,<4", "--with", "vl-convert-python==1.9.0")


def write_results(project: Path, c: float, auc: float, flipped: int) -> None:
    """What `evaluate` writes, with made-up numbers: metrics, ROC points, confusion rows."""
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["train"]["C"] = c
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    reports = project / "reports"
    (reports / "plots").mkdir(parents=True, exist_ok=True)
    (reports / "metrics.json").write_text(json.dumps({"accuracy": 0.9, "roc_auc": auc}))
    roc = [{"fpr": 0.0, "tpr": 0.0}, {"fpr": 0.1, "tpr": auc}, {"fpr": 1.0, "tpr": 1.0}]
    (reports / "plots/roc.json").write_text(json.dumps(roc))
    rows = [{"actual": i % 2, "predicted": i % 2} for i in range(20)]
    for row in rows[:flipped]:
        row["predicted"] = 1 - row["actual"]
    (reports / "plots/confusion.json").write_text(json.dumps(rows))


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (and proof that the file is a PNG)."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_plots_report_renders_every_plot_of_dvc_yaml_and_the_comment(
    template_repo: Path, tmp_path: Path
) -> None:
    project = render_project(template_repo, tmp_path / "project", ci="github")
    run("git", "init", "-q", cwd=project)
    write_results(project, c=1.0, auc=0.95, flipped=1)
    run("git", "add", "-A", cwd=project)
    run("git", "commit", "-q", "-m", "base", cwd=project)
    write_results(project, c=0.1, auc=0.80, flipped=4)
    run("git", "commit", "-q", "-am", "change C", cwd=project)

    out = tmp_path / "report"
    url = "https://github.com/acme/churn/raw/dvc-plots/pr-7/abc"
    done = run(
        "uv",
        "run",
        "--no-project",
        *REPORT_TOOLS,
        "python",
        "scripts/plots_report.py",
        "HEAD~1",
        "HEAD",
        "--out",
        str(out),
        "--image-url",
        url,
        cwd=project,
        timeout=900,
    )
    assert "report written to" in done.stdout

    # One image per plot of dvc.yaml, whatever it declares (read from it, not hard-coded).
    declared = [
        next(iter(plot)) for plot in yaml.safe_load((project / "dvc.yaml").read_text())["plots"]
    ]
    images = sorted(path.name for path in out.glob("*.png"))
    assert images == sorted(f"{Path(plot).stem}.png" for plot in declared)
    for image in images:
        width, height = png_size(out / image)
        assert width > 200 and height > 200, (image, width, height)

    body = (out / "report.md").read_text()
    assert body.startswith("## DVC report")
    params = next(line for line in body.splitlines() if "train.C" in line)
    assert params.split("|")[3:5] == [" 1.0      ", " 0.1    "], params  # base, then HEAD
    assert "roc_auc" in body and "-0.15" in body  # the metric's change against the base
    for title, image in (("ROC curve", "roc.png"), ("Confusion matrix", "confusion.png")):
        assert f"![{title}]({url}/{image})" in body


def test_plots_report_fails_in_one_line_without_the_renderer(
    template_repo: Path, tmp_path: Path
) -> None:
    project = render_project(template_repo, tmp_path / "project", ci="none")
    run("git", "init", "-q", cwd=project)
    write_results(project, c=1.0, auc=0.95, flipped=0)
    run("git", "add", "-A", cwd=project)
    run("git", "commit", "-q", "-m", "base", cwd=project)
    done = run(
        "uv",
        "run",
        "--no-project",
        "--with",
        "dvc>=3.50,<4",
        "python",
        "scripts/plots_report.py",
        "HEAD",
        "--out",
        str(tmp_path / "report"),
        cwd=project,
        check=False,
        timeout=900,
    )
    assert done.returncode == 1
    # uv's own lines (what it installs) come first; the script's message is one line.
    assert done.stderr.strip().splitlines()[-1:] == [
        "plots report failed: vl-convert-python is not installed: run this script with "
        "`uv run --with vl-convert-python ...` (or pip install vl-convert-python)"
    ]
