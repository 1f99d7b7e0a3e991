"""The quality score's own record: the packaged weights (version, features, weights) and the
cross-validated figures that benchmarks/fit_quality.py measured when it fitted them."""

from __future__ import annotations

import pandas as pd

from benchmarks.harness import Section
from mtqa.stages.aggregate.quality import PACKAGED_WEIGHTS, packaged_weights

ORDER = 50


def weights_table(spec: dict) -> pd.DataFrame:
    rows = [
        {
            "variant": variant["name"],
            "feature": f["column"],
            "direction": "higher is better" if f["direction"] > 0 else "lower is better",
            "weight": f["weight"],
            "clip": f"[{f['low']:.4g}, {f['high']:.4g}]",
            "center": f["center"],
            "scale": f["scale"],
        }
        for variant in spec["variants"]
        for f in variant["features"]
    ]
    return pd.DataFrame(rows, columns=["variant", "feature", "direction", "weight", "clip", "center", "scale"])


def cross_validation_table(spec: dict) -> pd.DataFrame:
    rows = []
    for variant in spec["variants"]:
        for name, figures in spec["cross_validation"][variant["name"]]["data"].items():
            folds = [fold["pearson"] for fold in figures["folds"]]
            rows.append(
                {
                    "variant": variant["name"],
                    "data set": name,
                    "n": figures["n"],
                    "pearson (out-of-fold)": figures["pearson"],
                    "pearson 95% CI": figures["pearson_95ci"],
                    "spearman": figures["spearman"],
                    "kendall": figures["kendall"],
                    "fold pearson min–max": f"{min(folds):.3f}–{max(folds):.3f}",
                    "chrF pearson": figures["chrf_pearson"],
                    "−length pearson": figures["length_pearson"],
                    "least squares alone: in sample": figures["least_squares_alone"]["in_sample"],
                    "least squares alone: out of fold": figures["least_squares_alone"]["out_of_fold"],
                }
            )
    return pd.DataFrame(rows)


def run(quick: bool) -> list[Section]:
    spec = packaged_weights()
    fitting = spec.get("fitting", {})
    data = "; ".join(f"{d['name']} ({d['rows']} rows, {d['groups']}, target {d['target']})" for d in fitting.get("data", []))
    missing = {"reference", "reference_free"} - {v["name"] for v in spec["variants"]}
    notes = [
        f"Weights version {spec['version']} (`mtqa/{PACKAGED_WEIGHTS}`), fitted by `{fitting.get('script', '?')}` "
        f"on {data or 'nothing'}. Model: {spec.get('model', '')}.",
        f"Objective: {fitting.get('objective', '?')}.",
        *([f"Not fitted yet: the {', '.join(sorted(missing))} variant (no usable feature when the weights were fitted)."]
          if missing else []),
    ]
    cv_notes = [
        f"Cross-validation: {spec.get('cross_validation', {}).get('scheme', '?')}. "
        "chrF and −length are the same rows' figures for sentence chrF and for minus the word count "
        "(a trivial baseline). Least squares alone, out of fold, shows how well a fit to one data set "
        "alone holds on its held-out documents, beside the model fitted on all of them.",
    ]
    return [
        Section("Quality score: weights", weights_table(spec), notes),
        Section("Quality score: cross-validated agreement (measured when fitted)", cross_validation_table(spec), cv_notes, level=3),
    ]
