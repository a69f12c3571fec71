"""Data drift, feature by feature: population stability index and a two-sample test.

A feature has drifted when two measures agree:

- its population stability index (PSI) over quantile bins of the reference exceeds
  `psi_threshold`: the shift is large enough to matter (a common reading: below 0.1 stable,
  0.1 to 0.2 moderate, above 0.2 a major shift);
- the two-sample Kolmogorov-Smirnov test rejects "same distribution" at `alpha` divided by the
  number of features (Bonferroni): the shift is not sampling noise, even with 30 features
  tested at once.

Categorical features are compared over their categories: the PSI of the category shares and a
chi-square test of the two count vectors, with the same thresholds; a category the reference
never had is flagged by name (`new_categories`) and counts as drift on its own. Missing values
are left out of numeric comparisons and are a category of their own for categorical ones.
The report also compares the model's predictions on both sides (`prediction`), for reading:
it does not count among the drifted features.

Either measure alone misleads: the PSI of a small batch is noisy (about bins/rows), so on 100
rows some of 30 in-distribution features exceed 0.2 by chance, while a test on a large batch
flags shifts too small to matter. The report is plain data (rounded, sorted) so the same
inputs write the same bytes; `render_html` turns it into a page with one plot per feature.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SMOOTHING = 0.5
"""Added to every bin count, so an empty bin gives a finite PSI instead of infinity."""


@dataclass(frozen=True)
class Thresholds:
    """When a feature counts as drifted (params.yaml's `monitor` section)."""

    psi: float
    alpha: float
    bins: int


def _number(value: float) -> float:
    """Six significant digits: stable bytes across platforms, tiny p-values kept readable."""
    return float(f"{value:.6g}")


def bin_edges(reference: np.ndarray, bins: int) -> np.ndarray:
    """Cut points at the reference's quantiles (equal shares), repeated values merged."""
    if bins < 2:
        raise ValueError(f"bins must be at least 2, got {bins}")
    return np.unique(np.quantile(reference, np.linspace(0.0, 1.0, bins + 1)[1:-1]))


def bin_shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Smoothed share of `values` in each bin: (-inf, e1], (e1, e2], ..., (ek, inf)."""
    counts = np.bincount(np.searchsorted(edges, values, side="left"), minlength=len(edges) + 1)
    return (counts + SMOOTHING) / (len(values) + SMOOTHING * len(counts))


def psi_of_shares(reference: np.ndarray, batch: np.ndarray) -> float:
    """Population stability index of two sets of bin shares: sum of (b - r) * ln(b / r)."""
    return float(np.sum((batch - reference) * np.log(batch / reference)))


def population_stability_index(reference: np.ndarray, batch: np.ndarray, bins: int) -> float:
    """PSI of `batch` against `reference`, over `bins` quantile bins of the reference."""
    edges = bin_edges(reference, bins)
    return psi_of_shares(bin_shares(reference, edges), bin_shares(batch, edges))


def ks_test(reference: np.ndarray, batch: np.ndarray) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov test: (statistic, p-value)."""
    from scipy.stats import ks_2samp  # imported here: only this function needs SciPy

    result = ks_2samp(reference, batch)
    return float(result.statistic), float(result.pvalue)


def compare_feature(
    reference: np.ndarray, batch: np.ndarray, thresholds: Thresholds, alpha: float
) -> dict[str, Any]:
    """The statistics of one feature, its bins (for plots) and whether it drifted."""
    edges = bin_edges(reference, thresholds.bins)
    ref_shares, batch_shares = bin_shares(reference, edges), bin_shares(batch, edges)
    psi = psi_of_shares(ref_shares, batch_shares)
    statistic, p_value = ks_test(reference, batch)
    return {
        "psi": _number(psi),
        "ks_statistic": _number(statistic),
        "p_value": _number(p_value),
        "drifted": bool(psi > thresholds.psi and p_value < alpha),
        "reference_mean": _number(float(np.mean(reference))),
        "batch_mean": _number(float(np.mean(batch))),
        "bins": {
            "edges": [_number(float(edge)) for edge in edges],
            "reference": [_number(float(share)) for share in ref_shares],
            "batch": [_number(float(share)) for share in batch_shares],
        },
    }


MISSING = "<missing>"
"""The category of missing values in categorical comparisons."""


def chi_square_test(reference: np.ndarray, batch: np.ndarray) -> tuple[float, float]:
    """Chi-square test of homogeneity of two count vectors: (statistic, p-value)."""
    from scipy.stats import chi2_contingency  # imported here: only this function needs SciPy

    table = np.vstack([reference, batch])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return 0.0, 1.0
    result = chi2_contingency(table)
    return float(result.statistic), float(result.pvalue)


def _categories(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), MISSING).astype(str)


def compare_category(
    reference: pd.Series, batch: pd.Series, thresholds: Thresholds, alpha: float
) -> dict[str, Any]:
    """The statistics of one categorical feature: PSI over categories, chi-square, new values."""
    ref, new = _categories(reference), _categories(batch)
    known = sorted(set(ref))
    unseen = sorted(set(new) - set(known))
    categories = [*known, *unseen]
    ref_counts = ref.value_counts().reindex(categories, fill_value=0).to_numpy(dtype=float)
    batch_counts = new.value_counts().reindex(categories, fill_value=0).to_numpy(dtype=float)
    ref_shares = (ref_counts + SMOOTHING) / (ref_counts.sum() + SMOOTHING * len(categories))
    batch_shares = (batch_counts + SMOOTHING) / (batch_counts.sum() + SMOOTHING * len(categories))
    psi = psi_of_shares(ref_shares, batch_shares)
    statistic, p_value = chi_square_test(ref_counts, batch_counts)
    return {
        "kind": "categorical",
        "psi": _number(psi),
        "chi2_statistic": _number(statistic),
        "p_value": _number(p_value),
        "new_categories": unseen,
        "drifted": bool(unseen) or bool(psi > thresholds.psi and p_value < alpha),
        "bins": {
            "edges": categories,
            "reference": [_number(float(share)) for share in ref_shares],
            "batch": [_number(float(share)) for share in batch_shares],
        },
    }


def _compare_column(
    reference: pd.Series, batch: pd.Series, categorical: bool, thresholds: Thresholds, alpha: float
) -> dict[str, Any]:
    if categorical:
        return compare_category(reference, batch, thresholds, alpha)
    ref = pd.to_numeric(reference, errors="coerce").dropna().to_numpy(dtype=float)
    new = pd.to_numeric(batch, errors="coerce").dropna().to_numpy(dtype=float)
    if len(ref) < 2 or len(new) < 2:
        raise ValueError(f"drift: column '{reference.name}' has fewer than 2 values on a side")
    return {"kind": "numeric", **compare_feature(ref, new, thresholds, alpha)}


def compare(
    reference: pd.DataFrame,
    batch: pd.DataFrame,
    thresholds: Thresholds,
    sources: dict[str, str] | None = None,
    categorical: tuple[str, ...] | list[str] = (),
    predictions: tuple[pd.Series, pd.Series] | None = None,
) -> dict[str, Any]:
    """Compare every column of `reference` with the same column of `batch`.

    Returns the report: the thresholds, the row counts, each feature's statistics and the
    sorted names of the drifted features (`drift` is true when there is one).
    """
    if len(batch) < 2 or len(reference) < 2:
        raise ValueError(
            f"drift needs at least 2 rows on each side (reference {len(reference)}, "
            f"batch {len(batch)})"
        )
    columns = list(reference.columns)
    alpha = thresholds.alpha / len(columns)  # Bonferroni: the family-wise rate stays `alpha`
    features = {
        name: _compare_column(reference[name], batch[name], name in categorical, thresholds, alpha)
        for name in columns
    }
    drifted = sorted(name for name, stats in features.items() if stats["drifted"])
    extra: dict[str, Any] = {}
    if predictions is not None:
        ref_pred, batch_pred = predictions
        text = not pd.api.types.is_float_dtype(ref_pred)
        extra["prediction"] = _compare_column(ref_pred, batch_pred, text, thresholds, alpha)
    return {
        **extra,
        "drift": bool(drifted),
        "drifted": drifted,
        "features": features,
        "rows": {"reference": len(reference), "batch": len(batch)},
        "sources": dict(sources or {}),
        "thresholds": {
            "psi": thresholds.psi,
            "alpha": thresholds.alpha,
            "alpha_per_feature": _number(alpha),
            "bins": thresholds.bins,
        },
    }


# --- the page for people -----------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 64rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: 0.25rem 0.75rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.drifted { color: #b00020; font-weight: bold; }
.verdict { padding: 0.75rem 1rem; border-radius: 0.25rem; background: #e8f5e9; }
.verdict.drift { background: #fdecea; }
.plots { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; }
figcaption { font-size: 0.85rem; }
"""


def _bars(stats: dict[str, Any], width: int = 300, height: int = 110) -> str:
    """An SVG bar chart of the bins' shares: reference (grey) beside batch (blue or red)."""
    ref, new = stats["bins"]["reference"], stats["bins"]["batch"]
    top = max(max(ref), max(new)) or 1.0
    slot = width / len(ref)
    colour = "#b00020" if stats["drifted"] else "#1565c0"
    bars = []
    for index, (r, b) in enumerate(zip(ref, new, strict=True)):
        x = index * slot
        for offset, share, fill in ((0.1, r, "#9e9e9e"), (0.5, b, colour)):
            bar = share / top * (height - 10)
            bars.append(
                f'<rect x="{x + offset * slot:.1f}" y="{height - bar:.1f}" '
                f'width="{0.4 * slot:.1f}" height="{bar:.1f}" fill="{fill}"/>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="bin shares">{"".join(bars)}</svg>'
    )


def _table_row(name: str, stats: dict[str, Any]) -> str:
    test = stats.get("ks_statistic", stats.get("chi2_statistic", ""))
    new = stats.get("new_categories") or []
    cells = [
        html.escape(name),
        str(stats["psi"]),
        f"{test} ({'KS' if 'ks_statistic' in stats else 'chi-square'})",
        str(stats["p_value"]),
        *(html.escape(str(stats.get(key, ""))) for key in ("reference_mean", "batch_mean")),
        html.escape(", ".join(new)) or "-",
        "yes" if stats["drifted"] else "no",
    ]
    opening = '<tr class="drifted">' if stats["drifted"] else "<tr>"
    return opening + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def render_html(report: dict[str, Any], title: str = "Data drift report") -> str:
    """A self-contained page: the verdict, a table of every feature and one plot per feature."""
    features = report["features"]
    order = sorted(
        features, key=lambda name: (not features[name]["drifted"], -features[name]["psi"])
    )
    limits = report["thresholds"]
    if report["drift"]:
        verdict = (
            f'<p class="verdict drift">Drift in {len(report["drifted"])} of {len(features)} '
            f"features: {html.escape(', '.join(report['drifted']))}.</p>"
        )
    else:
        verdict = f'<p class="verdict">No drift in any of the {len(features)} features.</p>'
    rows = "\n".join(_table_row(name, features[name]) for name in order)
    prediction = ""
    if "prediction" in report:
        stats = report["prediction"]
        prediction = (
            "<h2>Predictions</h2><p>The model's predictions on both sides (not counted as a "
            f"feature): PSI {stats['psi']}, p-value {stats['p_value']}.</p>"
            f"<figure>{_bars(stats)}</figure>"
        )
    plots = "\n".join(
        f"<figure>{_bars(features[name])}<figcaption>{html.escape(name)}: "
        f"PSI {features[name]['psi']}, p {features[name]['p_value']}</figcaption></figure>"
        for name in order
    )
    sources = ", ".join(
        f"{html.escape(role)}: <code>{html.escape(path)}</code>"
        for role, path in sorted(report["sources"].items())
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
{verdict}
<p>{sources} ({report["rows"]["reference"]} reference rows, {report["rows"]["batch"]} batch rows).
A feature has drifted when its PSI over {limits["bins"]} quantile bins of the reference exceeds
{limits["psi"]} and the Kolmogorov-Smirnov p-value is below {limits["alpha_per_feature"]}
(alpha {limits["alpha"]} over {len(features)} features, Bonferroni).</p>
<table>
<thead><tr><th>Feature</th><th>PSI</th><th>Test statistic</th><th>p-value</th>
<th>Reference mean</th><th>Batch mean</th><th>New categories</th><th>Drifted</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{prediction}
<h2>Share of rows per reference quantile bin</h2>
<p>Grey: reference; colour: batch (red when drifted). Bins run from low to high values.</p>
<div class="plots">
{plots}
</div>
</body>
</html>
"""
