"""Merging evidence into error spans, as a specification, on hand-made evidence: overlapping claims
become one error carrying every explanation, omissions merge only at the same anchor, spans are
clipped to their sentence and trimmed of white space, suggestions are composed, and severity comes
from the detectors without a reference and from the repair's shift towards the reference with one."""

from __future__ import annotations

from mtqa.checks.evidence import DocumentContext, Evidence, Segment, SentencePart
from mtqa.core.records import Sentence
from mtqa.stages.find_errors.language_model import DETECTOR as LANGUAGE_MODEL
from mtqa.stages.find_errors.language_model import UNEXPLAINED
from mtqa.stages.find_errors.spans import ErrorFinder, _compose, _groups, _trimmed

from .fakes import FakeEncoder


def evidence(start, end, category="fluency/grammar", detector="test", explanation="why", **kwargs) -> Evidence:
    return Evidence(start, end, category, detector, explanation, **kwargs)


def spans(group: list[Evidence]) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in group]


def test_overlapping_evidence_forms_one_group_transitively():
    groups = _groups([evidence(0, 4), evidence(3, 8), evidence(7, 10), evidence(12, 14)])
    assert [spans(g) for g in groups] == [[(0, 4), (3, 8), (7, 10)], [(12, 14)]]


def test_adjacent_evidence_stays_apart():
    assert [spans(g) for g in _groups([evidence(4, 8), evidence(0, 4)])] == [[(0, 4)], [(4, 8)]]


def test_an_omission_merges_only_with_omissions_at_the_same_anchor():
    omission = "accuracy/omission"
    groups = _groups([evidence(0, 5), evidence(2, 4, omission), evidence(2, 4, omission, "other"), evidence(6, 8, omission)])
    assert [spans(g) for g in groups] == [[(0, 5)], [(2, 4), (2, 4)], [(6, 8)]]


def test_trimming_clips_to_the_sentence_and_drops_edge_white_space():
    text = "One two.  Three four."
    clipped = _trimmed(evidence(4, 12, suggestion="x", repair="y"), text, 0, 8)
    assert (clipped.start, clipped.end) == (4, 8) and text[4:8] == "two."
    assert clipped.suggestion is None and clipped.repair is None  # a whole-span claim no longer fits


def test_trimming_keeps_evidence_that_already_fits_unchanged():
    item = evidence(0, 3, suggestion="Uno")
    assert _trimmed(item, "One two.", 0, 8) is item


def test_evidence_of_white_space_only_or_outside_the_sentence_is_dropped():
    text = "One two.  Three four."
    assert _trimmed(evidence(8, 10), text, 0, len(text)) is None
    assert _trimmed(evidence(10, 15), text, 0, 8) is None


def test_composing_applies_non_overlapping_replacements_the_widest_first():
    text = "the general iranian said"
    assert _compose(text, 0, 19, [(0, 19, "the Iranian general"), (12, 19, "Iranian")]) == "the Iranian general"
    assert _compose(text, 4, 19, [(4, 11, "General"), (12, 19, "Iranian")]) == "General Iranian"
    assert _compose(text, 0, 4, []) is None


def test_composing_turns_a_into_an_before_a_capitalised_vowel():
    text = "a hit american"
    assert _compose(text, 0, 14, [(2, 14, "American hit")]) == "an American hit"


class Finder:
    """An ErrorFinder whose only evidence source is a fixed list per segment text."""

    def __init__(self, claims: dict[str, list[Evidence]], encoder=None):
        silent = {name: (lambda segment: []) for name in ("reference", "checks", LANGUAGE_MODEL, UNEXPLAINED)}
        self.encoder = encoder or FakeEncoder()
        self.finder = ErrorFinder(self.encoder, checks=[], sources={**silent, "hand": lambda s: claims.get(s.text, [])})

    def find(self, segments):
        return self.finder.find(segments)


def one_sentence(text: str, doc_start: int = 0, reference: str | None = None, doc_id: str = "doc") -> Segment:
    sentence = Sentence(doc_id, 3, doc_start, doc_start + len(text), text, 0, True, True)
    return Segment(doc_id, text, (SentencePart(sentence, 0),), None, DocumentContext(text), reference=reference)


def test_overlapping_claims_become_one_error_with_every_detector_and_explanation():
    text = "They has refused to how one this information."
    claims = [evidence(5, 18, "fluency/grammar", "language-model", "surprising run"),
              evidence(9, 23, "accuracy/mistranslation", "reference", "differs from the reference"),
              evidence(5, 8, "fluency/grammar", "check:agreement", "surprising run", suggestion="have")]
    (span,) = Finder({text: claims}).find([one_sentence(text, doc_start=100)])
    assert (span.start, span.end, span.text) == (5, 23, "has refused to how")
    assert (span.doc_start, span.doc_end, span.sent_id) == (105, 123, 3)
    assert span.category == "accuracy/mistranslation"  # the first of CATEGORY_ORDER names the error
    assert span.detector == "check:agreement;language-model;reference"
    assert span.explanation == "differs from the reference; surprising run"
    assert span.suggestion == "have refused to how"


def test_without_a_reference_the_most_severe_detector_default_wins():
    text = "Stop.. now, now."
    claims = [evidence(4, 6, severity="minor"), evidence(5, 10, severity="major")]
    (span,) = Finder({text: claims}).find([one_sentence(text)])
    assert span.severity == "major"


def test_a_minimum_severity_is_a_floor():
    text = "He paid 5 dollars."
    (span,) = Finder({text: [evidence(8, 9, "accuracy/mistranslation", severity="minor", minimum="major")]}).find(
        [one_sentence(text)])
    assert span.severity == "major"


def test_with_a_reference_severity_comes_from_how_far_the_repair_moves_towards_it():
    text = "The minister resigned on Friday."
    reference = "The minister resigned on Monday."
    claims = [evidence(25, 31, "accuracy/mistranslation", repair="Monday")]
    finder = Finder({text: claims})
    (span,) = finder.find([one_sentence(text, reference=reference)])
    assert span.severity == "critical"  # the repair makes the segment identical to its reference
    assert reference in finder.encoder.calls[0] and text in finder.encoder.calls[0]


def test_a_repair_that_changes_nothing_is_a_minor_error():
    text = "The minister resigned on Monday."
    (span,) = Finder({text: [evidence(4, 12, "style/awkward", repair="minister", severity="major")]}).find(
        [one_sentence(text, reference=text)])
    assert span.severity == "minor"


def test_evidence_across_two_sentences_of_a_unit_is_split_at_the_sentence_boundary():
    first, second = "It rained all day.", "Then it stopped."
    text = f"{first} {second}"
    parts = (SentencePart(Sentence("doc", 0, 0, len(first), first, 0, True, False), 0),
             SentencePart(Sentence("doc", 1, len(first) + 1, len(text), second, 0, False, True), len(first) + 1))
    segment = Segment("doc", text, parts, None, DocumentContext(text))
    found = Finder({text: [evidence(10, 24)]}).find([segment])
    assert [(s.sent_id, s.text, s.start, s.doc_start) for s in found] == [(0, "all day.", 10, 10), (1, "Then", 0, 19)]


def test_spans_are_sorted_by_document_then_offset():
    a, b = "First sentence here.", "Second one here."
    claims = {a: [evidence(6, 14), evidence(0, 5)], b: [evidence(0, 6)]}
    found = Finder(claims).find([one_sentence(b, doc_id="a-doc"), one_sentence(a, doc_start=50, doc_id="b-doc")])
    assert [(s.doc_id, s.doc_start) for s in found] == [("a-doc", 0), ("b-doc", 50), ("b-doc", 56)]
