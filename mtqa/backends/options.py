"""Which models a run uses: the options every model-backed stage and metric reads."""

from __future__ import annotations

from dataclasses import dataclass

from mtqa.backends.language_models import DEFAULT_LANGUAGE_MODEL, is_causal
from mtqa.backends.packaged import DEFAULT_BATCH_SIZE, DEFAULT_ENCODER
from mtqa.core.exceptions import InputError


@dataclass(frozen=True)
class ModelOptions:
    """Each model option takes a packaged short name (``mtqa models`` lists them), a local directory
    or a hub id."""

    embedding_model: str = DEFAULT_ENCODER
    # "smollm2", "ngram" (the fast tier), a causal LM's directory or hub id; None: no fluency model
    fluency_model: str | None = DEFAULT_LANGUAGE_MODEL
    batch_size: int = DEFAULT_BATCH_SIZE  # the learned estimator's and the link verifier's
    # False: compute every model output afresh and write none to the on-disk result cache
    # (mtqa.backends.result_cache; also off when $MTQA_NO_CACHE is set). Results are the same either way.
    cache: bool = True

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise InputError(None, f"batch_size must be at least 1, got {self.batch_size}")

    @property
    def causal_fluency_model(self) -> bool:
        """Whether the fluency model is a causal LM, one that can read a context (not the n-gram tier)."""
        return self.fluency_model is not None and is_causal(self.fluency_model)
