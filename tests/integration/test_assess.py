"""End to end through the Python API on the seeds: the output contract, offsets, determinism."""

import pandas as pd
import pytest
from conftest import CANDIDATES, DATA, FRENCH, REFERENCE, RUSSIAN, sentence_containing

import mtqa
from mtqa.backends.encoder import sentence_encoder
from mtqa.stages.aggregate.quality import packaged_model
from mtqa.stages.aggregate.statistics import ci_columns
from mtqa.stages.aggregate.tables import (
    DOCUMENT_COLUMNS,
    ERROR_COLUMNS,
    EXTRA_UNIT_METRICS,
    REFERENCE_COLUMNS,
    SENTENCE_COLUMNS,
)
from mtqa.stages.score import DEFAULT_METRICS


def test_tables_have_the_contract_columns(seeds_result):
    ran = [name for name in EXTRA_UNIT_METRICS if name in DEFAULT_METRICS]  # the default metrics beyond the contract
    assert list(seeds_result.sentences.columns) == SENTENCE_COLUMNS + ran  # extras follow the contract
    assert list(seeds_result.errors.columns) == ERROR_COLUMNS
    assert list(seeds_result.documents.columns) == DOCUMENT_COLUMNS + ci_columns()  # intervals follow the contract
    assert list(seeds_result.reference.columns) == REFERENCE_COLUMNS
    assert seeds_result.candidates == [p.stem for p in CANDIDATES]
    assert seeds_result.references == [REFERENCE.stem]


def test_every_sentence_row_points_into_its_document(seeds_result):
    for row in seeds_result.sentences.itertuples():
        assert seeds_result.document_text(row.doc_id)[row.start:row.end] == row.text
    for row in seeds_result.reference.itertuples():
        assert seeds_result.document_text(row.doc_id)[row.start:row.end] == row.text


def test_aligned_sentences_carry_scores_and_others_do_not(seeds_result):
    table = seeds_result.sentences
    aligned = table[table.status == "aligned"]
    assert len(aligned) >= 18  # comparable versions: much of 003 and 004 has no counterpart in the reference
    assert aligned[["chrf", "bleu", "ter", "semantic", "align_score"]].notna().all().all()
    assert ((aligned.chrf >= 0) & (aligned.chrf <= 100)).all()
    linked = table[table.status.isin(["aligned", "partial"])]
    assert linked[["chrf", "bleu", "ter", "semantic", "align_score", "coverage", "ref_coverage"]].notna().all().all()
    other = table[~table.status.isin(["aligned", "partial"])]
    assert other[["chrf", "bleu", "ter", "semantic", "ref_ids", "coverage", "ref_coverage"]].isna().all().all()
    assert set(table.status) <= {"aligned", "partial", "unaligned", "boilerplate"}
    assert (aligned.coverage == 1).all() and (aligned.ref_coverage == 1).all()


def test_the_pentagon_refusal_is_scored_against_its_reference_sentence(seeds_result):
    row = sentence_containing(seeds_result.sentences, FRENCH.stem, "refused to how one this information")
    assert row.status == "aligned"
    assert row.ref_text.startswith("The Pentagon said it had no information to provide")
    reference_row = seeds_result.reference[
        (seeds_result.reference.candidate == FRENCH.stem) & (seeds_result.reference.sent_id == int(row.ref_ids))
    ]
    assert reference_row.status.tolist() == ["covered"]


def test_columns_of_later_stages_are_empty_not_invented(seeds_result):
    boilerplate = seeds_result.sentences[seeds_result.sentences.status == "boilerplate"]
    assert boilerplate[["fluency", "quality", "mqm_penalty", "n_errors"]].isna().all().all()


def test_document_scores_are_corpus_scores_over_aligned_units(seeds_result):
    from mtqa.metrics import ChrF

    french = seeds_result.documents.set_index("doc_id").loc[FRENCH.stem]
    units = [u for u in seeds_result.unit_scores.units if u.doc_id == FRENCH.stem]
    metric = ChrF()
    expected = metric.corpus_score(metric.statistics([u.hypothesis for u in units], [u.reference for u in units]))
    assert french.chrf == pytest.approx(expected, abs=1e-4)
    assert french.n_aligned + french.n_partial == len(units)


def test_results_do_not_depend_on_the_batch_size_or_on_which_texts_are_encoded_together(seeds_result, monkeypatch):
    encoder = sentence_encoder()
    monkeypatch.setattr(encoder, "_cache", {})  # encode every text again, grouped as this run asks
    monkeypatch.setattr(encoder, "_token_cache", {})
    again = mtqa.assess(REFERENCE, CANDIDATES, batch_size=3)
    pd.testing.assert_frame_equal(seeds_result.sentences, again.sentences)
    pd.testing.assert_frame_equal(seeds_result.documents, again.documents)
    pd.testing.assert_frame_equal(seeds_result.reference, again.reference)
    pd.testing.assert_frame_equal(seeds_result.words, again.words, check_exact=True)


def test_parallel_mode_uses_lines_as_segments():
    result = mtqa.assess(
        DATA / "ted_zhen" / "reference.txt",
        {"didi": DATA / "ted_zhen" / "DIDI-NLP.txt", "online-w": DATA / "ted_zhen" / "Online-W.txt"},
        parallel=True,
    )
    table = result.sentences
    assert len(table) == 2 * 529
    assert (table.status == "aligned").all()
    assert (table.ref_ids == table.sent_id.astype(str)).all()
    didi = result.documents.set_index("doc_id").loc["didi"]
    reference_lines = (DATA / "ted_zhen" / "reference.txt").read_text().splitlines()
    hypothesis_lines = (DATA / "ted_zhen" / "DIDI-NLP.txt").read_text().splitlines()
    import sacrebleu

    assert didi.chrf == pytest.approx(sacrebleu.corpus_chrf(hypothesis_lines, [reference_lines]).score, abs=1e-4)
    assert didi.bleu == pytest.approx(sacrebleu.corpus_bleu(hypothesis_lines, [reference_lines]).score, abs=1e-4)


def test_parallel_mode_refuses_a_line_count_mismatch(tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("only one line\n")
    with pytest.raises(mtqa.InputError, match=r"short.txt: has 1 lines but the reference .* has 529"):
        mtqa.assess(DATA / "ted_zhen" / "reference.txt", [short], parallel=True)


def test_without_a_reference_nothing_is_aligned_and_no_reference_metric_runs(qe_result):
    """Quality estimation (``reference=None``): the candidates keep their contract columns, but every
    content sentence is unaligned and the reference metrics stay empty, in the tables and in run.json."""
    content = qe_result.sentences[qe_result.sentences.status != "boilerplate"]
    assert set(content.status) == {"unaligned"}
    assert content[["ref_ids", "ref_text", "align_score", "chrf", "bleu", "ter", "semantic"]].isna().all().all()
    assert "unexplained_bits" not in qe_result.sentences
    assert qe_result.references == [] and qe_result.primary_reference is None and qe_result.reference.empty
    assert list(qe_result.signature["metrics"]) == ["fluency"] and not qe_result.signature["parameters"]["metrics"]
    assert qe_result.warnings == []


def test_without_a_reference_what_needs_none_is_as_in_a_run_with_one(qe_result, seeds_result):
    """Segmentation, page furniture and fluency do not depend on the reference; quality comes from the
    packaged reference-free variant."""
    mine = qe_result.sentences.set_index(["doc_id", "sent_id"])
    theirs = seeds_result.sentences.set_index(["doc_id", "sent_id"]).loc[mine.index]
    assert (mine.text == theirs.text).all()
    assert ((mine.status == "boilerplate") == (theirs.status == "boilerplate")).all()
    pd.testing.assert_series_equal(mine.fluency, theirs.fluency)
    content = mine[mine.status != "boilerplate"]
    variant = packaged_model().variant("reference_free")
    assert content.quality.to_numpy() == pytest.approx(variant.score(content), abs=1e-3)  # tables round to 4 places


def test_without_a_reference_the_errors_found_are_those_that_need_none(qe_result):
    errors = qe_result.errors
    assert not errors.detector.str.contains("reference").any()
    for fragment, found, category, detector in [
        ("the general iranian", "general iranian", "fluency/word-order", "check:demonym-order"),
        ("has refused to how one this information", "how one this", "fluency/grammar", "language-model"),
    ]:
        sentence = sentence_containing(qe_result.sentences, FRENCH.stem, fragment)
        spans = errors[(errors.doc_id == FRENCH.stem) & (errors.sent_id == sentence.sent_id)]
        span = spans[spans.text == found]
        assert len(span) == 1, spans[["text", "category", "detector"]]
        assert span.category.iloc[0] == category and detector in span.detector.iloc[0]


def test_without_a_reference_the_errors_found_count_against_quality(qe_result):
    """The reference-free variant weighs the errors found without a reference beside fluency: the
    garbled Pentagon sentence would score higher without its "how one this" span."""
    variant = packaged_model().variant("reference_free")
    assert variant.columns == ["fluency", "mqm_penalty"]
    row = sentence_containing(qe_result.sentences, FRENCH.stem, "has refused to how one this information")
    sentence = qe_result.sentences.loc[[row.name]]
    assert row.mqm_penalty > 0
    assert variant.score(sentence)[0] < variant.score(sentence.assign(mqm_penalty=0.0))[0]


def test_without_a_reference_the_garbled_french_translation_ranks_below_the_russian(qe_result):
    documents = qe_result.documents.set_index("doc_id")
    french, russian = documents.loc[FRENCH.stem], documents.loc[RUSSIAN.stem]
    assert french.fluency_ci_high < russian.fluency_ci_low
    assert french.quality < russian.quality and french.mqm_score < russian.mqm_score


def test_an_empty_reference_list_is_refused_not_taken_for_quality_estimation():
    with pytest.raises(mtqa.InputError, match="no reference documents"):
        mtqa.assess([], [FRENCH])
