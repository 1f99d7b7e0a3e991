"""Semantic similarity: cosine of sentence embeddings between a candidate unit and its reference."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from mtqa.backends.encoder import sentence_encoder
from mtqa.backends.options import ModelOptions
from mtqa.backends.packaged import DEFAULT_ENCODER, describe
from mtqa.metrics.base import MeanMetric, check_pairs


class SemanticSimilarity(MeanMetric):
    name = "semantic"

    def __init__(self, model: str = DEFAULT_ENCODER) -> None:
        self.model = model

    @classmethod
    def for_run(cls, models: ModelOptions, progress: bool = False) -> SemanticSimilarity:
        return cls(models.embedding_model)

    def statistics(self, hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
        check_pairs(hypotheses, references)
        if not hypotheses:
            return np.zeros((0, 1))
        encoder = sentence_encoder(self.model)
        hyp, ref = encoder.encode(list(hypotheses)), encoder.encode(list(references))
        return np.einsum("ij,ij->i", hyp, ref).astype(float)[:, None]

    def signature(self) -> str:
        info = describe(self.model)
        return f"cosine|model:{info['name']}|package:{info['package']}=={info['version']}"
