"""Words with offsets and the BERTScore-style word alignment (token-level fidelity)."""

import pytest

from mtqa.backends.encoder import sentence_encoder
from mtqa.backends.linguistic import (
    EXACT,
    FUZZY,
    LEMMA,
    align_words,
    analyser,
    number_value,
)

REFERENCE = "Asked by AFP, the Pentagon refused to comment on this information."


def scores(alignment):
    return {w.text: round(float(s), 2) for w, s in zip(alignment.candidate.words, alignment.candidate_score)}


def test_words_carry_exact_offsets_and_skip_punctuation():
    text = "The u. s. State department responded that it did not even discuss a withdrawal."
    words = analyser().analyse([text])[0].words
    assert all(text[w.start:w.end] == w.text for w in words)
    assert "." not in [w.text for w in words] and words[-1].text == "withdrawal"
    assert [w.index for w in words] == list(range(len(words)))


def test_garbled_words_have_no_good_counterpart_and_correct_ones_do():
    (garbled,) = align_words([("Asked by AFP, the Pentagon has refused to how one this information.", REFERENCE)],
                             sentence_encoder())
    found = scores(garbled)
    assert found["how"] < 0.6 and found["one"] < 0.6
    assert found["Pentagon"] == EXACT and found["information"] == EXACT
    assert found["has"] < 0.9


def test_paraphrase_lemma_and_spelling_variants_align():
    pairs = [
        ("Asked by AFP, the Pentagon declined to comment on this information.", REFERENCE),
        ("Iranian General Qasem Soleimani was killed.", "Iranian Gen. Qassem Soleimani, who was killing."),
    ]
    paraphrase, variants = align_words(pairs, sentence_encoder())
    assert 0.7 < scores(paraphrase)["declined"] < EXACT
    assert scores(variants)["Qasem"] == FUZZY
    assert scores(variants)["killed"] == LEMMA


def test_precision_recall_and_f1_weight_rare_words_more():
    good, bad = align_words([
        ("Asked by AFP, the Pentagon declined to comment on this information.", REFERENCE),
        ("Asked by AFP, the Pentagon has refused to how one this information.", REFERENCE),
    ], sentence_encoder())
    assert good.f1 > bad.f1
    assert 0 < bad.precision < good.precision <= 1
    assert good.f1 == pytest.approx(2 * good.precision * good.recall / (good.precision + good.recall))
    (same,) = align_words([(REFERENCE, REFERENCE)], sentence_encoder())
    assert same.precision == same.recall == same.f1 == pytest.approx(1.0)


def test_numbers_match_by_value_not_by_look():
    assert number_value("5,000") == number_value("5000") == 5000
    assert number_value("50") == 50 and number_value("5th") is None
    (alignment,) = align_words([("more than 5000 soldiers", "more than 5,000 soldiers and 50 tanks")], sentence_encoder())
    assert scores(alignment)["5000"] == EXACT
