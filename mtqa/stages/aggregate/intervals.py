"""95 % bootstrap confidence intervals of each document's scores, appended to documents.csv
as ``{score}_ci_low`` and ``{score}_ci_high`` (empty where the score is empty).

Each interval resamples exactly the rows its point estimate is computed from: aligned units for
chrF/BLEU/TER/semantic (from the metrics' sufficient statistics), the document's sentences for fluency
and quality, content sentences for the MQM score (minus penalty points per 100 words). A reference's
only score of its own is fluency.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from mtqa.metrics.resampling import (
    ScoreStats,
    bootstrap_interval,
    corpus_statistic,
    mean_statistic,
)
from mtqa.stages.aggregate.tables import (
    CI_SCORES,
    SCORE_DECIMALS,
    UNIT_METRICS,
    ci_columns,
)
from mtqa.stages.score.reference import UnitScores


def mqm_statistic(sentences: pd.DataFrame) -> ScoreStats:
    """MQM-style score as in ``aggregate.mqm_score``: minus the penalty points (minor 1, major 5,
    critical 25) per 100 words of content, so 0 is flawless and higher is better."""
    content = sentences[sentences.status != "boilerplate"]
    words = content.text.str.split().str.len().to_numpy(dtype=float)
    return mean_statistic("mqm_score", -100 * content.mqm_penalty.to_numpy(dtype=float), True, weights=words)


def reference_statistics(doc_id: str, fluency: Mapping[tuple[str, int], float]) -> dict[str, ScoreStats]:
    """A reference has one score of its own: the reference-free fluency of its content sentences."""
    values = np.array([value for (doc, _), value in fluency.items() if doc == doc_id], dtype=float)
    return {"fluency": mean_statistic("fluency", values)}


def document_statistics(doc_id: str, sentences: pd.DataFrame, scores: UnitScores) -> dict[str, ScoreStats]:
    mine = sentences[sentences.doc_id == doc_id]
    rows = scores.rows_of(doc_id)
    statistics = {
        name: corpus_statistic(scores.metrics[name], scores.stats[name][rows])
        for name in UNIT_METRICS
        if name in scores.metrics
    }
    statistics["fluency"] = mean_statistic("fluency", mine.fluency.to_numpy(dtype=float))
    statistics["quality"] = mean_statistic("quality", mine.quality.to_numpy(dtype=float))
    statistics["mqm_score"] = mqm_statistic(mine)
    return statistics


def add_document_intervals(
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    scores: UnitScores,
    fluency: Mapping[tuple[str, int], float],
    n_resamples: int,
    seed: int,
) -> pd.DataFrame:
    """``documents`` with the interval columns appended after the contract columns. ``fluency`` maps
    (doc_id, sent_id) of content sentences to fluency: the references' own scores come from it."""
    table = documents.copy()
    for column in ci_columns():
        table[column] = np.nan
    for index, row in documents.iterrows():
        if row.role == "candidate":
            statistics = document_statistics(row.doc_id, sentences, scores)
        else:
            statistics = reference_statistics(row.doc_id, fluency)
        for name in CI_SCORES:
            if name not in statistics or pd.isna(row[name]):
                continue
            interval = bootstrap_interval(statistics[name], n_resamples, seed)
            table.loc[index, f"{name}_ci_low"] = round(interval.low, SCORE_DECIMALS)
            table.loc[index, f"{name}_ci_high"] = round(interval.high, SCORE_DECIMALS)
    return table
