"""Stage 4, align: link candidate sentences to reference sentences.

First version: each candidate content sentence is linked to its most similar reference content
sentence (cosine of sentence embeddings) when the similarity reaches a threshold. Links keep the
n:m shape (tuples of ids) that the full aligner produces.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .segment import Sentence


@dataclass(frozen=True)
class Link:
    candidate_ids: tuple[int, ...]
    reference_ids: tuple[int, ...]
    reference_doc: str
    confidence: float


@dataclass(frozen=True)
class Alignment:
    doc_id: str
    links: tuple[Link, ...]

    def link_of(self) -> dict[int, Link]:
        return {sent_id: link for link in self.links for sent_id in link.candidate_ids}


@dataclass(frozen=True)
class ReferenceSide:
    """The reference content sentences a candidate may align to, with their embeddings."""

    doc_id: str
    sentences: list[Sentence]
    vectors: np.ndarray


def align_greedy(
    doc_id: str,
    sentences: list[Sentence],
    vectors: np.ndarray,
    references: list[ReferenceSide],
    threshold: float,
) -> Alignment:
    """Each candidate sentence to its best reference sentence, trying references in order of priority."""
    links = []
    for index, sentence in enumerate(sentences):
        for reference in references:
            if not reference.sentences:
                continue
            similarity = reference.vectors @ vectors[index]
            best = int(np.argmax(similarity))
            if similarity[best] >= threshold:
                links.append(
                    Link(
                        (sentence.sent_id,),
                        (reference.sentences[best].sent_id,),
                        reference.doc_id,
                        float(similarity[best]),
                    )
                )
                break
    return Alignment(doc_id, tuple(links))


def align_parallel(doc_id: str, sentences: list[Sentence], reference: list[Sentence], reference_doc: str) -> Alignment:
    """--parallel: line i links to line i (when both lines have text)."""
    by_line = {s.sent_id: s for s in reference}
    links = tuple(
        Link((s.sent_id,), (s.sent_id,), reference_doc, 1.0) for s in sentences if s.sent_id in by_line
    )
    return Alignment(doc_id, links)
