"""The output tables, built from hand-made records: statuses, reference ids, scores left empty when
a stage did not compute them, error counts and penalties, and rounding."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mtqa.core.records import Alignment, Document, Link, MarkedDocument, Sentence
from mtqa.metrics import ChrF
from mtqa.metrics.resampling import mean_statistic
from mtqa.stages.aggregate.tables import (
    DOCUMENT_COLUMNS,
    ERROR_COLUMNS,
    REFERENCE_COLUMNS,
    SENTENCE_COLUMNS,
    document_table,
    empty_errors,
    error_table,
    reference_table,
    sentence_table,
)
from mtqa.stages.find_errors.spans import ErrorSpan
from mtqa.stages.score.reference import build_units, score_units


def marked(doc_id: str, role: str, texts: list[str], non_content: dict[int, str]) -> MarkedDocument:
    sentences, position = [], 0
    for index, text in enumerate(texts):
        sentences.append(Sentence(doc_id, index, position, position + len(text), text, index, True, True))
        position += len(text) + 1
    return MarkedDocument(Document(doc_id, role, "\n".join(texts), origin="fr" if role == "candidate" else ""),
                          sentences, non_content)


REFERENCE = marked("ref", "reference", ["The minister resigned on Monday.", "Parliament met.", "Subscribe now"], {2: "widget"})
SECOND = marked("ref2", "reference", ["Storms hit the coast."], {})
CANDIDATE = marked("cand", "candidate", ["The minister quit on Monday.", "Zebras graze.", "Share this", "Storms hit the coast."],
                   {2: "widget"})
ALIGNMENT = Alignment("cand", (Link((0,), (0,), "ref", 0.9123456), Link((3,), (0,), "ref2", 0.8)))
UNITS = build_units(ALIGNMENT, CANDIDATE.by_id, {"ref": REFERENCE.by_id, "ref2": SECOND.by_id})
SCORES = score_units(UNITS, [ChrF()])
ERRORS = pd.DataFrame({"doc_id": ["cand", "cand", "cand"], "sent_id": [0, 0, 1], "severity": ["minor", "major", "critical"]})


def test_units_join_the_linked_sentences_texts():
    assert [(u.hypothesis, u.reference, u.reference_doc, u.align_score) for u in UNITS] == [
        ("The minister quit on Monday.", "The minister resigned on Monday.", "ref", 0.9123456),
        ("Storms hit the coast.", "Storms hit the coast.", "ref2", 0.8),
    ]


def test_each_candidate_sentence_is_aligned_unaligned_or_boilerplate():
    table = sentence_table([CANDIDATE], SCORES, "ref")
    assert list(table.columns) == SENTENCE_COLUMNS
    assert table.status.tolist() == ["aligned", "unaligned", "boilerplate", "aligned"]
    assert table.text.tolist() == [s.text for s in CANDIDATE.sentences]
    assert table.start.tolist() == [s.start for s in CANDIDATE.sentences]


def test_reference_ids_name_a_secondary_reference_and_not_the_primary():
    table = sentence_table([CANDIDATE], SCORES, "ref")
    assert table.ref_ids.tolist()[0] == "0" and table.ref_ids.tolist()[3] == "ref2:0"
    assert table.ref_text.tolist()[3] == "Storms hit the coast."


def test_aligned_sentences_get_their_units_scores_rounded_and_the_others_none():
    table = sentence_table([CANDIDATE], SCORES, "ref")
    chrf = ChrF().segment_scores(SCORES.stats["chrf"])
    assert table.chrf[0] == round(chrf[0], 4) and table.chrf[3] == pytest.approx(100.0)
    assert table.align_score[0] == 0.9123
    assert table.chrf[[1, 2]].isna().all() and table.align_score[[1, 2]].isna().all()
    assert table.bleu.isna().all() and table.quality.isna().all()  # not computed: empty, never made up


def test_without_errors_the_error_columns_stay_empty():
    table = sentence_table([CANDIDATE], SCORES, "ref")
    assert table.n_errors.isna().all() and table.mqm_penalty.isna().all()


def test_errors_give_content_sentences_a_count_and_a_penalty_and_leave_boilerplate_empty():
    table = sentence_table([CANDIDATE], SCORES, "ref", errors=ERRORS)
    assert table.n_errors.tolist()[:2] == [2, 1] and table.n_errors.tolist()[3] == 0
    assert table.mqm_penalty.tolist()[:2] == [6, 25] and table.mqm_penalty[3] == 0
    assert table.n_errors.isna()[2] and math.isnan(table.mqm_penalty[2])
    assert str(table.n_errors.dtype) == "Int64"


def test_fluency_is_filled_where_given():
    table = sentence_table([CANDIDATE], SCORES, "ref", fluency={("cand", 1): 71.234567})
    assert table.fluency[1] == 71.2346 and table.fluency.drop(1).isna().all()


def test_each_reference_sentence_is_covered_omitted_or_boilerplate_for_each_candidate():
    other = marked("other", "candidate", ["Unrelated."], {})
    alignments = {"cand": ALIGNMENT, "other": Alignment("other", ())}
    table = reference_table([REFERENCE, SECOND], [CANDIDATE, other], alignments, fluency={("ref", 1): 50.0})
    assert list(table.columns) == REFERENCE_COLUMNS
    rows = [(r.doc_id, r.candidate, r.sent_id, r.status) for r in table.itertuples()]
    assert rows == [
        ("ref", "cand", 0, "covered"), ("ref", "cand", 1, "omitted"), ("ref", "cand", 2, "boilerplate"),
        ("ref", "other", 0, "omitted"), ("ref", "other", 1, "omitted"), ("ref", "other", 2, "boilerplate"),
        ("ref2", "cand", 0, "covered"), ("ref2", "other", 0, "omitted"),
    ]
    assert table.fluency.tolist()[1] == 50.0 and table.fluency.isna().sum() == 6


def test_the_error_table_has_the_contract_columns_and_integer_offsets():
    span = ErrorSpan("cand", 1, 0, 6, 30, 36, "Zebras", "accuracy/addition", "major", "reference", "not in the reference", None)
    table = error_table([span])
    assert list(table.columns) == ERROR_COLUMNS
    assert table.iloc[0].to_dict() == {c: getattr(span, c) for c in ERROR_COLUMNS}
    assert all(str(table[c].dtype) == "int64" for c in ("sent_id", "start", "end", "doc_start", "doc_end"))
    assert list(error_table([]).columns) == ERROR_COLUMNS == list(empty_errors().columns)
    assert len(empty_errors()) == 0


def test_the_document_table_counts_sentences_words_and_errors_by_severity():
    sentences = sentence_table([CANDIDATE], SCORES, "ref", errors=ERRORS)
    statistics = {
        "ref": {"fluency": mean_statistic("fluency", [80.0, 60.0])},
        "ref2": {},
        "cand": {"quality": mean_statistic("quality", [np.nan, 70.123456, 10.0])},
    }
    table = document_table([REFERENCE, SECOND], [CANDIDATE], sentences, ERRORS, statistics).set_index("doc_id")
    assert list(table.reset_index().columns) == DOCUMENT_COLUMNS
    cand = table.loc["cand"]
    assert (cand.role, cand.origin, cand.n_sentences, cand.n_content, cand.n_boilerplate) == ("candidate", "fr", 4, 3, 1)
    assert cand.n_words == 5 + 2 + 4
    assert (cand.n_aligned, cand.n_unaligned, cand.n_errors) == (2, 1, 3)
    assert (cand.n_minor, cand.n_major, cand.n_critical) == (1, 1, 1)
    assert cand.quality == round((70.123456 + 10.0) / 2, 4)
    ref = table.loc["ref"]
    assert ref.fluency == 70.0 and pd.isna(ref.n_aligned) and pd.isna(ref.n_errors)
    assert (ref.n_sentences, ref.n_content, ref.n_words) == (3, 2, 7)
