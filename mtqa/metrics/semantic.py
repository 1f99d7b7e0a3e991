"""Semantic similarity: cosine of sentence embeddings between a candidate unit and its reference."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..models import describe, sentence_encoder
from .base import MeanMetric, check_pairs

if TYPE_CHECKING:
    from ..pipeline import AssessOptions


class SemanticSimilarity(MeanMetric):
    name = "semantic"

    def __init__(self, model: str = "minilm", batch_size: int = 32) -> None:
        self.model = model
        self.batch_size = batch_size

    @classmethod
    def for_run(cls, options: AssessOptions, progress: bool = False) -> SemanticSimilarity:
        return cls(options.embedding_model, options.batch_size)

    def statistics(self, hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
        check_pairs(hypotheses, references)
        if not hypotheses:
            return np.zeros((0, 1))
        encoder = sentence_encoder(self.model, self.batch_size)
        hyp, ref = encoder.encode(list(hypotheses)), encoder.encode(list(references))
        return np.einsum("ij,ij->i", hyp, ref).astype(float)[:, None]

    def signature(self) -> str:
        info = describe(self.model)
        return f"cosine|model:{info['name']}|package:{info['package']}=={info['version']}"
