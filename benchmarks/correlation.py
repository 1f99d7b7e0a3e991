"""Segment-level agreement of scores with human judgements: Pearson (with a 95 % interval), Spearman
and Kendall's tau-b, one row per score. Scores where lower is better are negated, so a positive
correlation always means agreement."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from mtqa.stages.aggregate.quality import packaged_weights


@dataclass(frozen=True)
class Score:
    column: str
    label: str
    kind: str  # "mtqa" or "baseline"
    direction: int = 1  # -1: lower is better (negated before correlating)


MTQA = (
    Score("quality", "quality", "mtqa"),
    Score("semantic", "semantic", "mtqa"),
    Score("fluency", "fluency", "mtqa"),
    Score("unexplained_bits", "−unexplained_bits", "mtqa", -1),
    Score("explained_bits", "explained_bits", "mtqa"),
    Score("mqm_penalty", "−mqm_penalty", "mtqa", -1),
)
BASELINES = (
    Score("baseline_chrf", "chrF", "baseline (sacrebleu)"),
    Score("baseline_bleu", "BLEU", "baseline (sacrebleu)"),
    Score("baseline_ter", "−TER", "baseline (sacrebleu)", -1),
    Score("n_words", "−length (words)", "baseline (trivial)", -1),
)
LEXICAL = {"chrf": "baseline_chrf", "bleu": "baseline_bleu", "ter": "baseline_ter"}


def present(table: pd.DataFrame, scores) -> tuple[list[Score], list[Score]]:
    """The scores with at least one value in ``table``, and those that are empty in this run."""
    filled = [s for s in scores if s.column in table and table[s.column].notna().any()]
    return filled, [s for s in scores if s not in filled]


def oriented(table: pd.DataFrame, score: Score) -> pd.Series:
    return score.direction * pd.to_numeric(table[score.column], errors="coerce")


def agreement(values: pd.Series, human: pd.Series) -> dict:
    mask = values.notna() & human.notna()
    x, y = values[mask].to_numpy(float), human[mask].to_numpy(float)
    n = len(x)
    if n < 4 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return {"n": n, "pearson": math.nan, "pearson 95% CI": "–", "spearman": math.nan, "kendall": math.nan}
    r = float(np.clip(stats.pearsonr(x, y).statistic, -1.0, 1.0))
    # Fisher's z interval: r's sampling distribution is skewed near +-1. A perfect correlation (a score
    # against itself) has none: its z is infinite and its interval the point itself.
    half = 1.959964 / math.sqrt(n - 3)
    low, high = (r, r) if abs(r) == 1 else (math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half))
    return {
        "n": n,
        "pearson": r,
        "pearson 95% CI": f"[{low:.3f}, {high:.3f}]",
        "spearman": float(stats.spearmanr(x, y).statistic),
        "kendall": float(stats.kendalltau(x, y).statistic),
    }


def correlation_table(table: pd.DataFrame, human: str, scores) -> pd.DataFrame:
    rows = [{"score": s.label, "kind": s.kind, **agreement(oriented(table, s), table[human])} for s in scores]
    return pd.DataFrame(rows, columns=["score", "kind", "n", "pearson", "pearson 95% CI", "spearman", "kendall"])


def lexical_consistency(table: pd.DataFrame) -> str:
    """mtqa's own chrf/bleu/ter columns against sacrebleu's sentence scores computed in the same run."""
    gaps = {
        name: float((table[name] - table[baseline]).abs().max())
        for name, baseline in LEXICAL.items()
        if name in table and table[name].notna().any()
    }
    if not gaps:
        return "mtqa computed no chrf/bleu/ter column in this run."
    listed = ", ".join(f"{name} {gap:.1e}" for name, gap in gaps.items())
    return (
        "mtqa's own `chrf`, `bleu`, `ter` columns equal the sacrebleu baselines computed independently in "
        f"this run (largest absolute difference: {listed}; mtqa rounds to 4 decimals), so they are listed once."
    )


def empty_note(empty: list[Score]) -> list[str]:
    if not empty:
        return []
    return [f"Empty in this run (not computed yet by mtqa), so not listed: {', '.join(f'`{s.column}`' for s in empty)}."]


def fitted_on() -> list[str]:
    """The data sets the packaged quality weights were fitted on (from the weights file's own record)."""
    return [entry["name"] for entry in packaged_weights().get("fitting", {}).get("data", [])]


def quality_note(data_name: str) -> str:
    if data_name in fitted_on():
        return (
            "`quality`'s weights were fitted on this data set among others, so its figure here is in-sample; "
            "the Quality score section gives the cross-validated (held-out document) figures."
        )
    return "`quality`'s weights were not fitted on this data set: its figures here are out-of-sample."
