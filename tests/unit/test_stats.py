"""Resampling statistics on real TED zh→en segments: intervals, paired tests, Holm correction, checked
against sacrebleu's and scipy's own implementations."""

import numpy as np
import pytest
import sacrebleu
import sacrebleu.significance
from conftest import ted_lines
from scipy import stats as scipy_stats

from mtqa.analyses.compare import human_agreement, pair_groups
from mtqa.metrics import Bleu, ChrF, Ter
from mtqa.metrics.resampling import (
    approximate_randomization,
    bootstrap_interval,
    corpus_statistic,
    holm,
    mean_statistic,
    paired_bootstrap,
    paired_test,
)

REFERENCE, DIDI, ONLINE = ted_lines("reference"), ted_lines("DIDI-NLP"), ted_lines("Online-W")


def statistic(metric, hypotheses, references=REFERENCE):
    return corpus_statistic(metric, metric.statistics(hypotheses, references))


@pytest.mark.parametrize("metric, corpus", [(ChrF(), sacrebleu.corpus_chrf), (Bleu(), sacrebleu.corpus_bleu), (Ter(), sacrebleu.corpus_ter)])
def test_score_from_summed_statistics_is_the_corpus_score(metric, corpus):
    assert statistic(metric, ONLINE).score() == pytest.approx(corpus(ONLINE, [REFERENCE]).score)


def test_bootstrap_interval_agrees_with_sacrebleu():
    """sacrebleu's paired bootstrap reports mean ± half the 95 % range of the same resampled scores."""
    mine = bootstrap_interval(statistic(ChrF(), ONLINE), 1000, seed=7)
    test = sacrebleu.significance.PairedTest(
        [("baseline", DIDI), ("online", ONLINE)], {"chrf": sacrebleu.metrics.CHRF()}, [REFERENCE],
        test_type="bs", n_samples=1000,
    )
    _, results = test()
    theirs = results["chrF2"][1]
    assert mine.value == pytest.approx(theirs.score, abs=1e-6)
    assert mine.low == pytest.approx(theirs.mean - theirs.ci, abs=0.3)
    assert mine.high == pytest.approx(theirs.mean + theirs.ci, abs=0.3)
    assert mine.low < mine.value < mine.high


def test_approximate_randomization_agrees_with_sacrebleu_on_a_close_pair():
    # Lines 200-259: Online-W's chrF is 2.8 points lower, p ≈ 0.09: neither 0 nor 1, a real test of the
    # p-value. Differences come from Monte Carlo noise only (σ ≈ 0.004 at 10,000 trials).
    window = slice(200, 260)
    a = statistic(ChrF(), DIDI[window], REFERENCE[window])
    b = statistic(ChrF(), ONLINE[window], REFERENCE[window])
    test = sacrebleu.significance.PairedTest(
        [("baseline", DIDI[window]), ("online", ONLINE[window])], {"chrf": sacrebleu.metrics.CHRF()},
        [REFERENCE[window]], test_type="ar", n_samples=10000,
    )
    _, results = test()
    theirs = results["chrF2"][1].p_value
    mine = approximate_randomization(a, b, 10000, seed=3)
    assert 0.05 < mine < 0.15
    assert mine == pytest.approx(theirs, abs=0.015)


def test_approximate_randomization_of_means_agrees_with_scipy_permutation_test():
    sentence = ChrF()
    window = slice(200, 260)  # mean sentence chrF 2.3 points apart, p ≈ 0.2
    a = sentence.segment_scores(sentence.statistics(DIDI[window], REFERENCE[window]))
    b = sentence.segment_scores(sentence.statistics(ONLINE[window], REFERENCE[window]))
    mine = approximate_randomization(mean_statistic("chrf", a), mean_statistic("chrf", b), 10000, seed=5)
    theirs = scipy_stats.permutation_test(
        (a, b), lambda x, y: np.mean(x) - np.mean(y), permutation_type="samples", n_resamples=10000,
        alternative="two-sided", random_state=11,
    ).pvalue
    assert 0.01 < theirs < 0.5  # a p-value worth comparing
    assert mine == pytest.approx(theirs, abs=0.02)


def test_a_system_against_itself_has_p_values_of_one():
    a = statistic(Bleu(), DIDI)
    result = paired_test(a, a, 1000, seed=1)
    assert result.delta == 0 and result.delta_low == 0 and result.delta_high == 0
    assert result.p_bootstrap == 1.0 and result.p_randomization == 1.0


def test_a_clear_difference_is_significant_with_a_delta_interval_excluding_zero():
    a, b = statistic(ChrF(), DIDI), statistic(ChrF(), ONLINE)
    result = paired_test(a, b, 1000, seed=1)
    assert result.n_pairs == 529
    assert result.delta == pytest.approx(b.score() - a.score())
    assert result.delta_low < result.delta < result.delta_high < 0
    assert result.p_bootstrap == result.p_randomization == pytest.approx(1 / 1001)  # no resample as extreme


def test_same_seed_same_numbers_other_seed_other_resamples():
    window = slice(200, 260)
    a = statistic(Ter(), DIDI[window], REFERENCE[window])
    b = statistic(Ter(), ONLINE[window], REFERENCE[window])
    first, again = paired_test(a, b, 500, seed=42), paired_test(a, b, 500, seed=42)
    assert first == again
    other = paired_test(a, b, 500, seed=43)
    assert other.p_randomization != first.p_randomization or other.delta_low != first.delta_low
    assert bootstrap_interval(a, 500, 42) == bootstrap_interval(a, 500, 42)


def test_empty_values_are_left_out_not_counted_as_zero():
    values = np.array([80.0, np.nan, 60.0, np.nan])
    statistic_ = mean_statistic("quality", values)
    assert statistic_.score() == 70.0
    assert statistic_.has_value().tolist() == [True, False, True, False]
    assert np.isnan(mean_statistic("quality", [np.nan, np.nan]).score())
    interval = bootstrap_interval(mean_statistic("quality", [np.nan, np.nan]))
    assert np.isnan(interval.low) and np.isnan(interval.high)


def test_paired_test_uses_only_segments_where_both_systems_have_a_value():
    a = mean_statistic("fluency", [1.0, 2.0, np.nan, 4.0])
    b = mean_statistic("fluency", [1.5, np.nan, 3.0, 4.5])
    result = paired_test(a, b, 200, seed=0)
    assert result.n_pairs == 2
    assert result.score_a == 2.5 and result.score_b == 3.0


def test_mis_shaped_pairs_are_refused():
    with pytest.raises(ValueError, match="differ in shape"):
        paired_bootstrap(statistic(ChrF(), DIDI[:10], REFERENCE[:10]), statistic(ChrF(), DIDI[:9], REFERENCE[:9]))


def test_holm_correction():
    # Holm (1979) step-down: sorted p × (m, m-1, …), made monotone, capped at 1; input order kept.
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted.tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]).tolist() == pytest.approx([1.0, 1.0])
    assert holm([0.2]).tolist() == [0.2]


@pytest.mark.parametrize(
    "score, delta, expected",
    [("chrf", 0.99, "<70 %"), ("chrf", -1.0, "≥70 %"), ("chrf", 1.7, "≥80 %"), ("chrf", 2.12, "≥85 %"),
     ("chrf", 4.29, "≥90 %"), ("bleu", 1.38, "<70 %"), ("bleu", 2.5, "≥80 %"), ("bleu", 12.0, "≥85 %"),
     ("ter", 5.0, None), ("chrf", float("nan"), None)],
)
def test_human_agreement_follows_kocmi_et_al_2024(score, delta, expected):
    assert human_agreement(score, delta) == expected


def test_comparable_pairing_joins_units_that_share_reference_sentences():
    ref = lambda *ids: frozenset(("ref", i) for i in ids)  # noqa: E731
    keys_a = [ref(1), ref(2, 3), ref(5), ref(7)]
    keys_b = [ref(1), ref(2), ref(3), ref(4), ref(7)]
    groups_a, groups_b = pair_groups(keys_a, keys_b)
    # sentence 1 ↔ 1; A's 2+3 ↔ B's 2 and 3; 7 ↔ 7; A's 5 and B's 4 have no counterpart.
    assert groups_a.tolist() == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]
    assert groups_b.tolist() == [[1, 0, 0, 0, 0], [0, 1, 1, 0, 0], [0, 0, 0, 0, 1]]


def test_no_common_segment_gives_an_empty_result_not_an_error():
    result = paired_test(mean_statistic("quality", [1.0, np.nan]), mean_statistic("quality", [np.nan, 2.0]))
    assert result.n_pairs == 0 and np.isnan(result.p_bootstrap) and np.isnan(result.p_randomization)
