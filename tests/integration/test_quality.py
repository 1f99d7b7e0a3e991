"""The sentence quality score: the packaged weights file, monotonicity, range, and agreement with
people on real data (TED zh→en MQM systems, DEMETR intact vs perturbed translations)."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import DATA, ROOT

import mtqa
from mtqa.stages.aggregate.quality import (
    DERIVED,
    QualityModel,
    packaged_model,
    packaged_weights,
)

TED = DATA / "ted_zhen"
DEMETR = ROOT / "benchmarks" / "data" / "contrastive_demetr" / "demetr_fr_ru.jsonl"


@pytest.fixture(scope="module")
def ted_result():
    return mtqa.assess(
        TED / "reference.txt",
        {"DIDI-NLP": TED / "DIDI-NLP.txt", "Online-W": TED / "Online-W.txt"},
        parallel=True,
    )


def test_the_packaged_weights_load_and_are_monotone():
    model = packaged_model()
    spec = packaged_weights()
    assert model.version == spec["version"]
    assert [v.name for v in model.variants][0] == "reference"
    for variant in model.variants:
        assert variant.features, variant.name
        for feature in variant.features:
            assert feature.weight > 0 and feature.direction in (-1, 1) and feature.scale > 0


def test_quality_never_falls_when_a_feature_improves(ted_result):
    model = packaged_model()
    for index, variant in enumerate(model.variants):
        # Rows this variant scores: the features only earlier variants use are blanked out.
        table = ted_result.sentences.copy()
        for earlier in model.variants[:index]:
            table[[c for c in earlier.columns if c not in variant.columns]] = float("nan")
        before = model.score(table)
        for feature in variant.features:
            if feature.column in DERIVED:
                continue  # not a score of the translation (see the reference-length test)
            better = table.copy()
            better[feature.column] = better[feature.column] + feature.direction * 0.05 * feature.scale
            assert (model.score(better) >= before - 1e-12).all(), feature.column
            assert (model.score(better) > before).any(), feature.column


def test_a_longer_reference_passage_lowers_quality_and_the_candidates_own_length_does_not(ted_result):
    """At equal evidence, a longer passage has given people more to fault; a candidate that drops words
    must not gain by it, so only the reference counterpart's length counts."""
    model, table = packaged_model(), ted_result.sentences
    assert "log_ref_words" in model.variant("reference").columns
    before = model.score(table)
    longer = model.score(table.assign(ref_text=table.ref_text + " " + table.ref_text))
    assert (longer <= before).all() and (longer < before).mean() > 0.9  # the longest are at the clip bound
    np.testing.assert_array_equal(model.score(table.assign(text=table.text.str[:20])), model.score(table))


def test_the_weights_were_fitted_on_development_data_and_record_cross_validation():
    spec = packaged_weights()
    for entry in spec["fitting"]["data"]:
        assert entry["path"].startswith("benchmarks/data/") and "seed" not in entry["path"]
        assert (ROOT / entry["path"]).exists()
    for variant in spec["variants"]:
        figures = spec["cross_validation"][variant["name"]]["data"]
        assert figures, variant["name"]
        for name, result in figures.items():
            assert -1 <= result["pearson"] <= 1 and len(result["folds"]) == 5, name


def test_quality_is_within_0_100_and_prefers_the_better_ted_system(ted_result):
    table = ted_result.sentences
    assert table.quality.notna().all()
    assert ((table.quality >= 0) & (table.quality <= 100)).all()
    means = table.groupby("doc_id").quality.mean()
    assert means["DIDI-NLP"] > means["Online-W"]  # human MQM: DIDI-NLP -1.65, Online-W -2.93 per segment
    documents = ted_result.documents.set_index("doc_id")
    assert documents.loc["DIDI-NLP", "quality"] == pytest.approx(means["DIDI-NLP"], abs=1e-4)


def test_quality_ranks_the_intact_translation_above_its_damaged_copy():
    items = pd.read_json(DEMETR, lines=True)
    items = items[items.severity.isin(["major", "critical"])].groupby("pert_name").head(8)
    result = mtqa.assess(
        mtqa.document_from_text("\n".join(items.ref) + "\n", "reference", "ref"),
        [mtqa.document_from_text("\n".join(items[side]) + "\n", "candidate", side) for side in ("mt", "pert")],
        parallel=True,
    )
    quality = result.sentences.pivot(index="sent_id", columns="doc_id", values="quality")
    assert len(quality) == len(items)
    assert (quality.mt > quality.pert).mean() >= 0.8


@pytest.mark.parametrize(
    "fluency_model, variant, empty",
    [
        ("ngram", "reference_without_unexplained_bits", ["unexplained_bits"]),
        (None, "reference_without_language_model", ["unexplained_bits", "fluency"]),
    ],
)
def test_a_run_with_a_weaker_language_model_falls_back_to_a_variant_without_its_features(
    fluency_model, variant, empty
):
    """The n-gram tier cannot read a reference (no unexplained bits), `--fluency-model none` gives no
    fluency either: aligned sentences still get a quality, from the reference variant refitted without
    those features, and the intact translations still rank higher."""
    items = pd.read_json(DEMETR, lines=True)
    items = items[items.severity == "critical"].groupby("pert_name").head(3)
    result = mtqa.assess(
        mtqa.document_from_text("\n".join(items.ref) + "\n", "reference", "ref"),
        [mtqa.document_from_text("\n".join(items[side]) + "\n", "candidate", side) for side in ("mt", "pert")],
        parallel=True, fluency_model=fluency_model,
    )
    table = result.sentences
    assert "unexplained_bits" not in table and "unexplained_bits" not in result.signature["metrics"]
    assert table.quality.notna().all()
    if "fluency" in empty:
        assert table.fluency.isna().all()
    fallback = packaged_model().variant(variant)
    assert not set(empty) & set(fallback.columns) and fallback.needs_reference
    np.testing.assert_allclose(table.quality, fallback.score(table), atol=1e-4)
    quality = table.pivot(index="sent_id", columns="doc_id", values="quality")
    assert (quality.mt > quality.pert).mean() >= 0.8


def test_seed_quality_covers_content_never_boilerplate(seeds_result):
    table = seeds_result.sentences
    aligned = table[table.status == "aligned"]
    assert aligned.quality.between(0, 100).all()
    assert table[table.status == "boilerplate"].quality.isna().all()
    unaligned = table[table.status == "unaligned"]  # no reference counterpart: the reference-free variant
    assert len(unaligned) > 0
    np.testing.assert_allclose(unaligned.quality, packaged_model().variant("reference_free").score(unaligned), atol=1e-3)
    assert seeds_result.signature["quality_weights"]["version"] == packaged_model().version


def test_a_sentence_gets_the_first_variant_whose_features_it_has(ted_result):
    reference = packaged_model().variants[0].to_dict()
    assert "fluency" in [f["column"] for f in reference["features"]]
    without_fluency = dict(reference, name="no-fluency",
                           features=[f for f in reference["features"] if f["column"] != "fluency"])
    model = QualityModel.from_dict({"version": "test", "variants": [reference, without_fluency]})
    table = ted_result.sentences.copy()
    table.loc[table.index[::2], "fluency"] = np.nan  # as if no language model had scored these
    first, second = model.variants
    expected = np.where(table.fluency.isna(), second.score(table), first.score(table))
    np.testing.assert_allclose(model.score(table), expected)
    assert np.isnan(first.linear(table)).sum() == table.fluency.isna().sum() > 0


def test_a_weights_file_that_breaks_monotonicity_is_refused(tmp_path):
    spec = packaged_weights()
    spec["variants"][0]["features"][0]["weight"] = -0.5
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(mtqa.InputError, match=r"weights.json: .*weights must be >= 0"):
        QualityModel.load(path)
    path.write_text("{not json")
    with pytest.raises(mtqa.InputError, match=r"weights.json: invalid JSON"):
        QualityModel.load(path)
