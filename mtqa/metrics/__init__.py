"""Metric plugins. A reference-based metric maps (hypotheses, references) to per-segment statistics."""

from __future__ import annotations

from mtqa.metrics.base import MeanMetric, Metric
from mtqa.metrics.learned import LearnedScore
from mtqa.metrics.lexical import Bleu, ChrF, Ter
from mtqa.metrics.semantic import SemanticSimilarity
from mtqa.metrics.unexplained import ExplainedBits, UnexplainedBits

REFERENCE_METRICS: dict[str, type[Metric]] = {
    metric.name: metric for metric in (ChrF, Bleu, Ter, SemanticSimilarity, UnexplainedBits, ExplainedBits, LearnedScore)
}

__all__ = [
    "Metric", "MeanMetric", "REFERENCE_METRICS", "ChrF", "Bleu", "Ter", "SemanticSimilarity", "UnexplainedBits",
    "ExplainedBits", "LearnedScore",
]
