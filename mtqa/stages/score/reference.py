"""Stage 5, score: every linked unit (candidate sentences + their reference sentences) gets each
reference-based metric's per-segment statistics, computed once for all candidates together.

A unit of a *partial* link (a clause of one sentence linked to another sentence or to a clause of it)
holds only the covered text on each side, so every metric judges the covered part alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from mtqa.core.records import Alignment, Sentence
from mtqa.core.values import word_count
from mtqa.metrics import Metric

_TOKEN = re.compile(r"\S+")  # a word as word_count counts them


def covered_text(text: str, part: tuple[int, int] | None) -> str:
    """The characters of a sentence that a link covers (the whole sentence when ``part`` is None)."""
    return text if part is None else text[part[0]:part[1]]


def coverage(text: str, parts: Iterable[tuple[int, int] | None]) -> float:
    """The share of the words of ``text`` (:func:`~mtqa.core.values.word_count`) that the union of
    ``parts`` covers: a word counts when any part holds a character of it; a None part covers all."""
    parts = list(parts)
    if any(part is None for part in parts):
        return 1.0
    words = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    if not words:
        return 1.0 if parts else 0.0
    covered = sum(any(a < end and start < b for a, b in parts) for start, end in words)
    return covered / word_count(text)


@dataclass(frozen=True)
class Unit:
    doc_id: str
    candidate_ids: tuple[int, ...]
    reference_doc: str
    reference_ids: tuple[int, ...]
    hypothesis: str  # the candidate sentences' text; of a partial link, the covered part only
    reference: str  # likewise on the reference side
    align_score: float
    # a partial link's (start, end) characters of its one candidate / one reference sentence; None: whole
    candidate_part: tuple[int, int] | None = None
    reference_part: tuple[int, int] | None = None
    coverage: float = 1.0  # share of the candidate sentences' words the unit holds
    ref_coverage: float = 1.0  # share of the reference sentences' words the unit holds

    @property
    def partial(self) -> bool:
        return self.candidate_part is not None or self.reference_part is not None


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
    """One unit per link. A partial link joins one candidate sentence and one reference sentence: its
    unit holds the covered characters of each (``sentence.text[a:b]``) and their share of the words."""
    units = []
    for link in alignment.links:
        reference = references[link.reference_doc]
        hypothesis = " ".join(candidate[i].text for i in link.candidate_ids)
        reference_text = " ".join(reference[i].text for i in link.reference_ids)
        shares = {}
        if link.partial:
            (candidate_id,), (reference_id,) = link.candidate_ids, link.reference_ids
            hypothesis = covered_text(candidate[candidate_id].text, link.candidate_part)
            reference_text = covered_text(reference[reference_id].text, link.reference_part)
            shares = {
                "coverage": coverage(candidate[candidate_id].text, [link.candidate_part]),
                "ref_coverage": coverage(reference[reference_id].text, [link.reference_part]),
            }
        units.append(
            Unit(
                doc_id=alignment.doc_id,
                candidate_ids=link.candidate_ids,
                reference_doc=link.reference_doc,
                reference_ids=link.reference_ids,
                hypothesis=hypothesis,
                reference=reference_text,
                align_score=link.confidence,
                candidate_part=link.candidate_part,
                reference_part=link.reference_part,
                **shares,
            )
        )
    return units


def score_units(units: list[Unit], metrics: list[Metric]) -> UnitScores:
    hypotheses = [unit.hypothesis for unit in units]
    references = [unit.reference for unit in units]
    stats = {metric.name: metric.statistics(hypotheses, references) for metric in metrics}
    return UnitScores(units, {metric.name: metric for metric in metrics}, stats)
