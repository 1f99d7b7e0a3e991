"""The packaged learned estimator: it loads from the package, gives the same numbers whatever the batch
size, and runs as a metric of the pipeline."""

from __future__ import annotations

import numpy as np

import mtqa
from mtqa.backends.estimator import LearnedEstimator, estimator_dir
from mtqa.backends.packaged import PACKAGED

REFERENCE = "Asked by AFP, the Pentagon refused to comment on this information."
CANDIDATES = [
    "Asked by AFP, the Pentagon has refused to how one this information.",
    "Asked by AFP, the Pentagon declined to comment on this information.",
    "The United States resumed Wednesday their military operations, in common with Iraq.",
    "Administration sources said they said.",
]


def test_the_weights_ship_inside_the_package_and_are_small():
    directory = PACKAGED["estimator"].locate()
    assert directory == estimator_dir() and (directory / "config.json").is_file()
    assert (directory / "weights.pt").stat().st_size <= 60_000_000


def test_scores_and_word_probabilities_do_not_depend_on_the_batch_size():
    one = LearnedEstimator(batch_size=1)
    many = LearnedEstimator(batch_size=32)
    for references in (None, [REFERENCE] * len(CANDIDATES)):
        scores_one, words_one = one.predict(CANDIDATES, references)
        scores_many, words_many = many.predict(CANDIDATES, references)
        np.testing.assert_allclose(scores_one, scores_many, atol=1e-5)
        for a, b in zip(words_one, words_many):
            assert [(w.start, w.end) for w in a] == [(w.start, w.end) for w in b]
            np.testing.assert_allclose([w.probability for w in a], [w.probability for w in b], atol=1e-5)
    words = one.predict(CANDIDATES[:1], [REFERENCE])[1][0]
    text = CANDIDATES[0]
    assert [text[w.start:w.end] for w in words] == text.split()
    assert all(0.0 <= w.probability <= 1.0 for w in words)


def test_the_learned_metric_fills_its_own_sentence_column():
    reference = mtqa.document_from_text(REFERENCE + "\n" + REFERENCE + "\n", "reference", "ref")
    candidate = mtqa.document_from_text("\n".join(CANDIDATES[:2]) + "\n", "candidate", "mt")
    result = mtqa.assess(reference, candidate, parallel=True, fluency_model="ngram", find_errors=False,
                         metrics=("chrf", "learned"))
    assert result.sentences.learned.notna().all()
    assert "learned" in result.signature["metrics"]
    assert list(result.sentences.columns[-1:]) == ["learned"]
