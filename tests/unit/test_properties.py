"""Properties that hold for any input (hypothesis): the segmenter's offsets, the aligner's links, the
merged error spans, and the escaping of the HTML highlighting."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from mtqa.checks.evidence import DocumentContext, Evidence, Segment, SentencePart
from mtqa.core.records import Document, Sentence
from mtqa.core.taxonomy import CATEGORIES, SEVERITIES
from mtqa.render.html import highlight
from mtqa.stages.align import AlignParameters, align_comparable
from mtqa.stages.find_errors.language_model import DETECTOR as LANGUAGE_MODEL
from mtqa.stages.find_errors.language_model import UNEXPLAINED
from mtqa.stages.find_errors.spans import ErrorFinder
from mtqa.stages.segment import _SPACE, segment, segment_lines

from .fakes import FakeEncoder

# Text that stresses the segmenter: letters of both cases, digits, sentence marks, quotes, brackets,
# bullets, every kind of white space and line break, and anything else Unicode has.
TRICKY = list("aAbBsSuUzZ09 .....!?…,;:\"'“”‘’«»()[]{}•·*-–—\n\n\r\t\u00a0\u2009\u202f\ufeff\u2003\u2028\x85\x0b\x0c\x1c")
TEXT = st.text(st.sampled_from(TRICKY) | st.characters(), max_size=160)


@given(TEXT)
def test_sentences_are_exact_ordered_non_overlapping_slices_of_the_text(text):
    found = segment(Document("d", "candidate", text))
    end = 0
    for index, s in enumerate(found):
        assert s.sent_id == index
        assert end <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text
        for edge in (s.text[0], s.text[-1]):
            assert not (edge.isspace() or edge in _SPACE)
        end = s.end
    assert [s.paragraph for s in found] == sorted(s.paragraph for s in found)


@given(TEXT)
def test_line_segments_are_exact_slices_numbered_by_line(text):
    found = segment_lines(Document("d", "candidate", text))
    lines = text.splitlines()
    end = 0
    for s in found:
        assert end <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text
        assert s.text in lines[s.sent_id]
        end = s.end
    assert [s.sent_id for s in found] == sorted({s.sent_id for s in found})


WORDS = ["minister", "budget", "storm", "coast", "parliament", "club", "the", "on", "Monday", "resigned", "flood", "vote"]
SENTENCE_TEXTS = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=7).map(" ".join), max_size=6)


def as_sentences(doc_id: str, texts: list[str], paragraph_every: int) -> list[Sentence]:
    result, position = [], 0
    for index, text in enumerate(texts):
        result.append(Sentence(doc_id, index, position, position + len(text), text, index // paragraph_every, True, True))
        position += len(text) + 1
    return result


@given(SENTENCE_TEXTS, SENTENCE_TEXTS, SENTENCE_TEXTS, st.integers(1, 3), st.integers(1, 3),
       st.floats(0.0, 1.0, allow_subnormal=False), st.booleans())
def test_links_use_existing_sentences_at_most_once_with_a_confidence_in_0_1(
    candidate_texts, reference_texts, secondary_texts, paragraph_every, max_merge, skip_cost, many_to_many,
):
    candidate = as_sentences("c", candidate_texts, paragraph_every)
    references = [("r", as_sentences("r", reference_texts, paragraph_every)), ("s", as_sentences("s", secondary_texts, 1))]
    parameters = AlignParameters(max_merge=max_merge, skip_cost=skip_cost, many_to_many=many_to_many)
    alignment = align_comparable("c", candidate, references, FakeEncoder(), parameters)
    ids = {name: {s.sent_id for s in sentences} for name, sentences in references}
    used_candidates, used_references = [], []
    for link in alignment.links:
        assert set(link.candidate_ids) <= {s.sent_id for s in candidate}
        assert set(link.reference_ids) <= ids[link.reference_doc]
        assert 1 <= len(link.candidate_ids) <= max_merge and 1 <= len(link.reference_ids) <= max_merge
        assert many_to_many or len(link.candidate_ids) == 1 or len(link.reference_ids) == 1
        for block in (link.candidate_ids, link.reference_ids):
            assert list(block) == list(range(block[0], block[0] + len(block)))  # consecutive sentences
        assert 0.0 <= link.confidence <= 1.0
        assert -1.0 - 1e-6 <= link.similarity <= 1.0 + 1e-6
        used_candidates += link.candidate_ids
        used_references += [(link.reference_doc, i) for i in link.reference_ids]
    assert len(used_candidates) == len(set(used_candidates))
    assert len(used_references) == len(set(used_references))
    assert [link.candidate_ids for link in alignment.links] == sorted(link.candidate_ids for link in alignment.links)


@st.composite
def segments_with_evidence(draw):
    """A segment of one or two sentences (joined by a space) and evidence anywhere in its text."""
    sentence_text = st.text(st.sampled_from(list("ab c.\u00a0\t\n")) | st.characters(), min_size=1, max_size=30).filter(
        lambda t: t.strip() == t and t)
    texts = draw(st.lists(sentence_text, min_size=1, max_size=2))
    text = " ".join(texts)
    parts, offset, doc_start = [], 0, draw(st.integers(0, 50))
    for index, piece in enumerate(texts):
        sentence = Sentence("d", index, doc_start + offset, doc_start + offset + len(piece), piece, 0, index == 0,
                            index == len(texts) - 1)
        parts.append(SentencePart(sentence, offset))
        offset += len(piece) + 1
    claims = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        suggestion = draw(st.none() | st.text(max_size=5))
        claims.append(Evidence(start, end, draw(st.sampled_from(CATEGORIES)), draw(st.sampled_from(["a", "b"])), "why",
                               suggestion=suggestion, repair=draw(st.none() | st.text(max_size=5)),
                               severity=draw(st.sampled_from(SEVERITIES))))
    reference = draw(st.none() | st.sampled_from(["the reference", text]))
    return Segment("d", text, tuple(parts), None, DocumentContext(text), reference=reference), claims


@given(segments_with_evidence())
def test_merged_spans_lie_inside_their_sentence_and_quote_it_exactly(case):
    segment, claims = case
    silent = {name: (lambda s: []) for name in ("reference", "checks", LANGUAGE_MODEL, UNEXPLAINED)}
    finder = ErrorFinder(FakeEncoder(), checks=[], sources={**silent, "hand": lambda s: claims})
    spans = finder.find([segment])
    sentences = {part.sentence.sent_id: part.sentence for part in segment.parts}
    for span in spans:
        sentence = sentences[span.sent_id]
        assert 0 <= span.start < span.end <= len(sentence.text)
        assert span.text == sentence.text[span.start:span.end]
        assert (span.doc_start, span.doc_end) == (sentence.start + span.start, sentence.start + span.end)
        assert span.text.strip() == span.text
        assert span.category in CATEGORIES and span.severity in SEVERITIES
    assert len(spans) <= len(claims) * len(segment.parts)
    if not any(c.category == "accuracy/omission" for c in claims):  # the others merge when they overlap
        for a, b in zip(spans, spans[1:]):
            assert a.doc_end <= b.doc_start


HOSTILE = list("<>&\"'/=") + ["<script>", "</script>", "<b>", "&amp;", "&#39;", "javascript:", "\u2038"]
HOSTILE_TEXT = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=4), max_size=20).map("".join)
TAG = re.compile(r'<mark class="[^"<>&]*" data-err="[^"<>]*" title="[^"<>]*" tabindex="0">|</mark>')


@st.composite
def text_with_spans(draw):
    text = draw(HOSTILE_TEXT)
    errors = []
    for number in range(draw(st.integers(0, 5))):
        start = draw(st.integers(-2, len(text) + 2))
        end = draw(st.integers(start - 1, len(text) + 3))
        errors.append({"id": draw(HOSTILE_TEXT) or f"e{number}", "start": start, "end": end,
                       "category": draw(st.sampled_from(CATEGORIES)), "severity": draw(st.sampled_from(SEVERITIES)),
                       "detector": draw(HOSTILE_TEXT), "explanation": draw(HOSTILE_TEXT), "suggestion": draw(HOSTILE_TEXT)})
    return text, errors


@given(text_with_spans())
def test_highlighting_escapes_everything_and_keeps_every_character(case):
    text, errors = case
    out = str(highlight(text, errors))
    outside_tags = TAG.sub("", out)
    for raw in ("<", ">", '"', "'"):
        assert raw not in outside_tags
    assert not re.search(r"&(?!(?:amp|lt|gt|quot|#34|#39);)", out)  # every & starts an entity
    carets = sum(1 for e in errors if 0 <= e["start"] == e["end"] <= len(text))
    assert html.unescape(outside_tags).replace("\u2038", "") == text.replace("\u2038", "")
    assert sum("insertion" in tag for tag in TAG.findall(out)) == carets
