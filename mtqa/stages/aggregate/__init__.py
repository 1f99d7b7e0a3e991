"""Stage 7, aggregate: the tidy tables of the output contract (:mod:`.tables`), the sentence quality
score (:mod:`.quality`), each document's statistics with their bootstrap intervals
(:mod:`.statistics`), and cautions about the reference (:mod:`.reference_quality`)."""

from __future__ import annotations

from dataclasses import dataclass

from mtqa.core.exceptions import InputError
from mtqa.metrics.resampling import DEFAULT_RESAMPLES, DEFAULT_SEED


@dataclass(frozen=True)
class AggregateOptions:
    bootstrap_resamples: int = DEFAULT_RESAMPLES  # for the confidence intervals in documents.csv
    seed: int = DEFAULT_SEED  # of every resampling: same seed, same intervals

    def __post_init__(self) -> None:
        if self.bootstrap_resamples < 1:
            raise InputError(None, f"bootstrap_resamples must be at least 1, got {self.bootstrap_resamples}")
