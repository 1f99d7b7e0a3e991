"""The learned score: mtqa's estimator (:mod:`mtqa.backends.estimator`) reading each candidate unit
with its reference. A standardised human judgement: 0 is an average WMT translation, higher is better.
Not yet in the default metrics: docs/learned-estimator.md says how it compares with the quality score."""

from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np

from mtqa.backends.estimator import WEIGHTS_FILE, estimator_dir, learned_estimator
from mtqa.backends.options import ModelOptions
from mtqa.backends.packaged import DEFAULT_BATCH_SIZE
from mtqa.metrics.base import MeanMetric, check_pairs


class LearnedScore(MeanMetric):
    name = "learned"

    def __init__(self, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.batch_size = batch_size

    @classmethod
    def for_run(cls, models: ModelOptions, progress: bool = False) -> LearnedScore:
        return cls(models.batch_size)

    def statistics(self, hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
        check_pairs(hypotheses, references)
        if not hypotheses:
            return np.zeros((0, 1))
        scores, _ = learned_estimator(self.batch_size).predict(list(hypotheses), list(references))
        return scores[:, None]

    def signature(self) -> str:
        digest = hashlib.sha256((estimator_dir() / WEIGHTS_FILE).read_bytes()).hexdigest()[:12]
        return f"learned|encoder:minilm|weights:{digest}"
