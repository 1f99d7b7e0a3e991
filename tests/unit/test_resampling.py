"""Resampling statistics, as a specification: bootstrap intervals, paired tests and Holm's correction
on small hand-made statistics, deterministic given a seed."""

from __future__ import annotations

import numpy as np
import pytest

from mtqa.metrics import ChrF
from mtqa.metrics.resampling import (
    Interval,
    approximate_randomization,
    bootstrap_interval,
    clear_resample_cache,
    corpus_statistic,
    holm,
    mean_statistic,
    paired_bootstrap,
    paired_test,
)

RNG_VALUES = np.random.default_rng(0).normal(50, 10, size=40)


def test_a_mean_statistic_scores_the_mean_and_leaves_nan_out():
    statistic = mean_statistic("quality", [10.0, np.nan, 30.0])
    assert statistic.score() == 20.0
    assert statistic.has_value().tolist() == [True, False, True]
    assert statistic.segment_scores()[[0, 2]].tolist() == [10.0, 30.0]
    assert np.isnan(statistic.segment_scores()[1])


def test_weights_make_a_mean_statistic_a_ratio_of_sums():
    # 6 penalty points over 200 words, 0 over 100: 2 points per 100 words overall.
    statistic = mean_statistic("penalty", [6.0, 0.0], weights=[200, 100])
    assert statistic.score() == pytest.approx(6 / 300)


def test_grouped_statistics_score_each_group():
    statistic = mean_statistic("quality", [1.0, 2.0, 3.0, 5.0])
    groups = statistic.grouped(np.array([[1, 1, 0, 0], [0, 0, 1, 1]]))
    assert groups.segment_scores().tolist() == [1.5, 4.0]
    assert groups.score() == statistic.score()


def test_the_bootstrap_interval_holds_the_score_and_is_the_same_for_the_same_seed():
    statistic = mean_statistic("quality", RNG_VALUES)
    interval = bootstrap_interval(statistic, 500, seed=3)
    assert interval.value == pytest.approx(RNG_VALUES.mean())
    assert interval.low < interval.value < interval.high
    clear_resample_cache()
    assert bootstrap_interval(statistic, 500, seed=3) == interval
    assert bootstrap_interval(statistic, 500, seed=4) != interval


def test_the_bootstrap_interval_narrows_with_confidence():
    statistic = mean_statistic("quality", RNG_VALUES)
    wide, narrow = bootstrap_interval(statistic, 500, 1, 0.99), bootstrap_interval(statistic, 500, 1, 0.5)
    assert wide.low < narrow.low < narrow.high < wide.high


def test_the_bootstrap_interval_of_a_constant_is_that_constant():
    assert bootstrap_interval(mean_statistic("q", [7.0] * 10), 200, 0) == Interval(7.0, 7.0, 7.0)


def test_no_value_gives_a_nan_interval():
    for statistic in (mean_statistic("q", []), mean_statistic("q", [np.nan, np.nan])):
        interval = bootstrap_interval(statistic, 100, 0)
        assert np.isnan(interval.value) and np.isnan(interval.low) and np.isnan(interval.high)
        assert statistic.is_empty


def test_a_corpus_metric_resamples_its_own_statistics():
    chrf = ChrF()
    hypotheses = ["The minister resigned.", "Storms hit the coast.", "A parade downtown.", "The club won."]
    references = ["The minister quit.", "Storms struck the coast.", "A parade in town.", "The club won the cup."]
    statistic = corpus_statistic(chrf, chrf.statistics(hypotheses, references))
    assert statistic.score() == pytest.approx(chrf.corpus_score(chrf.statistics(hypotheses, references)))
    interval = bootstrap_interval(statistic, 300, 2)
    assert interval.low <= interval.value <= interval.high


def test_a_system_against_itself_has_no_difference_and_p_values_of_one():
    a = mean_statistic("q", RNG_VALUES)
    result = paired_test(a, a, 300, seed=1)
    assert (result.delta, result.delta_low, result.delta_high) == (0.0, 0.0, 0.0)
    assert result.p_bootstrap == 1.0 and result.p_randomization == 1.0
    assert result.n_pairs == len(RNG_VALUES)


def test_a_clear_improvement_is_significant_with_an_interval_above_zero():
    a, b = mean_statistic("q", RNG_VALUES), mean_statistic("q", RNG_VALUES + 5.0)
    result = paired_test(a, b, 300, seed=1)
    assert result.delta == pytest.approx(5.0)
    assert 0 < result.delta_low <= 5.0 <= result.delta_high
    assert result.p_bootstrap == pytest.approx(1 / 301) and result.p_randomization == pytest.approx(1 / 301)


def test_noise_is_not_significant():
    noise = np.random.default_rng(9).normal(0, 1, size=len(RNG_VALUES))
    a, b = mean_statistic("q", RNG_VALUES), mean_statistic("q", RNG_VALUES + noise * 0.01 - noise.mean() * 0.01)
    assert approximate_randomization(a, b, 300, seed=2) > 0.2
    assert paired_bootstrap(a, b, 300, seed=2)[0] > 0.2


def test_paired_tests_are_deterministic_given_the_seed():
    a, b = mean_statistic("q", RNG_VALUES), mean_statistic("q", RNG_VALUES[::-1])
    assert paired_test(a, b, 200, seed=5) == paired_test(a, b, 200, seed=5)
    assert approximate_randomization(a, b, 200, seed=5) == approximate_randomization(a, b, 200, seed=5)


def test_paired_tests_use_only_segments_where_both_carry_a_value():
    a = mean_statistic("q", [1.0, 2.0, np.nan, 4.0])
    b = mean_statistic("q", [1.5, np.nan, 3.0, 4.5])
    result = paired_test(a, b, 100, seed=0)
    assert result.n_pairs == 2 and (result.score_a, result.score_b) == (2.5, 3.0)


def test_no_common_segment_gives_nan_results():
    result = paired_test(mean_statistic("q", [1.0, np.nan]), mean_statistic("q", [np.nan, 2.0]))
    assert result.n_pairs == 0 and np.isnan(result.delta) and np.isnan(result.p_bootstrap)


def test_mis_shaped_pairs_are_refused():
    with pytest.raises(ValueError, match="paired statistics differ in shape"):
        paired_test(mean_statistic("q", [1.0, 2.0]), mean_statistic("q", [1.0]))
    with pytest.raises(ValueError, match="differ in shape"):
        approximate_randomization(mean_statistic("q", [1.0, 2.0]), mean_statistic("q", [1.0]))


def test_holm_multiplies_sorted_p_values_step_down_and_keeps_the_input_order():
    assert holm([0.01, 0.04, 0.03, 0.005]).tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_is_monotone_and_capped_at_one():
    adjusted = holm([0.5, 0.9, 0.001])
    assert adjusted.tolist() == pytest.approx([1.0, 1.0, 0.003])
    assert holm([0.2]).tolist() == [0.2]
    assert holm([]).tolist() == []
