"""chrF, BLEU and TER through sacrebleu, at sentence and corpus level from the same statistics."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sacrebleu.metrics import BLEU, CHRF, TER

from mtqa.metrics.base import Metric, check_pairs


class SacrebleuMetric(Metric):
    """Wraps one sacrebleu metric. ``_sentence`` scores one segment, ``_corpus`` a set of them: they
    differ only for BLEU, whose sentence level needs effective n-gram order."""

    _sentence: BLEU | CHRF | TER
    _corpus: BLEU | CHRF | TER

    def statistics(self, hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
        check_pairs(hypotheses, references)
        if not hypotheses:  # no aligned unit at all (a candidate unrelated to the reference)
            self._corpus.num_refs = 1  # the signature still names the single reference stream
            return np.zeros((0, 0))
        rows = self._corpus._extract_corpus_statistics(list(hypotheses), [list(references)])
        return np.asarray(rows, dtype=float)

    def segment_scores(self, stats: np.ndarray) -> np.ndarray:
        return np.array([self._sentence._compute_score_from_stats(row).score for row in stats])

    def corpus_score(self, stats: np.ndarray) -> float:
        if not len(stats):
            return float("nan")
        return float(self._corpus._compute_score_from_stats(stats.sum(axis=0)).score)

    def signature(self) -> str:
        return str(self._corpus.get_signature())


class ChrF(SacrebleuMetric):
    name = "chrf"

    def __init__(self) -> None:
        self._sentence = self._corpus = CHRF()


class Bleu(SacrebleuMetric):
    name = "bleu"

    def __init__(self) -> None:
        self._sentence = BLEU(effective_order=True)
        self._corpus = BLEU()


class Ter(SacrebleuMetric):
    name = "ter"
    higher_is_better = False

    def __init__(self) -> None:
        self._sentence = self._corpus = TER()
