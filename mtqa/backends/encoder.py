"""The sentence encoder: sentence and token embeddings from a sentence-transformers model, each distinct
text encoded once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from mtqa.backends.packaged import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_ENCODER,
    PACKAGED,
    quiet_libraries,
)


class SentenceEncoder:
    """Sentence and token embeddings from a sentence-transformers model.

    Each distinct text is encoded once per process; vectors are L2-normalised, so a dot product is a
    cosine. Results do not depend on the batch size beyond float rounding (~1e-7).
    """

    def __init__(self, name_or_path: str = DEFAULT_ENCODER, batch_size: int = DEFAULT_BATCH_SIZE):
        packaged = PACKAGED.get(name_or_path)
        location = str(packaged.locate()) if packaged else name_or_path
        quiet_libraries()
        from sentence_transformers import SentenceTransformer

        self.name = name_or_path
        self.batch_size = batch_size
        self.model = SentenceTransformer(location, device="cpu")
        self._cache: dict[str, np.ndarray] = {}
        self._token_cache: dict[str, TokenVectors] = {}

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._cache}, key=len)
        if missing:
            vectors = self.model.encode(
                missing,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            self._cache.update(zip(missing, vectors.astype(np.float32)))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


    def token_embeddings(self, texts: list[str]) -> list[TokenVectors]:
        """Contextual word-piece vectors (L2-normalised) with their character offsets into each text.

        Special tokens ([CLS], [SEP]) are dropped; a text longer than the model's window keeps its
        first pieces only, so the last words of a very long text may have no vector.
        """
        missing = sorted({t for t in texts if t not in self._token_cache}, key=len)
        if missing:
            outputs = self.model.encode(
                missing,
                batch_size=self.batch_size,
                output_value="token_embeddings",
                convert_to_numpy=False,
                show_progress_bar=False,
            )
            for text, output in zip(missing, outputs):
                self._token_cache[text] = self._token_vectors(text, output.float().cpu().numpy())
        return [self._token_cache[t] for t in texts]

    def _token_vectors(self, text: str, vectors: np.ndarray) -> TokenVectors:
        encoding = self.model.tokenizer(
            text, return_offsets_mapping=True, truncation=True, max_length=self.model.max_seq_length
        )
        offsets = np.asarray(encoding["offset_mapping"][: len(vectors)], dtype=np.int64).reshape(-1, 2)
        keep = offsets[:, 1] > offsets[:, 0]  # special tokens have the empty range (0, 0)
        kept = vectors[keep]
        norms = np.linalg.norm(kept, axis=1, keepdims=True)
        return TokenVectors(offsets[keep], (kept / np.maximum(norms, 1e-12)).astype(np.float32))


@dataclass(frozen=True)
class TokenVectors:
    """One text's word pieces: character ranges into the text and unit-length contextual vectors."""

    offsets: np.ndarray  # (n, 2) int: start, end (exclusive)
    vectors: np.ndarray  # (n, dimension) float32


@functools.cache
def sentence_encoder(name_or_path: str = DEFAULT_ENCODER, batch_size: int = DEFAULT_BATCH_SIZE) -> SentenceEncoder:
    return SentenceEncoder(name_or_path, batch_size)
