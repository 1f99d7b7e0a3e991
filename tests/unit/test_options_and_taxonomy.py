"""The run's options by their flat names, and the MQM taxonomy and score."""

from __future__ import annotations

import math

import pytest

from mtqa.core.exceptions import InputError
from mtqa.core.taxonomy import CATEGORIES, PENALTY, SEVERITIES, mqm_score
from mtqa.pipeline.options import SETTINGS, AssessOptions


def test_penalties_are_one_five_and_twenty_five_by_severity():
    assert SEVERITIES == ("minor", "major", "critical")
    assert PENALTY == {"minor": 1, "major": 5, "critical": 25}


def test_the_mqm_score_is_minus_the_penalty_per_hundred_words():
    assert mqm_score(5, 100) == -5.0
    assert mqm_score(1 + 5 + 25, 310) == pytest.approx(-10.0)
    assert mqm_score(0, 50) == 0.0


def test_the_mqm_score_of_no_words_is_nan_not_an_error():
    assert math.isnan(mqm_score(3, 0))


def test_categories_are_family_slash_kind_and_unique():
    assert len(set(CATEGORIES)) == len(CATEGORIES)
    assert all(c.count("/") == 1 for c in CATEGORIES)
    assert {c.split("/")[0] for c in CATEGORIES} == {"accuracy", "fluency", "style", "terminology", "other"}


def test_the_defaults_are_what_build_with_no_setting_gives():
    assert AssessOptions.build() == AssessOptions()


def test_flat_names_set_the_fields_of_each_stage():
    options = AssessOptions.build(fluency_model="ngram", max_merge=2, align_threshold=0.3, find_errors=False,
                                  non_content_detectors=("label",), bootstrap_resamples=10, parallel=True)
    assert options.models.fluency_model == "ngram"
    assert options.align.max_merge == 2 and options.align.skip_cost == 0.3
    assert options.errors.enabled is False
    assert options.non_content.detectors == ("label",)
    assert options.aggregate.bootstrap_resamples == 10
    assert options.parallel is True


def test_build_on_a_base_keeps_the_base_settings():
    base = AssessOptions.build(max_merge=2)
    options = AssessOptions.build(base, seed=7)
    assert options.align.max_merge == 2 and options.aggregate.seed == 7
    assert base.aggregate.seed != 7


def test_unknown_option_names_are_refused_with_input_error():
    with pytest.raises(InputError) as caught:
        AssessOptions.build(max_merge=2, colour="blue", skip_cost=0.1)
    assert str(caught.value) == "unknown option(s): colour, skip_cost"  # skip_cost is called align_threshold


def test_settings_give_every_flat_name_and_round_trip():
    options = AssessOptions.build(fluency_model="ngram", max_merge=1, align_threshold=0.7, seed=3,
                                  checks=["doubled-punctuation"], parallel=True)
    settings = options.settings()
    assert set(settings) == set(SETTINGS) | {"parallel"}
    assert settings["align_threshold"] == 0.7 and settings["checks"] == ("doubled-punctuation",)
    assert AssessOptions.build(**settings) == options
    assert AssessOptions.build(**AssessOptions().settings()) == AssessOptions()


def test_checks_given_as_a_mapping_are_stored_as_the_names_that_run():
    options = AssessOptions.build(checks={"doubled-punctuation": False})
    assert "doubled-punctuation" not in options.errors.checks
    assert AssessOptions.build(**options.settings()) == options


def test_fluency_context_with_the_ngram_model_is_refused():
    with pytest.raises(InputError, match="fluency_context needs a causal language model, not 'ngram'"):
        AssessOptions.build(fluency_model="ngram", fluency_context=True)
    assert AssessOptions.build(fluency_model="ngram", fluency_context=False).reads_in_context is False


def test_fluency_context_defaults_to_reading_in_context_for_documents_with_a_causal_model():
    assert AssessOptions().reads_in_context is True
    assert AssessOptions.build(parallel=True).reads_in_context is False
    assert AssessOptions.build(fluency_model="ngram").reads_in_context is False
    assert AssessOptions.build(parallel=True, fluency_context=True).reads_in_context is True


@pytest.mark.parametrize("settings, problem", [
    ({"batch_size": 0}, "batch_size must be at least 1"),
    ({"bootstrap_resamples": 0}, "bootstrap_resamples must be at least 1"),
    ({"max_merge": 0}, "max_merge must be at least 1"),
    ({"align_threshold": 2.0}, "must be within [0, 1]"),
    ({"metrics": ("chrf", "meteor")}, "unknown metric(s): meteor"),
    ({"checks": ["no-such-check"]}, "unknown check(s): no-such-check"),
])
def test_out_of_range_settings_are_input_errors(settings, problem):
    with pytest.raises(InputError) as caught:
        AssessOptions.build(**settings)
    assert problem in str(caught.value)
