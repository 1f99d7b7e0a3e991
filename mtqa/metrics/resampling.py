"""Resampling statistics: bootstrap confidence intervals, paired significance tests, Holm correction.

Every score is handled through per-segment *sufficient statistics*, as in sacrebleu: a resample is a
weighted sum of the segments' statistic rows, and the score of a resample is computed from that sum.
Corpus-level metrics (chrF, BLEU, TER) reuse their own statistics and ``Metric.corpus_score``; a
segment-level score (quality, semantic similarity, fluency, MQM penalty, error counts) becomes the
two-column statistic ``[value, 1]`` whose score is the ratio of the sums, i.e. the mean. Empty values
(NaN) contribute ``[0, 0]``, so they are left out rather than counted as zero.

Everything is deterministic: a test draws its resamples from ``numpy.random.default_rng(seed)`` alone,
so the same seed gives the same numbers whatever the order in which tests are run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from mtqa.metrics import MeanMetric, Metric

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 12345
CONFIDENCE = 0.95

Reducer = Callable[[np.ndarray], np.ndarray]  # (m, k) summed statistics -> (m,) scores


class _CorpusReducer:
    """A metric's corpus score of each summed row (corpus_score sums its rows: one row is that sum)."""

    def __init__(self, metric: Metric) -> None:
        self.metric = metric

    def __call__(self, summed: np.ndarray) -> np.ndarray:
        return np.array([self.metric.corpus_score(row[None, :]) for row in summed], dtype=float)


def _ratio(summed: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(summed[:, 1] > 0, summed[:, 0] / np.where(summed[:, 1] > 0, summed[:, 1], 1), np.nan)


@dataclass(frozen=True, eq=False)
class ScoreStats:
    """One score's sufficient statistics, one row per segment, and how a sum of rows becomes a score."""

    name: str
    stats: np.ndarray  # (n_segments, k)
    reduce: Reducer
    higher_is_better: bool = True

    def __len__(self) -> int:
        return len(self.stats)

    @property
    def is_empty(self) -> bool:
        """No segment carries a value (a stage that has not run, or nothing aligned)."""
        return len(self.stats) == 0 or not np.isfinite(self.score())

    def score(self) -> float:
        if len(self.stats) == 0:
            return float("nan")
        return float(self.reduce(self.stats.sum(axis=0)[None, :])[0])

    def scores(self, weights: np.ndarray) -> np.ndarray:
        """The score of each weighting of the segments: ``weights`` is (m, n_segments)."""
        return self.reduce(weights @ self.stats)

    def segment_scores(self) -> np.ndarray:
        """Each segment's own score (NaN where a segment has no value)."""
        return self.reduce(self.stats)

    def grouped(self, membership: np.ndarray) -> "ScoreStats":
        """Statistics of groups of segments: ``membership`` is (n_groups, n_segments), 0/1."""
        return ScoreStats(self.name, membership @ self.stats, self.reduce, self.higher_is_better)

    def take(self, rows: np.ndarray) -> "ScoreStats":
        return ScoreStats(self.name, self.stats[rows], self.reduce, self.higher_is_better)

    def has_value(self) -> np.ndarray:
        """Per segment: does it carry a value? (Corpus statistics always do.)"""
        if self.reduce is _ratio:
            return self.stats[:, 1] > 0
        return np.ones(len(self.stats), dtype=bool)


def corpus_statistic(metric: Metric, stats: np.ndarray) -> ScoreStats:
    """A metric's own sufficient statistics (chrF, BLEU, TER); a mean metric becomes a mean statistic."""
    if isinstance(metric, MeanMetric):
        return mean_statistic(metric.name, metric.segment_scores(stats), metric.higher_is_better)
    return ScoreStats(metric.name, np.asarray(stats, dtype=float), _CorpusReducer(metric), metric.higher_is_better)


def mean_statistic(name: str, values, higher_is_better: bool = True, weights=None) -> ScoreStats:
    """Per-segment values whose score is their mean; NaN values are left out. ``weights`` (optional)
    make it a ratio of sums, e.g. penalty points over words."""
    values = np.asarray(values, dtype=float)
    present = ~np.isnan(values)
    denominator = np.ones_like(values) if weights is None else np.asarray(weights, dtype=float)
    stats = np.column_stack([np.where(present, values, 0.0), np.where(present, denominator, 0.0)])
    return ScoreStats(name, stats.reshape(-1, 2), _ratio, higher_is_better)


@lru_cache(maxsize=16)
def _bootstrap_weights(n: int, n_resamples: int, seed: int) -> np.ndarray:
    """(n_resamples, n) multiplicities: how often each segment is drawn in each resample."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(n_resamples, n))
    flat = (draws + n * np.arange(n_resamples)[:, None]).ravel()
    weights = np.bincount(flat, minlength=n_resamples * n).reshape(n_resamples, n).astype(float)
    weights.flags.writeable = False
    return weights


@lru_cache(maxsize=16)
def _swap_masks(n: int, n_trials: int, seed: int) -> np.ndarray:
    """(n_trials, n) 0/1: which segments swap systems in each approximate-randomization trial."""
    masks = np.random.default_rng(seed).integers(0, 2, size=(n_trials, n)).astype(float)
    masks.flags.writeable = False
    return masks


def clear_resample_cache() -> None:
    """Forget the cached resampling matrices (for timing a cold run)."""
    _bootstrap_weights.cache_clear()
    _swap_masks.cache_clear()


def _percentiles(values: np.ndarray, confidence: float) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if not len(values):
        return float("nan"), float("nan")
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def _p_value(null_statistics: np.ndarray, observed: float) -> float:
    """Share of null statistics at least as extreme as the observed one, counting the observed one
    (so p is never 0). ``>=`` rather than ``>``: a system against itself gets p = 1, not 1/(R+1)."""
    tolerance = 1e-9 * max(1.0, abs(observed))
    extreme = np.count_nonzero(null_statistics >= abs(observed) - tolerance)
    return (extreme + 1) / (len(null_statistics) + 1)


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float


def bootstrap_interval(
    statistic: ScoreStats, n_resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED, confidence: float = CONFIDENCE
) -> Interval:
    """The score with its percentile bootstrap confidence interval (segments resampled with replacement)."""
    value = statistic.score()
    if len(statistic) == 0 or not np.isfinite(value):
        return Interval(value, float("nan"), float("nan"))
    low, high = _percentiles(statistic.scores(_bootstrap_weights(len(statistic), n_resamples, seed)), confidence)
    return Interval(value, low, high)


@dataclass(frozen=True)
class PairedResult:
    """B against A on the same segments: delta = score(B) - score(A), with its bootstrap interval."""

    n_pairs: int
    score_a: float
    score_b: float
    delta: float
    delta_low: float
    delta_high: float
    p_bootstrap: float
    p_randomization: float


def _check_paired(a: ScoreStats, b: ScoreStats) -> None:
    if a.stats.shape != b.stats.shape:
        raise ValueError(f"{a.name}: paired statistics differ in shape, {a.stats.shape} vs {b.stats.shape}")


def paired_bootstrap(
    a: ScoreStats, b: ScoreStats, n_resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED,
    confidence: float = CONFIDENCE,
) -> tuple[float, float, float]:
    """Paired bootstrap resampling (Koehn 2004), two-sided: the resampled deltas are centred on zero
    (the null hypothesis) and compared with the observed delta. Returns (p, delta_low, delta_high)."""
    _check_paired(a, b)
    weights = _bootstrap_weights(len(a), n_resamples, seed)
    deltas = b.scores(weights) - a.scores(weights)
    deltas = deltas[np.isfinite(deltas)]
    observed = b.score() - a.score()
    low, high = _percentiles(deltas, confidence)
    return float(_p_value(np.abs(deltas - deltas.mean()), observed)), low, high


def approximate_randomization(
    a: ScoreStats, b: ScoreStats, n_trials: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> float:
    """Paired approximate randomization (Riezler & Maxwell 2005), two-sided: each trial swaps the two
    systems' outputs on a random half of the segments; p is the share of trials whose absolute score
    difference is at least the observed one."""
    _check_paired(a, b)
    masks = _swap_masks(len(a), n_trials, seed)
    difference = masks @ (b.stats - a.stats)
    total_a, total_b = a.stats.sum(axis=0), b.stats.sum(axis=0)
    shuffled_a = a.reduce(total_a + difference)
    shuffled_b = b.reduce(total_b - difference)
    return _p_value(np.abs(shuffled_b - shuffled_a), b.score() - a.score())


def paired_test(
    a: ScoreStats, b: ScoreStats, n_resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> PairedResult:
    """Both paired tests on segments where both systems carry a value."""
    _check_paired(a, b)
    keep = a.has_value() & b.has_value()
    a, b = a.take(keep), b.take(keep)
    score_a, score_b = a.score(), b.score()
    if not keep.any():
        nan = float("nan")
        return PairedResult(0, score_a, score_b, nan, nan, nan, nan, nan)
    p_bootstrap, low, high = paired_bootstrap(a, b, n_resamples, seed)
    return PairedResult(
        n_pairs=int(keep.sum()),
        score_a=score_a,
        score_b=score_b,
        delta=score_b - score_a,
        delta_low=low,
        delta_high=high,
        p_bootstrap=p_bootstrap,
        p_randomization=approximate_randomization(a, b, n_resamples, seed),
    )


def holm(p_values) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values (step-down, monotone, capped at 1), in the input's order."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    adjusted_sorted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return adjusted


__all__ = [
    "DEFAULT_RESAMPLES", "DEFAULT_SEED", "CONFIDENCE", "ScoreStats", "Interval", "PairedResult",
    "corpus_statistic", "mean_statistic", "bootstrap_interval", "paired_bootstrap",
    "approximate_randomization", "paired_test", "holm", "clear_resample_cache",
]
