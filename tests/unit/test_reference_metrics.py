"""chrF, BLEU and TER from their sufficient statistics (sacrebleu, no model): sentence and corpus
scores from the same rows, and refusals of mis-shaped input."""

from __future__ import annotations

import numpy as np
import pytest
import sacrebleu

from mtqa.metrics import REFERENCE_METRICS, Bleu, ChrF, Ter
from mtqa.metrics.base import MeanMetric, check_pairs

HYPOTHESES = [
    "The minister resigned on Monday.",
    "Parliament rejects the budget again.",
    "Storms hit the coast overnight.",
    "A completely unrelated sentence.",
]
REFERENCES = [
    "The minister resigned on Monday.",
    "Parliament rejected the budget once more.",
    "Heavy storms hit the coast overnight.",
    "The club won the cup.",
]
METRICS = [(ChrF, sacrebleu.sentence_chrf, sacrebleu.corpus_chrf),
           (Bleu, sacrebleu.sentence_bleu, sacrebleu.corpus_bleu),
           (Ter, sacrebleu.sentence_ter, sacrebleu.corpus_ter)]


@pytest.mark.parametrize("metric, sentence, corpus", METRICS)
def test_summed_statistics_give_sacrebleus_corpus_score(metric, sentence, corpus):
    stats = metric().statistics(HYPOTHESES, REFERENCES)
    assert stats.shape[0] == len(HYPOTHESES)
    assert metric().corpus_score(stats) == pytest.approx(corpus(HYPOTHESES, [REFERENCES]).score)


@pytest.mark.parametrize("metric, sentence, corpus", METRICS)
def test_each_row_gives_sacrebleus_sentence_score(metric, sentence, corpus):
    m = metric()
    scores = m.segment_scores(m.statistics(HYPOTHESES, REFERENCES))
    assert scores == pytest.approx([sentence(h, [r]).score for h, r in zip(HYPOTHESES, REFERENCES)])


@pytest.mark.parametrize("metric, sentence, corpus", METRICS)
def test_a_subset_of_rows_is_the_corpus_score_of_that_subset(metric, sentence, corpus):
    m = metric()
    stats = m.statistics(HYPOTHESES, REFERENCES)
    assert m.corpus_score(stats[[1, 2]]) == pytest.approx(corpus(HYPOTHESES[1:3], [REFERENCES[1:3]]).score)


def test_a_perfect_match_is_the_best_score_and_an_unrelated_one_the_worst():
    chrf, bleu, ter = ChrF(), Bleu(), Ter()
    for metric in (chrf, bleu):
        scores = metric.segment_scores(metric.statistics(HYPOTHESES, REFERENCES))
        assert scores[0] == pytest.approx(100.0) and scores[3] == min(scores)
    ter_scores = ter.segment_scores(ter.statistics(HYPOTHESES, REFERENCES))
    assert ter_scores[0] == 0.0 and ter_scores[3] == max(ter_scores)
    assert ChrF.higher_is_better and Bleu.higher_is_better and not Ter.higher_is_better


def test_sentence_bleu_uses_effective_order_and_corpus_bleu_does_not():
    # A two-word match has no 3- or 4-gram: plain BLEU is 0, effective-order BLEU is not.
    bleu = Bleu()
    stats = bleu.statistics(["Hello there"], ["Hello there"])
    assert bleu.segment_scores(stats)[0] == pytest.approx(100.0)
    assert bleu.corpus_score(stats) == pytest.approx(sacrebleu.corpus_bleu(["Hello there"], [["Hello there"]]).score)


@pytest.mark.parametrize("metric", [ChrF, Bleu, Ter])
def test_no_segment_gives_empty_statistics_and_a_nan_corpus_score(metric):
    m = metric()
    stats = m.statistics([], [])
    assert len(stats) == 0
    assert np.isnan(m.corpus_score(stats))
    assert "nrefs:1" in m.signature()


@pytest.mark.parametrize("metric", [ChrF, Bleu, Ter])
def test_mis_shaped_or_non_string_segments_are_refused(metric):
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        metric().statistics(["a", "b"], ["a"])
    with pytest.raises(TypeError, match="segments must be strings, got NoneType"):
        metric().statistics(["a", None], ["a", "b"])


def test_check_pairs_accepts_matching_string_lists():
    check_pairs(["a"], ["b"])
    with pytest.raises(TypeError, match="got int"):
        check_pairs(["a"], [1])


def test_every_reference_metric_is_registered_under_its_name():
    assert {"chrf", "bleu", "ter", "semantic", "unexplained_bits", "explained_bits"} <= set(REFERENCE_METRICS)
    assert all(metric.name == name for name, metric in REFERENCE_METRICS.items())


def test_a_mean_metric_scores_the_mean_of_its_rows():
    class Length(MeanMetric):
        name = "length"

        def statistics(self, hypotheses, references):
            return np.array([[len(h)] for h in hypotheses], dtype=float)

        def signature(self):
            return "length"

    metric = Length()
    stats = metric.statistics(["ab", "abcd"], ["x", "y"])
    assert metric.segment_scores(stats).tolist() == [2.0, 4.0]
    assert metric.corpus_score(stats) == 3.0
    assert np.isnan(metric.corpus_score(stats[:0]))
