"""Does the reference look worse than the candidates? Every reference-based score measures closeness to
the reference, so a reference full of page furniture, misspellings or clumsy sentences makes those
scores mislead. Each reference is compared with the candidates on three signs, and a warning names
the signs that fire:

- furniture: a larger share of its sentences is page furniture or boilerplate;
- typos: the spelling check (``unknown-word``) fires on its content clearly more often, per 1,000
  words, than on the candidates' (the same check on both sides). A flagged word that a candidate
  also uses is a rare real word (a plant's Latin name), not a typo, and does not count;
- fluency: its content sentences read worse (mean fluency) than the candidates'.
"""

from __future__ import annotations

from statistics import median
from typing import Mapping, Sequence

from mtqa.checks.evidence import Segment
from mtqa.checks.words import unknown_word
from mtqa.core.records import MarkedDocument
from mtqa.core.values import word_count
from mtqa.stages.find_errors.spans import segment_for

FURNITURE_MIN_SHARE = 0.2  # a reference's furniture share must reach this ...
FURNITURE_MARGIN = 0.1  # ... and exceed the candidates' median share by this much
TYPO_MARGIN = 2.0  # misspellings per 1,000 words above the candidates' median (TED's botany: 0.8)
FLUENCY_MARGIN = 5.0  # fluency points (0-100) below the candidates' median


def _furniture_share(marked: MarkedDocument) -> float:
    return len(marked.non_content) / max(len(marked.sentences), 1)


def _content_words(marked: MarkedDocument) -> int:
    return sum(word_count(s.text) for s in marked.content)


def _content_segments(marked: MarkedDocument) -> list[Segment]:
    """The document's content sentences as error-finding segments (their spaCy analysis is cached)."""
    return [segment_for(s.text, doc_id=marked.document.doc_id) for s in marked.content]


def _misspellings(segments: list[Segment]) -> list[str]:
    """The words of these segments that the spelling check flags."""
    return [segment.text[f.start:f.end] for segment in segments for f in unknown_word(segment)]


def _vocabulary(segments: list[Segment]) -> set[str]:
    return {word.text.lower() for segment in segments for word in segment.analysis.words}


def _typo_rate(marked: MarkedDocument, misspellings: list[str]) -> float:
    return 1000 * len(misspellings) / max(_content_words(marked), 1)


def _mean_fluency(marked: MarkedDocument, fluency: Mapping[tuple[str, int], float]) -> float | None:
    values = [fluency[(marked.document.doc_id, s.sent_id)] for s in marked.content
              if (marked.document.doc_id, s.sent_id) in fluency]
    return sum(values) / len(values) if values else None


def reference_warnings(
    references: Sequence[MarkedDocument],
    candidates: Sequence[MarkedDocument],
    fluency: Mapping[tuple[str, int], float],
    compare_spelling: bool = True,
) -> list[str]:
    """One warning per reference that looks worse than the candidates, naming the reasons.

    ``fluency`` maps (doc_id, sent_id) to sentence fluency (empty when fluency was off);
    ``compare_spelling`` is off when error finding is, so the spelling check's word lists stay unloaded.
    """
    if not candidates:
        return []
    warnings = []
    candidate_furniture = median(_furniture_share(c) for c in candidates)
    candidate_fluency = [f for f in (_mean_fluency(c, fluency) for c in candidates) if f is not None]
    candidate_typo_rate, candidate_words = None, set()
    if compare_spelling:
        segments = {c.document.doc_id: _content_segments(c) for c in candidates}
        candidate_typo_rate = median(_typo_rate(c, _misspellings(segments[c.document.doc_id])) for c in candidates)
        candidate_words = set().union(*(_vocabulary(s) for s in segments.values()))
    for reference in references:
        reasons = []
        share = _furniture_share(reference)
        if share >= FURNITURE_MIN_SHARE and share >= candidate_furniture + FURNITURE_MARGIN:
            reasons.append(
                f"much page furniture ({share:.0%} of its sentences, candidates' median {candidate_furniture:.0%})"
            )
        if candidate_typo_rate is not None:
            typos = [w for w in _misspellings(_content_segments(reference)) if w.lower() not in candidate_words]
            rate = _typo_rate(reference, typos)
            if typos and rate >= candidate_typo_rate + TYPO_MARGIN:
                words = ", ".join(f"'{w}'" for w in dict.fromkeys(typos))
                reasons.append(
                    f"misspellings ({words}; {rate:.1f} per 1,000 words, candidates' median {candidate_typo_rate:.1f})"
                )
        mine = _mean_fluency(reference, fluency)
        if mine is not None and candidate_fluency and mine < median(candidate_fluency) - FLUENCY_MARGIN:
            reasons.append(f"lower fluency ({mine:.0f}/100, candidates' median {median(candidate_fluency):.0f})")
        if reasons:
            warnings.append(
                f"reference {reference.document.doc_id!r} may be worse than the candidates: "
                + "; ".join(reasons)
                + ". Scores against it measure closeness to a flawed reference."
            )
    return warnings


__all__ = ["reference_warnings"]
