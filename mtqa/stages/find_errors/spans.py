"""Stage 6, find errors: character spans with an MQM category, a severity, the detectors that found
them, why, and a suggestion where one exists.

Evidence sources are functions ``Segment -> list[Evidence]`` (:mod:`mtqa.checks.evidence`): the reference
comparison (:mod:`mtqa.stages.find_errors.reference`), the QA checks (:mod:`mtqa.checks`), the language
model's runs of surprising words and the words a parallel reference leaves unexplained
(:mod:`mtqa.stages.find_errors.language_model`), and any other source given to
:class:`ErrorFinder`. Evidence that covers the same characters of a sentence merges into one error
carrying all its explanations.

Severity comes from the size of the meaning change, not from the detector: the segment's embedding
similarity to its reference is measured again with the error repaired (the reference's words put in,
an addition taken out, a suggestion applied); the gain decides minor, major or critical. Without a
reference, the detectors' default severities apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Mapping, Sequence

from mtqa.backends.encoder import SentenceEncoder, sentence_encoder
from mtqa.backends.linguistic import align_analyses, analyser
from mtqa.checks import Check, enabled_checks, run_checks
from mtqa.checks.evidence import (
    DocumentContext,
    Evidence,
    EvidenceSource,
    Segment,
    SentencePart,
    WordScore,
)
from mtqa.core.records import MarkedDocument
from mtqa.core.taxonomy import SEVERITIES
from mtqa.stages.find_errors.language_model import (
    DETECTOR as LANGUAGE_MODEL,
)
from mtqa.stages.find_errors.language_model import (
    UNEXPLAINED,
    language_model_evidence,
    unexplained_evidence,
)
from mtqa.stages.find_errors.reference import reference_evidence
from mtqa.stages.score.reference import Unit

# Gain in cosine similarity to the reference when the error is repaired: from MAJOR_SHIFT the error
# is major, from CRITICAL_SHIFT critical. MAJOR_SHIFT best separates the raters' major from minor
# errors among mtqa's spans on the WMT21 TED MQM data (balanced accuracy 0.57: a weak signal); the TED
# raters mark no critical errors, so CRITICAL_SHIFT is set where a repair restores a large share of
# the meaning (the top sixth of the major errors' shifts).
MAJOR_SHIFT = 0.02
CRITICAL_SHIFT = 0.15
OMISSION = "accuracy/omission"
# (hypotheses, references) -> (start, end, bits) per word of each hypothesis after its reference
WordsAfterReference = Callable[[Sequence[str], Sequence[str]], list[list[tuple[int, int, float]]]]
# When evidence of several categories covers one error, the first of this order names it.
# A word-order error ranks above an addition: both words are there, only misplaced ("the group
# jihadist islamic State" has one word the reference lacks, but its fault is the order).
CATEGORY_ORDER = (
    "accuracy/mistranslation", "accuracy/untranslated", "terminology/wrong-term", "fluency/word-order",
    "accuracy/addition", "accuracy/omission", "fluency/grammar", "fluency/spelling",
    "fluency/punctuation", "style/awkward", "other/boilerplate",
)


@dataclass(frozen=True)
class ErrorSpan:
    doc_id: str
    sent_id: int
    start: int  # into the sentence text, end exclusive
    end: int
    doc_start: int  # into the document text
    doc_end: int
    text: str
    category: str
    severity: str
    detector: str  # the detectors that found it, ";"-joined
    explanation: str
    suggestion: str | None


def _parts(unit_text: str, sentences: Sequence) -> tuple[SentencePart, ...]:
    """Where each sentence of a unit sits inside the unit's joined text."""
    parts, cursor = [], 0
    for sentence in sentences:
        offset = unit_text.find(sentence.text, cursor)
        if offset < 0:
            raise ValueError(f"sentence {sentence.sent_id} of {sentence.doc_id} is not in its unit's text")
        parts.append(SentencePart(sentence, offset))
        cursor = offset + len(sentence.text)
    return tuple(parts)


def _shifted_scores(parts: tuple[SentencePart, ...], surprisals, doc_id: str, length: int) -> tuple | None:
    """Word surprisals of the segment's sentences, with offsets moved from sentence to segment text;
    only the words inside the segment's ``length`` characters (a segment may hold part of a sentence)."""
    if surprisals is None:
        return None
    return tuple(
        replace(score, start=score.start + part.offset, end=score.end + part.offset)
        for part in parts
        for score in surprisals.get((doc_id, part.sentence.sent_id), ())
        if 0 <= score.start + part.offset and score.end + part.offset <= length
    )


def _pieces(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (start, end) ranges of ``text`` outside ``spans`` that hold a word, without white space at
    either edge or a clause separator (",", ";", ":", a dash) at the start."""
    pieces, cursor = [], 0
    for a, b in sorted(spans) + [(len(text), len(text))]:
        start, end = cursor, max(a, cursor)
        while start < end and (text[start].isspace() or text[start] in ",;:–—"):
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if any(c.isalnum() for c in text[start:end]):
            pieces.append((start, end))
        cursor = max(cursor, b)
    return pieces


def build_segments(
    candidates: Sequence[MarkedDocument],
    units: Sequence[Unit],
    references: Mapping[str, MarkedDocument],
    encoder: SentenceEncoder,
    surprisals: Mapping[tuple[str, int], Sequence[WordScore]] | None = None,
    spacy_model: str = "spacy-en",
    parallel: bool = False,
    words_after_reference: WordsAfterReference | None = None,
) -> list[Segment]:
    """One segment per alignment unit, and one per content sentence that no unit holds; ``parallel``:
    the reference translates the candidates' source line by line. ``words_after_reference(texts,
    contexts)`` gives each text's per-word bits after its context (``UnexplainedBits.words``): the
    aligned candidates' after their reference and, with a parallel reference, the other way round.

    A unit of a partial link gives a segment of the covered part of its sentence only (the part's
    offset is then negative: ``-start``, so that a segment offset minus it is a sentence offset), and
    each piece of the sentence outside it that holds a word gives a segment without a reference, like
    an unaligned sentence: the checks run there, but nothing there is an addition or an omission."""
    reference_texts = [m.document.text for m in references.values()]
    plans: list[tuple[str, tuple[SentencePart, ...], str, str | None, DocumentContext]] = []
    for marked in candidates:
        doc_id = marked.document.doc_id
        context = DocumentContext(marked.document.text, reference_texts, parallel)
        by_id = marked.by_id
        held = set()
        for unit in units:
            if unit.doc_id != doc_id:
                continue
            sentences = [by_id[i] for i in unit.candidate_ids]
            held.update(unit.candidate_ids)
            if unit.candidate_part is None:
                plans.append((doc_id, _parts(unit.hypothesis, sentences), unit.hypothesis, unit.reference, context))
                continue
            (sentence,), (a, b) = sentences, unit.candidate_part
            plans.append((doc_id, (SentencePart(sentence, -a),), sentence.text[a:b], unit.reference, context))
            for start, end in _pieces(sentence.text, [(a, b)]):
                plans.append((doc_id, (SentencePart(sentence, -start),), sentence.text[start:end], None, context))
        for sentence in marked.content:
            if sentence.sent_id not in held:
                plans.append((doc_id, (SentencePart(sentence, 0),), sentence.text, None, context))
    texts = list(dict.fromkeys([p[2] for p in plans] + [p[3] for p in plans if p[3] is not None]))
    analyses = dict(zip(texts, analyser(spacy_model).analyse(texts)))
    aligned_texts = list(dict.fromkeys(t for p in plans if p[3] is not None for t in (p[2], p[3])))
    pieces = dict(zip(aligned_texts, encoder.token_embeddings(aligned_texts)))
    pairs = list(dict.fromkeys((p[2], p[3]) for p in plans if p[3] is not None))
    unexplained, unrendered = {}, {}
    if words_after_reference is not None and pairs:
        hypotheses, aligned_references = [h for h, _ in pairs], [r for _, r in pairs]
        unexplained = dict(zip(pairs, words_after_reference(hypotheses, aligned_references)))
        if parallel:
            unrendered = dict(zip(pairs, words_after_reference(aligned_references, hypotheses)))
    segments = []
    for doc_id, parts, text, reference, context in plans:
        alignment = None
        if reference is not None:
            alignment = align_analyses(analyses[text], analyses[reference], pieces[text], pieces[reference])
        segments.append(Segment(
            doc_id=doc_id, text=text, parts=parts, analysis=analyses[text], context=context,
            reference=reference, reference_analysis=analyses[reference] if reference is not None else None,
            alignment=alignment, surprisals=_shifted_scores(parts, surprisals, doc_id, len(text)),
            unexplained=tuple(unexplained[(text, reference)]) if (text, reference) in unexplained else None,
            unrendered=tuple(unrendered[(text, reference)]) if (text, reference) in unrendered else None,
        ))
    return segments


def _trimmed(evidence: Evidence, text: str, low: int, high: int) -> Evidence | None:
    """The evidence clipped to [low, high) of ``text`` without white space at either edge."""
    start, end = max(evidence.start, low), min(evidence.end, high)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    if (start, end) == (evidence.start, evidence.end):
        return evidence
    # A clipped span keeps its claim but no longer carries a whole-span suggestion or repair.
    return Evidence(start, end, evidence.category, evidence.detector, evidence.explanation,
                    severity=evidence.severity, minimum=evidence.minimum)


def _groups(evidence: list[Evidence]) -> list[list[Evidence]]:
    """Evidence whose spans overlap (transitively) forms one group. An omission is anchored at a word
    next to the gap rather than covering it, so it merges only with omissions at the same anchor."""
    groups: list[list[Evidence]] = []
    end = -1
    for item in sorted((e for e in evidence if e.category != OMISSION), key=lambda e: (e.start, e.end)):
        if groups and item.start < end:
            groups[-1].append(item)
            end = max(end, item.end)
        else:
            groups.append([item])
            end = item.end
    anchored: dict[tuple[int, int], list[Evidence]] = {}
    for item in evidence:
        if item.category == OMISSION:
            anchored.setdefault((item.start, item.end), []).append(item)
    return groups + list(anchored.values())


def _compose(text: str, start: int, end: int, replacements: Iterable[tuple[int, int, str]]) -> str | None:
    """``text[start:end]`` with non-overlapping replacements applied, the widest first; None if none."""
    chosen: list[tuple[int, int, str]] = []
    for a, b, value in sorted(replacements, key=lambda r: (r[0] - r[1], r[0])):
        if all(b <= x or a >= y for x, y, _ in chosen):
            chosen.append((a, b, value))
    if not chosen:
        return None
    result = text[start:end]
    for a, b, value in sorted(chosen, reverse=True):
        before = result[: a - start]
        if value[:1] in "AIO" and value[1:2].islower() and re.search(r"(?:^|\s)a\s$", before, re.IGNORECASE):
            before = before[:-1] + "n "  # "a hit american" -> "an American hit"
        result = before + value + result[b - start:]
    return result


@dataclass(frozen=True)
class _Error:
    segment: int
    part: SentencePart
    start: int  # into the segment text
    end: int
    evidence: tuple[Evidence, ...]
    suggestion: str | None
    repaired: str  # the segment text with this error repaired as far as the evidence knows


def _severity_from_shift(shift: float) -> str:
    if shift >= CRITICAL_SHIFT:
        return "critical"
    return "major" if shift >= MAJOR_SHIFT else "minor"


def _at_least(severity: str, floor: str | None) -> str:
    if floor is None:
        return severity
    return SEVERITIES[max(SEVERITIES.index(severity), SEVERITIES.index(floor))]


class ErrorFinder:
    """Runs the evidence sources over segments, merges their evidence, and grades each error."""

    def __init__(
        self,
        encoder: SentenceEncoder,
        checks: Sequence[Check] | None = None,
        sources: Mapping[str, EvidenceSource] | None = None,
    ):
        self.encoder = encoder
        chosen = list(checks) if checks is not None else enabled_checks()
        self.sources: dict[str, EvidenceSource] = {
            "reference": reference_evidence,
            "checks": lambda segment: run_checks(segment, chosen),
            LANGUAGE_MODEL: language_model_evidence,
            UNEXPLAINED: unexplained_evidence,
            **(sources or {}),
        }

    def evidence(self, segment: Segment) -> list[Evidence]:
        return [item for source in self.sources.values() for item in source(segment)]

    def _errors(self, index: int, segment: Segment) -> list[_Error]:
        evidence = self.evidence(segment)
        errors = []
        for part in segment.parts:
            # a part's range in the segment text; a segment of part of a sentence ends before it does
            low, high = max(part.offset, 0), min(part.end, len(segment.text))
            clipped = [c for e in evidence if (c := _trimmed(e, segment.text, low, high))]
            for group in _groups(clipped):
                start, end = min(e.start for e in group), max(e.end for e in group)
                suggestion = _compose(segment.text, start, end,
                                      [(e.start, e.end, e.suggestion) for e in group if e.suggestion is not None])
                repair = _compose(segment.text, start, end, [
                    (e.start, e.end, e.repair if e.repair is not None else e.suggestion)
                    for e in group if e.repair is not None or e.suggestion is not None
                ])
                repaired = segment.text if repair is None else segment.text[:start] + repair + segment.text[end:]
                ordered = tuple(sorted(group, key=lambda e: (CATEGORY_ORDER.index(e.category), e.start)))
                errors.append(_Error(index, part, start, end, ordered, suggestion, repaired))
        return errors

    def find(self, segments: Sequence[Segment]) -> list[ErrorSpan]:
        errors = [error for index, segment in enumerate(segments) for error in self._errors(index, segment)]
        shifts = self._shifts(segments, errors)
        spans = []
        for error, shift in zip(errors, shifts):
            spans.append(self._span(segments[error.segment], error, shift))
        return sorted(spans, key=lambda s: (s.doc_id, s.doc_start, s.doc_end))

    def _shifts(self, segments: Sequence[Segment], errors: list[_Error]) -> list[float | None]:
        """How far each repair moves its segment towards the reference (None without a reference)."""
        measured = [e for e in errors if segments[e.segment].reference is not None]
        texts = [t for e in measured for t in (segments[e.segment].text, segments[e.segment].reference, e.repaired)]
        vectors = dict(zip(texts, self.encoder.encode(texts))) if texts else {}
        shifts: list[float | None] = []
        for error in errors:
            segment = segments[error.segment]
            if segment.reference is None:
                shifts.append(None)
                continue
            reference = vectors[segment.reference]
            shifts.append(float(vectors[error.repaired] @ reference - vectors[segment.text] @ reference))
        return shifts

    def _span(self, segment: Segment, error: _Error, shift: float | None) -> ErrorSpan:
        evidence = error.evidence
        floor = max((SEVERITIES.index(e.minimum) for e in evidence if e.minimum), default=None)
        if shift is None:
            severity = SEVERITIES[max(SEVERITIES.index(e.severity) for e in evidence)]
        else:
            severity = _severity_from_shift(shift)
        severity = _at_least(severity, SEVERITIES[floor] if floor is not None else None)
        sentence = error.part.sentence
        start, end = error.start - error.part.offset, error.end - error.part.offset
        return ErrorSpan(
            doc_id=segment.doc_id,
            sent_id=sentence.sent_id,
            start=start,
            end=end,
            doc_start=sentence.start + start,
            doc_end=sentence.start + end,
            text=sentence.text[start:end],
            category=evidence[0].category,
            severity=severity,
            detector=";".join(sorted({e.detector for e in evidence})),
            explanation="; ".join(dict.fromkeys(e.explanation for e in evidence)),
            suggestion=error.suggestion,
        )


def find_errors(
    candidates: Sequence[MarkedDocument],
    units: Sequence[Unit],
    references: Mapping[str, MarkedDocument],
    encoder: SentenceEncoder,
    checks: Sequence[Check] | None = None,
    sources: Mapping[str, EvidenceSource] | None = None,
    surprisals: Mapping[tuple[str, int], Sequence[WordScore]] | None = None,
    parallel: bool = False,
    words_after_reference: WordsAfterReference | None = None,
) -> list[ErrorSpan]:
    """Stage 6 for the pipeline: the error spans of every content sentence of the candidates. Units
    (aligned sentences) are compared with their reference; the other sentences get the checks and
    sources that need no reference. With no units and no references, everything is reference-free.
    ``parallel``: the reference translates the candidates' source line by line (``--parallel``)."""
    segments = build_segments(candidates, units, references, encoder, surprisals, parallel=parallel,
                              words_after_reference=words_after_reference)
    return ErrorFinder(encoder, checks, sources).find(segments)


def segment_for(
    text: str,
    reference: str | None = None,
    *,
    document: str | None = None,
    reference_documents: Sequence[str] = (),
    encoder: SentenceEncoder | None = None,
    doc_id: str = "text",
    parallel: bool = False,
) -> Segment:
    """One sentence as a segment, outside the pipeline (to check a single sentence, or in tests).

    ``document`` is the candidate document the sentence comes from and ``reference_documents`` the
    reference texts (by default the sentence itself and its reference): the checks learn casing
    habits and acronyms from them. ``parallel``: the reference translates the same source sentence.
    Offsets into ``text`` are also document offsets.
    """
    context = DocumentContext(document if document is not None else text,
                              tuple(reference_documents) or ((reference,) if reference is not None else ()),
                              parallel)
    texts = [text] + ([reference] if reference is not None else [])
    analyses = analyser().analyse(texts)
    alignment = None
    if reference is not None:
        encoder = encoder or sentence_encoder()
        pieces = encoder.token_embeddings(texts)
        alignment = align_analyses(analyses[0], analyses[1], pieces[0], pieces[1])
    return Segment.of_sentence(
        text, analyses[0], context, doc_id,
        reference=reference, reference_analysis=analyses[1] if reference is not None else None, alignment=alignment,
    )
