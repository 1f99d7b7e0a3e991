"""Stage 5, score: reference-based metrics on every aligned unit (:mod:`.reference`) and the
reference-free fluency of every content sentence (:mod:`.fluency`)."""

from __future__ import annotations

from dataclasses import dataclass

from mtqa.core.exceptions import InputError
from mtqa.metrics import REFERENCE_METRICS

DEFAULT_METRICS = ("chrf", "bleu", "ter", "semantic", "unexplained_bits", "explained_bits")


@dataclass(frozen=True)
class ScoreOptions:
    # unexplained_bits and explained_bits need a causal LM: with the n-gram tier or no fluency model
    # they are left out
    metrics: tuple[str, ...] = DEFAULT_METRICS
    # A causal LM reads each content sentence after the content sentence before it in its document.
    # None: it does so for documents, not for line-aligned inputs, whose lines may come from many
    # documents (a WMT test set) with no boundary marked; the n-gram tier reads sentences alone.
    fluency_context: bool | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "metrics", tuple(self.metrics))
        unknown = set(self.metrics) - set(REFERENCE_METRICS)
        if unknown:
            raise InputError(None, f"unknown metric(s): {', '.join(sorted(unknown))}")
