"""The learned estimator's pieces that need no model: how word pieces become words, how the training
script splits and batches its data, and how the metric plugs in."""

from __future__ import annotations

import random

import numpy as np

from mtqa.backends.estimator import _words
from mtqa.metrics import REFERENCE_METRICS
from mtqa.pipeline.options import AssessOptions
from mtqa.stages.aggregate.tables import EXTRA_UNIT_METRICS
from mtqa.stages.score import DEFAULT_METRICS
from training.estimator import Example, batches, f1_bad, is_dev, token_spans


def test_a_word_takes_the_probability_of_its_most_suspicious_piece():
    text = "refused to how one"
    pieces = [(0, 6, 0.1), (6, 7, 0.2), (8, 10, 0.05), (11, 14, 0.9), (15, 18, 0.7)]
    words = _words(text, pieces)
    assert [(text[w.start:w.end], w.probability) for w in words] == [
        ("refused", 0.2), ("to", 0.05), ("how", 0.9), ("one", 0.7)]


def test_words_no_piece_reaches_are_left_out_and_offsets_point_into_the_text():
    text = "Hello  wide world"
    words = _words(text, [(0, 5, 0.3), (13, 17, 0.6)])
    assert [text[w.start:w.end] for w in words] == ["Hello", "world"]


def test_tokenised_words_are_found_in_the_untokenised_text_or_refused():
    text = 'The Red Army, "defeated".'
    tokens = ["The", "Red", "Army", ",", '"', "defeated", '"', "."]
    assert [text[a:b] for a, b in token_spans(text, tokens)] == tokens
    assert token_spans(text, ["The", "Blue", "Army"]) is None


def test_the_dev_split_is_by_document_and_stable():
    keys = [(2021, "zh-en", f"doc{i}") for i in range(2000)]
    dev = [is_dev(*key) for key in keys]
    assert dev == [is_dev(*key) for key in keys]
    assert 0.07 < np.mean(dev) < 0.13


def test_each_batch_reads_its_candidates_one_way_and_every_example_once():
    examples = [Example(f"c{i}" * (i % 7 + 1), None if i % 3 else "ref", 0.0, "da") for i in range(200)]
    planned = batches(examples, 16, random.Random(0))
    assert all(len({e.reference is None for e in batch}) == 1 for batch in planned)
    assert sorted(id(e) for batch in planned for e in batch) == sorted(id(e) for e in examples)
    again = batches(examples, 16, random.Random(0))
    assert [[e.candidate for e in b] for b in planned] == [[e.candidate for e in b] for b in again]


def test_f1_bad_counts_bad_words_flagged():
    labels = np.array([1, 1, 0, 0])
    assert f1_bad(labels, np.array([0.9, 0.2, 0.8, 0.1]), 0.5) == 0.5
    assert f1_bad(labels, np.array([0.9, 0.9, 0.1, 0.1]), 0.5) == 1.0


def test_the_learned_score_is_a_metric_a_run_can_ask_for_but_not_a_default_yet():
    assert "learned" in REFERENCE_METRICS and "learned" not in DEFAULT_METRICS
    assert "learned" in EXTRA_UNIT_METRICS
    options = AssessOptions.build(metrics=("chrf", "learned"))
    assert options.score.metrics == ("chrf", "learned")
