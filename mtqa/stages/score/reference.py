"""Stage 5, score: every linked unit (candidate sentences + their reference sentences) gets each
reference-based metric's per-segment statistics, computed once for all candidates together."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mtqa.core.records import Alignment, Sentence
from mtqa.metrics import Metric


@dataclass(frozen=True)
class Unit:
    doc_id: str
    candidate_ids: tuple[int, ...]
    reference_doc: str
    reference_ids: tuple[int, ...]
    hypothesis: str
    reference: str
    align_score: float


@dataclass(frozen=True)
class UnitScores:
    units: list[Unit]
    metrics: dict[str, Metric]
    stats: dict[str, np.ndarray]  # metric name -> (n_units, k) sufficient statistics

    def scores(self, name: str) -> np.ndarray:
        return self.metrics[name].segment_scores(self.stats[name])

    def rows_of(self, doc_id: str) -> np.ndarray:
        return np.array([i for i, unit in enumerate(self.units) if unit.doc_id == doc_id], dtype=int)


def build_units(
    alignment: Alignment,
    candidate: dict[int, Sentence],
    references: dict[str, dict[int, Sentence]],
) -> list[Unit]:
    units = []
    for link in alignment.links:
        reference = references[link.reference_doc]
        units.append(
            Unit(
                doc_id=alignment.doc_id,
                candidate_ids=link.candidate_ids,
                reference_doc=link.reference_doc,
                reference_ids=link.reference_ids,
                hypothesis=" ".join(candidate[i].text for i in link.candidate_ids),
                reference=" ".join(reference[i].text for i in link.reference_ids),
                align_score=link.confidence,
            )
        )
    return units


def score_units(units: list[Unit], metrics: list[Metric]) -> UnitScores:
    hypotheses = [unit.hypothesis for unit in units]
    references = [unit.reference for unit in units]
    stats = {metric.name: metric.statistics(hypotheses, references) for metric in metrics}
    return UnitScores(units, {metric.name: metric for metric in metrics}, stats)
