"""The unit tier stays honest: every way of loading a model is refused while a unit test runs."""

from __future__ import annotations

import pytest

import mtqa.backends.encoder as encoder
import mtqa.backends.language_models as language_models
import mtqa.backends.linguistic as linguistic
import mtqa.stages.find_errors.spans as spans

from .conftest import ModelLoaded


@pytest.mark.parametrize("load, label", [
    (lambda: encoder.sentence_encoder(), "mtqa.backends.encoder.sentence_encoder"),
    (lambda: language_models.language_model("ngram"), "mtqa.backends.language_models.language_model"),
    (lambda: linguistic.spacy_pipeline(), "mtqa.backends.linguistic.spacy_pipeline"),
    (lambda: linguistic.analyser(), "mtqa.backends.linguistic.analyser"),
    (lambda: spans.sentence_encoder(), "mtqa.backends.encoder.sentence_encoder"),  # bound by a from-import
    (lambda: spans.analyser(), "mtqa.backends.linguistic.analyser"),
    (lambda: encoder.SentenceEncoder("minilm"), "mtqa.backends.encoder.SentenceEncoder()"),
    (lambda: language_models.TrigramLM("nowhere"), "mtqa.backends.language_models.TrigramLM()"),
    (lambda: linguistic.Analyser(), "mtqa.backends.linguistic.Analyser()"),
])
def test_loading_a_model_in_the_unit_tier_is_refused_and_recorded(no_model_is_loaded, load, label):
    with pytest.raises(ModelLoaded, match="the unit tier must load no model"):
        load()
    assert no_model_is_loaded == [label]
    no_model_is_loaded.clear()  # this test's attempt was on purpose


def test_a_swallowed_attempt_is_still_recorded(no_model_is_loaded):
    try:
        encoder.sentence_encoder()
    except Exception:
        pass
    assert no_model_is_loaded == ["mtqa.backends.encoder.sentence_encoder"]
    no_model_is_loaded.clear()
