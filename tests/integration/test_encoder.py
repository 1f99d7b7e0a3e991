"""The packaged sentence encoder: a text's sentence vector and word pieces are the same bit for bit
whatever texts it is encoded with, in whatever order (the result cache and any grouping of the work
rely on it), and agree with sentence-transformers' own encoding to float rounding."""

from __future__ import annotations

import numpy as np
from conftest import REFERENCE

from mtqa.backends.encoder import SentenceEncoder

TEXTS = [line for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line.strip()][:40]


def test_a_texts_vectors_do_not_depend_on_the_texts_encoded_beside_it():
    together = SentenceEncoder()
    vectors = together.encode(TEXTS)
    alone = SentenceEncoder()
    one_at_a_time = np.stack([alone.encode([text])[0] for text in reversed(TEXTS)])[::-1]
    assert np.array_equal(vectors, one_at_a_time)
    pieces, single = together.token_embeddings(TEXTS), [alone.token_embeddings([t])[0] for t in TEXTS]
    assert all(np.array_equal(a.vectors, b.vectors) and np.array_equal(a.offsets, b.offsets)
               for a, b in zip(pieces, single))
    reference = together.model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    np.testing.assert_allclose(vectors, reference, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
