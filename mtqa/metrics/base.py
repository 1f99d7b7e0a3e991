"""The metric interface: per-segment sufficient statistics are computed once (as in sacrebleu), and
sentence scores, corpus scores, bootstrap intervals and significance tests are all derived from them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Sequence

import numpy as np

from mtqa.backends.options import ModelOptions


class Metric(ABC):
    name: ClassVar[str]
    higher_is_better: ClassVar[bool] = True

    @classmethod
    def for_run(cls, models: ModelOptions, progress: bool = False) -> Metric | None:
        """The metric as a run with these models computes it; None when the run lacks the model it needs."""
        return cls()

    @abstractmethod
    def statistics(self, hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
        """One row of sufficient statistics per segment, shape (n_segments, k)."""

    @abstractmethod
    def segment_scores(self, stats: np.ndarray) -> np.ndarray:
        """The sentence-level score of each row of ``stats``."""

    @abstractmethod
    def corpus_score(self, stats: np.ndarray) -> float:
        """The corpus-level score of a set of rows (a document, a system, or a bootstrap sample)."""

    @abstractmethod
    def signature(self) -> str:
        """The settings that produced the numbers, recorded in run.json."""


class MeanMetric(Metric):
    """A metric whose statistic is the segment score itself and whose corpus score is the mean."""

    def segment_scores(self, stats: np.ndarray) -> np.ndarray:
        return stats[:, 0].astype(float)

    def corpus_score(self, stats: np.ndarray) -> float:
        return float(np.mean(stats[:, 0])) if len(stats) else float("nan")


def check_pairs(hypotheses: Sequence[str], references: Sequence[str]) -> None:
    """sacrebleu's most reported bug class is silently mis-shaped input: refuse it."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    for value in (*hypotheses, *references):
        if not isinstance(value, str):
            raise TypeError(f"segments must be strings, got {type(value).__name__}")
