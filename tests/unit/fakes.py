"""Small stand-ins for the models, written for the unit tier: deterministic, instant, and simple
enough that a test can say what they will return."""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

from mtqa.backends.language_models import LanguageModel, TokenSurprisal

DIMENSION = 256
_WORD = re.compile(r"\w+")


def _bucket(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=4).digest(), "little") % DIMENSION


def features(text: str) -> list[str]:
    """Lower-cased words, each counted once more for every four letters (long words carry the
    meaning), and the character trigrams of long words (so that "minister" and "ministers" are close)."""
    found = []
    for word in _WORD.findall(text.lower()):
        found.extend(["w:" + word] * (1 + len(word) // 4))
        if len(word) >= 6:
            padded = f"#{word}#"
            found.extend("c:" + padded[i:i + 3] for i in range(len(padded) - 2))
    return found


class FakeEncoder:
    """Hashed bag of words and character trigrams, L2-normalised: texts sharing words are close,
    texts sharing nothing are orthogonal (up to hash collisions), the same text is always the same
    vector. A text with no word at all gets a fixed unit vector of its own."""

    name = "fake-encoder"
    dimension = DIMENSION + 1

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for feature in features(text):
            vector[_bucket(feature)] += 1.0
        if not vector.any():
            vector[DIMENSION] = 1.0  # no word: a direction no worded text uses
        return vector / np.linalg.norm(vector)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self.vector(t) for t in texts])

    def __call__(self, texts: list[str]) -> np.ndarray:  # the Encoder callable the stages take
        return self.encode(texts)


class FakeLanguageModel(LanguageModel):
    """mtqa's LanguageModel interface: one token per word, ``bits_per_char`` bits per character of
    the word, and a word the context already holds costs ``known_bits`` only."""

    name = "fake-lm"

    def __init__(self, bits_per_char: float = 2.0, known_bits: float = 0.5) -> None:
        self.bits_per_char = bits_per_char
        self.known_bits = known_bits
        self.calls: list[tuple[list[str], list[str] | None]] = []

    def surprisals(
        self, texts: Sequence[str], *, contexts: Sequence[str] | None = None, progress: bool = False,
        label: str = "fluency",
    ) -> list[list[TokenSurprisal]]:
        self.calls.append((list(texts), None if contexts is None else list(contexts)))
        contexts = contexts if contexts is not None else [""] * len(texts)
        result = []
        for text, context in zip(texts, contexts):
            known = {w.lower() for w in _WORD.findall(context)}
            result.append([
                TokenSurprisal(m.start(), m.end(),
                               self.known_bits if m.group(0).lower() in known else self.bits_per_char * len(m.group(0)))
                for m in _WORD.finditer(text)
            ])
        return result

    def signature(self) -> str:
        return f"fake-lm|{self.bits_per_char}|{self.known_bits}"
