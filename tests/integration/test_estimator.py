"""The packaged learned estimator: it loads from the package, gives the same numbers whatever the batch
size, and runs as a metric of the pipeline; and the packaged link verifier the aligner reads."""

from __future__ import annotations

import numpy as np

import mtqa
from mtqa.backends.estimator import (
    LearnedEstimator,
    LinkVerifier,
    estimator_dir,
    link_verifier,
)
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


def test_the_link_verifier_believes_a_counterpart_and_doubts_the_same_storys_other_sentences():
    verifier = link_verifier()
    reference = "The Pentagon said it had no information to provide concerning a resumption when contacted by AFP."
    candidates = [
        "Contacted by AFP, the Pentagon said it had no information to give about a resumption.",  # its counterpart
        "The Pentagon said",  # a clause of it
        "The United States resumed Wednesday their military operations, in common with Iraq.",  # same story
        "More than 5,000 American soldiers are deployed in Iraq.",
    ]
    probability = verifier(candidates, [reference] * len(candidates))
    assert probability.shape == (4,) and ((probability >= 0) & (probability <= 1)).all()
    assert probability[0] > 0.8 and probability[2] < 0.5 and probability[3] < 0.5
    np.testing.assert_allclose(LinkVerifier(batch_size=1)(candidates, [reference] * 4), probability, atol=1e-5)
    assert len(verifier([], [])) == 0


def test_the_pipeline_records_the_link_verifier_it_aligned_with():
    reference = mtqa.document_from_text("\n\n".join(CANDIDATES[1:3]) + "\n", "reference", "ref")
    candidate = mtqa.document_from_text("\n\n".join(CANDIDATES[:3:2]) + "\n", "candidate", "mt")
    result = mtqa.assess(reference, candidate, fluency_model="ngram", find_errors=False, partial_links=True,
                         verifier_weight=0.6)
    assert result.signature["models"]["link-verifier"]["name"] == "link-verifier"
    assert set(result.sentences.status) <= {"aligned", "partial"}
    off = mtqa.assess(reference, candidate, fluency_model="ngram", find_errors=False)  # the default: no verifier
    assert "link-verifier" not in off.signature["models"]
