"""The sentence encoder: sentence and token embeddings from a sentence-transformers model, each distinct
text encoded once per process (and kept in the on-disk result cache)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from mtqa.backends.packaged import (
    DEFAULT_ENCODER,
    PACKAGED,
    quiet_libraries,
)
from mtqa.backends.result_cache import cached, fingerprint, text_key


class SentenceEncoder:
    """Sentence and token embeddings from a sentence-transformers model.

    Each distinct text is encoded once per process; vectors are L2-normalised, so a dot product is a
    cosine. A text's numbers do not depend on the texts encoded with it (:meth:`_forward`).
    """

    # Measured on 600 news sentences (2 cores): as fast as sentence-transformers' own batching of 32.
    TOKEN_BUDGET = 512  # tokens per forward pass: rows = budget // padded length
    LENGTH_STEP = 8  # texts are padded up to a multiple of this many tokens

    def __init__(self, name_or_path: str = DEFAULT_ENCODER):
        packaged = PACKAGED.get(name_or_path)
        self.location = str(packaged.locate()) if packaged else name_or_path
        self.name = name_or_path
        self._cache: dict[str, np.ndarray] = {}
        self._token_cache: dict[str, TokenVectors] = {}
        self._namespace = (f"encoder:{name_or_path}|{fingerprint(self.location)}"
                           f"|budget:{self.TOKEN_BUDGET}|step:{self.LENGTH_STEP}")

    @functools.cached_property
    def model(self):
        """The weights, loaded at the first text the memory and the on-disk cache do not hold."""
        quiet_libraries()
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(self.location, device="cpu")

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._cache}, key=len)
        if missing:
            def compute(positions: list[int]):
                todo = [missing[p] for p in positions]
                return zip(positions, (vector for vector, _ in self._forward(todo)))

            vectors = cached(f"{self._namespace}|sentence", [text_key(t) for t in missing], compute,
                             _encode_array, _decode_vector)
            self._cache.update(zip(missing, vectors))
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
            def compute(positions: list[int]):
                todo = [missing[p] for p in positions]
                outputs = self._forward(todo)
                return ((p, self._token_vectors(t, pieces)) for p, t, (_, pieces) in zip(positions, todo, outputs))

            pieces = cached(f"{self._namespace}|tokens", [text_key(t) for t in missing], compute,
                            _encode_token_vectors, _decode_token_vectors)
            self._token_cache.update(zip(missing, pieces))
        return [self._token_cache[t] for t in texts]

    def _forward(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each text's unit-length sentence vector and its word pieces' vectors (special tokens
        included), from forward passes whose shape depends only on the text's own length: texts are
        padded to a multiple of LENGTH_STEP tokens and passes of one length always hold the same
        number of rows, so a text's numbers do not depend on the texts beside it, on the batch size or
        on what the result cache already held."""
        import torch

        tokenizer, window = self.model.tokenizer, self.model.max_seq_length
        encoded = tokenizer(texts + [""], truncation=True, max_length=window)  # "": an unused row
        rows_of = [{key: values[i] for key, values in encoded.items()} for i in range(len(texts) + 1)]
        lengths = [len(row["input_ids"]) for row in rows_of[:-1]]
        buckets: dict[int, list[int]] = {}
        for i, n in enumerate(lengths):
            buckets.setdefault(min(window, -(-n // self.LENGTH_STEP) * self.LENGTH_STEP), []).append(i)
        results: list[tuple[np.ndarray, np.ndarray]] = [None] * len(texts)  # type: ignore[list-item]
        for length, members in sorted(buckets.items()):
            rows = max(1, self.TOKEN_BUDGET // length)
            for start in range(0, len(members), rows):
                batch = members[start : start + rows]
                inputs = [rows_of[i] for i in batch] + [rows_of[-1]] * (rows - len(batch))
                features = tokenizer.pad(inputs, padding="max_length", max_length=length, return_tensors="pt")
                with torch.inference_mode():
                    out = self.model(dict(features))
                vectors = torch.nn.functional.normalize(out["sentence_embedding"], p=2, dim=1)
                for row, i in enumerate(batch):
                    results[i] = (vectors[row].numpy().astype(np.float32),
                                  out["token_embeddings"][row, : lengths[i]].float().numpy())
        return results

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


def _encode_array(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def _decode_vector(value: bytes) -> np.ndarray:
    return np.frombuffer(value, dtype="<f4").astype(np.float32)


def _encode_token_vectors(pieces: TokenVectors) -> bytes:
    n, dimension = pieces.vectors.shape
    header = np.array([n, dimension], dtype="<i8").tobytes()
    return header + np.ascontiguousarray(pieces.offsets, dtype="<i8").tobytes() + _encode_array(pieces.vectors)


def _decode_token_vectors(value: bytes) -> TokenVectors:
    n, dimension = np.frombuffer(value[:16], dtype="<i8").tolist()
    offsets = np.frombuffer(value[16 : 16 + 16 * n], dtype="<i8").reshape(n, 2).astype(np.int64)
    vectors = np.frombuffer(value[16 + 16 * n :], dtype="<f4").reshape(n, dimension).astype(np.float32)
    return TokenVectors(offsets, vectors)


def sentence_encoder(name_or_path: str = DEFAULT_ENCODER) -> SentenceEncoder:
    """The process's encoder for a model (one, however it is asked for)."""
    return _sentence_encoder(name_or_path)


@functools.cache
def _sentence_encoder(name_or_path: str) -> SentenceEncoder:
    return SentenceEncoder(name_or_path)
