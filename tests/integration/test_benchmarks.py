"""The benchmark harness: discovery, a quick run on small real subsets of benchmarks/data, the report's
sections, failure reporting; the quality fit's building blocks and the fluency benchmark's tables on real rows."""

import re
import types

import numpy as np
import pandas as pd
import pytest
from conftest import CANDIDATES, FRENCH, REFERENCE

import mtqa
from benchmarks import correlation, datasets, fit_quality, fluency, ted_mqm
from benchmarks.harness import Section, discover, render, run_benchmarks, short_name
from benchmarks.run import main
from mtqa.stages.aggregate.quality import QualityModel, packaged_model, packaged_weights

MINE = ["ted_mqm", "mlqe_pe", "diabla", "demetr", "quality_score"]


def test_every_module_with_a_run_function_is_a_benchmark_in_report_order():
    names = [short_name(m) for m in discover()]
    assert [n for n in names if n in MINE] == MINE
    for helper in ("harness", "run", "datasets", "scoring", "correlation", "fit_quality"):
        assert helper not in names


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "benchmarks.md"
    status = main(["--quick", "--only", *MINE, "--out", str(out)])
    return status, out.read_text(encoding="utf-8")


def _section(report: str, heading: str) -> str:
    start = report.index(heading)
    end = report.find("\n## ", start + len(heading))
    return report[start:] if end < 0 else report[start:end]


def test_the_quick_run_writes_every_section(quick_report):
    status, report = quick_report
    assert status == 0
    assert report.startswith("# mtqa benchmarks\n") and "quick (subsampled smoke test)" in report
    for heading in (
        "## TED talks zh→en, WMT21 MQM\n",
        "### TED talks zh→en, WMT21 MQM: system means",
        "## MLQE-PE ru→en, direct assessment",
        "## DiaBLa fr→en dialogue, participants' judgements",
        "## DEMETR fr/ru→en: accuracy by severity",
        "### DEMETR: accuracy by perturbation type",
        "## Quality score: weights",
        "## Timings",
    ):
        assert heading in report, heading
    assert "FAILED" not in report


def test_the_ted_table_sets_mtqa_scores_beside_the_baselines(quick_report):
    ted = _section(quick_report[1], "## TED talks zh→en, WMT21 MQM\n")
    assert "| score | kind | n | pearson | pearson 95% CI | spearman | kendall |" in ted
    for row in ("| quality | mtqa | 120 |", "| semantic | mtqa | 120 |", "| chrF | baseline (sacrebleu) | 120 |",
                "| BLEU | baseline (sacrebleu) | 120 |", "| −TER | baseline (sacrebleu) | 120 |"):
        assert row in ted, row
    assert "equal the sacrebleu baselines computed independently" in ted
    assert "Against the human score minus its rater's mean, Pearson is: quality " in ted


def test_the_ted_figures_are_also_given_on_each_raters_own_scale():
    """One professional judged each TED segment, and the judges' severity differs more than the systems
    do: a score that knew each rater's scale would agree fully once the rater's mean is removed."""
    table = datasets.ted().table
    table["own_scale"] = table.human - table.groupby("rater").human.transform("mean")
    note = ted_mqm.rater_note(table, [correlation.Score("own_scale", "own scale", "test"),
                                      correlation.Score("human", "raw MQM", "test")])
    assert "7 raters in all, with mean MQM scores from -0.33 to -5.03; the harshest (rater3)" in note
    assert "own scale 1.000" in note
    assert float(re.search(r"raw MQM (\d\.\d+)", note).group(1)) < 0.9  # the raters' means are far apart


def test_demetr_accuracy_is_given_per_severity(quick_report):
    demetr = _section(quick_report[1], "## DEMETR fr/ru→en: accuracy by severity")
    for severity in ("minor", "major", "critical", "base", "all but base"):
        assert f"| {severity} |" in demetr
    timings = _section(quick_report[1], "## Timings")
    assert "| demetr | mtqa assess --parallel" in timings and "| demetr | sacrebleu chrF + BLEU + TER" in timings


def test_the_cross_validated_figures_stand_beside_what_least_squares_reaches_on_each_data_set(quick_report):
    """The packaged weights' record: on TED, the model holds better on held-out talks than a fit to
    TED alone, which in sample is the most a linear weighting of the same features reaches."""
    table = _section(quick_report[1], "### Quality score: cross-validated agreement")
    header = next(line for line in table.splitlines() if line.startswith("| variant |"))
    columns = [cell.strip() for cell in header.strip("|").split("|")]
    row = next(line for line in table.splitlines() if line.startswith("| reference | ted_zhen_mqm |"))
    cells = dict(zip(columns, (cell.strip() for cell in row.strip("|").split("|"))))
    figures = packaged_weights()["cross_validation"]["reference"]["data"]["ted_zhen_mqm"]
    assert float(cells["pearson (out-of-fold)"]) == pytest.approx(figures["pearson"], abs=5e-4)
    reach = figures["least_squares_alone"]
    assert float(cells["least squares alone: in sample"]) == pytest.approx(reach["in_sample"], abs=5e-4)
    assert float(cells["least squares alone: out of fold"]) == pytest.approx(reach["out_of_fold"], abs=5e-4)
    assert reach["out_of_fold"] < figures["pearson"] < reach["in_sample"]


def test_mlqe_pe_reference_free_figures_come_from_a_run_without_the_post_edit(quick_report):
    mlqe = _section(quick_report[1], "## MLQE-PE ru→en, direct assessment")
    for row in ("| reference-free | quality (reference-free variant) | mtqa | 150 |",
                "| reference-free | −mqm_penalty (errors found without a reference) | mtqa | 150 |",
                "| reference-free | −length (words) | baseline (trivial) | 150 |",
                "| post-edit as pseudo-reference | quality (reference variant) | mtqa | 150 |"):
        assert row in mlqe, row
    assert "The reference-free quality uses fluency, mqm_penalty" in mlqe
    timings = _section(quick_report[1], "## Timings")
    assert "| mlqe_pe | mtqa assess --parallel --no-reference" in timings and "| mlqe_pe | mtqa assess --parallel (" in timings


def test_a_failing_benchmark_is_reported_and_the_others_still_run():
    broken = types.ModuleType("benchmarks.broken")

    def run(quick):
        raise RuntimeError("data file missing")

    broken.run = run
    working = types.ModuleType("benchmarks.working")
    working.run = lambda quick: [Section("Working", pd.DataFrame({"metric": ["x"], "pearson": [0.5]}))]
    outcomes = run_benchmarks([broken, working], quick=True)
    assert "RuntimeError: data file missing" in outcomes[0].error
    report = render(outcomes, quick=True, seconds=1.0)
    assert "## broken: FAILED" in report
    assert "| metric | pearson |\n|---|--:|\n| x | 0.500 |" in report


def test_cross_validation_folds_keep_documents_whole():
    data = datasets.ted()
    folds = fit_quality.assign_folds(data.table.group)
    assert sorted(folds.unique()) == [0, 1, 2, 3, 4]
    assert (data.table.assign(fold=folds).groupby("group").fold.nunique() == 1).all()
    dialogues = datasets.diabla(quick=True).table.group
    assert (pd.DataFrame({"g": dialogues, "f": fit_quality.assign_folds(dialogues)}).groupby("g").f.nunique() == 1).all()


@pytest.fixture(scope="module")
def diabla_development():
    from benchmarks.scoring import score_judged

    table, _ = score_judged(datasets.diabla(quick=True))
    table["target"] = fit_quality.TARGETS["diabla_fren_judgements"][1](table)
    return fit_quality.Development("diabla_fren_judgements", table)


def test_scored_without_its_reference_a_data_set_has_only_what_needs_none(diabla_development):
    """The reference-free variant is fitted on data scored as a --no-reference run scores it: the same
    fluency, no reference metric, and an error penalty of the errors found without a reference."""
    from benchmarks.scoring import score_judged

    free, _ = score_judged(datasets.diabla(quick=True), with_reference=False)
    table = diabla_development.table
    pd.testing.assert_series_equal(free.fluency, table.fluency)
    assert free[["ref_text", "semantic", "chrf", "bleu", "ter"]].isna().all().all() and "unexplained_bits" not in free
    assert free.mqm_penalty.notna().all() and 0 < free.mqm_penalty.sum() < table.mqm_penalty.sum()
    np.testing.assert_allclose(free.quality, packaged_model().variant("reference_free").score(free), atol=1e-3)


def test_a_fitted_variant_agrees_with_the_people_it_was_fitted_on(diabla_development):
    development, table = diabla_development, diabla_development.table
    x, t, s = fit_quality._stack([development], ["semantic", "chrf"])
    variant = fit_quality.fit_variant("reference", ["semantic", "chrf"], x, t, s)
    model = QualityModel.from_dict({"version": "test", "variants": [variant.to_dict()]})
    quality = model.score(table)
    assert ((quality > 0) & (quality < 100)).all()
    assert np.corrcoef(quality, table.human)[0, 1] > 0.1
    # the mean prediction matches the mean target, as a calibrated logistic fit should
    assert quality.mean() / 100 == pytest.approx(t.mean(), abs=0.02)


def test_a_longer_reference_passage_is_fitted_as_more_room_for_faults(diabla_development):
    """People find more to fault in longer utterances; the reference's length measures that without
    rewarding a candidate that drops words. The fit gives it weight, and quality falls with it."""
    table = diabla_development.table
    columns = ["semantic", "log_ref_words"]
    x, t, s = fit_quality._stack([diabla_development], columns)
    variant = fit_quality.fit_variant("reference", columns, x, t, s)
    assert [f.column for f in variant.features] == columns and all(f.weight > 0 for f in variant.features)
    model = QualityModel.from_dict({"version": "test", "variants": [variant.to_dict()]})
    before = model.score(table)
    doubled = model.score(table.assign(ref_text=table.ref_text + " " + table.ref_text))
    assert (doubled <= before).all() and (doubled < before).mean() > 0.9  # the longest are at the clip bound


def test_fluency_above_its_ceiling_earns_nothing_more(diabla_development):
    """Past the ceiling (a quantile of the human references' fluency in a real fit), more predictable
    English is translationese: the fitted variant clips fluency there, so quality stops rising with it."""
    table = diabla_development.table
    columns = ["semantic", "fluency"]
    ceiling = float(table.fluency.median())
    x, t, s = fit_quality._stack([diabla_development], columns)
    variant = fit_quality.fit_variant("reference", columns, x, t, s, {"fluency": ceiling})
    fluency = next(f for f in variant.features if f.column == "fluency")
    assert fluency.high == pytest.approx(ceiling, abs=1e-6) and fluency.weight > 0
    model = QualityModel.from_dict({"version": "test", "variants": [variant.to_dict()]})
    fluent = table[table.fluency > ceiling]
    assert len(fluent) > 0
    np.testing.assert_array_equal(model.score(fluent), model.score(fluent.assign(fluency=100.0)))
    disfluent = table[table.fluency < ceiling - 5]
    assert (model.score(disfluent.assign(fluency=ceiling)) > model.score(disfluent)).all()


def test_least_squares_on_one_data_set_is_the_most_any_linear_weighting_of_its_features_reaches(diabla_development):
    """The weights file gives, beside the model's figures, how far the best linear combination of the
    same features goes on each data set alone: the in-sample figure bounds every linear weighting's."""
    table = diabla_development.table.assign(fold=fit_quality.assign_folds(diabla_development.table.group))
    development = fit_quality.Development("diabla_fren_judgements", table)
    columns = ["semantic", "chrf", "fluency"]
    reach = fit_quality.least_squares_reach(development, columns)
    standardised = [(table[c] - table[c].mean()) / table[c].std() for c in columns]
    for weighting in [*standardised, sum(standardised), standardised[0] + 2 * standardised[2]]:
        assert abs(np.corrcoef(weighting, table.human)[0, 1]) <= reach["in_sample"] + 5e-5  # it is rounded to 4 places
    assert 0.1 < reach["out_of_fold"] < reach["in_sample"]  # held-out dialogues are fitted less well


def test_a_score_agrees_fully_with_itself_and_its_interval_is_that_point():
    """Pearson's r of a series with itself may round to exactly 1, where Fisher's z is infinite."""
    human = datasets.ted().table.human
    figures = correlation.agreement(human, human)
    assert figures["pearson"] == pytest.approx(1.0) and figures["spearman"] == pytest.approx(1.0)
    assert figures["pearson 95% CI"] == "[1.000, 1.000]"


def test_the_ted_raters_errors_split_into_fluency_and_accuracy_penalties_that_sum_to_their_mqm_score():
    """The fluency benchmark sets fluency against the penalty of the raters' fluency and style errors
    alone; with the accuracy half and the few source errors, the parts make up each MQM score."""
    table = datasets.ted().table
    parts = {kind: fluency.error_penalty(table, prefixes) for kind, prefixes in fluency.ERROR_KINDS.items()}
    source = fluency.error_penalty(table, ("Source error",))
    assert np.allclose(sum(parts.values()) + source, -table.mqm_score)
    assert (source > 0).sum() == 6 and (parts["fluency and style"] > 0).sum() > 300
    universe = table[table.hypothesis.str.contains("universe-this", regex=False)].index  # one minor punctuation error
    assert parts["fluency and style"][universe].tolist() == [0.1] and parts["accuracy and terminology"][universe].tolist() == [0.0]


def test_the_seeds_part_sets_both_tiers_beside_both_hand_annotations(seeds_result):
    """The fluency benchmark's seeds tables: per document, per sentence (each tier, the baselines and
    the other annotator against each annotation) and each candidate against the reference."""
    trigram = mtqa.assess(REFERENCE, CANDIDATES, fluency_model="ngram", metrics=("chrf",))
    per_document, per_sentence, against_reference = fluency.seeds_tables({"smollm2": seeds_result, "ngram": trigram})

    documents = per_document.set_index("doc_id")
    assert documents.sentences.sum() == 74  # content sentences (004's teaser of another story is boilerplate)
    assert documents.loc[REFERENCE.stem, "share marked, blind"] == pytest.approx(0.4)
    assert documents.loc[FRENCH.stem, ["share marked, blind", "share marked, developer"]].tolist() == [1.0, 1.0]
    assert documents.loc[FRENCH.stem, "fluency, ngram"] < documents.loc[REFERENCE.stem, "fluency, ngram"] - 15

    auc = per_sentence.set_index(["annotation", "predictor"])["AUC unmarked > marked"]
    assert len(auc) == 10 and auc.between(0, 1).all()
    for annotation in ("blind", "developer"):  # either tier ranks sentences better than their length does
        assert min(auc[annotation, "smollm2 fluency"], auc[annotation, "ngram fluency"]) > auc[annotation, "sentence length (−words)"]
    assert auc["blind", "developer annotation (−penalty)"] > 0.85

    judged = against_reference.set_index(["candidate", "judge"])
    assert len(judged) == 4 * 4
    assert judged.loc[(FRENCH.stem, "ngram"), "Mann-Whitney p"] < 0.01
    assert judged["Fisher p (share marked)"].isna().sum() == 4 * 2  # a share of marked sentences only for annotations
