"""Stages that take a language model, run on the fake one: word bits from token surprisal, the text
as the model reads it, and the unexplained / explained bits metrics."""

from __future__ import annotations

import pytest

import mtqa.metrics.unexplained as unexplained
from mtqa.backends.language_models import (
    LanguageModel,
    TokenSurprisal,
    readable,
    word_bits,
    word_spans,
)
from mtqa.metrics.unexplained import BRIDGE, ExplainedBits, UnexplainedBits

from .fakes import FakeLanguageModel


def test_the_fake_is_a_language_model_scoring_each_word_after_its_context():
    lm = FakeLanguageModel(bits_per_char=2.0, known_bits=0.5)
    assert isinstance(lm, LanguageModel)
    (alone,), (after,) = lm.surprisals(["Storm hits"]), lm.surprisals(["Storm hits"], contexts=["a storm"])
    assert alone == [TokenSurprisal(0, 5, 10.0), TokenSurprisal(6, 10, 8.0)]
    assert after == [TokenSurprisal(0, 5, 0.5), TokenSurprisal(6, 10, 8.0)]


def test_words_are_runs_of_letters_with_inner_marks_or_runs_of_punctuation():
    text = "al-Muhandis said 1,000 U.S troops .. left—"
    assert [text[a:b] for a, b in word_spans(text)] == ["al-Muhandis", "said", "1,000", "U.S", "troops", "..", "left", "—"]


def test_token_bits_are_summed_into_the_word_holding_their_first_character():
    text = "Hello world."
    tokens = [TokenSurprisal(0, 3, 1.0), TokenSurprisal(3, 5, 2.0), TokenSurprisal(5, 11, 4.0), TokenSurprisal(11, 12, 0.5)]
    assert word_bits(text, tokens) == [(0, 5, 3.0), (6, 11, 4.0), (11, 12, 0.5)]


def test_a_token_of_white_space_alone_is_charged_to_the_next_word():
    text = "a  b"
    assert word_bits(text, [TokenSurprisal(0, 1, 1.0), TokenSurprisal(1, 3, 2.0), TokenSurprisal(3, 4, 1.0)]) == [
        (0, 1, 1.0), (3, 4, 3.0),
    ]


def test_words_no_token_reaches_are_left_out():
    lm = FakeLanguageModel()
    text = "Stop, now!"
    (tokens,) = lm.surprisals([text])
    assert [text[a:b] for a, b, _ in word_bits(text, tokens)] == ["Stop", "now"]


def test_the_model_reads_straight_quotes_and_sentence_case_with_the_same_offsets():
    assert readable("“They won’t”") == "\"They won't\""
    assert readable("RELATED STORIES") == "Related stories"
    assert readable("The U.S. ARMY") == "The U.S. ARMY"  # not all capitals: unchanged
    for text in ("“Ünïcode” — ÀÉ", "ẞTRASSE"):
        assert len(readable(text)) == len(text)


@pytest.fixture
def fake_lm(monkeypatch):
    lm = FakeLanguageModel(bits_per_char=1.0, known_bits=0.25)
    monkeypatch.setattr(unexplained, "language_model", lambda name, *args: lm)
    return lm


def test_unexplained_bits_are_what_the_candidate_costs_after_reading_the_reference(fake_lm):
    metric = UnexplainedBits("fake")
    stats = metric.statistics(["The storm hit", "Zebras graze"], ["the storm hit", "The storm hit"])
    assert stats.tolist() == [[0.75], [11.0]]  # three words copied from the reference; two it never said
    (texts, contexts), = fake_lm.calls
    assert texts == ["The storm hit", "Zebras graze"]
    assert contexts == [BRIDGE.format(reference="the storm hit"), BRIDGE.format(reference="The storm hit")]


def test_explained_bits_are_the_bits_alone_minus_the_bits_after_the_reference(fake_lm):
    metric = ExplainedBits(UnexplainedBits("fake"))
    stats = metric.statistics(["The storm hit", "Zebras graze"], ["the storm hit", "The storm hit"])
    assert stats.tolist() == [[3 + 5 + 3 - 0.75], [0.0]]
    assert metric.segment_scores(stats).tolist() == [10.25, 0.0]
    assert metric.corpus_score(stats) == pytest.approx(5.125)


def test_word_bits_after_the_reference_show_where_the_cost_lies(fake_lm):
    (words,) = UnexplainedBits("fake").words(["The zebra hit"], ["the storm hit"])
    assert words == [(0, 3, 0.25), (4, 9, 5.0), (10, 13, 0.25)]


def test_no_pair_costs_nothing_and_loads_nothing(fake_lm):
    assert UnexplainedBits("fake").statistics([], []).shape == (0, 1)
    assert fake_lm.calls == []


def test_unexplained_bits_refuse_mis_shaped_pairs(fake_lm):
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        UnexplainedBits("fake").statistics(["a", "b"], ["a"])
