"""Every document's scores as resampling statistics, built once: the point estimates of documents.csv,
their 95 % bootstrap intervals (``{score}_ci_low``, ``{score}_ci_high``) and the paired comparisons of
:mod:`mtqa.analyses.compare` all read them (sacrebleu's principle: sufficient statistics first, every
figure derived from them).

Each statistic has one row per segment its score is computed from: linked units (aligned, or partial:
their covered parts) for chrF/BLEU/TER/semantic (the metrics' own sufficient statistics), the
document's sentences for fluency and quality, content sentences for the MQM score (minus penalty
points per 100 words). A reference's only score of its own is fluency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from mtqa.core.taxonomy import SEVERITIES, mqm_score
from mtqa.core.values import SCORE_DECIMALS, word_count
from mtqa.metrics.resampling import (
    ScoreStats,
    bootstrap_interval,
    corpus_statistic,
    mean_statistic,
)
from mtqa.stages.score.reference import UnitScores

UNIT_METRICS = ("chrf", "bleu", "ter", "semantic")
# documents.csv: a 95 % bootstrap interval of each of these follows the contract columns.
CI_SCORES = ("chrf", "bleu", "ter", "semantic", "fluency", "quality", "mqm_score")


def ci_columns() -> list[str]:
    return [f"{name}_ci_{bound}" for name in CI_SCORES for bound in ("low", "high")]


def mqm_statistic(sentences: pd.DataFrame) -> ScoreStats:
    """MQM-style score (:func:`mtqa.core.taxonomy.mqm_score`): minus the penalty points (minor 1,
    major 5, critical 25) per 100 words of content, so 0 is flawless and higher is better."""
    content = sentences[sentences.status != "boilerplate"]
    words = content.text.map(word_count).to_numpy(dtype=float)
    # each sentence's penalty per word, weighted by its words: the document's penalty over its words
    points = mqm_score(content.mqm_penalty.to_numpy(dtype=float), 1)
    return mean_statistic("mqm_score", points, True, weights=words)


def reference_statistics(doc_id: str, fluency: Mapping[tuple[str, int], float]) -> dict[str, ScoreStats]:
    """A reference has one score of its own: the reference-free fluency of its content sentences."""
    values = np.array([value for (doc, _), value in fluency.items() if doc == doc_id], dtype=float)
    return {"fluency": mean_statistic("fluency", values)}


def metric_statistics(scores: UnitScores, doc_id: str, names=None) -> dict[str, ScoreStats]:
    """The reference metrics' statistics of one candidate's aligned units, one row per unit."""
    rows = scores.rows_of(doc_id)
    return {
        name: corpus_statistic(metric, scores.stats[name][rows])
        for name, metric in scores.metrics.items()
        if names is None or name in names
    }


def candidate_statistics(doc_id: str, sentences: pd.DataFrame, scores: UnitScores) -> dict[str, ScoreStats]:
    """A candidate's document-level scores: its units' metrics, its sentences' fluency and quality,
    and (when the error stage ran) its MQM score."""
    mine = sentences[sentences.doc_id == doc_id]
    statistics = metric_statistics(scores, doc_id, UNIT_METRICS)
    statistics["fluency"] = mean_statistic("fluency", mine.fluency.to_numpy(dtype=float))
    statistics["quality"] = mean_statistic("quality", mine.quality.to_numpy(dtype=float))
    if mine.n_errors.notna().any():
        statistics["mqm_score"] = mqm_statistic(mine)
    return statistics


def document_statistics(
    roles: Mapping[str, str], sentences: pd.DataFrame, scores: UnitScores, fluency: Mapping[tuple[str, int], float]
) -> dict[str, dict[str, ScoreStats]]:
    """doc_id -> score -> statistics, for every document (``roles``: doc_id -> role)."""
    return {
        doc_id: candidate_statistics(doc_id, sentences, scores) if role == "candidate"
        else reference_statistics(doc_id, fluency)
        for doc_id, role in roles.items()
    }


@dataclass(frozen=True, eq=False)
class UnitStatistics:
    """One candidate's aligned units, each score's statistics one row per unit (a unit of several
    candidate sentences carries their sum and count, so its score is their mean): what a paired
    comparison resamples."""

    rows: np.ndarray  # rows of the units in UnitScores
    scores: dict[str, ScoreStats]


def _sentence_counts(sentences: pd.DataFrame, errors: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per sentence: errors by severity (NaN where the error stage has not run)."""
    ran = sentences.n_errors.notna().to_numpy()
    counts = {}
    for level in SEVERITIES:
        per_sentence = errors[errors.severity == level].groupby("sent_id").size()
        values = sentences.sent_id.map(per_sentence).fillna(0).to_numpy(dtype=float)
        counts[f"n_{level}"] = np.where(ran, values, np.nan)
    return counts


def unit_statistics(
    doc_id: str, sentences: pd.DataFrame, errors: pd.DataFrame, scores: UnitScores,
    higher_is_better: Mapping[str, bool],
) -> UnitStatistics:
    rows = scores.rows_of(doc_id)
    mine = sentences[sentences.doc_id == doc_id]
    position = {sent_id: i for i, sent_id in enumerate(mine.sent_id)}
    membership = np.zeros((len(rows), len(mine)))
    for i, row in enumerate(rows):
        membership[i, [position[c] for c in scores.units[row].candidate_ids]] = 1.0
    statistics = metric_statistics(scores, doc_id)
    values = {name: mine[name].to_numpy(dtype=float) for name in ("quality", "fluency", "mqm_penalty")}
    values.update(_sentence_counts(mine, errors[errors.doc_id == doc_id]))
    for name, column in values.items():
        statistics[name] = mean_statistic(name, column, higher_is_better[name]).grouped(membership)
    return UnitStatistics(rows, statistics)


def add_document_intervals(
    documents: pd.DataFrame, statistics: Mapping[str, Mapping[str, ScoreStats]], n_resamples: int, seed: int,
) -> pd.DataFrame:
    """``documents`` with the interval columns appended after the contract columns."""
    table = documents.copy()
    for column in ci_columns():
        table[column] = np.nan
    for index, row in documents.iterrows():
        for name, statistic in statistics[row.doc_id].items():
            if name not in CI_SCORES or pd.isna(row[name]):
                continue
            interval = bootstrap_interval(statistic, n_resamples, seed)
            table.loc[index, f"{name}_ci_low"] = round(interval.low, SCORE_DECIMALS)
            table.loc[index, f"{name}_ci_high"] = round(interval.high, SCORE_DECIMALS)
    return table
