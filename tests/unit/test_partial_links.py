"""Partial links, as a specification on hand-made records: a unit holds only the covered text of each
side, the tables give the status ``partial`` and the coverage of each side, quality scores partial
sentences, and error spans found in the covered part or in the rest of the sentence land on the
right characters of the sentence and of the document."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import pytest

from mtqa.checks import CHECKS
from mtqa.core.records import Alignment, Document, Link, MarkedDocument, Sentence
from mtqa.metrics import ChrF
from mtqa.metrics.resampling import mean_statistic
from mtqa.stages.aggregate.quality import SCORED_STATUSES, QualityModel, add_quality
from mtqa.stages.aggregate.tables import (
    DOCUMENT_COLUMNS,
    REFERENCE_COLUMNS,
    SENTENCE_COLUMNS,
    document_table,
    reference_table,
    sentence_table,
)
from mtqa.stages.find_errors import spans as spans_module
from mtqa.stages.find_errors.language_model import DETECTOR as LANGUAGE_MODEL
from mtqa.stages.find_errors.language_model import UNEXPLAINED
from mtqa.stages.find_errors.spans import ErrorFinder, build_segments
from mtqa.stages.score.reference import build_units, coverage, score_units

from .fakes import FakeEncoder
from .test_span_merger import evidence


def marked(doc_id: str, role: str, texts: list[str], non_content: dict[int, str], lead: str = "") -> MarkedDocument:
    """A document of one sentence a line, after ``lead`` (text that is no sentence, so that the first
    sentence does not start at 0)."""
    sentences, position = [], len(lead)
    for index, text in enumerate(texts):
        sentences.append(Sentence(doc_id, index, position, position + len(text), text, index, True, True))
        position += len(text) + 1
    return MarkedDocument(Document(doc_id, role, lead + "\n".join(texts)), sentences, non_content)


def span_of(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


REF_TEXTS = [
    "The minister resigned on Monday after a long dispute, officials said.",  # 11 words
    "Storms hit the coast.",
    "Parliament met.",
    "Subscribe now",
]
CAND_TEXTS = [
    "After a week of talks, the minister quit on Monday, and the army left the capital.",  # 16 words
    "Storms hit the coast.",
    "Zebras graze.",
    "The dispute was long.",
    "Share this",
]
REFERENCE = marked("ref", "reference", REF_TEXTS, {3: "widget"})
CANDIDATE = marked("cand", "candidate", CAND_TEXTS, {4: "widget"}, lead="* * *\n")
COVERED = "the minister quit on Monday"
CANDIDATE_PART = span_of(CAND_TEXTS[0], COVERED)
REFERENCE_PARTS = span_of(REF_TEXTS[0], "The minister resigned on Monday"), span_of(REF_TEXTS[0], "after a long dispute")
ALIGNMENT = Alignment("cand", (
    Link((0,), (0,), "ref", 0.7, candidate_part=CANDIDATE_PART, reference_part=REFERENCE_PARTS[0]),
    Link((1,), (1,), "ref", 0.9),
    Link((3,), (0,), "ref", 0.6, reference_part=REFERENCE_PARTS[1]),  # the whole candidate, part of the reference
))
UNITS = build_units(ALIGNMENT, CANDIDATE.by_id, {"ref": REFERENCE.by_id})
SCORES = score_units(UNITS, [ChrF()])


def test_a_partial_unit_holds_only_the_covered_text_of_each_side():
    first, whole, second = UNITS
    assert (first.hypothesis, first.reference) == (COVERED, "The minister resigned on Monday")
    assert (first.candidate_part, first.reference_part, first.partial) == (CANDIDATE_PART, REFERENCE_PARTS[0], True)
    assert (first.coverage, first.ref_coverage) == (5 / 16, 5 / 11)
    assert (whole.hypothesis, whole.partial, whole.coverage, whole.ref_coverage) == ("Storms hit the coast.", False, 1.0, 1.0)
    assert (second.hypothesis, second.reference) == ("The dispute was long.", "after a long dispute")
    assert (second.partial, second.coverage, second.ref_coverage) == (True, 1.0, 4 / 11)


def test_metrics_judge_the_covered_parts_only():
    expected = ChrF().segment_scores(ChrF().statistics([COVERED], ["The minister resigned on Monday"]))[0]
    assert SCORES.scores("chrf")[0] == pytest.approx(expected)


def test_coverage_is_the_share_of_words_the_union_of_parts_touches():
    text = "one two three four"
    assert coverage(text, [(0, 3)]) == 0.25
    assert coverage(text, [(0, 3), (2, 7)]) == 0.5  # overlapping parts count each word once
    assert coverage(text, [(4, 5)]) == 0.25  # a word counts when a part holds one character of it
    assert coverage(text, [None, (0, 3)]) == 1.0
    assert coverage(text, []) == 0.0


def test_a_sentence_of_a_partial_link_is_partial_with_the_coverage_of_each_side():
    table = sentence_table([CANDIDATE], SCORES, "ref")
    assert list(table.columns) == SENTENCE_COLUMNS and SENTENCE_COLUMNS[-2:] == ["coverage", "ref_coverage"]
    assert table.status.tolist() == ["partial", "aligned", "unaligned", "partial", "boilerplate"]
    assert table.coverage.tolist()[:2] == [round(5 / 16, 4), 1.0] and table.coverage[3] == 1.0
    assert table.ref_coverage.tolist()[:2] == [round(5 / 11, 4), 1.0] and table.ref_coverage[3] == round(4 / 11, 4)
    assert table.coverage[[2, 4]].isna().all() and table.ref_coverage[[2, 4]].isna().all()
    assert table.ref_text[0] == "The minister resigned on Monday"  # what the scores compared
    assert table.chrf[[0, 1, 3]].notna().all()


def test_a_reference_sentence_touched_only_by_partial_links_is_partial():
    table = reference_table([REFERENCE], [CANDIDATE], {"cand": ALIGNMENT})
    assert list(table.columns) == REFERENCE_COLUMNS and REFERENCE_COLUMNS[-1] == "coverage"
    assert table.status.tolist() == ["partial", "covered", "omitted", "boilerplate"]
    assert table.coverage.tolist()[:3] == [round(9 / 11, 4), 1.0, 0.0]  # two clauses of 5 and 4 words of 11
    assert pd.isna(table.coverage[3])


def test_a_whole_link_makes_a_reference_sentence_covered_whatever_partial_links_touch_it():
    alignment = Alignment("cand", ALIGNMENT.links + (Link((2,), (0,), "ref", 0.5),))
    table = reference_table([REFERENCE], [CANDIDATE], {"cand": alignment})
    assert (table.status[0], table.coverage[0]) == ("covered", 1.0)


def test_the_document_table_counts_partial_sentences_apart():
    sentences = sentence_table([CANDIDATE], SCORES, "ref")
    statistics = {"ref": {"fluency": mean_statistic("fluency", [80.0])}, "cand": {}}
    table = document_table([REFERENCE], [CANDIDATE], sentences, pd.DataFrame(columns=["doc_id", "severity"]), statistics)
    assert list(table.columns) == DOCUMENT_COLUMNS and DOCUMENT_COLUMNS[-1] == "n_partial"
    cand = table.set_index("doc_id").loc["cand"]
    assert (cand.n_aligned, cand.n_partial, cand.n_unaligned, cand.n_boilerplate) == (1, 2, 1, 1)
    assert str(table.n_partial.dtype) == "Int64" and pd.isna(table.set_index("doc_id").loc["ref", "n_partial"])


def test_partial_sentences_get_a_quality_score():
    assert "partial" in SCORED_STATUSES
    model = QualityModel.from_dict({"version": "test", "variants": [{
        "name": "reference", "needs_reference": True, "intercept": 0.0,
        "features": [{"column": "chrf", "direction": 1, "low": 0, "high": 100, "center": 50, "scale": 10, "weight": 1}],
    }]})
    table = add_quality(sentence_table([CANDIDATE], SCORES, "ref"), model)
    assert table.quality[[0, 1, 3]].notna().all()
    assert table.quality[[2, 4]].isna().all()  # no chrF (unaligned), boilerplate


# --- error spans ----------------------------------------------------------------------------------


class _Analyser:
    def analyse(self, texts):
        return [None] * len(texts)


class _Encoder(FakeEncoder):
    def token_embeddings(self, texts):
        return [None] * len(texts)


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str
    surprisal: float = 1.0
    excess: float = 0.0


@pytest.fixture
def segments(monkeypatch):
    """The candidate's segments, with stand-ins for the linguistic analysis and word alignment."""
    monkeypatch.setattr(spans_module, "analyser", lambda *args, **kwargs: _Analyser())
    monkeypatch.setattr(spans_module, "align_analyses", lambda *args: None)
    text = CAND_TEXTS[0]
    words = [_Word(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\w+", text)]
    return build_segments([CANDIDATE], UNITS, {"ref": REFERENCE}, _Encoder(), surprisals={("cand", 0): words})


def test_a_partial_unit_gives_its_covered_part_with_a_reference_and_the_rest_without(segments):
    of_first = [s for s in segments if s.parts[0].sentence.sent_id == 0]
    assert [(s.text, s.reference) for s in of_first] == [
        (COVERED, "The minister resigned on Monday"),
        ("After a week of talks,", None),
        ("and the army left the capital.", None),
    ]
    a = CANDIDATE_PART[0]
    assert [s.parts[0].offset for s in of_first] == [-a, 0, -CAND_TEXTS[0].index("and the army")]
    for segment in of_first:  # surprisals only of the segment's own words, in segment offsets
        assert [segment.text[w.start:w.end] for w in segment.surprisals] == [w.text for w in segment.surprisals]
        assert {w.text for w in segment.surprisals} == set(re.findall(r"\w+", segment.text))
    whole_candidate = next(s for s in segments if s.parts[0].sentence.sent_id == 3)
    assert (whole_candidate.text, whole_candidate.reference) == ("The dispute was long.", "after a long dispute")
    assert [s.text for s in segments if s.parts[0].sentence.sent_id == 2] == ["Zebras graze."]


def test_errors_in_the_covered_part_and_in_the_rest_land_on_the_sentence_characters(segments):
    text = CAND_TEXTS[0]
    claims = {
        COVERED: [evidence(COVERED.index("quit"), COVERED.index("quit") + 4, "accuracy/mistranslation", repair="resigned")],
        "and the army left the capital.": [evidence(8, 12, "fluency/spelling")],  # "army"
        "After a week of talks,": [evidence(8, 12)],  # "week"
    }
    silent = {name: (lambda segment: []) for name in ("reference", "checks", LANGUAGE_MODEL, UNEXPLAINED)}
    finder = ErrorFinder(_Encoder(), checks=[], sources={**silent, "hand": lambda s: claims.get(s.text, [])})
    found = [e for e in finder.find(segments) if e.sent_id == 0]
    sentence = CANDIDATE.by_id[0]
    assert [(e.text, e.start, e.doc_start) for e in found] == [
        ("week", 8, sentence.start + 8),
        ("quit", text.index("quit"), sentence.start + text.index("quit")),
        ("army", text.index("army"), sentence.start + text.index("army")),
    ]
    assert sentence.start == 6
    assert all(text[e.start:e.end] == e.text == CANDIDATE.document.text[e.doc_start:e.doc_end] for e in found)
    by_text = {e.text: e for e in found}
    assert by_text["army"].severity == "minor"  # no reference outside the covered part: the detector's default


def test_a_check_reading_the_whole_sentence_reports_once_in_the_piece_that_holds_the_finding(monkeypatch):
    monkeypatch.setattr(spans_module, "analyser", lambda *args, **kwargs: _Analyser())
    monkeypatch.setattr(spans_module, "align_analyses", lambda *args: None)
    lower = marked("low", "candidate", ["after a week of talks, the minister quit on Monday."], {}, lead="Page 1\n")
    part = span_of(lower.sentences[0].text, COVERED)
    units = build_units(Alignment("low", (Link((0,), (0,), "ref", 0.7, candidate_part=part),)), lower.by_id,
                        {"ref": REFERENCE.by_id})
    segments = build_segments([lower], units, {"ref": REFERENCE}, _Encoder())
    silent = {name: (lambda segment: []) for name in ("reference", LANGUAGE_MODEL, UNEXPLAINED)}
    found = ErrorFinder(_Encoder(), checks=[CHECKS["sentence-casing"]], sources=silent).find(segments)
    assert [(e.text, e.start, e.doc_start, e.suggestion) for e in found] == [("after", 0, 7, "After")]
